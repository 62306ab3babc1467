package pipeline

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

func TestEvenHashRangesAsKinesisSplitsThem(t *testing.T) {
	// CreateStream with 3 shards gives these ranges (kinesis-local and AWS agree).
	want := [][2]string{
		{"0", "113427455640312821154458202477256070484"},
		{"113427455640312821154458202477256070485", "226854911280625642308916404954512140969"},
		{"226854911280625642308916404954512140970", "340282366920938463463374607431768211455"},
	}
	got := EvenHashRanges(3)
	for i, w := range want {
		if got[i].Start.String() != w[0] || got[i].End.String() != w[1] {
			t.Errorf("range %d = [%s, %s], want %v", i, got[i].Start, got[i].End, w)
		}
	}
	var sum float64
	for _, r := range EvenHashRanges(7) {
		sum += r.Fraction()
	}
	if math.Abs(sum-1) > 1e-12 {
		t.Errorf("fractions of 7 even ranges add up to %v", sum)
	}
	if f := EvenHashRanges(4)[1].Fraction(); math.Abs(f-0.25) > 1e-12 {
		t.Errorf("a quarter of the space is %v", f)
	}
}

func TestParseHashKey(t *testing.T) {
	for _, s := range []string{"0", "1", "340282366920938463463374607431768211455", "18446744073709551616"} {
		k, err := ParseHashKey(s)
		if err != nil || k.String() != s {
			t.Errorf("ParseHashKey(%q) = %v, %v", s, k, err)
		}
	}
	for _, s := range []string{"", "-1", "01", "1e3", "0x10", "340282366920938463463374607431768211456", " 1 2"} {
		if _, err := ParseHashKey(s); err == nil {
			t.Errorf("ParseHashKey(%q) accepted", s)
		}
	}
	if MaxHashKey.Next() != (HashKey{}) || (HashKey{0, math.MaxUint64}).Next() != (HashKey{1, 0}) {
		t.Error("Next does not carry")
	}
}

func TestSeriesFactor(t *testing.T) {
	s, err := Load("s.yaml", []byte(`version: 1
name: s
producers:
  - id: p
    rate: 100/s
    pattern: {series: [100/s, 300/s], every: 10s}
    to: [k]
storage:
  - id: k
    service: kinesis-data-streams
`))
	if err != nil {
		t.Fatal(err)
	}
	p := s.Node("p")
	if p.Str("pattern.shape") != "series" {
		t.Errorf("shape = %q; a series implies shape: series", p.Str("pattern.shape"))
	}
	for _, c := range []struct{ t, want float64 }{{0, 0.5}, {9.99, 0.5}, {10, 1.5}, {19, 1.5}, {20, 0.5}, {35, 1.5}} {
		if got := SeriesFactor(p, c.t); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("SeriesFactor(%v) = %v, want %v", c.t, got, c.want)
		}
	}
	if at, f := SeriesPeak(p); at != 10 || f != 1.5 {
		t.Errorf("SeriesPeak = %v, %v", at, f)
	}
}

// TestListsInCode: values made in code are checked by Validate as the loader
// checks them, and ParseValue reads the flow syntax String writes.
func TestListsInCode(t *testing.T) {
	for _, v := range []Value{
		NewSeries([]float64{1, 2.5, 1e6}, false), NewSeries([]float64{1024, 1 << 20}, true),
		NewShares([]float64{0.25, 0.75}), NewRanges(EvenHashRanges(5)),
	} {
		back, err := ParseValue(v.Kind, v.String())
		if err != nil || back.String() != v.String() {
			t.Errorf("%s read back as %s, %v", v, back, err)
		}
	}
	kds, _ := LookupService("kinesis-data-streams")
	gap := EvenHashRanges(2)
	gap[1].Start = gap[1].Start.Next()
	if err := CheckParam(kds, "hash_ranges", NewRanges(gap)); err == nil || !strings.Contains(err.Error(), "contiguous") {
		t.Errorf("a gap between ranges: %v", err)
	}
	prod, _ := LookupService("producer")
	if err := CheckParam(prod, "keys.shares", NewShares([]float64{0.5, 0.2})); err == nil {
		t.Error("shares adding up to 70% accepted")
	}
	if _, err := ParseValue(KindSeries, "[1/s, 2MiB/s]"); err == nil {
		t.Error("mixed units accepted")
	}
}

