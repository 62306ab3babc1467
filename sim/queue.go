package sim

import "math"

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
	// lo and hi bound the births of a cohort that a bounded queue made by
	// merging records born at different times (hi > lo); otherwise every
	// record is born at born. Delivery spreads such a cohort's records evenly
	// over [lo, hi], so merging keeps latency percentiles close.
	lo, hi float64
}

// entry is the cohort's part that every queued one has.
func (c *cohort) entry() entry { return entry{at: c.at, born: c.born, n: c.n, b: c.b} }

// bare reports whether the cohort has none of the extras (objects, fold,
// range of births): its entry is all of it.
func (c *cohort) bare() bool { return c.obj == 0 && c.fold == 0 && !c.spans() }

// spans reports whether the cohort's births spread over [lo, hi].
func (c *cohort) spans() bool { return c.hi > c.lo }

// births is the range of the cohort's births.
func (c *cohort) births() (lo, hi float64) {
	if c.hi > c.lo {
		return c.lo, c.hi
	}
	return c.born, c.born
}

// unionBirths widens dst's range of births to cover c's.
func unionBirths(dst, c *cohort) {
	lo1, hi1 := dst.births()
	lo2, hi2 := c.births()
	dst.lo, dst.hi = min(lo1, lo2), max(hi1, hi2)
	if dst.hi <= dst.lo {
		dst.lo, dst.hi = 0, 0
	}
}

// later is the later of two times. Times are never NaN or −0, so this
// gives the builtin max's bits at a fraction of its cost (the builtin must
// order NaN and the zeros), on the path of every piece a consumer hands on.
func later(a, b float64) float64 {
	if b > a {
		return b
	}
	return a
}

// rowsPerRecord is the rows written per record.
func (c *cohort) rowsPerRecord() float64 {
	if c.fold == 0 {
		return 1
	}
	return c.fold
}

// Bounds on the cohorts a node keeps in its queues, so memory stays flat
// however far readers fall behind and however long buffers stay open.
const (
	cohortBudget  = 1 << 18 // cohorts per node in all (8 MB of entries, 16 MB with extras)
	minPerQueue   = 16      // the fewest one queue keeps, whatever the budget says
	exactPerQueue = 64      // from this many down, merged cohorts spread their births
)

// queueLimit is how many cohorts each of n queues of a node keeps (a power of
// two), and whether the queues should spread merged cohorts' births: with
// fewer than exactPerQueue entries a queue merges records far apart in time.
func queueLimit(n int) (limit int, spread bool) {
	per := cohortBudget / max(1, n)
	spread = per < exactPerQueue
	if !spread {
		per = max(exactPerQueue, per)
	}
	per = max(minPerQueue, per)
	return 1 << int(math.Ceil(math.Log2(float64(per)))), spread
}

// fifo is a ring buffer of cohorts. It never holds more than limit entries: past
// that, neighbours are merged (weighted), trading latency resolution for bounded memory.
// With spread set, merged cohorts remember the range of their births (see cohort.lo).
//
// An entry keeps a cohort's times and counts in buf (32 bytes) and its
// objects, fold and range of births in ext, which is made only when a cohort
// that has any of them comes in: most queues (a stream's backlog, a batch)
// never do, and a backlog of hours on every shard is the engine's largest
// memory. Every slot of ext that holds no entry is zero (entries leaving
// zero theirs), so a push of a bare entry writes buf only: on 10,000
// shards, a second cache line written per push was a fifth of the time.
// The header is kept small too (88 bytes): a node keeps one per shard, and
// a tick reads them all.
type fifo struct {
	buf        []entry
	ext        *[]extra // nil, or as long as buf
	head, size int
	n, b       float64 // totals held
	limit      int32
	spread     bool
	// frontAt is the oldest entry's arrival, kept by every change of the
	// front: the iterator age and expiry read it for every unit each tick,
	// which from the entries themselves costs a dependent load (on deep
	// queues, a cache miss) per queue.
	frontAt float64
	// backAt is the newest entry's arrival, kept by every push: a push
	// compares it to decide whether it merges into that entry, which from
	// the entry itself costs a dependent load, and on a deep queue a cache
	// miss, per unit and tick.
	backAt float64
}

