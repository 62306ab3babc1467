package pipeline

import (
	"math"
	"time"
)

// Snapshot is the state of a running pipeline at one moment: what the dashboard
// draws. Backends produce them (the simulator every tick it is asked to, the AWS
// backend from live measurements); the UI only reads them.
type Snapshot struct {
	RunID    int64
	Seq      int64
	Time     time.Duration // simulated (or elapsed real) time
	Duration time.Duration // planned length of the run
	Done     bool
	Nodes    []NodeSnapshot // in scenario order
	Pipeline PipelineSnapshot
	Events   []string // what happened since the previous snapshot
	// Metrics are the run's metrics so far, by the names `streamsim metrics`
	// lists (what expect lines and lesson checks read); nil where the backend
	// measures none beyond the figures above.
	Metrics map[string]float64
	// Findings are what the run's advisor says so far (the simulator's
	// runner keeps one), most recent last.
	Findings []Finding
	// Tick is the ticks done and TickLen a tick's length, for rates from the
	// totals below (RatesSince); 0 where the backend measures rates itself.
	Tick    int64
	TickLen time.Duration
}

// Finding is one of the advisor's findings as a snapshot carries it: the
// rule that fired, on which node, what is wrong and what to change.
type Finding struct {
	Rule, Severity, Node, Problem, Fix string
}

// Metric is a metric of the run so far: from Metrics, or for the pipeline's
// totals and latency from Pipeline when the backend gives no Metrics.
func (s *Snapshot) Metric(name string) (float64, bool) {
	if s.Metrics != nil {
		v, ok := s.Metrics[name]
		return v, ok && !math.IsNaN(v)
	}
	p := s.Pipeline
	v, ok := map[string]float64{
		"pipeline.produced_records":  p.Produced,
		"pipeline.delivered_records": p.Delivered,
		"pipeline.lost_records":      p.Lost,
		"pipeline.in_flight_records": p.InFlight,
		"pipeline.throttled_records": p.Throttled,
		"pipeline.latency_p50":       p.LatencyP50,
		"pipeline.latency_p99":       p.LatencyP99,
		"pipeline.latency_max":       p.LatencyMax,
		"pipeline.cost_monthly":      p.CostMonthly,
	}[name]
	return v, ok
}

// NodeSnapshot is one node's live figures. Rates are per second since the
// snapshot before (the simulator's: as RatesSince computes them from the
// running totals).
type NodeSnapshot struct {
	// Running totals (the simulator's): records and bytes in, records out,
	// write attempts refused (by the node, and its own attempts its targets
	// refused), those it refused itself, and refused read calls.
	RecordsIn, BytesIn, RecordsOut    float64
	Refused, OwnRefused, ReadsRefused float64

	ID            string
	Service       ServiceName
	Stage         Stage
	InRate        float64   // records/s
	OutRate       float64   // records/s
	InBytesRate   float64   // bytes/s
	Throttled     float64   // refused write attempts per second: refused by this node (storage, destinations, Firehose's Direct PUT), or for a producer or a consumer writing to a stream, its attempts its targets refused (counted there too)
	LostWrites    float64   // storage, Firehose: records its writers gave up on after it refused them (lost at the writer, counted in the writer's Lost)
	Lost          float64   // records lost so far
	Held          float64   // records held now
	Lag           float64   // records not yet read (storage: slowest reader; consumers: own)
	IterAge       float64   // seconds, age of the oldest unread record
	Units         []float64 // storage: offered write utilisation per shard / partition / stream
	HotKey        string    // storage: the heaviest partition key
	HotShare      float64   // its share of its producer's records
	HotUnit       int       // the unit that key lands on
	HotProducer   string    // the producer writing that key
	ReadThrottled float64   // storage: refused read calls per second
	Util          float64   // consumers: one-minute average of work done ÷ capacity (100% = saturated)
	Failed        bool
	CostMonthly   float64
}

// PipelineSnapshot is the pipeline's totals and latency so far, as
// docs/totals.md defines them: Produced counts a record once however many
// targets it is sent to; Delivered once per destination it reaches; Lost at
// the node that dropped it; Throttled each refused write attempt once, at the
// node that refused it.
type PipelineSnapshot struct {
	Produced, Delivered, Lost, InFlight float64
	Throttled                           float64 // refused write attempts so far
	ProducedRate, DeliveredRate         float64 // records/s over the last tick
	ThrottledRate                       float64 // refused write attempts per second, over the same interval as the nodes' rates (the sum of what each node refused)
	LatencyP50, LatencyP99, LatencyMax  float64 // seconds, over the run so far
	CostMonthly                         float64
}

// Node finds a node's snapshot by id.
func (s *Snapshot) Node(id string) *NodeSnapshot {
	for i := range s.Nodes {
		if s.Nodes[i].ID == id {
			return &s.Nodes[i]
		}
	}
	return nil
}
