package cmd

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/streamsim/streamsim/internal/textsafe"
)

// The TUI needs a terminal: in tests (and CI) stdout is a buffer, so these
// exercise what happens before the program would start.

func TestNoArgumentsWithoutATerminalPrintsHelp(t *testing.T) {
	out, _ := wantCode(t, []string{}, 0)
	if !strings.Contains(out, "Usage:") || !strings.Contains(out, "open") {
		t.Fatalf("stdout:\n%s", out)
	}
}

func TestOpen(t *testing.T) {
	t.Run("invalid scenario exits 2 with every problem", func(t *testing.T) {
		_, stderr := wantCode(t, []string{"open", "testdata/bad-rate.yaml"}, 2)
		if !problemLine.MatchString(stderr) {
			t.Fatalf("stderr:\n%s", stderr)
		}
	})
	t.Run("unknown scenario exits 2", func(t *testing.T) {
		_, stderr := wantCode(t, []string{"open", "no-such-scenario"}, 2)
		if !strings.Contains(stderr, "no such file, and no built-in scenario") {
			t.Fatalf("stderr:\n%s", stderr)
		}
	})
	t.Run("valid scenario without a terminal only checks it", func(t *testing.T) {
		_, stderr := wantCode(t, []string{"open", "seed-pipeline"}, 0)
		if !strings.Contains(stderr, "seed-pipeline is valid; the builder needs a terminal") {
			t.Fatalf("stderr:\n%s", stderr)
		}
	})
	t.Run("no argument is a usage error", func(t *testing.T) {
		wantCode(t, []string{"open"}, 2)
	})
}

// The TUI starts when stdin and stdout are terminals; stdout reaches the
// commands wrapped in the textsafe guard, which must not hide the file.
func TestFileOfSeesThroughTheGuard(t *testing.T) {
	if f, ok := fileOf(textsafe.NewWriter(os.Stdout, false)); !ok || f != os.Stdout {
		t.Fatalf("fileOf(guarded stdout) = %v, %v", f, ok)
	}
	if _, ok := fileOf(&bytes.Buffer{}); ok {
		t.Fatal("a buffer has a file")
	}
}
