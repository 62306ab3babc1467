// Package dashboard is the run screen: a scenario running on a backend, drawn
// live from its snapshots (throughput, per-shard load, lag and latency,
// losses, cost), with controls for the clock (pause, speed, single step) and
// for steering (fail a node, set a key, reshard), each change shown as the
// AWS CLI call that would make it for real and recorded so the session can be
// saved as a scenario whose timeline replays it.
//
// The run's advisor lives with the run, in the backend (the simulator's
// Runner, the aws backend's run): it sees the same ticks whatever the pace
// of the screen, and every snapshot carries its findings so far; each, with
// its fix, fills the advice pane. So the dashboard shows what `streamsim run`
// reports for the same file and seed.
//
// A scenario's lesson is judged as the run goes (lesson.go), by the tracker
// `streamsim run --lesson` replays recorded sessions with; its panel (l)
// counts the steps (3/7), marks what the learner did ✓, and while it is
// followed the run waits at each step that asks something: a check, an
// action, a prediction (g types the guess; h shows the hint). How the
// learner gets on goes to Common.Progress.
//
// Panes that take keys (shards, advice, events) are visited with tab; the
// focused one has a heavy frame. From 160 columns the advice and the events
// stand side by side; below that they share the bottom-right place and tab
// switches between them.
package dashboard

import (
	"math"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/streamsim/streamsim/backends"
	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/ui/common"
	"github.com/streamsim/streamsim/ui/components/sparkline"
	"github.com/streamsim/streamsim/ui/keys"
)

// Speeds are the steps of + and -: simulated seconds per wall second; 0 is max.
var speeds = []float64{1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 0}

// state is where the run is.
type state int

const (
	idle     state = iota // no run
	starting              // asked the backend
	running
	paused
	finished
	failed
)

func (s state) String() string {
	return [...]string{"no run", "starting…", "▶ running", "‖ paused", "■ finished", "✗ stopped"}[s]
}

// prompt is the question the bottom line asks, if any.
type prompt int

const (
	noPrompt    prompt = iota
	pickFail           // which node fails
	askFailFor         // for how long
	askSet             // node.key=value
	pickReshard        // which stream
	askReshard         // how many shards
	askRecord          // where to save the session
	askSave            // where to save the scenario
	askBigRun          // the run is estimated above the bound: start it?
	askGuess           // the learner's guess for a lesson's prediction
)

// pane names the panes that take keys, in tab order.
type pane int

const (
	shardsPane pane = iota // the heatmap: arrows move a cursor over its cells
	advicePane             // the advisor's findings: arrows scroll
	eventsPane             // events and CLI lines, or the lesson: arrows scroll
	paneCount
)

func (p pane) String() string { return [...]string{"shards", "advice", "events"}[p] }

// wideAt is the width from which advice and events stand side by side.
const wideAt = 160

// KeyMap is the dashboard's bindings.
type KeyMap struct {
	Pause, Faster, Slower, Step, Fail, Set, Reshard, Record, Save, Lesson, Tab, PrevTab, Stream, Rerun, Back key.Binding
	Charts, NextNode, PrevNode, Guess, Hint                                                                  key.Binding
	Up, Down, Left, Right, Accept, Cancel, Complete                                                          key.Binding
}

