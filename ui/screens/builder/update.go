package builder

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/streamsim/streamsim/internal/textsafe"
	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/ui/common"
)

// ScenarioSavedMsg answers saveCmd.
type ScenarioSavedMsg struct {
	Path string
	Err  error
	// Gen is the state that was saved: later edits keep the builder dirty.
	Gen int
	// Saved is the file as written, loaded again (nil when it does not
	// load: a scenario saved with problems), so that the next save keeps
	// what the file now says.
	Saved *pipeline.Scenario
	Data  []byte
}

// saveCmd encodes sc as its file should read (only what is set, keeping the
// comments and order of the file it came from) and writes it; a file
// already at path is replaced only with overwrite, else the answer asks the
// user first. A failed save changes nothing: the store writes a new file and
// renames it over the old one.
func saveCmd(store common.Store, path string, sc *pipeline.Scenario, gen int, overwrite bool) tea.Cmd {
	return func() tea.Msg {
		path := expandHome(path)
		data, err := pipeline.EncodeFile(sc)
		if err == nil {
			err = store.Save(path, data, overwrite)
		}
		if errors.Is(err, common.ErrExists) {
			return common.OverwriteAsked(path, saveCmd(store, path, sc, gen, true))
		}
		msg := ScenarioSavedMsg{Path: path, Err: err, Gen: gen, Data: data}
		if err == nil {
			if again, lerr := pipeline.Load(path, data); lerr == nil {
				msg.Saved = again
			}
		}
		return msg
	}
}

func emit(msg tea.Msg) tea.Cmd { return func() tea.Msg { return msg } }

func status(format string, args ...any) tea.Cmd { return emit(common.Status(format, args...)) }

func fail(format string, args ...any) tea.Cmd {
	return emit(common.StatusPostedMsg{Text: fmt.Sprintf(format, args...), Err: true})
}

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

// move handles the arrows on the graph: up and down within a column, left
// and right to the nearest node of the next column.
func (m *Model) move(msg tea.KeyPressMsg) bool {
	k := m.keys
	switch {
	case key.Matches(msg, k.Up), key.Matches(msg, k.Down):
		col := m.column(m.col)
		if len(col) == 0 {
			return true
		}
		r := m.rowOf()
		if key.Matches(msg, k.Up) {
			r = max(0, r-1)
		} else {
			r = min(len(col)-1, r+1)
		}
		m.selID, m.follow = col[r].ID, true
	case key.Matches(msg, k.Left), key.Matches(msg, k.Right):
		c := m.col - 1
		if key.Matches(msg, k.Right) {
			c = m.col + 1
		}
		if c < 0 || c >= len(stages) {
			return true
		}
		m.col, m.selID = c, m.nearest(c)
		m.follow = true
	default:
		return false
	}
	return true
}

