// Package heatmap draws per-unit utilisation (shards, partitions, streams) as
// a grid the eye reads at once: hot units (≥ 100 %) in the hot style and
// marked, warm ones (≥ 80 %) in the warn style. When there is room each unit
// gets a labelled bar; when there are more units than fit, neighbouring
// units share a cell that shows the busiest of them.
//
// Shading carries the level too (░ ▒ ▓ █), so the map reads without colour.
//
// A cursor may stand on one unit: its cell is drawn as ◆ (grid) or its label
// is followed by ▸ (labelled bars), and Detail lists the units of that cell
// with their utilisations. Plan's Layout says how units map to cells, so a
// screen moves the cursor cell by cell and row by row with Move.
package heatmap

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/streamsim/streamsim/ui/styles"
)

func ansiWidth(s string) int { return ansi.StringWidth(s) }

// Map is a heatmap of one node's units.
type Map struct {
	Units []float64 // utilisation per unit, 1 = at the limit
	Noun  string    // "shard", "partition", "stream"
	// Cursor is the unit the cursor stands on, drawn when ShowCursor is set.
	Cursor     int
	ShowCursor bool
}

const (
	barWidth = 8
	itemGap  = 2
)

func shade(u float64) byte {
	switch {
	case u >= 1:
		return 3
	case u >= 0.8:
		return 2
	case u >= 0.5:
		return 1
	}
	return 0
}

var shades = [...]string{"░", "▒", "▓", "█"}

// Layout says how units map to cells for a w×h area.
type Layout struct {
	Labelled bool
	PerCell  int // units per cell: 1 when labelled
	Cols     int // cells per row
}

// Cell is the cell that holds unit i.
func (l Layout) Cell(i int) int { return i / max(1, l.PerCell) }

// Range is the units [first, last] that cell c of n units holds.
func (l Layout) Range(c, n int) (first, last int) {
	per := max(1, l.PerCell)
	return c * per, min(n, (c+1)*per) - 1
}

// Move returns the unit the cursor lands on when it moves dx cells along a
// row and dy rows from unit i, among n units: the first unit of the new
// cell, clamped to the map. Moving within the cell of i keeps i.
func (l Layout) Move(i, n, dx, dy int) int {
	if n <= 0 {
		return 0
	}
	per := max(1, l.PerCell)
	cells := (n + per - 1) / per
	c := l.Cell(min(max(i, 0), n-1))
	to := c + dx + dy*max(1, l.Cols)
	if dy != 0 && (to < 0 || to >= cells) {
		return i // no row above or below: stay
	}
	to = min(max(to, 0), cells-1)
	if to == c {
		return min(max(i, 0), n-1)
	}
	return to * per
}

// Plan chooses labelled bars when every unit fits in w×h, otherwise a grid of
// one-cell groups.
func Plan(n, w, h int) Layout {
	labelW := len(strconv.Itoa(max(0, n-1)))
	item := labelW + 1 + barWidth + 1 + 4 + 4 // "12 ████████ 100% HOT"
	if perRow := (w + itemGap) / (item + itemGap); perRow > 0 && n <= perRow*h {
		return Layout{Labelled: true, PerCell: 1, Cols: perRow}
	}
	cells := max(1, w*h)
	per := int(math.Ceil(float64(n) / float64(cells)))
	return Layout{PerCell: max(1, per), Cols: max(1, w)}
}

// Render draws the map in w×h cells (h ≥ 1) and returns the lines and a
// one-line legend that says how to read them.
func (m Map) Render(st *styles.Styles, w, h int) (lines []string, legend string) {
	n := len(m.Units)
	if n == 0 || w <= 0 || h <= 0 {
		return nil, ""
	}
	noun := m.Noun
	if noun == "" {
		noun = "unit"
	}
	pl := Plan(n, w, h)
	if pl.Labelled {
		return m.labelled(st, pl, w), "write load ÷ limit per " + noun + " · ≥80% warn · ≥100% HOT"
	}
	return m.grid(st, pl, w, h), legendFor(pl.PerCell, noun)
}

func legendFor(per int, noun string) string {
	each := "each cell = 1 " + noun
	if per > 1 {
		each = "each cell = " + strconv.Itoa(per) + " " + noun + "s (busiest)"
	}
	return each + " · ░<50% ▒<80% ▓<100% █ HOT"
}

func (m Map) labelled(st *styles.Styles, pl Layout, w int) []string {
	n := len(m.Units)
	labelW := len(strconv.Itoa(max(0, n-1)))
	var lines []string
	var b strings.Builder
	for i, u := range m.Units {
		col := i % pl.Cols
		if col == 0 && i > 0 {
			lines = append(lines, b.String())
			b.Reset()
		}
		if col > 0 {
			b.WriteString(strings.Repeat(" ", itemGap))
		}
		label := strconv.Itoa(i)
		b.WriteString(strings.Repeat(" ", labelW-len(label)))
		if m.ShowCursor && i == m.Cursor {
			b.WriteString(st.Accent.Render(label + "▸"))
		} else {
			b.WriteString(label + " ")
		}
		fill := int(math.Round(min(max(u, 0), 1) * barWidth))
		if u > 0 && fill == 0 {
			fill = 1
		}
		lvl := styles.LevelOf(u)
		s := st.ForLevel(lvl)
		if lvl == styles.LevelOK {
			s = st.OK
		}
		b.WriteString(s.Render(strings.Repeat("█", fill)) + strings.Repeat("·", barWidth-fill))
		pct := strconv.FormatFloat(u*100, 'f', 0, 64) + "%"
		b.WriteString(" " + strings.Repeat(" ", max(0, 4-len(pct))) + st.ForLevel(lvl).Render(pct))
		if lvl == styles.LevelHot {
			b.WriteString(st.Hot.Render(" HOT"))
		} else {
			b.WriteString("    ")
		}
	}
	lines = append(lines, b.String())
	_ = w
	return lines
}

