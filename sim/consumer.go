package sim

import (
	"math"

	"github.com/streamsim/streamsim/pipeline"
)

// consumer is what every consumer shares: where it reads, where it writes, and
// the records it has processed but not yet handed on.
type consumer struct {
	nodeStats
	n       *pipeline.Node
	src     *stream // nil for direct PUT
	rd      *reader
	outs    []*output
	iterAge float64
	util    float64 // peak of the one-minute average of work done ÷ capacity
	load    float64 // one-minute average of work done ÷ capacity (what CPU would show)
	backup  float64 // records given up on and written to the S3 backup (Firehose)
}

// output is one target of a consumer with the records waiting for it.
type output struct {
	dest *dest   // a destination, or
	ed   *edge   // a stream or Firehose written through an edge
	q    fifo    // processed records not yet accepted
	wait float64 // Firehose: how long to retry before giving up (seconds)
	// commit, when set, is when records written at t become readable (a
	// Flink FileSink's next checkpoint).
	commit func(t float64) float64
}

func newConsumer(n *pipeline.Node) consumer {
	return consumer{nodeStats: nodeStats{id: n.ID, failedUntil: -1}, n: n}
}

func (c *consumer) stats() *nodeStats    { return &c.nodeStats }
func (c *consumer) node() *pipeline.Node { return c.n }

// wireIO connects the consumer to its source and targets.
func (c *consumer) wireIO(e *Engine, efo bool) {
	if src, ok := e.byID[c.n.From].(*stream); ok {
		c.src = src
		c.rd = src.addReader(&c.nodeStats, efo)
	}
	for _, t := range c.n.To {
		out := &output{wait: math.Inf(1)}
		out.q.limit = 1 << 14
		switch m := e.byID[t].(type) {
		case *dest:
			out.dest = m
		case sink:
			out.ed = &edge{writer: &c.nodeStats, maxRetries: -1, backoff: e.dt}
			m.attach(e, out.ed, keySpace{even: 1, hot: -1})
		}
		c.outs = append(c.outs, out)
	}
}

// pushedBack reports whether a target holds refused output, so the consumer
// stops reading: a KCL record processor blocks until its write succeeds,
// Lambda retries the batch, a Spark micro-batch fails and is run again.
func (c *consumer) pushedBack() bool {
	for _, o := range c.outs {
		if o.q.n > 1e-6 {
			return true
		}
	}
	return false
}

// gather collects a tick's pieces so that pieces with the same birth and
// arrival time leave as one cohort (most of a tick's reads are such pieces).
// The slice keeps first-seen order. Births on the tick grid are found by their
// age in ticks (the common case); others through a map.
type gather struct {
	cs   []cohort
	grid []gridRow  // per arrival time: slot+1 by age in ticks
	last int        // the grid row found last
	cur  *gridRow   // &grid[last] while in use, for slot's common case
	alt  *gridRow   // the row in use before cur: a flush alternates two
	idx  pieceIndex // births off the grid: (born, at) → index in cs
	now  float64
	dt   float64
	// memo and memoGen are pieceSink.addRuns' memory of where births
	// went this tick (see pieceMemo).
	memo    [256]pieceMemo
	memoGen uint32
}

func (g *gather) add(c cohort) {
	if c.fold == 0 && !c.spans() {
		g.addEntry(c.at, c.born, c.n, c.b, c.obj)
		return
	}
	if n := len(g.cs); n > 0 {
		if x := &g.cs[n-1]; sameTime(x.born, c.born) && x.at == c.at {
			addTo(x, c)
			return
		}
	}
	if slot := g.slot(c.born, c.at); slot != nil {
		if *slot > 0 {
			addTo(&g.cs[*slot-1], c)
			return
		}
		*slot = int32(len(g.cs) + 1)
		g.cs = append(g.cs, c)
		return
	}
	if i := g.idx.find(c.born, c.at, len(g.cs)); i < len(g.cs) {
		addTo(&g.cs[i], c)
		return
	}
	g.cs = append(g.cs, c)
}

