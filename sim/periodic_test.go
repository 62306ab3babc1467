package sim_test

import (
	"fmt"
	"testing"
)

// A mechanism with a period holds a record until its next boundary. Records
// arrive at every moment, so their waits spread evenly over the period:
// p50 ≈ period/2, p99 ≈ 0.99 × period, max ≤ period, plus the time it takes
// to process. The engine moves in 1 s ticks, so a wait may be off by a tick,
// and polling adds 0.2 s of propagation delay.
type periodic struct {
	name string
	rule string
	yaml func(period string) string // a scenario whose latency the mechanism sets
	run  float64                    // seconds of processing per second of period, beyond the 1 s allowed
}

const periodicHead = `version: 1
name: periodic
duration: 30m
producers:
  - {id: p, rate: 50/s, record_size: 200B, to: [s]}
storage:
  - {id: s, service: kinesis-data-streams, shards: 1}
`

var periodics = []periodic{
	{"OpenSearch refresh", "OS-REFRESH", func(p string) string {
		return periodicHead + "consumers:\n  - {id: c, service: app, from: s, to: [d]}\n" +
			"destinations:\n  - {id: d, service: opensearch, instances: 2, refresh: " + p + "}\n"
	}, 0},
	{"Redshift streaming ingestion refresh", "RS-STREAMING-INGESTION", func(p string) string {
		return periodicHead + "destinations:\n  - {id: d, service: redshift, from: s, nodes: 2, refresh: " + p + "}\n"
	}, 0},
	{"Firehose buffer interval", "FH-BUFFER-HINTS", func(p string) string {
		return periodicHead + "consumers:\n  - {id: c, service: firehose, from: s, buffer: {size: 128MiB, interval: " + p + "}, to: [d]}\n" +
			"destinations:\n  - {id: d, service: s3}\n"
	}, 0},
	{"Lambda batching window", "LAMBDA-ESM-BATCH", func(p string) string {
		return periodicHead + "consumers:\n  - {id: c, service: lambda, from: s, batch_size: 10000, batch_window: " + p + ", duration: 1ms, to: [d]}\n" +
			"destinations:\n  - {id: d, service: s3}\n"
	}, 0.05}, // a batch of 50/s × period records runs 1 ms each
	{"Flink tumbling window", "FLINK-WINDOW-RESULTS", func(p string) string {
		return periodicHead + "consumers:\n  - {id: c, service: flink, from: s, kpus: 1, checkpoint: 0s, window: " + p + ", to: [d]}\n" +
			"destinations:\n  - {id: d, service: s3}\n"
	}, 0},
	{"Glue micro-batch window", "GLUE-WINDOW", func(p string) string {
		return periodicHead + "consumers:\n  - {id: c, service: glue-streaming, from: s, workers: 2, window: " + p + ", to: [d]}\n" +
			"destinations:\n  - {id: d, service: s3}\n"
	}, 0},
	{"EMR Spark trigger", "EMR-SPARK-TRIGGER", func(p string) string {
		return periodicHead + "consumers:\n  - {id: c, service: emr, engine: spark-streaming, from: s, instances: 2, batch: " + p + ", to: [d]}\n" +
			"destinations:\n  - {id: d, service: s3}\n"
	}, 0},
}

// TestPeriodicWaitsSpread checks the wait distribution of every mechanism with
// a period at several periods. At 50 records/s of 200 B every unit processes
// a period's records in well under a second, so processing adds at most 1 s
// (Lambda's batch runs 1 ms a record, its own allowance).
func TestPeriodicWaitsSpread(t *testing.T) {
	for _, m := range periodics {
		for _, period := range []float64{10, 30, 60, 120} {
			t.Run(fmt.Sprintf("%s %gs", m.name, period), func(t *testing.T) {
				_, got := runChecked(t, load(t, m.yaml(fmt.Sprintf("%gs", period))))
				slack := 0.2 + 1 + 1 + m.run*period // propagation, processing, a tick
				p50, p99, mx := got["pipeline.latency_p50"], got["pipeline.latency_p99"], got["pipeline.latency_max"]
				if p50 < period/2-1 || p50 > period/2+slack {
					t.Errorf("%s: p50 %.2f s, want about %.1f s", m.rule, p50, period/2)
				}
				if p99 < 0.99*period-1.5 || p99 > 0.99*period+slack {
					t.Errorf("%s: p99 %.2f s, want about %.1f s", m.rule, p99, 0.99*period)
				}
				if mx > period+slack {
					t.Errorf("%s: max %.2f s, more than the period %.0f s", m.rule, mx, period)
				}
			})
		}
	}
}
