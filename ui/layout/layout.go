// Package layout is the TUI's size arithmetic and block clamping: pure
// functions, unit-tested, so that no screen does "-2" math of its own.
//
// Every View clamps what it draws to its rect with Fit, so a line never wraps
// and a screen never scrolls the terminal.
package layout

import (
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
)

// MinWidth and MinHeight are the smallest terminal the TUI draws in.
const (
	MinWidth  = 80
	MinHeight = 24
)

// TooSmall reports whether a terminal of w×h is below the minimum.
func TooSmall(w, h int) bool { return w < MinWidth || h < MinHeight }

// Clamp limits v to [lo, hi].
func Clamp(v, lo, hi int) int {
	if hi < lo {
		hi = lo
	}
	return max(lo, min(v, hi))
}

// Inner is the content size of a style drawn in an outer w×h rect: the frame
// (border, padding, margin) of that exact style is taken off.
func Inner(s lipgloss.Style, w, h int) (int, int) {
	fw, fh := s.GetFrameSize()
	return max(0, w-fw), max(0, h-fh)
}

// Split divides total into len(weights) parts proportional to weights; the
// parts add up to total exactly (the remainder goes to the last parts).
func Split(total int, weights ...int) []int {
	out := make([]int, len(weights))
	sum := 0
	for _, w := range weights {
		sum += w
	}
	if sum <= 0 || total <= 0 {
		return out
	}
	used := 0
	for i, w := range weights {
		out[i] = total * w / sum
		used += out[i]
	}
	for i := len(out) - 1; used < total; i = (i - 1 + len(out)) % len(out) {
		out[i]++
		used++
	}
	return out
}

// Truncate cuts s (which may hold escape codes) to at most w cells, ending in
// "…" when it was cut.
func Truncate(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if ansi.StringWidth(s) <= w {
		return s
	}
	return ansi.Truncate(s, w, "…")
}

// PadRight truncates or pads s with spaces to exactly w cells.
func PadRight(s string, w int) string {
	s = Truncate(s, w)
	if n := ansi.StringWidth(s); n < w {
		return s + strings.Repeat(" ", w-n)
	}
	return s
}

// PadLeft truncates or pads s on the left to exactly w cells (for numbers).
func PadLeft(s string, w int) string {
	s = Truncate(s, w)
	if n := ansi.StringWidth(s); n < w {
		return strings.Repeat(" ", w-n) + s
	}
	return s
}

// Fit clamps a block to w×h: longer lines are truncated, shorter ones padded,
// missing lines added blank, extra lines dropped.
func Fit(block string, w, h int) string {
	if w <= 0 || h <= 0 {
		return ""
	}
	lines := strings.Split(block, "\n")
	return strings.Join(FitLines(lines, w, h), "\n")
}

// FitLines is Fit for a block already split into lines.
func FitLines(lines []string, w, h int) []string {
	out := make([]string, h)
	blank := strings.Repeat(" ", w)
	for i := range out {
		if i < len(lines) {
			out[i] = PadRight(lines[i], w)
		} else {
			out[i] = blank
		}
	}
	return out
}

// Wrap word-wraps plain text to w cells.
func Wrap(text string, w int) []string {
	if w <= 0 {
		return nil
	}
	return strings.Split(ansi.Wrap(text, w, " -"), "\n")
}

// Row joins blocks side by side; each must already be exactly its width and
// the same height.
func Row(blocks ...string) string {
	return lipgloss.JoinHorizontal(lipgloss.Top, blocks...)
}

// PaneFrame is the cells a Pane's border takes: one on each side.
const PaneFrame = 2

// Pane draws a rounded box of outer size w×h with title set into its top
// border and body clamped inside. border styles the frame, title the title.
func Pane(border, title lipgloss.Style, name string, body []string, w, h int) string {
	if w < 2 || h < 2 {
		return Fit("", w, h)
	}
	iw, ih := w-PaneFrame, h-PaneFrame
	var b strings.Builder
	b.Grow((w + 16) * h)
	top := "╭"
	if name != "" && iw >= 4 {
		t := Truncate(name, iw-2)
		rest := iw - 2 - ansi.StringWidth(t)
		b.WriteString(border.Render(top+" ") + title.Render(t) + border.Render(" "+strings.Repeat("─", rest)+"╮"))
	} else {
		b.WriteString(border.Render(top + strings.Repeat("─", iw) + "╮"))
	}
	side := border.Render("│")
	for _, l := range FitLines(body, iw, ih) {
		b.WriteString("\n")
		b.WriteString(side)
		b.WriteString(l)
		b.WriteString(side)
	}
	b.WriteString("\n")
	b.WriteString(border.Render("╰" + strings.Repeat("─", iw) + "╯"))
	return b.String()
}