func defaultKeyMap() KeyMap {
	return KeyMap{
		Pause:    keys.Pause(),
		Faster:   keys.Faster(),
		Slower:   keys.Slower(),
		Step:     keys.New(".", "step"),
		Fail:     keys.New("f", "fail node"),
		Set:      keys.New("k", "set key"),
		Reshard:  keys.New("t", "reshard"),
		Record:   keys.New("R", "record"),
		Save:     keys.Save(),
		Lesson:   keys.New("l", "lesson"),
		Tab:      keys.Tab("next pane"),
		PrevTab:  key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous pane")),
		Stream:   keys.New("n", "next stream"),
		Rerun:    key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "run again")),
		Back:     keys.Back("builder"),
		Up:       key.NewBinding(key.WithKeys("up"), key.WithHelp("↑", "up")),
		Down:     key.NewBinding(key.WithKeys("down"), key.WithHelp("↓", "down")),
		Left:     key.NewBinding(key.WithKeys("left"), key.WithHelp("←", "left")),
		Right:    key.NewBinding(key.WithKeys("right"), key.WithHelp("→", "right")),
		Accept:   keys.Enter("ok"),
		Cancel:   keys.Back("cancel"),
		Complete: keys.Tab("complete"),
		Charts:   keys.New("c", "charts"),
		NextNode: keys.New("n", "next node"),
		PrevNode: keys.New("N", "previous node"),
		Guess:    keys.New("g", "guess"),
		Hint:     keys.New("h", "hint"),
	}
}

type eventKind int

const (
	evEngine eventKind = iota
	evUser
	evCLI
	evError
)

type eventLine struct {
	kind eventKind
	text string
}

const (
	historyLen = 400 // sparkline values kept: wider than any terminal's pane
	eventsKept = 500
)

// totalsAt is the pipeline's running totals at a moment of the run.
type totalsAt struct {
	at                  time.Duration
	produced, delivered float64
}

// Model is the dashboard screen.
type Model struct {
	c    *common.Common
	w, h int
	keys KeyMap

	sc    *pipeline.Scenario // as started: what a recording builds on
	path  string
	run   backends.Run
	runID int64
	gen   int // of the last start request; older answers are dropped
	state state
	err   error
	speed int // index into speeds

	snap       pipeline.Snapshot
	has        bool
	in, out    *sparkline.History
	lastPush   time.Duration             // sim time of the last sparkline point
	lastTotals pipeline.PipelineSnapshot // totals then
	recent     []totalsAt                // running totals over the last avgWindow, oldest first
	avgWindow  time.Duration             // what the in and out figures average over
	events     []eventLine
	changes    []pipeline.Change // applied by the user, At = when they took effect
	saved      int               // how many of changes a saved session holds

	storage    []string // ids of the storage nodes
	storageSel int
	hist       *pipeline.History // the run so far, for the charts
	charts     bool              // the charts view is on show
	chartSel   int               // index in sc.Nodes of the node the charts show
	lesson     bool              // the lesson's panel is on: the run follows the lesson
	les        *lessonRun        // the run's lesson, judged as it goes (nil: none)
	lessonTop  int               // lines of the lesson scrolled past
	lessonHold bool              // scrolled by hand: the lesson stays put until the next step comes
	lessonCur  int               // the step under way when last looked (-1: none yet)

	focus      pane // the pane the arrows act on
	side       pane // below wideAt: advicePane or eventsPane, the one shown bottom right
	cursor     int  // the shard under the heatmap's cursor; -1 until the pane is first focused
	adviceTop  int  // lines of the advice pane scrolled past
	eventsBack int  // lines of the events pane scrolled back from the newest

	findings   []common.Finding // the diagnoser's, most severe first, then newest first
	final      bool             // the run's last snapshot, with its findings on the whole run, came
	findGen    int              // bumped when findings change, for the cache
	adviceMemo struct {         // the advice pane's wrapped lines
		gen, w int
		lines  []string
	}

	prompt   prompt
	then     tea.Msg // what saving the session is for (leaving, quitting), if a question's s asked for it
	input    textinput.Model
	inputErr string
	pickList []string
	pick     int
	compID   int           // of the last completion asked for (tab in a path prompt)
	choices  []string      // the paths tab found, when there are several
	compErr  string        // why tab found nothing
	target   string        // node chosen for the current prompt
	big      backends.Cost // askBigRun: what the run would take

	// after schedules a message (the hint's timer); tests replace it.
	after func(time.Duration, tea.Msg) tea.Cmd
}

var _ common.Screen = (*Model)(nil)