// addEntry is add for a piece with no fold or range of births, passed as
// its figures (a buffer's flush hands on one per entry, and copying whole
// cohorts through the calls cost more than the gathering). Its common
// cases come first, without a call: the piece joins the newest cohort, or
// the plain cohort that the row in use for its arrival finds by its age (a
// backlog's pieces, read shard by shard, mostly join one a shard before
// made), or opens that row's slot; a birth off the tick grid goes straight
// to the index. addOther takes the rest, deciding as the full path would.
// takeWhole repeats the first two in its loop: calling addEntry there cost
// the Firehose days 3% more instructions.
func (g *gather) addEntry(at, born, n, b, obj float64) { g.addEntryIdx(at, born, n, b, obj) }

// addEntryIdx is addEntry that returns the index of the cohort the piece
// joined or opened when it found it by its birth and arrival alone (a
// row's slot, the index), so that another piece of that exact birth and
// arrival would find it again; -1 when the newest cohort took it, or
// addOther.
func (g *gather) addEntryIdx(at, born, n, b, obj float64) int {
	cs := g.cs
	var x *cohort
	xi := -1
	if i := len(cs) - 1; i >= 0 && sameTime(cs[i].born, born) && cs[i].at == at {
		x = &cs[i]
	} else {
		age := g.now - born
		if g.dt != 1 {
			age /= g.dt
		}
		a := int(age + 0.5)
		if !sameTime(float64(a), age) {
			// Off the tick grid (a merged backlog entry): no row has a
			// slot for it (slotOf), so it goes to the index.
			i := g.idx.find(born, at, len(cs))
			if i >= len(cs) {
				g.addNew(at, born, n, b, obj)
				return i
			}
			x, xi = &cs[i], i
		} else if r := g.rowAt(at); r != nil && uint(a) < uint(len(r.slots)) {
			s := r.slots[a]
			if s == 0 { // the first piece of its birth and arrival
				r.slots[a] = int32(len(cs) + 1)
				g.addNew(at, born, n, b, obj)
				return len(cs)
			}
			x, xi = &cs[s-1], int(s-1)
		}
	}
	if x != nil && !x.spans() && x.fold == 0 {
		x.n += n
		x.b += b
		x.obj += obj
		return xi
	}
	g.addOther(at, born, n, b, obj)
	return -1
}

// addOther is addEntry's full path: the newest cohort, else the slot of
// the piece's birth and arrival (a new row, a row's slots grown), else the
// index; then addAt, which merges into a cohort with a fold or a range of
// births with addTo.
func (g *gather) addOther(at, born, n, b, obj float64) {
	i := len(g.cs)
	if i > 0 && sameTime(g.cs[i-1].born, born) && g.cs[i-1].at == at {
		i--
	} else if slot := g.slot(born, at); slot == nil {
		i = g.idx.find(born, at, i)
	} else if *slot > 0 {
		i = int(*slot - 1)
	} else {
		*slot = int32(i + 1)
	}
	g.addAt(i, at, born, n, b, obj)
}

// addAt adds the piece to cohort i, or as a new cohort when i is the
// number of cohorts.
func (g *gather) addAt(i int, at, born, n, b, obj float64) {
	if i == len(g.cs) {
		g.addNew(at, born, n, b, obj)
		return
	}
	x := &g.cs[i]
	if x.spans() || x.fold != 0 {
		addTo(x, cohort{at: at, born: born, n: n, b: b, obj: obj})
		return
	}
	x.n += n
	x.b += b
	x.obj += obj
}

// addNew adds the piece as a new cohort, written field by field in its
// place: a cohort built apart and appended is read back 16 bytes at a time
// from the stores of its 8-byte fields, which the store buffer cannot
// forward (a stall per cohort).
func (g *gather) addNew(at, born, n, b, obj float64) {
	g.cs = append(g.cs, cohort{})
	x := &g.cs[len(g.cs)-1]
	x.at, x.born, x.n, x.b, x.obj = at, born, n, b, obj
}