// nearest is the node of column c closest in height to the selection.
func (m *Model) nearest(c int) string {
	l := m.layout()
	y := 0
	if r, ok := l.Rect(m.selID); ok {
		y = r.Y
	}
	best, bestD := "", 1<<30
	for _, id := range l.Column(c) {
		r, _ := l.Rect(id)
		if d := abs(r.Y - y); d < bestD {
			best, bestD = id, d
		}
	}
	return best
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func (m *Model) updateGraph(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	if m.move(msg) {
		return nil
	}
	if m.Selected() == nil && (key.Matches(msg, k.Connect) || key.Matches(msg, k.Delete) || key.Matches(msg, k.Edit)) {
		return status("no node selected: the %s column is empty; a adds one here, ←→ picks another column", strings.ToLower(stages[m.col].Title()))
	}
	switch {
	case key.Matches(msg, k.Add):
		m.addList = pipeline.ServicesAt(stages[m.col])
		m.addSel, m.mode = 0, adding
	case key.Matches(msg, k.Connect):
		n := m.Selected()
		if n == nil {
			return nil
		}
		m.mode, m.connFrom = connecting, n.ID
		return status("connecting %s: pick a target, enter · esc cancels", n.ID)
	case key.Matches(msg, k.Delete):
		return m.delete(m.Selected())
	case key.Matches(msg, k.Edit):
		if n := m.Selected(); n != nil {
			return m.openForm(m.nodeForm(n))
		}
	}
	return nil
}

func (m *Model) openForm(f *form) tea.Cmd {
	m.form, m.mode = f, editing
	if f.fields[f.focus].isOff(f) {
		return f.move(1)
	}
	return f.focusCmd()
}

func (m *Model) updateConnect(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	if m.move(msg) {
		return nil
	}
	switch {
	case key.Matches(msg, k.Cancel):
		m.mode, m.connFrom = browsing, ""
		return status("not connected")
	case key.Matches(msg, k.Accept), key.Matches(msg, k.Connect):
		from := m.connFrom
		m.mode, m.connFrom = browsing, ""
		if to := m.Selected(); to != nil {
			return m.connect(m.sc.Node(from), to)
		}
		return fail("pick a node to connect %s to", from)
	}
	return nil
}

// connectHint is the status line while connecting: what enter would do.
func (m *Model) connectHint() (string, bool) {
	a, b := m.sc.Node(m.connFrom), m.Selected()
	switch {
	case a == nil:
		return "", false
	case b == nil:
		return fmt.Sprintf("connect %s → ? select where its data goes", a.ID), true
	case m.sc.Connected(a, b):
		return fmt.Sprintf("%s → %s: enter disconnects them", a.ID, b.ID), true
	}
	if err := m.sc.CheckConnect(a, b); err != nil {
		return "✗ " + textsafe.Line(err.Error()), false
	}
	return fmt.Sprintf("%s → %s: enter connects them", a.ID, b.ID), true
}

// connect makes data flow from a to b, or stops it when it does.
func (m *Model) connect(a, b *pipeline.Node) tea.Cmd {
	if a == nil || b == nil {
		return fail("pick two nodes to connect")
	}
	if m.sc.Connected(a, b) {
		ai, bi := a.ID, b.ID
		return m.edit("disconnected "+ai+" → "+bi, func(sc *pipeline.Scenario) (string, error) {
			sc.Disconnect(sc.Node(ai), sc.Node(bi))
			return fmt.Sprintf("disconnected %s → %s · u undoes", ai, bi), nil
		})
	}
	if err := m.sc.CheckConnect(a, b); err != nil {
		return fail("%s", textsafe.Line(err.Error()))
	}
	ai, bi := a.ID, b.ID
	return m.edit("connected "+ai+" → "+bi, func(sc *pipeline.Scenario) (string, error) {
		return sc.Connect(sc.Node(ai), sc.Node(bi))
	})
}

// delete removes a node with every reference to it, as one step u takes back.
func (m *Model) delete(n *pipeline.Node) tea.Cmd {
	if n == nil {
		return nil
	}
	id := n.ID
	edges := 0
	for _, e := range m.sc.Edges() {
		if e[0] == id || e[1] == id {
			edges++
		}
	}
	return m.edit("deleted "+id, func(sc *pipeline.Scenario) (string, error) {
		r := sc.RemoveNode(id)
		var also []string
		if edges > 0 {
			also = append(also, plural(edges, "connection"))
		}
		if r.Timeline > 0 {
			also = append(also, plural(r.Timeline, "timeline change"))
		}
		if r.Expect > 0 {
			also = append(also, plural(r.Expect, "check"))
		}
		if r.Lesson > 0 {
			also = append(also, plural(r.Lesson, "lesson question"))
		}
		msg := "deleted " + id
		if len(also) > 0 {
			msg += " with its " + strings.Join(also, ", ")
		}
		return msg + " · u brings it back", nil
	})
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
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

// add puts a new node of svc at the end of its stage, with the settings a
// scenario requires (a producer's rate), and selects it.
func (m *Model) add(svc *pipeline.Service) tea.Cmd {
	id := m.uniqueID(svc)
	cmd := m.edit("added "+id, func(sc *pipeline.Scenario) (string, error) {
		n := &pipeline.Node{
			ID: id, Stage: svc.Stage, Service: svc,
			Params: map[string]pipeline.Value{}, RefPos: map[string]pipeline.Pos{},
		}
		if svc.Stage == pipeline.Producer {
			if v, err := pipeline.ParseParam(svc, "rate", "1000/s"); err == nil {
				n.Params["rate"] = v
			}
		}
		at := len(sc.Nodes)
		for i, o := range sc.Nodes {
			if o.Stage > svc.Stage {
				at = i
				break
			}
		}
		sc.Nodes = slices.Insert(sc.Nodes, at, n)
		return fmt.Sprintf("added %s (%s): c connects it, e edits it", id, svc.Label), nil
	})
	m.selectID(id)
	return cmd
}

func problemText(p pipeline.Problem) string {
	if p.Path != "" {
		return p.Path + ": " + p.Msg
	}
	return p.Msg
}
