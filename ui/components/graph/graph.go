// Package graph draws a pipeline: boxes in columns (one per stage) joined by
// edges of box-drawing characters routed in the gutters between the columns,
// as a layered DAG layout does. Edges that share a source split from one
// track (fan-out) and edges that share a target merge into one (fan-in), as
// long as the drawing still says exactly which node feeds which: a tree of
// lines joins every source on it to every target on it. Edges that skip a
// column, go back to an earlier one or stay in their column run along the
// rows between boxes.
//
// Reading a drawing: a line ends in ▶ at the box it feeds; it leaves its
// source through a ├ on the box's right side; ┬ ┴ ├ ┤ are junctions of one
// tree; ┼ is always two lines crossing, never a junction. The edges of the
// selected box are drawn heavy (━ ┃ ┏), so they stand out without colour.
//
// The package is a dumb component: Place computes a Layout for a width,
// Render draws rows of it, Read reads edges back from a drawing (for tests).
// It knows nothing of scenarios or screens.
// Imports: lipgloss, x/ansi, ui/styles, ui/layout.
package graph

import (
	"math"
	"slices"
	"sort"
)

// Box is one node to draw.
type Box struct {
	ID     string
	Col    int      // its column
	Title  string   // the title line's left part (the id)
	Tag    string   // the title line's right part (the service)
	Lines  []string // further lines, as many as fit
	Broken bool     // drawn with ✗ before its title
}

// Edge is data flowing from one box to another.
type Edge struct{ From, To string }

// Graph is what to draw.
type Graph struct {
	Columns []string // headings
	Boxes   []Box    // in file order: the layout orders each column
	Edges   []Edge
}

// Rect is a box's place on the canvas.
type Rect struct{ X, Y, W, H int }

// Contains reports whether the cell x, y is inside the rect.
func (r Rect) Contains(x, y int) bool {
	return x >= r.X && x < r.X+r.W && y >= r.Y && y < r.Y+r.H
}

// Options say how to place a graph.
type Options struct {
	Width  int // of the canvas
	Lines  int // content lines per box (at least 2; more when a box needs more ports)
	MaxBox int // the widest a box gets; 0 = no limit (the rest goes to the gutters)
}

// Gutter widths: at least minGutter cells, and room for every track plus a
// line out of the source and an arrow.
const (
	minGutter = 4
	minBox    = 8
)

// Layout is a graph placed and routed at one width.
type Layout struct {
	g             Graph
	Width, Height int   // of the canvas, headings not included
	ColX, ColW    []int // each column's left edge and width
	K             int   // content lines per box
	rects         map[string]Rect
	order         [][]string // per column, ids top to bottom
	boxes         map[string]*Box
	paths         []path
	outs          map[string][]int // ids → rows (canvas y) where edges leave
}

type point struct{ x, y int }

// seg is a horizontal or vertical run of line cells, ends included.
type seg struct{ a, b point }

// path is one edge as drawn: from the cell right of its source's border to
// the arrow before its target's border.
type path struct {
	e     Edge
	segs  []seg
	arrow point
	port  point // the source's border cell
}

// occupant is a vertical run of line in a gutter: a tree of short edges, or
// one end of a long edge.
type occupant struct {
	gutter     int
	ymin, ymax int
	track      int
}

// net is a tree of short edges in one gutter: every source to every target.
type net struct {
	gutter     int
	srcs, dsts []string
	occ        *occupant
}

// long is an edge that does not go to the next column: out of its source
// into the source's gutter, along a row between boxes, into the target's
// gutter.
type long struct {
	e           Edge
	out, in     *occupant
	gap, sub    int
	from, until int // the gutters it joins
}

// port is one line's place on a box's side.
type port struct {
	net  *net
	long *long
	row  int // content row
	key  float64
}

