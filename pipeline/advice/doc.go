// Package advice is streamsim's advisor: pure rules that read a scenario (and,
// for diagnosis, the snapshots and metrics of a run of it) and say which AWS
// services to use, how big, what it costs, and what is wrong while it runs.
// Every rule cites the rule-book ids (pipeline.Rules) it follows; limits and prices
// come from pipeline/facts.go.
//
// It imports the standard library and pipeline only: no simulator, no UI, no
// AWS SDK, no goroutines. Callers run the simulator and feed the results in.
//
// # Service selection
//
//	recs := advice.Select(sc)
//
// returns, in this order, a storage recommendation per storage node (KDS
// provisioned or on-demand, MSK Express or Standard, MSK Serverless, KVS), a
// consumer recommendation per delivery target (Firehose, Lambda, Flink, Glue,
// EMR, an own application), a read mode per Kinesis reader (polling or
// enhanced fan-out), and flags for parts of the architecture that cannot meet
// the scenario's own requirements. Each Recommendation names the rule that
// fired and the numbers behind it.
//
// # Live diagnosis
//
// A Diagnoser is fed a run's snapshots one at a time, in time order, and
// returns what it has found so far:
//
//	d := advice.NewDiagnoser(sc)
//	for each snapshot s { d.Observe(s); show(d.Findings()) }
//	d.Finish(result.Metrics) // at the end; metrics may be nil
//	final := d.Findings()
//
// A diagnoser applies the scenario's timeline to its own copy as snapshots
// pass each entry's time; a change made while the run goes on (a UI's edit)
// is passed with d.Apply(change). One diagnoser serves one run.
//
// Findings are pipeline.Advice values (severity, node, message); each message
// says what is wrong with its numbers and ends with "Fix: " and one line of
// what to change. The list is deduplicated by rule and node: a finding that
// fires again keeps its place and takes the newer numbers (and the higher
// severity), and new findings are appended, so the order is stable while a
// run goes on. The same snapshots give the same findings, byte for byte.
//
// Some rules need the whole run (idle capacity, lag that never drained, read
// throttling, budget, latency against the requirement); Finish applies them,
// from the metrics when given and from the snapshots otherwise.
//
// Snapshot rates (InRate, Throttled) are averages since the previous snapshot
// the backend took; state (Units, Lag, IterAge, HotKey) is as of the
// snapshot. Feed snapshots at a steady pace for steady findings.
//
// # Cost
//
// Costs lists each node's monthly cost from a run's metrics; KinesisBreakEven
// compares provisioned and on-demand Kinesis for a stream's load and says at
// what average throughput they cost the same.
//
// # Services
//
// What one service's rules say lives in its own file, svc_<name>.go, which
// registers a serviceAdvice (optional hooks, see service.go) in init. The
// rest of the package calls the hooks and reads the catalog; it never asks
// which service a node is (internal/arch checks it), so adding a service
// adds one file here (docs/adding-a-service.md).
//
// # Sizing and report diffs
//
// Smallest searches the smallest values of integer capacity keys for which an
// evaluation (a simulation, supplied by the caller) holds. Compare diffs two
// run reports metric by metric, regressions first.
package advice
