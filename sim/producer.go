package sim

import (
	"cmp"
	"math"
	"slices"

	"github.com/streamsim/streamsim/pipeline"
)

// producer generates records each tick following its rate and pattern and
// offers them to its targets through edges.
type producer struct {
	nodeStats
	n     *pipeline.Node
	keys  keySpace
	edges []*edge
	// derived settings
	rate     float64 // records/s (mean)
	size     float64 // mean record bytes
	sizes    pipeline.SizeDist
	shape    string  // pattern.shape
	peak     float64 // diurnal: pattern.peak
	period   float64 // diurnal: pattern.period, seconds (at least 1)
	keyBytes float64
	// this tick
	lastRate float64
}

func newProducer(e *Engine, n *pipeline.Node) *producer {
	p := &producer{nodeStats: nodeStats{id: n.ID, failedUntil: -1}, n: n}
	p.keys = producerKeys(n, e.rng)
	p.reconfigure(e)
	if n := p.keys.nameBytes(); n > 0 {
		p.keyBytes = float64(n)
	} else {
		p.keyBytes = 36 // a UUID
	}
	return p
}

func (p *producer) stats() *nodeStats    { return &p.nodeStats }
func (p *producer) node() *pipeline.Node { return p.n }
func (p *producer) reconfigure(e *Engine) {
	p.size, p.rate = producerRate(p.n)
	p.sizes = pipeline.RecordSizes(p.n)
	p.shape = p.n.Str("pattern.shape")
	p.peak = p.n.Num("pattern.peak")
	p.period = max(1, p.n.Dur("pattern.period").Seconds())
}

// producerRate returns the mean record size and records per second; a rate in
// bytes/s is turned into records with the mean record size.
func producerRate(n *pipeline.Node) (size, rate float64) {
	size = max(1, n.Num("record_size.mean"))
	r := n.Rate("rate")
	rate = r.PerSec
	if r.Bytes {
		rate = r.PerSec / size
	}
	return size, rate
}

func (p *producer) wire(e *Engine) error {
	for _, t := range p.n.To {
		tgt, ok := e.byID[t].(sink)
		if !ok {
			continue
		}
		ed := &edge{
			writer:     &p.nodeStats,
			maxRetries: p.n.Int("retries.max"),
			backoff:    p.n.Dur("retries.backoff").Seconds(),
			keyBytes:   p.keyBytes,
		}
		if p.n.Bool("aggregation") {
			ed.aggBytes = kplAggregate
		}
		tgt.attach(e, ed, p.keys)
		p.edges = append(p.edges, ed)
	}
	return nil
}

// producerKeys is the distinct partition keys of all producers (+Inf when one
// draws random keys), counted once for every consumer that asks: with
// thousands of producers and consumers, asking each would be quadratic.
func (e *Engine) producerKeys() float64 {
	if e.keysKnown {
		return e.keys
	}
	e.keys, e.keysKnown = 0, true
	for _, pr := range e.prods {
		if pr.n.Str("keys.dist") == "random" {
			e.keys = math.Inf(1)
			break
		}
		e.keys += float64(pr.n.Int("keys.count"))
	}
	return e.keys
}

// kplAggregate is KPL-AGGREGATION's AggregationMaxSize: the KPL packs user records into
// Kinesis records of up to 51,200 B.
const kplAggregate = 51200

// sink is a node producers and consumers can write into through an edge.
type sink interface {
	attach(e *Engine, ed *edge, ks keySpace)
}

// factor is the pattern's multiplier of the mean rate at time t (seconds).
func (p *producer) factor(t float64) float64 {
	n := p.n
	switch p.shape {
	case "diurnal":
		return max(0, 1+(p.peak-1)*math.Sin(2*math.Pi*t/p.period))
	case "ramp":
		start := n.Dur("pattern.at").Seconds()
		over := max(1e-9, n.Dur("pattern.over").Seconds())
		to := n.Rate("pattern.to")
		toRate := to.PerSec
		if to.Bytes {
			toRate /= p.size
		}
		if p.rate <= 0 {
			return 0
		}
		x := min(1, max(0, (t-start)/over))
		return 1 + x*(toRate/p.rate-1)
	case "spike":
		at := n.Dur("pattern.at").Seconds()
		if t >= at && t < at+n.Dur("pattern.for").Seconds() {
			return n.Num("pattern.factor")
		}
	case "series":
		return pipeline.SeriesFactor(n, t)
	}
	return 1
}

func (p *producer) step(e *Engine) {
	now := e.nowSec()
	mean := p.rate * p.factor(now) * e.dt
	n := mean
	if p.shape == "poisson" {
		n = e.rng.poisson(mean)
	}
	if p.failed(now) {
		n = 0
	}
	p.lastRate = n / e.dt
	// A record is produced once, whatever the number of targets it is
	// sent to; records_out counts it once per target that accepts it, as a
	// stream counts a record once per reader (fanOut).
	e.produced += n
	p.in += n
	p.inB += n * p.size
	for _, ed := range p.edges {
		ed.n, ed.b, ed.born, ed.at = n, n*p.size, now, now
	}
}

// held is the records waiting for a retry.
func (p *producer) held() float64 {
	var h float64
	for _, ed := range p.edges {
		h += ed.heldRetries()
	}
	return h
}

func (p *producer) metrics(e *Engine, m map[string]float64) {
	m["throttled_records"] = p.writeRefused
	m["retried_records"] = p.retried()
}

// retried is the refused attempts that were (or will be) sent again rather than dropped.
func (p *producer) retried() float64 { return max(0, p.writeRefused-p.lost) }