// Place lays out and routes g at a width.
func Place(g Graph, o Options) *Layout {
	nc := max(1, len(g.Columns))
	l := &Layout{g: g, rects: map[string]Rect{}, boxes: map[string]*Box{}, outs: map[string][]int{}}
	col := map[string]int{}
	byCol := make([][]string, nc)
	for i := range g.Boxes {
		b := &g.Boxes[i]
		if _, dup := l.boxes[b.ID]; dup {
			continue
		}
		c := min(max(b.Col, 0), nc-1)
		l.boxes[b.ID] = b
		col[b.ID] = c
		byCol[c] = append(byCol[c], b.ID)
	}
	// The edges that can be drawn, once each.
	var edges []Edge
	seen := map[Edge]bool{}
	for _, e := range g.Edges {
		cs, okS := col[e.From]
		ct, okT := col[e.To]
		if !okS || !okT || e.From == e.To || seen[e] || cs == nc-1 || ct == 0 {
			continue
		}
		seen[e] = true
		edges = append(edges, e)
	}
	// Order each column by where its feeders are (barycenters), file order
	// breaking ties and nodes with no feeder to the left last.
	slot := map[string]int{}
	preds := map[string][]string{}
	for _, e := range edges {
		if col[e.From] < col[e.To] {
			preds[e.To] = append(preds[e.To], e.From)
		}
	}
	S := 1
	for c := range nc {
		ids := byCol[c]
		key := map[string]float64{}
		for _, id := range ids {
			ps := preds[id]
			if len(ps) == 0 {
				key[id] = math.Inf(1)
				continue
			}
			sum := 0.0
			for _, p := range ps {
				sum += float64(slot[p])
			}
			key[id] = sum / float64(len(ps))
		}
		sort.SliceStable(ids, func(i, j int) bool { return key[ids[i]] < key[ids[j]] })
		for i, id := range ids {
			slot[id] = i
		}
		S = max(S, len(ids))
	}
	l.order = byCol

	// Short edges make trees per gutter; the rest are long.
	var nets []*net
	var longs []*long
	perGutter := make([][]Edge, nc)
	for _, e := range edges {
		cs, ct := col[e.From], col[e.To]
		if ct == cs+1 {
			perGutter[cs] = append(perGutter[cs], e)
			continue
		}
		longs = append(longs, &long{e: e, from: cs, until: ct - 1})
	}
	for gi, es := range perGutter {
		nets = append(nets, trees(gi, es, slot)...)
	}
	// Ports: lines into a box on its left, out of it on its right.
	ins, outs := map[string][]*port{}, map[string][]*port{}
	for _, n := range nets {
		p := &port{net: n}
		for _, s := range n.srcs {
			q := *p
			q.key = minSlot(n.dsts, slot)
			outs[s] = append(outs[s], &q)
		}
		for _, d := range n.dsts {
			q := *p
			q.key = minSlot(n.srcs, slot)
			ins[d] = append(ins[d], &q)
		}
	}
	for _, lg := range longs {
		outs[lg.e.From] = append(outs[lg.e.From], &port{long: lg, key: float64(slot[lg.e.To]) + 0.5})
		ins[lg.e.To] = append(ins[lg.e.To], &port{long: lg, key: float64(slot[lg.e.From]) + 0.5})
	}
	K := max(2, o.Lines)
	for id := range l.boxes {
		sortPorts(ins[id])
		for i, p := range ins[id] {
			p.row = i
		}
		K = max(K, len(ins[id]))
	}
	// A box's lines out start below the lines into the box beside it, so
	// that a row of a gutter never holds both.
	for id := range l.boxes {
		c, s := col[id], slot[id]
		b := 0
		if c+1 < nc && s < len(byCol[c+1]) {
			b = len(ins[byCol[c+1][s]])
		}
		sortPorts(outs[id])
		base := max(b, 1)
		for i, p := range outs[id] {
			p.row = base + i
		}
		if len(outs[id]) > 0 {
			K = max(K, base+len(outs[id]))
		}
	}
	l.K = K
	bh := K + 2

	// Rows between boxes: one between slots, more where long edges run.
	gapLanes := make([][][][2]int, S+1) // per gap, per row, the gutter ranges run there
	for _, lg := range longs {
		ss, ts := float64(slot[lg.e.From])+0.5, float64(slot[lg.e.To])+0.5
		best, bestD := 0, math.Inf(1)
		for g := 0; g <= S; g++ {
			d := math.Abs(float64(g)-ss) + math.Abs(float64(g)-ts)
			if d <= bestD {
				best, bestD = g, d
			}
		}
		lg.gap = best
		lo, hi := min(lg.from, lg.until), max(lg.from, lg.until)
		rows := gapLanes[best]
		sub := 0
		for ; sub < len(rows); sub++ {
			if !slices.ContainsFunc(rows[sub], func(r [2]int) bool { return overlaps(r, lo, hi) }) {
				break
			}
		}
		if sub == len(rows) {
			rows = append(rows, nil)
		}
		rows[sub] = append(rows[sub], [2]int{lo, hi})
		gapLanes[best] = rows
		lg.sub = sub
	}
	gapY := make([]int, S+1)
	slotY := make([]int, S)
	y := 0
	for g := 0; g <= S; g++ {
		gapY[g] = y
		base := 1
		if g == 0 || g == S {
			base = 0
		}
		y += max(base, len(gapLanes[g]))
		if g < S {
			slotY[g] = y
			y += bh
		}
	}
	l.Height = y
	portY := func(id string, p *port) int { return slotY[slot[id]] + 1 + p.row }
	laneY := func(lg *long) int { return gapY[lg.gap] + lg.sub }

	// Vertical runs, then tracks: runs on one track keep a row apart.
	var occs []*occupant
	for _, n := range nets {
		oc := &occupant{gutter: n.gutter, ymin: math.MaxInt, ymax: math.MinInt}
		for _, s := range n.srcs {
			for _, p := range outs[s] {
				if p.net == n {
					oc.ymin, oc.ymax = min(oc.ymin, portY(s, p)), max(oc.ymax, portY(s, p))
				}
			}
		}
		for _, d := range n.dsts {
			for _, p := range ins[d] {
				if p.net == n {
					oc.ymin, oc.ymax = min(oc.ymin, portY(d, p)), max(oc.ymax, portY(d, p))
				}
			}
		}
		n.occ = oc
		occs = append(occs, oc)
	}
	for _, lg := range longs {
		sy, ty, ly := portOf(outs[lg.e.From], lg, portY, lg.e.From), portOf(ins[lg.e.To], lg, portY, lg.e.To), laneY(lg)
		lg.out = &occupant{gutter: lg.from, ymin: min(sy, ly), ymax: max(sy, ly)}
		lg.in = &occupant{gutter: lg.until, ymin: min(ty, ly), ymax: max(ty, ly)}
		occs = append(occs, lg.out, lg.in)
	}
	tracks := make([]int, max(0, nc-1))
	for gi := range tracks {
		var here []*occupant
		for _, oc := range occs {
			if oc.gutter == gi {
				here = append(here, oc)
			}
		}
		sort.SliceStable(here, func(i, j int) bool {
			if here[i].ymin != here[j].ymin {
				return here[i].ymin < here[j].ymin
			}
			return here[i].ymax < here[j].ymax
		})
		var onTrack [][]*occupant
		for _, oc := range here {
			t := 0
			for ; t < len(onTrack); t++ {
				if !slices.ContainsFunc(onTrack[t], func(x *occupant) bool { return x.ymax >= oc.ymin-1 && x.ymin <= oc.ymax+1 }) {
					break
				}
			}
			if t == len(onTrack) {
				onTrack = append(onTrack, nil)
			}
			onTrack[t] = append(onTrack[t], oc)
			oc.track = t
		}
		tracks[gi] = len(onTrack)
	}

	// Widths: gutters for their tracks, boxes share the rest.
	gw := make([]int, len(tracks))
	sumG := 0
	for i, t := range tracks {
		gw[i] = max(minGutter, t+3)
		sumG += gw[i]
	}
	avail := o.Width - sumG
	boxW := max(minBox, avail/nc)
	if o.MaxBox > 0 && boxW > o.MaxBox {
		boxW = max(minBox, o.MaxBox)
	}
	extra := max(0, avail-boxW*nc)
	colW := make([]int, nc)
	for c := range colW {
		colW[c] = boxW
	}
	if o.MaxBox > 0 && boxW == o.MaxBox && len(gw) > 0 {
		for i := range gw {
			gw[i] += extra / len(gw)
		}
	} else {
		for i := 0; i < extra; i++ {
			colW[nc-1-i%nc]++
		}
	}
	l.ColX, l.ColW = make([]int, nc), colW
	gx := make([]int, len(gw))
	x := 0
	for c := range nc {
		l.ColX[c] = x
		x += colW[c]
		if c < len(gw) {
			gx[c] = x
			x += gw[c]
		}
	}
	l.Width = x
	trackX := func(oc *occupant) int {
		off := (gw[oc.gutter] - (tracks[oc.gutter] + 3)) / 2
		return gx[oc.gutter] + 1 + off + oc.track
	}
	for c := range nc {
		for s, id := range byCol[c] {
			l.rects[id] = Rect{X: l.ColX[c], Y: slotY[s], W: colW[c], H: bh}
		}
	}

	// Paths, edge by edge.
	for _, n := range nets {
		tx := trackX(n.occ)
		for _, s := range n.srcs {
			sp := portFor(outs[s], n)
			sy := portY(s, sp)
			for _, d := range n.dsts {
				dp := portFor(ins[d], n)
				dy := portY(d, dp)
				ax := l.ColX[col[d]] - 1
				l.paths = append(l.paths, path{
					e:     Edge{s, d},
					port:  point{gx[n.gutter] - 1, sy},
					arrow: point{ax, dy},
					segs: []seg{
						{point{gx[n.gutter], sy}, point{tx, sy}},
						{point{tx, sy}, point{tx, dy}},
						{point{tx, dy}, point{ax - 1, dy}},
					},
				})
				l.outs[s] = appendOnce(l.outs[s], sy)
			}
		}
	}
	for _, lg := range longs {
		s, d := lg.e.From, lg.e.To
		sy := portOf(outs[s], lg, portY, s)
		dy := portOf(ins[d], lg, portY, d)
		ly := laneY(lg)
		x1, x2 := trackX(lg.out), trackX(lg.in)
		ax := l.ColX[col[d]] - 1
		l.paths = append(l.paths, path{
			e:     lg.e,
			port:  point{gx[lg.from] - 1, sy},
			arrow: point{ax, dy},
			segs: []seg{
				{point{gx[lg.from], sy}, point{x1, sy}},
				{point{x1, sy}, point{x1, ly}},
				{point{x1, ly}, point{x2, ly}},
				{point{x2, ly}, point{x2, dy}},
				{point{x2, dy}, point{ax - 1, dy}},
			},
		})
		l.outs[s] = appendOnce(l.outs[s], sy)
	}
	return l
}

