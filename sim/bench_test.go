package sim_test

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

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

// BenchmarkFirehoseBacklog10000Shards runs sim/testdata/firehose-backlog-10000-shards.yaml
// (twelve Firehose streams falling behind on a 10,000-shard stream) for a
// minute and for ten: with a backlog costing nothing extra per tick, ten
// minutes take about ten times a minute, and the heap stays flat (MB-heap is
// the live heap at the end of the run, after a GC).
func BenchmarkFirehoseBacklog10000Shards(b *testing.B) {
	src, err := os.ReadFile("testdata/firehose-backlog-10000-shards.yaml")
	if err != nil {
		b.Fatal(err)
	}
	for _, d := range []time.Duration{time.Minute, 10 * time.Minute} {
		b.Run(d.String(), func(b *testing.B) {
			sc := mustLoad(b, string(src))
			sc.Duration = d
			var heap uint64
			for b.Loop() {
				e, err := sim.New(sc)
				if err != nil {
					b.Fatal(err)
				}
				e.RunToEnd()
				heap = liveHeap()
				runtime.KeepAlive(e)
			}
			b.ReportMetric(float64(heap)/(1<<20), "MB-heap")
			b.ReportMetric(b.Elapsed().Seconds()/float64(b.N)/d.Seconds()*60, "s/sim-min")
		})
	}
}

// BenchmarkThrottledRetries runs sim/testdata/throttled-retries.yaml: 512
// shards throttling in every tick for 2 h, each refused record retried as
// by default (max 3, 100 ms backoff: the admission's retry path, about three
// due entries per shard and tick).
func BenchmarkThrottledRetries(b *testing.B) {
	src, err := os.ReadFile("testdata/throttled-retries.yaml")
	if err != nil {
		b.Fatal(err)
	}
	sc := mustLoad(b, string(src))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := sim.Run(sc); err != nil {
			b.Fatal(err)
		}
	}
}

// liveHeap is the heap in use after a collection.
func liveHeap() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// BenchmarkManyProducers runs 9,997 producers (1,000 keys each) into one
// 100-shard stream read by one app for a minute: 10,000 nodes. Its heap
// (MB-heap, live at the end) grows with producers × keys ÷ 1,000, not with
// producers × nodes: issue 24 measured 1.3 GB here.
func BenchmarkManyProducers(b *testing.B) {
	var src strings.Builder
	src.WriteString("version: 1\nname: many-producers\nduration: 60s\nproducers:\n")
	for i := range 9997 {
		fmt.Fprintf(&src, "  - id: p%d\n    rate: 10/s\n    to: [events]\n", i)
	}
	src.WriteString(`storage:
  - id: events
    service: kinesis-data-streams
    shards: 100
consumers:
  - id: reader
    service: app
    from: events
    to: [lake]
destinations:
  - id: lake
    service: s3
`)
	sc := mustLoad(b, src.String())
	var heap uint64
	for b.Loop() {
		e, err := sim.New(sc)
		if err != nil {
			b.Fatal(err)
		}
		e.RunToEnd()
		heap = liveHeap()
		runtime.KeepAlive(e)
	}
	b.ReportMetric(float64(heap)/(1<<20), "MB-heap")
}
