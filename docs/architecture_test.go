package docs_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestArchitectureNamesRealPackages: every package the architecture page
// names in its table (and every `dir/sub` path in backticks) is a directory
// of the module with Go files in it, and every package of the module but
// the leaves of ui and internal is on the page.
func TestArchitectureNamesRealPackages(t *testing.T) {
	data, err := os.ReadFile("architecture.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	named := map[string]bool{}
	for _, m := range regexp.MustCompile("(?m)^\\| `([a-z/]+)` \\|").FindAllStringSubmatch(text, -1) {
		named[m[1]] = true
	}
	if len(named) < 10 {
		t.Fatalf("the table names %d packages; is it still there?", len(named))
	}
	for pkg := range named {
		if pkg == "main.go" {
			continue
		}
		if !hasGo(t, filepath.Join("..", pkg)) {
			t.Errorf("architecture.md names %s, which is not a package of the module", pkg)
		}
	}
	for _, dir := range []string{"cmd", "pipeline", "pipeline/advice", "scenarios", "sim", "backends", "backends/sim", "backends/aws", "ui", "ui/room"} {
		if !named[dir] {
			t.Errorf("architecture.md does not say what %s owns", dir)
		}
	}
	// Paths such as `backends/sim.Runner.Step` or `ui/screens/dashboard`.
	for _, m := range regexp.MustCompile("`((?:cmd|pipeline|sim|backends|ui|internal|scenarios)/[a-z/]+)[.`]").FindAllStringSubmatch(text, -1) {
		p := strings.TrimSuffix(m[1], "/")
		if !hasGo(t, filepath.Join("..", p)) && !fileExists(filepath.Join("..", p+".go")) {
			t.Errorf("architecture.md names %s, which is not in the module", p)
		}
	}
}

func hasGo(t *testing.T, dir string) bool {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".go") {
			return true
		}
	}
	return false
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
