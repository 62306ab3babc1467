package sim_test

import (
	"math"
	"strings"
	"testing"

	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/sim"
)

// unevenRanges are four shards: shard 0 of an even three-shard stream split
// in two, so they own 1/6, 1/6, 1/3 and 1/3 of the hash-key space.
const unevenRanges = `[["0", "56713727820156410577229101238628035242"],
        ["56713727820156410577229101238628035243", "113427455640312821154458202477256070484"],
        ["113427455640312821154458202477256070485", "226854911280625642308916404954512140969"],
        ["226854911280625642308916404954512140970", "340282366920938463463374607431768211455"]]`

func recordedScenario(t *testing.T, keys, pattern, extra string) *pipeline.Scenario {
	t.Helper()
	src := `version: 1
name: recorded
duration: 10m
producers:
  - id: p
    rate: 2000/s
    record_size: 200B
    pattern: ` + pattern + `
    keys: ` + keys + `
    to: [k]
storage:
  - id: k
    service: kinesis-data-streams
    shards: 4
    hash_ranges: ` + unevenRanges + `
` + extra
	s, err := pipeline.Load("recorded.yaml", []byte(src))
	if err != nil {
		t.Fatalf("%v\n%s", err, src)
	}
	return s
}

// shardRecords runs the scenario and sums each shard's offered records (the
// snapshot's utilisation × 1,000 records/s: 200-byte records are limited by
// count) over the run.
func shardRecords(t *testing.T, s *pipeline.Scenario) []float64 {
	t.Helper()
	e, err := sim.New(s)
	if err != nil {
		t.Fatal(err)
	}
	var sum []float64
	for !e.Done() {
		e.Step()
		snap := e.Snapshot()
		u := snap.Node("k").Units
		if sum == nil {
			sum = make([]float64, len(u))
		}
		for i, x := range u {
			sum[i] += x * 1000 * s.Tick.Seconds()
		}
	}
	return sum
}

func shares(x []float64) []float64 {
	var total float64
	for _, v := range x {
		total += v
	}
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = v / total
	}
	return out
}

// TestExplicitHashRangesRouteKeys: uniform keys over uneven ranges load each
// shard by the share of the hash-key space it owns.
func TestExplicitHashRangesRouteKeys(t *testing.T) {
	s := recordedScenario(t, "{dist: uniform, count: 100000}", "constant", "")
	got := shares(shardRecords(t, s))
	for i, want := range []float64{1.0 / 6, 1.0 / 6, 1.0 / 3, 1.0 / 3} {
		if math.Abs(got[i]-want) > 0.01 {
			t.Errorf("shard %d carries %.4f of the records, want %.4f (its range)", i, got[i], want)
		}
	}
}

// TestPerShardSharesReproduced: per-shard keys give each shard its share,
// over the ranges the shares were measured on, and keep their keys when the
// stream is resharded (the load moves with the hashes).
func TestPerShardSharesReproduced(t *testing.T) {
	want := []float64{0.10, 0.45, 0.05, 0.40}
	keys := `{dist: per-shard, count: 400, shares: [10%, 45%, 5%, 40%], hash_ranges: ` + unevenRanges + `}`
	s := recordedScenario(t, keys, "constant", "")
	got := shares(shardRecords(t, s))
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-6 {
			t.Errorf("shard %d carries %.6f of the records, want %.2f", i, got[i], want[i])
		}
	}
	// Even ranges of 8 shards: each of shard 1's halves (hash space 1/6..1/3)
	// falls in shards 1 and 2 of 8 (1/8..3/8): together they carry at least
	// shard 1's 45%.
	re := recordedScenario(t, keys, "constant", "timeline:\n  - at: 0s\n    set: {k.shards: 8}\n")
	e, err := sim.New(re)
	if err != nil {
		t.Fatal(err)
	}
	e.RunToEnd()
	if err := e.CheckInvariants(); err != nil {
		t.Fatal(err)
	}
	var resharded bool
	for _, ev := range e.Events() {
		resharded = resharded || strings.Contains(ev.Text, "→ 8")
	}
	if !resharded {
		t.Errorf("no reshard to 8 in %v", e.Events())
	}
}

// TestSeriesPattern: a series is played point by point, scaled so that its
// mean is the rate.
func TestSeriesPattern(t *testing.T) {
	s := recordedScenario(t, "{dist: uniform, count: 1000}", "{series: [1000/s, 3000/s], every: 1m}", "")
	e, err := sim.New(s)
	if err != nil {
		t.Fatal(err)
	}
	var rt pipeline.Rater
	for _, c := range []struct {
		ticks int
		want  float64
	}{{30, 1000}, {60, 3000}, {60, 1000}, {60, 3000}} {
		e.Advance(c.ticks - 1)
		rt.Next(e.Snapshot()) // rates are over the interval since the last snapshot
		e.Advance(1)
		snap := rt.Next(e.Snapshot())
		if got := snap.Node("p").InRate; math.Abs(got-c.want) > 1e-6 {
			t.Errorf("at %v the producer sends %.1f records/s, want %.0f", e.Now(), got, c.want)
		}
	}
}
