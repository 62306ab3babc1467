package cmd

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestCompare(t *testing.T) {
	plainRunEnv(t)
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.json"), filepath.Join(dir, "b.json")
	wantCode(t, []string{"run", "seed-pipeline", "--json", a, "--quiet"}, 0)
	wantCode(t, []string{"run", "seed-pipeline", "--set", "clicks.shards=2", "--json", b, "--quiet"}, 1)
	out, stderr := wantCode(t, []string{"compare", a, b}, 0)
	if stderr != "" {
		t.Errorf("stderr: %s", stderr)
	}
	for _, want := range []string{
		"A  " + a + ": seed-pipeline · seed 42 · sim · 1h · PASS\n",
		"B  " + b + ": seed-pipeline · seed 42 · sim · 1h · FAIL\n",
		"\nregressions (",
		"  expect clicks.throttled_records == 0       PASS        →  FAIL",
		"  pipeline.lost_records ",
		"\nimprovements (",
		"  pipeline.cost_monthly_usd ",
		"\nother changes (",
		"\nunchanged: ",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	reg, imp, other := strings.Index(out, "regressions ("), strings.Index(out, "improvements ("), strings.Index(out, "other changes (")
	if !(reg < imp && imp < other) {
		t.Errorf("groups out of order:\n%s", out)
	}
	// Expectations lead the regressions.
	if first := strings.SplitN(out[reg:], "\n", 3)[1]; !strings.HasPrefix(first, "  expect ") {
		t.Errorf("first regression %q is not an expectation", first)
	}
	// The other way round the regressions become improvements.
	back, _ := wantCode(t, []string{"compare", b, a}, 0)
	if !strings.Contains(back, "  pipeline.lost_records ") || strings.Index(back, "pipeline.lost_records") < strings.Index(back, "improvements (") {
		t.Errorf("b→a should list lost records as an improvement:\n%s", back)
	}
	same, _ := wantCode(t, []string{"compare", a, a}, 0)
	if !strings.Contains(same, "no differences (") {
		t.Errorf("a→a:\n%s", same)
	}
}

func TestCompareErrors(t *testing.T) {
	plainRunEnv(t)
	dir := t.TempDir()
	notReport := filepath.Join(dir, "x.json")
	writeText(t, notReport, `{"hello": 1}`)
	notJSON := filepath.Join(dir, "y.json")
	writeText(t, notJSON, "scenario: x")
	for _, tc := range []struct {
		args   []string
		stderr string
	}{
		{[]string{"compare", filepath.Join(dir, "missing.json"), notReport}, "no such file"},
		{[]string{"compare", notReport, notReport}, "not a streamsim report"},
		{[]string{"compare", notJSON, notJSON}, "not a JSON report"},
		{[]string{"compare", notReport}, "--help' for usage"},
	} {
		_, stderr := wantCode(t, tc.args, 2)
		if !strings.Contains(stderr, tc.stderr) {
			t.Errorf("%v: stderr lacks %q:\n%s", tc.args, tc.stderr, stderr)
		}
	}
}
