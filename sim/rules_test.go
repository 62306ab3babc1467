package sim_test

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/sim"
)

// Each test pins one AWS rule to numbers computed by hand from
// shared/aws-facts.md. Scenarios are written inline so the arithmetic is next
// to the assertion.

func load(t testing.TB, src string) *pipeline.Scenario {
	t.Helper()
	sc, err := pipeline.Load("test.yaml", []byte(src))
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	return sc
}

// runChecked runs a scenario to the end, checking conservation after every tick.
func runChecked(t testing.TB, sc *pipeline.Scenario) (*sim.Engine, map[string]float64) {
	t.Helper()
	e, err := sim.New(sc)
	if err != nil {
		t.Fatal(err)
	}
	for !e.Done() {
		e.Step()
		if err := e.CheckInvariants(); err != nil {
			t.Fatal(err)
		}
	}
	return e, e.Result().Metrics
}

func near(t *testing.T, name string, got, want, tol float64) {
	t.Helper()
	if math.Abs(got-want) > tol {
		t.Errorf("%s = %.4f, want %.4f ± %.4f", name, got, want, tol)
	}
}

// §1.1: a shard takes 1,000 records/s. 2,000 records/s of 100 B with no retries:
// 1,000/s accepted, 1,000/s lost.
func TestShardRecordLimit(t *testing.T) {
	sc := load(t, `version: 1
name: one-shard
duration: 60s
producers:
  - id: p
    rate: 2000/s
    record_size: 100B
    retries: {max: 0}
    to: [s]
storage:
  - id: s
    service: kinesis-data-streams
    shards: 1
consumers:
  - id: c
    service: app
    from: s
    to: [d]
destinations:
  - id: d
    service: s3
`)
	_, m := runChecked(t, sc)
	near(t, "s.records_in", m["s.records_in"], 60*1000, 1e-6)
	near(t, "p.lost_records", m["p.lost_records"], 60*1000, 1e-6)
	near(t, "s.throttled_records", m["s.throttled_records"], 60*1000, 1e-6)
	near(t, "s.max_shard_utilization", m["s.max_shard_utilization"], 2.0, 0.01)
	near(t, "pipeline.delivered_records", m["pipeline.delivered_records"], 60*1000, 1e-6)
}

// §1.1 bytes: 1 MiB/s per shard. 20 records/s of 100 KiB = 2 MiB/s → half accepted.
func TestShardByteLimit(t *testing.T) {
	sc := load(t, `version: 1
name: bytes
duration: 10s
producers:
  - id: p
    rate: 20/s
    record_size: 100KiB
    keys: {dist: random}
    retries: {max: 0}
    to: [s]
storage:
  - id: s
    service: kinesis-data-streams
    shards: 1
`)
	_, m := runChecked(t, sc)
	// The partition key (36 B for random keys) counts toward the 1 MiB too.
	perRec := 100*1024 + 36.0
	want := 10 * (1 << 20) / perRec
	near(t, "s.records_in", m["s.records_in"], want, 0.01)
}

// With retries, a throttled record comes back on the next tick; the shard stays
// at its limit and nothing accepted exceeds 1,000/s.
func TestRetriesKeepShardAtLimit(t *testing.T) {
	sc := load(t, `version: 1
name: retries
duration: 100s
producers:
  - id: p
    rate: 1500/s
    record_size: 100B
    retries: {max: 3, backoff: 100ms}
    to: [s]
storage:
  - id: s
    service: kinesis-data-streams
    shards: 1
`)
	_, m := runChecked(t, sc)
	near(t, "s.records_in", m["s.records_in"], 100*1000, 1e-6)
	if m["p.retried_records"] <= 0 || m["p.lost_records"] <= 0 {
		t.Errorf("want retries and eventual loss, got retried %.0f lost %.0f", m["p.retried_records"], m["p.lost_records"])
	}
	// produced = accepted + lost + waiting for a retry (at most three attempts of a tick's 1,500)
	waiting := m["p.records_in"] - m["s.records_in"] - m["p.lost_records"]
	if waiting < 0 || waiting > 3*1500 {
		t.Errorf("records waiting for a retry = %.1f, want 0..4500", waiting)
	}
}

