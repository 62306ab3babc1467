package advice

import (
	"reflect"
	"strings"
	"testing"

	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/sim"
)

// diagnose simulates s, feeding the diagnoser a snapshot every tick, and
// returns its findings after Finish with the run's metrics.
func diagnose(t testing.TB, s *pipeline.Scenario) (*Diagnoser, sim.Result) {
	t.Helper()
	e, err := sim.New(s)
	var rt pipeline.Rater
	if err != nil {
		t.Fatal(err)
	}
	d := NewDiagnoser(s)
	for !e.Done() {
		e.Step()
		d.Observe(rt.Next(e.Snapshot()))
	}
	res := e.Result()
	d.Finish(res.Metrics)
	return d, res
}

// finding returns the finding of a rule on a node ("" = any node).
func finding(d *Diagnoser, rule, node string) (Finding, bool) {
	for _, f := range d.List() {
		if f.Rule == rule && (node == "" || f.Node == node) {
			return f, true
		}
	}
	return Finding{}, false
}

func rules(d *Diagnoser) []string {
	var out []string
	for _, f := range d.List() {
		out = append(out, f.Rule+"@"+f.Node)
	}
	return out
}

// TestDiagnosis: each diagnosis on a scenario that should trigger it, and on
// one that should not.
func TestDiagnosis(t *testing.T) {
	short := "duration: 5m\n"
	for _, tc := range []struct {
		name       string
		yes, no    string
		rule, node string
		sev        string
		has        []string // the message contains each
	}{
		{name: "hot key that no shard count can fix",
			yes:  pipe(short, "", producer("app", "2500/s", "200B", "{dist: hot, count: 1000, fraction: 0.6}", ""), kds4, appToLake, lake),
			no:   pipe(short, "", producer("app", "2000/s", "200B", evenKeys, ""), kds4, appToLake, lake),
			rule: "hot-key", node: "stream", sev: pipeline.SeverityCritical,
			has: []string{"carries 60% of the records from app (about 1,500 records/s", "no shard count can fix it",
				"resharding will not help a single hot key", "Fix: salt the key", "spreads over 2 shards"}},
		{name: "hot key under the limit: salting, not resharding",
			yes:  pipe(short, "", producer("app", "2000/s", "200B", "{dist: hot, count: 1000, fraction: 0.4}", ""), kds4, appToLake, lake),
			no:   pipe(short, "", producer("app", "2000/s", "200B", "{dist: hot, count: 1000, fraction: 0.1}", ""), kds4, appToLake, lake),
			rule: "hot-key", node: "stream", sev: pipeline.SeverityWarning,
			has: []string{"about 800 records/s", "Resharding will not help a single hot key", "Fix: salt the key"}},
		{name: "hot shard from uneven hashing",
			yes:  pipe("duration: 5m\nseed: 1\n", "", producer("app", "3200/s", "200B", "{dist: uniform, count: 8}", ""), kds8, appToLake, lake),
			no:   pipe("duration: 5m\nseed: 1\n", "", producer("app", "3200/s", "200B", evenKeys, ""), kds8, appToLake, lake),
			rule: "hot-shard", node: "stream", sev: pipeline.SeverityWarning,
			has: []string{"Hot shard: shard 1 of 8", "no single key dominates", "Fix: split shard 1"}},
		{name: "write throttling",
			yes:  pipe(short, "", producer("app", "3000/s", "200B", evenKeys, ""), kds2, appToLake, lake),
			no:   pipe(short, "", producer("app", "3000/s", "200B", evenKeys, ""), kds4, appToLake, lake),
			rule: "write-throttling", node: "stream", sev: pipeline.SeverityCritical,
			has: []string{"2 shards take 2,000 records/s", "producers send up to 3,000 records/s", "records lost after their retries ran out",
				"Fix: set stream.shards to at least 4"}},
		{name: "write throttling on-demand",
			yes:  pipe(short, "", producer("app", "8000/s", "1KiB", evenKeys, ""), "  - id: stream\n    service: kinesis-data-streams\n    mode: on-demand\n", appToLake, lake),
			no:   pipe(short, "", producer("app", "3000/s", "1KiB", evenKeys, ""), "  - id: stream\n    service: kinesis-data-streams\n    mode: on-demand\n", appToLake, lake),
			rule: "write-throttling", node: "stream",
			has: []string{"On-demand takes 4 MB/s at first", "Fix: pre-warm the stream"}},
		{name: "Direct PUT throttling",
			yes:  pipe(short, "", "  - id: app\n    rate: 8000/s\n    record_size: 1KiB\n    to: [delivery]\n", "", "  - id: delivery\n    service: firehose\n    to: [lake]\n", lake),
			no:   pipe(short, "", "  - id: app\n    rate: 1000/s\n    record_size: 1KiB\n    to: [delivery]\n", "", "  - id: delivery\n    service: firehose\n    to: [lake]\n", lake),
			rule: "write-throttling", node: "delivery",
			has: []string{"Direct PUT", "producers send 7.8 MiB/s", "Fix: ask AWS to raise the Direct PUT quota"}},
		{name: "read throttling while catching up",
			yes: pipe("duration: 20m\n", "", producer("app", "900/s", "1KiB", evenKeys, ""), kds1, "  - id: c\n    service: app\n    from: stream\n    instances: 4\n    to: [lake]\n", lake) +
				"timeline:\n  - at: 2m\n    fail: c\n    for: 5m\n",
			no:   pipe("duration: 20m\n", "", producer("app", "900/s", "1KiB", evenKeys, ""), kds1, "  - id: c\n    service: app\n    from: stream\n    instances: 4\n    to: [lake]\n", lake),
			rule: "read-throttling", node: "stream",
			has: []string{"read calls to stream were refused", "c (catching up after its outage)",
				"Fix: nothing to add for the outage's sake", "Keep stream.retention longer than the outage plus the catch-up"}},
		{name: "iterator age growing toward retention",
			yes:  pipe("duration: 10m\n", "", producer("app", "2000/s", "1KiB", evenKeys, ""), kds4, "  - id: c\n    service: app\n    from: stream\n    capacity: 1500/s\n    to: [lake]\n", lake),
			no:   pipe("duration: 10m\n", "", producer("app", "2000/s", "1KiB", evenKeys, ""), kds4, "  - id: c\n    service: app\n    from: stream\n    capacity: 3000/s\n    to: [lake]\n", lake),
			rule: "iterator-age", node: "c", sev: pipeline.SeverityWarning,
			has: []string{"falls further behind by", "reaches the 24 h retention in about", "Fix: set c.instances to at least 2", "only buys time"}},
		{name: "records expire",
			yes: pipe("duration: 26h\ntick: 30s\n", "", producer("app", "100/s", "1KiB", evenKeys, ""), kds1, appToLake, lake) +
				"timeline:\n  - at: 1h\n    fail: c\n",
			no:   pipe("duration: 26h\ntick: 30s\n", "", producer("app", "100/s", "1KiB", evenKeys, ""), kds1, appToLake, lake),
			rule: "iterator-age", node: "c", sev: pipeline.SeverityCritical,
			has: []string{"Records expiring: 360,000 records of stream aged past its 24 h retention", "c was down for about 25 h"}},
		{name: "lag that never drains",
			yes:  pipe("duration: 10m\n", "", producer("app", "2000/s", "1KiB", evenKeys, ""), kds4, "  - id: c\n    service: app\n    from: stream\n    capacity: 1500/s\n    to: [lake]\n", lake),
			no:   pipe("duration: 10m\n", "", producer("app", "2000/s", "1KiB", evenKeys, ""), kds4, "  - id: c\n    service: app\n    from: stream\n    capacity: 3000/s\n    to: [lake]\n", lake),
			rule: "lag", node: "c", sev: pipeline.SeverityWarning,
			has: []string{"Lag never drains: c ends", "in the second half of the run", "Fix: set c.instances to at least 2"}},
		{name: "Firehose buffering dominates latency",
			yes:  pipe("duration: 10m\n", "  latency: 60s\n", producer("app", "10/s", "1KiB", evenKeys, ""), kds4, firehoseToLake, lake),
			no:   pipe("duration: 10m\n", "  latency: 10m\n", producer("app", "10/s", "1KiB", evenKeys, ""), kds4, firehoseToLake, lake),
			rule: "firehose-buffer", node: "delivery", sev: pipeline.SeverityWarning,
			has: []string{"the p99 is 5 min against the required 60 s", "flush on the 5 min interval", "Fix: lower delivery.buffer.interval to about 30s"}},
		{name: "too many polling consumers",
			yes: pipe("duration: 10m\n", "", prodEven, kds4, firehoseToLake+
				"  - id: f\n    service: lambda\n    from: stream\n    to: [lake]\n  - id: s\n    service: app\n    from: stream\n    to: [lake]\n", lake),
			no: pipe("duration: 10m\n", "", prodEven, kds4, firehoseToLake+
				"  - id: f\n    service: lambda\n    from: stream\n    read: enhanced-fan-out\n    to: [lake]\n  - id: s\n    service: app\n    from: stream\n    read: enhanced-fan-out\n    to: [lake]\n", lake),
			rule: "polling-consumers", node: "stream", sev: pipeline.SeverityWarning,
			has: []string{"delivery, f and s", "Fix: read with enhanced fan-out"}},
		{name: "idle shards",
			yes:  pipe("duration: 10m\n", "", producer("app", "100/s", "1KiB", evenKeys, ""), kds8, appToLake, lake),
			no:   pipe("duration: 10m\n", "", producer("app", "2000/s", "1KiB", evenKeys, ""), kds4, appToLake, lake),
			rule: "idle", node: "stream", sev: pipeline.SeverityInfo,
			has: []string{"stream's 8 shards peak at 1.3% of their write limit", "Fix: set stream.shards to 1", "saves about $76.65 per month ($10.95 per shard"}},
		{name: "idle Flink KPUs",
			yes:  pipe("duration: 10m\n", "", producer("app", "100/s", "1KiB", evenKeys, ""), kds1, "  - id: agg\n    service: flink\n    from: stream\n    kpus: 8\n    to: [lake]\n", lake),
			no:   pipe("duration: 10m\n", "", producer("app", "900/s", "1KiB", evenKeys, ""), kds1, "  - id: agg\n    service: flink\n    from: stream\n    kpus: 1\n    to: [lake]\n", lake),
			rule: "idle", node: "agg", sev: pipeline.SeverityInfo,
			has: []string{"agg's 8 kpus peak at", "Fix: set agg.kpus to 1: saves about $597.10 per month ($85.30 each)"}},
		{name: "DynamoDB pushback",
			yes:  pipe("duration: 10m\n", "", producer("app", "1000/s", "1KiB", evenKeys, ""), kds4, "  - id: w\n    service: lambda\n    from: stream\n    to: [table]\n", "  - id: table\n    service: dynamodb\n    wcu: 500\n"),
			no:   pipe("duration: 10m\n", "", producer("app", "1000/s", "1KiB", evenKeys, ""), kds4, "  - id: w\n    service: lambda\n    from: stream\n    to: [table]\n", "  - id: table\n    service: dynamodb\n    wcu: 5000\n"),
			rule: "pushback", node: "table", sev: pipeline.SeverityWarning,
			has: []string{"DynamoDB pushback", "500 WCU for about 1,000 write units/s", "w falls behind", "Fix: set table.wcu to at least 1,250"}},
		{name: "OpenSearch pushback",
			yes: pipe("duration: 10m\n", "", producer("app", "5000/s", "1KiB", evenKeys, ""), kds8, "  - id: w\n    service: app\n    from: stream\n    to: [search]\n",
				"  - id: search\n    service: opensearch\n    instances: 1\n    instance_type: t3.medium.search\n"),
			no: pipe("duration: 10m\n", "", producer("app", "5000/s", "1KiB", evenKeys, ""), kds8, "  - id: w\n    service: app\n    from: stream\n    to: [search]\n",
				"  - id: search\n    service: opensearch\n    instances: 2\n    instance_type: r6g.xlarge.search\n"),
			rule: "pushback", node: "search", sev: pipeline.SeverityWarning,
			has: []string{"OpenSearch pushback", "1 × t3.medium.search index about 2.0 MiB/s", "Fix: set search.instances to at least 4", "refresh_interval"}},
		{name: "over budget",
			yes:  pipe("duration: 10m\n", "  budget: $10\n", prodEven, kds4, appToLake, lake),
			no:   pipe("duration: 10m\n", "  budget: $100000\n", prodEven, kds4, appToLake, lake),
			rule: "budget", node: "pipeline", sev: pipeline.SeverityWarning,
			has: []string{"exceeds the $10.00 budget", "the largest items are"}},
		{name: "latency above the requirement",
			yes:  pipe("duration: 10m\n", "  latency: 10s\n", prodEven, kds4, "  - id: agg\n    service: flink\n    from: stream\n    kpus: 2\n    window: 1m\n    to: [lake]\n", lake),
			no:   pipe("duration: 10m\n", "  latency: 5m\n", prodEven, kds4, "  - id: agg\n    service: flink\n    from: stream\n    kpus: 2\n    window: 1m\n    to: [lake]\n", lake),
			rule: "latency", node: "agg", sev: pipeline.SeverityWarning,
			has: []string{"the p99 is 60 s against the required 10 s", "the 60 s agg.window", "Fix: shorten agg.window"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, _ := diagnose(t, load(t, tc.yes))
			f, ok := finding(d, tc.rule, tc.node)
			if !ok {
				t.Fatalf("no %s finding on %s; found %v:\n%s", tc.rule, tc.node, rules(d), messages(d))
			}
			if tc.sev != "" && f.Severity != tc.sev {
				t.Errorf("severity %s, want %s", f.Severity, tc.sev)
			}
			msg := f.Advice().Message
			for _, h := range tc.has {
				if !strings.Contains(msg, h) {
					t.Errorf("message lacks %q:\n%s", h, msg)
				}
			}
			if f.Fix == "" || !strings.Contains(msg, " Fix: ") {
				t.Errorf("no fix in %q", msg)
			}
			d, _ = diagnose(t, load(t, tc.no))
			if f, ok := finding(d, tc.rule, tc.node); ok {
				t.Errorf("fires where it should not: %s", f.Advice().Message)
			}
		})
	}
}

