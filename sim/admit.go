package sim

import "slices"

// edge is one writer (a producer, or a consumer writing on) feeding a sharded
// target. It carries the writer's traffic for this tick, how its keys spread
// over the target's units (shards, partitions, streams), and its pending retries.
type edge struct {
	writer   *nodeStats
	share    []float64 // fraction of the writer's records per unit
	hot      []float64 // share of the heaviest single key per unit
	keyBytes float64   // partition-key bytes per record (count toward Kinesis' byte limit)
	aggBytes float64   // >0: KPL aggregation packs user records into records of this size

	maxRetries int     // attempts after the first; <0 = retry until accepted (consumers)
	backoff    float64 // seconds before the first retry; doubles per attempt, capped

	// this tick's new records
	n, b, born, at float64

	retries []retryBatch // pending, in creation order
	spare   []retryBatch // recycled batches

	// lost is the records the writer gave up on after this target refused
	// them (retries used up); they count as lost at the writer.
	lost float64
}

// retryBatch is the records of one attempt number throttled in one tick, due again at `due`.
type retryBatch struct {
	due     int64
	attempt int
	entries []retryEntry
}

type retryEntry struct {
	unit       int32
	n, b, born float64
}

// kinesisRecords is how many records the target counts for n user records of
// b bytes: n without aggregation; with KPL aggregation, the aggregates they
// fill, never more than n (a record larger than an aggregate goes alone).
func (e *edge) kinesisRecords(n, b float64) float64 { return aggregates(n, b, e.aggBytes) }

// aggregates is kinesisRecords for aggregates of agg bytes (0: none).
func aggregates(n, b, agg float64) float64 {
	if agg <= 0 || n <= 0 {
		return n
	}
	return min(n, b/agg)
}

// recWeight is the records the target counts per user record this tick.
func (e *edge) recWeight() float64 {
	if e.n <= 0 {
		return 1
	}
	return e.kinesisRecords(e.n, e.b) / e.n
}

const maxBackoffSec = 10 // cap on exponential backoff, as SDK retryers do

func (e *edge) delay(attempt int, dt float64) int64 {
	d := e.backoff
	for i := 1; i < attempt && d < maxBackoffSec; i++ {
		d *= 2
	}
	d = min(d, maxBackoffSec)
	return max(1, int64(d/dt+0.5))
}

// heldRetries is the records waiting for a retry.
func (e *edge) heldRetries() float64 {
	var n float64
	for i := range e.retries {
		for _, en := range e.retries[i].entries {
			n += en.n
		}
	}
	return n
}

// admission applies per-unit write limits to every edge feeding a target.
// Units are shards, partitions or streams.
type admission struct {
	edges []*edge
	units int

	offN, offB, offRec []float64 // offered this tick: records, bytes, limit-records (aggregated)
	// offZero says that every unit's offered sums are zero: settleOne
	// leaves them so (settleOffered), and every other admission writes them.
	offZero bool
	frac    []float64 // accepted fraction per unit this tick
	due     [][]*retryBatch

	// accepted new records this tick per unit
	accN, accB, accBornN, accAt []float64
	// accepted retries this tick per unit, kept apart so new records' birth stays exact
	retN, retB, retBornN []float64
	scratch              []retryEntry
	more                 []retryEntry   // scratch for settleBytes: due entries after a unit's first
	followBufs           [][]retryEntry // scratch for the next attempt of due batches
	follows              []retryBatch
	anyRet               bool
	// one writer (settleOne): accepted records share one birth, arrival and size,
	// so only accN is written per unit
	oneMode                bool
	oneBorn, oneAt, onePer float64
	oneFast                bool // reader.takeFast may read them (settleOne)
	// and the tick's limits per unit (records, bytes), whether it writes
	// user records one to a Kinesis record, the sum of accN in unit order,
	// and the records and bytes accepted in all, retries included: enough
	// for kinesis.readOne to tell that no unit's reads can be cut.
	oneCapN, oneCapB float64
	onePlain         bool
	oneNewN          float64
	oneInN, oneInB   float64
	// the last settleDue's accepted retries summed in entry order, and
	// whether its entries came in ascending units, one each (then the
	// sums are those of retN, retB and retBornN in unit order, to the bit)
	retOrdered                    bool
	retSumN, retSumB, retSumBornN float64
	// shortcuts allows retOrdered, reader.keepsUp and settleDue's count of
	// the retries lost on their last attempt (set per tick by the stream;
	// the tests turn them off with Engine.everyShard)
	shortcuts bool
	// oneIn: settleSingle admitted this tick's writes, oneInN and oneInB in
	// all (provisioned MSK's reader keepsUpAll on them)
	oneIn bool
	// oneBytes: settleBytes admitted this tick's writes, within unitCapB
	// bytes a unit (oneInN and oneInB are its totals)
	oneBytes bool
	unitCapB float64
	// capsKnown: every unit accepted at most oneCapN records and oneCapB
	// bytes this tick (settleOne, or the general passes under fixed
	// limits), oneInN and oneInB in all, and onePlain says whether every
	// writer writes user records one to a Kinesis record
	capsKnown bool
}