// entry is the part of a cohort every queued one has.
type entry struct{ at, born, n, b float64 }

// cohort is the entry as a cohort with no extras.
func (e entry) cohort() cohort { return cohort{at: e.at, born: e.born, n: e.n, b: e.b} }

// extra is the part of a cohort that only some have (see fifo).
type extra struct{ obj, fold, lo, hi float64 }

func (q *fifo) empty() bool { return q.size == 0 }

// slot is the buffer index of the queue's i-th entry.
func (q *fifo) slot(i int) int { return (q.head + i) & (len(q.buf) - 1) }

// get is the cohort at buffer index j (getTo, as a value).
func (q *fifo) get(j int) (c cohort) {
	q.getTo(j, &c)
	return c
}

// getTo writes the cohort at buffer index j into c, field by field. A
// cohort that get builds and its caller copies is read back 16 bytes at a
// time from the stores of its 8-byte fields, which the store buffer cannot
// forward: a stall, on paths that take one per cohort (see gather.addNew).
func (q *fifo) getTo(j int, c *cohort) {
	e := &q.buf[j]
	c.at, c.born, c.n, c.b = e.at, e.born, e.n, e.b
	if q.ext != nil {
		x := &(*q.ext)[j]
		c.obj, c.fold, c.lo, c.hi = x.obj, x.fold, x.lo, x.hi
		return
	}
	c.obj, c.fold, c.lo, c.hi = 0, 0, 0, 0
}

// frontTo writes the oldest cohort into c (see getTo).
func (q *fifo) frontTo(c *cohort) { q.getTo(q.head, c) }

// first is the oldest entry: its times and counts, for a caller that needs
// no more (front's cohort would be built and copied: see getTo).
func (q *fifo) first() *entry { return &q.buf[q.head] }

// put stores c at buffer index j. It takes c by pointer: a cohort passed
// by value is copied whole, which stalls (see getTo).
func (q *fifo) put(j int, c *cohort) {
	q.buf[j] = entry{at: c.at, born: c.born, n: c.n, b: c.b}
	if q.ext == nil {
		if c.obj == 0 && c.fold == 0 && c.lo == 0 && c.hi == 0 {
			return
		}
		x := make([]extra, len(q.buf))
		q.ext = &x
	}
	(*q.ext)[j] = extra{obj: c.obj, fold: c.fold, lo: c.lo, hi: c.hi}
}

// olderThan reports whether the oldest cohort arrived at or before t.
func (q *fifo) olderThan(t float64) bool {
	return q.size > 0 && q.frontAt <= t
}

// front is the oldest cohort.
func (q *fifo) front() cohort { return q.get(q.head) }

func (q *fifo) push(c cohort) {
	if c.bare() {
		q.pushEntry(c.entry())
		return
	}
	q.pushCohort(c)
}

// pushEntry is push for a cohort with no extras (objects, fold, range of
// births), passed as its four figures: the common piece of every backlog
// and buffer, on the path of every unit and tick, where copying whole
// cohorts through the calls cost more than the queue's work.
func (q *fifo) pushEntry(e entry) {
	if e.n <= 0 {
		return
	}
	if q.size > 0 && q.backAt == e.at {
		if last := &q.buf[q.slot(q.size-1)]; sameTime(last.born, e.born) {
			if !q.plain() {
				q.pushCohort(e.cohort())
				return
			}
			q.n += e.n
			q.b += e.b
			last.merge(e)
			q.backAt = last.at
			if q.size == 1 { // merged into the front: its arrival is averaged
				q.frontAt = q.buf[q.head].at
			}
			return
		}
	}
	q.n += e.n
	q.b += e.b
	if q.size == len(q.buf) {
		q.makeRoom()
	}
	q.buf[q.slot(q.size)] = e // its ext slot, if any, is zero
	q.size++
	q.backAt = e.at
	if q.size == 1 {
		q.frontAt = e.at
	}
}

// pushNew is pushEntry's common case, small enough to inline: an entry
// that arrives after the newest one (so it merges with none) into a queue
// not empty, with room. It reports false, having done nothing, for any
// other case.
func (q *fifo) pushNew(e entry) bool {
	if q.size == 0 || q.size == len(q.buf) || q.backAt == e.at || e.n <= 0 {
		return false
	}
	q.n += e.n
	q.b += e.b
	q.buf[(q.head+q.size)&(len(q.buf)-1)] = e
	q.size++
	q.backAt = e.at
	return true
}