// unitsPerRecord is the expected number of billing units of `unit` bytes per
// user record reaching node id, weighted by the rates of the producers upstream
// of it (a 3 KB record is one 5 KB Firehose unit; a lognormal mix has some
// records in the next unit up). Producers on unrelated paths do not count. With
// kinesis set, records a producer KPL-aggregates (KPL-AGGREGATION) into a stream, and
// their reads from it, are billed per 50 KiB aggregated Kinesis record instead.
//
// A Flink window's or micro-batch's results count as the records they fold,
// each of its producer's size: the engine gives result rows no sizes of their
// own (their bytes are a rule of thumb), so a table behind a window pays the
// upstream records' units per row.
func (e *Engine) unitsPerRecord(id string, unit float64, kinesis bool) float64 {
	key := unitsKey{id, unit, kinesis}
	if v, ok := e.unitsCache.units[key]; ok {
		return v
	}
	v := e.computeUnits(e.flowInto(id), unit, kinesis)
	if e.unitsCache.units == nil {
		e.unitsCache.units = map[unitsKey]float64{}
	}
	e.unitsCache.units[key] = v
	return v
}

func (e *Engine) computeUnits(f flow, unit float64, kinesis bool) float64 {
	var w, sum float64
	for _, pt := range f {
		if pt.all == 0 {
			continue
		}
		p, agg := e.prods[pt.prod], 0.0
		if kinesis {
			agg = pt.agg
		}
		w += pt.all
		sum += agg*p.size/kplAggregate*math.Ceil(kplAggregate/unit) + (pt.all-agg)*p.sizes.Units(unit)
	}
	if w == 0 {
		return 1
	}
	return sum / w
}

// unitsKey names one memoised unitsPerRecord answer.
type unitsKey struct {
	node    string
	unit    float64
	kinesis bool
}

// unitsMemo memoises unitsPerRecord and the flows under it; a timeline change
// may change sizes or rates, so Engine.apply resets it.
type unitsMemo struct {
	units map[unitsKey]float64
	flows map[string]flow // nil until first needed
}

func (u *unitsMemo) reset() {
	clear(u.units)
	u.flows = nil
}

// flow is the traffic reaching a node, per producer that reaches it (in the
// order of Engine.prods): records/s summed over every path from the
// producer, and the part of it that arrives as the producer's KPL aggregates.
// Producers that do not reach the node are left out, so 10,000 producers
// each writing to one stream cost 10,000 parts, not 10,000 per node.
type flow []flowPart

// flowPart is one producer's part of a flow.
type flowPart struct {
	prod     int // index in Engine.prods
	all, agg float64
}

// flowInto is the flow reaching node id.
func (e *Engine) flowInto(id string) flow {
	if e.unitsCache.flows == nil {
		e.unitsCache.flows = e.flows()
	}
	return e.unitsCache.flows[id]
}

// flows follows every producer's mean rate through the graph in topological
// order (e.models), so each node has its inputs before it passes them on: along
// `to` (producer → stream or Direct PUT, consumer → destination or stream) and
// `from` (stream → consumer or reading destination). Aggregates stay
// aggregates from stream to reader; a consumer writes its records one by one.
//
// Each node's parts are summed in the order its inputs were pushed to it:
// its writers in topological order (once per time they name it), then its
// source, so every sum is the same float, whichever nodes it passes.
func (e *Engine) flows() map[string]flow {
	k := len(e.prods)
	pos := make(map[string]int, len(e.models))
	for i, m := range e.models {
		pos[m.node().ID] = i
	}
	prodIdx := make(map[*pipeline.Node]int, k)
	for i, p := range e.prods {
		prodIdx[p.n] = i
	}
	writers := make([][]int, len(e.models)) // per model: the models that name it in `to`, in order
	for i, m := range e.models {
		for _, t := range m.node().To {
			if j, ok := pos[t]; ok {
				writers[j] = append(writers[j], i)
			}
		}
	}
	// A dense scratch row, cleared through the list of producers it touched.
	all, agg := make([]float64, k), make([]float64, k)
	seen := make([]bool, k)
	var touched []int
	add := func(p int, a, g float64, withAgg bool) {
		if !seen[p] {
			seen[p] = true
			touched = append(touched, p)
		}
		all[p] += a
		if withAgg {
			agg[p] += g
		}
	}
	out := make(map[string]flow, len(e.models))
	done := make([]flow, len(e.models))
	for j, m := range e.models {
		n := m.node()
		touched = touched[:0]
		for _, i := range writers[j] {
			w := e.models[i].node()
			for _, pt := range done[i] {
				add(pt.prod, pt.all, 0, false)
			}
			if p, isProd := prodIdx[w]; isProd && w.Bool("aggregation") {
				add(p, 0, done[i].of(p), true)
			}
		}
		if src, ok := pos[n.From]; ok && n.From != "" {
			for _, pt := range done[src] {
				add(pt.prod, pt.all, pt.agg, true)
			}
		}
		if p, isProd := prodIdx[n]; isProd {
			add(p, 0, 0, false)
			all[p] = max(e.prods[p].rate, 1e-9)
		}
		slices.Sort(touched)
		f := make(flow, len(touched))
		for x, p := range touched {
			f[x] = flowPart{p, all[p], agg[p]}
			all[p], agg[p], seen[p] = 0, 0, false
		}
		done[j] = f
		out[n.ID] = f
	}
	return out
}

// of is producer p's records/s in the flow (0 when it does not reach the node).
func (f flow) of(p int) float64 {
	i, ok := slices.BinarySearchFunc(f, p, func(pt flowPart, p int) int { return cmp.Compare(pt.prod, p) })
	if !ok {
		return 0
	}
	return f[i].all
}