// §1.2: MD5 routing. One key with 60% of 2,000 records/s = 1,200/s goes to one
// shard, which caps it at 1,000/s; the other three shards share 800/s.
func TestHotKeyCapsOneShard(t *testing.T) {
	sc := load(t, `version: 1
name: hot
duration: 60s
producers:
  - id: p
    rate: 2000/s
    record_size: 100B
    keys: {dist: hot, count: 1000, fraction: 60%}
    retries: {max: 0}
    to: [s]
storage:
  - id: s
    service: kinesis-data-streams
    shards: 4
`)
	e, m := runChecked(t, sc)
	snap := e.Snapshot()
	ns := snap.Node("s")
	if ns.HotUnit < 0 || ns.HotShare != 0.6 {
		t.Fatalf("hot key %q share %.2f unit %d", ns.HotKey, ns.HotShare, ns.HotUnit)
	}
	for u, x := range ns.Units {
		if u == ns.HotUnit {
			if x < 1.2 {
				t.Errorf("hot shard %d utilisation %.2f, want ≥ 1.2", u, x)
			}
			continue
		}
		if x > 0.5 {
			t.Errorf("shard %d utilisation %.2f, want the others idle-ish (≤ 0.5)", u, x)
		}
	}
	// The hot shard gets the key's 1,200/s plus its quarter of the other 800/s
	// (≈200/s, as MD5 spreads the 999 cold keys): about 400/s refused.
	near(t, "s.throttled_records", m["s.throttled_records"], 60*400, 60*40)
}

// Key → shard follows AWS's MD5 hash-key ranges: spot-check the boundaries.
func TestEvenShardRanges(t *testing.T) {
	sc := load(t, `version: 1
name: even
duration: 10s
producers:
  - id: p
    rate: 3000/s
    record_size: 10B
    keys: {dist: uniform, count: 100000}
    retries: {max: 0}
    to: [s]
storage:
  - id: s
    service: kinesis-data-streams
    shards: 4
`)
	e, _ := runChecked(t, sc)
	snap := e.Snapshot()
	for u, x := range snap.Node("s").Units {
		near(t, "shard "+string(rune('0'+u)), x, 0.75, 0.01) // 750 of 1,000 rec/s per shard
	}
}

// §2.2: with a 60 s interval (and a size hint never reached) Firehose writes one
// object a minute, and records wait up to a minute: p99 ≈ 60 s.
func TestFirehoseIntervalFlush(t *testing.T) {
	sc := load(t, `version: 1
name: fh
duration: 1h
producers:
  - id: p
    rate: 100/s
    record_size: 1KiB
    to: [fh]
consumers:
  - id: fh
    service: firehose
    buffer: {size: 128MiB, interval: 60s}
    to: [lake]
destinations:
  - id: lake
    service: s3
`)
	_, m := runChecked(t, sc)
	near(t, "lake.objects", m["lake.objects"], 60, 1)
	near(t, "fh.objects", m["fh.objects"], 60, 1)
	near(t, "pipeline.latency_p99", m["pipeline.latency_p99"], 60, 1.5)
	near(t, "pipeline.latency_p50", m["pipeline.latency_p50"], 30, 1.5)
}