// takeWhole takes the front entries of q that the take t has room for
// whole (every entry when all: a drain), as nextEntry would take each, to
// the bit, and adds each to the gather as addEntry would, arriving at
// later(e.at, at), the first with obj objects. It returns obj, or 0 once
// an entry has taken it. These are a Firehose object's whole entries,
// written ticks before and cold in the cache: one pass over them, where
// counting them first and gathering them after read each twice.
// addEntry's first two common cases are written in (a call per entry cost
// more than the gathering) and addOther takes the rest, deciding as they
// would; the totals are subtracted in the pops' order.
func (g *gather) takeWhole(q *fifo, t *taking, all bool, at, obj float64) float64 {
	buf, head, size := q.buf, q.head, q.size
	mask := len(buf) - 1
	tn, tb, limB := t.n, t.b, t.limB
	qn, qb := q.n, q.b
	k := 0
	for ; k < size; k++ {
		e := &buf[(head+k)&mask]
		n, b := e.n, e.b
		if !all && !(tn > 1e-12 && n > 1e-12 && n <= tn && (!limB || b*(1+1e-12) < tb)) {
			break
		}
		tn -= n
		if limB {
			tb -= b
		}
		qn -= n
		qb -= b
		// addEntry's common cases, written in (see addEntry); the others
		// are addOther's, called from this one place so that the loop's
		// values are spilled only there.
		eat, born := later(e.at, at), e.born
		cs := g.cs
		var x *cohort
		if i := len(cs) - 1; i >= 0 && sameTime(cs[i].born, born) && cs[i].at == eat {
			x = &cs[i]
		} else if r := g.rowAt(eat); r != nil {
			age := g.now - born
			if g.dt != 1 {
				age /= g.dt
			}
			if a := int(age + 0.5); uint(a) < uint(len(r.slots)) && sameTime(float64(a), age) && r.slots[a] > 0 {
				x = &cs[r.slots[a]-1]
			}
		}
		if x != nil && !x.spans() && x.fold == 0 {
			x.n += n
			x.b += b
			x.obj += obj
		} else {
			g.addOther(eat, born, n, b, obj)
		}
		obj = 0
	}
	t.n, t.b = tn, tb
	q.dropFront(k, qn, qb)
	return obj
}

// pieceIndex maps a (born, at) pair to an index, as a map[[2]float64]int
// would (keys equal by ==), for the pieces of one tick: open addressing
// over a table that a new generation empties in O(1), since a backlog's
// merged births are off the grid and come by the thousand every tick.
type pieceIndex struct {
	slots []pieceSlot
	gen   uint32
	count int
}

type pieceSlot struct {
	born, at float64
	i        int32
	gen      uint32
}

// find returns the index stored for (born, at), or stores next and returns it.
func (x *pieceIndex) find(born, at float64, next int) int {
	if 2*(x.count+1) > len(x.slots) {
		x.grow()
	}
	mask := uint64(len(x.slots) - 1)
	// +0 folds -0 into 0, which == finds equal.
	h := (math.Float64bits(born+0)*0x9e3779b97f4a7c15 ^ math.Float64bits(at+0)) * 0xbf58476d1ce4e5b9
	for j := (h >> 32) & mask; ; j = (j + 1) & mask {
		sl := &x.slots[j]
		if sl.gen != x.gen {
			*sl = pieceSlot{born: born, at: at, i: int32(next), gen: x.gen}
			x.count++
			return next
		}
		if sl.born == born && sl.at == at {
			return int(sl.i)
		}
	}
}

func (x *pieceIndex) grow() {
	old := x.slots
	x.slots = make([]pieceSlot, max(64, 2*len(old)))
	cur := x.gen
	x.gen, x.count = 1, 0
	for _, sl := range old {
		if sl.gen == cur {
			x.find(sl.born, sl.at, int(sl.i))
		}
	}
}

