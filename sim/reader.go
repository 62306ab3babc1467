package sim

import "math"

// reader is one consumer's position in a stream: a queue per unit for what it
// has not read. Records accepted this tick are read straight from the stream's
// per-unit sums when the queue is empty (the common case), so a consumer that
// keeps up costs a few additions per shard and tick.
type reader struct {
	s         *stream
	c         *nodeStats
	efo       bool
	q         []fifo
	nonEmpty  int // queues holding records
	out, outB float64
	expired   float64
	allow     []float64 // bytes it may read per unit this tick
	allowN    []float64 // records it may read per unit this tick
	delay     float64   // propagation delay of a read (seconds)
	perUnit   bool      // hand over one piece per unit (per-shard buffers and batches)
	runs      []unitRun // takeBacklog's scratch
	runExt    []extra   // the extras of runs that have them
	// front is the oldest front of the queues that hold records after
	// this tick's take, when frontKnown (takeBacklog found it in its
	// loop): updateAge need not read every queue again.
	front      float64
	frontKnown bool
	scanFronts bool // updateAge reads every queue's front (Engine.scanFronts)
	stepwise   bool // take never takes its shortcuts for a backlog (Engine.generalTakes)

	capN, capB float64   // consumer capacity per second, all units (<0: unlimited)
	short      float64   // this tick's read calls that got less than they asked for
	unitCapN   float64   // records per second per unit (Lambda's concurrent batches; 0: none)
	unitCapB   float64   // bytes per second per unit (0: none)
	want, can  []float64 // scratch for shareCapacity: per unit, what waits and what it can give
	// summed, when set, says that the allocation's pass over the units
	// summed what each could give (demand.of) into sumN and sumB: more
	// than it can read, so when even that fits the capacity, fitCapacity
	// need not pass over the units again (sumDemand).
	summed     bool
	sumN, sumB float64
	// ready, when set, says the allocation's pass also found what each unit
	// can give (readable) into canN and canB and summed it into readN and
	// readB, so fitCapacity and shareCapacity need not find it again. The
	// pass does so when the capacity needed those sums the tick before
	// (needed): a reader that falls behind needs them every tick.
	ready, needed bool
	canN, canB    []float64
	readN, readB  float64
	// filled, when ready and the capacity is set in one unit only (so
	// shareCapacity shares in that unit), says the pass also wrote what
	// shareCapacity's first pass would: want and can in that unit
	// (shareByRecords or shareByBytes), summed into wsum.
	filled int8
	wsum   float64

	iterAge    float64
	iterAgeMax float64

	// lazy says that this tick's allocation left allow and allowN unwritten
	// because no unit's reads could be cut (keepsUp): they would be each
	// unit's demand. fillAllow writes them when something needs them.
	lazy                 bool
	lazyBudget, lazyMaxN float64
}

// demand is what the reader could read from each unit this tick (of): what
// it has not read yet and what the unit accepted this tick, in records and
// bytes. It holds the slices it reads apart from the reader: a pass over the
// units that keeps it in a local reads each slice once, where the reader's
// own fields are read again after every store the pass makes.
type demand struct {
	q                      []fifo
	accN, accB, retN, retB []float64
	onePer                 float64
	oneMode, anyRet        bool
}

func (r *reader) demands() demand {
	a := &r.s.adm
	return demand{q: r.q, accN: a.accN, accB: a.accB, retN: a.retN, retB: a.retB,
		onePer: a.onePer, oneMode: a.oneMode, anyRet: a.anyRet}
}

// of is unit u's demand.
func (d *demand) of(u int) (n, b float64) {
	q := &d.q[u]
	n = q.n + d.accN[u]
	if d.oneMode {
		b = q.b + d.accN[u]*d.onePer
	} else {
		b = q.b + d.accB[u]
	}
	if d.anyRet {
		n += d.retN[u]
		b += d.retB[u]
	}
	return n, b
}