// §2.2 size hint: 5 MiB at 1 MiB/s per shard flushes every ~5 s per shard.
func TestFirehoseSizeFlushPerShard(t *testing.T) {
	sc := load(t, `version: 1
name: fh-size
duration: 10m
producers:
  - id: p
    rate: 2000/s
    record_size: 1KiB
    keys: {dist: uniform, count: 100000}
    to: [s]
storage:
  - id: s
    service: kinesis-data-streams
    shards: 2
consumers:
  - id: fh
    service: firehose
    from: s
    buffer: {size: 5MiB, interval: 300s}
    to: [lake]
destinations:
  - id: lake
    service: s3
`)
	_, m := runChecked(t, sc)
	// 2 shards × 600 s × ~1,000 KiB/s ÷ 5 MiB ≈ 234 objects; p99 ≈ 5 s.
	near(t, "lake.objects", m["lake.objects"], 2*600*1000.0/5120, 6)
	if p := m["pipeline.latency_p99"]; p < 4 || p > 7 {
		t.Errorf("p99 %.1f s, want about 5–6 s", p)
	}
}

// §1.1 / §1.6: three polling consumers that each need 800 KiB/s from one shard
// want 2.4 MiB/s of the shard's shared 2 MiB/s and fall behind; with enhanced
// fan-out each has its own 2 MiB/s and keeps up.
func TestPollingVsEnhancedFanOut(t *testing.T) {
	src := func(read string) string {
		var b strings.Builder
		b.WriteString(`version: 1
name: fanout
duration: 10m
producers:
  - id: p
    rate: 800/s
    record_size: 1KiB
    to: [s]
storage:
  - id: s
    service: kinesis-data-streams
    shards: 1
consumers:
`)
		for _, id := range []string{"a", "b", "c"} {
			b.WriteString("  - id: " + id + "\n    service: app\n    from: s\n    read: " + read + "\n    to: [d]\n")
		}
		b.WriteString("destinations:\n  - id: d\n    service: s3\n")
		return b.String()
	}
	_, poll := runChecked(t, load(t, src("polling")))
	_, efo := runChecked(t, load(t, src("enhanced-fan-out")))
	// Each polling reader gets 2 MiB/3 ≈ 683 KiB/s of 800 KiB/s: 117 KiB/s behind,
	// about 117 records/s × 600 s ≈ 70k records behind at the end.
	near(t, "a.lag_records (polling)", poll["a.lag_records"], 600*(800-2048.0/3), 600)
	if poll["s.iterator_age_max"] < 60 || poll["s.read_throttled"] == 0 {
		t.Errorf("polling: iterator age %.0f s, read throttles %.0f; want falling behind", poll["s.iterator_age_max"], poll["s.read_throttled"])
	}
	if efo["a.lag_records"] > 1 || efo["s.iterator_age_max"] > 1 {
		t.Errorf("EFO: lag %.0f, iterator age %.1f s; want none", efo["a.lag_records"], efo["s.iterator_age_max"])
	}
	// §1.6: about 70 ms with EFO versus about 200 ms+ when polling.
	if efo["pipeline.latency_p50"] >= poll["pipeline.latency_p50"] {
		t.Errorf("EFO p50 %.3f s should beat polling p50 %.3f s", efo["pipeline.latency_p50"], poll["pipeline.latency_p50"])
	}
}

// §1.3: a consumer down for longer than the 24 h retention loses what expired.
func TestOutageLongerThanRetentionLosesData(t *testing.T) {
	sc := load(t, consumerOutage("30h", "10s", "1h", "26h"))
	_, m := runChecked(t, sc)
	// Records written between 1 h and 3 h (26 h outage − 24 h retention) expire
	// before the consumer is back at 27 h: about 2 h × 10/s = 72,000.
	near(t, "s.expired_records", m["s.expired_records"], 2*3600*10, 200)
	near(t, "pipeline.lost_records", m["pipeline.lost_records"], m["s.expired_records"], 1e-6)
	if m["s.iterator_age_max"] < 23*3600 {
		t.Errorf("iterator age max %.0f s, want close to retention", m["s.iterator_age_max"])
	}
}

