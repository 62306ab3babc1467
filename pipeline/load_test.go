package pipeline

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// loadTestFile loads testdata/<dir>/<name> and returns the scenario and error.
func loadTestFile(t *testing.T, path string) (*Scenario, error) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return Load(filepath.Base(path), data)
}

func goodFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("testdata/good/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no good files: %v", err)
	}
	return files
}

func TestLoadGoodFiles(t *testing.T) {
	for _, f := range goodFiles(t) {
		t.Run(filepath.Base(f), func(t *testing.T) {
			s, err := loadTestFile(t, f)
			if err != nil {
				t.Fatalf("does not load:\n%v", err)
			}
			if len(s.Stage(Producer)) == 0 {
				t.Error("no producers")
			}
			if ps := s.Validate(); len(ps) > 0 {
				t.Errorf("Validate after Load finds problems:\n%v", ps)
			}
		})
	}
}

func TestLoadFileReadsFromDisk(t *testing.T) {
	s, err := LoadFile("testdata/good/clickstream.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if s.File != "testdata/good/clickstream.yaml" || s.Name != "retail-clickstream" {
		t.Errorf("File %q Name %q", s.File, s.Name)
	}
	if _, err := LoadFile("testdata/good/no-such-file.yaml"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v; want fs.ErrNotExist", err)
	}
	// A file too big is refused without being read whole.
	big := filepath.Join(t.TempDir(), "big.yaml")
	if err := os.WriteFile(big, []byte("version: 1\n"+strings.Repeat("# padding\n", MaxFileSize/10+1)), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = LoadFile(big)
	var ps Problems
	if !errors.As(err, &ps) || !strings.Contains(ps.Error(), "limited to 4MiB") {
		t.Errorf("big file: %v", err)
	}
}

// TestLoadEverything checks that the file using every key of the format page
// puts each value where the rest of the program reads it.
func TestLoadEverything(t *testing.T) {
	s, err := loadTestFile(t, "testdata/good/everything.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if s.Version != 1 || s.Name != "retail-clickstream" || s.Title != "Retail clickstream into a data lake" ||
		!strings.HasPrefix(s.Description, "Clicks from the web shop") || s.Seed != 42 ||
		s.Duration != 2*time.Hour || s.Tick != time.Second || s.Region != "us-east-1" {
		t.Errorf("top level: %+v", s)
	}
	r := s.Requirements
	if r.Latency != time.Second || r.Throughput != (Rate{PerSec: 50 * MiB, Bytes: true}) || r.Ordering != "per-key" ||
		r.Retention != 7*24*time.Hour || !r.ExistingKafka || !r.Transformations ||
		joinNames(r.Delivery, ",") != "s3,redshift" || r.Budget != 2000 || len(r.Set) != 8 {
		t.Errorf("requirements: %+v", r)
	}
	counts := map[Stage]int{}
	for _, n := range s.Nodes {
		counts[n.Stage]++
	}
	if counts[Producer] != 6 || counts[Storage] != 4 || counts[Consumer] != 7 || counts[Destination] != 4 {
		t.Errorf("nodes per stage: %v", counts)
	}
	checks := []struct {
		node, key, want string
	}{
		{"web", "kind", "web"}, {"web", "rate", "2000/s"}, {"web", "pattern.shape", "constant"},
		{"web", "record_size.mean", "1KiB"}, {"web", "keys.dist", "uniform"}, {"web", "keys.count", "100000"},
		{"web", "aggregation", "false"}, {"web", "retries.max", "3"}, {"web", "retries.backoff", "100ms"},
		{"tills", "pattern.shape", "diurnal"}, {"tills", "pattern.peak", "3x"}, {"tills", "pattern.period", "1d"},
		{"tills", "record_size.max", "8KiB"}, {"tills", "record_size.dist", "lognormal"}, {"tills", "keys.skew", "1.1"},
		{"sensors", "pattern.to", "20000/s"}, {"sensors", "pattern.over", "1h"}, {"sensors", "keys.fraction", "60%"},
		{"apps", "pattern.at", "10m"}, {"apps", "pattern.for", "2m"}, {"apps", "pattern.factor", "5"},
		{"apps", "keys.dist", "random"}, {"logs", "pattern.shape", "poisson"}, {"logs", "rate", "1MiB/s"},
		{"clicks", "mode", "provisioned"}, {"clicks", "shards", "4"}, {"clicks", "retention", "1d"},
		{"payments", "brokers", "3"}, {"payments", "broker_type", "kafka.m5.large"}, {"payments", "partitions", "12"},
		{"payments", "replication", "3"}, {"payments", "retention", "7d"}, {"events", "partitions", "24"},
		{"cameras", "streams", "10"},
		{"delivery", "buffer.size", "5MiB"}, {"delivery", "buffer.interval", "5m"}, {"delivery", "format", "json"},
		{"delivery", "transform.lambda", "true"}, {"delivery", "transform.duration", "50ms"},
		{"analytics", "kpus", "4"}, {"analytics", "read", "polling"}, {"analytics", "window", "1m"},
		{"etl", "workers", "2"}, {"etl", "worker_type", "G.1X"}, {"etl", "window", "1m40s"},
		{"spark", "engine", "spark-streaming"}, {"spark", "instances", "3"}, {"spark", "batch", "10s"},
		{"reader", "instances", "2"}, {"reader", "capacity", "5MiB/s"}, {"reader", "read", "enhanced-fan-out"},
		{"fn", "batch_size", "100"}, {"fn", "parallelization", "1"}, {"fn", "duration", "2ms"},
		{"warehouse", "nodes", "2"}, {"table", "mode", "provisioned"}, {"table", "wcu", "1000"},
		{"search", "instances", "3"}, {"search", "instance_type", "r6g.large.search"},
	}
	for _, c := range checks {
		n := s.Node(c.node)
		if n == nil {
			t.Errorf("no node %s", c.node)
			continue
		}
		v, ok := n.Params[c.key]
		if !ok {
			t.Errorf("%s.%s not set", c.node, c.key)
			continue
		}
		if v.String() != c.want || !v.Set || v.Pos.Line == 0 {
			t.Errorf("%s.%s = %q (Set %v, Pos %v); want %q", c.node, c.key, v.String(), v.Set, v.Pos, c.want)
		}
	}
	if d := s.Node("delivery"); d.From != "clicks" || strings.Join(d.To, ",") != "lake" || d.RefPos["from"].Line == 0 || d.RefPos["to[0]"].Line == 0 {
		t.Errorf("delivery connections: from %q to %v refs %v", d.From, d.To, d.RefPos)
	}
	if web := s.Node("web"); web.Comment != "the web shop's click tracker" {
		t.Errorf("web comment %q", web.Comment)
	}
	if len(s.Timeline) != 4 {
		t.Fatalf("timeline: %+v", s.Timeline)
	}
	tl := s.Timeline
	if tl[0].At != 10*time.Minute || len(tl[0].Set) != 1 || tl[0].Set[0] != (Assignment{"web", "rate", tl[0].Set[0].Value}) ||
		tl[0].Set[0].Value.Rate.PerSec != 6000 {
		t.Errorf("timeline[0] %+v", tl[0])
	}
	if tl[2].Fail != "analytics" || tl[2].For != 5*time.Minute {
		t.Errorf("timeline[2] %+v", tl[2])
	}
	if a := tl[3].Set[0]; a.Node != "clicks" || a.Key != "mode" || a.Value.Str != "on-demand" {
		t.Errorf("timeline[3] %+v", tl[3])
	}
	if len(s.Expect) != 5 || s.Expect[4].Metric != "pipeline.cost_monthly" || s.Expect[4].Op != "<" || s.Expect[4].Value != 800 ||
		s.Expect[1].Value != 120 || s.Expect[0].Pos.Line == 0 {
		t.Errorf("expect %+v", s.Expect)
	}
	if len(s.Lesson) != 2 || !s.Lesson[0].Has || s.Lesson[0].At != 2*time.Minute || s.Lesson[1].Has ||
		s.Lesson[1].Say != "Press s to split shards and see whether it helps." {
		t.Errorf("lesson %+v", s.Lesson)
	}
}

func TestLoadDefaults(t *testing.T) {
	s, err := loadTestFile(t, "testdata/good/minimal.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if s.Seed != DefaultSeed || s.Duration != time.Hour || s.Tick != time.Second || s.Region != "us-east-1" {
		t.Errorf("defaults: seed %d duration %v tick %v region %q", s.Seed, s.Duration, s.Tick, s.Region)
	}
	// Defaults are not stored, so a save writes only what the file had.
	clicks := s.Node("clicks")
	if len(clicks.Params) != 0 {
		t.Errorf("clicks params %v", clicks.Params)
	}
	if v, ok := clicks.Param("shards"); !ok || v.Num != 1 || v.Set {
		t.Errorf("clicks shards default %+v", v)
	}
	// to: written as a single id.
	if web := s.Node("sensor"); len(web.To) != 1 || web.To[0] != "clicks" {
		t.Errorf("to %v", web.To)
	}
}

// TestLoadFormatPageMessage reproduces the error of the format page exactly.
func TestLoadFormatPageMessage(t *testing.T) {
	src := "version: 1\nname: retail-clickstream\n" + strings.Repeat("\n", 9) + `producers:
  - id: web
    rate: 2000/sec
    to: [clicks]
storage:
  - id: clicks
    service: kinesis-data-streams
`
	_, err := Load("clickstream.yaml", []byte(src))
	want := `clickstream.yaml:14:11: producers[0].rate: "2000/sec": expected a rate such as 2000/s or 5MiB/s`
	if err == nil || err.Error() != want {
		t.Errorf("got  %v\nwant %s", err, want)
	}
	var ps Problems
	if !errors.As(err, &ps) || len(ps) != 1 || ps[0].Path != "producers[0].rate" || ps[0].Pos != (Pos{14, 11}) {
		t.Errorf("problems %#v", ps)
	}
}

func TestLoadSortsTimelineStably(t *testing.T) {
	src := `version: 1
name: t
producers:
  - id: web
    rate: 10/s
    to: [s]
storage:
  - id: s
    service: kinesis-data-streams
timeline:
  - at: 30m
    set: {web.rate: 30/s}
  - at: 10m
    set: {web.rate: 10/s, s.shards: 2}
  - at: 30m
    set: {web.rate: 31/s}
  - at: 0s
    fail: s
`
	s, err := Load("t.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range s.Timeline {
		if c.Fail != "" {
			got = append(got, "fail "+c.Fail)
			continue
		}
		for _, a := range c.Set {
			got = append(got, FormatDuration(c.At)+" "+a.Node+"."+a.Key+"="+a.Value.String())
		}
	}
	want := "fail s|10m s.shards=2|10m web.rate=10/s|30m web.rate=30/s|30m web.rate=31/s"
	if strings.Join(got, "|") != want {
		t.Errorf("timeline order\n got %s\nwant %s", strings.Join(got, "|"), want)
	}
}

func TestLoadNullsAndEmptyLists(t *testing.T) {
	src := `version: 1
name: t
title:
storage: []
consumers:
destinations: ~
timeline: []
producers:
  - id: web
    rate: 10/s
    to: [s]
  - id: s2
    rate: 10/s
    to: s
storage:
`
	if _, err := Load("t.yaml", []byte(src)); err == nil || !strings.Contains(err.Error(), `duplicate key "storage"`) {
		t.Errorf("want a duplicate key error, got %v", err)
	}
	src = strings.Replace(src, "storage: []\n", "", 1)
	src = strings.Replace(src, "storage:\n", "storage:\n  - id: s\n    service: msk-serverless\n", 1)
	s, err := Load("t.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Nodes) != 3 || s.Title != "" {
		t.Errorf("%d nodes, title %q", len(s.Nodes), s.Title)
	}
}

func TestParseAssignment(t *testing.T) {
	s, err := loadTestFile(t, "testdata/good/everything.yaml")
	if err != nil {
		t.Fatal(err)
	}
	ok := []struct{ ref, text, key, want string }{
		{"clicks.shards", "8", "shards", "8"},
		{"web.rate", "6000/s", "rate", "6000/s"},
		{"clicks.mode", "on-demand", "mode", "on-demand"},
		{"analytics.read", "enhanced-fan-out", "read", "enhanced-fan-out"},
		{"delivery.buffer.interval", "60s", "buffer.interval", "1m"},
		{"web.record_size", "2KiB", "record_size.mean", "2KiB"},
	}
	for _, c := range ok {
		a, err := s.ParseAssignment(c.ref, c.text)
		if err != nil || a.Key != c.key || a.Value.String() != c.want {
			t.Errorf("ParseAssignment(%q, %q) = %+v, %v", c.ref, c.text, a, err)
		}
	}
	bad := []struct{ ref, text, msg string }{
		{"clicks", "8", "expected node.key"},
		{"clikcs.shards", "8", `no node "clikcs"; did you mean "clicks"?`},
		{"clicks.shard", "8", `did you mean "shards"?`},
		{"clicks.shards", "100000", "out of range; Kinesis allows 1..20000"},
		{"clicks.shards", "eight", "expected an integer"},
		{"delivery.format", "parquet", "cannot change while running"},
		{"clicks.mode", "serverless", "expected one of provisioned, on-demand"},
	}
	for _, c := range bad {
		if _, err := s.ParseAssignment(c.ref, c.text); err == nil || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("ParseAssignment(%q, %q) = %v; want %q", c.ref, c.text, err, c.msg)
		}
	}
}

// TestLoadHostile feeds inputs meant to exhaust time or memory: each must be
// refused quickly with a clear problem, never a panic or a hang.
func TestLoadHostile(t *testing.T) {
	nodes := func(n int) string {
		var b strings.Builder
		b.WriteString("version: 1\nname: big\nduration: 3h\nproducers:\n")
		for i := range n {
			fmt.Fprintf(&b, "  - {id: p%d, rate: 1/s, to: [s]}\n", i)
		}
		b.WriteString("storage:\n  - {id: s, service: kinesis-data-streams}\n")
		return b.String()
	}
	expects := func(n int) string {
		var b strings.Builder
		b.WriteString(nodes(MaxItems - 1))
		b.WriteString("expect:\n")
		for i := range n {
			fmt.Fprintf(&b, "  - p%d.records_in > 0\n", i%(MaxItems-1))
		}
		return b.String()
	}
	laughs := func(levels, width int) string {
		var b strings.Builder
		b.WriteString("version: 1\nname: lol\nlol0: &lol0 \"lol\"\n")
		for i := 1; i <= levels; i++ {
			fmt.Fprintf(&b, "lol%d: &lol%d [", i, i)
			for j := range width {
				if j > 0 {
					b.WriteString(", ")
				}
				fmt.Fprintf(&b, "*lol%d", i-1)
			}
			b.WriteString("]\n")
		}
		return b.String()
	}
	cases := []struct {
		name, src, want string
		limit           time.Duration
	}{
		{"over 4 MiB", "version: 1\n" + strings.Repeat("#", MaxFileSize), "limited to 4MiB", time.Second},
		{"billion laughs", laughs(9, 9), "aliases (*lol0) are not supported", 100 * time.Millisecond},
		{"wide laughs", laughs(30, 30), "aliases (*lol0) are not supported", 200 * time.Millisecond},
		{"deep flow lists", "version: 1\nname: x\nrequirements: " + strings.Repeat("[", 5000) + strings.Repeat("]", 5000), "", time.Second},
		{"deep flow at the yaml limit", strings.Repeat("[", 20000), "invalid YAML", time.Second},
		{"deep block maps", deepBlock(40), "nested deeper than 32 levels", time.Second},
		{"too many nodes", nodes(MaxItems + 1), "more than 10000 nodes", 5 * time.Second},
		{"many expectations", expects(MaxItems + 1), "more than 10000 expectations", 5 * time.Second},
		{"two million values", "version: 1\nname: x\nexpect: [" + strings.Repeat("1,", 2_000_000) + "1]", "scenario files are limited to 500000", time.Second},
		{"a million list items", "version: 1\nname: x\nexpect:\n" + strings.Repeat("- 1\n", 1_000_000), "scenario files are limited to 500000", time.Second},
		{"empty flow lists", "version: 1\nname: x\nexpect: [" + strings.Repeat("[],", 1_300_000) + "1]", "scenario files are limited to 500000", time.Second},
		{"many values under the bound", "version: 1\nname: x\nexpect: [" + strings.Repeat("a,", 400_000) + "1]", "more than 10000 expectations", 2 * time.Second},
		{"long key", "version: 1\nname: x\n" + strings.Repeat("k", 1<<20) + ": 1\n", "invalid YAML", time.Second},
		{"long value", "version: 1\nname: x\nproducers:\n  - {id: p, to: [s], rate: \"" + strings.Repeat("é", 100000) + "\"}\n", "expected a rate", time.Second},
		{"binary junk", "\x00\x01\x02\xff\xfe", "invalid YAML", time.Second},
		{"control characters", "version: 1\nname: x\x07\n", "2:", time.Second},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			start := time.Now()
			s, err := Load("hostile.yaml", []byte(c.src))
			took := time.Since(start)
			if err == nil {
				t.Fatalf("loaded %v", s)
			}
			var ps Problems
			if !errors.As(err, &ps) {
				t.Fatalf("error %T is not Problems", err)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error does not mention %q:\n%.500s", c.want, err)
			}
			if len(ps) > maxProblems+1 {
				t.Errorf("%d problems; the report is capped at %d", len(ps), maxProblems)
			}
			for _, p := range ps {
				if len(p.Msg) > maxMessage+10 || len(p.Path) > maxMessage+10 {
					t.Errorf("problem of %d bytes", len(p.Msg)+len(p.Path))
				}
			}
			// The limits are for a quiet machine without -race; the test allows ten
			// times as much, which still catches a blow-up or a hang.
			if !testing.Short() && took > 10*c.limit {
				t.Errorf("took %v; want under %v", took, c.limit)
			}
		})
	}
}

