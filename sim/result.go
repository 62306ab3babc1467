package sim

import (
	"fmt"
	"math"
	"sort"

	"github.com/streamsim/streamsim/pipeline"
)

// Result is a finished (or paused) run's metrics, keyed "node.metric" in base
// units (seconds, bytes, dollars, fractions) as pipeline.MetricNames defines them.
type Result struct {
	Metrics map[string]float64
	Events  []Event
}

// Run simulates a scenario from start to end.
func Run(sc *pipeline.Scenario) (Result, error) {
	e, err := New(sc)
	if err != nil {
		return Result{}, err
	}
	e.RunToEnd()
	return e.Result(), nil
}

// Result gathers every metric at the current time.
func (e *Engine) Result() Result {
	m := make(map[string]float64, 16*len(e.models))
	var lost, held, cost float64
	for _, md := range e.models {
		nm := e.nodeMetrics(md)
		id := md.node().ID
		for k, v := range nm {
			m[id+"."+k] = v
		}
		lost += nm["lost_records"]
		if md.node().Stage != pipeline.Destination {
			held += md.held()
		}
		cost += nm["cost_monthly"]
	}
	throttled := e.refused()
	m["pipeline.produced_records"] = e.produced
	m["pipeline.delivered_records"] = e.deliv
	m["pipeline.lost_records"] = lost
	m["pipeline.in_flight_records"] = held
	m["pipeline.throttled_records"] = throttled
	m["pipeline.latency_p50"] = e.lat.Quantile(0.50)
	m["pipeline.latency_p99"] = e.lat.Quantile(0.99)
	m["pipeline.latency_max"] = e.lat.Max()
	m["pipeline.cost_monthly"] = cost
	return Result{Metrics: m, Events: append([]Event(nil), e.events...)}
}

func (e *Engine) nodeMetrics(md model) map[string]float64 {
	st := md.stats()
	nm := map[string]float64{
		"records_in":   st.in,
		"bytes_in":     st.inB,
		"records_out":  st.out,
		"bytes_out":    st.outB,
		"lost_records": st.lost,
		"cost_monthly": e.cost(md),
	}
	md.metrics(e, nm)
	return nm
}

