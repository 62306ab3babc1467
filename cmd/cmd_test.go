package cmd

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/streamsim/streamsim/internal/golden"
	"github.com/streamsim/streamsim/scenarios"
)

// run executes streamsim in-process and returns its exit code and output.
func run(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = ExecuteArgs(args, &out, &errb)
	return code, out.String(), errb.String()
}

func wantCode(t *testing.T, args []string, want int) (stdout, stderr string) {
	t.Helper()
	code, stdout, stderr := run(t, args...)
	if code != want {
		t.Fatalf("streamsim %s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), code, want, stdout, stderr)
	}
	return stdout, stderr
}

// builtinCopy writes the YAML of a built-in scenario into a temporary directory.
func builtinCopy(t *testing.T, name string) string {
	t.Helper()
	data, ok := scenarios.Read(name)
	if !ok {
		t.Fatalf("no built-in %s", name)
	}
	path := filepath.Join(t.TempDir(), name+".yaml")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

var problemLine = regexp.MustCompile(`(?m)^testdata/bad-rate\.yaml:5:11: producers\[0\]\.rate: .*2000/sec`)

func TestValidate(t *testing.T) {
	t.Run("built-in by name", func(t *testing.T) {
		out, _ := wantCode(t, []string{"validate", "seed-pipeline"}, 0)
		if out != "seed-pipeline.yaml: ok\n" {
			t.Errorf("stdout = %q", out)
		}
	})
	t.Run("every built-in", func(t *testing.T) {
		out, _ := wantCode(t, append([]string{"validate"}, scenarios.Names()...), 0)
		if n := strings.Count(out, ": ok\n"); n != len(scenarios.Names()) {
			t.Errorf("%d ok lines for %d built-ins:\n%s", n, len(scenarios.Names()), out)
		}
	})
	t.Run("good file", func(t *testing.T) {
		path := builtinCopy(t, "hot-partition-key")
		out, _ := wantCode(t, []string{"validate", path}, 0)
		if out != path+": ok\n" {
			t.Errorf("stdout = %q", out)
		}
	})
	t.Run("bad file", func(t *testing.T) {
		out, stderr := wantCode(t, []string{"validate", "testdata/bad-rate.yaml"}, 2)
		if !problemLine.MatchString(out) {
			t.Errorf("no file:line:col problem for the rate in:\n%s", out)
		}
		if !strings.Contains(stderr, "1 of 1 scenario invalid") {
			t.Errorf("stderr = %q", stderr)
		}
	})
	t.Run("good and bad", func(t *testing.T) {
		out, _ := wantCode(t, []string{"validate", "seed-pipeline", "testdata/bad-rate.yaml", "hot-partition-key"}, 2)
		if !strings.Contains(out, "seed-pipeline.yaml: ok\n") || !strings.Contains(out, "hot-partition-key.yaml: ok\n") ||
			!problemLine.MatchString(out) {
			t.Errorf("want both ok lines and the problem:\n%s", out)
		}
	})
	t.Run("missing file", func(t *testing.T) {
		out, _ := wantCode(t, []string{"validate", "testdata/no-such-file.yaml"}, 2)
		if !strings.Contains(out, "testdata/no-such-file.yaml: no such file") {
			t.Errorf("stdout = %q", out)
		}
	})
	t.Run("misspelt built-in", func(t *testing.T) {
		out, _ := wantCode(t, []string{"validate", "seed-pipelin"}, 2)
		if !strings.Contains(out, `did you mean "seed-pipeline"?`) {
			t.Errorf("stdout = %q", out)
		}
	})
	t.Run("no arguments", func(t *testing.T) {
		wantCode(t, []string{"validate"}, 2)
	})
}

func TestFileWinsOverBuiltin(t *testing.T) {
	t.Chdir(t.TempDir())
	if err := os.WriteFile("seed-pipeline", []byte("version: 1\nname: Not Valid\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _ := wantCode(t, []string{"validate", "seed-pipeline"}, 2)
	if !strings.HasPrefix(out, "seed-pipeline:") {
		t.Errorf("want problems of the local file, got:\n%s", out)
	}
	// A directory of that name is not a scenario file: the built-in is used.
	t.Chdir(t.TempDir())
	if err := os.Mkdir("seed-pipeline", 0o755); err != nil {
		t.Fatal(err)
	}
	wantCode(t, []string{"validate", "seed-pipeline"}, 0)
}

func TestGraph(t *testing.T) {
	for _, tc := range []struct {
		args   []string
		golden string
	}{
		{[]string{"graph", "seed-pipeline"}, "graph-seed-pipeline.mermaid"},
		{[]string{"graph", "seed-pipeline", "--format", "mermaid"}, "graph-seed-pipeline.mermaid"},
		{[]string{"graph", "--format=dot", "seed-pipeline"}, "graph-seed-pipeline.dot"},
		{[]string{"graph", "-f", "dot", "hot-partition-key"}, "graph-hot-partition-key.dot"},
		{[]string{"graph", "hot-partition-key"}, "graph-hot-partition-key.mermaid"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			out, stderr := wantCode(t, tc.args, 0)
			if stderr != "" {
				t.Errorf("stderr = %q", stderr)
			}
			golden.Check(t, "testdata/"+tc.golden+".golden", out)
		})
	}
}

func TestGraphErrors(t *testing.T) {
	for _, args := range [][]string{
		{"graph"},
		{"graph", "seed-pipeline", "hot-partition-key"},
		{"graph", "seed-pipeline", "--format", "svg"},
		{"graph", "no-such-scenario"},
		{"graph", "testdata/bad-rate.yaml"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			out, stderr := wantCode(t, args, 2)
			if out != "" {
				t.Errorf("stdout should be empty on error, got:\n%s", out)
			}
			if stderr == "" {
				t.Error("nothing on stderr")
			}
		})
	}
	_, stderr := wantCode(t, []string{"graph", "testdata/bad-rate.yaml"}, 2)
	if !problemLine.MatchString(stderr) {
		t.Errorf("graph of a bad file should print its problems:\n%s", stderr)
	}
	_, stderr = wantCode(t, []string{"graph", "seed-pipeline", "--format", "svg"}, 2)
	if !strings.Contains(stderr, "expected mermaid or dot") {
		t.Errorf("stderr = %q", stderr)
	}
}

func TestScenarios(t *testing.T) {
	out, _ := wantCode(t, []string{"scenarios"}, 0)
	for _, name := range scenarios.Names() {
		if !regexp.MustCompile(`(?m)^` + name + `\s`).MatchString(out) {
			t.Errorf("listing lacks %s:\n%s", name, out)
		}
	}
	golden.Check(t, "testdata/scenarios.golden", out)
	wantCode(t, []string{"scenarios", "extra"}, 2)
}

func TestMetrics(t *testing.T) {
	out, _ := wantCode(t, []string{"metrics", "seed-pipeline"}, 0)
	for _, want := range []string{"pipeline.latency_p99", "clicks.max_shard_utilization", "delivery.objects", "lake.objects"} {
		if !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(want) + `\s`).MatchString(out) {
			t.Errorf("listing lacks %s", want)
		}
	}
	golden.Check(t, "testdata/metrics-seed-pipeline.golden", out)
	wantCode(t, []string{"metrics"}, 2)
	wantCode(t, []string{"metrics", "testdata/no-such-file.yaml"}, 2)
	wantCode(t, []string{"metrics", "testdata/bad-rate.yaml"}, 2)
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"frobnicate"},
		{"--no-such-flag"},
		{"validate", "--no-such-flag", "seed-pipeline"},
		{"version", "extra"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			_, stderr := wantCode(t, args, 2)
			if !strings.Contains(stderr, "--help' for usage") {
				t.Errorf("stderr = %q", stderr)
			}
		})
	}
	_, stderr := wantCode(t, []string{"valdate"}, 2)
	if !strings.Contains(stderr, `unknown command "valdate"`) || !strings.Contains(stderr, "validate") {
		t.Errorf("stderr = %q", stderr)
	}
}

