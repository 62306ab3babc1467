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

// TestAdviceSampler: samples fall on the CSV's grid, and a reset snapshot is
// taken at the grid tick just before each sample, so every sample's rates
// cover the last stride ticks.
func TestAdviceSampler(t *testing.T) {
	for _, tc := range []struct {
		ticks, stride, every int64
	}{
		{3600, 1, 9}, {3600, 1, 1}, {86400, 1, 216}, {1_000_000, 10, 2500}, {1_000_003, 11, 2508}, {7, 1, 1},
	} {
		a := adviceSampler{stride: tc.stride, every: tc.every, ticks: tc.ticks}
		var last int64 // the last snapshot's tick
		for tk := int64(1); tk <= tc.ticks; tk++ {
			switch {
			case a.sampleAt(tk):
				if tk%tc.stride != 0 && tk != tc.ticks {
					t.Fatalf("%+v: sample at %d off the grid", tc, tk)
				}
				want := (tk - 1) / tc.stride * tc.stride
				if last != want {
					t.Fatalf("%+v: sample at %d covers %d.., want %d..", tc, tk, last, want)
				}
				last = tk
			case a.resetAt(tk):
				if tk%tc.stride != 0 {
					t.Fatalf("%+v: reset at %d off the grid", tc, tk)
				}
				last = tk
			}
		}
		if last != tc.ticks {
			t.Errorf("%+v: no sample at the end", tc)
		}
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
