package builder

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"github.com/charmbracelet/x/ansi"
)

// syncKeys enables the bindings that work now and words their help for the
// pane and mode, so that the help bar is always true. A command that exists
// but cannot be done now (run with problems, undo with nothing to undo) stays
// listed and says why, rather than vanishing.
func (m *Model) syncKeys() {
	k := &m.keys
	b := m.mode == browsing
	loaded := m.sc != nil
	conn := m.mode == connecting
	graphPane := m.pane == paneGraph
	list := m.pane == paneTimeline || m.pane == paneExpect || m.pane == paneLesson
	sel := m.Selected() != nil
	item := list && m.listLen() > 0
	adv := m.mode == advising
	lists := m.mode == adding || m.mode == choosing

	k.Up.SetEnabled(b && loaded || conn || lists || adv)
	k.Down.SetEnabled(b && loaded || conn || lists || adv)
	k.Left.SetEnabled(b && graphPane && loaded || conn)
	k.Right.SetEnabled(b && graphPane && loaded || conn)
	k.Add.SetEnabled(b && loaded && m.pane != paneSettings)
	// The keys below stay listed when they have nothing to act on: their
	// help says ✗ and pressing them says why.
	k.Connect.SetEnabled(b && graphPane && loaded)
	k.Delete.SetEnabled(b && loaded && (graphPane || list))
	k.Edit.SetEnabled(b && loaded)
	k.Advice.SetEnabled(b && loaded)
	k.Run.SetEnabled(b && loaded)
	k.Save.SetEnabled(b && loaded)
	k.Back.SetEnabled(b)
	k.Undo.SetEnabled(b && loaded)
	k.Redo.SetEnabled(b && loaded)
	k.NextPane.SetEnabled(b && loaded)
	k.PrevPane.SetEnabled(b && loaded)
	k.MoveUp.SetEnabled(b && loaded && list)
	k.MoveDown.SetEnabled(k.MoveUp.Enabled())
	k.Accept.SetEnabled(!b && !adv)
	k.Cancel.SetEnabled(!b)
	k.NextField.SetEnabled(m.mode == editing && m.form != nil && len(m.form.fields) > 1)
	k.PrevField.SetEnabled(k.NextField.Enabled())
	k.Complete.SetEnabled(m.mode == savingAs || m.mode == editing && m.form != nil && m.form.completes())

	can := func(b *key.Binding, ok bool, keyName, desc string) {
		if ok {
			b.SetHelp(keyName, desc)
		} else {
			b.SetHelp(keyName, "✗ "+desc)
		}
	}
	target := graphPane && sel || item || m.pane == paneSettings
	k.NextPane.SetHelp("tab", ((m.pane + 1) % paneCount).String())
	k.PrevPane.SetHelp("shift+tab", ((m.pane + paneCount - 1) % paneCount).String())
	if len(m.problems) > 0 {
		k.Advice.SetHelp("i", "problems")
	} else {
		can(&k.Advice, m.est != nil, "i", "advice")
	}
	can(&k.Run, len(m.problems) == 0, "r", "run")
	can(&k.Undo, len(m.hist.undo) > 0, "u", "undo")
	can(&k.Redo, len(m.hist.redo) > 0, "ctrl+r", "redo")
	can(&k.Connect, sel, "c", "connect")
	can(&k.Delete, graphPane && sel || item, "x", "delete")
	can(&k.Edit, target, "e", "edit")
	can(&k.MoveUp, m.listLen() > 1, "K", "move up")
	can(&k.MoveDown, m.listLen() > 1, "J", "move down")
	k.Up.SetHelp("↑/k", "up")
	k.Down.SetHelp("↓/j", "down")
	switch m.mode {
	case connecting:
		k.Accept.SetHelp("enter", "connect here")
		k.Cancel.SetHelp("esc", "cancel")
	case editing:
		k.Accept.SetHelp("enter", "apply")
		k.Cancel.SetHelp("esc", "cancel")
	case adding, choosing:
		k.Accept.SetHelp("enter", "add")
		k.Cancel.SetHelp("esc", "cancel")
	case savingAs:
		k.Accept.SetHelp("enter", "save")
		k.Cancel.SetHelp("esc", "cancel")
	case advising:
		k.Cancel.SetHelp("esc", "back")
	}
}

// ShortHelp implements help.KeyMap: the keys that matter most now, as many
// as fit beside the root's "? help · q quit" at the screen's width: esc, the
// pane's main action, then r, s and tab (keys of the CLI contract), then the
// rest.
func (m *Model) ShortHelp() []key.Binding {
	k := m.keys
	var want []key.Binding
	switch m.mode {
	case editing:
		want = []key.Binding{k.Accept, k.Cancel, k.Complete, k.NextField, k.PrevField}
	case savingAs:
		want = []key.Binding{k.Accept, k.Cancel, k.Complete}
	case connecting:
		want = []key.Binding{k.Accept, k.Cancel, k.Left, k.Right, k.Up, k.Down}
	case adding, choosing:
		want = []key.Binding{k.Accept, k.Cancel, k.Up, k.Down}
	case advising:
		want = []key.Binding{k.Cancel, k.Up, k.Down}
	default:
		switch m.pane {
		case paneGraph:
			want = []key.Binding{k.Back, k.Add, k.Run, k.Save, k.NextPane, k.Connect, k.Edit, k.Undo, k.Advice, k.Delete, k.Redo}
		case paneSettings:
			want = []key.Binding{k.Back, k.Edit, k.Run, k.Save, k.NextPane, k.Undo, k.Advice, k.Redo}
		default:
			want = []key.Binding{k.Back, k.Add, k.Run, k.Save, k.NextPane, k.Edit, k.Delete, k.Undo, k.Advice, k.MoveUp, k.MoveDown, k.Redo}
		}
	}
	// The root's help is m.w-1 wide and adds " • ? help • q quit"; bubbles
	// separates items with " • " (counted here after each item).
	budget := m.w - 1 - ansi.StringWidth(" • ? help • q quit") + 3
	var out []key.Binding
	used := 0
	for _, b := range want {
		if !b.Enabled() || strings.HasPrefix(b.Help().Desc, "✗ ") && b.Help().Key != "r" {
			continue // not now: the full help says so (run, the main action, shows why here too)
		}
		w := ansi.StringWidth(b.Help().Key) + 1 + ansi.StringWidth(b.Help().Desc) + 3
		if used+w > budget && len(out) > 0 {
			break
		}
		used += w
		out = append(out, b)
	}
	return out
}

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.keys
	switch m.mode {
	case editing, savingAs, adding, choosing, connecting, advising:
		return [][]key.Binding{{k.Accept, k.Cancel, k.Complete}, {k.NextField, k.PrevField}, {k.Up, k.Down, k.Left, k.Right}}
	}
	// Three columns, so that the root's "? help · q quit" fits beside them
	// at 80 columns.
	return [][]key.Binding{
		{k.Up, k.Down, k.Left, k.Right, k.NextPane, k.PrevPane},
		{k.Add, k.Connect, k.Edit, k.Delete, k.MoveUp, k.MoveDown},
		{k.Undo, k.Redo, k.Advice, k.Run, k.Save, k.Back},
	}
}