func TestHelpAndVersion(t *testing.T) {
	out, _ := wantCode(t, nil, 0)
	if !strings.Contains(out, "Usage:") || !strings.Contains(out, "validate") {
		t.Errorf("no arguments should print the help for now, got:\n%s", out)
	}
	for _, args := range [][]string{{"--help"}, {"help"}, {"graph", "--help"}, {"help", "validate"}} {
		out, _ := wantCode(t, args, 0)
		if !strings.Contains(out, "Usage:") {
			t.Errorf("%v: no usage in:\n%s", args, out)
		}
	}
	out, _ = wantCode(t, []string{"version"}, 0)
	for _, want := range []string{"streamsim ", "commit:", "go:      go1."} {
		if !strings.Contains(out, want) {
			t.Errorf("version lacks %q:\n%s", want, out)
		}
	}
	out, _ = wantCode(t, []string{"--version"}, 0)
	if !strings.HasPrefix(out, "streamsim ") {
		t.Errorf("--version = %q", out)
	}
}

func TestVersionFromLdflags(t *testing.T) {
	Version, Commit, Date = "v1.2.3", "abc123", "2025-01-02T03:04:05Z"
	t.Cleanup(func() { Version, Commit, Date = "", "", "" })
	out, _ := wantCode(t, []string{"version"}, 0)
	for _, want := range []string{"streamsim v1.2.3\n", "commit:  abc123\n", "built:   2025-01-02T03:04:05Z\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("version lacks %q:\n%s", want, out)
		}
	}
}
