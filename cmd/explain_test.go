package cmd

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/streamsim/streamsim/internal/golden"
	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/scenarios"
)

func TestExplainList(t *testing.T) {
	out, stderr := wantCode(t, []string{"explain"}, 0)
	if stderr != "" {
		t.Errorf("stderr = %q", stderr)
	}
	for _, id := range pipeline.RuleIDs() {
		if !regexp.MustCompile(`(?m)^` + id + `\s`).MatchString(out) {
			t.Errorf("listing lacks %s", id)
		}
	}
	golden.Check(t, "testdata/explain/list.golden", out)
}

func TestExplainRule(t *testing.T) {
	for _, id := range []string{"DDB-PARTITION-WCU", "PRICE-KDS-PUT-UNIT", "FLINK-KPU-CAPACITY"} {
		t.Run(id, func(t *testing.T) {
			out, _ := wantCode(t, []string{"explain", id}, 0)
			golden.Check(t, "testdata/explain/"+id+".golden", out)
			lower, _ := wantCode(t, []string{"explain", strings.ToLower(id)}, 0)
			if lower != out {
				t.Error("a lowercase id explains differently")
			}
		})
	}
}

// TestExplainEveryRule: each rule shows its statement, every number, a
// source, its confidence and the date it was checked.
func TestExplainEveryRule(t *testing.T) {
	for _, r := range pipeline.Rules() {
		out, _ := wantCode(t, []string{"explain", r.ID}, 0)
		flat := strings.Join(strings.Fields(out), " ")
		want := []string{r.ID + " · " + r.Service, r.Statement, "source " + r.Sources[0].Title,
			"confidence " + r.Conf.String(), "checked " + pipeline.RulesChecked}
		for _, n := range r.Numbers {
			want = append(want, r.NumberText(n))
		}
		for _, w := range want {
			if !strings.Contains(flat, strings.Join(strings.Fields(w), " ")) {
				t.Errorf("explain %s lacks %q:\n%s", r.ID, w, out)
			}
		}
	}
}

func TestExplainErrors(t *testing.T) {
	out, stderr := wantCode(t, []string{"explain", "DDB-PARTITON-WCU"}, 2)
	if out != "" {
		t.Errorf("stdout should be empty, got:\n%s", out)
	}
	if !strings.Contains(stderr, `did you mean "DDB-PARTITION-WCU"?`) || !strings.Contains(stderr, "'streamsim explain' lists them") {
		t.Errorf("stderr = %q", stderr)
	}
	_, stderr = wantCode(t, []string{"explain", "NOTHING-LIKE-IT-AT-ALL"}, 2)
	if strings.Contains(stderr, "did you mean") {
		t.Errorf("a suggestion for a far-off id: %q", stderr)
	}
	_, stderr = wantCode(t, []string{"explain", "KDS-SHARD-WRITE", "KDS-SHARD-READ"}, 2)
	if !strings.Contains(stderr, "--help' for usage") {
		t.Errorf("stderr = %q", stderr)
	}
}

// citation finds tokens that look like rule ids.
var citation = regexp.MustCompile(`\b[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+\b`)

// TestOutputCitesRuleIDs runs every command that prints advice, limits or
// the scenario over every built-in: nothing cites the research notes' "§"
// sections, and every id-like token with a rule-book prefix is a rule.
func TestOutputCitesRuleIDs(t *testing.T) {
	plainRunEnv(t)
	commands := [][]string{{"explain"}}
	for _, id := range pipeline.RuleIDs() {
		commands = append(commands, []string{"explain", id})
	}
	for _, name := range scenarios.Names() {
		commands = append(commands, [][]string{
			{"advise", name}, {"advise", name, "--json"}, {"size", name}, {"run", name},
			{"run", name, "--json", "-"}, {"metrics", name}, {"graph", name},
			{"graph", name, "--format", "dot"}, {"validate", name},
		}...)
	}
	prefixes := pipeline.RulePrefixes()
	for _, args := range commands {
		_, stdout, stderr := run(t, args...)
		checkCitations(t, strings.Join(args, " "), stdout+stderr, prefixes)
	}
}

func checkCitations(t *testing.T, what, out string, prefixes []string) {
	t.Helper()
	if i := strings.Index(out, "§"); i >= 0 {
		t.Errorf("streamsim %s prints %q", what, out[max(0, i-60):min(len(out), i+60)])
	}
	for _, tok := range citation.FindAllString(out, -1) {
		p, _, _ := strings.Cut(tok, "-")
		if _, ok := pipeline.LookupRule(tok); !ok && slices.Contains(prefixes, p) {
			t.Errorf("streamsim %s cites %s, which is not in the rule book", what, tok)
		}
	}
}