func deepBlock(depth int) string {
	var b strings.Builder
	b.WriteString("version: 1\nname: deep\nrequirements:\n")
	for i := range depth {
		fmt.Fprintf(&b, "%sk%d:\n", strings.Repeat("  ", i+1), i)
	}
	return b.String()
}

// TestLoadLargeValidFile checks that the largest scenario allowed loads in time.
func TestLoadLargeValidFile(t *testing.T) {
	if testing.Short() {
		t.Skip("large file")
	}
	var b strings.Builder
	b.WriteString("version: 1\nname: big\nduration: 3h\nproducers:\n")
	const streams = 100
	for i := range MaxItems - 2*streams {
		fmt.Fprintf(&b, "  - {id: p%d, rate: 1/s, to: [s%d]}\n", i, i%streams)
	}
	b.WriteString("storage:\n")
	for i := range streams {
		fmt.Fprintf(&b, "  - {id: s%d, service: kinesis-data-streams}\n", i)
	}
	b.WriteString("consumers:\n")
	for i := range streams {
		fmt.Fprintf(&b, "  - {id: c%d, service: lambda, from: s%d}\n", i, i)
	}
	b.WriteString("timeline:\n")
	for i := range MaxItems {
		fmt.Fprintf(&b, "  - {at: %ds, set: {p%d.rate: 2/s}}\n", i, i%100)
	}
	b.WriteString("expect:\n")
	for i := range 2000 {
		fmt.Fprintf(&b, "  - p%d.records_in > 0\n", i)
	}
	start := time.Now()
	s, err := Load("big.yaml", []byte(b.String()))
	if err != nil {
		t.Fatalf("%.1000s", err)
	}
	if took := time.Since(start); took > 20*time.Second {
		t.Errorf("took %v", took)
	}
	if len(s.Nodes) != MaxItems || len(s.Timeline) != MaxItems {
		t.Errorf("%d nodes, %d changes", len(s.Nodes), len(s.Timeline))
	}
}

