package pipeline

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// update is the one -update flag of this package's tests: every golden file under
// testdata is rewritten with the current output by `go test ./pipeline -update`.
// Do not define another flag of that name in this package (the test binary panics).
var update = flag.Bool("update", false, "rewrite testdata/**/*.golden with the current output")

// golden compares got with testdata/<name>.golden (name may contain slashes, as in
// "graph/seed.mermaid"), or rewrites that file when the tests run with -update.
func golden[T string | []byte](t *testing.T, name string, got T) {
	t.Helper()
	path := filepath.Join("testdata", filepath.FromSlash(name)+".golden")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run `go test ./pipeline -run '%s' -update` to create it)", err, t.Name())
	}
	if !bytes.Equal(want, []byte(got)) {
		t.Errorf("%s differs from the output (rerun with -update if the change is intended):\n%s",
			path, firstDifference(string(want), string(got)))
	}
}

// firstDifference describes the first line where want and got part ways.
func firstDifference(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(wl), len(gl)); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g || i >= len(wl) || i >= len(gl) {
			return fmt.Sprintf("line %d:\n  want: %q\n  got:  %q", i+1, w, g)
		}
	}
	return "(no line differs; check line endings)"
}
