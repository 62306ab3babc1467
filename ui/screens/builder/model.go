// Package builder is the pipeline editor: the scenario drawn in the four
// columns AWS uses (producers → stream storage → consumers → destinations),
// with keys to add, connect, delete and edit nodes, validation as you go,
// and saving back to YAML.
package builder

import (
	"context"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/ui/common"
	"github.com/streamsim/streamsim/ui/keys"
)

// mode is what the builder's keys do now.
type mode int

const (
	browsing   mode = iota
	adding          // choosing a service to add
	connecting      // choosing where data from the marked node goes
	editing         // the settings form
	savingAs        // typing a path
	advising        // reading the estimate's findings
)

var stages = []pipeline.Stage{pipeline.Producer, pipeline.Storage, pipeline.Consumer, pipeline.Destination}

// KeyMap is the builder's bindings.
type KeyMap struct {
	Up, Down, Left, Right, Add, Connect, Delete, Edit, Advice, Run, Save, Back key.Binding
	Accept, Cancel, NextField, PrevField                                       key.Binding
}

func defaultKeyMap() KeyMap {
	return KeyMap{
		Up:        keys.Up(),
		Down:      keys.Down(),
		Left:      keys.Left(),
		Right:     keys.Right(),
		Add:       keys.New("a", "add"),
		Connect:   keys.New("c", "connect"),
		Delete:    keys.New("x", "delete"),
		Edit:      keys.New("e", "edit"),
		Advice:    keys.New("i", "advice"),
		Run:       keys.Run(),
		Save:      keys.Save(),
		Back:      keys.Back("scenarios"),
		Accept:    keys.Enter("ok"),
		Cancel:    keys.Back("cancel"),
		NextField: key.NewBinding(key.WithKeys("tab", "down"), key.WithHelp("tab/↓", "next field")),
		PrevField: key.NewBinding(key.WithKeys("shift+tab", "up"), key.WithHelp("shift+tab/↑", "previous field")),
	}
}

// Model is the builder screen.
type Model struct {
	c    *common.Common
	w, h int
	keys KeyMap
	mode mode

	sc       *pipeline.Scenario
	path     string // file to save to; "" asks
	dirty    bool
	edits    int // edit generation, so a save in flight knows what it saved
	problems pipeline.Problems

	col, row int    // selection: stage column and index in it
	connFrom string // node marked by c
	addList  []*pipeline.Service
	addSel   int
	form     *form
	pathIn   textinput.Model

	// The estimate: a short simulation after each edit (in a command).
	est        *common.Estimate // the last one, for the pipeline as it is
	estErr     error
	estGen     int // of the last request; older answers are dropped
	estimating bool
	estCancel  context.CancelFunc // stops the one running
	adviceTop  int                // lines of the advice list scrolled past
}

var _ common.Screen = (*Model)(nil)

// New returns a builder with nothing loaded.
func New(c *common.Common) *Model {
	p := common.NewInput(c.Styles)
	p.Prompt = "save as: "
	p.CharLimit = 4096
	m := &Model{c: c, keys: defaultKeyMap(), pathIn: p}
	m.syncKeys()
	return m
}

// Load shows sc (the builder edits it in place: pass a copy). path is the file
// it came from, "" when saving should ask. It returns the command that
// estimates the pipeline.
func (m *Model) Load(sc *pipeline.Scenario, path string) tea.Cmd {
	m.sc, m.path, m.dirty = sc, path, false
	m.mode, m.col, m.row, m.connFrom, m.form = browsing, 0, 0, "", nil
	m.revalidate()
	cmd := m.estimate()
	m.syncKeys()
	return cmd
}

// Scenario returns the scenario being edited (nil before Load).
func (m *Model) Scenario() *pipeline.Scenario { return m.sc }

// Path returns the file the scenario is saved to ("" if not yet).
func (m *Model) Path() string { return m.path }

// Dirty reports unsaved changes.
func (m *Model) Dirty() bool {
	return m.dirty || m.mode == editing && m.form != nil && m.form.changed()
}

// Problems returns what keeps the scenario from running.
func (m *Model) Problems() pipeline.Problems { return m.problems }

