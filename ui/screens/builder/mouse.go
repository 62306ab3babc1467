package builder

import (
	tea "charm.land/bubbletea/v2"
)

// The mouse: a click on a tab shows that pane; on the graph a click selects
// a node (while connecting, it picks where the data goes), a drag from one
// node to another connects them (or disconnects them when they are), and
// the wheel scrolls the drawing or the list.

// canvasTop is the screen row of the drawing's first row on show.
const canvasTop = 3

func (m *Model) mouse(msg tea.MouseMsg) tea.Cmd {
	mo := msg.Mouse()
	switch msg.(type) {
	case tea.MouseWheelMsg:
		d := 0
		switch mo.Button {
		case tea.MouseWheelUp:
			d = -1
		case tea.MouseWheelDown:
			d = 1
		}
		if m.mode != browsing && m.mode != connecting {
			return nil
		}
		if m.pane == paneGraph {
			m.top = max(0, m.top+d*2) // the view clamps it
		} else if n := m.listLen(); n > 0 {
			m.rows[m.pane] = max(0, min(n-1, m.rows[m.pane]+d))
		}
		return nil
	case tea.MouseClickMsg:
		if mo.Button != tea.MouseLeft || m.mode != browsing && m.mode != connecting {
			return nil
		}
		if mo.Y == 1 && m.mode == browsing {
			if p, ok := m.tabAt(mo.X); ok {
				m.pane = p
			}
			return nil
		}
		if m.pane != paneGraph {
			return nil
		}
		id, ok := m.nodeAt(mo.X, mo.Y)
		if !ok {
			if c := m.layout().ColumnAt(mo.X); c >= 0 && mo.Y >= canvasTop-1 && m.mode == browsing {
				m.col, m.selID = c, "" // an empty place of a column: a adds there
				if col := m.column(c); len(col) > 0 {
					m.selID = m.nearestAt(c, mo.Y-canvasTop+m.top)
				}
			}
			return nil
		}
		if m.mode == connecting {
			from := m.connFrom
			m.mode, m.connFrom = browsing, ""
			m.selectID(id)
			return m.connect(m.sc.Node(from), m.sc.Node(id))
		}
		m.selectID(id)
		m.drag = id
		return nil
	case tea.MouseReleaseMsg:
		from := m.drag
		m.drag = ""
		if from == "" || m.mode != browsing || m.pane != paneGraph {
			return nil
		}
		to, ok := m.nodeAt(mo.X, mo.Y)
		if !ok || to == from {
			return nil
		}
		m.selectID(to)
		return m.connect(m.sc.Node(from), m.sc.Node(to))
	}
	return nil
}

// nodeAt is the node drawn at a screen cell of the graph pane.
func (m *Model) nodeAt(x, y int) (string, bool) {
	if y < canvasTop || y >= canvasTop+m.canvasHeight() {
		return "", false
	}
	return m.layout().At(x, y-canvasTop+m.top)
}

// nearestAt is the node of column c nearest to canvas row y.
func (m *Model) nearestAt(c, y int) string {
	l := m.layout()
	best, bestD := "", 1<<30
	for _, id := range l.Column(c) {
		r, _ := l.Rect(id)
		if d := abs(r.Y + r.H/2 - y); d < bestD {
			best, bestD = id, d
		}
	}
	return best
}
