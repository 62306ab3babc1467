package advice

import (
	"regexp"
	"strings"
	"testing"

	"github.com/streamsim/streamsim/pipeline"
)

// rec finds the recommendation of a kind on a node ("" = any node) whose
// Choice contains choice ("" = any).
func rec(recs []Recommendation, kind Kind, node, choice string) (Recommendation, bool) {
	for _, r := range recs {
		if r.Kind == kind && (node == "" || r.Node == node) && strings.Contains(r.Choice, choice) {
			return r, true
		}
	}
	return Recommendation{}, false
}

// flag finds a flag whose Why contains why.
func flag(recs []Recommendation, why string) (Recommendation, bool) {
	for _, r := range recs {
		if r.Kind == KindFlag && strings.Contains(r.Why, why) {
			return r, true
		}
	}
	return Recommendation{}, false
}

func producer(id, rate, size, keys, pattern string) string {
	s := "  - id: " + id + "\n    rate: " + rate + "\n    record_size: " + size + "\n    keys: " + keys + "\n"
	if pattern != "" {
		s += "    pattern: " + pattern + "\n"
	}
	return s + "    to: [stream]\n"
}

const (
	evenKeys = "{dist: uniform, count: 2000}"
	spike    = "{shape: spike, at: 2m, for: 2m, factor: 6}"
)

func mskNode(extra string) string {
	return "  - id: stream\n    service: msk\n    broker_type: express.m7g.large\n" + extra
}

