package builder

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/streamsim/streamsim/internal/textsafe"
	"github.com/streamsim/streamsim/pipeline"
)

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
