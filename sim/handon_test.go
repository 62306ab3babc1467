package sim_test

import (
	"fmt"
	"testing"

	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/sim"
)

// TestHandOnMatchesQueued holds processor.handOnNow (a tick's reads
// offered straight to the one destination) to the queue it skips (emit
// queues them, flush offers them), over every run's snapshots and
// figures: continuous processors (a Flink FileSink committing at its
// checkpoints, an app, Flink on enhanced fan-out) × destinations that
// take all, refuse part (S3's PUTs per prefix, DynamoDB's write units,
// OpenSearch's queue, Redshift's loads) or fail for a while × record
// sizes × writers with and without retries.
func TestHandOnMatchesQueued(t *testing.T) {
	procs := []string{
		"{id: c, service: flink, from: s, kpus: 1, checkpoint: 30s, capacity: 300KiB/s, to: [d]}",
		"{id: c, service: app, from: s, instances: 2, to: [d]}",
		"{id: c, service: flink, from: s, kpus: 2, read: enhanced-fan-out, to: [d]}",
		"{id: c, service: app, from: s, instances: 1, capacity: 250/s, to: [d]}",
		// Records that reach c's stream later than they are read (a
		// window's results arrive after it closes) commit at different
		// checkpoints within one tick.
		"{id: w, service: emr, engine: spark-streaming, from: s, instances: 1, batch: 20s, capacity: 900/s, to: [s2]}\n" +
			"  - {id: c, service: flink, from: s2, kpus: 1, checkpoint: 3s, to: [d]}",
	}
	dests := []string{
		"{id: d, service: s3}",
		"{id: d, service: s3, prefixes: 1}",
		"{id: d, service: dynamodb, mode: provisioned, wcu: 300}",
		"{id: d, service: dynamodb, mode: provisioned, wcu: 5000}",
		"{id: d, service: opensearch, instances: 1, instance_type: t3.medium.search}",
		"{id: d, service: redshift, nodes: 1}",
	}
	sizes := []string{"1KiB", "{mean: 2KiB, max: 8KiB, dist: lognormal}", "100B\n    aggregation: true"}
	faults := []string{"", "timeline:\n  - {at: 2m, fail: d, for: 90s}"}
	n := 0
	for pi, pr := range procs {
		for di, de := range dests {
			for zi, size := range sizes {
				for fi, fault := range faults {
					n++
					if (testing.Short() || raceEnabled) && n%3 != 0 {
						continue
					}
					retries := ""
					if (pi+di+zi+fi)%2 == 0 {
						retries = "\n    retries: {max: 1, backoff: 1s}"
					}
					src := fmt.Sprintf(`version: 1
name: handon-%d-%d-%d-%d
duration: 6m
producers:
  - id: p
    rate: 1500/s
    pattern: {shape: spike, at: 3m, for: 1m, factor: 3}
    record_size: %s
    keys: {dist: zipf, count: 500, skew: 1.2}%s
    to: [s]
storage:
  - id: s
    service: kinesis-data-streams
    shards: 4
  - id: s2
    service: kinesis-data-streams
    shards: 2
consumers:
  - %s
destinations:
  - %s
%s
`, pi, di, zi, fi, size, retries, pr, de, fault)
					sc, err := pipeline.Load("handon.yaml", []byte(src))
					if err != nil {
						t.Fatalf("%v\n%s", err, src)
					}
					if now, queued := traceLatencies(t, sc, nil), traceLatencies(t, sc, sim.QueueHandOn); now != queued {
						t.Errorf("%s: handing the reads straight on differs from queuing them\n%s", sc.Name, src)
					}
				}
			}
		}
	}
}

// traceLatencies is runTrace's fingerprint with the latency histogram's
// every thousandth quantile at the end: a cohort committed at the wrong
// checkpoint moves few of the run's percentiles.
func traceLatencies(t *testing.T, sc *pipeline.Scenario, set func(*sim.Engine)) string {
	t.Helper()
	var last *sim.Engine
	h := traceSteps(t, sc, set, func(e *sim.Engine) { last = e })
	qs := make([]float64, 999)
	for i := range qs {
		qs[i] = float64(i+1) / 1000
	}
	lat := sim.Latencies(last)
	return fmt.Sprint(h, lat.Quantiles(qs...), lat.Max())
}