// reset empties the index.
func (x *pieceIndex) reset() {
	if x.count == 0 {
		return
	}
	x.gen++
	x.count = 0
	if x.gen == 0 { // wrapped: old slots could look current
		clear(x.slots)
		x.gen = 1
	}
}

// addTo adds c to x, both of the same birth and arrival time.
func addTo(x *cohort, c cohort) {
	if x.spans() || c.spans() {
		unionBirths(x, &c)
	}
	if x.fold != 0 || c.fold != 0 {
		x.fold = (x.rowsPerRecord()*x.n + c.rowsPerRecord()*c.n) / (x.n + c.n)
	}
	x.n += c.n
	x.b += c.b
	x.obj += c.obj
}

// slot returns the grid slot of a cohort born on the tick grid, or nil.
// Pieces come in runs of one arrival time, most to slots already made: that
// case is answered here, the rest by slotOf.
func (g *gather) slot(born, at float64) *int32 {
	r := g.rowAt(at)
	if r == nil {
		return g.slotOf(born, at)
	}
	age := g.now - born
	if g.dt != 1 {
		age /= g.dt
	}
	a := int(age + 0.5)
	if uint(a) < uint(len(r.slots)) && sameTime(float64(a), age) {
		return &r.slots[a]
	}
	return g.slotOf(born, at)
}

// rowAt is the grid row in use of arrival time at, cur or alt (which
// becomes cur), or nil when neither is: a flush alternates two arrivals,
// the tick's start for objects of full size and its end for those whose
// interval ran out.
func (g *gather) rowAt(at float64) *gridRow {
	r := g.cur
	if r == nil || r.at != at {
		if r = g.alt; r == nil || r.at != at {
			return nil
		}
		g.cur, g.alt = r, g.cur
	}
	return r
}

func (g *gather) slotOf(born, at float64) *int32 {
	if g.dt <= 0 {
		return nil
	}
	age := g.now - born
	if g.dt != 1 { // x/1 is x: most scenarios tick by the second, and this runs per piece
		age /= g.dt
	}
	a := int(age + 0.5)
	if a < 0 || a > 1<<16 || !sameTime(float64(a), age) {
		return nil
	}
	r := g.row(at)
	if r == nil {
		return nil
	}
	if a >= len(r.slots) {
		r.slots = append(r.slots, make([]int32, a+1-len(r.slots))...)
	}
	return &r.slots[a]
}

// row is the grid row of arrival time at, taken when new; nil when the
// grid's rows are all in use.
func (g *gather) row(at float64) *gridRow {
	if g.last < len(g.grid) && g.grid[g.last].used && g.grid[g.last].at == at {
		return g.use(g.last) // pieces come in runs of one arrival time
	}
	free := -1
	for i := range g.grid {
		switch {
		case g.grid[i].used && g.grid[i].at == at:
			return g.use(i)
		case !g.grid[i].used && free < 0:
			free = i
		}
	}
	if free < 0 {
		if len(g.grid) >= 8 {
			return nil
		}
		g.grid = append(g.grid, gridRow{})
		free = len(g.grid) - 1
		g.cur, g.alt = nil, nil // they pointed into the old array
	}
	g.grid[free].at, g.grid[free].used = at, true
	return g.use(free)
}

// use makes row i the one found last (cur), the one before it alt.
func (g *gather) use(i int) *gridRow {
	r := &g.grid[i]
	if r != g.cur {
		g.alt = g.cur
	}
	g.last, g.cur = i, r
	return r
}

type gridRow struct {
	at    float64
	used  bool
	slots []int32
}

// reset empties the gather for the tick at now, keeping its storage.
func (g *gather) reset(now, dt float64) {
	if g.memoGen++; g.memoGen == 0 { // wrapped: old entries could look current
		clear(g.memo[:])
		g.memoGen = 1
	}
	g.cs = g.cs[:0]
	g.cur, g.alt = nil, nil
	g.idx.reset()
	for i := range g.grid {
		clear(g.grid[i].slots)
		g.grid[i].used = false
	}
	g.now, g.dt = now, dt
}

