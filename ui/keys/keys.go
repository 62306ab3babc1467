// Package keys defines streamsim's key bindings. The bindings of the CLI
// contract (? help, q quit, enter, esc, tab, r run, space pause, +/- speed,
// s save) are built here once, so every screen that offers them binds the
// same keys with the same help text. Each screen keeps its own copy of the
// bindings it uses and enables or disables them as its state changes, so the
// help bar only ever shows keys that work.
package keys

import "charm.land/bubbles/v2/key"

// KeyMap holds the bindings that work on every screen, and those of the
// full key help that ? opens.
type KeyMap struct {
	Help      key.Binding
	Quit      key.Binding
	ForceQuit key.Binding

	// The key help's own: close it, scroll it.
	Close, ScrollUp, ScrollDown, PageUp, PageDown, Top, Bottom key.Binding
}

// DefaultKeyMap returns the global bindings.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Help:       Help(),
		Quit:       Quit(),
		ForceQuit:  key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
		Close:      Back("close"),
		ScrollUp:   key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/↓", "scroll")),
		ScrollDown: key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "scroll down")),
		PageUp:     key.NewBinding(key.WithKeys("pgup", "b"), key.WithHelp("pgup", "page up")),
		PageDown:   key.NewBinding(key.WithKeys("pgdown", "f", "space"), key.WithHelp("pgdn", "page down")),
		Top:        key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("home", "top")),
		Bottom:     key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("end", "bottom")),
	}
}

// ShortHelp implements help.KeyMap.
func (k KeyMap) ShortHelp() []key.Binding { return []key.Binding{k.Help, k.Quit} }

// FullHelp implements help.KeyMap.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Help, k.Quit, k.ForceQuit}}
}

// Help toggles the full help.
func Help() key.Binding { return key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")) }

// Quit leaves the program (asking first when there are unsaved changes).
func Quit() key.Binding { return key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")) }

// Enter opens or selects.
func Enter(desc string) key.Binding {
	return key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", desc))
}

// Back goes back (or cancels).
func Back(desc string) key.Binding {
	return key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", desc))
}

// Tab moves to the next pane.
func Tab(desc string) key.Binding {
	return key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", desc))
}

// Run runs the loaded scenario.
func Run() key.Binding { return key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "run")) }

// Pause pauses or resumes a run.
func Pause() key.Binding {
	return key.NewBinding(key.WithKeys("space"), key.WithHelp("space", "pause"))
}

// Faster raises a run's speed.
func Faster() key.Binding {
	return key.NewBinding(key.WithKeys("+", "="), key.WithHelp("+", "faster"))
}

// Slower lowers a run's speed.
func Slower() key.Binding {
	return key.NewBinding(key.WithKeys("-", "_"), key.WithHelp("-", "slower"))
}

// Save saves the scenario as YAML.
func Save() key.Binding { return key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "save")) }

// Up, Down, Left and Right move a selection, with the vi keys as well.
func Up() key.Binding {
	return key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up"))
}

// Down moves the selection down.
func Down() key.Binding {
	return key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down"))
}

// Left moves the selection left.
func Left() key.Binding {
	return key.NewBinding(key.WithKeys("left", "h"), key.WithHelp("←/h", "left"))
}

// Right moves the selection right.
func Right() key.Binding {
	return key.NewBinding(key.WithKeys("right", "l"), key.WithHelp("→/l", "right"))
}

// New binds one key with its help.
func New(k, desc string) key.Binding {
	return key.NewBinding(key.WithKeys(k), key.WithHelp(k, desc))
}
