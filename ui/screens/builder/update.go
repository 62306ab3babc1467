package builder

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/streamsim/streamsim/internal/textsafe"
	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/ui/common"
)

// edit changes the scenario with fn as one step that u takes back. fn says
// what it did; when it fails nothing changes.
func (m *Model) edit(what string, fn func(sc *pipeline.Scenario) (string, error)) tea.Cmd {
	before := m.sc.Clone()
	sel, p := m.selID, m.pane
	msg, err := fn(m.sc)
	if err != nil {
		m.sc = before
		m.afterChange()
		return fail("%s", textsafe.Line(err.Error()))
	}
	m.hist.changed(before, what, sel, p)
	m.afterChange()
	return status("%s", msg)
}

// afterChange validates again and puts the selections back in range.
func (m *Model) afterChange() {
	m.revalidate()
	m.lay = nil
	if m.Selected() == nil {
		m.selID = ""
	}
	m.selectFirst()
	for p := paneTimeline; p < paneCount; p++ {
		m.rows[p] = max(0, min(m.rows[p], m.listLenOf(p)-1))
	}
	m.follow = true
}

// Save saves the scenario to its file, or asks for a path first.
func (m *Model) Save() tea.Cmd {
	if m.sc == nil {
		return nil
	}
	if m.path == "" {
		m.mode = savingAs
		m.pathIn.SetValue(m.sc.Name + ".yaml")
		m.pathIn.CursorEnd()
		m.pathOpts = nil
		return m.pathIn.Focus()
	}
	return saveCmd(m.c.Store, m.path, m.sc.Clone(), m.hist.cur, true) // the file it came from
}

// Update implements common.Screen. An edit (or an undo) starts a new estimate.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	defer m.syncKeys()
	before := m.hist.cur
	cmd := m.update(msg)
	if m.hist.cur != before {
		cmd = tea.Batch(cmd, m.estimate())
	}
	return cmd
}

func (m *Model) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case EstimateReadyMsg:
		m.takeEstimate(msg)
		return nil
	case ScenarioSavedMsg:
		return m.saved(msg)
	case pathCompletedMsg:
		m.takeCompletion(msg)
		return nil
	case tea.PasteMsg: // bracketed paste, into the field being typed
		var cmd tea.Cmd
		switch m.mode {
		case editing:
			cmd = m.form.update(msg)
		case savingAs:
			m.pathIn, cmd = m.pathIn.Update(msg)
		}
		return cmd
	case common.StylesChangedMsg:
		m.pathIn.SetStyles(m.c.Styles.Input)
		if m.form != nil {
			m.form.setStyles(m.c.Styles)
		}
		m.drawKey = ""
		return nil
	case common.SaveRequestedMsg:
		if msg.Path != "" && m.sc != nil {
			return saveCmd(m.c.Store, msg.Path, m.sc.Clone(), m.hist.cur, msg.Path == m.path)
		}
		return m.Save()
	case tea.MouseMsg:
		if m.sc != nil {
			return m.mouse(msg)
		}
		return nil
	case tea.KeyPressMsg:
		if m.sc == nil {
			return nil
		}
		switch m.mode {
		case adding:
			return m.updateAdd(msg)
		case choosing:
			return m.updateChoose(msg)
		case editing:
			return m.updateForm(msg)
		case savingAs:
			return m.updateSaveAs(msg)
		case advising:
			return m.updateAdvice(msg)
		case connecting:
			return m.updateConnect(msg)
		}
		return m.updateBrowse(msg)
	}
	return nil
}

// saved takes a save's answer: the state saved is the one to compare with,
// and the file written is the one the next save keeps comments from.
func (m *Model) saved(msg ScenarioSavedMsg) tea.Cmd {
	if msg.Err != nil {
		return emit(common.StatusPostedMsg{Text: textsafe.Line(msg.Err.Error()) + " · nothing was changed; your edits are still here", Err: true})
	}
	if msg.Gen < m.loaded { // a save of the scenario shown before this one
		return status("saved %s", msg.Path)
	}
	m.path = msg.Path
	m.hist.saved = msg.Gen
	if msg.Gen == m.hist.cur && m.sc != nil {
		if msg.Saved != nil {
			m.sc = msg.Saved
			m.lay = nil
		} else {
			m.sc.Source = nil // the file holds problems: the next save writes plainly
		}
	}
	if n := len(m.problems); n > 0 {
		return status("saved %s (%d problem(s) still to fix before it runs)", msg.Path, n)
	}
	return status("saved %s", msg.Path)
}

func (m *Model) updateBrowse(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(msg, k.NextPane):
		m.pane = (m.pane + 1) % paneCount
		return nil
	case key.Matches(msg, k.PrevPane):
		m.pane = (m.pane + paneCount - 1) % paneCount
		return nil
	case key.Matches(msg, k.Undo):
		return m.undo()
	case key.Matches(msg, k.Redo):
		return m.redo()
	case key.Matches(msg, k.Run):
		if n := len(m.problems); n > 0 {
			return fail("can't run: %d problem(s) to fix first: %s (i lists them)", n, problemText(m.problems[0]))
		}
		return emit(common.RunRequestedMsg{Scenario: m.sc.Clone(), Path: m.path})
	case key.Matches(msg, k.Save):
		return m.Save()
	case key.Matches(msg, k.Advice):
		if m.est == nil && len(m.problems) == 0 {
			if m.estimating {
				return status("no advice yet: the estimate is running")
			}
			if m.estErr != nil {
				return status("no advice: there is no estimate (%s)", textsafe.Line(m.estErr.Error()))
			}
			return status("no advice: nothing estimated yet")
		}
		m.mode, m.adviceTop = advising, 0
		return nil
	case key.Matches(msg, k.Back):
		return m.back()
	}
	switch m.pane {
	case paneGraph:
		return m.updateGraph(msg)
	case paneSettings:
		return m.updateSettings(msg)
	}
	return m.updateList(msg)
}

