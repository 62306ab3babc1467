package heatmap

import (
	"os"
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"github.com/streamsim/streamsim/ui/styles"
)

func TestMain(m *testing.M) {
	lipgloss.SetColorProfile(termenv.Ascii)
	os.Exit(m.Run())
}

func TestLabelledWhenItFits(t *testing.T) {
	st := styles.New(styles.DefaultTheme())
	lines, legend := Map{Units: []float64{0.54, 0.49, 1.2, 0.85}, Noun: "shard"}.Render(st, 60, 3)
	got := strings.Join(lines, "\n")
	for _, want := range []string{"0 ████····  54%", "2 ████████ 120% HOT", "3 ███████·  85%"} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in\n%s", want, got)
		}
	}
	if !strings.Contains(legend, "per shard") {
		t.Errorf("legend %q", legend)
	}
}

func TestGridGroupsUnitsWhenTheyDoNotFit(t *testing.T) {
	st := styles.New(styles.DefaultTheme())
	units := make([]float64, 1000)
	units[999] = 1.5
	lines, legend := Map{Units: units, Noun: "shard"}.Render(st, 50, 10)
	if len(lines) > 10 {
		t.Fatalf("%d lines for 10 rows", len(lines))
	}
	for _, l := range lines {
		if ansi.StringWidth(l) > 50 {
			t.Fatalf("line %d wide", ansi.StringWidth(l))
		}
	}
	if !strings.Contains(legend, "each cell = 2 shards") {
		t.Fatalf("legend %q", legend)
	}
	last := lines[len(lines)-1]
	if !strings.HasSuffix(last, "█") {
		t.Fatalf("the hot group is not shown last: %q", last)
	}
	if hot, warm := Counts(units); hot != 1 || warm != 0 {
		t.Fatalf("counts %d %d", hot, warm)
	}
}
