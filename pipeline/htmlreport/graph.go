package htmlreport

import (
	"fmt"
	"html"
	"strings"

	"github.com/streamsim/streamsim/pipeline"
)

// graph draws the pipeline in AWS's four columns, a box per node (id,
// service, key settings) and a curve per data flow.
func graph(s *pipeline.Scenario) string {
	const colW, boxW, boxH, gapY, top = 185, 165, 52, 16, 30
	stages := []pipeline.Stage{pipeline.Producer, pipeline.Storage, pipeline.Consumer, pipeline.Destination}
	type box struct{ x, y int }
	at := map[string]box{}
	rows := 0
	for c, st := range stages {
		for r, n := range s.Stage(st) {
			at[n.ID] = box{10 + c*colW, top + r*(boxH+gapY)}
			rows = max(rows, r+1)
		}
	}
	h := top + rows*(boxH+gapY) + 10
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="graph" viewBox="0 0 %d %d" role="img" aria-label="the pipeline">`, 10+4*colW, h)
	for c, name := range []string{"producers", "stream storage", "consumers", "destinations"} {
		fmt.Fprintf(&b, `<text class="stage" x="%d" y="16">%s</text>`, 10+c*colW, name)
	}
	for _, e := range s.Edges() {
		a, z := at[e[0]], at[e[1]]
		x1, y1, x2, y2 := a.x+boxW, a.y+boxH/2, z.x, z.y+boxH/2
		if z.x <= a.x { // a consumer writing into a stream: back to the left
			x1, x2 = a.x, z.x+boxW
		}
		mid := (x1 + x2) / 2
		fmt.Fprintf(&b, `<path class="edge" d="M%d,%d C%d,%d %d,%d %d,%d" marker-end="url(#arrow)"/>`, x1, y1, mid, y1, mid, y2, x2, y2)
	}
	b.WriteString(`<defs><marker id="arrow" viewBox="0 0 8 8" refX="8" refY="4" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L8,4 L0,8 z" fill="#667"/></marker></defs>`)
	for _, n := range s.Nodes {
		p, ok := at[n.ID]
		if !ok {
			continue
		}
		lines := s.NodeLabel(n)
		fmt.Fprintf(&b, `<g class="node %s"><rect x="%d" y="%d" width="%d" height="%d" rx="6"/>`, n.Stage, p.x, p.y, boxW, boxH)
		for i, l := range lines {
			if i == 3 {
				break
			}
			class := []string{"id", "svc", "set"}[i]
			fmt.Fprintf(&b, `<text class="%s" x="%d" y="%d">%s</text>`, class, p.x+8, p.y+15+i*14, html.EscapeString(clip(l, 26)))
		}
		b.WriteString(`</g>`)
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// clip shortens s to n runes with an ellipsis.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
