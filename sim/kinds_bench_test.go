package sim_test

import (
	"flag"
	"fmt"
	"maps"
	"math"
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/sim"
)

// kind is a scenario file of sim/testdata/kinds with its bare loop.
type kind struct {
	name string
	loop func(*pipeline.Scenario) loopTotals
}

// kinds are the scenario files of sim/testdata/kinds, one per consumer
// kind. Each loop's file (kinds_loop*_test.go) adds its own in an init, so
// they run in the order of the files' names.
var kinds []kind

func loadKind(tb testing.TB, name string) *pipeline.Scenario {
	tb.Helper()
	b, err := os.ReadFile("testdata/kinds/" + name + ".yaml")
	if err != nil {
		tb.Fatal(err)
	}
	if *kindsShards > 0 {
		b = scaleKind(tb, b, *kindsShards)
	}
	sc, err := pipeline.Load(name+".yaml", b)
	if err != nil {
		tb.Fatal(err)
	}
	return sc
}

// BenchmarkKinds runs each kind's day through the engine and through its
// bare loop, alternately in the same iteration, and reports both times and
// their ratio (engine/loop), so that a busy machine slows both alike. It
// also reports the ratio of the least engine day to the least loop day
// (least-engine/loop): on a machine whose speed drifts within a run (a
// shared or throttled one), the least of several alternating days is the
// one least disturbed, and moves less between runs than the mean.
//
// Built with -tags loopbytes, the loops keep each queued entry's bytes as
// the engine's queues do (kinds_loop_bytes_test.go): the ratio is then the
// engine's against a loop that does that work too (`make kinds-bytes`).
func BenchmarkKinds(b *testing.B) {
	for _, k := range kinds {
		b.Run(k.name, func(b *testing.B) {
			sc := loadKind(b, k.name)
			var engine, loop time.Duration
			leastEngine, leastLoop := time.Duration(math.MaxInt64), time.Duration(math.MaxInt64)
			i := 0
			for b.Loop() {
				runEngine := func() {
					runtime.GC()
					t := time.Now()
					if _, err := sim.Run(sc); err != nil {
						b.Fatal(err)
					}
					d := time.Since(t)
					engine += d
					leastEngine = min(leastEngine, d)
				}
				runLoop := func() {
					runtime.GC()
					t := time.Now()
					k.loop(sc)
					d := time.Since(t)
					loop += d
					leastLoop = min(leastLoop, d)
				}
				if i%2 == 0 {
					runEngine()
					runLoop()
				} else {
					runLoop()
					runEngine()
				}
				i++
			}
			b.ReportMetric(engine.Seconds()/float64(i), "engine-s")
			b.ReportMetric(loop.Seconds()/float64(i), "loop-s")
			b.ReportMetric(engine.Seconds()/loop.Seconds(), "engine/loop")
			b.ReportMetric(leastEngine.Seconds()/leastLoop.Seconds(), "least-engine/loop")
		})
	}
}

// kindsShards runs each kind on this many shards or partitions instead of
// its file's 1,000, at the same rate per shard (as scripts/scale-table.sh
// scales the Firehose day), to compare engine and loop where the per-shard
// state no longer fits the caches. Only the rate scales: a consumer of a
// set capacity (app, Glue, Flink) falls behind, which the loops of those
// kinds refuse to model. Firehose scales with its source.
var kindsShards = flag.Int("kinds.shards", 0, "run each kind on this many shards or partitions, its rate scaled with them (0: the file's 1,000)")

// scaleKind rewrites a kind's file for `shards` units: its 1,000 shards or
// partitions and its 1 GB/s.
func scaleKind(tb testing.TB, b []byte, shards int) []byte {
	tb.Helper()
	s, n := string(b), 0
	for _, unit := range []string{"shards", "partitions"} {
		line := "\n    " + unit + ": 1000\n"
		n += strings.Count(s, line)
		s = strings.Replace(s, line, fmt.Sprintf("\n    %s: %d\n", unit, shards), 1)
	}
	rate := "\n    rate: 1GB/s\n"
	if n != 1 || strings.Count(s, rate) != 1 {
		tb.Skip("kinds.shards: the file has no single 1,000-unit storage at 1 GB/s to scale")
	}
	return []byte(strings.Replace(s, rate, fmt.Sprintf("\n    rate: %dMB/s\n", shards), 1))
}

