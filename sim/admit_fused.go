package sim

import "slices"

// The fused admissions: offer, limits and settle in fewer passes over the
// units for the common shapes (one writer to a provisioned Kinesis stream,
// one writer to MSK Serverless). Each keeps the general passes' arithmetic
// in their order where its results must match theirs to the bit.

// settleOne is offer + limitAll + settle fused into one pass over the units,
// for the common case of one writer and the same limits on every unit (a
// provisioned Kinesis stream). It returns the refused attempts and the
// records and bytes accepted, and writes each unit's utilisation into util.
func (a *admission) settleOne(tick int64, dt, capN, capB float64, util []float64) (throttled, inN, inB, maxUtil float64) {
	e := a.edges[0]
	if !a.offZero {
		clear(a.offN)
		clear(a.offB)
		clear(a.offRec)
	}
	a.clearRetried()
	due := a.dueBatches(e, tick)
	for _, rb := range due {
		a.offerBatch(e, rb)
	}
	perRecB, recW := 0.0, e.recWeight()
	if e.n > 0 {
		perRecB = e.b / e.n
	}
	byteW := perRecB + e.keyBytes
	invN, invB := 1/capN, 1/capB
	// The arrays in locals of one length, and the edge's figures too: a
	// store through a pointer makes Go load them again.
	share := e.share
	offRec, offB := a.offRec[:len(share)], a.offB[:len(share)]
	accN, util := a.accN[:len(share)], util[:len(share)]
	en, born := e.n, e.born
	a.oneMode, a.oneFast, a.oneBorn, a.oneAt, a.onePer = true, true, born, e.at, perRecB
	scratch := a.scratch[:0]
	var rejSum float64
	for u, w := range share {
		n := en * w
		// Plain comparisons, not the builtin max, which must order NaN and
		// −0: these are non-negative counts, and this runs per shard and tick.
		x := (n*recW + offRec[u]) * invN
		if y := (n*byteW + offB[u]) * invB; y > x {
			x = y
		}
		util[u] = x
		if x > maxUtil {
			maxUtil = x
		}
		f := 1.0
		if x > 1 {
			f = 1 / x
		}
		ok := n * f
		accN[u] = ok
		inN += ok
		if rej := n - ok; rej > 1e-12 {
			rejSum += rej
			scratch = append(scratch, retryEntry{int32(u), rej, rej * perRecB, born})
		}
	}
	a.scratch = scratch
	a.settleOffered(due, util)
	a.oneNewN = inN
	inB = inN * perRecB
	e.writer.out += inN
	e.writer.outB += inB
	throttled = rejSum
	e.writer.writeRefused += rejSum
	t, n, b := a.settleDue(e, due, tick, dt)
	throttled += t
	inN += n
	inB += b
	a.knowCaps(capN, capB, inN, inB)
	return throttled, inN, inB, maxUtil
}

// settleOffered is what settleOne does for the units that due retries
// were offered to, and only for them: their accepted fraction (which
// settleDue needs; no other unit's is written) from their utilisation,
// and their offered sums set back to zero, so that the next settleOne need
// not clear every unit's (offZero).
func (a *admission) settleOffered(due []*retryBatch, util []float64) {
	// The arrays in locals, of one length: see offerBatch.
	frac := a.frac
	offN, offB, offRec, util := a.offN[:len(frac)], a.offB[:len(frac)], a.offRec[:len(frac)], util[:len(frac)]
	for _, rb := range due {
		ents := rb.entries
		for i := range ents {
			u := ents[i].unit
			f := 1.0
			if x := util[u]; x > 1 {
				f = 1 / x
			}
			frac[u] = f
			offN[u], offB[u], offRec[u] = 0, 0, 0
		}
	}
	a.offZero = true
}

// settleBytes is offer, limit (a byte limit per unit), a cap on the whole
// stream's accepted bytes and settle for one writer (MSK Serverless), in
// two passes over the units instead of five. It does their arithmetic in
// their order, so the sums are theirs to the bit. It leaves each unit's
// utilisation to be read as offB[u] / capB (only a unit over its limit
// needs the division now), and returns the stream's peak utilisation,
// maxUtil or this tick's highest.
func (a *admission) settleBytes(tick int64, dt, capB, streamB, maxUtil float64) (throttled, inN, inB, peak float64) {
	e := a.edges[0]
	due := a.dueBatches(e, tick)
	more := a.offerDue(e, due)
	perRecB := 0.0
	if e.n > 0 {
		perRecB = e.b / e.n
	}
	byteW := perRecB + e.keyBytes
	// In locals of one length: see settleOne.
	share, en := e.share, e.n
	offB, frac := a.offB[:len(share)], a.frac[:len(share)]
	next, k := -1, 0 // the next unit with more than one due entry, and its place in more
	if len(more) > 0 {
		next = int(more[0].unit)
	}
	var total, top float64
	// Only the offered bytes are summed for the new records: a byte limit
	// reads nothing else, and the due entries' records (addOffered) are all
	// offerDue needs of the records' sum.
	for u, w := range share {
		if en > 0 {
			offB[u] = en*w*byteW + offB[u]
		}
		if u == next {
			k, next = a.offerLater(e, more, u, k)
		}
		o := offB[u]
		f := 1.0
		// Division by capB is monotonic, so o <= capB means a utilisation
		// of at most 1, and the highest o gives the highest utilisation.
		if o > capB {
			if x := o / capB; x > 1 {
				f = 1 / x
			}
		}
		frac[u] = f
		total += o * f
		if o > top {
			top = o
		}
	}
	peak = max(maxUtil, top/capB)
	if total > streamB && total != 0 {
		k := streamB / total
		for u := range frac {
			frac[u] *= k
		}
	}
	throttled, inN, inB = a.settleSingle(due, tick, dt)
	a.oneBytes, a.unitCapB, a.oneInN, a.oneInB = true, capB, inN, inB
	return throttled, inN, inB, peak
}

