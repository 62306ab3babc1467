package pipeline

import (
	"path/filepath"
	"testing"

	"github.com/streamsim/streamsim/internal/golden"
)

// goldenCheck compares got with testdata/<name>.golden (name may contain
// slashes, as in "graph/seed.mermaid"), or rewrites that file when the tests
// run with -update. The helper and the -update flag live in internal/golden,
// which imports only the standard library.
func goldenCheck[T string | []byte](t *testing.T, name string, got T) {
	t.Helper()
	golden.Check(t, filepath.Join("testdata", name+".golden"), got)
}
