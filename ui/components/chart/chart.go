// Package chart draws a run's history (pipeline.History) against the
// simulated clock: series as small multiples of block columns (▁…█), each
// with its name and its scale (the value a full column stands for), over a
// shared time axis with labelled ticks; and a heat strip of units × time
// (shards or partitions, or groups of them) shaded by write load.
//
// The axis covers [0, Span): a "nice" length at least as long as the run so
// far, so that the whole run stays in view as it grows (bucketed coarser
// and coarser, as History keeps it) and a moment keeps its column until the
// span steps up. Every column is reduced from the buckets that overlap it:
// rates by their time-weighted mean, highs (lag, iterator age, load) by
// their maximum. Columns the run has not reached are blank.
//
// Everything reads without colour: series are named, the heat strip uses
// the heatmap's shades (░ ▒ ▓ █) and the axis says the times.
package chart

import (
	"math"
	"strconv"
	"strings"

	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/ui/components/heatmap"
	"github.com/streamsim/streamsim/ui/layout"
	"github.com/streamsim/streamsim/ui/styles"
)

// spans are the lengths the time axis steps through, in seconds.
var spans = []float64{60, 120, 300, 600, 900, 1200, 1800, 2700, 3600, 5400, 7200, 10800, 14400, 21600, 28800, 43200, 86400}

// Span is the time axis' length for a run at now seconds of a planned
// length: the first of spans at least now, but never past the planned end
// (a run that knows its end is drawn to its end once that is the next step).
func Span(now, planned float64) float64 {
	s := spans[len(spans)-1]
	for _, x := range spans {
		if x >= now {
			s = x
			break
		}
	}
	for s < now { // a run longer than a day: whole days
		s += 86400
	}
	if planned > 0 && planned >= now && planned < s {
		s = planned
	}
	return s
}

// Agg is how a column reduces the buckets it overlaps.
type Agg int

// The reductions.
const (
	Mean Agg = iota // time-weighted: rates
	Max             // the highest: lag, iterator age, load
	Last            // the latest: figures of the run so far (percentiles)
)

// Columns reduces the buckets (in time order) to cols values over
// [0, span): column c covers [c, c+1) × span/cols seconds. A column no
// bucket overlaps is NaN: the run had not got there.
func Columns(buckets []pipeline.HistoryBucket, span float64, cols int, value func(*pipeline.HistoryBucket) float64, agg Agg) []float64 {
	out := make([]float64, cols)
	if cols <= 0 || span <= 0 {
		return out
	}
	width := span / float64(cols)
	j := 0
	for c := range cols {
		t0, t1 := float64(c)*width, float64(c+1)*width
		for j < len(buckets) && buckets[j].End <= t0 {
			j++
		}
		var sum, weight float64
		v := math.NaN()
		for k := j; k < len(buckets) && buckets[k].Start < t1; k++ {
			b := &buckets[k]
			x := value(b)
			switch agg {
			case Mean:
				w := math.Min(b.End, t1) - math.Max(b.Start, t0)
				if b.End <= b.Start { // a moment: it counts as a sliver
					w = 1e-9
				}
				if w > 0 {
					sum += x * w
					weight += w
				}
			case Max:
				if math.IsNaN(v) || x > v {
					v = x
				}
			case Last:
				v = x
			}
		}
		if agg == Mean {
			if weight > 0 {
				v = sum / weight
			}
		}
		out[c] = v
	}
	return out
}

// Series is one strip of a chart.
type Series struct {
	Name   string
	Values []float64             // one per column; NaN = no data
	Format func(float64) string  // writes the scale; nil: Compact
	Nice   func(float64) float64 // rounds the scale up; nil: Nice
	Paint  styles.Paint
}

// LabelWidth is the cells left of the plot: a series' name and its scale.
const LabelWidth = 16

var blocks = []string{" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"}

// Strips draws the series one under the other, rows rows each, plot cols
// wide after LabelWidth cells of labels and a "│". A strip's top row names
// the series and the value its full height stands for (a round number at
// least its largest value); with two rows or more the bottom row says 0.
func Strips(st *styles.Styles, series []Series, rows []int) []string {
	var out []string
	for i, s := range series {
		n := 1
		if i < len(rows) {
			n = max(1, rows[i])
		}
		top := 0.0
		for _, v := range s.Values {
			if !math.IsNaN(v) {
				top = max(top, v)
			}
		}
		if s.Nice != nil {
			top = s.Nice(top)
		} else {
			top = Nice(top)
		}
		format := s.Format
		if format == nil {
			format = Compact
		}
		plot := blockRows(s.Values, n, top)
		for r := range n {
			var label string
			switch {
			case r == 0:
				scale := format(top)
				name := layout.Truncate(s.Name, LabelWidth-1-layout.Width(scale)-1)
				label = layout.PadRight(" "+name, LabelWidth-layout.Width(scale)) + scale
			case r == n-1:
				label = layout.PadLeft("0", LabelWidth)
			default:
				label = strings.Repeat(" ", LabelWidth)
			}
			out = append(out, st.Muted.Render(label+"│")+s.Paint.Render(plot[r]))
		}
	}
	return out
}