// TestNotesAndLongListsRoundTrip: line comments stay with their settings
// through Load and Encode, and a long series is broken over lines that
// load back to the same points.
func TestNotesAndLongListsRoundTrip(t *testing.T) {
	points := make([]string, 500)
	for i := range points {
		points[i] = fmt.Sprintf("%d.5/s", 1000+i)
	}
	src := `version: 1
name: notes
producers:
  - id: p
    rate: 1249.5/s # mean of IncomingRecords
    pattern:
      series: [` + strings.Join(points, ", ") + `] # IncomingRecords ÷ 60
      every: 1m # CloudWatch period
    record_size: 1KiB
    keys: {dist: uniform, count: 10} # one flow comment
    to: [k]
storage:
  - id: k
    service: kinesis-data-streams
    shards: 2 # DescribeStreamSummary OpenShardCount
`
	s, err := Load("notes.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"rate": "mean of IncomingRecords", "pattern.series": "IncomingRecords ÷ 60",
		"pattern.every": "CloudWatch period", "keys": "one flow comment"}
	for k, w := range want {
		if got := s.Node("p").Notes[k]; got != w {
			t.Errorf("note of %s = %q, want %q", k, got, w)
		}
	}
	out, err := Encode(s, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"# mean of IncomingRecords", "# IncomingRecords ÷ 60", "# CloudWatch period",
		"# one flow comment", "shards: 2 # DescribeStreamSummary OpenShardCount"} {
		if !strings.Contains(string(out), w) {
			t.Errorf("encoded form lacks %q:\n%s", w, out)
		}
	}
	for _, line := range strings.Split(string(out), "\n") {
		if len(line) > wrapWidth+30 {
			t.Errorf("line of %d characters: %.60s…", len(line), line)
		}
	}
	back, err := Load("notes.yaml", out)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if d := sameScenario(s, back, false); d != "" {
		t.Error(d)
	}
	if got := back.Node("p").Params["pattern.series"].List.Len(); got != 500 {
		t.Errorf("%d points read back", got)
	}
	if norm, _ := Encode(s, true); strings.Contains(string(norm), "#") {
		t.Errorf("the normalised form keeps comments:\n%s", norm)
	}
}

func TestListSpellings(t *testing.T) {
	v := NewSeries([]float64{72013.0 / 60, 1000, 1.5}, false)
	if got := v.String(); got != "[72013/m, 60000/m, 90/m]" {
		t.Errorf("series written %s", got)
	}
	b := NewSeries([]float64{1024.0 / 60, 1 << 20}, true)
	back, err := ParseValue(KindSeries, b.String())
	if err != nil || !back.List.Bytes || back.List.Rates[0] != b.List.Rates[0] {
		t.Errorf("bytes series %s read back as %v, %v", b, back, err)
	}
	if got := NewShares([]float64{0.12345, 0.87655}).String(); got != "[12.345%, 87.655%]" && got != "[0.12345, 0.87655]" {
		t.Errorf("shares written %s", got)
	}
}

func TestRoundedRates(t *testing.T) {
	for _, n := range []float64{63230, 1, 59999, 123457, 7} {
		if got := NewSeries([]float64{n / 60}, false).String(); got != fmt.Sprintf("[%s/m]", trimFloat(n)) && got != fmt.Sprintf("[%s/s]", trimFloat(n/60)) {
			t.Errorf("%v/m written %s", n, got)
		}
	}
}

// TestShardsChangedAfterLoading: a scenario whose stream gets another shard
// count after loading (--set, size, sweep) still validates, and is saved
// without the ranges that no longer fit.
func TestShardsChangedAfterLoading(t *testing.T) {
	s, err := LoadFile("testdata/good/imported.yaml")
	if err != nil {
		t.Fatal(err)
	}
	k := s.Node("orders")
	k.Params["shards"] = Value{Kind: KindInt, Num: 8, Set: true}
	if ps := s.Validate(); len(ps) > 0 {
		t.Fatal(ps)
	}
	for _, norm := range []bool{false, true} {
		out, err := Encode(s, norm)
		if err != nil {
			t.Fatal(err)
		}
		back, err := Load("x.yaml", out)
		if err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		if back.Node("orders").Has("hash_ranges") || !back.Node("writers").Has("keys.hash_ranges") {
			t.Errorf("normalised=%v: the stream's ranges kept or the producer's lost", norm)
		}
	}
}
