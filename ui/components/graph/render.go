package graph

import (
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/streamsim/streamsim/ui/layout"
	"github.com/streamsim/streamsim/ui/styles"
)

// Styles are the looks of a drawing; only their colours and attributes are
// used (the shapes are the drawing's own).
type Styles struct {
	Box, Selected, Marked, Broken lipgloss.Style // box frames
	Edge, EdgeHi                  lipgloss.Style // lines, and the selected box's lines
	Title, Tag, Text              lipgloss.Style // box contents
	Heading, HeadingOn            lipgloss.Style // column headings
}

// FromTheme picks a drawing's styles from the TUI's.
func FromTheme(st *styles.Styles) Styles {
	fg := func(s lipgloss.Style) lipgloss.Style {
		return lipgloss.NewStyle().Foreground(s.GetBorderTopForeground()).Bold(s.GetBold())
	}
	return Styles{
		Box: fg(st.Box), Selected: fg(st.BoxSelected).Bold(true), Marked: fg(st.BoxMarked), Broken: fg(st.BoxBroken),
		Edge: st.Muted, EdgeHi: st.Accent.Bold(true),
		Title: st.Bold, Tag: st.Muted, Text: st.Text,
		Heading: st.Muted, HeadingOn: st.Accent.Bold(true),
	}
}

// View says what to show: which box is selected (its frame and edges drawn
// heavy), which is marked (a double frame: the source of a connection being
// made), and which rows of the canvas.
type View struct {
	Selected, Marked string
	Top, Height      int
}

type class uint8

const (
	clsBlank class = iota
	clsText
	clsTitle
	clsTag
	clsBox
	clsSelected
	clsMarked
	clsBroken
	clsEdge
	clsEdgeHi
)

type cell struct {
	r    rune
	arms [4]uint8 // up, right, down, left: 0 none, 1 light, 2 heavy
	cls  class
}

const (
	up = iota
	right
	down
	left
)

// canvas holds the rows top … top+h-1 of the drawing: only what shows is
// painted, however tall the graph.
type canvas struct {
	w, h, top int
	cells     []cell
}

func (c *canvas) at(x, y int) *cell {
	y -= c.top
	if x < 0 || y < 0 || x >= c.w || y >= c.h {
		return nil
	}
	return &c.cells[y*c.w+x]
}

func (c *canvas) arm(x, y, dir int, w uint8) {
	if p := c.at(x, y); p != nil && p.r == 0 {
		p.arms[dir] = max(p.arms[dir], w)
	}
}

// line adds the arms of a horizontal or vertical run.
func (c *canvas) line(s seg, w uint8) {
	a, b := s.a, s.b
	switch {
	case a.y == b.y:
		if a.y < c.top || a.y >= c.top+c.h {
			return
		}
		lo, hi := min(a.x, b.x), max(a.x, b.x)
		for x := lo; x <= hi; x++ {
			if x > lo {
				c.arm(x, a.y, left, w)
			}
			if x < hi {
				c.arm(x, a.y, right, w)
			}
		}
	case a.x == b.x:
		lo, hi := min(a.y, b.y), max(a.y, b.y)
		for y := max(lo, c.top-1); y <= min(hi, c.top+c.h); y++ {
			if y > lo {
				c.arm(a.x, y, up, w)
			}
			if y < hi {
				c.arm(a.x, y, down, w)
			}
		}
	}
}

func (c *canvas) text(x, y int, s string, cls class, w int) {
	for _, r := range s {
		if w <= 0 {
			return
		}
		if p := c.at(x, y); p != nil {
			p.r, p.cls = r, cls
		}
		x++
		w--
	}
}

var frames = map[class][6]rune{ // tl tr bl br h v
	clsBox:      {'┌', '┐', '└', '┘', '─', '│'},
	clsBroken:   {'┌', '┐', '└', '┘', '─', '│'},
	clsSelected: {'┏', '┓', '┗', '┛', '━', '┃'},
	clsMarked:   {'╔', '╗', '╚', '╝', '═', '║'},
}

