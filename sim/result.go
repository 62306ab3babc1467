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
	r := e.Result()
	e.Release()
	return r, nil
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

// Snapshot returns the run now, with running totals: a pure read (rates come
// from the totals of two snapshots: pipeline.Snapshot.RatesSince). It copies
// everything, so the caller may keep it while the engine goes on.
func (e *Engine) Snapshot() pipeline.Snapshot {
	s := pipeline.Snapshot{Time: e.Now(), Duration: e.Duration(), Done: e.Done(), Tick: e.tick, TickLen: e.sc.Tick}
	var cost float64
	s.Nodes = make([]pipeline.NodeSnapshot, 0, len(e.fileOrder))
	for _, md := range e.fileOrder {
		ns := e.nodeSnapshot(md)
		cost += ns.CostMonthly
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
	return s
}

// nodeSnapshot is one node's view now.
func (e *Engine) nodeSnapshot(md model) pipeline.NodeSnapshot {
	n := md.node()
	st := md.stats()
	ns := pipeline.NodeSnapshot{
		ID: n.ID, Service: n.Service.Name, Stage: n.Stage,
		Lost: st.lost, Held: md.held(), Failed: st.failed(e.nowSec()) && e.tick > 0,
		CostMonthly: e.cost(md),
		RecordsIn:   st.in, BytesIn: st.inB, RecordsOut: st.out,
		Refused: st.throttled + st.writeRefused, OwnRefused: st.throttled,
	}
	switch x := md.(type) {
	case *stream:
		ns.LostWrites = lostWrites(x.adm.edges)
		ns.Units = x.unitUtil()
		for _, r := range x.readers {
			ns.Lag = max(ns.Lag, r.lag())
			ns.IterAge = max(ns.IterAge, r.iterAge)
		}
		ns.HotKey, ns.HotShare, ns.HotUnit, ns.HotProducer = x.hotKey()
		ns.ReadsRefused = x.readThrot
		ns.Lost = x.expired
		ns.RecordsOut = 0 // what its readers read, each
		for _, r := range x.readers {
			ns.RecordsOut += r.out
		}
	case *firehose:
		ns.Lag, ns.IterAge, ns.Util = readerLag(x.rd), x.iterAge, x.load
		if x.adm != nil {
			ns.LostWrites = lostWrites(x.adm.edges)
		}
	case *processor:
		ns.Lag, ns.IterAge, ns.Util = readerLag(x.rd), x.iterAge, x.load
	}
	return ns
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