// push stores records the reader has not read (a cohort with no extras,
// as its entry: see fifo.pushEntry).
func (r *reader) push(u int, e entry) {
	q := &r.q[u]
	if q.size == 0 {
		r.nonEmpty++
	}
	q.pushEntry(e)
}

// recount refreshes nonEmpty after queues were rebuilt.
func (r *reader) recount() {
	r.nonEmpty = 0
	for u := range r.q {
		if r.q[u].size > 0 {
			r.nonEmpty++
		}
	}
}

// take reads what this tick's allowances permit (nothing when skip: the
// consumer is down or pushed back) and stores the rest. fn receives the pieces
// read: one per unit when perUnit, otherwise pieces of equal birth and arrival
// time are summed first.
func (r *reader) take(skip bool, fn func(u int, c cohort)) {
	r.takeTo(skip, fn, nil)
}

// takeTo is take, its runs to sink when set (and fn unused) or to fn. The
// loop is written out by hand: it runs once per shard and tick for every
// reader, and is most of the engine's time; takeBacklog takes a reader
// whose every queue holds a backlog.
func (r *reader) takeTo(skip bool, fn func(u int, c cohort), sink *pieceSink) {
	r.frontKnown = false
	if sink != nil {
		fn = func(_ int, c cohort) { sink.add(c) }
	}
	acc := &r.s.adm
	accN, accB, accBornN, accAt := acc.accN, acc.accB, acc.accBornN, acc.accAt
	allow, allowN := r.allow, r.allowN
	multi := len(acc.edges) > 1
	var run, ret cohort
	runU, retU := -1, -1
	var outN, outB float64
	// A per-unit reader went to takeUnits below, so emit always merges runs.
	emit := func(u int, c cohort) {
		outN += c.n
		outB += c.b
		if runU >= 0 && sameTime(c.born, run.born) && c.at == run.at {
			run.n += c.n
			run.b += c.b
			return
		}
		if runU >= 0 {
			sink.addRun(runU, &run, fn)
		}
		// Field by field: c was stored a field at a time, and a copy of the
		// whole cohort reads it back 16 bytes at a time, which the store
		// buffer cannot forward (a stall on every piece).
		run.at, run.born, run.n, run.b = c.at, c.born, c.n, c.b
		run.obj, run.fold, run.lo, run.hi = c.obj, c.fold, c.lo, c.hi
		runU = u
	}
	if r.perUnit {
		r.takeUnits(skip, fn)
		return
	}
	if acc.oneMode && acc.oneFast && r.nonEmpty == 0 && !skip {
		if r.takeFast(fn) {
			return
		}
	}
	lazy := r.lazyTake(skip) // keepsUpBytes: no allowance is looked at
	// Only unit u's queue changes while u is read: when every queue was
	// empty at the start, each is empty when its turn comes, and its header
	// (a cache line per unit) need not be read.
	allEmpty := r.nonEmpty == 0
	if lazy && allEmpty && acc.oneMode {
		r.takeRun(fn)
		return
	}
	anyRet, retN, qs := acc.anyRet, acc.retN, r.q
	if !skip && !lazy && len(acc.edges) == 1 && acc.oneMode && r.nonEmpty == len(qs) && !r.stepwise {
		r.takeBacklog(sink, fn) // every queue holds a backlog
		return
	}
	for u := range qs {
		q := &qs[u]
		empty := allEmpty || q.size == 0
		if anyRet && retN[u] > 0 {
			// Retries accepted this tick are older: they go ahead of new records.
			rc := acc.retried(u)
			if empty && !skip && (lazy || rc.b <= allow[u] && rc.n <= allowN[u]) {
				// Retried records of one tick travel as one cohort: their birth
				// times are averaged (the one approximation of the latency figures).
				outN += rc.n
				outB += rc.b
				joinRetried(&ret, &retU, rc, u)
				if !lazy {
					allow[u] -= rc.b
					allowN[u] -= rc.n
				}
			} else {
				r.push(u, rc.entry())
				empty = false
			}
		}
		inN := accN[u]
		if empty {
			if inN <= 0 {
				continue
			}
			inB := accB[u]
			if acc.oneMode {
				inB = inN * acc.onePer
			}
			f := 1.0
			if !lazy {
				f = fitFraction(inB, inN, allow[u], allowN[u], skip)
			}
			born, at := accBornN[u], accAt[u]
			if multi {
				born /= inN
			}
			if acc.oneMode {
				born, at = acc.oneBorn, acc.oneAt
			}
			if f >= 1-1e-12 {
				if runU >= 0 && sameTime(born, run.born) && at == run.at {
					// The common case, inline: this shard's new records join the run.
					run.n += inN
					run.b += inB
					outN += inN
					outB += inB
					continue
				}
				emit(u, cohort{at: at, born: born, n: inN, b: inB})
				continue
			}
			in := cohort{at: at, born: born, n: inN, b: inB}
			if f > 0 {
				piece := in
				piece.n, piece.b = in.n*f, in.b*f
				emit(u, piece)
				in.n -= piece.n
				in.b -= piece.b
			}
			r.push(u, in.entry())
			continue
		}
		if inN > 0 {
			if e := acc.acceptedEntry(u); !q.pushNew(e) {
				q.pushEntry(e)
			}
		}
		if skip || allow[u] <= 0 {
			continue
		}
		t := q.taker(allowN[u], allow[u])
		if q.ext == nil {
			for {
				e, _, ok := q.nextEntry(&t)
				if !ok {
					break
				}
				emit(u, e.cohort())
				if t.done {
					break
				}
			}
		} else {
			for {
				c, _, ok := q.next(&t)
				if !ok {
					break
				}
				emit(u, c)
			}
		}
		if q.size == 0 {
			r.nonEmpty--
		}
	}
	if runU >= 0 {
		sink.addRun(runU, &run, fn)
	}
	if retU >= 0 {
		fn(retU, ret)
	}
	r.out += outN
	r.outB += outB
}

