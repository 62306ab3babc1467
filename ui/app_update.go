package ui

import (
	"fmt"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/ui/common"
	"github.com/streamsim/streamsim/ui/layout"
)

// Update implements tea.Model.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.w, m.h = msg.Width, msg.Height
		m.help.Width = msg.Width - 1
	case tea.KeyMsg:
		m, cmd = m.handleKey(msg)
	case statusExpiredMsg:
		if msg.Gen == m.statusGen && !m.statusErr {
			m.status = ""
		}
	case common.StatusPostedMsg:
		m.status, m.statusErr = msg.Text, msg.Err
		m.statusGen++
		if !msg.Err {
			cmd = m.after(statusTTL, statusExpiredMsg{Gen: m.statusGen})
		}
	case common.ScenarioOpenedMsg:
		cmd = m.guard(action{kind: openAction, sc: msg.Scenario, path: msg.Path})
	case common.RunRequestedMsg:
		a := action{kind: runAction, sc: msg.Scenario, path: msg.Path, load: msg.Open}
		if msg.Open {
			cmd = m.guard(a)
		} else {
			cmd = m.do(a)
		}
	case common.BuilderRequestedMsg:
		m.screen = BuilderScreen
	case common.PickerRequestedMsg:
		m.screen = PickerScreen
	default:
		// Answers to commands go to every screen; each takes its own.
		var cmds []tea.Cmd
		for _, s := range m.screens() {
			cmds = append(cmds, s.Update(msg))
		}
		cmd = tea.Batch(cmds...)
	}
	m.resize()
	return m, cmd
}

type actionKind int

const (
	openAction actionKind = iota // show a scenario in the builder
	runAction                    // run a scenario on the dashboard
	quitAction                   // leave the program
)

// action is something that may discard the builder's unsaved changes, so it
// may have to wait for a yes.
type action struct {
	kind actionKind
	sc   *pipeline.Scenario
	path string
	load bool // runAction: also load sc into the builder
}

// guard does a now, or asks first when it would discard unsaved changes.
func (m *Model) guard(a action) tea.Cmd {
	if !m.builder.Dirty() || a.kind == runAction && !a.load {
		return m.do(a)
	}
	name := m.builder.Scenario().Name
	var q string
	switch a.kind {
	case quitAction:
		q = fmt.Sprintf("%s has unsaved changes: quit anyway? y quit · n stay (s in the builder saves)", name)
	case openAction:
		q = fmt.Sprintf("%s has unsaved changes: discard them and open %s? y/n", name, a.sc.Name)
	default:
		q = fmt.Sprintf("%s has unsaved changes: discard them and run %s? y/n", name, a.sc.Name)
	}
	m.confirm = &confirmation{question: q, action: a}
	return nil
}

// do carries out an action.
func (m *Model) do(a action) tea.Cmd {
	switch a.kind {
	case openAction:
		m.screen = BuilderScreen
		return m.builder.Load(a.sc, a.path)
	case runAction:
		var load tea.Cmd
		if a.load {
			load = m.builder.Load(a.sc.Clone(), a.path)
		}
		m.screen = DashboardScreen
		return tea.Batch(m.dash.Start(a.sc, a.path), load)
	}
	// Quit at once, beside the stop: a run in the middle of a long tick must
	// not keep the program open (the run ends with the process, and the
	// context that cmd cancels on the way out stops it between ticks).
	return tea.Batch(m.dash.Stop(), tea.Quit)
}

func (m Model) handleKey(msg tea.KeyMsg) (Model, tea.Cmd) {
	var cmd tea.Cmd
	g := m.c.Keys
	if m.confirm != nil {
		switch msg.String() {
		case "y", "Y", "ctrl+c":
			a := m.confirm.action
			m.confirm = nil
			return m, m.do(a)
		case "n", "N", "esc", "q":
			m.confirm = nil
		}
		return m, nil
	}
	if m.statusErr {
		m.status, m.statusErr = "", false // an error stays until the next key
	}
	if layout.TooSmall(m.w, m.h) {
		if key.Matches(msg, g.Quit, g.ForceQuit) {
			cmd = m.guard(action{kind: quitAction})
			return m, cmd
		}
		return m, nil
	}
	if key.Matches(msg, g.ForceQuit) {
		cmd = m.guard(action{kind: quitAction})
		return m, cmd
	}
	scr := m.active()
	if !scr.CapturesInput() {
		switch {
		case key.Matches(msg, g.Help):
			m.help.ShowAll = !m.help.ShowAll
			return m, nil
		case key.Matches(msg, g.Quit):
			cmd = m.guard(action{kind: quitAction})
			return m, cmd
		}
	}
	return m, scr.Update(msg)
}

// resize gives every screen, hidden ones too, the rect left by the footer.
func (m *Model) resize() {
	if m.w <= 0 || m.h <= 0 {
		return
	}
	m.helpLines = max(1, countLines(m.help.View(m.helpKeys())))
	bodyH := m.h - 1 - m.helpLines
	for _, s := range m.screens() {
		s.SetSize(m.w, max(0, bodyH))
	}
}

func countLines(s string) int {
	n := 1
	for _, r := range s {
		if r == '\n' {
			n++
		}
	}
	return n
}