func (a *admission) resize(units int) {
	a.units = units
	a.offN = make([]float64, units)
	a.offB = make([]float64, units)
	a.offRec = make([]float64, units)
	a.frac = make([]float64, units)
	a.accN = make([]float64, units)
	a.accB = make([]float64, units)
	a.accBornN = make([]float64, units)
	a.accAt = make([]float64, units)
	a.retN = make([]float64, units)
	a.retB = make([]float64, units)
	a.retBornN = make([]float64, units)
	a.offZero = true
}

// offer sums what every edge offers to each unit this tick, new records and due retries.
func (a *admission) offer(tick int64) {
	a.offZero = false
	clear(a.offN)
	clear(a.offB)
	clear(a.offRec)
	if cap(a.due) < len(a.edges) {
		a.due = make([][]*retryBatch, len(a.edges))
	}
	a.due = a.due[:len(a.edges)]
	for i, e := range a.edges {
		if e.n > 0 {
			perRecB := e.b / e.n
			recW := e.recWeight()
			byteW := perRecB + e.keyBytes
			// In locals of one length: see offerBatch.
			share, en := e.share, e.n
			offN, offB, offRec := a.offN[:len(share)], a.offB[:len(share)], a.offRec[:len(share)]
			for u, w := range share {
				n := en * w
				offN[u] += n
				offB[u] += n * byteW
				offRec[u] += n * recW
			}
		}
		a.due[i] = a.due[i][:0]
		for j := range e.retries {
			rb := &e.retries[j]
			if rb.due != tick {
				continue
			}
			a.due[i] = append(a.due[i], rb)
			a.offerBatch(e, rb)
		}
	}
}

// limit computes the accepted fraction of unit u given its limits in records
// and bytes for this tick (0 = no limit of that kind) and returns its offered
// utilisation (offered ÷ limit, the tighter of records and bytes).
func (a *admission) limit(u int, capN, capB float64) float64 {
	if capN <= 0 && capB <= 0 {
		a.frac[u] = 1
		return 0
	}
	util := 0.0
	if capN > 0 {
		util = a.offRec[u] / capN
	}
	if capB > 0 {
		if x := a.offB[u] / capB; x > util { // plain: no NaN or −0 in counts
			util = x
		}
	}
	if util <= 1 {
		a.frac[u] = 1
	} else {
		a.frac[u] = 1 / util
	}
	return util
}

// limitAll is limit for every unit with the same limits (both > 0), writing
// each unit's utilisation into util.
func (a *admission) limitAll(util []float64, capN, capB float64) {
	invN, invB := 1/capN, 1/capB
	offRec, offB, frac := a.offRec, a.offB, a.frac
	for u := range frac {
		x := offRec[u] * invN
		if y := offB[u] * invB; y > x { // plain: no NaN or −0 in counts
			x = y
		}
		util[u] = x
		if x <= 1 {
			frac[u] = 1
		} else {
			frac[u] = 1 / x
		}
	}
}

// settle accepts each unit's share of what was offered. Accepted records are
// summed per unit, new ones and retries apart (accepted(u), retried(u)). Refused records go
// to retry batches, or are lost once the writer's retries are used up.
// It returns the refused write attempts.
func (a *admission) settle(tick int64, dt float64) float64 {
	var throttled float64
	a.oneMode = false
	clear(a.accN)
	clear(a.accB)
	clear(a.accBornN)
	clear(a.accAt)
	a.clearRetried()
	single := len(a.edges) == 1
	for i, e := range a.edges {
		a.scratch = a.scratch[:0]
		if e.n > 0 {
			perRecB := e.b / e.n
			var okSum, rejSum float64
			accN, accB, accBornN, accAt, frac := a.accN, a.accB, a.accBornN, a.accAt, a.frac
			for u, w := range e.share {
				n := e.n * w
				ok := n * frac[u]
				accN[u] += ok
				accB[u] += ok * perRecB
				if single {
					accBornN[u] = e.born // exact, so pieces of one tick stay equal
				} else {
					accBornN[u] += ok * e.born
				}
				accAt[u] = later(accAt[u], e.at)
				okSum += ok
				if rej := n - ok; rej > 1e-12 {
					rejSum += rej
					a.scratch = append(a.scratch, retryEntry{int32(u), rej, rej * perRecB, e.born})
				}
			}
			e.writer.out += okSum
			e.writer.outB += okSum * perRecB
			throttled += rejSum
			e.writer.writeRefused += rejSum
		}
		t, _, _ := a.settleDue(e, a.due[i], tick, dt)
		throttled += t
		a.due[i] = a.due[i][:0]
	}
	return throttled
}