// New returns an idle dashboard.
func New(c *common.Common) *Model {
	in := common.NewInput(c.Styles)
	in.CharLimit = 200
	m := &Model{c: c, keys: defaultKeyMap(), input: in, focus: advicePane, side: advicePane, cursor: -1, lessonCur: -1,
		after: func(d time.Duration, msg tea.Msg) tea.Cmd { return tea.Tick(d, func(time.Time) tea.Msg { return msg }) }}
	m.syncKeys()
	return m
}

// SetSize implements common.Screen.
func (m *Model) SetSize(w, h int) {
	m.w, m.h = w, h
	m.input.SetWidth(max(10, w/2))
}

// CapturesInput implements common.Screen.
func (m *Model) CapturesInput() bool { return m.prompt != noPrompt }

// Running reports whether a run is under way (started and not ended).
func (m *Model) Running() bool { return m.state == running || m.state == paused || m.state == starting }

// Unsaved is how many recorded changes no saved session holds: work that
// leaving the run, running again or quitting would lose.
func (m *Model) Unsaved() int { return len(m.changes) - m.saved }

// Recorded returns the changes made during the run, in order.
func (m *Model) Recorded() []pipeline.Change { return m.changes }

// Snapshot returns the latest snapshot drawn.
func (m *Model) Snapshot() (pipeline.Snapshot, bool) { return m.snap, m.has }

// Speed returns the current speed (0 = max).
func (m *Model) Speed() float64 { return speeds[m.speed] }

// initialSpeed picks the step at which the run takes about a minute.
func initialSpeed(d time.Duration) int {
	want := d.Seconds() / 60
	best := 0
	for i, s := range speeds {
		if s > 0 && s <= math.Max(1, want) {
			best = i
		}
	}
	return best
}

func (m *Model) syncKeys() {
	k := &m.keys
	free := m.prompt == noPrompt
	live := free && (m.state == running || m.state == paused)
	k.Pause.SetEnabled(live)
	switch {
	case m.state == paused && m.les != nil && m.les.held:
		k.Pause.SetHelp("space", "go on") // without waiting for the lesson's step
	case m.state == paused:
		k.Pause.SetHelp("space", "resume")
	default:
		k.Pause.SetHelp("space", "pause")
	}
	k.Faster.SetEnabled(live && m.speed < len(speeds)-1)
	k.Slower.SetEnabled(live && m.speed > 0)
	k.Step.SetEnabled(free && m.state == paused)
	k.Fail.SetEnabled(live)
	k.Set.SetEnabled(live)
	k.Reshard.SetEnabled(live && len(m.storage) > 0)
	k.Record.SetEnabled(free && m.sc != nil)
	k.Save.SetEnabled(free && m.sc != nil)
	k.Lesson.SetEnabled(free && !m.charts && m.sc != nil && len(m.sc.Lesson) > 0)
	if m.lesson {
		k.Lesson.SetHelp("l", "events")
	} else {
		k.Lesson.SetHelp("l", "lesson")
	}
	k.Guess.SetEnabled(free && m.guessable())
	k.Hint.SetEnabled(free && m.hintable())
	panes := free && !m.charts // the live view's panes are on show
	k.Tab.SetEnabled(panes)
	k.Tab.SetHelp("tab", m.nextPane(1).String())
	k.PrevTab.SetEnabled(panes)
	k.Stream.SetEnabled(panes && len(m.storage) > 1)
	k.Charts.SetEnabled(free && m.sc != nil)
	if m.charts {
		k.Charts.SetHelp("c", "live view")
	} else {
		k.Charts.SetHelp("c", "charts")
	}
	many := m.sc != nil && len(m.sc.Nodes) > 1
	k.NextNode.SetEnabled(free && m.charts && many)
	k.PrevNode.SetEnabled(free && m.charts && many)
	k.Rerun.SetEnabled(free && m.sc != nil && m.state != starting)
	k.Back.SetEnabled(free)
	picking := m.prompt == pickFail || m.prompt == pickReshard
	vertical, across := m.arrows()
	k.Up.SetEnabled(picking || panes && vertical)
	k.Down.SetEnabled(picking || panes && vertical)
	k.Left.SetEnabled(panes && across)
	k.Right.SetEnabled(panes && across)
	switch {
	case picking:
		k.Up.SetHelp("↑", "up")
		k.Down.SetHelp("↓", "down")
	case m.focus == shardsPane:
		k.Up.SetHelp("↑", "cell above")
		k.Down.SetHelp("↓", "cell below")
	default:
		k.Up.SetHelp("↑", "scroll up")
		k.Down.SetHelp("↓", "scroll down")
	}
	k.Accept.SetEnabled(!free)
	k.Cancel.SetEnabled(!free)
	_, canComplete := m.c.Store.(common.Completer)
	k.Complete.SetEnabled(m.askingPath() && canComplete)
}

