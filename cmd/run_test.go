package cmd

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/scenarios"
)

// plainRunEnv makes sure no test sees a CI or NO_COLOR setting of the machine
// it runs on; output to buffers is plain anyway.
func plainRunEnv(t *testing.T) {
	t.Setenv("CI", "")
	t.Setenv("NO_COLOR", "")
}

func TestRunExitCodes(t *testing.T) {
	plainRunEnv(t)
	for _, tc := range []struct {
		args   []string
		code   int
		stderr string // a substring of stderr, when the code is 2
	}{
		{[]string{"run", "seed-pipeline"}, 0, ""},
		{[]string{"run", "testdata/run/no-expect.yaml"}, 0, ""},
		{[]string{"run", "testdata/run/failing.yaml"}, 1, ""},
		{[]string{"run", "seed-pipeline", "--set", "web.rate=4000/s"}, 1, ""},
		{[]string{"run", "seed-pipeline", "--set", "clicks.shards=2"}, 1, ""},
		{[]string{"run", "testdata/run/unknown-metric.yaml"}, 2, `did you mean "pipeline.lost_records"?`},
		{[]string{"run", "testdata/no-such-file.yaml"}, 2, "no such file"},
		{[]string{"run", "testdata/bad-rate.yaml"}, 2, "producers[0].rate"},
		{[]string{"run", "seed-pipeline", "--backend", "aws"}, 2, "cost guard"},
		{[]string{"run", "seed-pipeline", "--backend", "gcp"}, 2, "expected sim or aws"},
		{[]string{"run", "seed-pipeline", "--set", "clicks.shard=8"}, 2, `clicks (kinesis-data-streams) has no key "shard"; did you mean "shards"?`},
		{[]string{"run", "seed-pipeline", "--set", "clickz.shards=8"}, 2, `no node "clickz"; did you mean "clicks"?`},
		{[]string{"run", "seed-pipeline", "--set", "clicks.shards=many"}, 2, `"many": expected an integer`},
		{[]string{"run", "seed-pipeline", "--set", "clicks.shards=0"}, 2, "out of range"},
		{[]string{"run", "seed-pipeline", "--set", "clicks.mode=ondemand"}, 2, `did you mean "on-demand"?`},
		{[]string{"run", "seed-pipeline", "--set", "delivery.format=parquet"}, 2, "format is not numeric"},
		{[]string{"run", "seed-pipeline", "--set", "clicks.shards"}, 2, "expected node.key=value"},
		{[]string{"run", "seed-pipeline", "--duration", "90"}, 2, "--duration"},
		{[]string{"run", "seed-pipeline", "--duration", "0s"}, 2, "longer than 0s"},
		{[]string{"run", "seed-pipeline", "--json", "-", "--junit", "-"}, 2, "only one report can go to stdout"},
		{[]string{"run", "seed-pipeline", "--seed", "many"}, 2, "--help' for usage"},
		{[]string{"run"}, 2, "--help' for usage"},
		{[]string{"run", "seed-pipeline", "hot-partition-key"}, 2, "--help' for usage"},
	} {
		t.Run(strings.Join(tc.args[1:], " "), func(t *testing.T) {
			_, stderr := wantCode(t, tc.args, tc.code)
			if !strings.Contains(stderr, tc.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tc.stderr, stderr)
			}
		})
	}
}

// TestRunEveryBuiltin runs each built-in scenario to its end: each must load,
// simulate, and meet its own expect lines.
func TestRunEveryBuiltin(t *testing.T) {
	plainRunEnv(t)
	for _, name := range scenarios.Names() {
		t.Run(name, func(t *testing.T) {
			code, out, stderr := run(t, "run", name)
			if code != 0 {
				t.Fatalf("streamsim run %s: exit %d, want 0\nstdout:\n%s\nstderr:\n%s", name, code, out, stderr)
			}
			if !strings.Contains(out, "PASS "+name+": ") {
				t.Errorf("no PASS verdict:\n%s", out)
			}
		})
	}
}

