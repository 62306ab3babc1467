package docs_test

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/scenarios"
)

func readme(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// TestReadmeTestCommand keeps the README's test command equal to what .ci/run
// runs, so that "the tests" mean the same thing to a reader and to CI.
func TestReadmeTestCommand(t *testing.T) {
	ci, err := os.ReadFile("../.ci/run")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^TEST_CMD=\((.*)\)$`).FindStringSubmatch(string(ci))
	if m == nil {
		t.Fatal(".ci/run has no TEST_CMD=(...) line")
	}
	if !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(m[1]) + `\s`).MatchString(readme(t)) {
		t.Errorf("README.md does not show the test command of .ci/run: %s", m[1])
	}
}

// TestReadmeExamples loads the README's scenario example and compares its
// diagram with what `streamsim graph seed-pipeline` prints.
func TestReadmeExamples(t *testing.T) {
	doc := readme(t)
	for _, b := range regexp.MustCompile("(?s)```yaml\n(.*?)```").FindAllStringSubmatch(doc, -1) {
		if strings.HasPrefix(b[1], "version: 1\n") {
			if _, err := pipeline.Load("README.md example", []byte(b[1])); err != nil {
				t.Errorf("README example does not load:\n%v", err)
			}
		}
	}
	m := regexp.MustCompile("(?s)```mermaid\n(.*?)```").FindStringSubmatch(doc)
	if m == nil {
		t.Fatal("README has no mermaid diagram")
	}
	s, err := scenarios.Load("seed-pipeline")
	if err != nil {
		t.Fatal(err)
	}
	if got := pipeline.Mermaid(s); m[1] != got {
		t.Errorf("README's diagram is not the output of `streamsim graph seed-pipeline`; paste:\n%s", got)
	}
}