func (m Map) grid(st *styles.Styles, pl Layout, w, h int) []string {
	n := len(m.Units)
	cells := (n + pl.PerCell - 1) / pl.PerCell
	levels := make([]byte, cells)
	for c := range levels {
		hi := 0.0
		for _, u := range m.Units[c*pl.PerCell : min(n, (c+1)*pl.PerCell)] {
			hi = max(hi, u)
		}
		levels[c] = shade(hi)
	}
	ok, warn, hot := styles.NewPaint(st.OK), styles.NewPaint(st.Warn), styles.NewPaint(st.Hot)
	styleOf := [...]styles.Paint{ok, ok, warn, hot}
	cur := -1
	if m.ShowCursor && m.Cursor >= 0 && m.Cursor < n {
		cur = pl.Cell(m.Cursor)
	}
	lines := make([]string, 0, h)
	for r := 0; r < h && r*w < cells; r++ {
		row := levels[r*w : min(cells, (r+1)*w)]
		var b strings.Builder
		// Runs of one level share one styled segment: a 1,000-shard map is
		// a handful of Render calls, not a thousand.
		for i := 0; i < len(row); {
			if r*w+i == cur {
				b.WriteString(st.Accent.Render("◆"))
				i++
				continue
			}
			j := i
			for j < len(row) && row[j] == row[i] && r*w+j != cur {
				j++
			}
			b.WriteString(styleOf[row[i]].Render(strings.Repeat(shades[row[i]], j-i)))
			i = j
		}
		lines = append(lines, b.String())
	}
	return lines
}

// Detail describes the cell under the cursor in at most w cells: the units
// it holds with their utilisations, e.g. "▸ shards 8–11: 8 54% · 9 49% ·
// 10 120% HOT · 11 51%", or for a cell of one unit "▸ shard 10: 120% HOT".
// Where that is too wide it shortens to the utilisations in order ("▸ 8–11:
// 54% 49% 120% 51%"), and then to the busiest units first. It returns ""
// without a cursor.
func (m Map) Detail(st *styles.Styles, pl Layout, w int) string {
	n := len(m.Units)
	if !m.ShowCursor || n == 0 || w <= 0 {
		return ""
	}
	noun := m.Noun
	if noun == "" {
		noun = "unit"
	}
	first, last := pl.Range(pl.Cell(min(max(m.Cursor, 0), n-1)), n)
	pct := func(i int, hot bool) string {
		u := m.Units[i]
		s := strconv.FormatFloat(u*100, 'f', 0, 64) + "%"
		if hot && styles.LevelOf(u) == styles.LevelHot {
			s += " HOT"
		}
		return st.ForLevel(styles.LevelOf(u)).Render(s)
	}
	mark := st.Accent.Render
	if first == last {
		return mark("▸ "+noun+" "+strconv.Itoa(first)+":") + " " + pct(first, true)
	}
	span := strconv.Itoa(first) + "–" + strconv.Itoa(last)
	full := mark("▸ " + noun + "s " + span + ":")
	for i := first; i <= last; i++ {
		full += " " + strconv.Itoa(i) + " " + pct(i, true)
		if i < last {
			full += " ·"
		}
	}
	if ansiWidth(full) <= w {
		return full
	}
	short := mark("▸ " + span + ":")
	for i := first; i <= last; i++ {
		short += " " + pct(i, false)
	}
	if ansiWidth(short) <= w {
		return short
	}
	// Too many to list: the busiest first, as many as fit.
	order := make([]int, 0, last-first+1)
	for i := first; i <= last; i++ {
		order = append(order, i)
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(m.Units[b], m.Units[a]) })
	line := mark("▸ " + span + " busiest")
	for k, i := range order {
		next := " " + strconv.Itoa(i) + " " + pct(i, false)
		if k > 0 {
			next = " ·" + next
		}
		if ansiWidth(line+next) > w-2 {
			if k == 0 {
				return cut(line+next, w)
			}
			return line + " …"
		}
		line += next
	}
	return line
}

// cut cuts s to w cells.
func cut(s string, w int) string { return ansi.Truncate(s, w, "…") }

// Counts returns how many units are hot (≥ 100 %) and warm (≥ 80 %, < 100 %).
func Counts(units []float64) (hot, warm int) {
	for _, u := range units {
		switch styles.LevelOf(u) {
		case styles.LevelHot:
			hot++
		case styles.LevelWarn:
			warm++
		}
	}
	return hot, warm
}

// Shade is how a utilisation is drawn: its glyph (░ below 50 %, ▒ below
// 80 %, ▓ below 100 %, █ from 100 %) and that level's index, 0 to 3. A
// heatmap over time draws its cells with it, so both read the same way.
func Shade(u float64) (glyph string, level int) {
	s := shade(u)
	return shades[s], int(s)
}