// emit hands processed records to every target (a record counts once per target).
func (c *consumer) emit(co cohort) {
	if co.n <= 0 {
		return
	}
	for _, o := range c.outs {
		o.q.push(co)
	}
	if len(c.outs) == 0 {
		// A consumer with no targets is the end of the line: it consumes.
		c.out += co.n
		c.outB += co.b
	}
}

// flush delivers waiting records to every target, as much as each accepts.
func (c *consumer) flush(e *Engine) {
	now := e.nowSec()
	for _, o := range c.outs {
		if o.dest != nil {
			c.giveUp(o, now)
			// The cohort as it waits is co but for its arrival; fn and fb
			// keep its records and bytes (a copy of the whole cohort stalls:
			// see fifo.getTo). frontTo writes every field of co.
			var co cohort
			for !o.q.empty() {
				o.q.frontTo(&co)
				fn, fb := co.n, co.b
				if o.commit != nil {
					co.at = o.commit(max(co.at, now))
				}
				ok := o.dest.accept(e, co)
				if ok <= 0 {
					break
				}
				c.out += ok
				c.outB += fb * ok / fn
				if ok >= fn-1e-9 {
					o.q.pop()
				} else {
					o.q.take(ok, -1, func(cohort) {})
					break
				}
			}
			continue
		}
		// Streams and Firehose: everything waiting is offered this tick; refusals retry through the edge.
		o.ed.n, o.ed.b, o.ed.born, o.ed.at = 0, 0, now, now
		var bornN float64
		o.q.drain(func(co cohort) {
			o.ed.n += co.n
			o.ed.b += co.b
			bornN += co.born * co.n
			o.ed.at = max(o.ed.at, co.at)
		})
		if o.ed.n > 0 {
			o.ed.born = bornN / o.ed.n
		}
	}
}

// giveUp drops records a destination refused for longer than the retry window
// (Firehose FH-RETRY: 300 s for OpenSearch, 3,600 s for Redshift, 24 h for S3; then
// the records go to the S3 backup or error prefix, lost for this destination).
func (c *consumer) giveUp(o *output, now float64) {
	for !o.q.empty() && now-o.q.first().at > o.wait {
		f := o.q.first()
		c.lost += f.n
		c.backup += f.n
		o.q.pop()
	}
}

func (c *consumer) heldOut() float64 {
	var h float64
	for _, o := range c.outs {
		h += o.q.n
		if o.ed != nil {
			h += o.ed.heldRetries()
		}
	}
	return h
}

// measureLoad keeps a one-minute moving average of work done ÷ capacity, the
// figure a CPU graph would show: 100% means the consumer is saturated (its
// backlog shows as lag, not as load above 100%).
func (c *consumer) measureLoad(e *Engine, readN, readB float64) {
	r := c.rd
	x := 0.0
	switch {
	case r.capB > 0:
		x = readB / (r.capB * e.dt)
	case r.capN > 0:
		x = readN / (r.capN * e.dt)
	case r.unitCapN > 0:
		x = readN / (r.unitCapN * e.dt * float64(len(r.q)))
	default:
		return
	}
	k := min(1, e.dt/60)
	c.load += (min(1, x) - c.load) * k
	c.util = max(c.util, c.load)
}

func (c *consumer) endTick(e *Engine) {
	if c.rd != nil {
		c.rd.updateAge(e.nowSec())
		c.iterAge = c.rd.iterAge
	}
}

func (c *consumer) commonMetrics(m map[string]float64, held float64) {
	lag := 0.0
	age := 0.0
	if c.rd != nil {
		lag = c.rd.lag()
		age = c.rd.iterAgeMax
	}
	m["lag_records"] = lag
	m["held_records"] = held
	m["iterator_age_max"] = age
	// Firehose's own Direct PUT refusals, or a consumer's writes that the
	// stream or Firehose it writes to refused (one of the two is always 0).
	m["throttled_records"] = c.throttled + c.writeRefused
	m["utilization_max"] = c.util
}