// Keys returns the metric names in sorted order (for stable output).
func (r Result) Keys() []string {
	keys := make([]string, 0, len(r.Metrics))
	for k := range r.Metrics {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// CheckInvariants verifies conservation for every node: what came in went out,
// was lost, or is held (once per reader or target where records fan out), and
// for the pipeline: produced = delivered + lost + in flight without fan-out.
func (e *Engine) CheckInvariants() error {
	for _, md := range e.models {
		st := md.stats()
		in := st.in * float64(fanOut(md))
		out := st.out
		lost := st.lost
		if s, ok := md.(*stream); ok {
			out, lost = 0, s.expired
			for _, r := range s.readers {
				out += r.out
			}
		}
		if d, ok := md.(*dest); ok {
			in, out = d.in, d.out
		}
		held := md.held()
		if diff := in - out - lost - held; math.Abs(diff) > 1e-6*max(1, in) {
			return fmt.Errorf("tick %d: %s: records_in %.3f != out %.3f + lost %.3f + held %.3f (diff %.6f)",
				e.tick, st.id, in, out, lost, held, diff)
		}
	}
	return nil
}

// refused is the write attempts refused anywhere, each counted once, at the
// node that refused it (docs/totals.md): not again at its writer.
func (e *Engine) refused() float64 {
	var n float64
	for _, md := range e.models {
		n += md.stats().throttled
	}
	return n
}

// fanOut is how many copies of each record a node hands on.
func fanOut(md model) int {
	switch x := md.(type) {
	case *producer:
		return max(1, len(x.edges))
	case *stream:
		return max(1, len(x.readers))
	case *firehose:
		return max(1, len(x.outs))
	case *processor:
		return max(1, len(x.outs))
	}
	return 1
}

// Snapshot returns the dashboard's view of the run now. It copies everything,
// so the caller may keep it while the engine goes on.
func (e *Engine) Snapshot() pipeline.Snapshot {
	s := pipeline.Snapshot{Time: e.Now(), Duration: e.Duration(), Done: e.Done()}
	var cost, refusedRate float64
	for _, md := range e.fileOrder {
		ns, own := e.nodeSnapshot(md)
		cost += ns.CostMonthly
		refusedRate += own
		s.Nodes = append(s.Nodes, ns)
	}
	var lost, held float64
	for _, md := range e.models {
		lost += lostRecords(md)
		if md.node().Stage != pipeline.Destination {
			held += md.held()
		}
	}
	lat := e.lat.Quantiles(0.5, 0.99)
	s.Pipeline = pipeline.PipelineSnapshot{
		Produced:    e.produced,
		Delivered:   e.deliv,
		Lost:        lost,
		InFlight:    held,
		Throttled:   e.refused(),
		LatencyP50:  lat[0],
		LatencyP99:  lat[1],
		LatencyMax:  e.lat.Max(),
		CostMonthly: cost,
	}
	for _, p := range e.prods {
		s.Pipeline.ProducedRate += p.lastRate
	}
	s.Pipeline.DeliveredRate = e.tickDeliv / e.dt
	s.Pipeline.ThrottledRate = refusedRate
	return s
}

// nodeSnapshot is one node's view now, and the write attempts it refused
// itself per second over the same interval as its rates.
func (e *Engine) nodeSnapshot(md model) (pipeline.NodeSnapshot, float64) {
	n := md.node()
	st := md.stats()
	ns := pipeline.NodeSnapshot{
		ID: n.ID, Service: n.Service.Name, Stage: n.Stage,
		Lost: st.lost, Held: md.held(), Failed: st.failed(e.nowSec()) && e.tick > 0,
		CostMonthly: e.cost(md),
	}
	rt := e.rates(md)
	ns.InRate, ns.OutRate, ns.InBytesRate, ns.Throttled = rt.in, rt.out, rt.inB, rt.thr
	switch x := md.(type) {
	case *stream:
		ns.LostWrites = lostWrites(x.adm.edges)
		ns.Units = x.unitUtil()
		for _, r := range x.readers {
			ns.Lag = max(ns.Lag, r.lag())
			ns.IterAge = max(ns.IterAge, r.iterAge)
		}
		ns.HotKey, ns.HotShare, ns.HotUnit, ns.HotProducer = x.hotKey()
		ns.ReadThrottled = e.readRate(x)
		ns.Lost = x.expired
	case *firehose:
		ns.Lag, ns.IterAge, ns.Util = readerLag(x.rd), x.iterAge, x.load
		if x.adm != nil {
			ns.LostWrites = lostWrites(x.adm.edges)
		}
	case *processor:
		ns.Lag, ns.IterAge, ns.Util = readerLag(x.rd), x.iterAge, x.load
	}
	return ns, rt.own
}

func readerLag(r *reader) float64 {
	if r == nil {
		return 0
	}
	return r.lag()
}

// hotKey names the heaviest key written to the stream, its share of its
// writer's records, the unit it lands on and the writer.
func (s *stream) hotKey() (string, float64, int, string) {
	best, share, unit, writer := "", 0.0, -1, ""
	for i, ks := range s.keys {
		name, w := ks.hotKey()
		if w > share && i < len(s.adm.edges) {
			best, share, writer = name, w, s.adm.edges[i].writer.id
			for u, h := range s.adm.edges[i].hot {
				if h == w {
					unit = u
				}
			}
		}
	}
	return best, share, unit, writer
}

// readRate is the stream's refused read calls per second since the last snapshot.
func (e *Engine) readRate(s *stream) float64 {
	p := s.prevRead
	s.prevRead = [2]float64{s.readThrot, float64(e.tick)}
	el := (float64(e.tick) - p[1]) * e.dt
	if el <= 0 {
		return 0
	}
	return (s.readThrot - p[0]) / el
}

// tickRates are a node's rates: thr counts the attempts it refused and its
// own attempts its targets refused (NodeSnapshot.Throttled), own only the
// former (what the pipeline's total adds up).
type tickRates struct{ in, out, inB, thr, own float64 }

// rates returns a node's per-second rates over the last tick, from the change
// in its totals since the previous call.
func (e *Engine) rates(md model) tickRates {
	st := md.stats()
	prev := st.prev
	cur := tickRates{st.in, st.out, st.inB, st.throttled + st.writeRefused, st.throttled}
	if s, ok := md.(*stream); ok {
		cur.out = 0
		for _, r := range s.readers {
			cur.out += r.out
		}
	}
	el := float64(e.tick-prev.tick) * e.dt
	if el <= 0 {
		return prev.rate
	}
	r := tickRates{(cur.in - prev.t.in) / el, (cur.out - prev.t.out) / el, (cur.inB - prev.t.inB) / el,
		(cur.thr - prev.t.thr) / el, (cur.own - prev.t.own) / el}
	st.prev = totalsAt{cur, e.tick, r}
	return r
}

type totalsAt struct {
	t    tickRates
	tick int64
	rate tickRates
}

// lostWrites is the records writers gave up on after a target refused them.
func lostWrites(edges []*edge) float64 {
	var n float64
	for _, ed := range edges {
		n += ed.lost
	}
	return n
}

// lostRecords is what a node has dropped: expired records for a stream,
// exhausted retries, failed deliveries or discarded batches elsewhere.
func lostRecords(md model) float64 {
	if s, ok := md.(*stream); ok {
		return s.expired
	}
	return md.stats().lost
}

// Ticks is the number of ticks in the run.
func (e *Engine) Ticks() int64 { return e.ticks }

// Tick is the number of ticks done.
func (e *Engine) Tick() int64 { return e.tick }
