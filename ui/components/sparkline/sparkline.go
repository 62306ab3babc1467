// Package sparkline draws a series of numbers as a small block chart with
// ▁▂▃▄▅▆▇█, one column per value, newest on the right, and keeps the history
// it draws. A chart may be several rows tall; each row adds eight levels.
package sparkline

import (
	"math"
	"strings"
)

var blocks = []rune{' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'}

// History is a bounded series: pushing past its capacity drops the oldest.
type History struct {
	vals []float64
	cap  int
}

// NewHistory returns a history holding at most n values.
func NewHistory(n int) *History { return &History{cap: max(1, n), vals: make([]float64, 0, max(1, n))} }

// Push appends v, dropping the oldest value when full.
func (h *History) Push(v float64) {
	if len(h.vals) == h.cap {
		copy(h.vals, h.vals[1:])
		h.vals = h.vals[:h.cap-1]
	}
	h.vals = append(h.vals, v)
}

// Values returns the series, oldest first. The slice is the history's own.
func (h *History) Values() []float64 { return h.vals }

// Last returns the newest value (0 when empty).
func (h *History) Last() float64 {
	if len(h.vals) == 0 {
		return 0
	}
	return h.vals[len(h.vals)-1]
}

// Max returns the largest value (0 when empty).
func (h *History) Max() float64 {
	m := 0.0
	for _, v := range h.vals {
		m = max(m, v)
	}
	return m
}

// Render draws the last w values of vals as h rows of w cells, scaled so that
// top is a full column (top <= 0: the largest value). Fewer than w values are
// right-aligned, so the chart scrolls left as values arrive.
func Render(vals []float64, w, h int, top float64) []string {
	if w <= 0 || h <= 0 {
		return nil
	}
	if len(vals) > w {
		vals = vals[len(vals)-w:]
	}
	if top <= 0 {
		for _, v := range vals {
			top = max(top, v)
		}
	}
	rows := make([][]rune, h)
	for r := range rows {
		rows[r] = []rune(strings.Repeat(" ", w))
	}
	off := w - len(vals)
	levels := float64(h * 8)
	for i, v := range vals {
		if math.IsNaN(v) || v <= 0 || top <= 0 {
			continue
		}
		n := int(math.Ceil(min(v/top, 1) * levels)) // ≥ 1: anything above zero shows
		for r := 0; r < h; r++ {
			fill := n - (h-1-r)*8
			if fill > 0 {
				rows[r][off+i] = blocks[min(fill, 8)]
			}
		}
	}
	out := make([]string, h)
	for r := range rows {
		out[r] = string(rows[r])
	}
	return out
}
