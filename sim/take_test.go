package sim_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/sim"
)

// TestTakeShortcutMatchesStepwise holds reader.take's shortcuts for a
// backlog (a loop for when every queue holds one, and one piece of the
// front entry that ends the take, written out instead of a call to
// fifo.nextEntry) to its general loop, piece by piece, over every run's snapshots and figures: stores × readers that fall
// behind (a capacity in records, one in bytes, a window, a micro-batch, a
// consumer that fails and catches up, Redshift's streaming ingestion,
// several readers of one stream) × record sizes (one size, sizes mixed in
// a queue, small records aggregated) × writers with and without retries.
func TestTakeShortcutMatchesStepwise(t *testing.T) {
	stores := []string{
		"service: kinesis-data-streams\n    shards: 4",
		"service: kinesis-data-streams\n    shards: 64",
		"service: kinesis-data-streams\n    mode: on-demand",
		"service: msk\n    brokers: 3\n    partitions: 12",
		"service: msk-serverless\n    partitions: 8",
		// More than 4,096 shards: queues of fewer than 64 entries keep the
		// births their merged entries span (extras).
		"service: kinesis-data-streams\n    shards: 5000",
	}
	readers := []struct{ consumers, timeline string }{
		{"  - {id: c, service: app, from: s, instances: 1, capacity: 200/s, to: [lake]}", ""},
		{"  - {id: c, service: flink, from: s, kpus: 1, capacity: 300KiB/s, to: [lake]}", ""},
		{"  - {id: c, service: glue-streaming, from: s, workers: 2, window: 10s, capacity: 500KiB/s, to: [lake]}", ""},
		{"  - {id: c, service: emr, engine: spark-streaming, from: s, instances: 1, capacity: 400/s, to: [lake]}", ""},
		{"  - {id: c, service: app, from: s, instances: 4, to: [lake]}", "timeline:\n  - {at: 1m, fail: c, for: 3m}"},
		{"  - {id: c, service: app, from: s, instances: 1, capacity: 250/s, to: [lake]}\n" +
			"  - {id: d, service: flink, from: s, kpus: 1, capacity: 200KiB/s, to: [lake]}", ""},
	}
	sizes := []string{"1KiB", "{mean: 2KiB, max: 8KiB, dist: lognormal}", "100B\n    aggregation: true"}
	n := 0
	for si, st := range stores {
		for ri, rd := range readers {
			for zi, size := range sizes {
				n++
				if (testing.Short() || raceEnabled) && n%3 != 0 {
					continue
				}
				rate, keys := "2000/s", "{dist: zipf, count: 500, skew: 1.2}"
				if strings.Contains(st, "shards: 5000") {
					if ri > 1 || zi > 1 {
						continue // two readers and sizes are enough for its queues with extras
					}
					// Every shard gets records, so that every queue holds a backlog;
					// with a hot key, its shard's queue keeps extras first.
					rate, keys = "50000/s", "{dist: uniform, count: 100000}"
					if zi == 1 {
						keys = "{dist: hot, count: 100000, fraction: 0.3}"
					}
				}
				retries := ""
				if (si+ri+zi)%2 == 0 {
					retries = "\n    retries: {max: 1, backoff: 1s}"
				}
				dests := "destinations:\n  - {id: lake, service: s3}\n"
				if ri == 0 && zi != 2 { // Redshift reading the stream too
					dests += "  - {id: rs, service: redshift, from: s, nodes: 1}\n"
				}
				src := fmt.Sprintf(`version: 1
name: take-%d-%d-%d
duration: 8m
producers:
  - id: p
    rate: %s
    pattern: {shape: spike, at: 5m, for: 1m, factor: 2}
    record_size: %s
    keys: %s%s
    to: [s]
storage:
  - id: s
    %s
consumers:
%s
%s%s
`, si, ri, zi, rate, size, keys, retries, st, rd.consumers, dests, rd.timeline)
				sc, err := pipeline.Load("take.yaml", []byte(src))
				if err != nil {
					t.Fatalf("%v\n%s", err, src)
				}
				if short, stepwise := runTrace(t, sc, nil), runTrace(t, sc, sim.TakeStepwise); short != stepwise {
					t.Errorf("%s: the take's shortcut differs from the piece-by-piece take\n%s", sc.Name, src)
				}
			}
		}
	}
}
