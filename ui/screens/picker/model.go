// Package picker is the screen `streamsim` opens on: the built-in scenarios
// with their titles, descriptions and services; open one in the builder, run
// it, open a YAML file by path, or start an empty pipeline.
//
// In a workshop (common.Workshop) it lists the lessons, in workshop order,
// with each one's progress (not started, steps done, done, best
// prediction), kept up to date from the dashboard's reports; enter starts
// the selected lesson.
package picker

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"

	"github.com/streamsim/streamsim/internal/progress"
	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/ui/common"
	"github.com/streamsim/streamsim/ui/keys"
)

// mode is what the picker's keys do now.
type mode int

const (
	browsing  mode = iota
	filtering      // typing into the filter
	opening        // typing a file path
)

// KeyMap is the picker's bindings.
type KeyMap struct {
	Up, Down, Open, Run, OpenFile, New, Filter, Clear, Accept, Cancel, Complete key.Binding
}

func defaultKeyMap() KeyMap {
	return KeyMap{
		Up:       keys.Up(),
		Down:     keys.Down(),
		Open:     keys.Enter("open"),
		Run:      keys.Run(),
		OpenFile: keys.New("o", "open file"),
		New:      keys.New("n", "new pipeline"),
		Filter:   keys.New("/", "filter"),
		Clear:    keys.Back("clear filter"),
		Accept:   keys.Enter("accept"),
		Cancel:   keys.Back("cancel"),
		Complete: keys.Tab("complete"),
	}
}

// Model is the picker screen.
type Model struct {
	c       *common.Common
	w, h    int
	keys    KeyMap
	mode    mode
	shown   []int // indices into c.Builtins that pass the filter
	sel     int   // index into shown
	filter  textinput.Model
	path    textinput.Model
	loadErr string // why the last file did not open
	loading string // path being loaded

	compID  int      // of the last completion asked for (tab in the path prompt)
	choices []string // the paths tab found, when there are several
	compErr string   // why tab found nothing

	progress *progress.Store // in a workshop: each lesson's progress (never saved here)
}

var _ common.Screen = (*Model)(nil)

// New returns the picker over c.Builtins.
func New(c *common.Common) *Model {
	f := common.NewInput(c.Styles)
	f.Prompt = "/ "
	f.Placeholder = "filter by name, title or service"
	p := common.NewInput(c.Styles)
	p.Prompt = "open file: "
	p.Placeholder = "path/to/scenario.yaml"
	m := &Model{c: c, keys: defaultKeyMap(), filter: f, path: p}
	if w := c.Workshop; w != nil {
		m.progress = &progress.Store{Lessons: map[string]progress.Lesson{}}
		for name, l := range w.Progress {
			m.progress.Lessons[name] = l
		}
		m.keys.Open.SetHelp("enter", "start lesson")
	}
	m.applyFilter()
	m.syncKeys()
	return m
}

// SetSize implements common.Screen.
func (m *Model) SetSize(w, h int) {
	m.w, m.h = w, h
	m.filter.SetWidth(max(10, w/2-8))
	m.path.SetWidth(max(10, w-16))
}

// Progress returns a lesson's progress as the picker shows it (a workshop's).
func (m *Model) Progress(name string) (progress.Lesson, bool) {
	if m.progress == nil {
		return progress.Lesson{}, false
	}
	l, ok := m.progress.Lessons[name]
	if !ok {
		l.BestError = -1
	}
	return l, true
}

// CapturesInput implements common.Screen.
func (m *Model) CapturesInput() bool { return m.mode != browsing }

// Selected returns the highlighted scenario, if any.
func (m *Model) Selected() (common.Builtin, bool) {
	if m.sel < 0 || m.sel >= len(m.shown) {
		return common.Builtin{}, false
	}
	return m.c.Builtins[m.shown[m.sel]], true
}

func (m *Model) applyFilter() {
	q := strings.ToLower(strings.TrimSpace(m.filter.Value()))
	m.shown = m.shown[:0]
	for i, b := range m.c.Builtins {
		if q == "" || strings.Contains(strings.ToLower(searchText(b)), q) {
			m.shown = append(m.shown, i)
		}
	}
	m.sel = max(0, min(m.sel, len(m.shown)-1))
}

func searchText(b common.Builtin) string {
	parts := []string{b.Name, b.Scenario.Title}
	for _, s := range b.Scenario.Services() {
		parts = append(parts, s.Short, string(s.Name))
	}
	return strings.Join(parts, " ")
}

// syncKeys enables the bindings that work in the current mode.
func (m *Model) syncKeys() {
	b := m.mode == browsing
	has := len(m.shown) > 0
	m.keys.Up.SetEnabled(b && has)
	m.keys.Down.SetEnabled(b && has)
	m.keys.Open.SetEnabled(b && has)
	m.keys.Run.SetEnabled(b && has)
	m.keys.OpenFile.SetEnabled(b)
	m.keys.New.SetEnabled(b)
	m.keys.Filter.SetEnabled(b)
	m.keys.Clear.SetEnabled(b && m.filter.Value() != "")
	m.keys.Accept.SetEnabled(!b)
	m.keys.Cancel.SetEnabled(!b)
	_, canComplete := m.c.Store.(common.Completer)
	m.keys.Complete.SetEnabled(m.mode == opening && canComplete)
}

// ShortHelp implements help.KeyMap.
func (m *Model) ShortHelp() []key.Binding {
	k := m.keys
	return []key.Binding{k.Open, k.Run, k.OpenFile, k.New, k.Filter, k.Clear, k.Accept, k.Complete, k.Cancel}
}

// MainKeys implements common.MainKeyer: what the help bar always shows.
func (m *Model) MainKeys() []key.Binding {
	k := m.keys
	if m.mode == opening {
		return []key.Binding{k.Accept, k.Complete}
	}
	return []key.Binding{k.Open, k.Run}
}

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.keys
	return [][]key.Binding{{k.Up, k.Down, k.Open, k.Run}, {k.OpenFile, k.New, k.Filter, k.Clear}, {k.Accept, k.Complete, k.Cancel}}
}

// emptyScenario is what `n` starts from: valid top-level settings, no nodes.
func emptyScenario() *pipeline.Scenario {
	return &pipeline.Scenario{
		Version: 1, Name: "new-pipeline", Title: "A new pipeline",
		Seed: 1, Duration: 3600e9, Tick: 1e9, Region: "us-east-1",
	}
}
