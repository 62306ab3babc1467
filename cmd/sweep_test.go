package cmd

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/streamsim/streamsim/pipeline"
)

const sweepFile = "testdata/sweep.yaml"

func TestSweepValueLists(t *testing.T) {
	s, err := pipeline.LoadFile(sweepFile)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ arg, want string }{
		{"clicks.shards=4..64x2", "4 8 16 32 64"},
		{"clicks.shards=1..10+3", "1 4 7 10"},
		{"clicks.shards=1..4x1.2", "1 2 3 4"}, // integers that round together appear once
		{"web.rate=1k/s..5k/s+1k/s", "1000/s 2000/s 3000/s 4000/s 5000/s"},
		{"web.rate=1k/s,5k/s,20k/s", "1000/s 5000/s 20000/s"},
		{"web.record_size=1KiB..4KiB x2", "1KiB 2KiB 4KiB"},
		{"delivery.buffer.interval=30s..120s+30s", "30s 1m 1m30s 2m"},
	} {
		v, err := parseVary(s, strings.ReplaceAll(tc.arg, " ", ""))
		if err != nil {
			t.Errorf("%s: %v", tc.arg, err)
			continue
		}
		var got []string
		for _, a := range v.values {
			got = append(got, a.Value.String())
		}
		if strings.Join(got, " ") != tc.want {
			t.Errorf("%s = %v, want %s", tc.arg, got, tc.want)
		}
	}
}

func TestSweepBadInput(t *testing.T) {
	plainRunEnv(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--vary", "nosuch.shards=1,2"}, `no node "nosuch"`},
		{[]string{"--vary", "clicks.shard=1,2"}, `did you mean "shards"`},
		{[]string{"--vary", "clicks.shards=8..4x2"}, "the range has no values"},
		{[]string{"--vary", "clicks.shards=1..8+0"}, "must be more than 0"},
		{[]string{"--vary", "clicks.shards=1..8x1"}, "must be a number above 1"},
		{[]string{"--vary", "clicks.shards=1..8"}, "a range needs a step"},
		{[]string{"--vary", "clicks.shards=1..20000+1"}, "more than 10000 values"},
		{[]string{"--vary", "clicks.shards=1,,2"}, "an empty value"},
		{[]string{"--vary", "clicks.shards=2,4", "--vary", "clicks.shards=8"}, "given twice"},
		{[]string{"--vary", "clicks.shards=2,4", "--seeds", "0"}, "--seeds 0"},
		{[]string{"--vary", "clicks.shards=1..64+1", "--seeds", "200"}, "more than --max-points 10000: pass --yes"},
		{[]string{"--vary", "clicks.shards=2,4", "--target", "clicks.nothing == 0"}, "unknown metric"},
		{[]string{"--vary", "clicks.shards=2,4", "--metric", "pipeline.lost_record"}, `did you mean "pipeline.lost_records"`},
		{[]string{"--vary", "clicks.shards=2,4", "--part", "0/3"}, "--part"},
		{[]string{"--vary", "clicks.shards=2,4", "--parts", "3"}, "neither is set"},
		{[]string{}, "--vary: give at least one"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			_, stderr := wantCode(t, append([]string{"sweep", sweepFile}, tc.args...), 2)
			if !strings.Contains(stderr, tc.want) {
				t.Errorf("stderr lacks %q:\n%s", tc.want, stderr)
			}
		})
	}
}

// sweepArgs is the sweep of the determinism tests: 3 × 2 combinations, 3 seeds.
var sweepArgs = []string{"sweep", sweepFile, "--vary", "clicks.shards=2..8x2", "--vary", "web.rate=1k/s,4k/s", "--seeds", "3", "--json", "-"}

