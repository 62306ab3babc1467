package graph

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

var columns = []string{"Producers", "Stream storage", "Consumers", "Destinations"}

func seed() Graph {
	return Graph{Columns: columns,
		Boxes: []Box{
			{ID: "web", Col: 0, Title: "web", Tag: "web", Lines: []string{"1500/s · 1KiB"}},
			{ID: "iot", Col: 0, Title: "iot", Tag: "iot", Lines: []string{"500/s · 1KiB"}},
			{ID: "clicks", Col: 1, Title: "clicks", Tag: "KDS", Lines: []string{"4 shards · 24h"}},
			{ID: "delivery", Col: 2, Title: "delivery", Tag: "Firehose", Lines: []string{"5MiB / 300s"}},
			{ID: "analytics", Col: 2, Title: "analytics", Tag: "Flink", Lines: []string{"2 KPU · EFO"}},
			{ID: "lake", Col: 3, Title: "lake", Tag: "S3"},
			{ID: "search", Col: 3, Title: "search", Tag: "OpenSearch"},
		},
		Edges: []Edge{{"web", "clicks"}, {"iot", "clicks"}, {"clicks", "delivery"}, {"clicks", "analytics"}, {"delivery", "lake"}, {"analytics", "search"}},
	}
}

func draw(t *testing.T, g Graph, width int, sel string) ([]string, *Layout) {
	t.Helper()
	l := Place(g, Options{Width: width, Lines: 2, MaxBox: 40})
	lines := l.Render(Styles{}, View{Selected: sel, Height: l.Height}, width)
	for i, s := range lines {
		if w := ansi.StringWidth(s); w != width {
			t.Fatalf("line %d is %d wide, want %d", i, w, width)
		}
	}
	return lines, l
}

func sorted(es []Edge) []Edge {
	out := slices.Clone(es)
	slices.SortFunc(out, func(a, b Edge) int {
		if c := strings.Compare(a.From, b.From); c != 0 {
			return c
		}
		return strings.Compare(a.To, b.To)
	})
	return slices.Compact(out)
}

func TestSeedReadsBack(t *testing.T) {
	g := seed()
	for _, w := range []int{80, 120, 200} {
		for _, sel := range []string{"", "clicks", "lake"} {
			lines, l := draw(t, g, w, sel)
			got, err := Read(lines, l.Rects())
			if err != nil {
				t.Fatalf("%d %q: %v\n%s", w, sel, err, strings.Join(lines, "\n"))
			}
			if !slices.Equal(got, sorted(g.Edges)) {
				t.Fatalf("%d: read %v, want %v\n%s", w, got, sorted(g.Edges), strings.Join(lines, "\n"))
			}
		}
	}
}

// Random graphs of every shape an editor can make (and some it cannot):
// fan-in, fan-out, both at once, edges that skip a column, go back or stay
// in their column. What is drawn reads back as exactly the edges.
func TestRandomGraphsReadBack(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 400 {
		var g Graph
		g.Columns = columns
		per := [4]int{1 + rng.IntN(3), 1 + rng.IntN(3), 1 + rng.IntN(4), 1 + rng.IntN(4)}
		var ids [4][]string
		for c, n := range per {
			for j := range n {
				id := fmt.Sprintf("%c%d", 'a'+c, j)
				ids[c] = append(ids[c], id)
				g.Boxes = append(g.Boxes, Box{ID: id, Col: c, Title: id, Tag: "svc", Lines: []string{"x"}})
			}
		}
		for range 2 + rng.IntN(9) {
			cs := rng.IntN(3)
			ct := 1 + rng.IntN(3)
			if rng.IntN(3) > 0 {
				ct = cs + 1
			}
			from := ids[cs][rng.IntN(len(ids[cs]))]
			to := ids[ct][rng.IntN(len(ids[ct]))]
			if from != to {
				g.Edges = append(g.Edges, Edge{from, to})
			}
		}
		for _, w := range []int{80, 133, 200} {
			sel := g.Boxes[rng.IntN(len(g.Boxes))].ID
			lines, l := draw(t, g, w, sel)
			got, err := Read(lines, l.Rects())
			if err != nil || !slices.Equal(got, sorted(g.Edges)) {
				t.Fatalf("graph %d at %d (selected %s): read %v, want %v (%v)\n%s", i, w, sel, got, sorted(g.Edges), err, strings.Join(lines, "\n"))
			}
		}
	}
}

// Read is not fooled: a line that goes nowhere, or one from no box, is an
// error, and a crossing is not a junction.
func TestReadRefusesBrokenDrawings(t *testing.T) {
	g := seed()
	lines, l := draw(t, g, 120, "")
	broken := slices.Clone(lines)
	broken[len(broken)-1] = broken[len(broken)-1][:0] + strings.Repeat(" ", 50) + "──┐" + strings.Repeat(" ", 67)
	if _, err := Read(broken, l.Rects()); err == nil || !strings.Contains(err.Error(), "comes from no box") {
		t.Fatalf("a stray line: %v", err)
	}
}
