package pipeline

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// badFiles maps each file of testdata/bad to one problem it must report, written
// "line:col: path: message substring" (the file name is prefixed by the test).
var badFiles = map[string]string{
	"bad-unit.yaml":                   `5:11: producers[0].rate: "2000/sec": expected a rate such as 2000/s or 5MiB/s`,
	"negative-rate.yaml":              `5:11: producers[0].rate: "-5/s": expected a rate such as 2000/s`,
	"hex-shards.yaml":                 `10:13: storage[0].shards: "0x10": expected an integer`,
	"bare-number-duration.yaml":       `3:11: duration: "90": expected a duration such as 500ms`,
	"unknown-key.yaml":                `10:5: storage[0].shard: unknown key "shard"; did you mean "shards"?`,
	"unknown-service.yaml":            `9:14: storage[0].service: unknown service "kinesis"; did you mean "kinesis-data-streams"?`,
	"service-in-wrong-list.yaml":      `13:14: consumers[0].service: s3 is one of the destinations, not consumers; consumers may use firehose, flink, glue-streaming, emr, lambda, app`,
	"producer-with-service.yaml":      `5:5: producers[0].service: producers have no service; say what they are with kind:`,
	"dangling-from.yaml":              `14:11: consumers[0].from: no node "clikcs"; did you mean "clicks"?`,
	"dangling-to.yaml":                `15:10: consumers[0].to[0]: no node "laek"; did you mean "lake"?`,
	"duplicate-id.yaml":               `19:9: destinations[1].id: duplicate id "clicks" (first used at line 8)`,
	"cycle.yaml":                      `8:9: storage[0]: cycle: clicks → enrich → enriched → loop → clicks`,
	"glue-into-video.yaml":            `16:10: consumers[0].to[0]: AWS does not offer glue-streaming writing into kinesis-video-streams (cameras)`,
	"zero-shards.yaml":                `10:13: storage[0].shards: 0: out of range; Kinesis allows 1..20000 shards per stream (account quota)`,
	"too-many-shards.yaml":            `10:13: storage[0].shards: 100000: out of range; Kinesis allows 1..20000 shards per stream (account quota)`,
	"retention-too-short.yaml":        `10:16: storage[0].retention: 1h: out of range; Kinesis keeps records for 24h..365d`,
	"kinesis-5mib-record.yaml":        `6:18: producers[0].record_size: a 5MiB record does not fit Kinesis stream clicks: records are at most 1MiB by default; set max_record_size on clicks (up to 10MiB)`,
	"firehose-direct-put-5mib.yaml":   `6:38: producers[0].record_size.max: a 5MiB record does not fit Firehose delivery: Direct PUT records are at most 1000KiB`,
	"firehose-interval-2000s.yaml":    `15:36: consumers[0].buffer.interval: 2000s: out of range; Firehose buffers for 0s..900s`,
	"firehose-opensearch-buffer.yaml": `15:20: consumers[0].buffer.size: Firehose buffers at most 100MiB for OpenSearch`,
	"firehose-two-destinations.yaml":  `15:16: consumers[0].to: a Firehose stream delivers to exactly one destination`,
	"parquet-small-buffer.yaml":       `15:20: consumers[0].buffer.size: format parquet needs buffer.size of at least 64MiB`,
	"parquet-to-redshift.yaml":        `17:10: consumers[0].to[0]: format orc delivers to S3 only; warehouse is redshift`,
	"bad-enum.yaml":                   `15:13: consumers[0].format: "avro": expected one of json, parquet, orc`,
	"lambda-batch-window.yaml":        `15:19: consumers[0].batch_window: 400s: out of range; Lambda waits 0s..300s to fill a batch`,
	"efo-on-msk.yaml":                 `14:11: consumers[0].read: enhanced fan-out is a Kinesis Data Streams feature; payments is msk`,
	"efo-on-firehose.yaml":            `14:11: consumers[0].read: Amazon Data Firehose reads a Kinesis stream by polling (FH-KDS-POLLING): it cannot use enhanced fan-out; expected polling`,
	"unknown-metric.yaml":             `21:5: expect[1]: "pipeline.happiness > 3": unknown metric "pipeline.happiness"`,
	"misspelt-metric.yaml":            `20:5: expect[0]: "pipeline.lost_record == 0": unknown metric "pipeline.lost_record" (did you mean "pipeline.lost_records"?)`,
	"expect-missing-node.yaml":        `20:5: expect[0]: "clics.throttled_records == 0": unknown metric "clics.throttled_records" (no node "clics"; did you mean "clicks"?)`,
	"bad-operator.yaml":               `20:5: expect[0]: "pipeline.lost_records =< 0": operator "=<": expected one of < <= > >= == !=`,
	"missing-version.yaml":            `1:1: version: missing version: add version: 1`,
	"version-2.yaml":                  `1:10: version: version "2" is not supported: this streamsim reads version 1`,
	"bad-name.yaml":                   `2:7: name: "Retail_Clicks": expected lower-case letters, digits and dashes`,
	"tick-1ms.yaml":                   `3:7: tick: 1ms: too fine; the shortest tick is 10ms`,
	"tick-longer-than-duration.yaml":  `4:1: tick: tick 1m is longer than the run (duration 10s)`,
	"alias-bomb.yaml":                 `4:14: aliases (*lol0) are not supported in scenario files`,
	"alias.yaml":                      `23:5: aliases (*change) are not supported in scenario files`,
	"deep-nesting.yaml":               `4:42: nested deeper than 32 levels`,
	"not-a-map.yaml":                  `1:1: expected a scenario: a mapping with version, name, producers…, got a list`,
	"empty.yaml":                      `1:1: empty file: expected a scenario`,
	"only-comments.yaml":              `1:1: empty file: expected a scenario`,
	"tabs.yaml":                       `4:1: invalid YAML: found a tab; indent with spaces only`,
	"invalid-yaml.yaml":               `4:3: invalid YAML: could not find flow mapping end token '}'`,
	"two-documents.yaml":              `19:1: a scenario file holds one YAML document`,
	"duplicate-key.yaml":              `6:5: producers[0].rate: duplicate key "rate" (first at line 5)`,
	"timeline-unknown-node.yaml":      `21:11: timeline[0].set.wbe.rate: no node "wbe"; did you mean "web"?`,
	"timeline-non-numeric-key.yaml":   `21:11: timeline[0].set.delivery.format: format cannot change while running: only numeric keys (and mode, read) can be set`,
	"timeline-bad-value.yaml":         `21:26: timeline[0].set.clicks.shards: 0: out of range; Kinesis allows 1..20000`,
	"timeline-missing-at.yaml":        `20:5: timeline[0]: missing at:`,
	"fail-unknown-node.yaml":          `21:11: timeline[0].fail: no node "analytics"`,
	"direct-put-and-from.yaml":        `14:11: consumers[0].from: delivery reads from clicks and also takes Direct PUT from web`,
	"no-producer.yaml":                `1:1: producers: at least one producer is required`,
	"producer-writes-nowhere.yaml":    `4:9: producers[0].to: producer web writes nowhere`,
	"producer-to-s3.yaml":             `6:10: producers[0].to[0]: web cannot write to lake (s3): producers write to a stream`,
	"missing-rate.yaml":               `4:9: producers[0].rate: missing rate: expected a rate such as 2000/s or 5MiB/s`,
	"consumer-no-source.yaml":         `12:9: consumers[0]: consumer analytics has no source`,
	"storage-with-to.yaml":            `10:5: storage[0].to: storage nodes have no to`,
	"msk-replication.yaml":            `11:18: storage[0].replication: replication 3 needs at least 3 brokers; payments has 2`,
	"msk-five-brokers.yaml":           `10:14: storage[0].brokers: 5 brokers: MSK spreads brokers evenly over the Availability Zones, so the count must be a multiple of 2 or 3`,
	"msk-too-many-partitions.yaml":    `12:17: storage[0].partitions: 500 partitions × replication 3 = 1500 partition replicas; 3 kafka.t3.small brokers hold at most 1350`,
	"ramp-without-to.yaml":            `6:22: producers[0].pattern: a ramp needs to:`,
	"record-size-max-below-mean.yaml": `6:36: producers[0].record_size.max: max 1KiB is smaller than the mean record size 4KiB`,
	"keys-count-with-random.yaml":     `6:33: producers[0].keys.count: keys.count does not apply when keys.dist is random`,
	"requirements-bad-ordering.yaml":  `4:13: requirements.ordering: "total": expected one of none, per-key`,
	"lesson-missing-say.yaml":         `21:7: lesson.steps[0]: missing say`,
	"many-problems.yaml":              `17:24: consumers[0].buffer.interval: 2000s: out of range`,
	"title-escape.yaml":               `3:8: title: "Clicks \x1b]52;c;aGk=\a now" holds a control character (\x1b at character 8): expected a one-line title`,
	"title-bidi.yaml":                 `3:8: title: "invoice\u202efdp.exe" holds an invisible formatting character (\u202e at character 8)`,
	"title-newline.yaml":              `3:8: title: "done\nPASS  all expectations hold" holds a line break (\n at character 5)`,
	"key-escape.yaml":                 `6:5: producers[0]: key "rate\x1b[2J" holds a control character (\x1b at character 5): expected a plain key`,
	"expect-vtab.yaml":                `19:5: expect[0]: "pipeline.lost_records\v== 0" holds a control character (\x0b at character 22)`,
	"expect-nel.yaml":                 `19:5: expect[0]: "pipeline.lost_records\u0085== 0" holds a control character (\x85 at character 22)`,
	"leading-zero.yaml":               `10:13: storage[0].shards: "017": an integer with a leading zero is ambiguous (YAML 1.1 reads 017 as octal 15); write 17`,
	"timeline-after-end.yaml":         `20:10: timeline[0].at: 2h is not before the run ends (duration 1h): this change would never happen`,
	"lesson-escape.yaml":              `20:12: lesson.steps[0].say: "Watch shard 3\x1b[2J and see" holds a control character (\x1b at character 14)`,
	"series-mixed-units.yaml":         `6:32: producers[0].pattern.series[1]: 1MiB/s: the points of a series must all be records or all bytes per second`,
	"series-bytes-vs-rate.yaml":       `6:23: producers[0].pattern.series: the series' points and rate 2000/s must both be records or both bytes per second`,
	"series-with-diurnal.yaml":        `6:39: producers[0].pattern.series: pattern.series does not apply when pattern.shape is diurnal`,
	"shares-sum.yaml":                 `6:20: producers[0].keys.shares: the shares add up to 90%; they must add up to 100%`,
	"shares-count.yaml":               `8:20: producers[0].keys.hash_ranges: 2 hash ranges for 3 shares: give the range of each share's shard`,
	"hash-ranges-gap.yaml":            `13:10: storage[0].hash_ranges[1][0]: the range starts at 170141183460469231731687303715884105729, but the one before ends at`,
	"hash-ranges-count.yaml":          `12:7: storage[0].hash_ranges: 2 hash ranges for 3 shards: give one range per shard`,
	"hash-ranges-on-demand.yaml":      `11:18: storage[0].hash_ranges: hash_ranges apply to a provisioned stream; clicks is on-demand`,
	"hash-range-too-large.yaml":       `10:25: storage[0].hash_ranges[0][1]: "340282366920938463463374607431768211456": expected a decimal hash key`,
}

