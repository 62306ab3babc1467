package builder

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/ui/common"
)

// ScenarioSavedMsg answers saveCmd.
type ScenarioSavedMsg struct {
	Path string
	Err  error
	// Gen is the edit generation that was saved: later edits keep the builder dirty.
	Gen int
}

// saveCmd encodes sc as its file should read (only what is set) and writes
// it; a file already at path is replaced only with overwrite, else the
// answer asks the user first.
func saveCmd(store common.Store, path string, sc *pipeline.Scenario, gen int, overwrite bool) tea.Cmd {
	return func() tea.Msg {
		data, err := pipeline.Encode(sc, false)
		if err == nil {
			err = store.Save(path, data, overwrite)
		}
		if errors.Is(err, common.ErrExists) {
			return common.OverwriteAsked(path, saveCmd(store, path, sc, gen, true))
		}
		return ScenarioSavedMsg{Path: path, Err: err, Gen: gen}
	}
}

func emit(msg tea.Msg) tea.Cmd { return func() tea.Msg { return msg } }

func status(format string, args ...any) tea.Cmd { return emit(common.Status(format, args...)) }

func fail(format string, args ...any) tea.Cmd {
	return emit(common.StatusPostedMsg{Text: fmt.Sprintf(format, args...), Err: true})
}

// changed marks an edit: unsaved, and validated again.
func (m *Model) changed() {
	m.dirty = true
	m.edits++
	m.revalidate()
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
		return m.pathIn.Focus()
	}
	return saveCmd(m.c.Store, m.path, m.sc.Clone(), m.edits, true) // the file it came from
}

// Update implements common.Screen. An edit starts a new estimate.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	defer m.syncKeys()
	before := m.edits
	cmd := m.update(msg)
	if m.edits != before {
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
		if msg.Err != nil {
			return emit(common.Error(msg.Err))
		}
		m.path = msg.Path
		if msg.Gen == m.edits {
			m.dirty = false
		}
		if n := len(m.problems); n > 0 {
			return status("saved %s (%d problem(s) still to fix before it runs)", msg.Path, n)
		}
		return status("saved %s", msg.Path)
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
		return nil
	case common.SaveRequestedMsg:
		if msg.Path != "" && m.sc != nil {
			return saveCmd(m.c.Store, msg.Path, m.sc.Clone(), m.edits, msg.Path == m.path)
		}
		return m.Save()
	case tea.KeyPressMsg:
		switch m.mode {
		case adding:
			return m.updateAdd(msg)
		case editing:
			return m.updateForm(msg)
		case savingAs:
			return m.updateSaveAs(msg)
		case advising:
			return m.updateAdvice(msg)
		}
		return m.updateBrowse(msg)
	}
	return nil
}

func (m *Model) move(msg tea.KeyPressMsg) bool {
	k := m.keys
	switch {
	case key.Matches(msg, k.Up):
		m.row--
	case key.Matches(msg, k.Down):
		m.row++
	case key.Matches(msg, k.Left):
		m.col = max(0, m.col-1)
	case key.Matches(msg, k.Right):
		m.col = min(len(stages)-1, m.col+1)
	default:
		return false
	}
	m.clampRow()
	return true
}

func (m *Model) updateBrowse(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	if m.move(msg) {
		return nil
	}
	if m.mode == connecting {
		switch {
		case key.Matches(msg, k.Cancel):
			m.mode, m.connFrom = browsing, ""
		case key.Matches(msg, k.Accept), key.Matches(msg, k.Connect):
			from := m.connFrom
			m.mode, m.connFrom = browsing, ""
			if to := m.Selected(); to != nil {
				return m.connect(m.sc.Node(from), to)
			}
		}
		return nil
	}
	switch {
	case key.Matches(msg, k.Add):
		m.addList = pipeline.ServicesAt(stages[m.col])
		m.addSel, m.mode = 0, adding
	case key.Matches(msg, k.Connect):
		n := m.Selected()
		m.mode, m.connFrom = connecting, n.ID
		return status("connect %s → ? select where its data goes and press enter (esc cancels)", n.ID)
	case key.Matches(msg, k.Delete):
		return m.delete(m.Selected())
	case key.Matches(msg, k.Edit):
		m.form = newForm(m.c.Styles, m.sc, m.Selected(), m.w)
		m.mode = editing
		return m.form.focusCmd()
	case key.Matches(msg, k.Advice):
		m.mode, m.adviceTop = advising, 0
	case key.Matches(msg, k.Run):
		return emit(common.RunRequestedMsg{Scenario: m.sc.Clone(), Path: m.path})
	case key.Matches(msg, k.Save):
		return m.Save()
	case key.Matches(msg, k.Back):
		return emit(common.PickerRequestedMsg{})
	case msg.String() == "r" && len(m.problems) > 0:
		return fail("fix %d problem(s) before running: %s", len(m.problems), problemText(m.problems[0]))
	}
	return nil
}

