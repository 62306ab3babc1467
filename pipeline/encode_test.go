package pipeline

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/streamsim/streamsim/internal/golden"
)

// sameScenario describes the first difference between two scenarios that
// matters to a run (positions and whether a value was a default do not), or "".
// With effective, node settings are compared with defaults applied.
// lessonText is the lesson without positions, to compare two loads.
func lessonText(steps []LessonStep) string {
	var b strings.Builder
	for _, st := range steps {
		parts := []any{st.Check, st.Did, st.Predict}
		st.Pos = Pos{}
		st.Check, st.Did, st.Predict = nil, nil, nil // printed by value below, not as addresses
		fmt.Fprintf(&b, "%+v", st)
		for _, p := range parts {
			fmt.Fprintf(&b, " %+v", p)
		}
		b.WriteString("\n")
	}
	return b.String()
}

func sameScenario(a, b *Scenario, effective bool) string {
	if a.Version != b.Version || a.Name != b.Name || a.Title != b.Title || a.Description != b.Description ||
		a.Seed != b.Seed || a.Duration != b.Duration || a.Tick != b.Tick || a.Region != b.Region {
		return fmt.Sprintf("top level: %v %q %q %q %d %v %v %q vs %v %q %q %q %d %v %v %q",
			a.Version, a.Name, a.Title, a.Description, a.Seed, a.Duration, a.Tick, a.Region,
			b.Version, b.Name, b.Title, b.Description, b.Seed, b.Duration, b.Tick, b.Region)
	}
	ra, rb := a.Requirements, b.Requirements
	ra.Set, rb.Set = slices.Sorted(slices.Values(ra.Set)), slices.Sorted(slices.Values(rb.Set))
	if fmt.Sprint(ra) != fmt.Sprint(rb) {
		return fmt.Sprintf("requirements %+v vs %+v", ra, rb)
	}
	if len(a.Nodes) != len(b.Nodes) {
		return fmt.Sprintf("%d nodes vs %d", len(a.Nodes), len(b.Nodes))
	}
	for i, na := range a.Nodes {
		nb := b.Nodes[i]
		if na.ID != nb.ID || na.Stage != nb.Stage || na.Service != nb.Service || na.From != nb.From ||
			!slices.Equal(na.To, nb.To) || na.Comment != nb.Comment {
			return fmt.Sprintf("node %d: %s %v %s from %q to %v %q vs %s %v %s from %q to %v %q", i,
				na.ID, na.Stage, na.Service.Name, na.From, na.To, na.Comment, nb.ID, nb.Stage, nb.Service.Name, nb.From, nb.To, nb.Comment)
		}
		keys := na.SortedParamKeys()
		if effective {
			keys = nil
			for _, k := range na.Service.Keys {
				keys = append(keys, k.Name)
			}
		} else if !slices.Equal(keys, nb.SortedParamKeys()) {
			return fmt.Sprintf("node %s keys %v vs %v", na.ID, keys, nb.SortedParamKeys())
		}
		for _, k := range keys {
			va, oka := na.Param(k)
			vb, okb := nb.Param(k)
			if oka != okb || !sameValueOf(va, vb) {
				return fmt.Sprintf("%s.%s: %v (%v) vs %v (%v)", na.ID, k, va, oka, vb, okb)
			}
		}
	}
	if len(a.Timeline) != len(b.Timeline) {
		return fmt.Sprintf("%d changes vs %d", len(a.Timeline), len(b.Timeline))
	}
	for i, ca := range a.Timeline {
		cb := b.Timeline[i]
		if ca.At != cb.At || ca.Fail != cb.Fail || ca.For != cb.For || len(ca.Set) != len(cb.Set) {
			return fmt.Sprintf("timeline[%d] %+v vs %+v", i, ca, cb)
		}
		for j, x := range ca.Set {
			y := cb.Set[j]
			if x.Node != y.Node || x.Key != y.Key || !sameValueOf(x.Value, y.Value) {
				return fmt.Sprintf("timeline[%d].set %+v vs %+v", i, x, y)
			}
		}
	}
	if len(a.Expect) != len(b.Expect) {
		return fmt.Sprintf("%d expectations vs %d", len(a.Expect), len(b.Expect))
	}
	for i, x := range a.Expect {
		y := b.Expect[i]
		if x.Text != y.Text || x.Metric != y.Metric || x.Op != y.Op || x.Value != y.Value {
			return fmt.Sprintf("expect[%d] %+v vs %+v", i, x, y)
		}
	}
	if lessonText(a.Lesson) != lessonText(b.Lesson) {
		return fmt.Sprintf("lesson %s vs %s", lessonText(a.Lesson), lessonText(b.Lesson))
	}
	return ""
}