// consumerOutage is 10 records/s of 1 KiB into a 1-shard stream kept 24 h,
// read by an app consumer that fails at `at` for `span`.
func consumerOutage(duration, tick, at, span string) string {
	return fmt.Sprintf(`version: 1
name: outage
duration: %s
tick: %s
producers:
  - id: p
    rate: 10/s
    record_size: 1KiB
    to: [s]
storage:
  - id: s
    service: kinesis-data-streams
    shards: 1
    retention: 24h
consumers:
  - id: c
    service: app
    from: s
    to: [d]
destinations:
  - id: d
    service: s3
timeline:
  - at: %s
    fail: c
    for: %s
`, duration, tick, at, span)
}

// §1.3, at its edge: the records of a run's first tick expire on the tick
// one retention period later, not before (the pass over the queues is
// skipped only while nothing can be that old).
func TestFirstTickExpiresAtRetention(t *testing.T) {
	for _, c := range []struct {
		duration string
		want     float64
	}{
		{"24h", 0},         // the last tick is at 23 h: nothing is 24 h old yet
		{"25h", 10 * 3600}, // at 24 h, the first tick's 36,000 records
		{"26h", 2 * 10 * 3600},
	} {
		sc := load(t, consumerOutage(c.duration, "1h", "0s", "30h"))
		_, m := runChecked(t, sc)
		near(t, c.duration+": s.expired_records", m["s.expired_records"], c.want, 1e-6)
	}
}

// §1.11: 4 provisioned shards cost 4 × 730 h × $0.015 = $43.80 a month in
// shard-hours; a trickle of PUT units adds cents.
func TestProvisionedShardHours(t *testing.T) {
	sc := load(t, `version: 1
name: cost
duration: 1h
producers:
  - id: p
    rate: 1/s
    record_size: 1KiB
    to: [s]
storage:
  - id: s
    service: kinesis-data-streams
    shards: 4
`)
	_, m := runChecked(t, sc)
	// PUT units: 1/s × 2,628,000 s × 1 unit ÷ 1e6 × $0.014 = $0.0368
	near(t, "s.cost_monthly", m["s.cost_monthly"], 43.8+0.0368, 0.001)
}

// §1.4: UpdateShardCount doubles at most per call and takes minutes.
func TestReshardTakesMinutes(t *testing.T) {
	sc := load(t, `version: 1
name: reshard
duration: 30m
producers:
  - id: p
    rate: 6000/s
    record_size: 100B
    keys: {dist: uniform, count: 100000}
    retries: {max: 0}
    to: [s]
storage:
  - id: s
    service: kinesis-data-streams
    shards: 4
timeline:
  - at: 5m
    set: {s.shards: 8}
  - at: 20m
    set: {s.shards: 32}
`)
	e, err := sim.New(sc)
	if err != nil {
		t.Fatal(err)
	}
	throttledAt := func(until float64) float64 {
		for e.Now().Seconds() < until {
			e.Step()
		}
		return e.Result().Metrics["s.throttled_records"]
	}
	before := throttledAt(300) // 5 min at 6,000/s into 4,000/s: 2,000/s refused
	near(t, "throttled by 5m", before, 300*2000, 300*60)
	mid := throttledAt(360) // still UPDATING a minute later
	if mid-before < 50*2000 {
		t.Errorf("resharding was instant: only %.0f throttled in the minute after the call", mid-before)
	}
	after := throttledAt(900)
	late := throttledAt(1080)
	if late != after {
		t.Errorf("8 shards still throttle 6,000/s: %.0f more", late-after)
	}
	e.RunToEnd()
	if got := e.Result().Metrics["s.shards_end"]; got != 8 {
		t.Errorf("shards at end = %.0f, want 8 (8 → 32 is more than double and must be refused)", got)
	}
	refused := false
	for _, ev := range e.Events() {
		if strings.Contains(ev.Text, "refused") {
			refused = true
		}
	}
	if !refused {
		t.Error("no refusal event for 8 → 32")
	}
}