// pushNext is pushNew for an entry its caller knows merges with no other
// (its birth is apart from the newest entry's): no test of the newest
// entry's arrival. The two write their bodies out: pushNew calling it, or
// both a shared append, cost behind 0.15–0.5% of its instructions.
func (q *fifo) pushNext(e entry) bool {
	if q.size == 0 || q.size == len(q.buf) || e.n <= 0 {
		return false
	}
	q.n += e.n
	q.b += e.b
	q.buf[(q.head+q.size)&(len(q.buf)-1)] = e
	q.size++
	q.backAt = e.at
	return true
}

// pushCohort is push for a cohort with extras, or into a queue that keeps
// them (pushEntry's other cases).
func (q *fifo) pushCohort(c cohort) {
	if c.n <= 0 {
		return
	}
	q.n += c.n
	q.b += c.b
	if q.size > 0 && q.backAt == c.at {
		j := q.slot(q.size - 1)
		if last := &q.buf[j]; sameTime(last.born, c.born) {
			var l cohort
			q.getTo(j, &l)
			mergeInto(&l, &c, q.spread)
			q.put(j, &l)
			q.backAt = l.at
			if q.size == 1 { // merged into the front: its arrival is averaged
				q.frontAt = q.buf[q.head].at
			}
			return
		}
	}
	if q.size == len(q.buf) {
		q.makeRoom()
	}
	q.put(q.slot(q.size), &c)
	q.size++
	q.backAt = c.at
	if q.size == 1 {
		q.frontAt = c.at
	}
}

// makeRoom frees an entry for a push into a full buffer: growing it, or
// past the limit merging entries.
func (q *fifo) makeRoom() {
	switch {
	case q.limit > 0 && q.size >= int(q.limit) && q.spread:
		q.mergeClosest()
	case q.limit > 0 && q.size >= int(q.limit):
		q.compact()
	default:
		q.grow()
	}
	q.frontAt = q.buf[q.head].at // merging may have reached the front
}

// mergeInto adds c to dst: counts summed, times weighted. With spread (or
// when either already spans births) dst's range of births covers both. It
// takes c by pointer: a cohort passed by value is copied whole, which
// stalls (see fifo.getTo).
func mergeInto(dst, c *cohort, spread bool) {
	if spread || dst.spans() || c.spans() {
		unionBirths(dst, c)
	}
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
	k := max(8, 2*len(q.buf))
	nb := newEntries(k, q.size)
	// The entries in ring order: the run from head to the buffer's end,
	// then the one that wrapped to its start.
	end := min(q.head+q.size, len(q.buf))
	c := copy(nb, q.buf[q.head:end])
	copy(nb[c:q.size], q.buf)
	if q.ext != nil {
		nx := make([]extra, k)
		c := copy(nx, (*q.ext)[q.head:end])
		copy(nx[c:q.size], *q.ext)
		q.ext = &nx
	}
	freeEntries(q.buf)
	q.buf, q.head = nb, 0
}

// compactPlain is compact for a plain queue.
func (q *fifo) compactPlain() {
	// The ring in locals: each store into it made Go load the queue's
	// fields again, and a full batch or backlog compacts hundreds of pairs.
	buf, head, size := q.buf, q.head, q.size
	mask := len(buf) - 1
	out := 0
	for i := 0; i < size; i += 2 {
		e := buf[(head+i)&mask]
		if i+1 < size {
			e = e.merged(buf[(head+i+1)&mask])
		}
		buf[(head+out)&mask] = e
		out++
	}
	q.size = out
}

// plain reports whether every entry is a bare one (no extra) and merges
// keep no range of births: then merging works on the entries alone.
func (q *fifo) plain() bool { return q.ext == nil && !q.spread }

// merge is mergeInto for cohorts without extras, merged without spread: the
// same arithmetic on the part they have.
func (e *entry) merge(c entry) { *e = e.merged(c) }