func TestBadFiles(t *testing.T) {
	files, err := filepath.Glob("testdata/bad/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 30 {
		t.Errorf("only %d bad files", len(files))
	}
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			want, ok := badFiles[name]
			if !ok {
				t.Fatalf("%s has no expected problem in badFiles", name)
			}
			start := time.Now()
			s, err := loadTestFile(t, f)
			if took := time.Since(start); took > time.Second {
				t.Errorf("took %v", took)
			}
			if err == nil {
				t.Fatalf("loads without problems: %+v", s)
			}
			if s != nil {
				t.Error("a scenario is returned with the problems")
			}
			var ps Problems
			if !errors.As(err, &ps) {
				t.Fatalf("error is %T, not Problems: %v", err, err)
			}
			if !hasProblem(ps, name+":"+want) {
				t.Errorf("no problem\n  %s:%s\nin\n%v", name, want, err)
			}
			for _, p := range ps {
				if p.File != name || p.Pos.Line < 1 || p.Pos.Col < 1 || p.Msg == "" {
					t.Errorf("problem without file, position or message: %#v", p)
				}
			}
			if !slices.IsSortedFunc(ps, func(a, b Problem) int {
				if a.Pos.Line != b.Pos.Line {
					return a.Pos.Line - b.Pos.Line
				}
				return a.Pos.Col - b.Pos.Col
			}) {
				t.Errorf("problems not sorted by position:\n%v", err)
			}
		})
	}
	for name := range badFiles {
		if !slices.Contains(files, filepath.Join("testdata", "bad", name)) {
			t.Errorf("badFiles lists %s, which does not exist", name)
		}
	}
}

