// Package helpbar draws the one-line key help at the bottom of the screen.
// Unlike bubbles' help, which cuts the line at the width and so loses the
// keys at its end, it never drops a pinned key (help, quit, back, the
// screen's main action): the others are kept by priority, as many as fit,
// and drawn in their own order.
package helpbar

import (
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"

	"github.com/streamsim/streamsim/ui/layout"
)

// Sep is what stands between two keys.
const Sep = " · "

const sepW = 3 // cells of Sep

// Bar is the keys of one help line.
type Bar struct {
	// Lead are shown first and always (the screen's main action).
	Lead []key.Binding
	// Rest are shown after Lead, when they fit: the earlier, the more they
	// matter; those kept keep their order.
	Rest []key.Binding
	// Tail are shown last and always (back, help, quit).
	Tail []key.Binding
}

// Render draws the bar in at most w cells. Disabled bindings and bindings
// without help are skipped, and a binding is shown once even when listed
// twice. When even the pinned keys do not fit, their descriptions are cut.
func (b Bar) Render(st help.Styles, w int) string {
	seen := map[string]bool{}
	pick := func(list []key.Binding) []key.Binding {
		var out []key.Binding
		for _, k := range list {
			h := k.Help()
			if !k.Enabled() || h.Key == "" || seen[h.Key+"\x00"+h.Desc] {
				continue
			}
			seen[h.Key+"\x00"+h.Desc] = true
			out = append(out, k)
		}
		return out
	}
	lead, tail := pick(b.Lead), pick(b.Tail)
	rest := pick(b.Rest)
	used := 0
	for _, k := range append(append([]key.Binding(nil), lead...), tail...) {
		used += itemWidth(k) + sepW
	}
	keep := make([]bool, len(rest))
	for i, k := range rest {
		if n := itemWidth(k) + sepW; used+n <= w+sepW {
			keep[i] = true
			used += n
		}
	}
	var items []string
	draw := func(k key.Binding) {
		h := k.Help()
		items = append(items, st.ShortKey.Render(h.Key)+" "+st.ShortDesc.Render(h.Desc))
	}
	for _, k := range lead {
		draw(k)
	}
	for i, k := range rest {
		if keep[i] {
			draw(k)
		}
	}
	for _, k := range tail {
		draw(k)
	}
	line := strings.Join(items, st.ShortSeparator.Render(Sep))
	if layout.Width(line) > w {
		line = squeeze(st, append(lead, tail...), w)
	}
	return line
}

// squeeze draws the pinned keys alone, their descriptions cut so that every
// key shows.
func squeeze(st help.Styles, ks []key.Binding, w int) string {
	n := len(ks)
	if n == 0 {
		return ""
	}
	room := w - (n-1)*sepW
	var items []string
	for i, k := range ks {
		h := k.Help()
		share := room / (n - i)
		desc := h.Desc
		if room := share - layout.Width(h.Key) - 1; room < layout.Width(desc) {
			desc = layout.Truncate(desc, room)
			if room < 3 { // "…" alone, or a letter and "…", says nothing
				desc = ""
			}
		}
		item := st.ShortKey.Render(h.Key)
		room -= layout.Width(h.Key)
		if desc != "" {
			item += " " + st.ShortDesc.Render(desc)
			room -= 1 + layout.Width(desc)
		}
		items = append(items, item)
	}
	return layout.Truncate(strings.Join(items, st.ShortSeparator.Render(Sep)), w)
}

func itemWidth(k key.Binding) int {
	h := k.Help()
	return layout.Width(h.Key) + 1 + layout.Width(h.Desc)
}