func TestRunSummary(t *testing.T) {
	plainRunEnv(t)
	out, stderr := wantCode(t, []string{"run", "seed-pipeline"}, 0)
	if stderr != "" {
		t.Errorf("stderr = %q", stderr)
	}
	for _, want := range []string{
		"seed-pipeline — Clickstream into a data lake and a search index\n",
		"seed 42 · 1h simulated in ticks of 1s · backend sim\n",
		"STAGE", "RECORDS IN", "KEY METRIC", "COST/MONTH",
		"producers     web ", "storage       clicks ", "destinations  lake ",
		"peak shard util ", "objects ",
		"\npipeline  produced ", "\nlatency   p50 ", "\ncost      $",
		"\nexpect\n", "  PASS pipeline.lost_records == 0 ", "  PASS pipeline.latency_p99 < 3m ",
		"\nevents\n", "  30m  web  set rate = 2000/s\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	if strings.ContainsAny(out, "\x1b\r✓✗") {
		t.Errorf("output to a non-terminal must be plain text:\n%q", out)
	}
	verdict := regexp.MustCompile(`\nPASS seed-pipeline: 7/7 expectations hold \(simulated 1h in \d+\.\d\ds\)\n$`)
	if !verdict.MatchString(out) {
		t.Errorf("last line is not the verdict:\n%s", out)
	}

	out, _ = wantCode(t, []string{"run", "testdata/run/failing.yaml"}, 1)
	for _, want := range []string{
		"  PASS pipeline.lost_records == 0 ",
		"  FAIL pipeline.produced_records >= 1M  60,000\n",
		"FAIL failing: 1 of 2 expectations failed (simulated 10m in ",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	out, _ = wantCode(t, []string{"run", "testdata/run/no-expect.yaml"}, 0)
	if !strings.Contains(out, "PASS no-expect: no expectations to check (simulated 5m in ") {
		t.Errorf("verdict of a scenario without expect:\n%s", out)
	}
}

func TestRunQuiet(t *testing.T) {
	plainRunEnv(t)
	for _, tc := range []struct {
		args []string
		code int
		line string
	}{
		{[]string{"run", "seed-pipeline", "--quiet"}, 0, "PASS seed-pipeline: 7/7 expectations hold (simulated 1h in "},
		{[]string{"run", "-q", "testdata/run/failing.yaml"}, 1, "FAIL failing: 1 of 2 expectations failed (simulated 10m in "},
	} {
		out, stderr := wantCode(t, tc.args, tc.code)
		if strings.Count(out, "\n") != 1 || !strings.HasPrefix(out, tc.line) {
			t.Errorf("%v: want one line starting %q, got:\n%s", tc.args, tc.line, out)
		}
		if stderr != "" {
			t.Errorf("%v: stderr = %q", tc.args, stderr)
		}
	}
}

// contractReport is the JSON report's shape, read strictly.
type contractReport struct {
	Scenario     string              `json:"scenario"`
	Seed         int64               `json:"seed"`
	Backend      string              `json:"backend"`
	DurationS    float64             `json:"duration_s"`
	Passed       bool                `json:"passed"`
	Metrics      map[string]*float64 `json:"metrics"`
	Expectations []struct {
		Expr   string   `json:"expr"`
		Value  *float64 `json:"value"`
		Passed bool     `json:"passed"`
	} `json:"expectations"`
	Advice []struct {
		Severity string `json:"severity"`
		Node     string `json:"node"`
		Message  string `json:"message"`
	} `json:"advice"`
}

func decodeReport(t *testing.T, data string) contractReport {
	t.Helper()
	var top map[string]json.RawMessage
	if err := json.Unmarshal([]byte(data), &top); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, data)
	}
	var keys []string
	for k := range top {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	want := []string{"advice", "backend", "duration_s", "expectations", "metrics", "passed", "scenario", "seed"}
	if !slices.Equal(keys, want) {
		t.Errorf("top-level keys = %v, want %v", keys, want)
	}
	var r contractReport
	dec := json.NewDecoder(strings.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		t.Fatalf("report does not have the contract's shape: %v", err)
	}
	return r
}