// takeRun is take when every queue is empty, no allowance is looked at
// (lazy) and this tick's records share one birth, arrival and size
// (oneMode, MSK Serverless's admission): every unit's records join one run
// and its retries one cohort, summed in unit order as take sums them,
// without take's per-unit branches.
func (r *reader) takeRun(fn func(u int, c cohort)) {
	acc := &r.s.adm
	accN := acc.accN
	per, anyRet, retN := acc.onePer, acc.anyRet, acc.retN[:len(accN)]
	var ret cohort
	runU, retU := -1, -1
	var runN, runB, outN, outB float64
	for u, inN := range accN {
		if anyRet && retN[u] > 0 {
			rc := acc.retried(u)
			outN += rc.n
			outB += rc.b
			joinRetried(&ret, &retU, rc, u)
		}
		if inN <= 0 {
			continue
		}
		inB := inN * per
		outN += inN
		outB += inB
		if runU < 0 {
			runU, runN, runB = u, inN, inB
			continue
		}
		runN += inN
		runB += inB
	}
	if runU >= 0 {
		fn(runU, cohort{at: acc.oneAt, born: acc.oneBorn, n: runN, b: runB})
	}
	if retU >= 0 {
		fn(retU, ret)
	}
	r.out += outN
	r.outB += outB
}

// takeUnits is take for a consumer that keeps each unit's pieces apart
// (perUnit: Firehose's buffers, Lambda's batches): fn gets one piece per
// unit, or several when a unit's backlog holds records of several births,
// a unit's together and the units in order (Lambda closes a shard's
// batches once a later shard's piece comes: processor.batchPiece).
// It is take without the merging of runs, written out so that the loop
// over units keeps its sums in registers: it runs for every shard and tick.
func (r *reader) takeUnits(skip bool, fn func(u int, c cohort)) {
	r.takeUnitsLazy(r.lazyTake(skip), skip, fn) // lazy: keepsUp, no allowance is looked at
}