// hasProblem reports whether a problem starts as want does ("file:line:col: path: ")
// and contains the rest of want in its message.
func hasProblem(ps Problems, want string) bool {
	for _, p := range ps {
		prefix := fmt.Sprintf("%s:%d:%d: ", p.File, p.Pos.Line, p.Pos.Col)
		if p.Path != "" {
			prefix += p.Path + ": "
		}
		if rest, ok := strings.CutPrefix(want, prefix); ok && strings.Contains(p.Msg, rest) {
			return true
		}
	}
	return false
}

// TestManyProblemsAllReported checks that one run reports every problem of a
// file, not just the first, in file order.
func TestManyProblemsAllReported(t *testing.T) {
	_, err := loadTestFile(t, "testdata/bad/many-problems.yaml")
	want := []string{
		`many-problems.yaml:1:10: version: version "3" is not supported`,
		`many-problems.yaml:2:7: name: "Many Problems": expected lower-case letters`,
		`many-problems.yaml:3:7: tick: 1ms: too fine`,
		`many-problems.yaml:6:11: producers[0].rate: "2000/sec": expected a rate`,
		`many-problems.yaml:7:5: producers[0].shard: unknown key "shard"`,
		`many-problems.yaml:12:13: storage[0].shards: 100000: out of range`,
		`many-problems.yaml:16:11: consumers[0].from: no node "clikcs"; did you mean "clicks"?`,
		`many-problems.yaml:17:24: consumers[0].buffer.interval: 2000s: out of range`,
		`many-problems.yaml:23:5: expect[0]: "pipeline.lost_record == 0": unknown metric`,
	}
	var ps Problems
	if !errors.As(err, &ps) {
		t.Fatalf("%v", err)
	}
	if len(ps) != len(want) {
		t.Errorf("%d problems, want %d:\n%v", len(ps), len(want), err)
	}
	for i, w := range want {
		if i < len(ps) && !strings.HasPrefix(ps[i].Error(), w) {
			t.Errorf("problem %d:\n got %s\nwant %s…", i, ps[i].Error(), w)
		}
	}
}

