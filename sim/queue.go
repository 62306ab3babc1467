package sim

// cohort is a group of records that travel together: written in the same tick,
// born (produced) at `born` on average. Counts are fractional in the fluid model.
type cohort struct {
	at   float64 // when it entered this queue (seconds)
	born float64 // mean production time of its records (seconds)
	n, b float64 // records, bytes
	obj  float64 // objects (files) these records make when written to S3
	// fold is the rows a destination writes per record (a window's results are
	// fewer than the records they fold); 0 means one row per record.
	fold float64
}

// rowsPerRecord is the rows written per record.
func (c *cohort) rowsPerRecord() float64 {
	if c.fold == 0 {
		return 1
	}
	return c.fold
}

// fifo is a ring buffer of cohorts. It never holds more than limit entries: past
// that, neighbours are merged (weighted), trading latency resolution for bounded memory.
type fifo struct {
	buf        []cohort
	head, size int
	n, b       float64 // totals held
	limit      int
}

func (q *fifo) empty() bool { return q.size == 0 }

func (q *fifo) front() *cohort { return &q.buf[q.head] }

func (q *fifo) push(c cohort) {
	if c.n <= 0 {
		return
	}
	q.n += c.n
	q.b += c.b
	if q.size > 0 {
		last := &q.buf[(q.head+q.size-1)&(len(q.buf)-1)]
		if last.at == c.at && sameTime(last.born, c.born) {
			mergeInto(last, c)
			return
		}
	}
	if q.size == len(q.buf) {
		if q.limit > 0 && q.size >= q.limit {
			q.compact()
		} else {
			q.grow()
		}
	}
	q.buf[(q.head+q.size)&(len(q.buf)-1)] = c
	q.size++
}

func mergeInto(dst *cohort, c cohort) {
	tot := dst.n + c.n
	if dst.fold != 0 || c.fold != 0 {
		dst.fold = (dst.rowsPerRecord()*dst.n + c.rowsPerRecord()*c.n) / tot
	}
	dst.born = (dst.born*dst.n + c.born*c.n) / tot
	dst.at = (dst.at*dst.n + c.at*c.n) / tot
	dst.n = tot
	dst.b += c.b
	dst.obj += c.obj
}

func (q *fifo) grow() {
	nb := make([]cohort, max(8, 2*len(q.buf)))
	for i := 0; i < q.size; i++ {
		nb[i] = q.buf[(q.head+i)&(len(q.buf)-1)]
	}
	q.buf, q.head = nb, 0
}

// compact merges neighbouring pairs, halving the entries.
func (q *fifo) compact() {
	out := 0
	for i := 0; i < q.size; i += 2 {
		c := q.buf[(q.head+i)&(len(q.buf)-1)]
		if i+1 < q.size {
			mergeInto(&c, q.buf[(q.head+i+1)&(len(q.buf)-1)])
		}
		q.buf[(q.head+out)&(len(q.buf)-1)] = c
		out++
	}
	q.size = out
}

// take removes up to n records (and at most b bytes when b >= 0) from the front,
// calling fn for each piece taken. It returns the records and bytes taken.
func (q *fifo) take(n, b float64, fn func(c cohort)) (float64, float64) {
	var tn, tb float64
	limB := b >= 0 // b < 0 on entry means no byte limit; it may dip below 0 by rounding later
	for q.size > 0 && n > 1e-12 {
		f := &q.buf[q.head]
		part := f.n
		if part > n {
			part = n
		}
		if limB && f.n > 0 {
			per := f.b / f.n
			if per > 0 && part*per > b {
				part = b / per
			}
		}
		if part <= 1e-12 {
			if f.n > 1e-12 {
				break
			}
			part = f.n // dust left by rounding goes with its neighbour, or it would block the queue
		}
		piece := *f
		piece.n = part
		if part >= f.n*(1-1e-12) {
			piece.n = f.n
			piece.b = f.b
			q.pop()
		} else {
			piece.b = f.b * part / f.n
			piece.obj = f.obj * part / f.n
			f.n -= part
			f.b -= piece.b
			f.obj -= piece.obj
			q.n -= part
			q.b -= piece.b
		}
		fn(piece)
		tn += part
		tb += piece.b
		n -= part
		if limB {
			b -= piece.b
		}
	}
	if q.size == 0 {
		q.n, q.b = 0, 0
	}
	return tn, tb
}

func (q *fifo) pop() {
	f := q.buf[q.head]
	q.n -= f.n
	q.b -= f.b
	q.head = (q.head + 1) & (len(q.buf) - 1)
	q.size--
	if q.size == 0 {
		q.n, q.b = 0, 0
	}
}

// drain removes every cohort, oldest first, calling fn for each.
func (q *fifo) drain(fn func(c cohort)) {
	for q.size > 0 {
		c := q.buf[q.head]
		q.head = (q.head + 1) & (len(q.buf) - 1)
		q.size--
		fn(c)
	}
	q.n, q.b = 0, 0
}

// each calls fn for every cohort, oldest first.
func (q *fifo) each(fn func(c *cohort)) {
	for i := 0; i < q.size; i++ {
		fn(&q.buf[(q.head+i)&(len(q.buf)-1)])
	}
}

// lastArrival is the latest arrival among the first n records.
func (q *fifo) lastArrival(n float64) float64 {
	var seen, last float64
	for i := 0; i < q.size && seen < n-1e-9; i++ {
		c := &q.buf[(q.head+i)&(len(q.buf)-1)]
		last = max(last, c.at)
		seen += c.n
	}
	return last
}
