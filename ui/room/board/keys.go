package board

import (
	"charm.land/bubbles/v2/key"

	"github.com/streamsim/streamsim/ui/keys"
)

type keyMap struct {
	Up, Down, Watch, Back, Order, Quit, Yes, No key.Binding
}

func defaultKeyMap(local bool) keyMap {
	k := keyMap{
		Up:    keys.Up(),
		Down:  keys.Down(),
		Watch: keys.Enter("watch"),
		Back:  keys.Back("list"),
		Order: keys.New("o", "order"),
		Quit:  key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "leave")),
		Yes:   key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "close the room")),
		No:    key.NewBinding(key.WithKeys("n", "esc"), key.WithHelp("n/esc", "keep it open")),
	}
	if local {
		k.Quit.SetHelp("q", "close room")
	}
	return k
}

// syncKeys enables the keys that do something now, so the help is true.
func (m *Model) syncKeys() {
	k := &m.keys
	list := m.watching == "" && !m.asking
	k.Up.SetEnabled(!m.asking && len(m.rows) > 1)
	k.Down.SetEnabled(!m.asking && len(m.rows) > 1)
	k.Watch.SetEnabled(list && len(m.rows) > 0)
	k.Back.SetEnabled(m.watching != "" && !m.asking)
	k.Order.SetEnabled(list && len(m.rows) > 1)
	k.Order.SetHelp("o", "order: "+m.order.String())
	k.Quit.SetEnabled(!m.asking)
	k.Yes.SetEnabled(m.asking)
	k.No.SetEnabled(m.asking)
}
