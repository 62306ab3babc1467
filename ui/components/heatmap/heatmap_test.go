package heatmap

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/streamsim/streamsim/ui/styles"
)

func TestLabelledWhenItFits(t *testing.T) {
	st := styles.New(styles.DefaultTheme(), true)
	lines, legend := Map{Units: []float64{0.54, 0.49, 1.2, 0.85}, Noun: "shard"}.Render(st, 60, 3)
	got := ansi.Strip(strings.Join(lines, "\n"))
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
	st := styles.New(styles.DefaultTheme(), true)
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
	last := ansi.Strip(lines[len(lines)-1])
	if !strings.HasSuffix(last, "█") {
		t.Fatalf("the hot group is not shown last: %q", last)
	}
	if hot, warm := Counts(units); hot != 1 || warm != 0 {
		t.Fatalf("counts %d %d", hot, warm)
	}
}

func TestCursorMovesCellByCell(t *testing.T) {
	pl := Plan(1000, 50, 10) // 500 cells of 2, 50 to a row
	if pl.Labelled || pl.PerCell != 2 || pl.Cols != 50 {
		t.Fatalf("plan %+v", pl)
	}
	for _, tc := range []struct{ from, dx, dy, want int }{
		{0, 1, 0, 2},      // next cell
		{3, 1, 0, 4},      // from inside a cell: the next one's first unit
		{3, -1, 0, 0},     // previous
		{0, -1, 0, 0},     // stays at the start
		{999, 1, 0, 999},  // stays at the end
		{10, 0, 1, 110},   // a row down: 50 cells of 2
		{10, 0, -1, 10},   // no row above: stays
		{990, 0, 1, 990},  // no row below: stays
		{999, 0, -1, 898}, // a row up from the last cell
	} {
		if got := pl.Move(tc.from, 1000, tc.dx, tc.dy); got != tc.want {
			t.Errorf("Move(%d, %+d, %+d) = %d, want %d", tc.from, tc.dx, tc.dy, got, tc.want)
		}
	}
	if f, l := pl.Range(pl.Cell(999), 999); f != 998 || l != 998 {
		t.Fatalf("the last cell of 999 units: %d–%d", f, l)
	}
}

func TestCursorIsDrawnAndDetailed(t *testing.T) {
	st := styles.New(styles.DefaultTheme(), true)
	units := make([]float64, 1000)
	for i := range units {
		units[i] = 0.3
	}
	units[41], units[42] = 1.2, 0.85
	m := Map{Units: units, Noun: "shard", Cursor: 41, ShowCursor: true}
	pl := Plan(len(units), 50, 10)
	lines, _ := m.Render(st, 50, 10)
	first := ansi.Strip(lines[0])
	if got := strings.Count(strings.Join(lines, ""), "◆"); got != 1 || !strings.HasPrefix(first, strings.Repeat("░", 20)+"◆") {
		t.Fatalf("cursor cell: %q", first)
	}
	if d := ansi.Strip(m.Detail(st, pl, 80)); d != "▸ shards 40–41: 40 30% · 41 120% HOT" {
		t.Fatalf("detail %q", d)
	}
	// Narrow: the utilisations in order, then the busiest first.
	m.Units = units[:100]
	pl = Plan(100, 4, 2) // 8 cells of 13
	m.Cursor = 40
	if d := ansi.Strip(m.Detail(st, pl, 70)); d != "▸ 39–51: 30% 30% 120% 85% 30% 30% 30% 30% 30% 30% 30% 30% 30%" {
		t.Fatalf("short detail %q", d)
	}
	if d := ansi.Strip(m.Detail(st, pl, 40)); d != "▸ 39–51 busiest 41 120% · 42 85% …" {
		t.Fatalf("busiest detail %q", d)
	}
	m.ShowCursor = false
	if m.Detail(st, pl, 40) != "" {
		t.Fatal("a detail without a cursor")
	}
}

func TestCursorOnLabelledBars(t *testing.T) {
	st := styles.New(styles.DefaultTheme(), true)
	m := Map{Units: []float64{0.54, 1.2}, Noun: "shard", Cursor: 1, ShowCursor: true}
	lines, _ := m.Render(st, 60, 3)
	if got := ansi.Strip(strings.Join(lines, "\n")); !strings.Contains(got, "1▸████████ 120% HOT") || !strings.Contains(got, "0 ████") {
		t.Fatalf("labelled cursor:\n%s", got)
	}
	if d := ansi.Strip(m.Detail(st, Plan(2, 60, 3), 60)); d != "▸ shard 1: 120% HOT" {
		t.Fatalf("detail %q", d)
	}
}