func TestTooManyProblemsAreCapped(t *testing.T) {
	var b strings.Builder
	b.WriteString("version: 1\nname: x\nproducers:\n")
	for i := range 500 {
		fmt.Fprintf(&b, "  - {id: p%d, rate: %d/sec, to: [s]}\n", i, i)
	}
	_, err := Load("x.yaml", []byte(b.String()))
	var ps Problems
	if !errors.As(err, &ps) || len(ps) != maxProblems+1 || !strings.Contains(ps.Error(), "too many problems") {
		t.Errorf("%d problems: %.300v", len(ps), err)
	}
}

// newNode builds a node in code, as the TUI's builder would.
func newNode(t *testing.T, st Stage, id, service string, params map[string]string, from string, to ...string) *Node {
	t.Helper()
	svc, ok := LookupService(service)
	if !ok {
		t.Fatalf("no service %s", service)
	}
	n := &Node{ID: id, Stage: st, Service: svc, From: from, To: to, Params: map[string]Value{}}
	for k, text := range params {
		v, err := ParseValue(mustKey(t, svc, k).Kind, text)
		if err != nil {
			t.Fatal(err)
		}
		n.Params[k] = v
	}
	return n
}

func mustKey(t *testing.T, svc *Service, name string) Key {
	t.Helper()
	k, ok := svc.Key(name)
	if !ok {
		t.Fatalf("%s has no key %s", svc.Name, name)
	}
	return k
}

func builtScenario(t *testing.T) *Scenario {
	return &Scenario{
		Version: 1, Name: "built", Seed: 1, Duration: time.Hour, Tick: time.Second, Region: "us-east-1",
		Nodes: []*Node{
			newNode(t, Producer, "web", "producer", map[string]string{"rate": "100/s"}, "", "clicks"),
			newNode(t, Storage, "clicks", "kinesis-data-streams", map[string]string{"shards": "2"}, ""),
			newNode(t, Storage, "unread", "msk-serverless", nil, ""),
			newNode(t, Consumer, "fn", "lambda", nil, "clicks"), // writes nowhere: fine
			newNode(t, Consumer, "delivery", "firehose", nil, "clicks", "lake"),
			newNode(t, Destination, "lake", "s3", nil, ""),
		},
	}
}

