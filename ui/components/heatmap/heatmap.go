// Package heatmap draws per-unit utilisation (shards, partitions, streams) as
// a grid the eye reads at once: hot units (≥ 100 %) in the hot style and
// marked, warm ones (≥ 80 %) in the warn style. When there is room each unit
// gets a labelled bar; when there are more units than fit, neighbouring
// units share a cell that shows the busiest of them.
//
// Shading carries the level too (░ ▒ ▓ █), so the map reads without colour.
package heatmap

import (
	"math"
	"strconv"
	"strings"

	"github.com/streamsim/streamsim/ui/styles"
)

// Map is a heatmap of one node's units.
type Map struct {
	Units []float64 // utilisation per unit, 1 = at the limit
	Noun  string    // "shard", "partition", "stream"
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
	PerCell  int // units per cell (grid mode)
	Cols     int
}

// Plan chooses labelled bars when every unit fits in w×h, otherwise a grid of
// one-cell groups.
func Plan(n, w, h int) Layout {
	labelW := len(strconv.Itoa(max(0, n-1)))
	item := labelW + 1 + barWidth + 1 + 4 + 4 // "12 ████████ 100% HOT"
	if perRow := (w + itemGap) / (item + itemGap); perRow > 0 && n <= perRow*h {
		return Layout{Labelled: true, Cols: perRow}
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
		b.WriteString(strings.Repeat(" ", labelW-len(label)) + label + " ")
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
	lines := make([]string, 0, h)
	for r := 0; r < h && r*w < cells; r++ {
		row := levels[r*w : min(cells, (r+1)*w)]
		var b strings.Builder
		// Runs of one level share one styled segment: a 1,000-shard map is
		// a handful of Render calls, not a thousand.
		for i := 0; i < len(row); {
			j := i
			for j < len(row) && row[j] == row[i] {
				j++
			}
			b.WriteString(styleOf[row[i]].Render(strings.Repeat(shades[row[i]], j-i)))
			i = j
		}
		lines = append(lines, b.String())
	}
	return lines
}

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