// askingPath reports whether the prompt asks for a file's path.
func (m *Model) askingPath() bool { return m.prompt == askRecord || m.prompt == askSave }

// arrows reports what the arrow keys do now (no prompt open): move up and
// down (a cursor or a scroll), and move across (the heatmap's cursor).
func (m *Model) arrows() (vertical, across bool) {
	switch m.focus {
	case shardsPane:
		n := m.units()
		return n > 0, n > 0
	case eventsPane:
		return true, false
	}
	return true, false
}

// nextPane is the pane tab (d = 1) or shift+tab (d = -1) goes to. The shards
// pane is skipped when the pipeline has no stream storage.
func (m *Model) nextPane(d int) pane {
	p := m.focus
	for range paneCount {
		p = (p + pane(d) + paneCount) % paneCount
		if p != shardsPane || len(m.storage) > 0 {
			return p
		}
	}
	return m.focus
}

// units returns the utilisations of the selected stream's units, if a snapshot has them.
func (m *Model) units() int {
	if _, ns := m.selectedStorage(); ns != nil {
		return len(ns.Units)
	}
	return 0
}

// ShortHelp implements help.KeyMap.
func (m *Model) ShortHelp() []key.Binding {
	k := m.keys
	if m.prompt == askBigRun {
		return []key.Binding{k.Accept, k.Cancel}
	}
	if m.prompt != noPrompt {
		return []key.Binding{k.Up, k.Down, k.Accept, k.Complete, k.Cancel}
	}
	// By priority: the help bar keeps the first that fit (after the main
	// action, esc, ? and q, which it always shows).
	return []key.Binding{k.Pause, k.Guess, k.Hint, k.Tab, m.arrowHelp(), k.Record, k.Lesson, k.Charts, k.NextNode, k.Fail, k.Set, k.Reshard,
		k.Faster, k.Slower, k.Step, k.Stream, k.PrevNode, k.Save, k.Rerun, k.Back}
}

// arrowHelp is one help entry for the arrow keys as they work now.
func (m *Model) arrowHelp() key.Binding {
	k := m.keys
	b := key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑↓", "scroll"))
	if m.focus == shardsPane {
		b = key.NewBinding(key.WithKeys("left", "right", "up", "down"), key.WithHelp("←↑↓→", "cell"))
	}
	b.SetEnabled(k.Up.Enabled() && m.prompt == noPrompt && !m.charts)
	return b
}

// MainKeys implements common.MainKeyer: what the help bar always shows.
func (m *Model) MainKeys() []key.Binding {
	k := m.keys
	if m.prompt != noPrompt {
		return []key.Binding{k.Accept, k.Cancel}
	}
	return []key.Binding{k.Pause}
}

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.keys
	return [][]key.Binding{
		{k.Pause, k.Faster, k.Slower, k.Step},
		{k.Fail, k.Set, k.Reshard, k.Stream},
		{k.Record, k.Save, k.Lesson, k.Guess, k.Hint, k.Rerun, k.Back},
		{k.Charts, k.NextNode, k.PrevNode},
		{k.Tab, k.PrevTab, k.Up, k.Down, k.Left, k.Right},
		{k.Accept, k.Complete, k.Cancel},
	}
}
