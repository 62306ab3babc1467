package docs_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/streamsim/streamsim/pipeline"
)

const limitsFile = "aws-limits.md"

// TestRuleBookIsGenerated fails when the generated part of aws-limits.md
// differs from the rule book in pipeline/rules*.go. `go test ./docs -update`
// rewrites it.
func TestRuleBookIsGenerated(t *testing.T) {
	checkGenerated(t, limitsFile, ruleBook())
}

// ruleBook renders the rules by service, one table per service.
func ruleBook() string {
	var b strings.Builder
	rules := pipeline.Rules()
	for _, svc := range pipeline.RuleServices() {
		fmt.Fprintf(&b, "\n## %s\n\n", svc)
		b.WriteString("| id | rule | numbers | source | confidence | checked |\n|---|---|---|---|---|---|\n")
		for _, r := range rules {
			if r.Service == svc {
				fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s | %s |\n", r.ID, cell(r.Statement),
					ruleNumbers(r), ruleSources(r), r.Conf, pipeline.RulesChecked)
			}
		}
	}
	b.WriteString("\n")
	return b.String()
}

func ruleNumbers(r pipeline.Rule) string {
	if len(r.Numbers) == 0 {
		return "–"
	}
	out := make([]string, len(r.Numbers))
	for i, n := range r.Numbers {
		out[i] = cell(r.NumberText(n))
	}
	return strings.Join(out, "<br>")
}

func ruleSources(r pipeline.Rule) string {
	out := make([]string, len(r.Sources))
	for i, s := range r.Sources {
		title := cell(s.Title)
		switch {
		case s.URL != "":
			title = "[" + strings.NewReplacer("[", `\[`, "]", `\]`).Replace(title) + "](" + s.URL + ")"
		case !s.Own:
			title += " (no web address)"
		}
		if s.Note != "" {
			title += " — " + cell(s.Note)
		}
		out[i] = title
	}
	return strings.Join(out, "<br>")
}