// back leaves for the picker; with unsaved changes it asks first (they stay
// in the builder until another scenario is opened).
func (m *Model) back() tea.Cmd {
	if !m.Dirty() {
		return emit(common.PickerRequestedMsg{})
	}
	return emit(common.ConfirmAskedMsg{
		Question: fmt.Sprintf("%s has unsaved changes: back to the scenarios? y go back (the changes stay here until you open another) · n stay", m.sc.Name),
		Yes:      emit(common.PickerRequestedMsg{}),
	})
}

func (m *Model) undo() tea.Cmd {
	s, ok := m.hist.back(m.sc, m.selID, m.pane)
	if !ok {
		return status("nothing to undo")
	}
	m.sc, m.selID, m.pane = s.sc, s.sel, s.pane
	m.mode, m.connFrom = browsing, ""
	m.afterChange()
	if n := m.Selected(); n != nil {
		m.col = int(n.Stage)
	}
	return status("undid: %s · ctrl+r redoes it", s.what)
}

func (m *Model) redo() tea.Cmd {
	s, ok := m.hist.forward(m.sc, m.selID, m.pane)
	if !ok {
		return status("nothing to redo")
	}
	m.sc, m.selID, m.pane = s.sc, s.sel, s.pane
	m.afterChange()
	if n := m.Selected(); n != nil {
		m.col = int(n.Stage)
	}
	return status("redid: %s · u undoes it", s.what)
}

func (m *Model) openForm(f *form) tea.Cmd {
	m.form, m.mode = f, editing
	if f.fields[f.focus].isOff(f) {
		return f.move(1)
	}
	return f.focusCmd()
}

func (m *Model) updateAdvice(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(msg, k.Up):
		m.adviceTop = max(0, m.adviceTop-1)
	case key.Matches(msg, k.Down):
		m.adviceTop = min(m.adviceTop+1, m.adviceMaxTop())
	case key.Matches(msg, k.Cancel), key.Matches(msg, k.Advice):
		m.mode = browsing
	}
	return nil
}

func (m *Model) updateAdd(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(msg, k.Up):
		m.addSel = max(0, m.addSel-1)
	case key.Matches(msg, k.Down):
		m.addSel = min(len(m.addList)-1, m.addSel+1)
	case key.Matches(msg, k.Cancel):
		m.mode = browsing
	case key.Matches(msg, k.Accept):
		m.mode = browsing
		return m.add(m.addList[m.addSel])
	}
	return nil
}

func (m *Model) updateChoose(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(msg, k.Up):
		m.choice = max(0, m.choice-1)
	case key.Matches(msg, k.Down):
		m.choice = min(len(timelineKinds)-1, m.choice+1)
	case key.Matches(msg, k.Cancel):
		m.mode = browsing
	case key.Matches(msg, k.Accept):
		m.mode = browsing
		switch timelineKinds[m.choice].name {
		case "spike":
			if len(m.sc.Stage(pipeline.Producer)) == 0 {
				return fail("a spike changes a producer's rate: add a producer first")
			}
			return m.openForm(m.spikeForm())
		default:
			return m.openForm(m.changeForm(-1, timelineKinds[m.choice].name))
		}
	}
	return nil
}

func (m *Model) updateForm(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	f := m.form
	words, _ := f.options()
	switch {
	case key.Matches(msg, k.Cancel):
		m.mode, m.form = browsing, nil
		return nil
	case msg.String() == "tab" && len(words) > 0:
		f.complete()
		return nil
	case len(words) > 1 && (msg.String() == "ctrl+n" || msg.String() == "ctrl+p"):
		if msg.String() == "ctrl+n" {
			f.pick(1)
		} else {
			f.pick(-1)
		}
		return nil
	case f.onArea() && (msg.String() == "up" || msg.String() == "down"):
		return f.update(msg) // moves in the text
	case key.Matches(msg, k.NextField) && len(f.fields) > 1:
		return f.move(1)
	case key.Matches(msg, k.PrevField) && len(f.fields) > 1:
		return f.move(-1)
	case key.Matches(msg, k.Accept):
		if errs := f.errors(); len(errs) > 0 {
			return fail("%s", errs[0]+more(len(errs)))
		}
		m.mode, m.form = browsing, nil
		return f.apply(m, f)
	}
	return f.update(msg)
}

func more(n int) string {
	if n <= 1 {
		return ""
	}
	return fmt.Sprintf(" (+%d more)", n-1)
}

func (m *Model) updateSaveAs(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(msg, k.Cancel):
		m.mode, m.pathOpts = browsing, nil
		m.pathIn.Blur()
		return status("not saved")
	case key.Matches(msg, k.Complete):
		m.pathGen++
		return completePathCmd(m.pathGen, m.pathIn.Value())
	case key.Matches(msg, k.Accept):
		p := strings.TrimSpace(m.pathIn.Value())
		if p == "" {
			return nil
		}
		m.mode, m.pathOpts = browsing, nil
		m.pathIn.Blur()
		return saveCmd(m.c.Store, p, m.sc.Clone(), m.hist.cur, expandHome(p) == m.path)
	}
	var cmd tea.Cmd
	m.pathIn, cmd = m.pathIn.Update(msg)
	m.pathOpts = nil
	return cmd
}

func problemText(p pipeline.Problem) string {
	if p.Path != "" {
		return p.Path + ": " + p.Msg
	}
	return p.Msg
}
