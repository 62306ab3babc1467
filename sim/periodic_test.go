package sim_test

import (
	"fmt"
	"testing"

	"github.com/streamsim/streamsim/pipeline"
)

// A mechanism with a period holds a record until its next boundary. Records
// arrive at every moment, so their waits spread evenly over the period:
// p50 ≈ period/2, p99 ≈ 0.99 × period, max ≤ period, plus the time it takes
// to process. The engine moves in 1 s ticks, so a wait may be off by a tick,
// and reads add up to 1 s of propagation delay.
type periodic struct {
	name string
	rule string
	// yaml is the consumer and destination of a scenario whose latency the
	// mechanism sets, for a period.
	yaml func(period string) string
	// timing is the period in effect and the processing every record
	// waits for besides, at `rate` records/s of 200 B a shard.
	timing func(rate, period float64) (every, run float64)
}

// periodicLoad is one load the mechanisms are checked at.
type periodicLoad struct {
	rate   float64 // records/s in all
	shards int
}

var periodicLoads = []periodicLoad{{5, 1}, {50, 1}, {2000, 4}}

const periodicSize = 200.0 // bytes a record

func periodicHead(l periodicLoad) string {
	return fmt.Sprintf(`version: 1
name: periodic
duration: 30m
producers:
  - {id: p, rate: %g/s, record_size: %.0fB, keys: {dist: random}, to: [s]}
storage:
  - {id: s, service: kinesis-data-streams, shards: %d}
`, l.rate, periodicSize, l.shards)
}

// fixed is a mechanism that holds records for its period and adds no
// processing time.
func fixed(_, period float64) (float64, float64) { return period, 0 }

// batchRun is a micro-batch's run at `perSec` bytes/s of capacity: the
// period's bytes, all processed before any leave (GLUE-DPU-CAPACITY,
// EMR-INSTANCE-CAPACITY).
func batchRun(perSec float64) func(rate, period float64) (float64, float64) {
	return func(rate, period float64) (float64, float64) {
		return period, rate * periodicSize * period / perSec
	}
}

var periodics = []periodic{
	{"OpenSearch refresh", "OS-REFRESH", func(p string) string {
		return "consumers:\n  - {id: c, service: app, from: s, to: [d]}\n" +
			"destinations:\n  - {id: d, service: opensearch, instances: 2, refresh: " + p + "}\n"
	}, fixed},
	{"Redshift streaming ingestion refresh", "RS-STREAMING-INGESTION", func(p string) string {
		return "destinations:\n  - {id: d, service: redshift, from: s, nodes: 2, refresh: " + p + "}\n"
	}, fixed},
	{"Firehose buffer interval", "FH-BUFFER-HINTS", func(p string) string {
		return "consumers:\n  - {id: c, service: firehose, from: s, buffer: {size: 128MiB, interval: " + p + "}, to: [d]}\n" +
			"destinations:\n  - {id: d, service: s3}\n"
	}, fixed},
	{"Firehose Lambda transform buffer", "FH-LAMBDA-BUFFER", func(p string) string {
		return "consumers:\n  - {id: c, service: firehose, from: s, buffer: {size: 128MiB, interval: " + p + "}, transform: {lambda: true, duration: 100ms}, to: [d]}\n" +
			"destinations:\n  - {id: d, service: s3}\n"
	}, transformTiming},
	{"Lambda batching window", "LAMBDA-ESM-BATCH", func(p string) string {
		return "consumers:\n  - {id: c, service: lambda, from: s, batch_size: 10000, batch_window: " + p + ", duration: 1ms, to: [d]}\n" +
			"destinations:\n  - {id: d, service: s3}\n"
	}, lambdaTiming},
	{"Flink tumbling window", "FLINK-WINDOW-RESULTS", func(p string) string {
		return "consumers:\n  - {id: c, service: flink, from: s, kpus: 1, checkpoint: 0s, window: " + p + ", to: [d]}\n" +
			"destinations:\n  - {id: d, service: s3}\n"
	}, fixed},
	{"Flink FileSink checkpoint", "FLINK-FILESINK-COMMIT", func(p string) string {
		return "consumers:\n  - {id: c, service: flink, from: s, kpus: 1, checkpoint: " + p + ", to: [d]}\n" +
			"destinations:\n  - {id: d, service: s3}\n"
	}, fixed},
	{"Glue micro-batch window", "GLUE-WINDOW", func(p string) string {
		return "consumers:\n  - {id: c, service: glue-streaming, from: s, workers: 2, window: " + p + ", to: [d]}\n" +
			"destinations:\n  - {id: d, service: s3}\n"
	}, batchRun(2 * 4 * pipeline.MiB)},
	{"EMR Spark trigger", "EMR-SPARK-TRIGGER", func(p string) string {
		return "consumers:\n  - {id: c, service: emr, engine: spark-streaming, from: s, instances: 2, batch: " + p + ", to: [d]}\n" +
			"destinations:\n  - {id: d, service: s3}\n"
	}, batchRun(2 * 8 * pipeline.MiB)},
}

