package ui

import (
	"fmt"
	"math"
	"unicode"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/streamsim/streamsim/internal/textsafe"
	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/ui/common"
	"github.com/streamsim/streamsim/ui/components/keysheet"
	"github.com/streamsim/streamsim/ui/layout"
	"github.com/streamsim/streamsim/ui/styles"
)

// Update implements tea.Model.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.w, m.h = msg.Width, msg.Height
	case tea.ColorProfileMsg:
		if msg.Profile > colorprofile.ASCII {
			cmd = tea.RequestBackgroundColor // answered by a BackgroundColorMsg
		}
	case tea.BackgroundColorMsg:
		if dark := msg.IsDark(); dark != m.c.Styles.Dark {
			*m.c.Styles = *styles.New(m.c.Styles.Theme, dark) // in place: every screen holds the pointer
			for _, s := range m.screens() {
				cmd = tea.Batch(cmd, s.Update(common.StylesChangedMsg{}))
			}
		}
	case tea.KeyPressMsg:
		m, cmd = m.handleKeys(msg)
	case tea.PasteMsg: // Bubble Tea v2 sends a bracketed paste apart from the keys
		switch {
		case m.capturing():
			cmd = m.active().Update(msg)
		case msg.Content != "":
			// Pasted text is never taken for keys (a paste of "xx" must not
			// delete two nodes), but it is not dropped without a word either.
			cmd = emit(common.Status("pasted text goes into a text field: there is none open here"))
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
		m.confirm = &confirmation{question: msg.Question, action: action{kind: yesAction, yes: msg.Yes, no: msg.NoStatus},
			altKey: msg.AltKey, altDesc: msg.AltDesc, alt: msg.Alt}
	case common.QuitRequestedMsg:
		cmd = m.guard(action{kind: quitAction})
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
// Changes recorded on the dashboard may be saved as a session first (s).
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
		q = fmt.Sprintf("%d recorded change(s) of the run and %s's edits are not saved: %s anyway? y %s · s save the session first · n stay", recorded, name, verb(a), verb(a))
	case recorded > 0:
		q = fmt.Sprintf("%d recorded change(s) of the run not saved: %s anyway? y %s · s save the session first · n stay", recorded, verb(a), verb(a))
	case a.kind == quitAction:
		q = fmt.Sprintf("%s has unsaved changes: quit anyway? y quit · n stay (s in the builder saves)", name)
	case a.kind == openAction:
		q = fmt.Sprintf("%s has unsaved changes: discard them and open %s? y/n", name, a.sc.Name)
	default:
		q = fmt.Sprintf("%s has unsaved changes: discard them and run %s? y/n", name, a.sc.Name)
	}
	m.confirm = &confirmation{question: q, action: a}
	if recorded > 0 {
		// s: the dashboard asks where to save the session; once it is
		// saved, the same action is asked for again (the builder's edits
		// may still need a yes). Changes are recorded only while the
		// dashboard is on show, and leaving it settles them, so the
		// dashboard is where the question is asked.
		var then tea.Msg = common.QuitRequestedMsg{}
		if a.kind == runAction {
			then = common.RunRequestedMsg{Scenario: a.sc, Path: a.path, Open: a.load}
		}
		m.confirm.altKey, m.confirm.altDesc = "s", "save the session first"
		m.confirm.alt = m.dash.SaveSessionThen(then)
	}
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
	// Quit at once, beside the stop: a run in the middle of a long tick must
	// not keep the program open (the run ends with the process, and the
	// context that cmd cancels on the way out stops it between ticks).
	return tea.Batch(m.dash.Stop(), tea.Quit)
}

// handleKeys takes a key message. One that carries several runes (Bubble
// Tea v2 decodes each character a terminal sends as a key of its own, but a
// grapheme of several runes, or input from a terminal that sends text
// together, comes as one) is split into one key per rune unless a text
// field has the keys: a binding matches one key, and runes that came
// together must not be lost for it. Once a key opens a field, the rest of
// the runes go into it as typed.
func (m Model) handleKeys(msg tea.KeyPressMsg) (Model, tea.Cmd) {
	runes := []rune(msg.Text)
	if len(runes) < 2 || msg.Mod&^tea.ModShift != 0 || m.capturing() {
		return m.handleKey(msg)
	}
	var cmds []tea.Cmd
	for i, r := range runes {
		if m.capturing() {
			var cmd tea.Cmd
			m, cmd = m.handleKey(tea.KeyPressMsg{Code: tea.KeyExtended, Text: string(runes[i:])})
			cmds = append(cmds, cmd)
			break
		}
		var cmd tea.Cmd
		m, cmd = m.handleKey(runeKey(r))
		cmds = append(cmds, cmd)
	}
	return m, tea.Sequence(cmds...)
}

