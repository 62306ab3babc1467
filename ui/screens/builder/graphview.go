package builder

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/ui/components/graph"
)

// maxBox is the widest a box is drawn; wider screens give the room to the
// edges.
const maxBox = 40

// chrome is the rows the graph pane shares with the rest of the screen:
// header, tabs, column headings, status line.
const chrome = 4

// canvasHeight is how many rows of the drawing the graph pane shows.
func (m *Model) canvasHeight() int { return max(1, m.h-chrome) }

// graphOf is the scenario as a graph to draw: every node a box, every
// connection of the file (every to, every from) an edge.
func (m *Model) graphOf() graph.Graph {
	g := graph.Graph{}
	for _, s := range stages {
		g.Columns = append(g.Columns, s.Title())
	}
	broken := m.brokenNodes()
	for _, n := range m.sc.Nodes {
		tag := n.Service.Short
		if n.Stage == pipeline.Producer {
			tag = n.Str("kind")
		}
		var lines []string
		if s := summary(n); s != "" {
			lines = append(lines, s)
		}
		if d := m.detail(n); d != "" {
			for len(lines) < 1 {
				lines = append(lines, "")
			}
			lines = append(lines, d)
		}
		g.Boxes = append(g.Boxes, graph.Box{ID: n.ID, Col: int(n.Stage), Title: n.ID, Tag: tag, Lines: lines, Broken: broken[n.ID]})
	}
	for _, e := range m.sc.Edges() {
		g.Edges = append(g.Edges, graph.Edge{From: e[0], To: e[1]})
	}
	return g
}

// layout is the drawing placed at the screen's size (kept until the
// scenario or the size changes): boxes of three lines when they all fit,
// two when not, and scrolling when even that is too tall.
func (m *Model) layout() *graph.Layout {
	k := fmt.Sprintf("%d/%p/%d/%d", m.hist.cur, m.sc, m.w, m.h)
	if m.lay != nil && m.layKey == k {
		return m.lay
	}
	g := m.graphOf()
	w := max(m.w, 40)
	l := graph.Place(g, graph.Options{Width: w, Lines: 3, MaxBox: maxBox})
	if l.Height > m.canvasHeight() {
		l = graph.Place(g, graph.Options{Width: w, Lines: 2, MaxBox: maxBox})
	}
	m.lay, m.layKey, m.drawKey = l, k, ""
	return l
}

// brokenNodes are the nodes a validation problem points at.
func (m *Model) brokenNodes() map[string]bool {
	out := map[string]bool{}
	count := map[pipeline.Stage]int{}
	paths := map[string]string{}
	for _, n := range m.sc.Nodes {
		paths[n.Stage.String()+"["+strconv.Itoa(count[n.Stage])+"]"] = n.ID
		count[n.Stage]++
	}
	for _, p := range m.problems {
		head, _, _ := strings.Cut(p.Path, ".")
		if id, ok := paths[head]; ok {
			out[id] = true
		}
	}
	return out
}

// summary is a node's key settings in a few words, in the format's units
// (its service's Summary).
func summary(n *pipeline.Node) string {
	if n.Service.Summary == nil {
		return ""
	}
	return n.Service.Summary(n)
}

// detail is a box's third line, when there is room: the settings next in
// importance (its service's Detail), and whether a consumer reads with
// enhanced fan-out.
func (m *Model) detail(n *pipeline.Node) string {
	var parts []string
	if n.Service.Detail != nil {
		parts = n.Service.Detail(m.sc, n)
	}
	if n.Stage == pipeline.Consumer && n.Str("read") == "enhanced-fan-out" {
		parts = append(parts, "EFO")
	}
	return strings.Join(parts, " · ")
}