// TestSelectStorage: each storage rule (SELECT-*) on a scenario that should
// trigger it, and on one that should not.
func TestSelectStorage(t *testing.T) {
	for _, tc := range []struct {
		name, yaml string
		choice     string // the storage choice must contain it
		why        string // and its Why
		not        string // the storage choice must not contain it
	}{
		{name: "steady traffic → provisioned KDS",
			yaml:   pipe("", "", producer("app", "2000/s", "1KiB", evenKeys, ""), kds4, firehoseToLake, lake),
			choice: "Kinesis Data Streams, provisioned, 2 shards", why: "predictable", not: "on-demand"},
		{name: "spiky traffic → on-demand KDS",
			yaml:   pipe("", "", producer("app", "1000/s", "1KiB", evenKeys, spike), kds4, firehoseToLake, lake),
			choice: "on-demand", why: "3x the average"},
		{name: "spiky but skewed keys → provisioned",
			yaml:   pipe("", "", producer("app", "1000/s", "1KiB", "{dist: zipf, count: 1000}", spike), kds4, firehoseToLake, lake),
			choice: "provisioned", not: "on-demand"},
		{name: "throughput 50 MiB/s → at least 50 shards",
			yaml:   pipe("", "  throughput: 50MiB/s\n", producer("app", "500/s", "64KiB", evenKeys, ""), kds4, firehoseToLake, lake),
			choice: "provisioned, 50 shards", why: "throughput 50.0 MiB/s, 800 records/s → at least 50 provisioned shards"},
		{name: "existing Kafka and 30 d retention → MSK Express",
			yaml:   pipe("", "  existing_kafka: true\n  retention: 30d\n", producer("app", "2000/s", "1KiB", evenKeys, ""), kds4, firehoseToLake, lake),
			choice: "MSK provisioned, Express brokers: 3 × express.m7g.large", why: "existing Kafka and 30 d retention → MSK"},
		{name: "no Kafka → not MSK",
			yaml:   pipe("", "  retention: 30d\n", producer("app", "2000/s", "1KiB", evenKeys, ""), kds4, firehoseToLake, lake),
			choice: "Kinesis Data Streams", not: "MSK"},
		{name: "Kafka and spiky → MSK Serverless",
			yaml:   pipe("", "  existing_kafka: true\n", producer("app", "1000/s", "1KiB", evenKeys, spike), mskNode(""), firehoseToLake, lake),
			choice: "MSK Serverless", why: "within Serverless's 200 MB/s"},
		{name: "Kafka and steady → not Serverless",
			yaml:   pipe("", "  existing_kafka: true\n", producer("app", "1000/s", "1KiB", evenKeys, ""), mskNode(""), firehoseToLake, lake),
			choice: "Express", not: "Serverless"},
		{name: "Kafka with replication 2 → Standard brokers",
			yaml:   pipe("", "  existing_kafka: true\n", producer("app", "1000/s", "1KiB", evenKeys, ""), "  - id: stream\n    service: msk\n    replication: 2\n", firehoseToLake, lake),
			choice: "Standard brokers", why: "replication 2 needs Standard brokers", not: "Express"},
		{name: "retention beyond 365 days → MSK",
			yaml:   pipe("", "  retention: 400d\n", producer("app", "2000/s", "1KiB", evenKeys, ""), kds4, firehoseToLake, lake),
			choice: "MSK", why: "beyond Kinesis's 365 d maximum"},
		{name: "video → Kinesis Video Streams",
			yaml: pipe("", "", "  - id: cams\n    rate: 20/s\n    record_size: 500KiB\n    keys: {dist: uniform, count: 4}\n    to: [video]\n",
				"  - id: video\n    service: kinesis-video-streams\n    streams: 4\n", "  - id: frames\n    service: app\n    from: video\n    to: [lake]\n", lake),
			choice: "Kinesis Video Streams, 4 streams", why: "12.5 MB/s and 5 PutMedia calls/s"},
		{name: "Direct PUT within the quota → no stream",
			yaml: pipe("", "", "  - id: app\n    rate: 100/s\n    to: [delivery]\n", "",
				"  - id: delivery\n    service: firehose\n    to: [lake]\n", lake),
			choice: "no stream: Direct PUT"},
		{name: "Direct PUT with replay → a stream",
			yaml: pipe("", "  retention: 3d\n", "  - id: app\n    rate: 100/s\n    to: [delivery]\n", "",
				"  - id: delivery\n    service: firehose\n    to: [lake]\n", lake),
			choice: "Kinesis Data Streams in front", not: "Direct PUT into"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			recs := Select(load(t, tc.yaml))
			r, ok := rec(recs, KindStorage, "", "")
			if !ok {
				t.Fatalf("no storage recommendation: %+v", recs)
			}
			if !strings.Contains(r.Choice, tc.choice) {
				t.Errorf("choice %q lacks %q", r.Choice, tc.choice)
			}
			if tc.why != "" && !strings.Contains(r.Rule+"; "+r.Why, tc.why) {
				t.Errorf("rule and why %q lack %q", r.Rule+"; "+r.Why, tc.why)
			}
			if tc.not != "" && strings.Contains(r.Choice, tc.not) {
				t.Errorf("choice %q should not contain %q", r.Choice, tc.not)
			}
			if !citesRule(r.Rule, "") {
				t.Errorf("rule %q cites no rule of the rule book", r.Rule)
			}
		})
	}
}

// TestExpressSize follows AWS's sizing example (MSK-EXPRESS-SIZING): 100 MBps in with 5
// consumer groups → 500 MBps out → 6 × express.m7g.2xlarge.
func TestExpressSize(t *testing.T) {
	b, n := expressSize(100e6, 5)
	if b.Name != "express.m7g.2xlarge" || n != 6 {
		t.Errorf("expressSize(100 MB/s, 5 groups) = %d × %s, want 6 × express.m7g.2xlarge", n, b.Name)
	}
	if b, n := expressSize(5e6, 1); b.Name != "express.m7g.large" || n != 3 {
		t.Errorf("expressSize(5 MB/s, 1 group) = %d × %s, want 3 × express.m7g.large", n, b.Name)
	}
}

func TestKDSShardsFor(t *testing.T) {
	for _, tc := range []struct {
		recs, bytes float64
		polling     int
		want        int
		why         string
	}{
		{3000, 3000 * 200, 1, 3, "records/s"},
		{800, 50 * pipeline.MiB, 1, 50, "1 MiB/s per shard"},
		{1000, 1.5 * pipeline.MiB, 3, 3, "polling consumers"},
		{0, 0, 0, 1, ""},
	} {
		n, why := kdsShardsFor(tc.recs, tc.bytes, tc.polling)
		if n != tc.want || !strings.Contains(why, tc.why) {
			t.Errorf("kdsShardsFor(%v, %v, %d) = %d (%s), want %d (%s)", tc.recs, tc.bytes, tc.polling, n, why, tc.want, tc.why)
		}
	}
}