func TestValidateBuiltScenario(t *testing.T) {
	s := builtScenario(t)
	if ps := s.Validate(); len(ps) != 0 {
		t.Fatalf("storage nobody reads and a consumer that reaches no destination are fine, got:\n%v", ps)
	}
	// Changes made after loading are checked too: values, graph and limits.
	s.Node("clicks").Params["shards"] = Value{Kind: KindInt, Num: 0}
	s.Node("delivery").To = []string{"lake", "clicks"}
	s.Node("fn").From = ""
	s.Tick = time.Millisecond
	s.Timeline = []Change{{At: time.Minute, Set: []Assignment{{Node: "nope", Key: "rate"}}}}
	s.Expect = []Expectation{{Metric: "pipeline.nope", Op: "<"}}
	ps := s.Validate()
	for _, want := range []string{
		"storage[0].shards: 0: out of range; Kinesis allows 1..20000",
		"consumers[0]: consumer fn has no source",
		"consumers[1].to: a Firehose stream delivers to exactly one destination",
		"consumers[1].to[1]: AWS does not offer firehose writing into kinesis-data-streams (clicks)",
		"tick: 1ms: too fine",
		`timeline[0].set.nope.rate: no node "nope"`,
		`expect[0]: unknown metric "pipeline.nope"`,
	} {
		if !strings.Contains(ps.Error(), want) {
			t.Errorf("missing %q in\n%v", want, ps)
		}
	}
}

func TestValidateCycleNamesEveryNode(t *testing.T) {
	s := builtScenario(t)
	s.Nodes = append(s.Nodes,
		newNode(t, Storage, "b", "kinesis-data-streams", nil, ""),
		newNode(t, Consumer, "ab", "flink", nil, "clicks", "b"),
		newNode(t, Consumer, "ba", "app", nil, "b", "clicks"),
	)
	ps := s.Validate()
	if len(ps) != 1 || !strings.Contains(ps[0].Msg, "cycle: clicks → ab → b → ba → clicks") {
		t.Errorf("got %v", ps)
	}
}

