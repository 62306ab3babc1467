package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/streamsim/streamsim/ui/common"
	"github.com/streamsim/streamsim/ui/keys"
	"github.com/streamsim/streamsim/ui/layout"
)

// helpKeys is the help bar's content: the active screen's keys, then the global ones.
type helpKeys struct {
	screen common.Screen
	global keys.KeyMap
}

func (h helpKeys) ShortHelp() []key.Binding {
	return append(h.screen.ShortHelp(), h.global.Help, h.global.Quit)
}

func (h helpKeys) FullHelp() [][]key.Binding {
	return append(h.screen.FullHelp(), h.global.FullHelp()...)
}

func (m *Model) helpKeys() helpKeys { return helpKeys{screen: m.active(), global: *m.c.Keys} }

// View implements tea.Model: the screen, full-screen on the alternate screen.
func (m Model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	if m.screen == BuilderScreen {
		v.MouseMode = tea.MouseModeCellMotion // click, drag and wheel on the graph
	}
	return v
}

// render draws the whole terminal: the active screen, the status line and the help.
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
	body := m.active().View()
	var status string
	switch {
	case m.confirm != nil:
		status = st.Warn.Render(" " + m.confirm.question)
	case m.statusErr:
		status = st.Error.Render(" ✗ " + m.status)
	case m.status != "":
		status = st.Info.Render(" " + m.status)
	}
	helpView := m.help.View(m.helpKeys())
	var help []string
	for _, l := range strings.Split(helpView, "\n") {
		help = append(help, " "+l)
	}
	out := layout.Fit(body, m.w, m.h-1-m.helpLines) + "\n" + layout.PadRight(status, m.w) + "\n" +
		strings.Join(layout.FitLines(help, m.w, m.helpLines), "\n")
	return out
}
