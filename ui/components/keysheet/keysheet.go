// Package keysheet lays out the full key help (what `?` shows): groups of
// bindings side by side as columns, as many as fit the width, the rest of
// the groups below. It returns lines; the caller scrolls them when they are
// more than its height.
package keysheet

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/lipgloss/v2"

	"github.com/streamsim/streamsim/ui/layout"
)

// gap is the blank cells between two columns.
const gap = 4

// Group is a titled column of bindings.
type Group struct {
	Title string
	Keys  []key.Binding
}

// NotNow follows a binding that does not work in the screen's state now.
const NotNow = " (not now)"

// Lines draws the groups' bindings ("key  what it does") in columns no
// wider than w cells in all. A binding that is disabled now is drawn muted
// and marked NotNow: the sheet is the reference of every key, the help bar
// the keys that work now. A binding listed twice shows once.
func Lines(st help.Styles, title lipgloss.Style, groups []Group, w int) []string {
	type column struct {
		lines []string
		width int
	}
	seen := map[string]bool{}
	var cols []column
	for _, g := range groups {
		var ks []key.Binding
		keyW := 0
		for _, k := range g.Keys {
			h := k.Help()
			id := h.Key + "\x00" + h.Desc
			if h.Key == "" || seen[id] {
				continue
			}
			seen[id] = true
			ks = append(ks, k)
			keyW = max(keyW, layout.Width(h.Key))
		}
		if len(ks) == 0 {
			continue
		}
		c := column{}
		if g.Title != "" {
			c.lines = append(c.lines, title.Render(g.Title))
			c.width = layout.Width(g.Title)
		}
		for _, k := range ks {
			h := k.Help()
			desc := h.Desc
			l := st.FullKey.Render(layout.PadRight(h.Key, keyW)) + "  " + st.FullDesc.Render(desc)
			if !k.Enabled() {
				desc += NotNow
				l = st.Ellipsis.Render(layout.PadRight(h.Key, keyW) + "  " + desc)
			}
			if lw := keyW + 2 + layout.Width(desc); lw > w {
				l = layout.Truncate(l, w)
			}
			c.lines = append(c.lines, l)
			c.width = min(w, max(c.width, keyW+2+layout.Width(desc)))
		}
		cols = append(cols, c)
	}
	var out []string
	for i := 0; i < len(cols); {
		// As many columns as fit side by side.
		j, used := i+1, cols[i].width
		for j < len(cols) && used+gap+cols[j].width <= w {
			used += gap + cols[j].width
			j++
		}
		if len(out) > 0 {
			out = append(out, "")
		}
		rows := 0
		for _, c := range cols[i:j] {
			rows = max(rows, len(c.lines))
		}
		for r := range rows {
			var b strings.Builder
			for k, c := range cols[i:j] {
				cell := ""
				if r < len(c.lines) {
					cell = c.lines[r]
				}
				if k < j-i-1 {
					cell = layout.PadRight(cell, c.width+gap)
				}
				b.WriteString(cell)
			}
			out = append(out, strings.TrimRight(b.String(), " "))
		}
		i = j
	}
	return out
}

// Sheet is the key help as a scrolling page: a title line, the lines of
// Lines, and a line that says what is above or below when they do not fit.
type Sheet struct {
	Title  string // drawn in the title style
	Note   string // drawn muted after the title
	Groups []Group
	w, h   int
	top    int
}

// SetSize gives the sheet its rect.
func (s *Sheet) SetSize(w, h int) { s.w, s.h = w, h; s.Scroll(0) }

// rows is how many lines of keys show at once: the rect less the title and
// the line that says more follow.
func (s *Sheet) rows() int { return max(1, s.h-2) }

// Scrolls reports whether the lines are more than fit.
func (s *Sheet) Scrolls() bool {
	return len(Lines(help.Styles{}, lipgloss.NewStyle(), s.Groups, max(1, s.w-2))) > s.rows()
}

// Scroll moves the sheet by d lines (a page is Page()), clamped; Scroll(0)
// only clamps.
func (s *Sheet) Scroll(d int) {
	n := len(Lines(help.Styles{}, lipgloss.NewStyle(), s.Groups, max(1, s.w-2)))
	s.top = layout.Clamp(s.top+d, 0, n-s.rows())
}

// Page is the lines one page down moves.
func (s *Sheet) Page() int { return max(1, s.rows()-1) }

// Top is the lines scrolled past.
func (s *Sheet) Top() int { return s.top }

// View draws the sheet in its rect.
func (s *Sheet) View(st help.Styles, title, muted lipgloss.Style) string {
	all := Lines(st, muted, s.Groups, max(1, s.w-2))
	rows := s.rows()
	top := layout.Clamp(s.top, 0, len(all)-rows)
	end := min(len(all), top+rows)
	out := []string{title.Render(" "+s.Title) + muted.Render(s.Note)}
	for _, l := range all[top:end] {
		out = append(out, " "+l)
	}
	for len(out) < rows+1 {
		out = append(out, "")
	}
	var more []string
	if top > 0 {
		more = append(more, fmt.Sprintf("↑ %d line(s) above", top))
	}
	if end < len(all) {
		more = append(more, fmt.Sprintf("↓ %d more line(s)", len(all)-end))
	}
	if len(more) > 0 {
		out = append(out, muted.Render(" "+strings.Join(more, " · ")))
	}
	return layout.Fit(strings.Join(out, "\n"), s.w, s.h)
}
