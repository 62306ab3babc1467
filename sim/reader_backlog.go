package sim

import "math"

// takeBacklog is take's loop when every queue holds a backlog (a reader
// that fell behind) and this tick's records are one writer's: each unit's
// retried and new records queue behind its backlog, and the take is from
// its front, merged into runs as take's emit merges them. The runs are
// kept in r.runs and handed on after the loop: Go keeps no register across
// a call, so a call per run in the loop (a backlog's pieces rarely join
// the run before them) stored and loaded every value the loop holds.
func (r *reader) takeBacklog(sink *pieceSink, fn func(u int, c cohort)) {
	acc := &r.s.adm
	// One length for every per-unit slice: one bounds check covers them.
	qs := r.q
	accN, retN := acc.accN[:len(qs)], acc.retN[:len(qs)]
	allow, allowN := r.allow[:len(qs)], r.allowN[:len(qs)]
	anyRet := acc.anyRet
	oneAt, oneBorn, onePer := acc.oneAt, acc.oneBorn, acc.onePer
	runs := r.runs[:0]
	r.runExt = r.runExt[:0]
	var outN, outB float64
	front := math.Inf(1) // the oldest front left, for updateAge
	for u := range qs {
		q := &qs[u]
		inN := accN[u]
		if anyRet && retN[u] > 0 {
			// Retried records of this tick, then its new ones: when the
			// retried go in as the newest entry (pushNew: merged with none)
			// and the births are apart, the new ones merge with none too.
			re := acc.retriedEntry(u)
			if !q.pushNew(re) {
				q.pushEntry(re)
			} else if inN > 0 && !sameTime(re.born, oneBorn) {
				if e := (entry{at: oneAt, born: oneBorn, n: inN, b: inN * onePer}); !q.pushNext(e) {
					q.pushEntry(e)
				}
				inN = 0
			}
		}
		if inN > 0 {
			if e := (entry{at: oneAt, born: oneBorn, n: inN, b: inN * onePer}); !q.pushNew(e) {
				q.pushEntry(e)
			}
		}
		if allow[u] <= 0 {
			front = min(front, q.frontAt) // a rare tick: no read from this unit
			continue
		}
		if q.ext != nil {
			runs, outN, outB = r.takeExtras(runs, q, u, outN, outB, sink, fn)
			if q.size == 0 {
				r.nonEmpty--
			} else {
				front = min(front, q.frontAt)
			}
			continue
		}
		// fifo.nextEntry written out, to the bit (a call per piece cost
		// behind 6% of its instructions), with a byte limit: the pieces of
		// the front, whole entries and then the part that fills the room.
		tn, tb := allowN[u], allow[u]
		for {
			if q.size == 0 || tn <= 1e-12 {
				if q.size == 0 {
					q.n, q.b = 0, 0
				}
				break
			}
			f := &q.buf[q.head]
			part := f.n
			if part > tn {
				part = tn
			}
			if f.n > 0 && !(f.b*(1+1e-12) < tb) {
				if per := f.b / f.n; per > 0 && part*per > tb {
					part = tb / per
				}
			}
			if part <= 1e-12 {
				if f.n > 1e-12 {
					break
				}
				part = f.n // dust goes with its neighbour (see nextEntry)
			}
			pe := entry{at: f.at, born: f.born, n: part, b: f.b}
			whole := part >= f.n*(1-1e-12)
			if whole {
				pe.n = f.n
				q.pop()
			} else {
				pe.b = f.b * part / f.n
				f.b -= pe.b
				q.n -= part
				q.b -= pe.b
				f.n -= part
			}
			tn -= part
			tb -= pe.b
			outN += pe.n
			outB += pe.b
			if k := len(runs) - 1; k >= 0 && sameTime(pe.born, runs[k].born) && pe.at == runs[k].at {
				runs[k].n += pe.n
				runs[k].b += pe.b
			} else {
				if len(runs) == cap(runs) {
					runs = growRuns(runs)
				}
				runs = runs[:len(runs)+1]
				x := &runs[len(runs)-1]
				x.at, x.born, x.n, x.b, x.u, x.x = pe.at, pe.born, pe.n, pe.b, int32(u), 0
			}
			if !whole && (tn <= 1e-12 || leavesDust(tb, f.n, f.b)) {
				break // what is left surely takes nothing more (nextEntry's done)
			}
		}
		if q.size == 0 {
			r.nonEmpty--
		} else if q.frontAt < front { // not the builtin min: +0.3% on behind here
			front = q.frontAt
		}
	}
	r.runs = runs
	r.front, r.frontKnown = front, true
	if sink == nil {
		for i := range runs {
			fn(int(runs[i].u), r.runCohort(&runs[i]))
		}
	} else {
		sink.addRuns(runs, r.runExt)
	}
	r.out += outN
	r.outB += outB
}

// unitRun is a run of takeBacklog's: pieces of one birth and arrival,
// the unit of its first, and x, 1 + the index in reader.runExt of its
// extras when it has any (takeExtras' open run), else 0. Most runs have
// none: written as cohorts, each run was 72 bytes stored and loaded again.
type unitRun struct {
	at, born, n, b float64
	u, x           int32
}

// runCohort is run ru as a cohort.
func (r *reader) runCohort(ru *unitRun) cohort {
	c := cohort{at: ru.at, born: ru.born, n: ru.n, b: ru.b}
	if ru.x > 0 {
		e := &r.runExt[ru.x-1]
		c.obj, c.fold, c.lo, c.hi = e.obj, e.fold, e.lo, e.hi
	}
	return c
}

// growRuns doubles runs' capacity, keeping what it holds.
func growRuns(runs []unitRun) []unitRun {
	return append(make([]unitRun, 0, max(256, 2*cap(runs))), runs...)
}

// takeExtras is takeBacklog's take from unit u's queue when it keeps
// extras: take's piece-by-piece loop, the pieces merged into the open run
// (runs' last) as take's emit merges them. The runs before the open one
// are handed on first, to keep their order. It returns runs, now holding
// only the open one, and the sums of records and bytes taken, outN and
// outB with this take's pieces added one by one, as take adds them.
func (r *reader) takeExtras(runs []unitRun, q *fifo, u int, outN, outB float64, sink *pieceSink, fn func(u int, c cohort)) ([]unitRun, float64, float64) {
	for i := range max(0, len(runs)-1) {
		c := r.runCohort(&runs[i])
		sink.addRun(int(runs[i].u), &c, fn)
	}
	var run cohort
	runU := -1
	if len(runs) > 0 {
		run, runU = r.runCohort(&runs[len(runs)-1]), int(runs[len(runs)-1].u)
	}
	t := q.taker(r.allowN[u], r.allow[u])
	for {
		c, _, ok := q.next(&t)
		if !ok {
			break
		}
		outN += c.n
		outB += c.b
		if runU >= 0 && sameTime(c.born, run.born) && c.at == run.at {
			run.n += c.n
			run.b += c.b
			continue
		}
		if runU >= 0 {
			sink.addRun(runU, &run, fn)
		}
		run, runU = c, u
	}
	runs = runs[:0]
	if runU >= 0 {
		ru := unitRun{at: run.at, born: run.born, n: run.n, b: run.b, u: int32(runU)}
		if run.obj != 0 || run.fold != 0 || run.lo != 0 || run.hi != 0 {
			r.runExt = append(r.runExt, extra{obj: run.obj, fold: run.fold, lo: run.lo, hi: run.hi})
			ru.x = int32(len(r.runExt))
		}
		runs = append(runs, ru)
	}
	return runs, outN, outB
}
