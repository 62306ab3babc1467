package docs_test

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rhysd/actionlint"
)

// The workflow files of docs/ci pass actionlint, and so does a workflow that
// uses the composite action at the repository's root (which makes actionlint
// check the action's inputs).
func TestCIWorkflowsLint(t *testing.T) {
	files, err := filepath.Glob("ci/*.yml")
	if err != nil || len(files) < 2 {
		t.Fatalf("workflow files: %v %v", files, err)
	}
	// A project of its own: .github/workflows and the action at its root.
	proj := t.TempDir()
	wf := filepath.Join(proj, ".github", "workflows")
	if err := os.MkdirAll(wf, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(proj, ".git"), 0o755); err != nil { // how actionlint finds a project
		t.Fatal(err)
	}
	copyFile(t, filepath.Join("..", "action.yml"), filepath.Join(proj, "action.yml"))
	var paths []string
	for _, f := range files {
		dst := filepath.Join(wf, filepath.Base(f))
		copyFile(t, f, dst)
		paths = append(paths, dst)
	}
	local := filepath.Join(wf, "local-action.yml")
	body := "name: local\non: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n" +
		"      - id: s\n        uses: ./\n        with:\n          paths: ./...\n          shard: 1/2\n          args: --tolerance 5%\n" +
		"      - run: echo \"${{ steps.s.outputs.junit }}\"\n"
	if err := os.WriteFile(local, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	paths = append(paths, local)
	l, err := actionlint.NewLinter(io.Discard, &actionlint.LinterOptions{WorkingDir: proj})
	if err != nil {
		t.Fatal(err)
	}
	errs, err := l.LintFiles(paths, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range errs {
		t.Errorf("%s:%d:%d: %s [%s]", e.Filepath, e.Line, e.Column, e.Message, e.Kind)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// The snippets of docs/ci.md are the workflow file's own lines.
func TestCIDocQuotesTheWorkflow(t *testing.T) {
	doc, _ := os.ReadFile("ci.md")
	wf, _ := os.ReadFile("ci/streamsim.yml")
	start := strings.Index(string(wf), "jobs:")
	if start < 0 || !strings.Contains(string(doc), string(wf[start:])) {
		t.Error("docs/ci.md does not quote ci/streamsim.yml from jobs: on")
	}
}

// The GitHub Actions matrix of docs/sweep.md passes actionlint too.
func TestSweepWorkflowLints(t *testing.T) {
	doc, err := os.ReadFile("sweep.md")
	if err != nil {
		t.Fatal(err)
	}
	_, after, ok := strings.Cut(string(doc), "### GitHub Actions: a matrix")
	_, block, ok2 := strings.Cut(after, "```yaml\n")
	block, _, ok3 := strings.Cut(block, "```")
	if !ok || !ok2 || !ok3 {
		t.Fatal("no workflow in docs/sweep.md")
	}
	l, err := actionlint.NewLinter(io.Discard, &actionlint.LinterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	errs, err := l.Lint("sweep.yml", []byte("name: sweep\non: workflow_dispatch\n"+block), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range errs {
		t.Errorf("docs/sweep.md workflow:%d:%d: %s [%s]", e.Line, e.Column, e.Message, e.Kind)
	}
}
