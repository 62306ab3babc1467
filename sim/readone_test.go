package sim_test

import (
	"fmt"
	"hash/fnv"
	"strings"
	"testing"

	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/sim"
)

// TestReadOneMatchesGeneral holds each service's one-reader pass (readOne)
// to the general allocation, tick by tick, over every storage kind with
// one reader of every consumer kind: polling and enhanced fan-out, reads
// that the shard, partition or cluster egress limits and reads that a
// small consumer's capacity limits (a consumer outage leaves a backlog to
// catch up on), MSK brokers out of service with and without replicas,
// retried and aggregated writes, hot shards, resharding and Flink's
// checkpoint pauses. A polling reader that keeps up with one writer takes
// the lazy way (reader.keepsUp: no pass for its allowances), so this holds
// that to the general allocation too.
func TestReadOneMatchesGeneral(t *testing.T) {
	stores := []string{
		"service: kinesis-data-streams\n    shards: 3",
		"service: kinesis-data-streams\n    shards: 40",
		"service: kinesis-data-streams\n    mode: on-demand",
		"service: msk\n    brokers: 3\n    partitions: 6",
		"service: msk\n    brokers: 6\n    partitions: 12\n    replication: 2\n    brokers_down: 2",
		"service: msk\n    brokers: 3\n    partitions: 6\n    replication: 1",
		"service: msk-serverless\n    partitions: 4",
		"service: msk-serverless\n    partitions: 80",
	}
	consumers := []string{
		"service: app\n    instances: 1",
		"service: app\n    instances: 20",
		"service: firehose\n    to: [lake]",
		"service: lambda\n    batch_size: 100\n    to: [table]",
		"service: flink\n    kpus: 1",
		"service: flink\n    kpus: 64\n    checkpoint: 30s",
		"service: glue-streaming\n    workers: 2\n    window: 10s",
		"service: emr\n    engine: spark-streaming\n    instances: 1",
		// A capacity set in records and one set in bytes: either way the
		// allocation's pass writes shareCapacity's first (reader.filled).
		"service: app\n    instances: 2\n    capacity: 300/s",
		"service: flink\n    kpus: 2\n    capacity: 400KiB/s",
	}
	rates := []string{"3MB/s", "40MB/s", "300MB/s"}
	n := 0
	for si, st := range stores {
		for ci, co := range consumers {
			for ri, rate := range rates {
				n++
				if (testing.Short() || raceEnabled) && n%4 != 0 {
					continue
				}
				if !strings.Contains(co, "to:") {
					co += "\n    to: [lake]"
				}
				later := "" // a broker goes down with records unread on its partitions
				if strings.Contains(st, "replication: 1") {
					later = "  - at: 2m\n    set: {s.brokers_down: 1}\n"
				}
				if strings.Contains(st, "partitions: 4\n") || strings.HasSuffix(st, "partitions: 4") || strings.Contains(st, "partitions: 6") { // partitions added
					later += "  - at: 4m\n    set: {s.partitions: 9}\n"
				}
				if strings.Contains(st, "shards: 40") { // a reshard, and back
					later = "  - at: 4m\n    set: {s.shards: 60}\n  - at: 6m\n    set: {s.shards: 30}\n"
				}
				writer, size := "", "1KiB" // how the producer writes: retries, KPL aggregation
				switch (si + ci + ri) % 3 {
				case 1:
					writer = "\n    retries: {max: 2, backoff: 1s}"
				case 2: // small records aggregated: the record limit can bind a retry
					writer, size = "\n    aggregation: true\n    retries: {max: 1, backoff: 100ms}", "100B"
				}
				efo := ""
				if strings.Contains(st, "kinesis") && (si+ci+ri)%2 == 0 && !strings.Contains(co, "firehose") {
					efo = "\n    read: enhanced-fan-out"
				}
				src := fmt.Sprintf(`version: 1
name: readone-%d-%d-%d
duration: 8m
producers:
  - id: p
    rate: %s
    pattern: {shape: spike, at: 6m, for: 30s, factor: 1.5}
    record_size: %s
    keys: {dist: zipf, count: 2000, skew: 1.1}%s
    to: [s]
storage:
  - id: s
    %s
consumers:
  - id: c
    from: s
    %s%s
destinations:
  - id: lake
    service: s3
  - id: table
    service: dynamodb
    mode: on-demand
timeline:
  - at: 1m
    fail: c
    for: 2m
%s`, si, ci, ri, rate, size, writer, st, co, efo, later)
				sc, err := pipeline.Load("readone.yaml", []byte(src))
				if err != nil {
					t.Fatalf("%v\n%s", err, src)
				}
				if fast, general := runTrace(t, sc, nil), runTrace(t, sc, sim.ShareReadsGenerally); fast != general {
					t.Errorf("%s: the one-reader pass differs from the general allocation\n%s", sc.Name, src)
				}
			}
		}
	}
}

// runTrace hashes a run's snapshots and final metrics, with set (when not
// nil) applied to the engine first.
func runTrace(t *testing.T, sc *pipeline.Scenario, set func(*sim.Engine)) uint64 {
	t.Helper()
	return traceSteps(t, sc, set, nil)
}

// traceSteps is runTrace that also calls after (when not nil) after each
// tick, before its snapshot.
func traceSteps(t *testing.T, sc *pipeline.Scenario, set, after func(*sim.Engine)) uint64 {
	t.Helper()
	e, err := sim.New(sc)
	if err != nil {
		t.Fatal(err)
	}
	if set != nil {
		set(e)
	}
	h := fnv.New64a()
	for !e.Done() {
		e.Step()
		if after != nil {
			after(e)
		}
		s := e.Snapshot()
		fmt.Fprintf(h, "%d %v %v|", s.Time, s.Pipeline.Produced, s.Pipeline.Delivered)
		for _, n := range s.Nodes {
			fmt.Fprintf(h, "%+v;", n)
		}
	}
	res := e.Result()
	for _, k := range res.Keys() {
		fmt.Fprintf(h, "%s=%v\n", k, res.Metrics[k])
	}
	return h.Sum64()
}
