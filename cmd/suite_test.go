package cmd

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/streamsim/streamsim/scenarios"
)

// suiteDir writes a folder of scenarios: two that pass, one whose expect
// line fails, one invalid, one YAML file that is not a scenario, and a
// passing one in a subfolder.
func suiteDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	write := func(name, data string) {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	seed, _ := scenarios.Read("seed-pipeline")
	write("a-pass.yaml", string(seed))
	write("b-fail.yaml", strings.Replace(string(seed), "expect:\n", "expect:\n  - pipeline.produced_records < 10\n", 1))
	bad, err := os.ReadFile("testdata/bad-rate.yaml")
	if err != nil {
		t.Fatal(err)
	}
	write("c-invalid.yaml", string(bad))
	write("notes.yaml", "owner: team-data\n")
	hot, _ := scenarios.Read("hot-partition-key")
	write("sub/d-pass.yml", string(hot))
	return dir
}

// inDir runs the test in dir (the suite's paths are relative to it).
func inDir(t *testing.T, dir string) {
	t.Helper()
	t.Chdir(dir)
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
}

func TestSuiteExitCodesLinesAndTotals(t *testing.T) {
	plainRunEnv(t)
	inDir(t, suiteDir(t))
	for _, tc := range []struct {
		args  []string
		code  int
		lines []string
	}{
		{[]string{"test"}, 2, []string{
			"PASS    a-pass.yaml", "FAIL    b-fail.yaml", "b-fail.yaml:85: pipeline.produced_records < 10 (measured ",
			"INVALID c-invalid.yaml", "c-invalid.yaml:5:11: producers[0].rate:", "PASS    sub/d-pass.yml",
			"FAIL  4 scenarios: 2 passed, 1 failed, 1 invalid; 1 other YAML file ignored"}},
		{[]string{"test", "."}, 2, []string{"3 scenarios: 1 passed, 1 failed, 1 invalid"}},
		{[]string{"test", "a-pass.yaml", "sub/..."}, 0, []string{"ok  2 scenarios: 2 passed, 0 failed, 0 invalid"}},
		{[]string{"test", "a-pass.yaml", "b-fail.yaml", "--parallel", "1"}, 1, []string{"FAIL  2 scenarios: 1 passed, 1 failed, 0 invalid"}},
		{[]string{"test", "notes.yaml"}, 2, []string{"INVALID notes.yaml"}},
		{[]string{"test", "missing/..."}, 2, []string{"missing"}},
		{[]string{"test", "--shard", "4/3"}, 2, []string{"--shard"}},
		{[]string{"test", "--tolerance", "lots"}, 2, []string{"--tolerance"}},
		{[]string{"test", "--update-baseline"}, 2, []string{"--update-baseline needs --baseline-dir"}},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, stdout, stderr := run(t, tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d\n%s%s", code, tc.code, stdout, stderr)
			}
			for _, l := range tc.lines {
				if !strings.Contains(stdout+stderr, l) {
					t.Errorf("output lacks %q:\n%s%s", l, stdout, stderr)
				}
			}
		})
	}
}