// TestSyntaxErrorColumns: a YAML syntax error points at the line and column
// of the token at fault, not at column 1 of a nearby line.
func TestSyntaxErrorColumns(t *testing.T) {
	for _, c := range []struct{ yaml, want string }{
		{"version: 1\nname: x\nproducers:\n  - id: a\n    rate: 5/s\n   to: [b]\n", "6:4:"},
		{"version: 1\nname: \"x\nseed: 3\n", "2:7: invalid YAML: could not find end character of double-quoted text"},
		{"version: 1\nname: 'abc\n", "2:7: invalid YAML: could not find end character of single-quoted text"},
		{"version: 1\nname: x: y\n", "2:7: invalid YAML: mapping value is not allowed in this context"},
		{"version: 1\nname: x\n  seed: 2\n", "2:7:"},
		{"version: 1\nname: @x\n", "2:7: invalid YAML: '@' is a reserved character"},
		{"version: 1\nproducers:\n  - {id: a, rate: 3/s\n", "3:5:"},
		{"version: 1\nname: \"x\\q\"\n", "2:10: invalid YAML: found unknown escape character 'q'"},
		{"version: 1\nname: [a, b]]\n", "2:13:"},
		{"version: 1\n\tname: x\n", "2:1: invalid YAML: found a tab; indent with spaces only"},
		{"a: &x 1\nb: *y\n", "2:4: invalid YAML: unknown anchor 'y' referenced"},
	} {
		_, err := Load("f.yaml", []byte(c.yaml))
		if err == nil || !strings.HasPrefix(err.Error(), "f.yaml:"+c.want) {
			t.Errorf("%q:\n got %v\nwant f.yaml:%s…", c.yaml, err, c.want)
		}
	}
}

