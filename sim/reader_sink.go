package sim

import "math"

// pieceSink is where a processor's reads go (processor.readTick): each run
// into its gather, stamped with its arrival, and the sums of what it read.
// take hands it its runs without a call through a func value.
type pieceSink struct {
	g                 *gather
	now, delay, pause float64
	in, inB           float64 // the processor's running totals
	readN, readB      float64 // this tick's
}

func (s *pieceSink) add(c cohort) {
	c.at = s.count(&c)
	if c.fold == 0 && !c.spans() {
		s.g.addEntry(c.at, c.born, c.n, c.b, c.obj)
		return
	}
	s.g.add(c)
}

// addRun hands on take's run of unit u: to s, or to fn when s is nil. It
// is one call for take's emit, which must stay small enough to inline.
func (s *pieceSink) addRun(u int, c *cohort, fn func(u int, c cohort)) {
	if s == nil {
		fn(u, *c)
		return
	}
	if c.fold != 0 || c.spans() {
		s.add(*c)
		return
	}
	s.g.addEntry(s.count(c), c.born, c.n, c.b, c.obj)
}

// count adds c to what was read and returns its arrival at the processor
// (stamp).
func (s *pieceSink) count(c *cohort) float64 {
	at := s.stamp(c.at)
	s.in += c.n
	s.inB += c.b
	s.readN += c.n
	s.readB += c.b
	return at
}

// stamp is the arrival at the processor of a piece that arrived in the
// stream at at.
func (s *pieceSink) stamp(at float64) float64 {
	at = later(at, s.now) + s.delay
	return at + s.pause
}

// addRuns is addRun for each of runs, in order, its common case written
// into the loop (a call less per run). A backlog's runs of one birth come
// from shards far apart, so the gather finds each by its birth; memo
// remembers where the last run of each (hashed) birth and arrival went,
// and a run of the same exact birth and arrival joins that cohort as
// addEntry would: when the newest cohort is not of its birth and arrival,
// addEntry's slot or index finds the cohort it found before.
func (s *pieceSink) addRuns(runs []unitRun, ext []extra) {
	memo, gen := &s.g.memo, s.g.memoGen
	for i := range runs {
		c := &runs[i]
		obj := 0.0
		if c.x != 0 {
			e := &ext[c.x-1]
			if e.fold != 0 || e.hi > e.lo {
				s.add(cohort{at: c.at, born: c.born, n: c.n, b: c.b, obj: e.obj, fold: e.fold, lo: e.lo, hi: e.hi})
				continue
			}
			obj = e.obj
		}
		// count written out: through it, addRuns took 0.2% more of
		// behind's instructions.
		at := s.stamp(c.at)
		s.in += c.n
		s.inB += c.b
		s.readN += c.n
		s.readB += c.b
		// The newest cohort first, as addEntry looks: the run before this
		// one often had the same birth (a shard's pieces). When it has,
		// addEntry joins it (or, when it spans births or folds, takes its
		// full path); the memo is for a cohort further back. The three
		// joins below stay written out: a shared helper, inlined, took
		// behind 0.5% more instructions (registers allotted otherwise).
		cs := s.g.cs
		k := len(cs) - 1
		m := &memo[math.Float64bits(c.born)*0x9e3779b97f4a7c15>>56]
		if k >= 0 && sameTime(cs[k].born, c.born) && cs[k].at == at {
			if x := &cs[k]; !x.spans() && x.fold == 0 {
				x.n += c.n
				x.b += c.b
				x.obj += obj
				continue
			}
		} else if m.gen == gen && m.i > 0 && m.born == c.born && m.at == at {
			if x := &cs[m.i-1]; !x.spans() && x.fold == 0 {
				x.n += c.n
				x.b += c.b
				x.obj += obj
				continue
			}
		} else if g := s.g; !onGrid(g.now, g.dt, c.born) {
			// addEntryIdx's case for a birth off the tick grid (a merged
			// entry's, most of a backlog's new cohorts), written in: the
			// index finds its cohort or it opens one.
			j := g.idx.find(c.born, at, len(cs))
			if j >= len(cs) {
				g.addNew(at, c.born, c.n, c.b, obj)
			} else if x := &cs[j]; !x.spans() && x.fold == 0 {
				x.n += c.n
				x.b += c.b
				x.obj += obj
			} else {
				g.addOther(at, c.born, c.n, c.b, obj)
				continue
			}
			m.born, m.at, m.i, m.gen = c.born, at, int32(j+1), gen
			continue
		}
		if j := s.g.addEntryIdx(at, c.born, c.n, c.b, obj); j >= 0 {
			m.born, m.at, m.i, m.gen = c.born, at, int32(j+1), gen
		}
	}
}

// pieceMemo is where a run of one birth and arrival went (addRuns): the
// gather's cohort i-1, in the tick whose generation is gen (gather.reset
// moves it on, so that no tick clears the memo).
type pieceMemo struct {
	born, at float64
	i        int32
	gen      uint32
}

// onGrid reports whether a birth is on the tick grid (a whole number of
// ticks before now, within sameTime), as gather.addEntryIdx decides it.
func onGrid(now, dt, born float64) bool {
	age := now - born
	if dt != 1 {
		age /= dt
	}
	a := int(age + 0.5)
	return sameTime(float64(a), age)
}
