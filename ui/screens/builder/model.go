// Package builder is the scenario editor: the pipeline drawn as a graph in
// the four columns AWS uses (producers → stream storage → consumers →
// destinations), every connection a drawn edge, with panes for the rest of
// the format (top-level settings and requirements, timeline, expect, lesson).
// Every edit can be undone; validation and a short simulation (the
// estimate) follow each one; saving keeps what still applies of the file the
// scenario came from.
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
	"github.com/streamsim/streamsim/ui/components/graph"
	"github.com/streamsim/streamsim/ui/keys"
)

// mode is what the builder's keys do now.
type mode int

const (
	browsing   mode = iota
	adding          // choosing a service to add
	connecting      // choosing where data from the marked node goes
	editing         // a form
	savingAs        // typing a path
	advising        // reading the estimate's findings, or the problems
	choosing        // choosing what kind of timeline change to add
)

// pane is one part of the scenario the builder shows.
type pane int

const (
	paneGraph pane = iota
	paneSettings
	paneTimeline
	paneExpect
	paneLesson
	paneCount
)

// String names the pane as its tab reads.
func (p pane) String() string {
	return [...]string{"graph", "settings", "timeline", "expect", "lesson"}[p]
}

var stages = []pipeline.Stage{pipeline.Producer, pipeline.Storage, pipeline.Consumer, pipeline.Destination}

// KeyMap is the builder's bindings.
type KeyMap struct {
	Up, Down, Left, Right, Add, Connect, Delete, Edit, Advice, Run, Save, Back key.Binding
	Undo, Redo, NextPane, PrevPane, MoveUp, MoveDown                           key.Binding
	Accept, Cancel, NextField, PrevField, Complete                             key.Binding
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
		Edit:      key.NewBinding(key.WithKeys("e", "enter"), key.WithHelp("e", "edit")),
		Advice:    keys.New("i", "advice"),
		Run:       keys.Run(),
		Save:      keys.Save(),
		Back:      keys.Back("back"),
		Undo:      keys.New("u", "undo"),
		Redo:      key.NewBinding(key.WithKeys("ctrl+r"), key.WithHelp("ctrl+r", "redo")),
		NextPane:  keys.Tab("next pane"),
		PrevPane:  key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous pane")),
		MoveUp:    key.NewBinding(key.WithKeys("K", "shift+up"), key.WithHelp("K", "move up")),
		MoveDown:  key.NewBinding(key.WithKeys("J", "shift+down"), key.WithHelp("J", "move down")),
		Accept:    keys.Enter("ok"),
		Cancel:    keys.Back("cancel"),
		NextField: key.NewBinding(key.WithKeys("tab", "down"), key.WithHelp("tab/↓", "next field")),
		PrevField: key.NewBinding(key.WithKeys("shift+tab", "up"), key.WithHelp("shift+tab/↑", "previous field")),
		Complete:  key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "complete")),
	}
}

// Model is the builder screen.
type Model struct {
	c    *common.Common
	w, h int
	keys KeyMap
	mode mode
	pane pane

	sc       *pipeline.Scenario
	path     string // file to save to; "" asks
	problems pipeline.Problems
	hist     history
	loaded   int // the state Load showed: saves of older states were of another scenario

	col      int    // selected stage column
	selID    string // selected node ("" when its column is empty)
	connFrom string // node marked by c
	addList  []*pipeline.Service
	addSel   int
	form     *form
	choice   int // of the timeline kinds, while choosing
	pathIn   textinput.Model
	pathOpts []string // completions of the path being typed
	pathGen  int      // of the last completion asked for
	rows     [paneCount]int
	tops     [paneCount]int // list lines scrolled past
	top      int            // canvas rows scrolled past
	follow   bool           // scroll to the selection at the next draw
	drag     string         // node a mouse press started on

	// The drawing, kept until the scenario, the size or the selection changes.
	lay     *graph.Layout
	layKey  string
	drawKey string
	drawn   []string

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
	m.sc, m.path = sc, path
	m.hist.reset() // ids go on rising: an answer to a save of the last scenario never matches this one
	m.loaded = m.hist.cur
	m.mode, m.pane, m.col, m.connFrom, m.form = browsing, paneGraph, 0, "", nil
	m.rows, m.tops, m.top, m.selID = [paneCount]int{}, [paneCount]int{}, 0, ""
	m.lay, m.layKey, m.drawKey, m.drag, m.pathOpts = nil, "", "", "", nil
	m.revalidate()
	m.selectFirst()
	cmd := m.estimate()
	m.syncKeys()
	return cmd
}

// Scenario returns the scenario being edited (nil before Load).
func (m *Model) Scenario() *pipeline.Scenario { return m.sc }

// Path returns the file the scenario is saved to ("" if not yet).
func (m *Model) Path() string { return m.path }

// Dirty reports unsaved changes: the scenario differs from the one last
// loaded or saved (undoing back to it clears the mark), or a form holds
// typing not yet applied.
func (m *Model) Dirty() bool {
	return m.hist.dirty() || m.mode == editing && m.form != nil && m.form.changed()
}

// Problems returns what keeps the scenario from running.
func (m *Model) Problems() pipeline.Problems { return m.problems }

// SetSize implements common.Screen.
func (m *Model) SetSize(w, h int) {
	if w != m.w || h != m.h {
		m.follow = true
	}
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

// column lists the nodes of a stage column as drawn, top to bottom.
func (m *Model) column(c int) []*pipeline.Node {
	if m.sc == nil {
		return nil
	}
	l := m.layout()
	ids := l.Column(c)
	if len(ids) == 0 {
		return nil
	}
	byID := make(map[string]*pipeline.Node, len(ids))
	for _, n := range m.sc.Nodes {
		byID[n.ID] = n
	}
	out := make([]*pipeline.Node, 0, len(ids))
	for _, id := range ids {
		if n := byID[id]; n != nil {
			out = append(out, n)
		}
	}
	return out
}

// Selected returns the selected node, if any.
func (m *Model) Selected() *pipeline.Node {
	if m.sc == nil || m.selID == "" {
		return nil
	}
	return m.sc.Node(m.selID)
}

// selectID moves the selection to a node.
func (m *Model) selectID(id string) {
	n := m.sc.Node(id)
	if n == nil {
		return
	}
	m.col, m.selID, m.follow = int(n.Stage), id, true
}

// selectFirst selects the first node of the selected column when the
// selection is gone (nothing, when the column is empty).
func (m *Model) selectFirst() {
	if m.sc == nil {
		return
	}
	if m.Selected() != nil {
		return
	}
	m.selID = ""
	if col := m.column(m.col); len(col) > 0 {
		m.selID = col[0].ID
	}
}

// rowOf is the selected node's row in its column.
func (m *Model) rowOf() int {
	for i, n := range m.column(m.col) {
		if n.ID == m.selID {
			return i
		}
	}
	return 0
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