// runeKey is the key message of one typed rune, as Bubble Tea v2 decodes
// it: an upper-case letter is shift and the letter.
func runeKey(r rune) tea.KeyPressMsg {
	switch r {
	case ' ':
		return tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	case '\r', '\n':
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case '\t':
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case 0x1b:
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	}
	if unicode.IsUpper(r) {
		return tea.KeyPressMsg{Code: unicode.ToLower(r), ShiftedCode: r, Mod: tea.ModShift, Text: string(r)}
	}
	return tea.KeyPressMsg{Code: r, Text: string(r)}
}

// capturing reports whether a text field of the active screen has the keys.
func (m Model) capturing() bool {
	return m.confirm == nil && m.sheet == nil && !layout.TooSmall(m.w, m.h) && m.active().CapturesInput()
}

func (m Model) handleKey(msg tea.KeyPressMsg) (Model, tea.Cmd) {
	var cmd tea.Cmd
	g := m.c.Keys
	if m.confirm != nil {
		c := m.confirm
		switch k := msg.String(); {
		case k == "ctrl+c":
			if c.action.kind != quitAction { // a second question: quit, asking if work would be lost
				m.confirm = nil
				return m, m.guard(action{kind: quitAction})
			}
			m.confirm = nil
			return m, m.do(action{kind: quitAction})
		case k == "y" || k == "Y":
			m.confirm = nil
			return m, m.do(c.action)
		case c.altKey != "" && k == c.altKey:
			m.confirm = nil
			return m, c.alt
		case k == "n" || k == "N" || k == "esc" || k == "q":
			if c.action.no != "" {
				m.status, m.statusErr = c.action.no, false
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
	if m.sheet != nil {
		return m.sheetKey(msg)
	}
	scr := m.active()
	if !scr.CapturesInput() {
		switch {
		case key.Matches(msg, g.Help):
			m.sheet = &keysheet.Sheet{Title: "keys · " + m.screen.String(), Note: " · marked" + keysheet.NotNow + ": in another state",
				Groups: m.sheetGroups()}
			m.sheet.SetSize(m.w, m.bodyHeight())
			return m, nil
		case key.Matches(msg, g.Quit):
			cmd = m.guard(action{kind: quitAction})
			return m, cmd
		}
	}
	return m, scr.Update(msg)
}

// sheetKey handles a key while the full key help is on show: it scrolls,
// closes with esc or ?, and q still quits.
func (m Model) sheetKey(msg tea.KeyPressMsg) (Model, tea.Cmd) {
	g := m.c.Keys
	sh := m.sheet
	switch {
	case key.Matches(msg, g.Help, g.Close):
		m.sheet = nil
	case key.Matches(msg, g.Quit):
		return m, m.guard(action{kind: quitAction})
	case key.Matches(msg, g.ScrollUp):
		sh.Scroll(-1)
	case key.Matches(msg, g.ScrollDown):
		sh.Scroll(1)
	case key.Matches(msg, g.PageUp):
		sh.Scroll(-sh.Page())
	case key.Matches(msg, g.PageDown):
		sh.Scroll(sh.Page())
	case key.Matches(msg, g.Top):
		sh.Scroll(-math.MaxInt32)
	case key.Matches(msg, g.Bottom):
		sh.Scroll(math.MaxInt32)
	}
	return m, nil
}

// resize gives every screen, hidden ones too, the rect left by the footer.
func (m *Model) resize() {
	if m.w <= 0 || m.h <= 0 {
		return
	}
	for _, s := range m.screens() {
		s.SetSize(m.w, m.bodyHeight())
	}
	if m.sheet != nil {
		m.sheet.Groups = m.sheetGroups() // the screen's keys as they work now
		m.sheet.SetSize(m.w, m.bodyHeight())
	}
}

// bodyHeight is the rows above the footer: the status line (wrapped, at most
// maxStatusLines) and the help bar.
func (m *Model) bodyHeight() int { return max(0, m.h-len(m.statusLines())-1) }