// TestFlowDepth: flowDepth counts the deepest nesting of [ and {, stops
// just past its limit, and an error in a file nested past maxAskedDepth
// is placed from yaml.v3's line without asking goccy/go-yaml (whose
// parser takes time in the square of the depth), while a shallower one
// still gets goccy's column.
func TestFlowDepth(t *testing.T) {
	cases := []struct {
		src   string
		limit int
		want  int
	}{
		{"", 10, 0},
		{"a: [1, {b: [2]}]", 10, 3},
		{"]]]][[", 10, 2}, // closing brackets never count below zero
		{strings.Repeat("[", 50), 10, 11},
		{"[" + strings.Repeat("[]", 100) + "]", 10, 2},
	}
	for _, c := range cases {
		if got := flowDepth([]byte(c.src), c.limit); got != c.want {
			t.Errorf("flowDepth(%.20q, %d) = %d, want %d", c.src, c.limit, got, c.want)
		}
	}
	deep := "version: 1\nname: x\nrequirements: " + strings.Repeat("[", maxAskedDepth+1) + strings.Repeat("]", maxAskedDepth)
	_, err := Load("deep.yaml", []byte(deep))
	if err == nil || !strings.Contains(err.Error(), "deep.yaml:3:1: invalid YAML") {
		t.Errorf("nested past maxAskedDepth: %v", err)
	}
	shallow := "version: 1\nname: x\nrequirements: " + strings.Repeat("[", 30) + strings.Repeat("]", 29)
	_, err = Load("shallow.yaml", []byte(shallow))
	if err == nil || !strings.Contains(err.Error(), "shallow.yaml:3:15: invalid YAML") {
		t.Errorf("nested 30 deep: %v", err)
	}
}