func (m *Model) updateAdvice(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(msg, k.Up):
		m.adviceTop = max(0, m.adviceTop-1)
	case key.Matches(msg, k.Down):
		m.adviceTop = min(m.adviceTop+1, m.adviceMaxTop())
	case key.Matches(msg, k.Cancel):
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

func (m *Model) updateForm(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(msg, k.Cancel):
		m.mode, m.form = browsing, nil
		return nil
	case key.Matches(msg, k.NextField):
		return m.form.move(1)
	case key.Matches(msg, k.PrevField):
		return m.form.move(-1)
	case key.Matches(msg, k.Accept):
		if n := m.form.errors(); n > 0 {
			return fail("%d field(s) need fixing first", n)
		}
		id := m.form.apply()
		m.mode, m.form = browsing, nil
		m.changed()
		m.selectID(id)
		return status("updated %s", id)
	}
	return m.form.update(msg)
}

func (m *Model) updateSaveAs(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(msg, k.Cancel):
		m.mode = browsing
		m.pathIn.Blur()
		return nil
	case key.Matches(msg, k.Accept):
		p := strings.TrimSpace(m.pathIn.Value())
		if p == "" {
			return nil
		}
		m.mode = browsing
		m.pathIn.Blur()
		return saveCmd(m.c.Store, p, m.sc.Clone(), m.edits, p == m.path)
	}
	var cmd tea.Cmd
	m.pathIn, cmd = m.pathIn.Update(msg)
	return cmd
}

// add puts a new node of svc at the end of its stage, with the settings a
// scenario requires (a producer's rate), and selects it.
func (m *Model) add(svc *pipeline.Service) tea.Cmd {
	n := &pipeline.Node{
		ID: m.uniqueID(svc), Stage: svc.Stage, Service: svc,
		Params: map[string]pipeline.Value{}, RefPos: map[string]pipeline.Pos{},
	}
	if svc.Stage == pipeline.Producer {
		if v, err := pipeline.ParseParam(svc, "rate", "1000/s"); err == nil {
			n.Params["rate"] = v
		}
	}
	at := len(m.sc.Nodes)
	for i, o := range m.sc.Nodes {
		if o.Stage > svc.Stage {
			at = i
			break
		}
	}
	m.sc.Nodes = slices.Insert(m.sc.Nodes, at, n)
	m.changed()
	m.selectID(n.ID)
	return status("added %s (%s): press c to connect it, e to edit it", n.ID, svc.Label)
}

// connect makes data flow from a to b, or removes that flow if it exists.
// Storage → consumer sets the consumer's `from`; every other pair adds b to
// a's `to`, where AWS offers that connection.
func (m *Model) connect(a, b *pipeline.Node) tea.Cmd {
	if a == nil || b == nil || a == b {
		return fail("pick another node to connect to")
	}
	if a.Stage == pipeline.Storage && b.Stage == pipeline.Consumer {
		if b.From == a.ID {
			b.From = ""
			m.changed()
			return status("%s no longer reads %s", b.ID, a.ID)
		}
		if !b.Service.CanReadFrom(a.Service.Name) {
			return fail("%s (%s) cannot read from %s (%s)", b.ID, b.Service.Label, a.ID, a.Service.Label)
		}
		b.From = a.ID
		m.changed()
		return status("%s now reads %s", b.ID, a.ID)
	}
	if i := slices.Index(a.To, b.ID); i >= 0 {
		a.To = slices.Delete(a.To, i, i+1)
		m.changed()
		return status("%s no longer writes to %s", a.ID, b.ID)
	}
	if !a.Service.CanWriteTo(b.Service.Name) {
		return fail("%s (%s) cannot write to %s (%s)", a.ID, a.Service.Label, b.ID, b.Service.Label)
	}
	a.To = append(a.To, b.ID)
	m.changed()
	return status("%s → %s", a.ID, b.ID)
}

// delete removes a node, every connection to it, and the timeline entries and
// expectations that name it (a saved file must load again).
func (m *Model) delete(n *pipeline.Node) tea.Cmd {
	if n == nil {
		return nil
	}
	id := n.ID
	m.sc.Nodes = slices.DeleteFunc(m.sc.Nodes, func(o *pipeline.Node) bool { return o == n })
	for _, o := range m.sc.Nodes {
		if o.From == id {
			o.From = ""
		}
		o.To = slices.DeleteFunc(o.To, func(t string) bool { return t == id })
	}
	dropped := 0
	var tl []pipeline.Change
	for _, c := range m.sc.Timeline {
		before := len(c.Set)
		c.Set = slices.DeleteFunc(slices.Clone(c.Set), func(a pipeline.Assignment) bool { return a.Node == id })
		if c.Fail == id {
			c.Fail, c.For = "", 0
			before++
		}
		dropped += before - len(c.Set)
		if len(c.Set) > 0 || c.Fail != "" {
			tl = append(tl, c)
		}
	}
	m.sc.Timeline = tl
	before := len(m.sc.Expect)
	m.sc.Expect = slices.DeleteFunc(m.sc.Expect, func(e pipeline.Expectation) bool {
		node, _, _ := strings.Cut(e.Metric, ".")
		return node == id
	})
	m.changed()
	m.clampRow()
	msg := "deleted " + id
	if dropped > 0 || before > len(m.sc.Expect) {
		msg += fmt.Sprintf(" (and %d timeline change(s), %d expectation(s) that named it)", dropped, before-len(m.sc.Expect))
	}
	return status("%s", msg)
}

func problemText(p pipeline.Problem) string {
	if p.Path != "" {
		return p.Path + ": " + p.Msg
	}
	return p.Msg
}
