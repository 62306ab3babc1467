package room

import (
	"reflect"
	"runtime/debug"

	tea "charm.land/bubbletea/v2"
)

// guarded is a learner's program model with a guard around it: a panic in
// Init, Update, View or any command ends this learner's session with a log
// entry, where Bubble Tea would print it to the server's own stderr (the
// instructor's board) and end the program anyway. It also keeps the last
// screen drawn, for the board's look at a learner's screen.
type guarded struct {
	inner tea.Model
	s     *session
}

// crashedMsg says a command of the learner's program panicked.
type crashedMsg struct{}

// Init implements tea.Model.
func (g guarded) Init() (cmd tea.Cmd) {
	defer func() {
		if p := recover(); p != nil {
			g.s.crash(p, debug.Stack())
			cmd = tea.Quit
		}
	}()
	return g.wrap(g.inner.Init())
}

// Update implements tea.Model.
func (g guarded) Update(msg tea.Msg) (m tea.Model, cmd tea.Cmd) {
	if _, ok := msg.(crashedMsg); ok {
		return g, tea.Quit
	}
	defer func() {
		if p := recover(); p != nil {
			g.s.crash(p, debug.Stack())
			m, cmd = g, tea.Quit
		}
	}()
	inner, cmd := g.inner.Update(msg)
	g.inner = inner
	return g, g.wrap(cmd)
}

// View implements tea.Model.
func (g guarded) View() (v tea.View) {
	defer func() {
		if p := recover(); p != nil {
			g.s.crash(p, debug.Stack()) // asks the program to quit, from another goroutine
			v = tea.NewView("")
			v.AltScreen = true
		}
	}()
	v = g.inner.View()
	g.s.frame.Store(&v.Content)
	return v
}

// cmdType is the type of a command, to find the lists of commands that
// tea.Batch and tea.Sequence return.
var cmdType = reflect.TypeFor[tea.Cmd]()

// wrap guards a command: a panic in it becomes crashedMsg, and the commands
// of a batch or a sequence it returns are guarded in turn.
func (g guarded) wrap(cmd tea.Cmd) tea.Cmd {
	if cmd == nil {
		return nil
	}
	return func() (msg tea.Msg) {
		defer func() {
			if p := recover(); p != nil {
				g.s.crash(p, debug.Stack())
				msg = crashedMsg{}
			}
		}()
		return g.rewrap(cmd())
	}
}

// rewrap guards the commands of a message that is a list of commands
// (tea.BatchMsg, and the unexported type of tea.Sequence), keeping its type
// so that Bubble Tea runs it as it would have.
func (g guarded) rewrap(msg tea.Msg) tea.Msg {
	if msg == nil {
		return nil
	}
	v := reflect.ValueOf(msg)
	if v.Kind() != reflect.Slice || v.Type().Elem() != cmdType {
		return msg
	}
	out := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
	for i := range v.Len() {
		c, _ := v.Index(i).Interface().(tea.Cmd)
		out.Index(i).Set(reflect.ValueOf(g.wrap(c)))
	}
	return out.Interface()
}
