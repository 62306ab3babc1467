package board

import (
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/streamsim/streamsim/ui/styles"
)

// RoomChangedMsg says the room has news: a row or an event changed.
type RoomChangedMsg struct{}

// tickedMsg is one tick of the chain numbered Gen.
type tickedMsg struct{ Gen int }

// waitForChangeCmd waits for the room's next change. The board keeps
// exactly one of these outstanding; it returns nil when the subscription ends.
func waitForChangeCmd(sub <-chan struct{}) tea.Cmd {
	return func() tea.Msg {
		if _, ok := <-sub; !ok {
			return nil
		}
		return RoomChangedMsg{}
	}
}

func tickCmd(d time.Duration, gen int) tea.Cmd {
	return tea.Tick(d, func(time.Time) tea.Msg { return tickedMsg{Gen: gen} })
}

// Update implements tea.Model.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	defer m.syncKeys()
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.w, m.h = msg.Width, msg.Height
	case tea.ColorProfileMsg:
		if msg.Profile > colorprofile.ASCII {
			return m, tea.RequestBackgroundColor
		}
	case tea.BackgroundColorMsg:
		m.st = styles.New(m.st.Theme, msg.IsDark())
	case RoomChangedMsg:
		m.refresh()
		return m, waitForChangeCmd(m.sub)
	case tickedMsg:
		if msg.Gen != m.gen {
			return m, nil // a chain replaced by a newer one
		}
		m.refresh()
		return m, m.tick()
	case tea.KeyPressMsg:
		return m, m.handleKey(msg)
	}
	return m, nil
}

func (m *Model) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	if m.asking {
		switch {
		case key.Matches(msg, k.Yes):
			m.asking, m.closeAsked = false, true
			m.Close()
			return tea.Quit
		case key.Matches(msg, k.No), msg.String() == "q":
			m.asking = false
		}
		return nil
	}
	switch {
	case key.Matches(msg, k.Quit):
		if m.local {
			m.asking = true
			return nil
		}
		m.Close()
		return tea.Quit
	case key.Matches(msg, k.Up):
		m.move(-1)
	case key.Matches(msg, k.Down):
		m.move(1)
	case key.Matches(msg, k.Order):
		m.order = (m.order + 1) % 3
		m.sortRows()
	case key.Matches(msg, k.Watch):
		if m.sel != "" {
			m.watching = m.sel
			m.frame, m.here = m.src.Frame(m.watching)
			return m.tick()
		}
	case key.Matches(msg, k.Back):
		m.watching, m.frame = "", ""
		return m.tick()
	}
	return nil
}

// move moves the selection by d rows; while watching, it watches the
// learner now selected.
func (m *Model) move(d int) {
	if len(m.rows) == 0 {
		return
	}
	i := max(0, min(len(m.rows)-1, m.index(m.sel)+d))
	m.sel = m.rows[i].ID
	if m.watching != "" {
		m.watching = m.sel
		m.frame, m.here = m.src.Frame(m.watching)
	}
}