// merged is merge by value, for loops that keep the entry in registers
// (through a pointer it lives in memory, and each merge waits on a store).
func (e entry) merged(c entry) entry {
	tot := e.n + c.n
	return entry{
		at:   (e.at*e.n + c.at*c.n) / tot,
		born: (e.born*e.n + c.born*c.n) / tot,
		n:    tot,
		b:    e.b + c.b,
	}
}

// compact merges neighbouring pairs, halving the entries.
func (q *fifo) compact() {
	if q.plain() {
		q.compactPlain()
		return
	}
	out := 0
	var c, d cohort
	for i := 0; i < q.size; i += 2 {
		q.getTo(q.slot(i), &c)
		if i+1 < q.size {
			q.getTo(q.slot(i+1), &d)
			mergeInto(&c, &d, q.spread)
		}
		q.put(q.slot(out), &c)
		out++
	}
	q.shrinkTo(out)
}

// shrinkTo drops the entries from the n-th on, which merging has moved
// into the ones before, zeroing their extras (see fifo).
func (q *fifo) shrinkTo(n int) {
	if q.ext != nil {
		for i := n; i < q.size; i++ {
			(*q.ext)[q.slot(i)] = extra{}
		}
	}
	q.size = n
}

// mergeClosest frees about half of the queue's entries by merging runs of
// neighbours whose births together span at most 4/size of the births the
// whole queue spans. The entries that remain cover even slices of time, so
// the spread of births stays close to the truth whichever records are
// delivered; halving (compact) would leave the oldest entry holding half the
// queue. One pass costs O(size) and happens every size/2 pushes or so; when
// births are out of order and no run forms, it halves instead.
func (q *fifo) mergeClosest() {
	if q.ext != nil {
		q.mergeClosestExt()
		return
	}
	first, _ := q.birthsAt(q.head)
	_, lastHi := q.birthsAt(q.slot(q.size - 1))
	w := (lastHi - first) / float64(max(1, q.size/4))
	out := 0
	var run, c cohort    // entry out-1 while a run merges into it; entry i
	merging := false     // whether run holds entry out-1
	var glo, ghi float64 // the births of entry out-1
	for i := 0; i < q.size; i++ {
		j := q.slot(i)
		lo, hi := q.birthsAt(j)
		if out > 0 && max(ghi, hi)-min(glo, lo) <= w {
			if !merging {
				q.getTo(q.slot(out-1), &run)
				merging = true
			}
			q.getTo(j, &c)
			mergeInto(&run, &c, true)
			glo, ghi = min(glo, lo), max(ghi, hi)
			continue
		}
		if merging {
			q.put(q.slot(out-1), &run)
			merging = false
		}
		if out != i {
			q.move(q.slot(out), j)
		}
		glo, ghi = lo, hi
		out++
	}
	if out == q.size {
		// Births out of order or all equal: fall back to halving.
		q.compact()
		return
	}
	if merging {
		q.put(q.slot(out-1), &run)
	}
	q.shrinkTo(out)
}

// birthsAt is the range of births of the entry at buffer index j
// (cohort.births without building the cohort).
func (q *fifo) birthsAt(j int) (lo, hi float64) {
	if q.ext != nil {
		if x := &(*q.ext)[j]; x.hi > x.lo {
			return x.lo, x.hi
		}
	}
	b := q.buf[j].born
	return b, b
}

// move copies the entry at buffer index src to dst.
func (q *fifo) move(dst, src int) {
	q.buf[dst] = q.buf[src]
	if q.ext != nil {
		(*q.ext)[dst] = (*q.ext)[src]
	}
}

// drain removes every cohort, oldest first, calling fn for each.
func (q *fifo) drain(fn func(c cohort)) {
	for q.size > 0 {
		fn(q.popFront())
	}
	q.n, q.b = 0, 0
}

// each calls fn for every cohort, oldest first.
func (q *fifo) each(fn func(c cohort)) {
	for i := 0; i < q.size; i++ {
		fn(q.get(q.slot(i)))
	}
}

// lastArrival is the latest arrival among the first n records.
func (q *fifo) lastArrival(n float64) float64 {
	var seen, last float64
	for i := 0; i < q.size && seen < n-1e-9; i++ {
		e := &q.buf[q.slot(i)]
		last = max(last, e.at)
		seen += e.n
	}
	return last
}