func TestSelectConsumers(t *testing.T) {
	dynamo := "  - id: table\n    service: dynamodb\n    mode: on-demand\n"
	for _, tc := range []struct {
		name, yaml string
		node       string // the consumer the recommendation is about
		choice     string
		keep       bool
	}{
		{name: "S3, no transformations, minutes of latency → Firehose",
			yaml: pipe("", "  latency: 10m\n", prodEven, kds4, firehoseToLake, lake), node: "delivery", choice: "Amazon Data Firehose → s3", keep: true},
		{name: "S3 with a 5 s p99 → Lambda, not Firehose",
			yaml: pipe("", "  latency: 5s\n", prodEven, kds4, firehoseToLake, lake), node: "delivery", choice: "Lambda → s3", keep: false},
		{name: "DynamoDB → Lambda",
			yaml: pipe("", "", prodEven, kds4, "  - id: writer\n    service: lambda\n    from: stream\n    to: [table]\n", dynamo), node: "writer", choice: "Lambda → dynamodb", keep: true},
		{name: "windows → Flink",
			yaml: pipe("", "", prodEven, kds4, "  - id: agg\n    service: flink\n    from: stream\n    window: 1m\n    to: [lake]\n", lake), node: "agg", choice: "Managed Service for Apache Flink → s3", keep: true},
		{name: "transformations → Firehose with a Lambda transform",
			yaml: pipe("", "  transformations: true\n", prodEven, kds4, firehoseToLake, lake), node: "delivery", choice: "Firehose with a Lambda transform → s3", keep: false},
		{name: "transformations with a transform → keep",
			yaml: pipe("", "  transformations: true\n", prodEven, kds4, "  - id: delivery\n    service: firehose\n    from: stream\n    transform: {lambda: true}\n    to: [lake]\n", lake),
			node: "delivery", choice: "Firehose with a Lambda transform → s3", keep: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			recs := Select(load(t, tc.yaml))
			r, ok := rec(recs, KindConsumer, tc.node, "")
			if !ok {
				t.Fatalf("no consumer recommendation for %s: %+v", tc.node, recs)
			}
			if r.Choice != tc.choice || r.Keep != tc.keep {
				t.Errorf("got %q keep=%v, want %q keep=%v (why: %s)", r.Choice, r.Keep, tc.choice, tc.keep, r.Why)
			}
			if !citesRule(r.Rule, "SELECT-") {
				t.Errorf("rule %q cites no SELECT rule", r.Rule)
			}
		})
	}
}

func TestSelectReadModes(t *testing.T) {
	three := firehoseToLake +
		"  - id: fraud\n    service: lambda\n    from: stream\n    to: [lake]\n" +
		"  - id: stats\n    service: app\n    from: stream\n    to: [lake]\n"
	recs := Select(load(t, pipe("", "", prodEven, kds4, three, lake)))
	for node, want := range map[string]string{"delivery": "polling", "fraud": "enhanced fan-out", "stats": "enhanced fan-out"} {
		r, ok := rec(recs, KindReadMode, node, "")
		if !ok || !strings.HasPrefix(r.Choice, want) {
			t.Errorf("%s: read mode %q, want %s", node, r.Choice, want)
		}
		if want != "polling" && !strings.Contains(r.Why, "3 consumers on stream") {
			t.Errorf("%s: why %q does not say 3 consumers share the stream", node, r.Why)
		}
	}
	// One consumer: polling, with the price of EFO.
	recs = Select(load(t, pipe("", "", prodEven, kds4, "  - id: fraud\n    service: lambda\n    from: stream\n    to: [lake]\n", lake)))
	if r, _ := rec(recs, KindReadMode, "fraud", ""); !strings.HasPrefix(r.Choice, "polling") || !r.Keep || !strings.Contains(r.Why, "per month") {
		t.Errorf("single consumer: %+v", r)
	}
	// A 150 ms p99 needs EFO even for one consumer.
	recs = Select(load(t, pipe("", "  latency: 150ms\n", prodEven, kds4, "  - id: fraud\n    service: lambda\n    from: stream\n    to: [lake]\n", lake)))
	if r, _ := rec(recs, KindReadMode, "fraud", ""); !strings.HasPrefix(r.Choice, "enhanced fan-out") || r.Keep {
		t.Errorf("150 ms p99: %+v", r)
	}
}