// The line of the failing expect entry: for every built-in, an impossible
// expectation appended to its list is annotated at the line that holds it,
// and every one of its own expect lines is placed at the line of its text.
func TestSuiteAnnotationLinesEveryBuiltin(t *testing.T) {
	plainRunEnv(t)
	dir := t.TempDir()
	inDir(t, dir)
	for _, name := range scenarios.Names() {
		data, _ := scenarios.Read(name)
		text := strings.Replace(string(data), "\nexpect:\n", "\nexpect:\n  - pipeline.produced_records < 0\n", 1)
		if !strings.Contains(text, "pipeline.produced_records < 0") {
			text += "expect:\n  - pipeline.produced_records < 0\n"
		}
		if err := os.WriteFile(filepath.Join(dir, name+".yaml"), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	junit := filepath.Join(t.TempDir(), "r.xml")
	code, stdout, _ := run(t, "test", "--format", "github", "--junit", junit)
	if code != 1 {
		t.Fatalf("exit %d, want 1:\n%s", code, stdout)
	}
	ann := regexp.MustCompile(`(?m)^::error file=([^,]+),line=(\d+),col=\d+,title=expectation failed%3A (.*?)::`)
	found := map[string]bool{}
	for _, m := range ann.FindAllStringSubmatch(stdout, -1) {
		lineAt(t, filepath.Join(dir, m[1]), m[2], strings.ReplaceAll(m[3], "%3A", ":"))
		found[m[1]] = true
	}
	if len(found) != len(scenarios.Names()) {
		t.Errorf("annotations for %d of %d built-ins:\n%s", len(found), len(scenarios.Names()), stdout)
	}
	data, err := os.ReadFile(junit)
	if err != nil {
		t.Fatal(err)
	}
	var doc xSuites
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	at := regexp.MustCompile(`^(.+):(\d+)\n`)
	n := 0
	for _, s := range doc.Suites {
		for _, c := range s.Cases {
			m := at.FindStringSubmatch(c.SystemOut)
			if m == nil {
				t.Fatalf("%s: no file:line in %q", c.Name, c.SystemOut)
			}
			lineAt(t, filepath.Join(dir, m[1]), m[2], c.Name)
			n++
		}
	}
	if n < 2*len(scenarios.Names()) {
		t.Errorf("only %d expect lines placed", n)
	}
}

// lineAt checks that line (1-based) of file holds text.
func lineAt(t *testing.T, file, line, text string) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	n, _ := strconv.Atoi(line)
	lines := strings.Split(string(data), "\n")
	if n < 1 || n > len(lines) || !strings.Contains(lines[n-1], text) {
		t.Errorf("%s:%s does not hold %q", file, line, text)
	}
}

// --shard 1/3, 2/3 and 3/3 together run every scenario exactly once.
func TestSuiteShardsCoverOnce(t *testing.T) {
	plainRunEnv(t)
	dir := t.TempDir()
	inDir(t, dir)
	var all []string
	for i := range 12 {
		name := fmt.Sprintf("s%02d.yaml", i)
		data, _ := scenarios.Read("seed-pipeline")
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
		all = append(all, name)
	}
	var seen []string
	line := regexp.MustCompile(`(?m)^PASS +(\S+)`)
	for i := 1; i <= 3; i++ {
		code, stdout, _ := run(t, "test", "--shard", fmt.Sprintf("%d/3", i))
		if code != 0 {
			t.Fatalf("shard %d: exit %d\n%s", i, code, stdout)
		}
		for _, m := range line.FindAllStringSubmatch(stdout, -1) {
			seen = append(seen, m[1])
		}
	}
	slices.Sort(seen)
	if !slices.Equal(seen, all) {
		t.Errorf("shards ran %v, want each of %v once", seen, all)
	}
}

// The JSON of a suite is the same with one worker or many, and each
// scenario's report is the one `run --json` writes for it.
func TestSuiteJSONIsRunsJSON(t *testing.T) {
	plainRunEnv(t)
	dir := suiteDir(t)
	inDir(t, dir)
	one, many := filepath.Join(dir, "one.json"), filepath.Join(dir, "many.json")
	run(t, "test", "--parallel", "1", "--json", one)
	run(t, "test", "--parallel", "4", "--json", many)
	a, _ := os.ReadFile(one)
	b, _ := os.ReadFile(many)
	if len(a) == 0 || !bytes.Equal(a, b) {
		t.Fatalf("--json differs between 1 and 4 workers")
	}
	var doc struct {
		Scenarios []struct {
			File   string
			Status string
			Report json.RawMessage
		}
	}
	if err := json.Unmarshal(a, &doc); err != nil {
		t.Fatal(err)
	}
	for _, sc := range doc.Scenarios {
		if sc.Status == "invalid" {
			continue
		}
		_, runJSON, _ := run(t, "run", sc.File, "--json", "-")
		var x, y any
		_ = json.Unmarshal(sc.Report, &x)
		_ = json.Unmarshal([]byte(runJSON), &y)
		xs, _ := json.Marshal(x)
		ys, _ := json.Marshal(y)
		if !bytes.Equal(xs, ys) {
			t.Errorf("%s: the suite's report differs from run --json", sc.File)
		}
	}
}

// Baselines: written with --update-baseline, then a scenario that got worse
// beyond the tolerance fails and one within it passes.
func TestSuiteBaselines(t *testing.T) {
	plainRunEnv(t)
	dir := t.TempDir()
	inDir(t, dir)
	seed, _ := scenarios.Read("seed-pipeline")
	if err := os.WriteFile("p.yaml", seed, 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, _ := run(t, "test", "--baseline-dir", "base", "--update-baseline"); code != 0 || !strings.Contains(out, "baseline written") {
		t.Fatalf("update: exit %d\n%s", code, out)
	}
	if _, err := os.Stat(filepath.Join("base", "p.json")); err != nil {
		t.Fatal(err)
	}
	if code, out, _ := run(t, "test", "--baseline-dir", "base"); code != 0 {
		t.Fatalf("unchanged: exit %d\n%s", code, out)
	}
	// A tenth more load: more cost, within 20% but not within 1%.
	worse := strings.Replace(string(seed), "rate: 1500/s", "rate: 1650/s", 1)
	if worse == string(seed) {
		t.Fatal("the seed pipeline's rate moved; update the test")
	}
	if err := os.WriteFile("p.yaml", []byte(worse), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, _ := run(t, "test", "--baseline-dir", "base", "--tolerance", "1%"); code != 1 || !strings.Contains(out, "regressed") {
		t.Errorf("beyond the tolerance: exit %d\n%s", code, out)
	}
	if code, out, _ := run(t, "test", "--baseline-dir", "base", "--tolerance", "20%"); code != 0 {
		t.Errorf("within the tolerance: exit %d\n%s", code, out)
	}
}

// --failed runs what failed last time, and everything when nothing did.
func TestSuiteFailedReruns(t *testing.T) {
	plainRunEnv(t)
	inDir(t, suiteDir(t))
	run(t, "test")
	_, out, _ := run(t, "test", "--failed")
	if strings.Contains(out, "a-pass.yaml") || !strings.Contains(out, "b-fail.yaml") || !strings.Contains(out, "c-invalid.yaml") {
		t.Errorf("--failed ran:\n%s", out)
	}
	run(t, "test", "a-pass.yaml")
	if _, out, _ = run(t, "test", "--failed"); !strings.Contains(out, "a-pass.yaml") || !strings.Contains(out, "b-fail.yaml") {
		t.Errorf("--failed after a passing run should run all:\n%s", out)
	}
}
