package sim_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/sim"
)

// TestFrontFromTakeMatchesScan holds the iterator age a reader takes from
// the oldest front its take found (takeBacklog's and takeUnits' loops) to
// the one read from every queue's front, over every run's snapshots and
// figures: readers whose queues fill and empty shard by shard (Lambda with
// few concurrent batches, a Lambda that fails a while, Flink and an app
// that fall behind, Firehose polling beside a Lambda) × stores (Kinesis of
// 4 and 64 shards, MSK) × keys (Zipf, even, one hot key) × retries.
func TestFrontFromTakeMatchesScan(t *testing.T) {
	readers := []string{
		"{id: c, service: lambda, from: s, parallelization: 1, batch_size: 100, duration: 200ms, to: [t]}",
		"{id: c, service: lambda, from: s, parallelization: 2, batch_size: 500, duration: 50ms, to: [t]}",
		"{id: c, service: flink, from: s, kpus: 1, capacity: 300KiB/s, to: [lake]}",
		"{id: c, service: app, from: s, instances: 1, capacity: 250/s, to: [lake]}",
		"{id: c, service: lambda, from: s, parallelization: 1, batch_size: 100, duration: 100ms, to: [t]}\n" +
			"  - {id: f, service: firehose, from: s, to: [lake]}",
	}
	stores := []string{
		"service: kinesis-data-streams\n    shards: 4",
		"service: kinesis-data-streams\n    shards: 64",
		"service: msk\n    brokers: 3\n    partitions: 12",
	}
	keys := []string{"{dist: zipf, count: 500, skew: 1.2}", "{dist: uniform, count: 100000}",
		"{dist: hot, count: 100000, fraction: 0.3}"}
	n := 0
	for ri, rd := range readers {
		for si, st := range stores {
			for ki, key := range keys {
				n++
				if (testing.Short() || raceEnabled) && n%3 != 0 {
					continue
				}
				if strings.Contains(st, "msk") && strings.Contains(rd, "firehose") {
					continue // Firehose reads Kinesis only
				}
				timeline, retries := "", ""
				if (ri+si+ki)%2 == 0 {
					retries = "\n    retries: {max: 1, backoff: 1s}"
				}
				if ri == 0 {
					timeline = "timeline:\n  - {at: 2m, fail: c, for: 1m}"
				}
				src := fmt.Sprintf(`version: 1
name: front-%d-%d-%d
duration: 6m
producers:
  - id: p
    rate: 3000/s
    pattern: {shape: spike, at: 3m, for: 1m, factor: 2}
    record_size: 1KiB
    keys: %s%s
    to: [s]
storage:
  - id: s
    %s
consumers:
  - %s
destinations:
  - {id: t, service: dynamodb, mode: on-demand}
  - {id: lake, service: s3}
%s
`, ri, si, ki, key, retries, st, rd, timeline)
				sc, err := pipeline.Load("front.yaml", []byte(src))
				if err != nil {
					t.Fatalf("%v\n%s", err, src)
				}
				if took, scanned := runTrace(t, sc, nil), runTrace(t, sc, sim.ScanFronts); took != scanned {
					t.Errorf("%s: the iterator age from the take's front differs from every queue's\n%s", sc.Name, src)
				}
			}
		}
	}
}