// settleDue accepts each due retry batch's share, unit by unit, into the
// retried sums; refused records go on to their next attempt (or are lost).
// Then it schedules this tick's first refusals (a.scratch) and those next
// attempts. It returns the refused attempts and what was accepted.
func (a *admission) settleDue(e *edge, due []*retryBatch, tick int64, dt float64) (throttled, inN, inB float64) {
	follows := a.follows[:0]
	var bornN float64
	last, ordered := int32(-1), true
	// The writer's sums and the unit arrays in locals, of one length: a
	// store through a pointer makes Go load every field again, and a
	// throttled stream has several due entries per shard and tick. Each
	// sum still adds its terms in the same order.
	w := e.writer
	out, outB, refused := w.out, w.outB, w.writeRefused
	frac, at := a.frac, e.at
	retN, retB, retBornN, accAt := a.retN[:len(frac)], a.retB[:len(frac)], a.retBornN[:len(frac)], a.accAt[:len(frac)]
	anyRet := false
	// A batch on the writer's last attempt has its refusals lost here, in
	// the order schedule would add them, rather than written out for
	// schedule to count: not when this tick's first refusals are lost too
	// (schedule adds those first), nor without the shortcuts.
	lostHere := a.shortcuts && e.maxRetries > 0
	wl, el := w.lost, e.lost
	for k, rb := range due {
		if k == len(a.followBufs) {
			a.followBufs = append(a.followBufs, nil)
		}
		lose := lostHere && rb.attempt >= e.maxRetries
		// Each entry refuses at most one follow-up entry: room for all of
		// them is made once, and they are written in place.
		fe := slices.Grow(a.followBufs[k][:0], len(rb.entries))[:len(rb.entries)]
		nf := 0
		ents := rb.entries
		for i := range ents {
			en := &ents[i]
			u := en.unit
			ordered = ordered && u > last
			last = u
			n := en.n
			ok := n * frac[u]
			if ok > 0 {
				ob := en.b * ok / n
				retN[u] += ok
				retB[u] += ob
				retBornN[u] += ok * en.born
				bornN += ok * en.born
				accAt[u] = later(accAt[u], at)
				anyRet = true
				out += ok
				outB += ob
				inN += ok
				inB += ob
			}
			if rej := n - ok; rej > 1e-12 {
				throttled += rej
				refused += rej
				if lose {
					wl += rej
					el += rej
					continue
				}
				fe[nf] = retryEntry{u, rej, en.b * rej / n, en.born}
				nf++
			}
		}
		a.followBufs[k] = fe[:nf]
		follows = append(follows, retryBatch{attempt: rb.attempt + 1, entries: fe[:nf]})
		rb.entries = rb.entries[:0]
		rb.due = -1
	}
	w.out, w.outB, w.writeRefused = out, outB, refused
	w.lost, e.lost = wl, el
	if anyRet {
		a.anyRet = true
	}
	e.compactRetries()
	a.scratch = e.schedule(retryBatch{attempt: 1, entries: a.scratch}, tick, dt)
	for k, f := range follows {
		a.followBufs[k] = e.schedule(f, tick, dt)
	}
	a.follows = follows[:0]
	a.retOrdered = ordered && a.shortcuts
	a.retSumN, a.retSumB, a.retSumBornN = inN, inB, bornN
	return throttled, inN, inB
}

// retried returns unit u's retried records accepted this tick as one cohort.
func (a *admission) retried(u int) cohort {
	return a.retriedEntry(u).cohort()
}

// retriedEntry is retried as an entry (fifo.pushEntry).
func (a *admission) retriedEntry(u int) entry {
	n := a.retN[u]
	if n <= 0 {
		return entry{}
	}
	at := a.accAt[u]
	if a.oneMode {
		at = a.oneAt
	}
	return entry{at: at, born: a.retBornN[u] / n, n: n, b: a.retB[u]}
}

