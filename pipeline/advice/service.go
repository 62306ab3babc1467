package advice

import "github.com/streamsim/streamsim/pipeline"

// serviceAdvice is what the advisor knows of one service beyond its catalog
// entry: the rules that choose, size and diagnose it. Each service's file,
// svc_<name>.go, registers its own in init (register); the shared code calls
// these hooks through adviceOf and never asks which service a node is.
// Every field is optional: nil (or zero) says the service has no such rule.
type serviceAdvice struct {
	// ---- Select: the design (select.go, flags.go) ----

	// describe writes a node's current setup for a recommendation's
	// Current; nil: the service's name.
	describe func(n *pipeline.Node) string
	// units is how many buffers a consumer reading node n keeps (one per
	// shard or partition, FH-BUFFER-SCOPE); nil: n's Parts.
	units func(s *selector, n *pipeline.Node) int
	// window is a consumer's window or micro-batch, in seconds, and the key
	// that sets it ("f.window"); 0 when it has none.
	window func(n *pipeline.Node) (float64, string)
	// stateful reports whether a consumer keeps windows or state.
	stateful func(n *pipeline.Node) bool
	// transforms reports whether a consumer transforms records; nil: it
	// runs code, so it may.
	transforms func(n *pipeline.Node) bool
	// autoscaling is the note on a consumer that adds units by itself ("" when
	// it does not): its unit count is no measure of its capacity.
	autoscaling func(n *pipeline.Node) string
	// follows lists the SELECT rules (selectFlink…) a consumer follows when
	// a rule recommends another service: Flink keeps to SELECT-LAMBDA.
	follows []string
	// store recommends the storage for node n, in place of the SELECT-KDS
	// and SELECT-MSK rules (Kinesis Video Streams for media).
	store func(s *selector, n *pipeline.Node, ld Load, r *Recommendation)
	// pollsOnly is set for a consumer that reads a Kinesis stream by polling
	// whatever its read key says.
	pollsOnly *pollOnly

	// latencyFlag flags a p99 requirement of lat seconds that node n's own
	// delays cannot meet (a window is flagged for every service by window).
	latencyFlag func(s *selector, n *pipeline.Node, lat float64, add addFlag)
	// retentionFlag flags a required retention of ret seconds beyond what
	// the service can keep at all; true skips the check of n's retention.
	retentionFlag func(s *selector, n *pipeline.Node, ret float64, add addFlag) bool
	// retentionPrice follows the advice to raise a store's retention.
	retentionPrice string
	// storageFlag flags what a store's retention needs of its disks.
	storageFlag func(s *selector, n *pipeline.Node, add addFlag)
	// throughputFlag flags node n's limits against its load; nil: a
	// consumer's units against its rule of thumb (consumerThroughput).
	throughputFlag func(s *selector, n *pipeline.Node, ld Load, add addFlag)
	// recordMax is the largest record node n takes, with its rule; 0: no limit checked.
	recordMax func(n *pipeline.Node) (float64, string)
	// monthly is what node n costs per month whatever the traffic (what it
	// provisions), for the budget flag.
	monthly func(n *pipeline.Node) float64

	// breakEven says the provisioned / on-demand break-even
	// (KinesisBreakEven) is the stream's: its prices are Kinesis's.
	breakEven bool

	// ---- Diagnoser: the run (finish.go, rules_*.go) ----

	// throttleFix is the fix for write throttling over a run, from the
	// load ld; nil: add capacity.
	throttleFix func(n *pipeline.Node, ld Load) string
	// idle reports a store's idle capacity at the end of a run.
	idle func(d *Diagnoser, n *pipeline.Node, ns *pipeline.NodeSnapshot, at idleAt)
	// unitMonthly is what one unit of a consumer (perUnit's key) costs per month.
	unitMonthly func(n *pipeline.Node) float64
	// stuck is the fix for a consumer that something of its own blocks
	// (a failing Lambda batch), "" when nothing does.
	stuck func(d *Diagnoser, c *pipeline.Node) string
	// capacity compares what consumer c processes with the srcR records/s
	// arriving over its source's units (see Diagnoser.capacity); nil: its
	// units against its rule of thumb, or its capacity setting.
	capacity func(c *pipeline.Node, units int, srcR float64) (fix string, short, known bool)
	// bufferRule diagnoses a consumer whose buffers set the latency (final:
	// at the end of the run).
	bufferRule func(d *Diagnoser, s pipeline.Snapshot, n *pipeline.Node, ns *pipeline.NodeSnapshot, final bool)
	// directPut diagnoses a consumer refusing producers' direct writes.
	directPut func(d *Diagnoser, s pipeline.Snapshot, n *pipeline.Node, ns *pipeline.NodeSnapshot)
	// pushback words a destination's refusals of its writers' records
	// into f (pushbackRule); nil: none reported.
	pushback func(d *Diagnoser, f *Finding, n *pipeline.Node, p pushback)
	// partlyDown reports whether part of node n is out of service by its
	// own keys (MSK's brokers_down), an outage as a timeline's fail is.
	partlyDown func(n *pipeline.Node) bool
	// outage is what node n's setup adds to an outage finding: to its
	// problem ("; with replication 1, …") and its fix; "" for none.
	outage func(n *pipeline.Node) (problem, fix string)
	// backsUp says a writer retries a destination for a while (its
	// retryWindow) and then keeps what failed in a backup (Firehose, FH-RETRY).
	backsUp bool
	// retryWindow is how long Firehose retries delivery to a destination,
	// in seconds (FH-RETRY); 0: S3's.
	retryWindow float64
	// rejudgeThrottle fixes a write-throttling finding's advice for what
	// the node is at the end of the run.
	rejudgeThrottle func(d *Diagnoser, f *Finding)
	// unitLimit is what one of a store's Parts takes per second: records,
	// bytes; 0 for no limit of that kind.
	unitLimit func(n *pipeline.Node) (recs, bytes float64)
	// hotUnitFix is the fix for the idx-th unit of a store running hot
	// while no key dominates; nil: finer keys or more units.
	hotUnitFix func(idx int) string
	// writeThrottle words a store's refusals of its writers into f
	// (writeThrottleRule); nil: none reported.
	writeThrottle func(d *Diagnoser, f *Finding, n *pipeline.Node, w throttled)
	// delay is a fixed delay node n adds on the way, for the latency
	// finding (a window counts for every service, by window).
	delay func(d *Diagnoser, s pipeline.Snapshot, n *pipeline.Node, ns *pipeline.NodeSnapshot) (delay, bool)
}

