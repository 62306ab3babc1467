package sim_test

import (
	"os"
	"testing"

	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/sim"
)

// bigStream is the engine's speed goal, kept in testdata so that
// `streamsim run sim/testdata/day-1000-shards.yaml --quiet` measures the same thing.
var bigStream = func() string {
	b, err := os.ReadFile("testdata/day-1000-shards.yaml")
	if err != nil {
		panic(err)
	}
	return string(b)
}()

const smallStream = `version: 1
name: small-stream
duration: 24h
tick: 1s
producers:
  - id: web
    rate: 2000/s
    record_size: 1KiB
    to: [clicks]
storage:
  - id: clicks
    service: kinesis-data-streams
    shards: 4
consumers:
  - id: delivery
    service: firehose
    from: clicks
    to: [lake]
destinations:
  - id: lake
    service: s3
`

func mustLoad(tb testing.TB, src string) *pipeline.Scenario {
	tb.Helper()
	sc, err := pipeline.Load("bench.yaml", []byte(src))
	if err != nil {
		tb.Fatal(err)
	}
	return sc
}

// BenchmarkDay1000Shards runs the whole day; goal ≤ 2 s per op on the reference machine.
func BenchmarkDay1000Shards(b *testing.B) {
	sc := mustLoad(b, bigStream)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := sim.Run(sc); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSmallStreamDay reports simulated seconds per wall second for a
// 4-shard stream at 1 s ticks; goal ≥ 1,000,000× real time.
func BenchmarkSmallStreamDay(b *testing.B) {
	sc := mustLoad(b, smallStream)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := sim.Run(sc); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)*86400/b.Elapsed().Seconds(), "x-realtime")
}