// accepted returns unit u's new records accepted this tick as one cohort.
func (a *admission) accepted(u int) cohort {
	return a.acceptedEntry(u).cohort()
}

// acceptedEntry is accepted as an entry (fifo.pushEntry).
func (a *admission) acceptedEntry(u int) entry {
	n := a.accN[u]
	if n <= 0 {
		return entry{}
	}
	if a.oneMode {
		return entry{at: a.oneAt, born: a.oneBorn, n: n, b: n * a.onePer}
	}
	born := a.accBornN[u]
	if len(a.edges) > 1 {
		born /= n
	}
	return entry{at: a.accAt[u], born: born, n: n, b: a.accB[u]}
}

// schedule queues a batch of throttled records for its next attempt, or counts
// them lost when the writer's retries are used up.
//
// It returns storage for the caller's next entries: rb's own when they
// were copied or dropped, else a spare batch's, since a new batch keeps
// rb's entries as they are rather than copying them.
func (e *edge) schedule(rb retryBatch, tick int64, dt float64) []retryEntry {
	if len(rb.entries) == 0 {
		return rb.entries
	}
	if e.maxRetries >= 0 && rb.attempt > e.maxRetries {
		// The sums in locals, added in the same order: through the
		// pointers, each addition waited on the last one's store.
		wl, el := e.writer.lost, e.lost
		for _, en := range rb.entries {
			wl += en.n
			el += en.n
		}
		e.writer.lost, e.lost = wl, el
		return rb.entries[:0]
	}
	rb.due = tick + e.delay(rb.attempt, dt)
	for i := range e.retries {
		if r := &e.retries[i]; r.due == rb.due && r.attempt == rb.attempt {
			r.entries = append(r.entries, rb.entries...)
			return rb.entries[:0]
		}
	}
	var nb retryBatch
	if k := len(e.spare); k > 0 {
		nb = e.spare[k-1]
		e.spare = e.spare[:k-1]
	}
	free := nb.entries[:0]
	nb.due, nb.attempt, nb.entries = rb.due, rb.attempt, rb.entries
	e.retries = append(e.retries, nb)
	return free
}

// compactRetries drops spent batches, keeping their storage for reuse.
func (e *edge) compactRetries() {
	out := e.retries[:0]
	for _, rb := range e.retries {
		if rb.due < 0 {
			e.spare = append(e.spare, rb)
			continue
		}
		out = append(out, rb)
	}
	e.retries = out
}

// clearRetried clears the retries accepted this tick, if any were.
func (a *admission) clearRetried() {
	if a.anyRet {
		clear(a.retN)
		clear(a.retB)
		clear(a.retBornN)
		a.anyRet = false
	}
}

// offerBatch is addOffered for every entry of a due batch, with the unit
// arrays in locals (a store through a pointer makes Go load them again):
// a throttled stream has a due entry per shard and attempt in every tick.
// Each unit's sums add their terms in the same order as addOffered.
func (a *admission) offerBatch(e *edge, rb *retryBatch) {
	offN := a.offN
	offB, offRec := a.offB[:len(offN)], a.offRec[:len(offN)]
	kb, agg := e.keyBytes, e.aggBytes
	ents := rb.entries
	for i := range ents {
		en := &ents[i]
		u, n, b := en.unit, en.n, en.b
		offN[u] += n
		offB[u] += b + n*kb
		offRec[u] += aggregates(n, b, agg)
	}
}

// addOffered adds a due retry entry of edge e to what its unit is offered.
func (a *admission) addOffered(e *edge, en retryEntry) {
	a.offN[en.unit] += en.n
	a.offB[en.unit] += en.b + en.n*e.keyBytes
	a.offRec[en.unit] += e.kinesisRecords(en.n, en.b)
}

// addRetried adds the retries accepted this tick, unit by unit, to the
// records n and bytes b.
func (a *admission) addRetried(n, b float64) (float64, float64) {
	if a.anyRet {
		retN := a.retN
		retB := a.retB[:len(retN)] // one length: no bounds check per unit
		for u, x := range retN {
			// Most units accepted no retry: adding their +0 changes no sum
			// (n and b start at +0 or above, never −0), and skipping it
			// leaves the chain of dependent additions to the units that did.
			if x != 0 {
				n += x
				b += retB[u]
			}
		}
	}
	return n, b
}