// settleSingle is settle for a stream's only writer, its fractions set, and
// the due retry batches: one pass over the units that writes only accN
// (settleEdge). It returns the refused attempts and the records and bytes
// accepted, retries included.
func (a *admission) settleSingle(due []*retryBatch, tick int64, dt float64) (throttled, inN, inB float64) {
	e := a.edges[0]
	throttled, inN, inB = a.settleEdge(e, tick)
	t, _, _ := a.settleDue(e, due, tick, dt)
	throttled += t
	a.due[0] = a.due[0][:0]
	inN, inB = a.addRetried(inN, inB)
	a.oneIn, a.oneInN, a.oneInB = true, inN, inB
	return throttled, inN, inB
}

// offerDue clears the offered sums and adds each unit's first due retry
// entry to them. The general offer adds a unit's new records first and then
// its entries in order; for the first entry that order does not matter, so
// it returns the later entries, in unit order and otherwise as they came,
// to be added after the new records.
func (a *admission) offerDue(e *edge, due []*retryBatch) []retryEntry {
	a.offZero = false
	clear(a.offN)
	clear(a.offB)
	clear(a.offRec)
	more := a.more[:0]
	for _, rb := range due {
		for _, en := range rb.entries {
			if a.offN[en.unit] != 0 {
				more = append(more, en)
				continue
			}
			a.addOffered(e, en)
		}
	}
	slices.SortStableFunc(more, func(x, y retryEntry) int { return int(x.unit) - int(y.unit) })
	a.more = more
	return more
}

// offerLater adds unit u's later due entries, more[j] on while they are
// u's, to the offered sums after its new records (see offerDue), and
// returns the place past them in more and the unit of the next (-1: none).
func (a *admission) offerLater(e *edge, more []retryEntry, u, j int) (int, int) {
	for ; j < len(more) && int(more[j].unit) == u; j++ {
		a.addOffered(e, more[j])
	}
	if j < len(more) {
		return j, int(more[j].unit)
	}
	return j, -1
}

// settleEdge is settle's pass for a stream's only writer: each unit
// accepts its fraction of the new records. It returns the refused records
// and what was accepted, summed in unit order.
func (a *admission) settleEdge(e *edge, tick int64) (throttled, inN, inB float64) {
	a.oneMode = false
	a.clearRetried()
	a.scratch = a.scratch[:0]
	if e.n <= 0 {
		clear(a.accN)
		clear(a.accB)
		clear(a.accBornN)
		clear(a.accAt)
		return 0, 0, 0
	}
	perRecB := e.b / e.n
	// One writer: every unit's records share a birth, arrival and size
	// (oneMode), so only accN is written per unit. Unlike settleOne's,
	// these reads do not take reader.takeFast (oneFast), whose retried
	// records go on in another order.
	a.oneMode, a.oneFast = true, false
	a.oneBorn, a.oneAt, a.onePer = e.born, later(0, e.at), perRecB
	share, en, born := e.share, e.n, e.born // in locals: see settleOne
	accN, frac := a.accN[:len(share)], a.frac[:len(share)]
	scratch := a.scratch
	var okSum, okB, rejSum float64
	for u, w := range share {
		n := en * w
		ok := n * frac[u]
		ob := ok * perRecB
		accN[u] = ok
		okSum += ok
		okB += ob
		if rej := n - ok; rej > 1e-12 {
			rejSum += rej
			scratch = append(scratch, retryEntry{int32(u), rej, rej * perRecB, born})
		}
	}
	a.scratch = scratch
	e.writer.out += okSum
	e.writer.outB += okSum * perRecB
	e.writer.writeRefused += rejSum
	return rejSum, okSum, okB
}

// dueBatches lists the edge's retry batches due this tick.
func (a *admission) dueBatches(e *edge, tick int64) []*retryBatch {
	if cap(a.due) < 1 {
		a.due = make([][]*retryBatch, 1)
	}
	a.due = a.due[:1]
	d := a.due[0][:0]
	for j := range e.retries {
		if e.retries[j].due == tick {
			d = append(d, &e.retries[j])
		}
	}
	a.due[0] = d
	return d
}