func TestRunJSONToStdout(t *testing.T) {
	plainRunEnv(t)
	out, stderr := wantCode(t, []string{"run", "seed-pipeline", "--json", "-"}, 0)
	r := decodeReport(t, out)
	if r.Scenario != "seed-pipeline" || r.Seed != 42 || r.Backend != "sim" || r.DurationS != 3600 || !r.Passed {
		t.Errorf("report head = %+v", r)
	}
	if !strings.Contains(stderr, "PASS seed-pipeline: 7/7") || !strings.Contains(stderr, "STAGE") {
		t.Errorf("the summary should go to stderr when the JSON goes to stdout:\n%s", stderr)
	}
	if !strings.HasSuffix(out, "}\n") || !strings.Contains(out, `"advice": []`) {
		t.Errorf("want indented JSON ending in a newline with an empty advice array:\n%s", out)
	}
	if strings.Contains(out, `\u003c`) {
		t.Error("< is escaped in expressions")
	}

	s, err := scenarios.Load("seed-pipeline")
	if err != nil {
		t.Fatal(err)
	}
	// Every metric the scenario defines is there, under its suffixed key.
	for _, m := range s.MetricNames() {
		key := pipeline.ReportKey(m.Name, m.Unit)
		v, ok := r.Metrics[key]
		if !ok {
			t.Errorf("metrics lacks %s", key)
			continue
		}
		if v == nil {
			t.Errorf("%s is null", key)
		}
		if key != m.Name {
			if _, bare := r.Metrics[m.Name]; bare {
				t.Errorf("metrics has %s without its suffix", m.Name)
			}
		}
	}
	for _, key := range []string{"pipeline.produced_records", "pipeline.delivered_records", "pipeline.lost_records",
		"pipeline.latency_p99_s", "pipeline.cost_monthly_usd", "clicks.throttled_records", "clicks.max_shard_utilization",
		"clicks.iterator_age_max_s", "delivery.cost_monthly_usd"} {
		if _, ok := r.Metrics[key]; !ok {
			t.Errorf("metrics lacks %s", key)
		}
	}
	if len(r.Metrics) != len(s.MetricNames()) {
		t.Errorf("%d metrics, want the %d the scenario defines", len(r.Metrics), len(s.MetricNames()))
	}
	if len(r.Expectations) != len(s.Expect) {
		t.Fatalf("%d expectations, want %d", len(r.Expectations), len(s.Expect))
	}
	for i, e := range r.Expectations {
		if e.Expr != s.Expect[i].Text || e.Value == nil || !e.Passed {
			t.Errorf("expectation %d = %+v", i, e)
		}
	}
	if *r.Expectations[0].Value != *r.Metrics["pipeline.lost_records"] ||
		*r.Expectations[5].Value != *r.Metrics["pipeline.latency_p99_s"] {
		t.Error("an expectation's value differs from the metric's")
	}
	if r.Advice == nil || len(r.Advice) != 0 {
		t.Errorf("advice = %v, want []", r.Advice)
	}

	// A failing run says so in the report, and exits 1.
	out, _ = wantCode(t, []string{"run", "testdata/run/failing.yaml", "--json", "-", "--quiet"}, 1)
	r = decodeReport(t, out)
	if r.Passed || len(r.Expectations) != 2 || !r.Expectations[0].Passed || r.Expectations[1].Passed ||
		*r.Expectations[1].Value != 60000 {
		t.Errorf("failing report = %+v", r)
	}
}