func messages(d *Diagnoser) string {
	var b strings.Builder
	for _, a := range d.Findings() {
		b.WriteString("  " + a.Severity + " " + a.Node + ": " + a.Message + "\n")
	}
	return b.String()
}

// TestDiagnosisHealthy: a pipeline within every limit gets no findings.
func TestDiagnosisHealthy(t *testing.T) {
	d, _ := diagnose(t, load(t, pipe("duration: 10m\n", "  latency: 1m\n", prodEven, kds4, appToLake, lake)))
	if len(d.Findings()) != 0 {
		t.Errorf("findings on a healthy pipeline:\n%s", messages(d))
	}
}

// TestDiagnoserDeterministicAndStable: the same snapshots give the same
// findings, byte for byte; findings keep their first position as the run
// goes on; Finish is idempotent; Observe after Finish is ignored.
func TestDiagnoserDeterministicAndStable(t *testing.T) {
	text := pipe("duration: 10m\n", "  latency: 5s\n  budget: $50\n",
		producer("app", "2500/s", "200B", "{dist: hot, count: 1000, fraction: 0.6}", ""), kds4,
		"  - id: w\n    service: lambda\n    from: stream\n    to: [table]\n", "  - id: table\n    service: dynamodb\n    wcu: 500\n")
	s := load(t, text)
	a, _ := diagnose(t, s)
	b, _ := diagnose(t, s)
	if !reflect.DeepEqual(a.Findings(), b.Findings()) {
		t.Fatalf("two runs differ:\n%s\n%s", messages(a), messages(b))
	}
	if len(a.Findings()) < 3 {
		t.Fatalf("want several findings, got:\n%s", messages(a))
	}

	// Order is by first appearance: a prefix of the final order at every point.
	e, _ := sim.New(s)
	var rt pipeline.Rater
	d := NewDiagnoser(s)
	final := rules(a)
	for !e.Done() {
		e.Step()
		d.Observe(rt.Next(e.Snapshot()))
		got := rules(d)
		for i := range got {
			if i >= len(final) || got[i] != final[i] {
				t.Fatalf("at %v the order %v is not a prefix of the final %v", e.Now(), got, final)
			}
		}
	}
	res := e.Result()
	d.Finish(res.Metrics)
	first := d.Findings()
	d.Finish(res.Metrics)
	d.Observe(rt.Next(e.Snapshot()))
	if !reflect.DeepEqual(first, d.Findings()) {
		t.Error("Finish twice or Observe after Finish changed the findings")
	}
	// Without metrics, Finish still works from the snapshots.
	e, _ = sim.New(s)
	rt = pipeline.Rater{}
	d = NewDiagnoser(s)
	for !e.Done() {
		e.Step()
		d.Observe(rt.Next(e.Snapshot()))
	}
	d.Finish(nil)
	if _, ok := finding(d, "hot-key", "stream"); !ok {
		t.Errorf("Finish(nil) lost the hot key:\n%s", messages(d))
	}
	if _, ok := finding(d, "budget", "pipeline"); !ok {
		t.Errorf("Finish(nil) misses the budget from the snapshot's cost:\n%s", messages(d))
	}
}