// TestSelectFlags: each flag on a scenario that should raise it and one that should not.
func TestSelectFlags(t *testing.T) {
	direct := func(rate, size string) string {
		return "  - id: app\n    rate: " + rate + "\n    record_size: " + size + "\n    to: [delivery]\n"
	}
	for _, tc := range []struct {
		name      string
		yes, no   string // scenarios that raise the flag and do not
		why, sev  string
		choiceHas string
	}{
		{name: "latency vs Firehose buffer",
			yes: pipe("", "  latency: 500ms\n", producer("app", "10/s", "1KiB", evenKeys, ""), kds4, firehoseToLake, lake),
			no:  pipe("", "  latency: 20m\n", producer("app", "10/s", "1KiB", evenKeys, ""), kds4, firehoseToLake, lake),
			why: "a 500 ms p99 cannot be met through delivery", sev: crit, choiceHas: "Lambda or Flink"},
		{name: "latency vs Flink window",
			yes: pipe("", "  latency: 5s\n", prodEven, kds4, "  - id: agg\n    service: flink\n    from: stream\n    window: 1m\n    to: [lake]\n", lake),
			no:  pipe("", "  latency: 5m\n", prodEven, kds4, "  - id: agg\n    service: flink\n    from: stream\n    window: 1m\n    to: [lake]\n", lake),
			why: "a 5 s p99 cannot be met through a 60 s window", sev: crit},
		{name: "latency vs polling delay",
			yes: pipe("", "  latency: 150ms\n", prodEven, kds4, "  - id: f\n    service: lambda\n    from: stream\n    to: [lake]\n", lake),
			no:  pipe("", "  latency: 150ms\n", prodEven, kds4, "  - id: f\n    service: lambda\n    from: stream\n    read: enhanced-fan-out\n    to: [lake]\n", lake),
			why: "a record takes to reach 1 polling consumer", sev: warn, choiceHas: "enhanced fan-out"},
		{name: "retention beyond Kinesis's maximum",
			yes: pipe("", "  retention: 400d\n", prodEven, kds4, firehoseToLake, lake),
			no:  pipe("", "  retention: 24h\n", prodEven, kds4, firehoseToLake, lake),
			why: "Kinesis keeps records for at most 365 days", sev: crit},
		{name: "stream retention shorter than required",
			yes: pipe("", "  retention: 7d\n", prodEven, kds4, firehoseToLake, lake),
			no:  pipe("", "  retention: 7d\n", prodEven, kds4+"    retention: 7d\n", firehoseToLake, lake),
			why: "stream keeps records for 24 h, less than the required 7 d", sev: warn, choiceHas: "set stream.retention: 7d"},
		{name: "MSK storage for the retention",
			yes: pipe("", "", prodEven, "  - id: stream\n    service: msk\n    retention: 30d\n    storage: 100GiB\n", firehoseToLake, lake),
			no:  pipe("", "", prodEven, "  - id: stream\n    service: msk\n    retention: 1d\n    storage: 1000GiB\n", firehoseToLake, lake),
			why: "of retention at 2.0 MiB/s with replication 3 needs", sev: warn},
		{name: "MSK Serverless over 200 MB/s",
			yes: pipe("", "", producer("app", "300/s", "1MiB", evenKeys, ""), "  - id: stream\n    service: msk-serverless\n    partitions: 100\n", firehoseToLake, lake),
			no:  pipe("", "", producer("app", "100/s", "1MiB", evenKeys, ""), "  - id: stream\n    service: msk-serverless\n    partitions: 100\n", firehoseToLake, lake),
			why: "exceeds MSK Serverless's 200 MB/s", sev: crit},
		{name: "too few shards for the peak",
			yes: pipe("", "", producer("app", "6000/s", "1KiB", evenKeys, ""), kds4, firehoseToLake, lake),
			no:  pipe("", "", producer("app", "3000/s", "1KiB", evenKeys, ""), kds4, firehoseToLake, lake),
			why: "4 shards carry 4.0 MiB/s; the peak needs 6", sev: warn, choiceHas: "at least 6"},
		{name: "on-demand surge beyond 4 MB/s",
			yes: pipe("", "", producer("app", "8000/s", "1KiB", evenKeys, ""), "  - id: stream\n    service: kinesis-data-streams\n    mode: on-demand\n", firehoseToLake, lake),
			no:  pipe("", "", producer("app", "2000/s", "1KiB", evenKeys, ""), "  - id: stream\n    service: kinesis-data-streams\n    mode: on-demand\n", firehoseToLake, lake),
			why: "a new on-demand stream takes 4 MB/s", sev: warn},
		{name: "a hot key over a shard's limit",
			yes: pipe("", "", producer("app", "2500/s", "1KiB", "{dist: hot, count: 100, fraction: 0.6}", ""), kds4, firehoseToLake, lake),
			no:  pipe("", "", producer("app", "1000/s", "1KiB", "{dist: hot, count: 100, fraction: 0.6}", ""), kds4, firehoseToLake, lake),
			why: "1,500 records/s (1.5 MiB/s); a shard takes 1,000 records/s and 1 MiB/s whatever the shard count", sev: crit, choiceHas: "salt the key"},
		{name: "budget below the provisioned capacity",
			yes: pipe("", "  budget: $100\n", prodEven, kds4, "  - id: agg\n    service: flink\n    from: stream\n    kpus: 4\n    to: [lake]\n", lake),
			no:  pipe("", "  budget: $5000\n", prodEven, kds4, "  - id: agg\n    service: flink\n    from: stream\n    kpus: 4\n    to: [lake]\n", lake),
			why: "above the $100.00 budget", sev: crit},
		{name: "a delivery target missing from the graph",
			yes: pipe("", "  delivery: [s3, redshift]\n", prodEven, kds4, firehoseToLake, lake),
			no:  pipe("", "  delivery: [s3]\n", prodEven, kds4, firehoseToLake, lake),
			why: "data must reach redshift, but no destination", sev: crit},
		{name: "per-key ordering with random keys",
			yes: pipe("", "  ordering: per-key\n", producer("app", "100/s", "1KiB", "{dist: random}", ""), kds4, firehoseToLake, lake),
			no:  pipe("", "  ordering: per-key\n", producer("app", "100/s", "1KiB", evenKeys, ""), kds4, firehoseToLake, lake),
			why: "draws a random key for every record", sev: crit},
		{name: "records larger than MSK Serverless takes",
			yes: pipe("", "", producer("app", "1/s", "9MiB", evenKeys, ""), "  - id: stream\n    service: msk-serverless\n", "  - id: c\n    service: app\n    from: stream\n    to: [lake]\n", lake),
			no:  pipe("", "", producer("app", "1/s", "4MiB", evenKeys, ""), "  - id: stream\n    service: msk-serverless\n", "  - id: c\n    service: app\n    from: stream\n    to: [lake]\n", lake),
			why: "which takes at most 8.0 MiB", sev: crit},
		{name: "transformations nobody does",
			yes: pipe("", "  transformations: true\n", prodEven, kds4, firehoseToLake, lake),
			no:  pipe("", "  transformations: true\n", prodEven, kds4, "  - id: delivery\n    service: firehose\n    from: stream\n    transform: {lambda: true}\n    to: [lake]\n", lake),
			why: "records must be transformed, but no consumer does", sev: warn},
		{name: "Direct PUT over its quota",
			yes: pipe("", "", direct("8000/s", "1KiB"), "", "  - id: delivery\n    service: firehose\n    to: [lake]\n", lake),
			no:  pipe("", "", direct("1000/s", "1KiB"), "", "  - id: delivery\n    service: firehose\n    to: [lake]\n", lake),
			why: "by Direct PUT", sev: warn},
		{name: "Flink KPUs below the load",
			yes: pipe("", "", producer("app", "6000/s", "1KiB", evenKeys, ""), "  - id: stream\n    service: kinesis-data-streams\n    shards: 8\n", "  - id: agg\n    service: flink\n    from: stream\n    kpus: 2\n    to: [lake]\n", lake),
			no:  pipe("", "", producer("app", "1000/s", "1KiB", evenKeys, ""), "  - id: stream\n    service: kinesis-data-streams\n    shards: 8\n", "  - id: agg\n    service: flink\n    from: stream\n    kpus: 2\n    to: [lake]\n", lake),
			why: "2 kpus of agg process about 4.0 MiB/s", sev: warn},
		{name: "a hot key over a DynamoDB partition",
			yes: pipe("", "", producer("app", "3000/s", "512B", "{dist: hot, count: 100, fraction: 0.5}", ""), kds4, "  - id: w\n    service: lambda\n    from: stream\n    to: [table]\n", "  - id: table\n    service: dynamodb\n    wcu: 5000\n"),
			no:  pipe("", "", producer("app", "3000/s", "512B", evenKeys, ""), kds4, "  - id: w\n    service: lambda\n    from: stream\n    to: [table]\n", "  - id: table\n    service: dynamodb\n    wcu: 5000\n"),
			why: "the busiest key alone needs 1,500 write units/s", sev: crit},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, ok := flag(Select(load(t, tc.yes)), tc.why)
			if !ok {
				var got []string
				for _, x := range Select(load(t, tc.yes)) {
					if x.Kind == KindFlag {
						got = append(got, x.Why)
					}
				}
				t.Fatalf("no flag with %q; flags:\n%s", tc.why, strings.Join(got, "\n"))
			}
			if r.Severity != tc.sev {
				t.Errorf("severity %s, want %s", r.Severity, tc.sev)
			}
			if tc.choiceHas != "" && !strings.Contains(r.Choice, tc.choiceHas) {
				t.Errorf("choice %q lacks %q", r.Choice, tc.choiceHas)
			}
			if r.Rule == "" {
				t.Error("no rule")
			}
			// The numbers differ in the scenario that should not raise it.
			for _, r := range Select(load(t, tc.no)) {
				if r.Kind == KindFlag && sameRule(r, tc.why) {
					t.Errorf("raised where it should not be: %s", r.Why)
				}
			}
		})
	}
}

// sameRule reports whether a flag's text contains why, numbers aside.
func sameRule(r Recommendation, why string) bool {
	strip := func(s string) string {
		return strings.Map(func(c rune) rune {
			if c >= '0' && c <= '9' || c == ',' || c == '.' {
				return -1
			}
			return c
		}, s)
	}
	return strings.Contains(strip(r.Why), strip(why))
}

func TestSelectIsDeterministic(t *testing.T) {
	text := pipe("", "  latency: 5s\n  budget: $100\n  delivery: [s3, redshift]\n", prodEven, kds4, firehoseToLake, lake)
	a, b := Select(load(t, text)), Select(load(t, text))
	if len(a) != len(b) {
		t.Fatal("different lengths")
	}
	for i := range a {
		if a[i] != b[i] {
			t.Errorf("recommendation %d differs:\n%+v\n%+v", i, a[i], b[i])
		}
	}
}

var citedID = regexp.MustCompile(`\b[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+\b`)

// citesRule reports whether text cites a rule-book id that starts with prefix.
func citesRule(text, prefix string) bool {
	for _, id := range citedID.FindAllString(text, -1) {
		if _, ok := pipeline.LookupRule(id); ok && strings.HasPrefix(id, prefix) {
			return true
		}
	}
	return false
}
