package ui

import (
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/streamsim/streamsim/internal/textsafe"
	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/ui/common"
	"github.com/streamsim/streamsim/ui/layout"
	"github.com/streamsim/streamsim/ui/styles"
)

// Update implements tea.Model.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.w, m.h = msg.Width, msg.Height
		m.help.SetWidth(msg.Width - 1)
	case tea.ColorProfileMsg:
		if msg.Profile > colorprofile.ASCII {
			cmd = tea.RequestBackgroundColor // answered by a BackgroundColorMsg
		}
	case tea.BackgroundColorMsg:
		if dark := msg.IsDark(); dark != m.c.Styles.Dark {
			*m.c.Styles = *styles.New(m.c.Styles.Theme, dark) // in place: every screen holds the pointer
			m.help.Styles = m.c.Styles.Help
			for _, s := range m.screens() {
				cmd = tea.Batch(cmd, s.Update(common.StylesChangedMsg{}))
			}
		}
	case tea.KeyPressMsg:
		m, cmd = m.handleKey(msg)
	case tea.PasteMsg: // Bubble Tea v2 sends a bracketed paste apart from the keys
		if m.confirm == nil && !layout.TooSmall(m.w, m.h) && m.active().CapturesInput() {
			cmd = m.active().Update(msg)
		}
	case statusExpiredMsg:
		if msg.Gen == m.statusGen && !m.statusErr {
			m.status = ""
		}
	case common.StatusPostedMsg:
		m.status, m.statusErr = textsafe.Line(msg.Text), msg.Err // may quote a file or AWS
		m.statusGen++
		if !msg.Err {
			cmd = m.after(statusTTL, statusExpiredMsg{Gen: m.statusGen})
		}
	case common.ScenarioOpenedMsg:
		cmd = m.guard(action{kind: openAction, sc: msg.Scenario, path: msg.Path})
	case common.RunRequestedMsg:
		cmd = m.guard(action{kind: runAction, sc: msg.Scenario, path: msg.Path, load: msg.Open})
	case common.ConfirmAskedMsg:
		m.confirm = &confirmation{question: msg.Question, action: action{kind: yesAction, yes: msg.Yes, no: msg.NoStatus}}
	case tea.MouseMsg: // the pointer belongs to the screen on show
		if m.confirm == nil && !layout.TooSmall(m.w, m.h) {
			cmd = m.active().Update(msg)
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
	yesAction                    // run the command a screen's question gave
)

// action is something that may discard the builder's unsaved changes, so it
// may have to wait for a yes.
type action struct {
	kind actionKind
	sc   *pipeline.Scenario
	path string
	load bool    // runAction: also load sc into the builder
	yes  tea.Cmd // yesAction: what yes does
	no   string  // yesAction: the status no posts
}

// guard does a now, or asks first when it would discard unsaved changes.
func (m *Model) guard(a action) tea.Cmd {
	recorded := 0
	if a.kind != openAction { // opening a scenario leaves the run as it is
		recorded = m.dash.Unsaved()
	}
	edited := m.builder.Dirty() && (a.kind != runAction || a.load)
	if recorded == 0 && !edited {
		return m.do(a)
	}
	name := m.builder.Scenario().Name
	var q string
	switch {
	case recorded > 0 && edited:
		q = fmt.Sprintf("%d recorded change(s) of the run and %s's edits are not saved: %s anyway? y/n", recorded, name, verb(a))
	case recorded > 0:
		q = fmt.Sprintf("%d recorded change(s) of the run not saved: %s anyway? y/n (R on the dashboard saves them)", recorded, verb(a))
	case a.kind == quitAction:
		q = fmt.Sprintf("%s has unsaved changes: quit anyway? y quit · n stay (s in the builder saves)", name)
	case a.kind == openAction:
		q = fmt.Sprintf("%s has unsaved changes: discard them and open %s? y/n", name, a.sc.Name)
	default:
		q = fmt.Sprintf("%s has unsaved changes: discard them and run %s? y/n", name, a.sc.Name)
	}
	m.confirm = &confirmation{question: q, action: a}
	return nil
}

// verb is what an action does, for a question.
func verb(a action) string {
	switch a.kind {
	case quitAction:
		return "quit"
	case openAction:
		return "open " + a.sc.Name
	}
	return "run " + a.sc.Name
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
	case yesAction:
		return a.yes
	}
	return tea.Sequence(m.dash.Stop(), tea.Quit)
}

func (m Model) handleKey(msg tea.KeyPressMsg) (Model, tea.Cmd) {
	var cmd tea.Cmd
	g := m.c.Keys
	if m.confirm != nil {
		switch msg.String() {
		case "ctrl+c":
			if m.confirm.action.kind != quitAction { // a second question: quit, asking if work would be lost
				m.confirm = nil
				return m, m.guard(action{kind: quitAction})
			}
			m.confirm = nil
			return m, m.do(action{kind: quitAction})
		case "y", "Y":
			a := m.confirm.action
			m.confirm = nil
			return m, m.do(a)
		case "n", "N", "esc", "q":
			if m.confirm.action.no != "" {
				m.status, m.statusErr = m.confirm.action.no, false
			}
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