// transformTiming: FH-LAMBDA-BUFFER holds a shard's records until 1 MB or
// 60 s, whichever comes first (L), then the transform runs (0.1 s) and
// the records join the delivery buffer, which opens with the first of
// them and flushes an interval I later. A record waits 0 to L for the
// transform and then for the delivery flush: in all from min(I, L) to
// I + L, spread evenly.
func transformTiming(rate, interval float64) (float64, float64) {
	perShard := rate / float64(periodicShards(rate)) * periodicSize
	l := min(pipeline.FirehoseLambdaInterval, pipeline.FirehoseLambdaBuffer/perShard)
	return max(interval, l), min(interval, l) + 0.1
}

// lambdaTiming: LAMBDA-ESM-BATCH and -PAYLOAD per shard, one batch at a
// time (lambdaCycle, lambda_test.go).
func lambdaTiming(rate, window float64) (float64, float64) {
	return lambdaCycle(rate/float64(periodicShards(rate)), window, 10000, periodicSize, 0.001)
}

func periodicShards(rate float64) int {
	for _, l := range periodicLoads {
		if l.rate == rate {
			return l.shards
		}
	}
	panic(rate)
}

// TestPeriodicWaitsSpread checks the wait distribution of every mechanism
// with a period, at several periods and rates: waits spread over the
// period in effect, p50 ≈ half of it, p99 ≈ 0.99 of it, max ≤ all of it,
// each plus the processing every record waits for.
func TestPeriodicWaitsSpread(t *testing.T) {
	for _, m := range periodics {
		for _, l := range periodicLoads {
			for _, period := range []float64{10, 30, 60, 120} {
				t.Run(fmt.Sprintf("%s %gs at %g per s", m.name, period, l.rate), func(t *testing.T) {
					_, got := runChecked(t, load(t, periodicHead(l)+m.yaml(fmt.Sprintf("%gs", period))))
					every, run := m.timing(l.rate, period)
					slack := 1 + 1 + 0.02*every // propagation, a tick, and 2%
					p50, p99, mx := got["pipeline.latency_p50"], got["pipeline.latency_p99"], got["pipeline.latency_max"]
					if want := every/2 + run; p50 < want-1 || p50 > want+slack {
						t.Errorf("%s: p50 %.2f s, want about %.1f s", m.rule, p50, want)
					}
					if want := 0.99*every + run; p99 < want-1.5 || p99 > want+slack {
						t.Errorf("%s: p99 %.2f s, want about %.1f s", m.rule, p99, want)
					}
					if want := every + run; mx > want+slack {
						t.Errorf("%s: max %.2f s, more than the period and the run, %.1f s", m.rule, mx, want)
					}
				})
			}
		}
	}
}

// FLINK-CHECKPOINT: a checkpoint pauses processing for about a second every
// interval (streamsim's 1 s; U: it depends on state size), so the records
// that arrive during the pause, 1 s in every interval, wait up to a second
// more, and the others not at all. Written to DynamoDB (no FileSink commit
// to wait for), at 50 records/s: with a 10 s interval 10% of records wait
// the extra second (p99 ≈ 1.2 s), with 60 s 1.7% (p99 still ≈ 1.2 s), with
// 120 s 0.8%, fewer than the 1% the p99 sees (p99 ≈ 0.2 s). Never more than
// the pause, propagation and a tick.
func TestFlinkCheckpointPause(t *testing.T) {
	for _, c := range []struct{ every, p99 float64 }{{10, 1.2}, {60, 1.2}, {120, 0.2}} {
		t.Run(fmt.Sprintf("checkpoint %gs", c.every), func(t *testing.T) {
			src := periodicHead(periodicLoad{50, 1}) + fmt.Sprintf(
				"consumers:\n  - {id: f, service: flink, from: s, kpus: 1, checkpoint: %gs, to: [d]}\n"+
					"destinations:\n  - {id: d, service: dynamodb}\n", c.every)
			_, m := runChecked(t, load(t, src))
			p50, p99, mx := m["pipeline.latency_p50"], m["pipeline.latency_p99"], m["pipeline.latency_max"]
			if p50 > 0.3 {
				t.Errorf("p50 %.2f s, want about 0.2 s (most records do not meet a pause)", p50)
			}
			if p99 < c.p99-0.1 || p99 > c.p99+0.1 {
				t.Errorf("p99 %.2f s, want about %.1f s", p99, c.p99)
			}
			if mx > 1+0.2+1 {
				t.Errorf("max %.2f s, more than the pause, propagation and a tick", mx)
			}
		})
	}
}