// kindsFor shortens each kind's day for BenchmarkKindEngine and
// BenchmarkKindLoop (0: the file's 24 h); scripts/kinds-instructions.sh
// counts half an hour of each under cachegrind.
var kindsFor = flag.Duration("kinds.for", 0, "simulate this much of each kind's day in BenchmarkKindEngine and BenchmarkKindLoop (0: all of it)")

// BenchmarkKindEngine runs each kind's day through the engine alone, and
// BenchmarkKindLoop through its bare loop alone: one side at a time, for a
// profiler or an instruction count of that side only.
func BenchmarkKindEngine(b *testing.B) {
	benchOneSide(b, func(k kind, sc *pipeline.Scenario) {
		if _, err := sim.Run(sc); err != nil {
			b.Fatal(err)
		}
	})
}

func BenchmarkKindLoop(b *testing.B) {
	benchOneSide(b, func(k kind, sc *pipeline.Scenario) { k.loop(sc) })
}

func benchOneSide(b *testing.B, run func(kind, *pipeline.Scenario)) {
	for _, k := range kinds {
		b.Run(k.name, func(b *testing.B) {
			sc := loadKind(b, k.name)
			if *kindsFor > 0 {
				sc.Duration = *kindsFor
			}
			for b.Loop() {
				run(k, sc)
			}
		})
	}
}

// TestKindsLoopsAgree checks that each bare loop counts what the engine
// counts over two hours of its day, and works out the same figures (the
// peaks, ages, loads and levels it reports): the loops do the engine's
// arithmetic, not less.
func TestKindsLoopsAgree(t *testing.T) {
	for _, k := range kinds {
		t.Run(k.name, func(t *testing.T) {
			sc := loadKind(t, k.name)
			sc.Duration = 2 * time.Hour
			if testing.Short() {
				sc.Duration = 10 * time.Minute
			}
			res, err := sim.Run(sc)
			if err != nil {
				t.Fatal(err)
			}
			got := k.loop(sc)
			m := res.Metrics
			for _, c := range []struct {
				what         string
				engine, loop float64
			}{
				{"produced", m["pipeline.produced_records"], got.produced},
				{"throttled", m["pipeline.throttled_records"], got.throttled},
				{"lost", m["pipeline.lost_records"], got.lost},
				{"delivered", m["pipeline.delivered_records"], got.delivered},
				{"objects", objects(m), got.objects},
				{"latency p99", m["pipeline.latency_p99"], got.p99},
			} {
				if d := math.Abs(c.engine - c.loop); d > 1e-3*max(1, math.Abs(c.engine)) {
					t.Errorf("%s: engine %.6g, loop %.6g", c.what, c.engine, c.loop)
				}
			}
			if len(got.figures) == 0 {
				t.Fatal("the loop works out none of the report's other figures")
			}
			for _, name := range slices.Sorted(maps.Keys(got.figures)) {
				v, ok := m[name]
				if !ok {
					t.Errorf("%s: not in the engine's report", name)
					continue
				}
				tol := 1e-3
				if strings.Contains(name, "latency_p") {
					// The loops work out latencies from ages in ticks, the
					// engine from times of day: a latency on a bucket's
					// edge (0.2 s is one) may fall one bucket apart.
					tol = 1.0 / 128
				}
				if d := math.Abs(v - got.figures[name]); d > tol*max(1, math.Abs(v)) {
					t.Errorf("%s: engine %.6g, loop %.6g", name, v, got.figures[name])
				}
			}
		})
	}
}

// objects is the objects written to every S3 destination.
func objects(m map[string]float64) float64 {
	var n float64
	for k, v := range m {
		if len(k) > 8 && k[len(k)-8:] == ".objects" && k != "delivery.objects" {
			n += v
		}
	}
	return n
}
