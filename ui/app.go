// Package ui is streamsim's terminal interface (Bubble Tea v2): the root
// model owns the screens (picker, builder, run dashboard), the terminal size,
// the footer (status line and help), the styles and the routing of messages.
//
// The root asks the terminal for its background colour (to pick the light or
// dark palette) only once Bubble Tea reports a colour profile that shows
// colour: under NO_COLOR, CI or a profile without colours the program sends
// no query of its own.
//
// Imports: bubbletea, bubbles, lipgloss, backends, pipeline and ui/...; never
// sim (the UI reads snapshots and sends changes through backends.Run). The
// builder's estimates run on a backends/sim backend of their own, whatever
// backend runs the dashboard: an estimate must never touch real services.
package ui

import (
	"context"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/streamsim/streamsim/backends"
	simbackend "github.com/streamsim/streamsim/backends/sim"
	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/ui/common"
	"github.com/streamsim/streamsim/ui/components/keysheet"
	"github.com/streamsim/streamsim/ui/keys"
	"github.com/streamsim/streamsim/ui/screens/builder"
	"github.com/streamsim/streamsim/ui/screens/dashboard"
	"github.com/streamsim/streamsim/ui/screens/picker"
	"github.com/streamsim/streamsim/ui/styles"
)

// Screen names the screen on show.
type Screen int

// The screens.
const (
	PickerScreen Screen = iota
	BuilderScreen
	DashboardScreen
)

// String names the screen.
func (s Screen) String() string { return [...]string{"picker", "builder", "dashboard"}[s] }

// Options are what the program is started with.
type Options struct {
	Ctx      context.Context // cancels runs; nil = background
	Backend  backends.Backend
	Store    common.Store // nil = the real files
	Builtins []common.Builtin
	// Open starts on the builder with this scenario instead of the picker.
	Open     *pipeline.Scenario
	OpenPath string // the file Open came from
	// Estimator makes the builder's estimates; nil means a short run on the
	// simulator (common.SimEstimator).
	Estimator common.Estimator
	// Progress hears the learner's lesson progress (common.LessonProgress);
	// it is called from the event loop and must not block.
	Progress func(common.LessonProgress)
	// Workshop makes the program a workshop: the picker lists the lessons in
	// the order of Builtins with each one's progress, and a run follows its
	// lesson, waiting at every step that asks; nil: the design tool.
	Workshop *common.Workshop
}

// statusTTL is how long an information line stays in the footer.
const statusTTL = 6 * time.Second

// Model is the root model.
type Model struct {
	c      *common.Common
	w, h   int
	screen Screen

	picker  *picker.Model
	builder *builder.Model
	dash    *dashboard.Model

	sheet *keysheet.Sheet // the full key help (?), on show instead of the screen

	status    string
	statusErr bool
	statusGen int // of the status shown; an expiry for another is stale
	// after schedules a message; tests replace it to avoid real timers.
	after func(time.Duration, tea.Msg) tea.Cmd

	confirm *confirmation // a yes/no question in the footer

	initCmd tea.Cmd // what Init starts: the estimate of a scenario opened at start
}

// confirmation is a question that the footer asks, and what yes does; a
// third answer (altKey) runs alt.
type confirmation struct {
	question string
	action   action

	altKey, altDesc string
	alt             tea.Cmd
}

// New returns the root model.
func New(o Options) Model {
	if o.Ctx == nil {
		o.Ctx = context.Background()
	}
	if o.Store == nil {
		o.Store = common.DiskStore{}
	}
	if o.Estimator == nil {
		o.Estimator = common.SimEstimator(simbackend.New(simbackend.Options{Paused: true}), common.EstimateSpan, common.EstimateMaxTicks)
	}
	km := keys.DefaultKeyMap()
	st := styles.New(styles.DefaultTheme(), true) // dark until the terminal says otherwise
	c := &common.Common{Ctx: o.Ctx, Styles: st, Keys: &km, Backend: o.Backend, Store: o.Store, Builtins: o.Builtins,
		Estimate: o.Estimator, Progress: o.Progress, Workshop: o.Workshop}
	m := Model{
		c: c, picker: picker.New(c), builder: builder.New(c), dash: dashboard.New(c),
		after: func(d time.Duration, msg tea.Msg) tea.Cmd {
			return tea.Tick(d, func(time.Time) tea.Msg { return msg })
		},
	}
	if o.Open != nil {
		m.initCmd = m.builder.Load(o.Open, o.OpenPath)
		m.screen = BuilderScreen
	}
	if w := o.Workshop; w != nil && w.Notice != "" {
		notice := common.StatusPostedMsg{Text: w.Notice, Err: true} // stays until a key
		m.initCmd = tea.Batch(m.initCmd, func() tea.Msg { return notice })
	}
	return m
}

// Init implements tea.Model.
func (m Model) Init() tea.Cmd { return m.initCmd }

// Screen returns the screen on show.
func (m Model) Screen() Screen { return m.screen }

// Builder returns the builder screen (for tests and the command line).
func (m Model) Builder() *builder.Model { return m.builder }

// Dashboard returns the dashboard screen.
func (m Model) Dashboard() *dashboard.Model { return m.dash }

// Picker returns the picker screen.
func (m Model) Picker() *picker.Model { return m.picker }

// Status returns the footer's status line and whether it is an error.
func (m Model) Status() (string, bool) { return m.status, m.statusErr }

func (m Model) active() common.Screen {
	switch m.screen {
	case BuilderScreen:
		return m.builder
	case DashboardScreen:
		return m.dash
	}
	return m.picker
}

func (m Model) screens() []common.Screen {
	return []common.Screen{m.picker, m.builder, m.dash}
}
