package pipeline

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/streamsim/streamsim/internal/golden"
)

const reportScenario = `version: 1
name: tiny
seed: 3
duration: 90s
producers:
  - id: app
    rate: 10/s
    to: [delivery]
consumers:
  - id: delivery
    service: firehose
    to: [lake]
destinations:
  - id: lake
    service: s3
expect:
  - pipeline.lost_records == 0
  - pipeline.latency_p99 < 2m
  - pipeline.cost_monthly < $1
  - lake.bytes_in >= 1KiB
`

func reportTestScenario(t *testing.T) *Scenario {
	t.Helper()
	s, err := Load("tiny.yaml", []byte(reportScenario))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// reportTestMetrics are results as a backend reports them: base units, float noise.
func reportTestMetrics() map[string]float64 {
	return map[string]float64{
		"pipeline.lost_records":      0,
		"pipeline.produced_records":  900.0000000001,
		"pipeline.latency_p99":       61.123456789,
		"pipeline.cost_monthly":      38.114999999,
		"delivery.cost_monthly":      38.11,
		"delivery.max_backup":        7, // not a metric the scenario defines: left out
		"lake.bytes_in":              921600.4,
		"lake.objects":               2,
		"delivery.utilization_max":   0.123456789,
		"delivery.iterator_age_max":  math.Copysign(0, -1),
		"pipeline.in_flight_records": 0.0004,
	}
}

func TestNewReport(t *testing.T) {
	s := reportTestScenario(t)
	r, err := NewReport(s, "sim", 90*time.Second, reportTestMetrics())
	if err != nil {
		t.Fatal(err)
	}
	if r.Scenario != "tiny" || r.Seed != 3 || r.Backend != "sim" || r.DurationS != 90 {
		t.Errorf("head = %+v", r)
	}
	want := map[string]float64{
		"pipeline.lost_records":       0,
		"pipeline.produced_records":   900,
		"pipeline.latency_p99_s":      61.1235,
		"pipeline.cost_monthly_usd":   38.115,
		"delivery.cost_monthly_usd":   38.11,
		"lake.bytes_in":               921600,
		"lake.objects":                2,
		"delivery.utilization_max":    0.123457,
		"delivery.iterator_age_max_s": 0,
		"pipeline.in_flight_records":  0,
	}
	if len(r.Metrics) != len(want) {
		t.Errorf("metrics = %v, want %v", r.Metrics, want)
	}
	for k, v := range want {
		if got, ok := r.Metrics[k]; !ok || got != v {
			t.Errorf("metrics[%s] = %v (present %v), want %v", k, got, ok, v)
		}
	}
	if math.Signbit(r.Metrics["delivery.iterator_age_max_s"]) {
		t.Error("-0 was kept")
	}
	passed := []bool{true, true, false, true}
	if len(r.Expectations) != len(passed) {
		t.Fatalf("%d expectations, want %d", len(r.Expectations), len(passed))
	}
	for i, e := range r.Expectations {
		if e.Passed != passed[i] || e.Expr != s.Expect[i].Text {
			t.Errorf("expectation %d = %+v, want passed %v", i, e, passed[i])
		}
	}
	if r.Passed || r.Failed() != 1 {
		t.Errorf("passed = %v, failed = %d; want false, 1", r.Passed, r.Failed())
	}
	if r.Advice == nil || len(r.Advice) != 0 {
		t.Errorf("advice = %#v, want empty", r.Advice)
	}
	e := r.Expectations[1]
	if e.Value != 61.1235 || e.Unit != UnitSeconds || e.Metric != "pipeline.latency_p99" || e.Op != "<" || e.Want != 120 {
		t.Errorf("latency expectation = %+v", e)
	}
	if e.Measured() != "61.1 s" || e.Expected() != "< 2m" {
		t.Errorf("measured %q, expected %q", e.Measured(), e.Expected())
	}
	if m := r.Expectations[3].Measured(); m != "900.0 KiB" {
		t.Errorf("bytes measured as %q", m)
	}
}

// TestNewReportJudgesUnroundedValues: rounding is for the report only.
func TestNewReportJudgesUnroundedValues(t *testing.T) {
	s := reportTestScenario(t)
	m := reportTestMetrics()
	m["pipeline.lost_records"] = 0.0001 // written as 0, but not == 0
	r, err := NewReport(s, "sim", 90*time.Second, m)
	if err != nil {
		t.Fatal(err)
	}
	if e := r.Expectations[0]; e.Passed || e.Value != 0 {
		t.Errorf("lost 0.0001: %+v", e)
	}
}

func TestNewReportMissingMetric(t *testing.T) {
	s := reportTestScenario(t)
	m := reportTestMetrics()
	delete(m, "pipeline.latency_p99")
	_, err := NewReport(s, "sim", time.Minute, m)
	var mm *MissingMetricError
	if !errors.As(err, &mm) || mm.Metric != "pipeline.latency_p99" || mm.Expr != "pipeline.latency_p99 < 2m" {
		t.Fatalf("err = %v, want a MissingMetricError for pipeline.latency_p99", err)
	}
	if !strings.Contains(err.Error(), "pipeline.latency_p99") {
		t.Errorf("message %q does not name the metric", err)
	}
}

func TestReportJSON(t *testing.T) {
	s := reportTestScenario(t)
	r, err := NewReport(s, "sim", 90*time.Second, reportTestMetrics())
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := r.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	want := `{
  "scenario": "tiny",
  "seed": 3,
  "backend": "sim",
  "duration_s": 90,
  "passed": false,
  "metrics": {
    "delivery.cost_monthly_usd": 38.11,
    "delivery.iterator_age_max_s": 0,
    "delivery.utilization_max": 0.123457,
    "lake.bytes_in": 921600,
    "lake.objects": 2,
    "pipeline.cost_monthly_usd": 38.115,
    "pipeline.in_flight_records": 0,
    "pipeline.latency_p99_s": 61.1235,
    "pipeline.lost_records": 0,
    "pipeline.produced_records": 900
  },
  "expectations": [
    {
      "expr": "pipeline.lost_records == 0",
      "value": 0,
      "passed": true
    },
    {
      "expr": "pipeline.latency_p99 < 2m",
      "value": 61.1235,
      "passed": true
    },
    {
      "expr": "pipeline.cost_monthly < $1",
      "value": 38.115,
      "passed": false
    },
    {
      "expr": "lake.bytes_in >= 1KiB",
      "value": 921600,
      "passed": true
    }
  ],
  "advice": []
}
`
	if got := b.String(); got != want {
		t.Errorf("JSON differs:\n%s\ngot:\n%s", golden.FirstDifference(want, got), got)
	}
	// Map order never shows: build it again and again.
	for range 20 {
		r2, _ := NewReport(s, "sim", 90*time.Second, reportTestMetrics())
		var b2 bytes.Buffer
		if err := r2.WriteJSON(&b2); err != nil {
			t.Fatal(err)
		}
		if b2.String() != want {
			t.Fatal("JSON differs between two builds of the same report")
		}
	}

	// MarshalJSON is the same document on one line; UnmarshalJSON reads it back.
	one, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, b.Bytes()); err != nil {
		t.Fatal(err)
	}
	// json.Marshal escapes < > & in strings of a Marshaler's output; compare unescaped.
	unescape := strings.NewReplacer(`\u003c`, "<", `\u003e`, ">")
	if unescape.Replace(string(one)) != compact.String() {
		t.Errorf("MarshalJSON = %s\nwant %s", one, compact.String())
	}
	var back Report
	if err := json.Unmarshal(b.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if back.Scenario != "tiny" || back.Passed || len(back.Metrics) != len(r.Metrics) || len(back.Expectations) != 4 ||
		back.Metrics["pipeline.latency_p99_s"] != 61.1235 || back.Expectations[2].Passed || back.Advice == nil {
		t.Errorf("read back %+v", back)
	}
}

func TestReportJSONNonFinite(t *testing.T) {
	r := &Report{
		Scenario: "x", Backend: "sim", DurationS: 60, Passed: true,
		Metrics:      map[string]float64{"a": math.NaN(), "b": math.Inf(1), "c": math.Inf(-1), "d": math.Copysign(0, -1)},
		Expectations: []ExpectationResult{{Expr: "a.b < 1", Value: math.NaN()}},
		Advice:       []Advice{{Severity: SeverityWarning, Node: "clicks", Message: "a <hot> key"}},
	}
	var b bytes.Buffer
	if err := r.WriteJSON(&b); err != nil {
		t.Fatalf("WriteJSON: %v", err)
	}
	got := b.String()
	for _, want := range []string{`"a": null`, `"b": null`, `"c": null`, `"d": 0
`, `"value": null`,
		`{
      "severity": "warning",
      "node": "clicks",
      "message": "a <hot> key"
    }`} {
		if !strings.Contains(got, want) {
			t.Errorf("JSON lacks %s:\n%s", want, got)
		}
	}
	var back Report
	if err := json.Unmarshal(b.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if !math.IsNaN(back.Metrics["a"]) || !math.IsNaN(back.Expectations[0].Value) || back.Metrics["d"] != 0 {
		t.Errorf("null should read back as NaN: %+v", back)
	}
	if len(back.Advice) != 1 || back.Advice[0] != r.Advice[0] {
		t.Errorf("advice read back as %+v", back.Advice)
	}
}

func TestRoundMetric(t *testing.T) {
	for _, tc := range []struct {
		u    Unit
		v    float64
		want float64
	}{
		{UnitCount, 14400000, 14400000},
		{UnitCount, 14399999.99999998, 14400000},
		{UnitCount, 632537.4778249939, 632537.478},
		{UnitCount, 0.0004, 0},
		{UnitCount, -0.0004, 0},
		{UnitCount, 1e300, 1e300},
		{UnitBytes, 8293354496.003, 8293354496},
		{UnitSeconds, 59.52000000001, 59.52},
		{UnitSeconds, 1257.4567, 1257.46},
		{UnitSeconds, 0.000123456789, 0.000123457},
		{UnitDollars, 1867.269805864145, 1867.27},
		{UnitDollars, 143.2, 143.2},
		{UnitRatio, 0.6464672000002124, 0.646467},
		{UnitRatio, 0, 0},
	} {
		if got := RoundMetric(tc.u, tc.v); got != tc.want || math.Signbit(got) {
			t.Errorf("RoundMetric(%v, %v) = %v, want %v", tc.u, tc.v, got, tc.want)
		}
	}
	for _, u := range []Unit{UnitCount, UnitBytes, UnitSeconds, UnitDollars, UnitRatio} {
		if !math.IsNaN(RoundMetric(u, math.NaN())) || !math.IsInf(RoundMetric(u, math.Inf(1)), 1) {
			t.Errorf("unit %v: NaN and Inf should pass through", u)
		}
	}
}

func TestReportJUnit(t *testing.T) {
	s := reportTestScenario(t)
	r, err := NewReport(s, "sim", 90*time.Second, reportTestMetrics())
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := r.WriteJUnit(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if !strings.HasPrefix(out, xml.Header) || !strings.HasSuffix(out, "</testsuites>\n") {
		t.Errorf("want an XML declaration and a final newline:\n%s", out)
	}
	var doc struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Suites   []struct {
			Name     string `xml:"name,attr"`
			Tests    int    `xml:"tests,attr"`
			Failures int    `xml:"failures,attr"`
			Props    []struct {
				Name  string `xml:"name,attr"`
				Value string `xml:"value,attr"`
			} `xml:"properties>property"`
			Cases []struct {
				Name    string `xml:"name,attr"`
				Class   string `xml:"classname,attr"`
				Time    string `xml:"time,attr"`
				Failure *struct {
					Message string `xml:"message,attr"`
					Type    string `xml:"type,attr"`
					Text    string `xml:",chardata"`
				} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatalf("not XML: %v\n%s", err, out)
	}
	if len(doc.Suites) != 1 {
		t.Fatalf("%d suites", len(doc.Suites))
	}
	su := doc.Suites[0]
	if su.Name != "tiny" || su.Tests != 4 || su.Failures != 1 || len(su.Cases) != 4 || len(su.Props) != 3 {
		t.Fatalf("suite = %+v", su)
	}
	for i, c := range su.Cases {
		if c.Name != s.Expect[i].Text || c.Class != "tiny" || c.Time != "0" {
			t.Errorf("case %d = %+v", i, c)
		}
		if (c.Failure != nil) != (i == 2) {
			t.Errorf("case %d: failure %v", i, c.Failure)
		}
	}
	f := su.Cases[2].Failure
	if f.Type != "expectation" || f.Message != "pipeline.cost_monthly is $38.12, expected < $1" ||
		!strings.Contains(f.Text, "measured: $38.12 (38.115 in base units)\nexpected: < $1\n") {
		t.Errorf("failure = %+v", *f)
	}
	if strings.Contains(out, "timestamp") || strings.Count(out, `time="0"`) != 6 {
		t.Errorf("want time=\"0\" everywhere and no timestamps:\n%s", out)
	}
}

func TestReportWithoutExpectations(t *testing.T) {
	s := reportTestScenario(t)
	s.Expect = nil
	r, err := NewReport(s, "sim", time.Minute, map[string]float64{})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Passed || r.Failed() != 0 {
		t.Errorf("a scenario without expect lines passes: %+v", r)
	}
	var b bytes.Buffer
	if err := r.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"metrics": {}`, `"expectations": []`, `"advice": []`, `"passed": true`} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("JSON lacks %s:\n%s", want, b.String())
		}
	}
	b.Reset()
	if err := r.WriteJUnit(&b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `<testsuite name="tiny" tests="0" failures="0"`) {
		t.Errorf("JUnit:\n%s", b.String())
	}
}

func TestApproxSize(t *testing.T) {
	for v, want := range map[float64]string{
		0: "0 B", 512: "512 B", 1024: "1.0 KiB", 921600: "900.0 KiB",
		829335449.6: "790.9 MiB", 4119.873046875 * (1 << 20): "4.0 GiB",
	} {
		if got := ApproxSize(v); got != want {
			t.Errorf("ApproxSize(%v) = %q, want %q", v, got, want)
		}
	}
}