// TestDiagnoserTimeline: settings the timeline changes are applied as the
// snapshots pass their time (here the retention that projections use).
func TestDiagnoserTimeline(t *testing.T) {
	text := pipe("duration: 10m\n", "", producer("app", "2000/s", "1KiB", evenKeys, ""), kds4,
		"  - id: c\n    service: app\n    from: stream\n    capacity: 1500/s\n    to: [lake]\n", lake) +
		"timeline:\n  - at: 1m\n    set: {stream.retention: 7d}\n"
	d, _ := diagnose(t, load(t, text))
	f, ok := finding(d, "iterator-age", "c")
	if !ok || !strings.Contains(f.Problem, "reaches the 7 d retention") {
		t.Errorf("the projection should use the retention set at 1m: %+v", f)
	}
}

// A table with enough WCU on average still refuses a Flink window's results
// landing in one second: the finding says bursts, and does not ask for the
// WCU the table already has.
func TestDynamoDBBurstPushback(t *testing.T) {
	src := func(window, ckpt string) string {
		return `version: 1
name: ddb-burst
duration: 10m
producers:
  - id: p
    rate: 1000/s
    record_size: 200B
    keys: {dist: uniform, count: 100000}
    to: [s]
storage:
  - id: s
    service: kinesis-data-streams
    shards: 2
consumers:
  - id: f
    service: flink
    from: s
    read: enhanced-fan-out
    window: ` + window + `
    checkpoint: ` + ckpt + `
    to: [t]
destinations:
  - id: t
    service: dynamodb
    wcu: 2000
`
	}
	load := func(s string) *pipeline.Scenario {
		sc, err := pipeline.Load("burst.yaml", []byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return sc
	}
	d, res := diagnose(t, load(src("10s", "60s")))
	f, ok := finding(d, "pushback", "t")
	if !ok {
		t.Fatalf("no pushback finding; t.throttled_records = %.0f; findings %v", res.Metrics["t.throttled_records"], rules(d))
	}
	if !strings.Contains(f.Problem, "in bursts") || strings.Contains(f.Fix, "wcu to at least 2,") {
		t.Errorf("finding %q / fix %q: want bursts, and no WCU the table already has", f.Problem, f.Fix)
	}
	// Without windows or checkpoint pauses the writes are steady at half the WCU.
	if d, _ := diagnose(t, load(src("0s", "0s"))); func() bool { _, ok := finding(d, "pushback", "t"); return ok }() {
		t.Error("a steady writer well under the table's WCU got a pushback finding")
	}
}
