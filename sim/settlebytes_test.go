package sim_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/scenarios"
	"github.com/streamsim/streamsim/sim"
)

// TestSettleBytesMatchesGeneral holds MSK Serverless's two-pass admission
// (settleBytes) to the general passes (offer, limits, settle), tick by tick,
// snapshots (each partition's utilisation among them) and final metrics: one
// to 80 partitions and partitions added mid-run; writes below the partition
// limit, over it on a hot key, and over the cluster's limit; plain writes,
// one retry, and retries with backoff whose attempts fall due in the same
// tick (where the fused pass must give way); KPL-style small records; a
// stream outage and a spike; and a consumer of each way of reading.
func TestSettleBytesMatchesGeneral(t *testing.T) {
	stores := []string{"partitions: 1", "partitions: 4", "partitions: 80"}
	rates := []string{"2MB/s", "40MB/s", "300MB/s"}
	writers := []string{
		"",
		"\n    retries: {max: 1}",
		"\n    retries: {max: 4, backoff: 1s}",
		"\n    retries: {max: 3, backoff: 100ms}",
	}
	consumers := []string{
		"service: app\n    instances: 4",
		"service: firehose",
		"service: lambda\n    batch_size: 100",
		"service: flink\n    kpus: 2",
	}
	n := 0
	for si, st := range stores {
		for ri, rate := range rates {
			for wi, wr := range writers {
				for ci, co := range consumers {
					n++
					if (testing.Short() || raceEnabled) && n%4 != 0 {
						continue
					}
					later := ""
					if si == 1 {
						later = "  - at: 3m\n    set: {s.partitions: 9}\n"
					}
					size := "1KiB"
					if (ri+wi+ci)%3 == 2 {
						size = "100B"
					}
					name := fmt.Sprintf("settlebytes-%d-%d-%d-%d", si, ri, wi, ci)
					src := oneWriterDay(name, rate, size, wr, "service: msk-serverless\n    "+st, co, later)
					matchesGeneralAdmission(t, src, "the two-pass admission")
				}
			}
		}
	}
}

// TestSettleSingleMatchesGeneral holds the admission of a stream's only
// writer under the service's own limits (settleSingle: MSK's brokers, an
// on-demand Kinesis stream, Video Streams) to the general passes, tick by
// tick, snapshots and final metrics: writes below the limits and over them on
// a hot key; plain writes, one retry, and retries with backoff whose
// attempts fall due in the same tick; a broker lost and back, with
// replication 3 (its partitions move) and 1 (they refuse writes); a stream
// outage; and a consumer of each way of reading.
func TestSettleSingleMatchesGeneral(t *testing.T) {
	stores := []string{
		"service: msk\n    brokers: 3\n    broker_type: kafka.t3.small\n    partitions: 12\n    replication: 3",
		"service: msk\n    brokers: 3\n    broker_type: kafka.t3.small\n    partitions: 12\n    replication: 1",
		"service: kinesis-data-streams\n    mode: on-demand",
		"service: kinesis-video-streams\n    streams: 4",
	}
	rates := []string{"2MB/s", "40MB/s"}
	writers := []string{"", "\n    retries: {max: 1}", "\n    retries: {max: 4, backoff: 1s}"}
	consumers := []string{
		"service: app\n    instances: 4",
		"service: firehose",
		"service: lambda\n    batch_size: 100",
		"service: flink\n    kpus: 2",
	}
	n := 0
	for si, st := range stores {
		for ri, rate := range rates {
			for wi, wr := range writers {
				for ci, co := range consumers {
					if si == 3 && ci != 0 {
						continue // Video Streams are read by applications only
					}
					n++
					if (testing.Short() || raceEnabled) && n%4 != 0 {
						continue
					}
					lose := ""
					if si < 2 {
						lose = "  - at: 3m\n    set: {s.brokers_down: 1}\n  - at: 4m\n    set: {s.brokers_down: 0}\n"
					}
					name := fmt.Sprintf("settlesingle-%d-%d-%d-%d", si, ri, wi, ci)
					src := oneWriterDay(name, rate, "1KiB", wr, st, co, lose)
					matchesGeneralAdmission(t, src, "the one-writer admission")
				}
			}
		}
	}
}

// oneWriterDay is the six minutes both admission tests run: one producer
// of Zipf keys with a spike (writing as writer says) into store s, read by
// consumer c (Lambda writes to a table, the others to S3), an outage of s
// at one minute, and the timeline entries later.
func oneWriterDay(name, rate, size, writer, store, consumer, later string) string {
	src := fmt.Sprintf(`version: 1
name: %s
duration: 6m
producers:
  - id: p
    rate: %s
    pattern: {shape: spike, at: 4m, for: 30s, factor: 1.5}
    record_size: %s
    keys: {dist: zipf, count: 500, skew: 1.2}%s
    to: [s]
storage:
  - id: s
    %s
consumers:
  - id: c
    from: s
    %s
    to: [sink]
destinations:
  - id: sink
    service: s3
timeline:
  - at: 1m
    fail: s
    for: 30s
%s`, name, rate, size, writer, store, consumer, later)
	if strings.HasPrefix(consumer, "service: lambda") {
		src = strings.Replace(src, "service: s3", "service: dynamodb\n    mode: on-demand", 1)
	}
	return src
}

// matchesGeneralAdmission runs src as it comes and with the general
// admission passes (Engine.generalAdmission), and fails unless the two
// agree tick by tick (what names the admission it holds to them).
func matchesGeneralAdmission(t *testing.T, src, what string) {
	t.Helper()
	sc, err := pipeline.Load(t.Name()+".yaml", []byte(src))
	if err != nil {
		t.Fatalf("%v\n%s", err, src)
	}
	if fused, general := runTrace(t, sc, nil), runTrace(t, sc, sim.AdmitGenerally); fused != general {
		t.Errorf("%s: %s differs from the general passes\n%s", sc.Name, what, src)
	}
}

// TestResultMidRunChangesNothing: reading a run's metrics while it runs (as
// a size search on several workers does every few ticks, to learn of a
// missed target early) leaves the run as it was: every built-in scenario
// and kind, its first simulated hour (a kind: 5 minutes) read every 7 ticks, gives the
// snapshots and metrics of the run not read.
func TestResultMidRunChangesNothing(t *testing.T) {
	var all []*pipeline.Scenario
	for _, name := range scenarios.Names() {
		all = append(all, builtin(name, "1h")(t))
	}
	for _, k := range kinds {
		sc := loadKind(t, k.name)
		sc.Duration = 5 * time.Minute
		all = append(all, sc)
	}
	if testing.Short() || raceEnabled {
		all = all[:4]
	}
	read := func(e *sim.Engine) {
		if e.Tick()%7 == 0 {
			_ = e.Result()
		}
	}
	for _, sc := range all {
		if plain, readMidRun := runTrace(t, sc, nil), traceSteps(t, sc, nil, read); plain != readMidRun {
			t.Errorf("%s: reading the metrics mid-run changed the run", sc.Name)
		}
	}
}
