package cmd

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func readText(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func writeText(t *testing.T, path, data string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestRunAdvice: the JSON report's advice comes from the diagnoser, the
// summary lists it, and it is the same with and without --csv.
func TestRunAdvice(t *testing.T) {
	plainRunEnv(t)
	out, stderr := wantCode(t, []string{"run", "hot-partition-key", "--json", "-"}, 0)
	r := decodeReport(t, out)
	if len(r.Advice) == 0 || r.Advice[0].Severity != "critical" || r.Advice[0].Node != "events" ||
		!strings.Contains(r.Advice[0].Message, "no shard count can fix it") || !strings.Contains(r.Advice[0].Message, "Fix: salt the key") {
		t.Errorf("advice = %+v", r.Advice)
	}
	if !strings.Contains(stderr, "\nadvice\n  critical  events  Hot key: ") {
		t.Errorf("the summary does not list the findings:\n%s", stderr)
	}
	dir := t.TempDir()
	csvOut, _ := wantCode(t, []string{"run", "hot-partition-key", "--json", "-", "--csv", filepath.Join(dir, "s.csv"), "--quiet"}, 0)
	if csvOut != out {
		t.Error("--csv changes the report's advice")
	}
	if again, _ := wantCode(t, []string{"run", "hot-partition-key", "--json", "-", "--quiet"}, 0); again != out {
		t.Error("two runs give different reports")
	}
	// --quiet prints only the verdict: no advice.
	q, _ := wantCode(t, []string{"run", "hot-partition-key", "--quiet"}, 0)
	if strings.Contains(q, "advice") {
		t.Errorf("--quiet printed advice:\n%s", q)
	}
}

func TestRunBaseline(t *testing.T) {
	plainRunEnv(t)
	dir := t.TempDir()
	base := filepath.Join(dir, "base.json")
	wantCode(t, []string{"run", "seed-pipeline", "--json", base, "--quiet"}, 0)
	out, _ := wantCode(t, []string{"run", "seed-pipeline", "--set", "clicks.shards=3", "--baseline", base}, 1)
	i := strings.Index(out, "compared with "+base+"\n  regressions (")
	if i < 0 {
		t.Fatalf("no diff after the run:\n%s", out)
	}
	diff := out[i:]
	for _, want := range []string{"expect clicks.max_shard_utilization < 85%  PASS", "improvements (", "unchanged: "} {
		if !strings.Contains(diff, want) {
			t.Errorf("diff lacks %q:\n%s", want, diff)
		}
	}
	if strings.Index(diff, "regressions") > strings.Index(diff, "improvements") {
		t.Error("regressions must come first")
	}
	if !strings.HasPrefix(out[strings.LastIndex(strings.TrimSuffix(out, "\n"), "\n")+1:], "FAIL seed-pipeline: ") {
		t.Error("the verdict is not the last line")
	}

	// The same report as baseline: no differences.
	out, _ = wantCode(t, []string{"run", "seed-pipeline", "--baseline", base}, 0)
	if !strings.Contains(out, "compared with "+base+"\n  no differences (") {
		t.Errorf("same run:\n%s", out)
	}

	// A baseline that cannot be read: exit 2 before anything runs or is written.
	report := filepath.Join(dir, "new.json")
	_, stderr := wantCode(t, []string{"run", "seed-pipeline", "--baseline", filepath.Join(dir, "missing.json"), "--json", report}, 2)
	if !strings.Contains(stderr, "--baseline: ") {
		t.Errorf("stderr: %s", stderr)
	}
	if _, err := os.Stat(report); err == nil {
		t.Error("a report was written although the baseline is missing")
	}
}