func TestRunJSONIsDeterministic(t *testing.T) {
	plainRunEnv(t)
	dir := t.TempDir()
	path := func(name string) string { return filepath.Join(dir, name) }
	read := func(name string) string {
		data, err := os.ReadFile(path(name))
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	wantCode(t, []string{"run", "seed-pipeline", "--json", path("a.json")}, 0)
	wantCode(t, []string{"run", "seed-pipeline", "--json", path("b.json"), "--quiet"}, 0)
	// Writing the time series takes snapshots; they must not change the results.
	wantCode(t, []string{"run", "seed-pipeline", "--json", path("c.json"), "--csv", path("c.csv")}, 0)
	out, _ := wantCode(t, []string{"run", "seed-pipeline", "--json", "-"}, 0)
	a := read("a.json")
	if a != read("b.json") || a != read("c.json") || a != out {
		t.Error("two runs of the same file and seed give different JSON")
	}

	// The seed is used: seed-pipeline's iot producer has Poisson arrivals.
	out43, _ := wantCode(t, []string{"run", "seed-pipeline", "--json", "-", "--seed", "43"}, 0)
	if out43 == a {
		t.Error("--seed 43 gives the same JSON as the scenario's seed 42")
	}
	r := decodeReport(t, out43)
	if r.Seed != 43 {
		t.Errorf("seed = %d, want 43", r.Seed)
	}
	again, _ := wantCode(t, []string{"run", "seed-pipeline", "--json", "-", "--seed", "43"}, 0)
	if again != out43 {
		t.Error("two runs with --seed 43 differ")
	}

	// The same file by path gives the same report as the built-in.
	file, _ := wantCode(t, []string{"run", builtinCopy(t, "seed-pipeline"), "--json", "-"}, 0)
	if file != a {
		t.Error("the built-in and a copy of its file give different JSON")
	}
}

func TestRunOverrides(t *testing.T) {
	plainRunEnv(t)
	out, _ := wantCode(t, []string{"run", "seed-pipeline", "--json", "-", "--duration", "10m"}, 0)
	if r := decodeReport(t, out); r.DurationS != 600 {
		t.Errorf("duration_s = %v, want 600", r.DurationS)
	}

	// Too few shards for the traffic: throttling, so the expectation fails.
	out, _ = wantCode(t, []string{"run", "seed-pipeline", "--json", "-", "--set", "clicks.shards=1"}, 1)
	r := decodeReport(t, out)
	if *r.Metrics["clicks.throttled_records"] == 0 || *r.Metrics["clicks.shards_end"] != 1 {
		t.Errorf("--set clicks.shards=1 had no effect: throttled %v, shards %v",
			*r.Metrics["clicks.throttled_records"], *r.Metrics["clicks.shards_end"])
	}
	// Repeated --set flags all apply; values use the file's unit syntax.
	out, _ = wantCode(t, []string{"run", "seed-pipeline", "--json", "-", "--set", "clicks.shards=8",
		"--set", "web.rate=3k/s", "--set", "web.record_size=512B"}, 0)
	r = decodeReport(t, out)
	if *r.Metrics["clicks.shards_end"] != 8 {
		t.Errorf("clicks.shards_end = %v, want 8", *r.Metrics["clicks.shards_end"])
	}
	if got, want := *r.Metrics["web.records_in"], 3000.0*1800+2000*1800; got != want {
		t.Errorf("web.records_in = %v, want %v (3k/s, then 2000/s from the timeline at 30m)", got, want)
	}

	// An override that makes the scenario invalid as a whole: Validate says why.
	_, stderr := wantCode(t, []string{"run", "seed-pipeline", "--duration", "500ms"}, 2)
	if !strings.Contains(stderr, "longer than the run") || !strings.Contains(stderr, "not valid with these overrides") {
		t.Errorf("stderr = %q", stderr)
	}
	// Every bad override is reported, not only the first.
	_, stderr = wantCode(t, []string{"run", "seed-pipeline", "--set", "clicks.shard=8", "--set", "web.rate=fast"}, 2)
	if strings.Count(stderr, "--set ") != 2 {
		t.Errorf("want both bad --set flags reported:\n%s", stderr)
	}
}

// junitDoc reads the JUnit XML that run writes.
type junitDoc struct {
	XMLName xml.Name `xml:"testsuites"`
	Tests   int      `xml:"tests,attr"`
	Suites  []struct {
		Name     string `xml:"name,attr"`
		Tests    int    `xml:"tests,attr"`
		Failures int    `xml:"failures,attr"`
		Time     string `xml:"time,attr"`
		Cases    []struct {
			Name    string `xml:"name,attr"`
			Time    string `xml:"time,attr"`
			Failure *struct {
				Message string `xml:"message,attr"`
				Text    string `xml:",chardata"`
			} `xml:"failure"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func TestRunJUnit(t *testing.T) {
	plainRunEnv(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "junit.xml")
	wantCode(t, []string{"run", "testdata/run/failing.yaml", "--junit", path, "--quiet"}, 1)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc junitDoc
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("not XML: %v\n%s", err, data)
	}
	if len(doc.Suites) != 1 {
		t.Fatalf("%d testsuites, want 1", len(doc.Suites))
	}
	suite := doc.Suites[0]
	if suite.Name != "failing" || suite.Tests != 2 || suite.Failures != 1 || suite.Time != "0" || len(suite.Cases) != 2 {
		t.Fatalf("testsuite = %+v", suite)
	}
	if c := suite.Cases[0]; c.Name != "pipeline.lost_records == 0" || c.Failure != nil || c.Time != "0" {
		t.Errorf("first testcase = %+v", c)
	}
	c := suite.Cases[1]
	if c.Name != "pipeline.produced_records >= 1M" || c.Failure == nil {
		t.Fatalf("second testcase = %+v", c)
	}
	if !strings.Contains(c.Failure.Message, "is 60,000, expected >= 1M") ||
		!strings.Contains(c.Failure.Text, "measured: 60,000") || !strings.Contains(c.Failure.Text, "expected: >= 1M") {
		t.Errorf("failure = %+v", *c.Failure)
	}

	// One testcase per expectation of a built-in; no timestamps: the same bytes twice.
	out1, _ := wantCode(t, []string{"run", "seed-pipeline", "--junit", "-"}, 0)
	out2, _ := wantCode(t, []string{"run", "seed-pipeline", "--junit", "-"}, 0)
	if out1 != out2 {
		t.Error("two JUnit files of the same run differ")
	}
	doc = junitDoc{}
	if err := xml.Unmarshal([]byte(out1), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Suites) != 1 || len(doc.Suites[0].Cases) != 7 || doc.Suites[0].Failures != 0 {
		t.Errorf("seed-pipeline JUnit = %+v", doc)
	}
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestRunCSV(t *testing.T) {
	plainRunEnv(t)
	path := filepath.Join(t.TempDir(), "series.csv")
	wantCode(t, []string{"run", "seed-pipeline", "--csv", path, "--duration", "10m", "--quiet"}, 0)
	rows := readCSV(t, path)
	if len(rows) != 1+600 {
		t.Fatalf("%d rows, want a header and 600 ticks", len(rows))
	}
	header := rows[0]
	if len(header) != 1+5*7+1 || header[0] != "time_s" || header[len(header)-1] != "pipeline.latency_p99_s" {
		t.Errorf("header = %v", header)
	}
	for _, col := range []string{"web.in_per_s", "clicks.out_per_s", "clicks.throttled_per_s", "delivery.lag_records", "analytics.iterator_age_s"} {
		if !slices.Contains(header, col) {
			t.Errorf("header lacks %s", col)
		}
	}
	if rows[1][0] != "1" || rows[600][0] != "600" {
		t.Errorf("time_s runs from %s to %s, want 1 to 600", rows[1][0], rows[600][0])
	}
	web := slices.Index(header, "web.in_per_s")
	if rows[10][web] != "1500" {
		t.Errorf("web.in_per_s = %s, want 1500", rows[10][web])
	}

	// CSV to stdout: nothing else there.
	out, stderr := wantCode(t, []string{"run", "testdata/run/no-expect.yaml", "--csv", "-", "--duration", "1m"}, 0)
	if !strings.HasPrefix(out, "time_s,") || strings.Count(out, "\n") != 61 || !strings.Contains(stderr, "PASS no-expect") {
		t.Errorf("--csv -: stdout has %d lines, stderr:\n%s", strings.Count(out, "\n"), stderr)
	}
}

func TestRunCSVManyTicks(t *testing.T) {
	if testing.Short() {
		t.Skip("100,100 ticks")
	}
	plainRunEnv(t)
	path := filepath.Join(t.TempDir(), "series.csv")
	wantCode(t, []string{"run", "testdata/run/many-ticks.yaml", "--csv", path, "--quiet"}, 0)
	rows := readCSV(t, path)
	if len(rows) != 1+50050 {
		t.Fatalf("%d rows, want a header and one row per 2 of 100,100 ticks", len(rows))
	}
	if rows[1][0] != "0.02" || rows[len(rows)-1][0] != "1001" {
		t.Errorf("time_s runs from %s to %s", rows[1][0], rows[len(rows)-1][0])
	}
}

// TestRunWritesNothingOnInvalidInput: report files are not created when the
// input is invalid, and a bad report path fails before the run.
func TestRunWritesNothingOnInvalidInput(t *testing.T) {
	plainRunEnv(t)
	dir := t.TempDir()
	js := filepath.Join(dir, "r.json")
	wantCode(t, []string{"run", "seed-pipeline", "--json", js, "--set", "clicks.shard=8"}, 2)
	wantCode(t, []string{"run", "testdata/bad-rate.yaml", "--json", js}, 2)
	if _, err := os.Stat(js); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("report written for invalid input: %v", err)
	}
	out, stderr := wantCode(t, []string{"run", "seed-pipeline", "--junit", filepath.Join(dir, "no", "such", "dir.xml")}, 2)
	if out != "" || !strings.Contains(stderr, "--junit") {
		t.Errorf("stdout %q, stderr %q", out, stderr)
	}
}

// TestRunMissingMetric: a metric that an expectation names but the engine did
// not report is an internal error (exit 2), never a pass.
func TestRunMissingMetric(t *testing.T) {
	s, err := scenarios.Load("seed-pipeline")
	if err != nil {
		t.Fatal(err)
	}
	_, err = newRunReport(s, time.Hour, map[string]float64{"pipeline.lost_records": 0})
	var ee *exitError
	if !errors.As(err, &ee) || ee.code != exitInvalid {
		t.Fatalf("err = %v, want an exit error with code 2", err)
	}
	if !strings.Contains(err.Error(), "internal error") || !strings.Contains(err.Error(), "clicks.throttled_records") {
		t.Errorf("err = %v", err)
	}
}

func TestPlainEnv(t *testing.T) {
	for _, tc := range []struct {
		ci, noColor string
		plain       bool
	}{
		{"", "", false},
		{"true", "", true},
		{"1", "", true},
		{"false", "", false},
		{"0", "", false},
		{"", "1", true},
		{"", "yes", true},
	} {
		env := map[string]string{"CI": tc.ci, "NO_COLOR": tc.noColor}
		if got := plainEnv(func(k string) string { return env[k] }); got != tc.plain {
			t.Errorf("CI=%q NO_COLOR=%q: plain = %v, want %v", tc.ci, tc.noColor, got, tc.plain)
		}
	}
	var buf bytes.Buffer
	if isTerminal(&buf) {
		t.Error("a buffer is not a terminal")
	}
}

func TestProgressLine(t *testing.T) {
	for _, tc := range []struct {
		name       string
		now, total time.Duration
		want       string
	}{
		{"seed-pipeline", 0, time.Hour, "seed-pipeline [░░░░░░░░░░░░░░░░░░░░░░░░]   0%  0s of 1h simulated"},
		{"seed-pipeline", 15 * time.Minute, time.Hour, "seed-pipeline [██████░░░░░░░░░░░░░░░░░░]  25%  15m of 1h simulated"},
		{"x", 1500 * time.Millisecond, 2 * time.Second, "x [██████████████████░░░░░░]  75%  1s of 2s simulated"},
		{"a-very-long-scenario-name-indeed", time.Hour, time.Hour, "a-very-long-scenari… [████████████████████████] 100%  1h of 1h simulated"},
	} {
		got := progressLine(tc.name, tc.now, tc.total, -1)
		if got != tc.want {
			t.Errorf("progressLine(%q, %v, %v) =\n  %q, want\n  %q", tc.name, tc.now, tc.total, got, tc.want)
		}
		if n := len([]rune(got)); n > 80 {
			t.Errorf("progress line is %d columns", n)
		}
	}
	// With the time left known, the bar is shorter and says it.
	for _, tc := range []struct {
		name       string
		now, total time.Duration
		left       time.Duration
		want       string
	}{
		{"seed-pipeline", 15 * time.Minute, time.Hour, 80 * time.Second, "seed-pipeline [████░░░░░░░░░░░░]  25%  15m of 1h · 1m20s left"},
		{"a-very-long-scenario-name-indeed", 23*time.Hour + 59*time.Minute + 59*time.Second, 24 * time.Hour, 59*time.Minute + 59*time.Second,
			"a-very-long-scenari… [███████████████░]  99%  23h59m59s of 1d · 59m59s left"},
		{"x", 0, time.Hour, 2500 * time.Millisecond, "x [░░░░░░░░░░░░░░░░]   0%  0s of 1h · 2.5s left"},
	} {
		got := progressLine(tc.name, tc.now, tc.total, tc.left)
		if got != tc.want {
			t.Errorf("progressLine(%q, %v, %v, %v) =\n  %q, want\n  %q", tc.name, tc.now, tc.total, tc.left, got, tc.want)
		}
		if n := len([]rune(got)); n > 80 {
			t.Errorf("progress line is %d columns", n)
		}
	}
	if got := remaining(time.Minute, 10*time.Second, 0.005); got != 50*time.Second {
		t.Errorf("remaining before 1%%: %v, want the estimate less the time gone", got)
	}
	if got := remaining(time.Minute, 10*time.Second, 0.25); got != 30*time.Second {
		t.Errorf("remaining at 25%% after 10s: %v, want 30s", got)
	}
	// Off a terminal the progress bar never draws.
	var buf bytes.Buffer
	p := &progress{w: &buf, name: "x", start: time.Now().Add(-time.Hour)}
	p.update(time.Minute, time.Hour)
	p.clear()
	if buf.Len() != 0 {
		t.Errorf("progress drew %q while off", buf.String())
	}
	// On, it redraws the line with \r and clears it at the end.
	p.on = true
	p.update(time.Minute, time.Hour)
	p.clear()
	if s := buf.String(); !strings.HasPrefix(s, "\rx [") || !strings.HasSuffix(s, "\r\x1b[K") {
		t.Errorf("progress wrote %q", s)
	}
}

func TestFormatCount(t *testing.T) {
	for v, want := range map[float64]string{
		0: "0", 0.4: "0", 999: "999", 1000: "1,000", 1234567.6: "1,234,568", -4500: "-4,500", -0.2: "0",
	} {
		if got := formatCount(v); got != want {
			t.Errorf("formatCount(%v) = %q, want %q", v, got, want)
		}
	}
}

func TestRunHelp(t *testing.T) {
	out, _ := wantCode(t, []string{"--help"}, 0)
	if !regexp.MustCompile(`(?m)^\s+run\s+Simulate`).MatchString(out) {
		t.Errorf("run is not listed in the help:\n%s", out)
	}
	out, _ = wantCode(t, []string{"run", "--help"}, 0)
	for _, flag := range []string{"--seed", "--duration", "--set", "--json", "--junit", "--csv", "--backend", "--quiet"} {
		if !strings.Contains(out, flag) {
			t.Errorf("run --help lacks %s", flag)
		}
	}
}