// eachReady reports whether takeUnitsLazy goes to takeEach: the reader is
// lazy, every queue is empty, and this tick's records share one birth,
// arrival and size.
func (r *reader) eachReady(lazy bool) bool { return lazy && r.nonEmpty == 0 && r.s.adm.oneMode }

// takeUnitsLazy is takeUnits once lazyTake has told whether the reader is
// lazy (firehose.intakeEach is its takeEach with Firehose's intake in it).
func (r *reader) takeUnitsLazy(lazy, skip bool, fn func(u int, c cohort)) {
	r.frontKnown = false // Firehose calls it directly, not through takeTo; set at the end
	acc := &r.s.adm
	if r.eachReady(lazy) {
		r.takeEach(fn)
		return
	}
	accN, accB, accBornN, accAt := acc.accN, acc.accB, acc.accBornN, acc.accAt
	allow, allowN := r.allow, r.allowN
	multi := len(acc.edges) > 1
	oneMode, onePer, oneBorn, oneAt := acc.oneMode, acc.onePer, acc.oneBorn, acc.oneAt
	anyRet, retN, qs := acc.anyRet, acc.retN, r.q
	var outN, outB float64
	front := math.Inf(1) // the oldest front left, for updateAge
	// Unlike take, this loop reads each queue's header: it calls fn for
	// every unit, and keeping take's flag across the call measured 10%
	// slower on Firehose's day.
	for u := range qs {
		q := &qs[u]
		if anyRet && retN[u] > 0 {
			// Retries accepted this tick are older: they go ahead of new records.
			rc := acc.retried(u)
			if lazy {
				outN += rc.n
				outB += rc.b
				fn(u, rc)
			} else if q.size == 0 && !skip && rc.b <= allow[u] && rc.n <= allowN[u] {
				outN += rc.n
				outB += rc.b
				fn(u, rc)
				allow[u] -= rc.b
				allowN[u] -= rc.n
			} else {
				r.push(u, rc.entry())
			}
		}
		inN := accN[u]
		if q.size == 0 {
			if inN <= 0 {
				continue
			}
			inB := accB[u]
			if oneMode {
				inB = inN * onePer
			}
			f := 1.0
			if !lazy {
				f = fitFraction(inB, inN, allow[u], allowN[u], skip)
			}
			born, at := accBornN[u], accAt[u]
			if multi {
				born /= inN
			}
			if oneMode {
				born, at = oneBorn, oneAt
			}
			if f >= 1-1e-12 {
				outN += inN
				outB += inB
				fn(u, cohort{at: at, born: born, n: inN, b: inB})
				continue
			}
			in := cohort{at: at, born: born, n: inN, b: inB}
			if f > 0 {
				piece := in
				piece.n, piece.b = in.n*f, in.b*f
				outN += piece.n
				outB += piece.b
				fn(u, piece)
				in.n -= piece.n
				in.b -= piece.b
			}
			r.push(u, in.entry())
			front = min(front, q.frontAt)
			continue
		}
		if inN > 0 {
			// acceptedEntry, from the figures already in locals in one
			// writer's case (Lambda's backlog takes one per unit and tick).
			e := entry{at: oneAt, born: oneBorn, n: inN, b: inN * onePer}
			if !oneMode {
				e = acc.acceptedEntry(u)
			}
			if !q.pushNew(e) {
				q.pushEntry(e)
			}
		}
		if skip || allow[u] <= 0 {
			if q.frontAt < front { // not the builtin min: see takeBacklog
				front = q.frontAt
			}
			continue
		}
		t := q.taker(allowN[u], allow[u])
		for {
			c, ok := q.nextPiece(&t)
			if !ok {
				break
			}
			outN += c.n
			outB += c.b
			fn(u, c)
			if t.done {
				break
			}
		}
		if q.size == 0 {
			r.nonEmpty--
		} else if q.frontAt < front {
			front = q.frontAt
		}
	}
	r.front, r.frontKnown = front, true
	r.out += outN
	r.outB += outB
}