// pollOnly says why a consumer reads a Kinesis stream by polling only.
type pollOnly struct {
	id   string // the rule, "FH-KDS-POLLING"
	rule string // Select's read-mode rule for it
	why  string // and its reason
}

// services holds each service's advice, registered by its svc_<name>.go.
var services = map[pipeline.ServiceName]*serviceAdvice{}

// register records the advice of service name; each service's file calls it
// once, in init.
func register(name pipeline.ServiceName, a *serviceAdvice) {
	if services[name] != nil {
		panic("advice: " + string(name) + " registered twice")
	}
	services[name] = a
}

var noAdvice = &serviceAdvice{}

// hours is the hours of a month the prices are per (pipeline.HoursPerMonth).
// A variable, not a constant, so that prices multiply in float64 as they
// always have.
var hours = float64(pipeline.HoursPerMonth)

// adviceOf is the advice registered for n's service (none, or n nil: no hooks).
func adviceOf(n *pipeline.Node) *serviceAdvice {
	if n == nil {
		return noAdvice
	}
	if a := services[n.Service.Name]; a != nil {
		return a
	}
	return noAdvice
}

// windowOf is the window or micro-batch of a consumer, in seconds.
func windowOf(c *pipeline.Node) (float64, string) {
	if f := adviceOf(c).window; f != nil {
		return f(c)
	}
	return 0, ""
}

// stateful reports whether a consumer keeps windows or state.
func stateful(n *pipeline.Node) bool {
	f := adviceOf(n).stateful
	return f != nil && f(n)
}

// transforms reports whether a consumer transforms records.
func transforms(n *pipeline.Node) bool {
	f := adviceOf(n).transforms
	return f == nil || f(n)
}

// autoscaling is the note on a consumer that adds units by itself, "" when
// it does not.
func autoscaling(n *pipeline.Node) string {
	if f := adviceOf(n).autoscaling; f != nil {
		return f(n)
	}
	return ""
}
