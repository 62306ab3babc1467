package pipeline

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

var ruleID = regexp.MustCompile(`^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$`)

// TestRuleBookWellFormed: ids are unique, short and uppercase; every rule
// has a statement of one line, numbers, a source and a confidence.
func TestRuleBookWellFormed(t *testing.T) {
	rules := Rules()
	if !slices.IsSortedFunc(rules, func(a, b Rule) int { return strings.Compare(a.ID, b.ID) }) {
		t.Error("Rules() is not sorted by id")
	}
	for i, r := range rules {
		if i > 0 && rules[i-1].ID == r.ID {
			t.Errorf("%s: listed twice", r.ID)
		}
		if !ruleID.MatchString(r.ID) || len(r.ID) > 30 {
			t.Errorf("%q: want a short uppercase, dash-separated id", r.ID)
		}
		if !slices.Contains(RuleServices(), r.Service) {
			t.Errorf("%s: service %q is not in RuleServices", r.ID, r.Service)
		}
		if r.Statement == "" || strings.ContainsAny(r.Statement, "\n§") || !strings.HasSuffix(r.Statement, ".") {
			t.Errorf("%s: want a one-line statement ending in a full stop, got %q", r.ID, r.Statement)
		}
		if len(r.Numbers) == 0 && r.Service != SvcSelect {
			t.Errorf("%s: no numbers", r.ID)
		}
		if len(r.Sources) == 0 || r.Sources[0].Title == "" {
			t.Errorf("%s: no source", r.ID)
		}
		if r.Conf < Confirmed || r.Conf > Assumption {
			t.Errorf("%s: confidence %d", r.ID, r.Conf)
		}
		checkRuleText(t, r)
	}
}

func checkRuleText(t *testing.T, r Rule) {
	t.Helper()
	for _, n := range r.Numbers {
		if n.Value == "" || strings.Contains(n.Value, "§") {
			t.Errorf("%s: number %q", r.ID, n.Value)
		}
	}
	for _, s := range r.Sources {
		if s.URL != "" && !strings.HasPrefix(s.URL, "https://") {
			t.Errorf("%s: source URL %q", r.ID, s.URL)
		}
		if strings.Contains(s.Title+s.Note, "§") {
			t.Errorf("%s: source %q cites the research notes' sections", r.ID, s.Title)
		}
		// Users have no copy of the notes the rules were gathered from.
		if strings.Contains(strings.ToLower(s.Title+s.Note), "research notes") {
			t.Errorf("%s: source %q points at notes users do not have", r.ID, s.Title)
		}
	}
	for _, txt := range []string{r.Statement, r.Conf.String(), r.CheckedText()} {
		if strings.Contains(strings.ToLower(txt), "research notes") {
			t.Errorf("%s: %q points at notes users do not have", r.ID, txt)
		}
	}
}

func TestLookupRule(t *testing.T) {
	for _, id := range []string{"KDS-SHARD-WRITE", "kds-shard-write", " DDB-PARTITION-WCU "} {
		if _, ok := LookupRule(id); !ok {
			t.Errorf("LookupRule(%q) found nothing", id)
		}
	}
	if _, ok := LookupRule("KDS-NOPE"); ok {
		t.Error("LookupRule(KDS-NOPE) found a rule")
	}
	if got := RulePrefixes(); !slices.Contains(got, "KDS") || !slices.Contains(got, "PRICE") {
		t.Errorf("RulePrefixes() = %v", got)
	}
}

// TestNumberText marks a number whose confidence differs from its rule's.
func TestNumberText(t *testing.T) {
	r, _ := LookupRule("PRICE-KDS-PUT-UNIT")
	if got := r.NumberText(r.Numbers[0]); got != "25 KB per PUT payload unit (confirmed in an older or archived AWS page)" {
		t.Errorf("NumberText = %q", got)
	}
	if got := r.NumberText(r.Numbers[1]); got != "$0.014 per 1 M units" {
		t.Errorf("NumberText = %q", got)
	}
}