// blockRows draws values as n rows of block columns scaled to top.
func blockRows(values []float64, n int, top float64) []string {
	rows := make([]strings.Builder, n)
	levels := float64(n * 8)
	for _, v := range values {
		fill := 0
		if !math.IsNaN(v) && v > 0 && top > 0 {
			// ≥ 1: anything above zero shows (less a hair, so that a value
			// that fills exactly k eighths, give or take a rounding, is k)
			fill = max(1, int(math.Ceil(min(v/top, 1)*levels-1e-9)))
		}
		for r := range n {
			f := fill - (n-1-r)*8
			rows[r].WriteString(blocks[min(max(f, 0), 8)])
		}
	}
	out := make([]string, n)
	for r := range rows {
		out[r] = rows[r].String()
	}
	return out
}

// Nice is the smallest of 1, 2, 2.5, 5 × a power of ten at least x (0 for
// x ≤ 0): a scale a reader takes in at a glance.
func Nice(x float64) float64 {
	if x <= 0 || math.IsNaN(x) || math.IsInf(x, 0) {
		return 0
	}
	p := math.Pow(10, math.Floor(math.Log10(x)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*p >= x*(1-1e-12) {
			return m * p
		}
	}
	return 10 * p
}

// Compact writes a scale's value short: 500, 2.5k, 10k, 1M, 2.5G.
func Compact(x float64) string {
	for _, u := range []struct {
		div  float64
		unit string
	}{{1e9, "G"}, {1e6, "M"}, {1e3, "k"}} {
		if math.Abs(x) >= u.div {
			return strconv.FormatFloat(x/u.div, 'f', -1, 64) + u.unit
		}
	}
	return strconv.FormatFloat(x, 'f', -1, 64)
}

// durations are the round lengths a time scale takes, in seconds.
var durations = []float64{0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800,
	3600, 7200, 10800, 21600, 43200, 86400}

// NiceSeconds is the smallest round length of time at least x seconds:
// 0.5 s, 2 s, 30 s, 5 min, 2 h (0 for x ≤ 0).
func NiceSeconds(x float64) float64 {
	if x <= 0 || math.IsNaN(x) {
		return 0
	}
	for _, d := range durations {
		if d >= x*(1-1e-12) {
			return d
		}
	}
	return math.Ceil(x/86400) * 86400
}

// Seconds writes a time scale: 50 ms, 2 s, 5 min, 2 h.
func Seconds(x float64) string {
	switch {
	case x == 0:
		return "0 s"
	case x < 1:
		return strconv.FormatFloat(x*1000, 'f', -1, 64) + " ms"
	case x < 60:
		return strconv.FormatFloat(x, 'f', -1, 64) + " s"
	case x < 3600:
		return strconv.FormatFloat(math.Round(x/6)/10, 'f', -1, 64) + " min"
	}
	return strconv.FormatFloat(math.Round(x/360)/10, 'f', -1, 64) + " h"
}

// steps are the distances between labelled ticks, in seconds.
var steps = []float64{1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1200, 1800, 3600, 7200, 10800, 21600, 43200, 86400}

// Axis draws the time axis under a plot of cols columns that starts after
// LabelWidth cells: a rule with a tick (┬) at each labelled time, and the
// times under them ("0", "30s", "10m", "1h30"), as many as fit apart.
func Axis(st *styles.Styles, span float64, cols int) (rule, labels string) {
	if cols <= 0 || span <= 0 {
		return "", ""
	}
	step := steps[len(steps)-1]
	for _, s := range steps {
		if s/span*float64(cols) >= 7 { // room for "1h30" and a gap
			step = s
			break
		}
	}
	r := []rune(strings.Repeat("─", cols))
	lab := []rune(strings.Repeat(" ", cols+6))
	for t := 0.0; t < span+step/2; t += step {
		c := int(math.Round(t / span * float64(cols)))
		if c >= cols {
			break
		}
		r[c] = '┬'
		text := []rune(Clock(t))
		for i, ch := range text {
			if c+i < len(lab) {
				lab[c+i] = ch
			}
		}
	}
	rule = st.Muted.Render(strings.Repeat(" ", LabelWidth) + "└" + string(r))
	labels = st.Muted.Render(strings.TrimRight(layout.PadLeft("sim", LabelWidth)+" "+string(lab), " "))
	return rule, labels
}

// Clock writes a moment of the run for an axis: 0, 45s, 10m, 1m30, 2h, 1h30.
func Clock(sec float64) string {
	s := int64(math.Round(sec))
	h, m, x := s/3600, s/60%60, s%60
	switch {
	case s == 0:
		return "0"
	case h > 0 && m > 0:
		return strconv.FormatInt(h, 10) + "h" + pad2(m)
	case h > 0:
		return strconv.FormatInt(h, 10) + "h"
	case m > 0 && x > 0:
		return strconv.FormatInt(m, 10) + "m" + pad2(x)
	case m > 0:
		return strconv.FormatInt(m, 10) + "m"
	}
	return strconv.FormatInt(x, 10) + "s"
}

func pad2(x int64) string {
	if x < 10 {
		return "0" + strconv.FormatInt(x, 10)
	}
	return strconv.FormatInt(x, 10)
}

// Column is the column of a cols-wide plot over [0, span) that holds t.
func Column(t, span float64, cols int) int {
	return min(cols-1, max(0, int(t/span*float64(cols))))
}

// Heat draws a storage node's units over time: rows of cells (the first
// unit on top), each cell the busiest unit of its row in that column's
// buckets, shaded and coloured by its level. node is the node's index in
// the buckets; units how many units it had at most. At most h rows: more
// units share a row. A cell with no unit then (before a reshard added it)
// or no data yet is blank, so a reshard shows as rows that start or stop.
// It returns the rows and their labels (unit numbers, "0–15" when grouped).
func Heat(st *styles.Styles, buckets []pipeline.HistoryBucket, node, units int, span float64, cols, h int) (rows []string, labels []string) {
	if cols <= 0 || h <= 0 || units <= 0 {
		return nil, nil
	}
	grid := 0 // rows History keeps: the units, or HistoryRows groups of them
	for i := range buckets {
		if node < len(buckets[i].Nodes) {
			grid = max(grid, len(buckets[i].Nodes[node].Rows))
		}
	}
	if grid == 0 {
		return nil, nil
	}
	n := min(grid, h) // rows drawn
	cells := make([][]float64, n)
	for r := range cells {
		cells[r] = make([]float64, cols)
		for c := range cells[r] {
			cells[r][c] = math.NaN()
		}
	}
	width := span / float64(cols)
	j := 0
	for c := range cols {
		t0, t1 := float64(c)*width, float64(c+1)*width
		for j < len(buckets) && buckets[j].End <= t0 {
			j++
		}
		for k := j; k < len(buckets) && buckets[k].Start < t1; k++ {
			if node >= len(buckets[k].Nodes) {
				continue
			}
			for g, u := range buckets[k].Nodes[node].Rows {
				r := g * n / grid
				if v := cells[r][c]; math.IsNaN(v) || u > v {
					cells[r][c] = u
				}
			}
		}
	}
	paints := [4]styles.Paint{styles.NewPaint(st.OK), styles.NewPaint(st.OK), styles.NewPaint(st.Warn), styles.NewPaint(st.Hot)}
	// first is the first of n things that share out m, a part of them each
	// (part i holds the things j with j·m/n == i), in part i: as History
	// groups units into rows and as the rows are drawn here.
	first := func(i, n, m int) int { return (i*n + m - 1) / m }
	for r := range n {
		var b strings.Builder
		for c := 0; c < cols; {
			if math.IsNaN(cells[r][c]) {
				b.WriteByte(' ')
				c++
				continue
			}
			glyph, lvl := heatmap.Shade(cells[r][c])
			k := c + 1
			for k < cols && !math.IsNaN(cells[r][k]) {
				if _, l := heatmap.Shade(cells[r][k]); l != lvl {
					break
				}
				k++
			}
			b.WriteString(paints[lvl].Render(strings.Repeat(glyph, k-c)))
			c = k
		}
		rows = append(rows, b.String())
		g0, g1 := first(r, grid, n), first(r+1, grid, n)-1 // History's rows drawn in row r
		u0, u1 := first(g0, units, grid), first(g1+1, units, grid)-1
		label := strconv.Itoa(u0)
		if u1 > u0 {
			label += "–" + strconv.Itoa(u1)
		}
		labels = append(labels, label)
	}
	return rows, labels
}