// Render draws the rows v.Top … v.Top+v.Height-1 of the canvas, each
// exactly width cells wide (the canvas is cut or padded).
func (l *Layout) Render(st Styles, v View, width int) []string {
	top := max(0, v.Top)
	rows := max(0, min(l.Height, v.Top+v.Height)-top)
	c := &canvas{w: l.Width, h: rows, top: top, cells: make([]cell, l.Width*rows)}
	hi := func(e Edge) bool { return v.Selected != "" && (e.From == v.Selected || e.To == v.Selected) }
	// Boxes first: lines never enter them.
	for id, r := range l.rects {
		if r.Y+r.H <= top || r.Y >= top+rows {
			continue
		}
		b := l.boxes[id]
		cls := clsBox
		switch {
		case id == v.Marked:
			cls = clsMarked
		case id == v.Selected:
			cls = clsSelected
		case b.Broken:
			cls = clsBroken
		}
		f := frames[cls]
		for x := r.X; x < r.X+r.W; x++ {
			top, bot := f[4], f[4]
			switch x {
			case r.X:
				top, bot = f[0], f[2]
			case r.X + r.W - 1:
				top, bot = f[1], f[3]
			}
			c.text(x, r.Y, string(top), cls, 1)
			c.text(x, r.Y+r.H-1, string(bot), cls, 1)
		}
		for y := r.Y + 1; y < r.Y+r.H-1; y++ {
			c.text(r.X, y, string(f[5]), cls, 1)
			c.text(r.X+r.W-1, y, string(f[5]), cls, 1)
			for x := r.X + 1; x < r.X+r.W-1; x++ {
				c.text(x, y, " ", clsText, 1)
			}
		}
		l.boxText(c, b, r)
	}
	for _, p := range l.paths {
		w, cls := uint8(1), clsEdge
		if hi(p.e) {
			w, cls = 2, clsEdgeHi
		}
		for _, s := range p.segs {
			c.line(s, w)
		}
		first := p.segs[0].a
		c.arm(first.x, first.y, left, w)
		last := p.segs[len(p.segs)-1].b
		c.arm(last.x, last.y, right, w)
		if a := c.at(p.arrow.x, p.arrow.y); a != nil {
			if a.r != '▶' || cls == clsEdgeHi {
				a.r, a.cls = '▶', cls
			}
		}
		// The source's side shows where the line leaves.
		if b := c.at(p.port.x, p.port.y); b != nil {
			switch b.cls {
			case clsMarked:
				b.r = '╟'
			case clsSelected:
				b.r = glyphs[[4]uint8{2, w, 2, 0}]
			case clsBox, clsBroken:
				b.r = glyphs[[4]uint8{1, max(glyphArm(b.r), w), 1, 0}]
			}
		}
	}
	// Line cells take the colour of their heaviest arm.
	for i := range c.cells {
		p := &c.cells[i]
		if p.r != 0 {
			continue
		}
		hv := max(p.arms[0], p.arms[1], p.arms[2], p.arms[3])
		if hv == 0 {
			continue
		}
		p.r = glyphs[p.arms]
		p.cls = clsEdge
		if hv == 2 {
			p.cls = clsEdgeHi
		}
	}
	paints := map[class]styles.Paint{
		clsText: styles.NewPaint(st.Text), clsTitle: styles.NewPaint(st.Title), clsTag: styles.NewPaint(st.Tag),
		clsBox: styles.NewPaint(st.Box), clsSelected: styles.NewPaint(st.Selected), clsMarked: styles.NewPaint(st.Marked),
		clsBroken: styles.NewPaint(st.Broken), clsEdge: styles.NewPaint(st.Edge), clsEdgeHi: styles.NewPaint(st.EdgeHi),
	}
	out := make([]string, 0, v.Height)
	var b, run strings.Builder
	for y := v.Top; y < v.Top+v.Height; y++ {
		b.Reset()
		if y < c.top || y >= c.top+c.h {
			out = append(out, strings.Repeat(" ", width))
			continue
		}
		cur := clsBlank
		flush := func() {
			if run.Len() == 0 {
				return
			}
			if cur == clsBlank {
				b.WriteString(run.String())
			} else {
				b.WriteString(paints[cur].Render(run.String()))
			}
			run.Reset()
		}
		for x := 0; x < min(c.w, width); x++ {
			p := c.at(x, y)
			r, cls := p.r, p.cls
			if r == 0 {
				r, cls = ' ', clsBlank
			}
			if cls != cur {
				flush()
				cur = cls
			}
			run.WriteRune(r)
		}
		flush()
		if width > c.w {
			b.WriteString(strings.Repeat(" ", width-c.w))
		}
		out = append(out, b.String())
	}
	return out
}

// glyphArm is the weight of a frame glyph's right arm that a line already
// set (a box fed out of twice: keep the heavier).
func glyphArm(r rune) uint8 {
	switch r {
	case '┝':
		return 2
	case '├':
		return 1
	}
	return 0
}

func (l *Layout) boxText(c *canvas, b *Box, r Rect) {
	iw := r.W - 2
	if iw <= 0 {
		return
	}
	title := b.Title
	if b.Broken {
		title = "✗ " + title
	}
	// The id is what names the box: the service gives way first.
	tag := b.Tag
	idW := ansi.StringWidth(title)
	if idW+1+ansi.StringWidth(tag) > iw {
		if room := iw - idW - 1; room >= 4 {
			tag = layout.Truncate(tag, room)
		} else {
			tag = ""
			title = layout.Truncate(title, iw)
		}
	}
	c.text(r.X+1, r.Y+1, title, clsTitle, iw)
	if tag != "" {
		c.text(r.X+1+iw-ansi.StringWidth(tag), r.Y+1, tag, clsTag, iw)
	}
	for i, line := range b.Lines {
		if i+1 >= l.K {
			break
		}
		c.text(r.X+1, r.Y+2+i, layout.Truncate(line, iw), clsText, iw)
	}
}

// Headings draws the column headings over the canvas, the column on being
// picked out (with ▸ as well as colour).
func (l *Layout) Headings(st Styles, on, width int) string {
	var b strings.Builder
	x := 0
	for c, h := range l.g.Columns {
		if c >= len(l.ColX) {
			break
		}
		if pad := l.ColX[c] - x; pad > 0 {
			b.WriteString(strings.Repeat(" ", pad))
			x += pad
		}
		text := " " + strings.ToUpper(h)
		style := st.Heading
		if c == on {
			text, style = "▸"+strings.ToUpper(h), st.HeadingOn
		}
		w := l.ColW[c]
		if c+1 < len(l.ColX) {
			w = l.ColX[c+1] - l.ColX[c]
		}
		b.WriteString(style.Render(layout.PadRight(text, w)))
		x += w
	}
	return layout.PadRight(b.String(), width)
}
