package sim_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/sim"
)

// TestShortcutsMatchEveryShard holds the shortcuts of a stream with one
// writer and one reader that keeps up (reader.keepsUp on Kinesis and
// keepsUpBytes on MSK Serverless, which skip the allowance pass,
// admission.retOrdered, which takes the accepted retries' sums from the
// admission, and settleDue's count of the retries refused on their last
// attempt) to the full passes, tick by tick: both stores, every consumer
// kind (capacities in bytes and in records), retry settings whose attempts
// fall due alone or several at once, fixed, lognormal and aggregated
// records, shard and partition counts, ticks of 200 ms, 1 s and 5 s, rates
// below, at and above their limits (and MSK Serverless's cluster limit), a
// second producer, a second reader on enhanced fan-out or polling
// (stream.readLazily), outages of a consumer and of the stream, a
// consumer's capacity changed, and a reshard or partitions added.
func TestShortcutsMatchEveryShard(t *testing.T) {
	consumers := []string{
		"service: app\n    instances: 50",
		"service: app\n    instances: 1",                      // its capacity binds
		"service: app\n    instances: 2\n    capacity: 400/s", // in records: binds at the higher rates
		"service: app\n    instances: 20\n    read: enhanced-fan-out",
		"service: flink\n    kpus: 1\n    read: enhanced-fan-out",
		"service: flink\n    kpus: 2\n    checkpoint: 20s",
		"service: glue-streaming\n    workers: 2\n    window: 10s",
		"service: emr\n    engine: spark-streaming\n    instances: 2",
		"service: firehose",
		"service: firehose\n    capacity: 2MiB/s", // its capacity binds
		"service: firehose\n    transform: {lambda: true, duration: 20s}",
		"service: lambda\n    batch_size: 100",
	}
	retries := []string{
		"retries: {max: 0}",
		"retries: {max: 1}",
		"retries: {max: 3, backoff: 1s}", // attempts of several ticks fall due together
		"retries: {max: 2, backoff: 2s}",
		"retries: {max: 4, backoff: 500ms}",
	}
	sizes := []string{
		"record_size: 1KiB",
		"record_size: {dist: lognormal, mean: 2KB, max: 20KB}",
		"record_size: 100B\n    aggregation: true",
	}
	n := 0
	for _, msk := range []bool{false, true} {
		for ci, co := range consumers {
			for ri, re := range retries {
				for zi, size := range sizes {
					n++
					if raceEnabled && n%3 != 0 || msk && (strings.Contains(size, "aggregation") || strings.Contains(co, "fan-out")) {
						continue
					}
					shortcutsCase(t, msk, ci, ri, zi, co, re, size)
				}
			}
		}
	}
}

// shortcutsCase runs one case of TestShortcutsMatchEveryShard: on a
// Kinesis stream, or on MSK Serverless (5 MB/s a partition, 200 MB/s the
// cluster, which 64 partitions at 1.6 times their limit pass).
func shortcutsCase(t *testing.T, msk bool, ci, ri, zi int, co, re, size string) {
	t.Helper()
	shards := []int{1, 7, 64}
	load := []float64{0.3, 0.95, 1.6} // of each shard's or partition's limit
	keys := []string{"{dist: zipf, count: 2000, skew: 1.1}", "{dist: uniform, count: 5000}"}
	k := ci + ri + zi
	sh := shards[k%len(shards)]
	rate := load[(ci+2*ri+zi)%len(load)] * float64(sh)
	store, key, unit := "kinesis-data-streams\n    shards", "shards", "MiB/s"
	if msk {
		store, key, unit = "msk-serverless\n    partitions", "partitions", "MB/s"
		rate *= 5
	}
	writer2 := "" // a second producer (the general admission passes)
	if k%3 == 2 {
		// smaller records than the first's, or aggregated ones beside its plain ones
		size2 := "record_size: 300B"
		if zi == 0 && !msk {
			size2 = "record_size: 200B\n    aggregation: true"
		}
		writer2 = fmt.Sprintf("  - id: p2\n    rate: %.3f%s\n    %s\n    keys: {dist: uniform, count: 300}\n    %s\n    to: [s]\n", rate/2, unit, size2, re)
	}
	later := ""
	second := "" // a second reader on Kinesis (readLazily): on enhanced fan-out, or polling too
	if !msk && k%2 == 1 {
		read := "\n    read: enhanced-fan-out"
		if k%4 == 3 { // two polling readers: the general pass (readLazily takes one at most)
			read = ""
		}
		instances := 20
		if k%3 == 0 {
			instances = 1 // its capacity binds while the first reader keeps up
		}
		second = fmt.Sprintf("  - id: c2\n    from: s\n    service: app\n    instances: %d%s\n    to: [out2]\n", instances, read)
		if k%3 == 1 { // it is down while the first reader keeps up
			later += "  - at: 2m\n    fail: c2\n    for: 30s\n"
		}
	}
	if k%5 == 4 { // the stream is down: the general passes, then the shortcuts again
		later += "  - at: 2m30s\n    fail: s\n    for: 20s\n"
	}
	if k%4 == 0 && sh > 1 {
		later += fmt.Sprintf("  - at: 3m\n    set: {s.%s: %d}\n", key, 2*sh)
	}
	if k%5 == 3 && strings.Contains(co, "instances:") { // the consumer's capacity changes
		later += "  - at: 3m30s\n    set: {c.instances: 1}\n"
	}
	tick := []string{"1s", "200ms", "5s"}[(ci+ri)%3]
	src := fmt.Sprintf(`version: 1
name: shortcuts-%v-%d-%d-%d
duration: 5m
tick: %s
producers:
  - id: p
    rate: %.3f%s
    pattern: {shape: spike, at: 4m, for: 20s, factor: 1.5}
    %s
    keys: %s
    %s
    to: [s]
%sstorage:
  - id: s
    service: %s: %d
consumers:
  - id: c
    from: s
    %s
    to: [out]
%sdestinations:
  - id: out
    service: %s
  - id: out2
    service: s3
timeline:
  - at: 1m
    fail: c
    for: 40s
%s`, msk, ci, ri, zi, tick, rate, unit, size, keys[k%len(keys)], re, writer2, store, sh, co, second, destFor(co), later)
	sc, err := pipeline.Load("shortcuts.yaml", []byte(src))
	if err != nil {
		t.Fatalf("%v\n%s", err, src)
	}
	if fast, full := runTrace(t, sc, nil), runTrace(t, sc, sim.ReadEveryShard); fast != full {
		t.Errorf("%s: the shortcuts differ from the full passes\n%s", sc.Name, src)
	}
}

// destFor is a destination service each consumer kind can write to.
func destFor(consumer string) string {
	if consumer == "service: lambda\n    batch_size: 100" {
		return "dynamodb\n    mode: on-demand"
	}
	return "s3"
}