// joinRetried adds unit u's accepted retries rc to ret, the tick's one
// cohort of them (retU: the first unit that had any, or -1).
func joinRetried(ret *cohort, retU *int, rc cohort, u int) {
	if *retU < 0 {
		*ret, *retU = rc, u
		return
	}
	mergeInto(ret, &rc, false)
}

// takeEach is takeUnits when every queue is empty, no allowance is looked
// at (lazy) and this tick's records share one birth, arrival and size
// (oneMode): each unit's retried and new records go to fn as they came,
// without takeUnits' queue headers and branches (Firehose keeping up).
func (r *reader) takeEach(fn func(u int, c cohort)) {
	acc := &r.s.adm
	per, at, born, anyRet, retN := acc.onePer, acc.oneAt, acc.oneBorn, acc.anyRet, acc.retN
	var outN, outB float64
	for u, inN := range acc.accN {
		if anyRet && retN[u] > 0 {
			rc := acc.retried(u)
			outN += rc.n
			outB += rc.b
			fn(u, rc)
		}
		if inN <= 0 {
			continue
		}
		inB := inN * per
		outN += inN
		outB += inB
		fn(u, cohort{at: at, born: born, n: inN, b: inB})
	}
	r.out += outN
	r.outB += outB
}

// takeFast is take when every queue is empty and this tick's records share one
// birth time: if every shard's allowance covers its records, they are all read
// as one cohort with a sum and no queue is touched. It reports false (having
// changed nothing) when some shard must keep records back.
func (r *reader) takeFast(fn func(u int, c cohort)) bool {
	acc := &r.s.adm
	per := acc.onePer
	allow, allowN := r.allow, r.allowN
	var sum float64
	if r.lazy {
		// Every shard's allowance covers its records (keepsUp), and the
		// admission summed them in the same order.
		sum = acc.oneNewN
		r.lazy = false
	} else if !acc.anyRet {
		for u, n := range acc.accN {
			if n*per > allow[u] || n > allowN[u] {
				return false
			}
			sum += n
		}
	} else {
		retN, retB := acc.retN, acc.retB
		for u, n := range acc.accN {
			if n*per+retB[u] > allow[u] || n+retN[u] > allowN[u] {
				return false
			}
			sum += n
		}
	}
	if acc.anyRet {
		// Retried records of one tick travel as one cohort: their birth times
		// are averaged (the one approximation in the latency figures).
		var n, b, bornN float64
		if acc.retOrdered {
			n, b, bornN = acc.retSumN, acc.retSumB, acc.retSumBornN
		} else {
			for u, x := range acc.retN {
				n += x
				b += acc.retB[u]
				bornN += acc.retBornN[u]
			}
		}
		if n > 0 {
			r.out += n
			r.outB += b
			fn(0, cohort{at: acc.oneAt, born: bornN / n, n: n, b: b})
		}
	}
	if sum > 0 {
		b := sum * per
		r.out += sum
		r.outB += b
		fn(0, cohort{at: acc.oneAt, born: acc.oneBorn, n: sum, b: b})
	}
	return true
}

// larger is max(m, v) for a running maximum m that started at +0 or above
// (so it is never −0), by plain comparisons: the builtin orders NaN and
// signed zeros at a cost, and the per-unit passes take it for every unit.
// A NaN v wins and a NaN m stays, as with the builtin, and a −0 v loses to
// an m of +0 or above.
func larger(m, v float64) float64 {
	if v > m || v != v {
		return v
	}
	return m
}

// sameTime compares birth times that may differ by float rounding only.
func sameTime(a, b float64) bool { d := a - b; return d < 1e-9 && d > -1e-9 }

// fitFraction is the share of a unit's new records (inN of them, inB bytes)
// that its read allowance (allowB bytes, allowN records) takes this tick; 0
// when the reader skips the tick.
func fitFraction(inB, inN, allowB, allowN float64, skip bool) float64 {
	if skip {
		return 0
	}
	f := 1.0
	if inB > allowB {
		f = allowB / inB
	}
	if inN*f > allowN {
		f = allowN / inN
	}
	return f
}