func sameValueOf(a, b Value) bool {
	return a.Kind == b.Kind && a.Num == b.Num && a.Dur == b.Dur && a.Rate == b.Rate && a.Str == b.Str && a.Bool == b.Bool &&
		(a.List == nil) == (b.List == nil) && (a.List == nil || a.List.String() == b.List.String())
}

func TestEncodeRoundTrip(t *testing.T) {
	for _, f := range goodFiles(t) {
		for _, normalised := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/normalised=%v", filepath.Base(f), normalised), func(t *testing.T) {
				s, err := loadTestFile(t, f)
				if err != nil {
					t.Fatal(err)
				}
				out, err := Encode(s, normalised)
				if err != nil {
					t.Fatal(err)
				}
				back, err := Load(s.File, out)
				if err != nil {
					t.Fatalf("the encoded form does not load:\n%v\n%s", err, out)
				}
				if d := sameScenario(s, back, normalised); d != "" {
					t.Errorf("round trip changes the scenario: %s\n%s", d, out)
				}
				again, err := Encode(back, normalised)
				if err != nil {
					t.Fatal(err)
				}
				if string(again) != string(out) {
					t.Errorf("encoding twice changes the result:\n%s", golden.FirstDifference(string(out), string(again)))
				}
			})
		}
	}
}

// TestEncodeNormalisedGolden pins the normalised form of each good file; rewrite
// with go test ./pipeline -run TestEncodeNormalisedGolden -update.
func TestEncodeNormalisedGolden(t *testing.T) {
	for _, f := range goodFiles(t) {
		t.Run(filepath.Base(f), func(t *testing.T) {
			s, err := loadTestFile(t, f)
			if err != nil {
				t.Fatal(err)
			}
			out, err := Encode(s, true)
			if err != nil {
				t.Fatal(err)
			}
			goldenCheck(t, "normalised/"+strings.TrimSuffix(filepath.Base(f), ".yaml"), out)
		})
	}
}

func TestEncodeWritesOnlyWhatIsSet(t *testing.T) {
	s, err := loadTestFile(t, "testdata/good/minimal.yaml")
	if err != nil {
		t.Fatal(err)
	}
	out, err := Encode(s, false)
	if err != nil {
		t.Fatal(err)
	}
	want := `version: 1
name: minimal
producers:
  # one sensor, ten readings a second
  - id: sensor
    rate: 10/s
    to: [clicks]
storage:
  - id: clicks
    service: kinesis-data-streams
`
	if string(out) != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
}

func TestEncodeKeyOrder(t *testing.T) {
	s, err := loadTestFile(t, "testdata/good/everything.yaml")
	if err != nil {
		t.Fatal(err)
	}
	out, err := Encode(s, true)
	if err != nil {
		t.Fatal(err)
	}
	var top []string
	for _, line := range strings.Split(string(out), "\n") {
		if k, _, ok := strings.Cut(line, ":"); ok && line != "" && line[0] != ' ' && line[0] != '#' {
			top = append(top, k)
		}
	}
	if !slices.Equal(top, topKeys) {
		t.Errorf("top-level keys in order %v; want %v", top, topKeys)
	}
	for _, want := range []string{
		"    buffer: {size: 5MiB, interval: 5m}\n",
		"    pattern: constant\n",
		"    pattern: {shape: spike, at: 10m, for: 2m, factor: 5}\n",
		"  - id: clicks\n    service: kinesis-data-streams\n    mode: provisioned\n    shards: 4\n",
		"    set: {web.rate: 6000/s}\n",
		"  delivery: [s3, redshift]\n",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("normalised form lacks %q", want)
		}
	}
	// Keys that do not apply are not invented: no keys.count for random keys,
	// no pattern.peak for a constant pattern, no read for a non-Kinesis source.
	apps := string(out)[strings.Index(string(out), "id: apps"):]
	apps = apps[:strings.Index(apps, "- id:")]
	if strings.Contains(apps, "count") || strings.Contains(apps, "peak") {
		t.Errorf("apps gets keys that do not apply:\n%s", apps)
	}
	etl := string(out)[strings.Index(string(out), "id: etl"):]
	etl = etl[:strings.Index(etl, "- id:")]
	if strings.Contains(etl, "read:") {
		t.Errorf("etl reads MSK, yet gets read:\n%s", etl)
	}
}

