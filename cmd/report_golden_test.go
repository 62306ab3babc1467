package cmd

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/streamsim/streamsim/internal/golden"
	"github.com/streamsim/streamsim/scenarios"
)

// TestBuiltinReportsGolden keeps the JSON report of every built-in scenario
// (`run NAME --json`) as a golden file, so any change to the engine's numbers
// or the advice shows in review as a diff of numbers. Regenerate with
// `go test ./cmd -run TestBuiltinReportsGolden -update` (or `make golden`).
func TestBuiltinReportsGolden(t *testing.T) {
	for _, name := range scenarios.Names() {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "report.json")
			code, stdout, stderr := run(t, "run", name, "--json", path, "--quiet")
			if code != exitOK && code != exitFailed {
				t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
			}
			got, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			golden.Check(t, "testdata/reports/"+name+".json", got)
		})
	}
}
