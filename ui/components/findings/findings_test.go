package findings

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/ui/common"
	"github.com/streamsim/streamsim/ui/styles"
)

func TestLinesWrapAndMarkSeverity(t *testing.T) {
	st := styles.New(styles.DefaultTheme(), true)
	list := []common.Finding{
		{Severity: pipeline.SeverityCritical, Node: "events", Problem: "Hot key: one key carries 60% of the records on shard 3, which runs at 367% of its write limit.", Fix: "salt the key (key + \"-\" + id mod 2)."},
		{Severity: pipeline.SeverityWarning, Node: "", Problem: "Over budget.", Fix: ""},
		{Severity: pipeline.SeverityInfo, Node: "spark", Problem: "Idle capacity.", Fix: "set spark.instances to 1."},
	}
	lines := Lines(st, list, 30)
	got := ansi.Strip(strings.Join(lines, "\n"))
	want := `  ✖ events · critical
   Hot key: one key carries
   60% of the records on
   shard 3, which runs at
   367% of its write limit.
   Fix: salt the key (key +
   "-" + id mod 2).

 ▲ pipeline · warning
   Over budget.

 · spark · note
   Idle capacity.
   Fix: set spark.instances
   to 1.`
	if got != strings.TrimPrefix(want, " ") {
		t.Fatalf("lines:\n%s\nwant:\n%s", got, want)
	}
	for _, l := range lines {
		if ansi.StringWidth(l) > 29 {
			t.Fatalf("line %q is wider than 29", ansi.Strip(l))
		}
	}
	if Lines(st, list, 5) != nil {
		t.Fatal("lines in 5 cells")
	}
}