func TestValidateConnections(t *testing.T) {
	cases := []struct {
		name string
		edit func(s *Scenario)
		want string
	}{
		{"producer into a polling consumer", func(s *Scenario) { s.Node("web").To = []string{"fn"} },
			"fn (lambda) takes no direct writes"},
		{"producer into a producer", func(s *Scenario) {
			s.Nodes = append(s.Nodes, newNode(t, Producer, "p2", "producer", map[string]string{"rate": "1/s"}, "", "web"))
		}, "web is a producer; nothing writes to producers"},
		{"consumer from a destination", func(s *Scenario) { s.Node("fn").From = "lake" },
			"lake is one of the destinations: from names a stream"},
		{"glue from video", func(s *Scenario) {
			s.Nodes = append(s.Nodes, newNode(t, Storage, "cams", "kinesis-video-streams", nil, ""),
				newNode(t, Consumer, "etl", "glue-streaming", nil, "cams", "lake"))
		}, "AWS does not offer glue-streaming reading from kinesis-video-streams (cams)"},
		{"listed twice", func(s *Scenario) { s.Node("web").To = []string{"clicks", "clicks"} },
			"clicks is listed twice"},
		{"firehose with no source", func(s *Scenario) { s.Node("delivery").From = "" },
			"consumer delivery has no source: name a stream with from:, or have a producer write to it"},
		{"storage with from", func(s *Scenario) { s.Node("unread").From = "clicks" },
			"storage nodes have no from or to"},
		{"twenty-one EFO readers", func(s *Scenario) {
			for i := range 21 {
				s.Nodes = append(s.Nodes, newNode(t, Consumer, fmt.Sprintf("efo%d", i), "app",
					map[string]string{"read": "enhanced-fan-out"}, "clicks"))
			}
		}, "more than 20 enhanced fan-out consumers on clicks"},
		{"record bigger than a raised limit", func(s *Scenario) {
			s.Node("clicks").Params["max_record_size"] = Value{Kind: KindSize, Num: 2 * MiB}
			s.Node("web").Params["record_size.mean"] = Value{Kind: KindSize, Num: 3 * MiB}
		}, "a 3MiB record does not fit Kinesis stream clicks: its max_record_size is 2MiB (Kinesis allows up to 10MiB)"},
		{"record bigger than 10 MiB", func(s *Scenario) {
			s.Node("web").Params["record_size.mean"] = Value{Kind: KindSize, Num: 12 * MiB}
		}, "Kinesis records are at most 10MiB even with max_record_size raised"},
		{"ramp to bytes from records", func(s *Scenario) {
			w := s.Node("web")
			w.Params["pattern.shape"] = Value{Kind: KindEnum, Str: "ramp"}
			w.Params["pattern.to"] = Value{Kind: KindRate, Rate: Rate{PerSec: 5 * MiB, Bytes: true}, Num: 5 * MiB}
		}, "must both be records or both bytes per second"},
		{"peak without diurnal", func(s *Scenario) {
			s.Node("web").Params["pattern.peak"] = Value{Kind: KindFactor, Num: 3}
		}, "pattern.peak does not apply when pattern.shape is constant"},
		{"no producers", func(s *Scenario) { s.Nodes = s.Nodes[1:] }, "at least one producer is required"},
		{"tick longer than the run", func(s *Scenario) { s.Duration = 500 * time.Millisecond },
			"tick 1s is longer than the run (duration 500ms)"},
		{"duplicate id", func(s *Scenario) { s.Node("unread").ID = "clicks" }, `duplicate id "clicks"`},
		{"id pipeline", func(s *Scenario) { s.Node("unread").ID = "pipeline" }, `"pipeline": expected lower-case letters`},
		{"missing rate", func(s *Scenario) { delete(s.Node("web").Params, "rate") }, "missing rate"},
		{"service in the wrong stage", func(s *Scenario) { s.Node("unread").Service, _ = LookupService("s3") },
			"s3 is one of the destinations, not storage"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := builtScenario(t)
			c.edit(s)
			ps := s.Validate()
			if !strings.Contains(ps.Error(), c.want) {
				t.Errorf("want %q in\n%v", c.want, ps)
			}
		})
	}
}

func TestCheckParam(t *testing.T) {
	fh, _ := LookupService("firehose")
	if err := CheckParam(fh, "buffer.interval", Value{Kind: KindDuration, Dur: 2000 * time.Second, Num: 2000}); err == nil ||
		!strings.Contains(err.Error(), "out of range; Firehose buffers for 0s..900s") {
		t.Errorf("2000s: %v", err)
	}
	if err := CheckParam(fh, "buffer.interval", Value{Kind: KindDuration, Dur: 60 * time.Second, Num: 60}); err != nil {
		t.Errorf("60s: %v", err)
	}
	if err := CheckParam(fh, "format", Value{Kind: KindEnum, Str: "parquett"}); err == nil ||
		!strings.Contains(err.Error(), `did you mean "parquet"?`) {
		t.Errorf("parquett: %v", err)
	}
	if err := CheckParam(fh, "buffer.size", Value{Kind: KindDuration}); err == nil {
		t.Error("a duration for a size is accepted")
	}
	if err := CheckParam(fh, "nope", Value{}); err == nil {
		t.Error("unknown key accepted")
	}
}

// Redshift reads Kinesis and MSK itself (streaming ingestion, RS-STREAMING-INGESTION); other
// destinations have no from.
func TestDestinationFrom(t *testing.T) {
	src := func(dest string) string {
		return `version: 1
name: dest-from
producers:
  - id: p
    rate: 10/s
    to: [s]
storage:
  - id: s
    service: kinesis-data-streams
destinations:
  - id: d
    service: ` + dest + `
    from: s
`
	}
	if _, err := Load("redshift.yaml", []byte(src("redshift"))); err != nil {
		t.Errorf("redshift reading a stream: %v", err)
	}
	_, err := Load("s3.yaml", []byte(src("s3")))
	if err == nil || !strings.Contains(err.Error(), "from") {
		t.Errorf("s3 with from: got %v, want an error about from", err)
	}
}