// SetSize implements common.Screen.
func (m *Model) SetSize(w, h int) {
	m.w, m.h = w, h
	m.pathIn.SetWidth(max(10, w-14))
	if m.form != nil {
		m.form.setWidth(w)
	}
}

// CapturesInput implements common.Screen.
func (m *Model) CapturesInput() bool { return m.mode == editing || m.mode == savingAs }

func (m *Model) revalidate() {
	if m.sc == nil {
		m.problems = nil
		return
	}
	m.problems = m.sc.Validate()
}

// column lists the nodes of a stage column.
func (m *Model) column(c int) []*pipeline.Node {
	if m.sc == nil {
		return nil
	}
	return m.sc.Stage(stages[c])
}

// Selected returns the selected node, if the column has any.
func (m *Model) Selected() *pipeline.Node {
	col := m.column(m.col)
	if m.row < 0 || m.row >= len(col) {
		return nil
	}
	return col[m.row]
}

// selectID moves the selection to a node.
func (m *Model) selectID(id string) {
	for c := range stages {
		for r, n := range m.column(c) {
			if n.ID == id {
				m.col, m.row = c, r
				return
			}
		}
	}
}

func (m *Model) clampRow() {
	m.row = max(0, min(m.row, len(m.column(m.col))-1))
}

func (m *Model) syncKeys() {
	k := &m.keys
	b := m.mode == browsing
	conn := m.mode == connecting
	sel := m.Selected() != nil
	loaded := m.sc != nil
	adv := m.mode == advising
	k.Up.SetEnabled(b || conn || m.mode == adding || adv)
	k.Down.SetEnabled(b || conn || m.mode == adding || adv)
	k.Left.SetEnabled(b || conn)
	k.Right.SetEnabled(b || conn)
	k.Add.SetEnabled(b && loaded)
	k.Connect.SetEnabled(b && sel)
	k.Delete.SetEnabled(b && sel)
	k.Edit.SetEnabled(b && sel)
	k.Advice.SetEnabled(b && m.est != nil)
	k.Run.SetEnabled(b && loaded && len(m.problems) == 0)
	k.Save.SetEnabled(b && loaded)
	k.Back.SetEnabled(b)
	k.Accept.SetEnabled(!b && !adv)
	k.Cancel.SetEnabled(!b)
	switch m.mode {
	case connecting:
		k.Accept.SetHelp("enter", "connect here")
	case editing:
		k.Accept.SetHelp("enter", "apply")
	case adding:
		k.Accept.SetHelp("enter", "add")
	default:
		k.Accept.SetHelp("enter", "ok")
	}
	k.NextField.SetEnabled(m.mode == editing)
	k.PrevField.SetEnabled(m.mode == editing)
}

// ShortHelp implements help.KeyMap.
func (m *Model) ShortHelp() []key.Binding {
	k := m.keys
	switch m.mode {
	case editing:
		return []key.Binding{k.NextField, k.PrevField, k.Accept, k.Cancel}
	case browsing:
		return []key.Binding{k.Add, k.Connect, k.Delete, k.Edit, k.Advice, k.Run, k.Save, k.Back}
	case advising:
		return []key.Binding{k.Up, k.Down, k.Cancel}
	}
	return []key.Binding{k.Up, k.Down, k.Left, k.Right, k.Accept, k.Cancel}
}

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.keys
	return [][]key.Binding{
		{k.Up, k.Down, k.Left, k.Right},
		{k.Add, k.Connect, k.Delete, k.Edit},
		{k.Advice, k.Run, k.Save, k.Back},
		{k.Accept, k.Cancel, k.NextField, k.PrevField},
	}
}

// uniqueID derives a free node id from a service name.
func (m *Model) uniqueID(svc *pipeline.Service) string {
	base := strings.ToLower(svc.Short)
	if svc.Stage == pipeline.Producer {
		base = "producer"
	}
	base = strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' {
			return r
		}
		return '-'
	}, base)
	id := base
	for i := 2; m.sc.Node(id) != nil; i++ {
		id = base + "-" + strconv.Itoa(i)
	}
	return id
}
