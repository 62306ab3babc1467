package sim

import (
	"math"

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
	shape    string // pattern.shape
	keyBytes float64
	// this tick
	lastRate float64
}

func newProducer(e *Engine, n *pipeline.Node) *producer {
	p := &producer{nodeStats: nodeStats{id: n.ID, failedUntil: -1}, n: n}
	p.keys = producerKeys(n, e.rng)
	p.reconfigure(e)
	if len(p.keys.names) > 0 {
		p.keyBytes = float64(len(p.keys.names[0]))
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
		peak := n.Num("pattern.peak")
		period := max(1, n.Dur("pattern.period").Seconds())
		return max(0, 1+(peak-1)*math.Sin(2*math.Pi*t/period))
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
	for i, all := range f.all {
		if all == 0 {
			continue
		}
		p, agg := e.prods[i], 0.0
		if kinesis {
			agg = f.agg[i]
		}
		w += all
		sum += agg*p.size/kplAggregate*math.Ceil(kplAggregate/unit) + (all-agg)*p.sizes.Units(unit)
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

// flow is the traffic reaching a node, per producer (indexed as Engine.prods):
// records/s summed over every path from the producer, and the part of it that
// arrives as the producer's KPL aggregates.
type flow struct{ all, agg []float64 }

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
func (e *Engine) flows() map[string]flow {
	k := len(e.prods)
	out := make(map[string]flow, len(e.models))
	get := func(id string) flow {
		f, ok := out[id]
		if !ok {
			f = flow{make([]float64, k), make([]float64, k)}
			out[id] = f
		}
		return f
	}
	prodIdx := make(map[*pipeline.Node]int, k)
	for i, p := range e.prods {
		prodIdx[p.n] = i
	}
	for _, m := range e.models {
		n := m.node()
		f := get(n.ID)
		if src, ok := out[n.From]; ok && n.From != "" {
			addFlow(f.all, src.all)
			addFlow(f.agg, src.agg)
		}
		i, isProd := prodIdx[n]
		if isProd {
			f.all[i] = max(e.prods[i].rate, 1e-9)
		}
		for _, t := range n.To {
			if _, ok := e.byID[t]; !ok {
				continue
			}
			g := get(t)
			addFlow(g.all, f.all)
			if isProd && n.Bool("aggregation") {
				g.agg[i] += f.all[i]
			}
		}
	}
	return out
}

func addFlow(dst, src []float64) {
	for i, v := range src {
		dst[i] += v
	}
}