// TestEncodeBuiltScenario saves a scenario made in code (no positions, no Set).
func TestEncodeBuiltScenario(t *testing.T) {
	s := builtScenario(t)
	s.Requirements = Requirements{Ordering: "per-key", Budget: 100, Delivery: []ServiceName{S3}}
	s.Node("web").Comment = "made in the builder\nsecond line"
	s.Expect = []Expectation{
		{Metric: "pipeline.latency_p99", Op: "<", Value: 90},
		{Metric: "pipeline.cost_monthly", Op: "<=", Value: 12.5},
		{Metric: "clicks.max_shard_utilization", Op: "<", Value: 0.8},
		{Metric: "web.bytes_in", Op: ">", Value: 5 * MiB},
		{Metric: "pipeline.lost_records", Op: "==", Value: 0},
	}
	for _, normalised := range []bool{false, true} {
		out, err := Encode(s, normalised)
		if err != nil {
			t.Fatal(err)
		}
		back, err := Load("built.yaml", out)
		if err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		back.Requirements.Set = nil
		for i := range back.Expect {
			back.Expect[i].Text = ""
		}
		if d := sameScenario(s, back, normalised); d != "" {
			t.Errorf("normalised=%v: %s\n%s", normalised, d, out)
		}
	}
}

// TestEncodeValuesExactly covers values whose Value.String is not read back
// exactly; Encode must find a spelling that is.
func TestEncodeValuesExactly(t *testing.T) {
	cases := []struct {
		kind Kind
		text string
	}{
		{KindPercent, "0.07"},
		{KindPercent, "7%"},
		{KindPercent, "33.3%"},
		{KindRate, "100B/m"},
		{KindRate, "1KB/h"},
		{KindRate, "100/m"},
		{KindRate, "1/h"},
		{KindSize, "1KB"},
		{KindDuration, "1h0.5ms"},
		{KindDuration, "0.000001ms"},
		{KindMoney, "$0.01"},
		{KindFactor, "1.1x"},
	}
	for _, c := range cases {
		v, err := ParseValue(c.kind, c.text)
		if err != nil {
			t.Fatalf("%q: %v", c.text, err)
		}
		text := formatValue(v)
		w, err := ParseValue(c.kind, text)
		if err != nil || !sameValueOf(v, w) {
			t.Errorf("%q is written %q, read back as %+v (%v); want %+v", c.text, text, w, err, v)
		}
	}
}

// TestEncodeTrickyValues runs inputs that are easy to get wrong when writing
// YAML back through the load → encode → load check of the fuzz targets.
func TestEncodeTrickyValues(t *testing.T) {
	base := "version: 1\nname: t\nproducers:\n  - id: p\n    rate: 1/s\n    to: [s]\nstorage:\n  - id: s\n    service: kinesis-data-streams\n"
	cases := []string{
		"title: \"true\"\n",
		"title: \"5\"\n",
		"description: \"multi\\nline\"\n",
		"title: \"# not a comment\"\n",
		"description: \"  leading spaces\\nand a trailing newline\\n\"\n",
		"description: \"trailing spaces   \\nx\"\n",
		"description: \"tab\\there\"\n",
		"seed: -5\n",
		"seed: +7\n",
		"region: us-gov-west-1\n",
		"requirements: {delivery: s3, budget: 0.5, throughput: 1B/h}\n",
		"lesson: {steps: [{say: \"\"}, {say: \"a: b\", at: 0s}, {say: \"- dash\"}]}\n",
		"timeline: [{at: 0s, set: {p.record_size: 2KiB, p.rate: 100B/m}}, {at: 1s, fail: s, set: {s.mode: on-demand}}]\n",
		"expect: [\"pipeline.cost_monthly < $ 800\", \"  p.records_in   >=  1.5k  \", \"s.max_shard_utilization < 0.07\"]\n",
		"consumers:\n  # comment with # hash and trailing spaces   \n  #\n  # after a blank comment line\n  - id: f\n    service: firehose\n    from: s\n    buffer.size: 7MiB\n    transform: {duration: 1s}\n",
		"destinations:\n  - id: \"0\"\n    service: s3\n",
	}
	for i, extra := range cases {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			data := base + extra
			if _, err := Load("fuzz.yaml", []byte(data)); err != nil {
				t.Fatalf("does not load:\n%v\n%s", err, data)
			}
			checkLoad(t, []byte(data))
		})
	}
}

func TestEncodeRefusesNodeWithoutService(t *testing.T) {
	s := builtScenario(t)
	s.Nodes[1].Service = nil
	if _, err := Encode(s, false); err == nil || !strings.Contains(err.Error(), `node "clicks" has no service`) {
		t.Errorf("got %v", err)
	}
}
