package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/streamsim/streamsim/ui/common"
	"github.com/streamsim/streamsim/ui/components/helpbar"
	"github.com/streamsim/streamsim/ui/components/keysheet"
	"github.com/streamsim/streamsim/ui/layout"
)

func emit(msg tea.Msg) tea.Cmd { return func() tea.Msg { return msg } }

// maxStatusLines is the most lines a status, an error or a question takes:
// longer ones wrap rather than lose their end (a question's answers are there).
const maxStatusLines = 3

// helpBar is the help line's keys now. It always shows the active screen's
// main action, enter and esc, then ? and q (ctrl+c while a text field has
// the keys: q and ? type there), and as many of the screen's other keys as
// fit, in the order the screen lists them.
func (m *Model) helpBar() helpbar.Bar {
	g := m.c.Keys
	if m.confirm != nil {
		c := m.confirm
		bar := helpbar.Bar{Lead: []key.Binding{key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "yes"))}}
		if c.altKey != "" {
			bar.Lead = append(bar.Lead, key.NewBinding(key.WithKeys(c.altKey), key.WithHelp(c.altKey, c.altDesc)))
		}
		bar.Tail = []key.Binding{key.NewBinding(key.WithKeys("n"), key.WithHelp("n/esc", "no")), g.ForceQuit}
		return bar
	}
	if m.sheet != nil {
		bar := helpbar.Bar{Tail: []key.Binding{key.NewBinding(key.WithKeys("esc", "?"), key.WithHelp("esc/?", "close")), g.Quit}}
		if m.sheet.Scrolls() {
			bar.Lead, bar.Rest = []key.Binding{g.ScrollUp, g.PageDown}, []key.Binding{g.Top, g.Bottom}
		}
		return bar
	}
	scr := m.active()
	short := scr.ShortHelp()
	var bar helpbar.Bar
	if mk, ok := scr.(common.MainKeyer); ok {
		bar.Lead = mk.MainKeys()
	} else {
		for _, k := range short {
			if k.Enabled() {
				bar.Lead = []key.Binding{k}
				break
			}
		}
	}
	for _, k := range short {
		if has(k, "enter") || has(k, "esc") {
			bar.Tail = append(bar.Tail, k)
		} else {
			bar.Rest = append(bar.Rest, k)
		}
	}
	if scr.CapturesInput() {
		bar.Tail = append(bar.Tail, g.ForceQuit)
	} else {
		bar.Tail = append(bar.Tail, g.Help, g.Quit)
	}
	return bar
}

// has reports whether binding k is on key name.
func has(k key.Binding, name string) bool {
	for _, n := range k.Keys() {
		if n == name {
			return true
		}
	}
	return false
}

// sheetGroups are what the full key help lists: the active screen's keys,
// then those that work everywhere.
func (m *Model) sheetGroups() []keysheet.Group {
	var out []keysheet.Group
	for _, col := range m.active().FullHelp() {
		out = append(out, keysheet.Group{Keys: col})
	}
	g := m.c.Keys
	return append(out, keysheet.Group{Title: "everywhere", Keys: []key.Binding{g.Help, g.Quit, g.ForceQuit}})
}

// statusLines is the footer's status, error or question, wrapped to the
// width (at most maxStatusLines), or one blank line.
func (m *Model) statusLines() []string {
	st := m.c.Styles
	var text string
	style := st.Info
	switch {
	case m.confirm != nil:
		text, style = m.confirm.question, st.Warn
	case m.statusErr:
		text, style = "✗ "+m.status, st.Error
	case m.status != "":
		text = m.status
	}
	if text == "" || m.w <= 1 {
		return []string{""}
	}
	lines := layout.WrapWords(text, m.w-1)
	if len(lines) > maxStatusLines {
		lines = lines[:maxStatusLines]
		lines[maxStatusLines-1] = layout.Truncate(lines[maxStatusLines-1]+" …", m.w-1)
	}
	for i, l := range lines {
		lines[i] = " " + style.Render(l)
	}
	return lines
}

// View implements tea.Model: the screen, full-screen on the alternate screen.
func (m Model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	if m.screen == BuilderScreen {
		v.MouseMode = tea.MouseModeCellMotion // click, drag and wheel on the graph
	}
	return v
}

// render draws the whole terminal: the active screen (or the key help), the
// status line and the help bar.
func (m Model) render() string {
	if m.w <= 0 || m.h <= 0 {
		return ""
	}
	st := m.c.Styles
	if layout.TooSmall(m.w, m.h) {
		msg := fmt.Sprintf("terminal too small (need ≥ %d×%d, have %d×%d) · q quits", layout.MinWidth, layout.MinHeight, m.w, m.h)
		if m.confirm != nil { // a question must be seen before y answers it
			msg = m.confirm.question
		}
		lines := layout.Wrap(msg, m.w)
		lines = lines[:min(len(lines), m.h)]
		return lipgloss.Place(m.w, m.h, lipgloss.Center, lipgloss.Center, st.Warn.Render(strings.Join(lines, "\n")))
	}
	var body string
	if m.sheet != nil {
		body = m.sheet.View(st.Help, st.Title, st.Muted)
	} else {
		body = m.active().View()
	}
	status := m.statusLines()
	out := layout.Fit(body, m.w, m.bodyHeight())
	for _, l := range status {
		out += "\n" + layout.PadRight(l, m.w)
	}
	return out + "\n" + layout.PadRight(" "+m.helpBar().Render(st.Help, m.w-1), m.w)
}