func appendOnce(xs []int, x int) []int {
	if slices.Contains(xs, x) {
		return xs
	}
	return append(xs, x)
}

func overlaps(r [2]int, lo, hi int) bool { return r[0] <= hi && lo <= r[1] }

func minSlot(ids []string, slot map[string]int) float64 {
	m := math.Inf(1)
	for _, id := range ids {
		m = min(m, float64(slot[id]))
	}
	return m
}

func sortPorts(ps []*port) {
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].key < ps[j].key })
}

func portFor(ps []*port, n *net) *port {
	for _, p := range ps {
		if p.net == n {
			return p
		}
	}
	return &port{}
}

func portOf(ps []*port, lg *long, y func(string, *port) int, id string) int {
	for _, p := range ps {
		if p.long == lg {
			return y(id, p)
		}
	}
	return 0
}

// trees groups one gutter's edges into trees that say exactly which node
// feeds which: a connected group in which every source feeds every target
// is one tree; any other group is drawn as one tree per source.
func trees(gutter int, es []Edge, slot map[string]int) []*net {
	parent := map[string]string{}
	var find func(string) string
	find = func(x string) string {
		if p, ok := parent[x]; ok && p != x {
			r := find(p)
			parent[x] = r
			return r
		}
		parent[x] = x
		return x
	}
	for _, e := range es {
		parent[find("s:"+e.From)] = find("d:" + e.To)
	}
	groups := map[string][]Edge{}
	var roots []string
	for _, e := range es {
		r := find("s:" + e.From)
		if _, ok := groups[r]; !ok {
			roots = append(roots, r)
		}
		groups[r] = append(groups[r], e)
	}
	var out []*net
	for _, r := range roots {
		g := groups[r]
		var srcs, dsts []string
		for _, e := range g {
			if !slices.Contains(srcs, e.From) {
				srcs = append(srcs, e.From)
			}
			if !slices.Contains(dsts, e.To) {
				dsts = append(dsts, e.To)
			}
		}
		bySlot := func(ids []string) {
			sort.SliceStable(ids, func(i, j int) bool { return slot[ids[i]] < slot[ids[j]] })
		}
		bySlot(srcs)
		bySlot(dsts)
		if len(g) == len(srcs)*len(dsts) {
			out = append(out, &net{gutter: gutter, srcs: srcs, dsts: dsts})
			continue
		}
		for _, s := range srcs {
			var ds []string
			for _, e := range g {
				if e.From == s {
					ds = append(ds, e.To)
				}
			}
			bySlot(ds)
			out = append(out, &net{gutter: gutter, srcs: []string{s}, dsts: ds})
		}
	}
	return out
}

// Rect returns where a box is on the canvas.
func (l *Layout) Rect(id string) (Rect, bool) {
	r, ok := l.rects[id]
	return r, ok
}

// Column lists a column's boxes top to bottom.
func (l *Layout) Column(c int) []string {
	if c < 0 || c >= len(l.order) {
		return nil
	}
	return l.order[c]
}

// At returns the box at a cell of the canvas.
func (l *Layout) At(x, y int) (string, bool) {
	for id, r := range l.rects {
		if r.Contains(x, y) {
			return id, true
		}
	}
	return "", false
}

// ColumnAt returns the column a canvas x falls in (a gutter counts for the
// column on its left), or -1.
func (l *Layout) ColumnAt(x int) int {
	for c := len(l.ColX) - 1; c >= 0; c-- {
		if x >= l.ColX[c] {
			return c
		}
	}
	return -1
}

// Edges lists the edges drawn, in drawing order.
func (l *Layout) Edges() []Edge {
	out := make([]Edge, len(l.paths))
	for i, p := range l.paths {
		out[i] = p.e
	}
	return out
}