// The same flags give the same bytes whatever the number of workers, and
// parts merged give the whole sweep's bytes, for 1, 3 and 7 parts, with
// --part and with the batch engines' index variables.
func TestSweepDeterministicAndMergeable(t *testing.T) {
	plainRunEnv(t)
	whole, _ := wantCode(t, append(append([]string{}, sweepArgs...), "--workers", "1"), 0)
	if many, _ := wantCode(t, append(append([]string{}, sweepArgs...), "--workers", "4"), 0); many != whole {
		t.Fatal("the JSON differs between 1 and 4 workers")
	}
	if !strings.Contains(whole, `"all_held"`) || strings.Count(whole, `"point":`) != 18 {
		t.Fatalf("unexpected JSON:\n%.2000s", whole)
	}
	dir := t.TempDir()
	for _, n := range []int{1, 3, 7} {
		for _, mode := range []string{"--part", "JOB_COMPLETION_INDEX", "AWS_BATCH_JOB_ARRAY_INDEX"} {
			var parts []string
			for i := range n {
				args := append([]string{}, sweepArgs...)
				if mode == "--part" {
					args = append(args, "--part", fmt.Sprintf("%d/%d", i+1, n))
				} else {
					t.Setenv("JOB_COMPLETION_INDEX", "")
					t.Setenv("AWS_BATCH_JOB_ARRAY_INDEX", "")
					t.Setenv(mode, fmt.Sprint(i))
					args = append(args, "--parts", fmt.Sprint(n))
				}
				out, _ := wantCode(t, args, 0)
				p := filepath.Join(dir, fmt.Sprintf("%s-%d-%d.json", mode, n, i))
				if err := os.WriteFile(p, []byte(out), 0o644); err != nil {
					t.Fatal(err)
				}
				parts = append(parts, p)
			}
			merged, _ := wantCode(t, append([]string{"sweep", "merge"}, parts...), 0)
			if merged != whole {
				t.Errorf("%d parts by %s merged differ from the whole sweep", n, mode)
			}
			if n > 1 {
				_, stderr := wantCode(t, append([]string{"sweep", "merge"}, parts[1:]...), 2)
				if !strings.Contains(stderr, "parts 1 of") {
					t.Errorf("a missing part: %s", stderr)
				}
				_, stderr = wantCode(t, append([]string{"sweep", "merge", parts[0]}, parts...), 2)
				if !strings.Contains(stderr, "are both part 1") {
					t.Errorf("a part twice: %s", stderr)
				}
			}
		}
	}
	t.Setenv("JOB_COMPLETION_INDEX", "")
	t.Setenv("AWS_BATCH_JOB_ARRAY_INDEX", "")
	other, _ := wantCode(t, []string{"sweep", sweepFile, "--vary", "clicks.shards=2,4", "--part", "2/2", "--json", "-"}, 0)
	p := filepath.Join(dir, "other.json")
	os.WriteFile(p, []byte(other), 0o644)
	first, _ := wantCode(t, append(append([]string{}, sweepArgs...), "--part", "1/2"), 0)
	q := filepath.Join(dir, "first.json")
	os.WriteFile(q, []byte(first), 0o644)
	if _, stderr := wantCode(t, []string{"sweep", "merge", q, p}, 2); !strings.Contains(stderr, "part of another sweep") {
		t.Errorf("a part of another sweep: %s", stderr)
	}
}

// The summary table and the grid: rows of the first key, columns of the second.
func TestSweepTable(t *testing.T) {
	plainRunEnv(t)
	out, _ := wantCode(t, []string{"sweep", sweepFile, "--vary", "clicks.shards=2..8x2", "--vary", "web.rate=1k/s,4k/s", "--seeds", "2"}, 0)
	for _, want := range []string{"sweep sweep: 6 combinations × 2 seeds", "clicks.throttled_records (p5–p95)", "pipeline.cost_monthly (p5–p95)",
		"share of seeds meeting every target: clicks.shards down, web.rate across", "1000/s  4000/s"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	var csvOut bytes.Buffer
	code := ExecuteArgs([]string{"sweep", sweepFile, "--vary", "clicks.shards=2,4", "--csv", "-"}, &csvOut, &bytes.Buffer{})
	if code != 0 || !strings.HasPrefix(csvOut.String(), "point,seed,clicks.shards,clicks.throttled_records,pipeline.latency_p99,pipeline.cost_monthly,") {
		t.Errorf("csv (exit %d):\n%s", code, csvOut.String())
	}
}

// BenchmarkSweep1000 is a sweep of 1,000 simulations of a 4-shard hour (10
// rates × 100 seeds) on 1 worker and on 2; go test ./cmd -run '^$' -bench Sweep1000.
func BenchmarkSweep1000(b *testing.B) {
	data, err := os.ReadFile(sweepFile)
	if err != nil {
		b.Fatal(err)
	}
	p := filepath.Join(b.TempDir(), "hour.yaml")
	if err := os.WriteFile(p, bytes.Replace(data, []byte("duration: 10m"), []byte("duration: 1h"), 1), 0o644); err != nil {
		b.Fatal(err)
	}
	for _, w := range []string{"1", "2"} {
		b.Run("workers="+w, func(b *testing.B) {
			for b.Loop() {
				var out bytes.Buffer
				if code := ExecuteArgs([]string{"sweep", p, "--vary", "web.rate=1k/s..10k/s+1k/s", "--seeds", "100", "--workers", w, "--json", "-"}, &out, &bytes.Buffer{}); code != 0 {
					b.Fatalf("exit %d", code)
				}
			}
		})
	}
}
