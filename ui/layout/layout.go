// Package layout is the TUI's size arithmetic and block clamping: pure
// functions, unit-tested, so that no screen does "-2" math of its own.
//
// Every View clamps what it draws to its rect with Fit, so a line never wraps
// and a screen never scrolls the terminal.
package layout

import (
	"strings"
	"unicode/utf8"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/streamsim/streamsim/ui/styles"
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

// Width is the cells s takes on screen, ignoring escape codes. Text made of
// ASCII, box drawing, blocks, arrows and general punctuation (all one cell
// wide) is measured by counting; anything else goes to ansi.StringWidth.
func Width(s string) int {
	n := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c == 0x1b { // skip a CSI or OSC sequence
			j := i + 1
			if j < len(s) && s[j] == '[' {
				j++
				for j < len(s) && (s[j] < 0x40 || s[j] > 0x7e) {
					j++
				}
				i = j + 1
				continue
			}
			return ansi.StringWidth(s)
		}
		if c < 0x80 {
			if c >= 0x20 {
				n++
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r >= 0x2000 && r <= 0x206f, // general punctuation: – — … •
			r >= 0x2190 && r <= 0x21ff, // arrows
			r >= 0x2500 && r <= 0x25ff, // box drawing, blocks, shapes
			r >= 0xa0 && r <= 0x2ff:    // Latin-1 and Latin extended
			n++
		default:
			return ansi.StringWidth(s)
		}
		i += size
	}
	return n
}

// Truncate cuts s (which may hold escape codes) to at most w cells, ending in
// "…" when it was cut.
func Truncate(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if Width(s) <= w {
		return s
	}
	return ansi.Truncate(s, w, "…")
}

// PadRight truncates or pads s with spaces to exactly w cells.
func PadRight(s string, w int) string {
	n := Width(s)
	if n > w {
		s = ansi.Truncate(s, w, "…")
		n = Width(s)
	}
	if n < w {
		return s + strings.Repeat(" ", w-n)
	}
	return s
}

// PadLeft truncates or pads s on the left to exactly w cells (for numbers).
func PadLeft(s string, w int) string {
	s = Truncate(s, w)
	if n := Width(s); n < w {
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

// Row joins blocks side by side, line by line. Each block must already be
// exactly its width (as Pane and Fit make them); a shorter block is padded
// with blank lines of its first line's width.
func Row(blocks ...string) string {
	split := make([][]string, len(blocks))
	h := 0
	for i, b := range blocks {
		split[i] = strings.Split(b, "\n")
		h = max(h, len(split[i]))
	}
	var sb strings.Builder
	for r := 0; r < h; r++ {
		if r > 0 {
			sb.WriteByte('\n')
		}
		for _, lines := range split {
			if r < len(lines) {
				sb.WriteString(lines[r])
			} else {
				sb.WriteString(strings.Repeat(" ", Width(lines[0])))
			}
		}
	}
	return sb.String()
}

// PaneFrame is the cells a Pane's border takes: one on each side.
const PaneFrame = 2

// Pane draws a rounded box of outer size w×h with title set into its top
// border and body clamped inside. border styles the frame, title the title.
func Pane(border, title lipgloss.Style, name string, body []string, w, h int) string {
	return drawPane(rounded, border, title, name, body, w, h)
}

// FocusedPane is Pane with a heavy frame (┏━┓): the pane that has the keys.
// The frame's shape, not only its colour, says so, so focus reads under
// NO_COLOR too.
func FocusedPane(border, title lipgloss.Style, name string, body []string, w, h int) string {
	return drawPane(heavy, border, title, name, body, w, h)
}

// glyphs are a frame's corners and sides.
type glyphs struct{ tl, tr, bl, br, h, v string }

var (
	rounded = glyphs{"╭", "╮", "╰", "╯", "─", "│"}
	heavy   = glyphs{"┏", "┓", "┗", "┛", "━", "┃"}
)

func drawPane(g glyphs, border, title lipgloss.Style, name string, body []string, w, h int) string {
	if w < 2 || h < 2 {
		return Fit("", w, h)
	}
	iw, ih := w-PaneFrame, h-PaneFrame
	var b strings.Builder
	b.Grow((w + 16) * h)
	bp := styles.NewPaint(border)
	if name != "" && iw >= 4 {
		t := Truncate(name, iw-2)
		rest := iw - 2 - Width(t)
		b.WriteString(bp.Render(g.tl+" ") + title.Render(t) + bp.Render(" "+strings.Repeat(g.h, rest)+g.tr))
	} else {
		b.WriteString(bp.Render(g.tl + strings.Repeat(g.h, iw) + g.tr))
	}
	side := bp.Render(g.v)
	for _, l := range FitLines(body, iw, ih) {
		b.WriteString("\n")
		b.WriteString(side)
		b.WriteString(l)
		b.WriteString(side)
	}
	b.WriteString("\n")
	b.WriteString(bp.Render(g.bl + strings.Repeat(g.h, iw) + g.br))
	return b.String()
}

// WrapWords wraps text at spaces only (a word longer than w is cut), so
// command lines keep their --flags whole.
func WrapWords(text string, w int) []string {
	if w <= 0 {
		return nil
	}
	var out []string
	line := ""
	for _, word := range strings.Fields(text) {
		for ansi.StringWidth(word) > w {
			if line != "" {
				out = append(out, line)
				line = ""
			}
			out = append(out, ansi.Cut(word, 0, w))
			word = ansi.Cut(word, w, ansi.StringWidth(word))
		}
		switch {
		case line == "":
			line = word
		case ansi.StringWidth(line)+1+ansi.StringWidth(word) <= w:
			line += " " + word
		default:
			out = append(out, line)
			line = word
		}
	}
	if line != "" || len(out) == 0 {
		out = append(out, line)
	}
	return out
}
