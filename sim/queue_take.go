package sim

// Taking from a queue's front: a take bounded by records and bytes, piece
// by piece (taker, next, nextEntry), its whole entries in one pass
// (gather.takeWhole, dropFront), and the pops under them.

// take removes up to n records (and at most b bytes when b >= 0) from the front,
// calling fn for each piece taken. It returns the records and bytes taken.
func (q *fifo) take(n, b float64, fn func(c cohort)) (float64, float64) {
	var tn, tb float64
	t := q.taker(n, b)
	if q.ext == nil {
		// Pieces as their figures (next would build each cohort and copy
		// it: see fifo.getTo).
		for {
			e, part, ok := q.nextEntry(&t)
			if !ok {
				break
			}
			fn(cohort{at: e.at, born: e.born, n: e.n, b: e.b})
			tn += part
			tb += e.b
		}
		return tn, tb
	}
	for {
		piece, part, ok := q.next(&t)
		if !ok {
			break
		}
		fn(piece)
		tn += part
		tb += piece.b
	}
	return tn, tb
}

// taking is the state of a take done piece by piece (taker, next), for the
// hot loops that cannot afford a callback per piece.
type taking struct {
	n, b float64
	limB bool // b < 0 on entry means no byte limit; it may dip below 0 by rounding later
	done bool // the next nextEntry would surely take nothing (see nextEntry)
}

// taker starts taking up to n records (and at most b bytes when b >= 0).
func (q *fifo) taker(n, b float64) taking { return taking{n: n, b: b, limB: b >= 0} }

// next removes the next piece of a take from the front and returns it with
// the records it counts toward the take (part; the piece may hold a trace
// more when it empties its entry), or ok false when the take is done.
func (q *fifo) next(t *taking) (piece cohort, part float64, ok bool) {
	if q.ext == nil {
		e, part, ok := q.nextEntry(t)
		return e.cohort(), part, ok
	}
	if q.size == 0 {
		_, _, ok := q.nextEntry(t)
		return cohort{}, 0, ok
	}
	// The extras are read first: a pop zeroes them (see fifo).
	h, size, whole := q.head, q.size, q.buf[q.head].n
	x := &(*q.ext)[h]
	piece.obj, piece.fold, piece.lo, piece.hi = x.obj, x.fold, x.lo, x.hi
	e, part, ok := q.nextEntry(t)
	if !ok {
		return cohort{}, 0, false
	}
	piece.at, piece.born, piece.n, piece.b = e.at, e.born, e.n, e.b
	if q.size == size { // a part of the entry: its objects in proportion
		piece.obj = x.obj * part / whole
		x.obj -= piece.obj
	}
	return piece, part, true
}

// nextPiece is next without the piece's part of the take; where the queue
// has no extras (the common case) the piece is built from its entry in
// registers (see fifo.pushEntry).
func (q *fifo) nextPiece(t *taking) (cohort, bool) {
	if q.ext == nil {
		e, _, ok := q.nextEntry(t)
		return e.cohort(), ok
	}
	c, _, ok := q.next(t)
	return c, ok
}

// nextEntry is next for the entries' part of the cohorts: the piece's
// times and counts, for a queue without extras or before next adds them.
func (q *fifo) nextEntry(t *taking) (piece entry, part float64, ok bool) {
	if q.size == 0 || t.n <= 1e-12 {
		if q.size == 0 {
			q.n, q.b = 0, 0
		}
		return entry{}, 0, false
	}
	f := &q.buf[q.head]
	part = f.n
	if part > t.n {
		part = t.n
	}
	// The byte limit can bind only when the entry's bytes come near it:
	// part·(b/n) is within two roundings of b, so well below the limit the
	// division (on the critical path of every piece) is skipped.
	if t.limB && f.n > 0 && !(f.b*(1+1e-12) < t.b) {
		per := f.b / f.n
		if per > 0 && part*per > t.b {
			part = t.b / per
		}
	}
	if part <= 1e-12 {
		if f.n > 1e-12 {
			return entry{}, 0, false
		}
		part = f.n // dust left by rounding goes with its neighbour, or it would block the queue
	}
	piece = entry{at: f.at, born: f.born, n: part, b: f.b}
	whole := part >= f.n*(1-1e-12)
	if whole {
		piece.n = f.n
		q.pop()
	} else {
		piece.b = f.b * part / f.n
		f.b -= piece.b
		q.n -= part
		q.b -= piece.b
		f.n -= part
	}
	t.n -= part
	if t.limB {
		t.b -= piece.b
	}
	if !whole { // f is still the front
		t.done = t.n <= 1e-12 || t.limB && leavesDust(t.b, f.n, f.b)
	}
	return piece, part, true
}

// leavesDust reports whether a take left with b bytes surely takes nothing
// more from a front entry of n records and nb bytes: nextEntry would find
// its part, b over the entry's bytes per record, at most 1e-12 and the
// entry more than dust. It is sufficient, not necessary: b·n ≤
// 0.999999e-12·nb, with n > 1e-12 and nb well above underflow, bounds the
// rounded quotient below 1e-12, and keeps b far below the part's bytes and
// the entry's, so that nextEntry's byte test takes that branch. A take
// that ends on the byte limit leaves b within roundings of 0, and its
// caller stops without a call that would only say so.
func leavesDust(b, n, nb float64) bool {
	return n > 1e-12 && nb > 1e-200 && b*n <= 0.999999e-12*nb
}

// dropFront removes the k front entries, settling the totals as k pops
// do: to restN and restB, which the takeWhole that took them worked out
// (or to nothing when no entry is left).
func (q *fifo) dropFront(k int, restN, restB float64) {
	if k == 0 {
		return
	}
	mask := len(q.buf) - 1
	if q.ext != nil {
		for i := range k {
			(*q.ext)[(q.head+i)&mask] = extra{}
		}
	}
	head, size := (q.head+k)&mask, q.size-k
	q.head, q.size = head, size
	if size == 0 {
		q.n, q.b = 0, 0
		if k > 1 { // pop sets frontAt while entries remain: the last one's
			q.frontAt = q.buf[(head-1)&mask].at
		}
		return
	}
	q.n, q.b = restN, restB
	q.frontAt = q.buf[head].at
}

func (q *fifo) pop() {
	f := &q.buf[q.head]
	q.n -= f.n
	q.b -= f.b
	if q.ext != nil {
		(*q.ext)[q.head] = extra{}
	}
	q.head = (q.head + 1) & (len(q.buf) - 1)
	q.size--
	if q.size == 0 {
		q.n, q.b = 0, 0
	} else {
		q.frontAt = q.buf[q.head].at
	}
}

// popFront removes the oldest cohort and returns it; the totals are the
// caller's to settle (drain, a whole object).
func (q *fifo) popFront() cohort {
	c := q.get(q.head)
	if q.ext != nil {
		(*q.ext)[q.head] = extra{}
	}
	q.head = (q.head + 1) & (len(q.buf) - 1)
	q.size--
	if q.size > 0 {
		q.frontAt = q.buf[q.head].at
	}
	return c
}