// §1.5: an on-demand stream starts at 4 MiB/s; a jump to 10 MiB/s is throttled
// until capacity has doubled twice: the 4 MiB/s peak of the first minute lifts
// capacity to 8 MiB/s 15 minutes later, the 8 MiB/s peak to 16 MiB/s 15 more.
func TestOnDemandJump(t *testing.T) {
	sc := load(t, `version: 1
name: od
duration: 1h
producers:
  - id: p
    rate: 10MiB/s
    record_size: 10KiB
    keys: {dist: uniform, count: 100000}
    retries: {max: 0}
    to: [s]
storage:
  - id: s
    service: kinesis-data-streams
    mode: on-demand
`)
	e, err := sim.New(sc)
	if err != nil {
		t.Fatal(err)
	}
	at := func(sec float64) float64 {
		for e.Now().Seconds() < sec {
			e.Step()
		}
		return e.Result().Metrics["s.throttled_records"]
	}
	first := at(60)
	if first == 0 {
		t.Fatal("no throttling in the first minute at 10 MiB/s into a new on-demand stream")
	}
	mid := at(20 * 60)
	if at(25*60) == mid {
		t.Error("no throttling at 8 MiB/s capacity (20–25 min)")
	}
	settled := at(33 * 60)
	end := at(3600)
	if end != settled {
		t.Errorf("still throttling after capacity doubled twice: %.0f more records", end-settled)
	}
}

// §3.4: an MSK Serverless partition takes 5 MB/s; 8 MB/s into one partition
// keeps 5 and throttles 3.
func TestMSKServerlessPartitionLimit(t *testing.T) {
	sc := load(t, `version: 1
name: msks
duration: 10s
producers:
  - id: p
    rate: 8MB/s
    record_size: 1KB
    keys: {dist: hot, count: 1, fraction: 100%}
    retries: {max: 0}
    to: [k]
storage:
  - id: k
    service: msk-serverless
    partitions: 1
`)
	_, m := runChecked(t, sc)
	near(t, "k.bytes_in", m["k.bytes_in"], 10*5e6, 1)
	near(t, "p.lost_records", m["p.lost_records"], 10*3000, 0.01)
}

// A change made during a run (Engine.Apply, the dashboard's) that
// UpdateShardCount refuses is an error and changes nothing, judged by the
// same rule (pipeline.CheckResize) that refuses it in a timeline.
func TestApplyRefusesWhatAWSRefuses(t *testing.T) {
	sc := load(t, `version: 1
name: steer
duration: 1h
producers:
  - id: p
    rate: 100/s
    to: [s, k]
storage:
  - id: s
    service: kinesis-data-streams
    shards: 4
  - id: k
    service: msk-serverless
    partitions: 4
`)
	e, err := sim.New(sc)
	if err != nil {
		t.Fatal(err)
	}
	e.Step()
	set := func(node, key string, n int) error {
		return e.Apply(pipeline.Change{Set: []pipeline.Assignment{{Node: node, Key: key, Value: pipeline.Value{Kind: pipeline.KindInt, Num: float64(n)}}}})
	}
	var re *pipeline.ResizeError
	if err := set("s", "shards", 16); !errors.As(err, &re) || !strings.Contains(err.Error(), "at most double or halve") {
		t.Fatalf("4 → 16: %v", err)
	}
	if err := set("k", "partitions", 2); !errors.As(err, &re) {
		t.Fatalf("partitions 4 → 2: %v", err)
	}
	if err := set("s", "shards", 8); err != nil {
		t.Fatalf("4 → 8: %v", err)
	}
	if err := set("s", "shards", 8); err != nil {
		t.Fatalf("8 again while UPDATING to 8 is no call: %v", err)
	}
	if err := set("s", "shards", 6); err == nil || !strings.Contains(err.Error(), "still UPDATING") {
		t.Fatalf("a second call while UPDATING: %v", err)
	}
	for range 700 {
		e.Step()
	}
	if got := e.Result().Metrics["s.shards_end"]; got != 8 {
		t.Fatalf("shards %v, want 8: a refused change must change nothing", got)
	}
	if err := set("s", "shards", 16); err != nil {
		t.Fatalf("8 → 16 once 8 are there: %v", err)
	}
}
