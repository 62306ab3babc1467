// Package dashboard is the run screen: a scenario running on a backend, drawn
// live from its snapshots (throughput, per-shard load, lag and latency,
// losses, cost), with controls for the clock (pause, speed, single step) and
// for steering (fail a node, set a key, reshard), each change shown as the
// AWS CLI call that would make it for real and recorded so the session can be
// saved as a scenario whose timeline replays it.
package dashboard

import (
	"math"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"

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
)

// KeyMap is the dashboard's bindings.
type KeyMap struct {
	Pause, Faster, Slower, Step, Fail, Set, Reshard, Record, Save, Lesson, Tab, Rerun, Back key.Binding
	Up, Down, Accept, Cancel                                                                key.Binding
}

func defaultKeyMap() KeyMap {
	return KeyMap{
		Pause:   keys.Pause(),
		Faster:  keys.Faster(),
		Slower:  keys.Slower(),
		Step:    keys.New(".", "step"),
		Fail:    keys.New("f", "fail node"),
		Set:     keys.New("k", "set key"),
		Reshard: keys.New("t", "reshard"),
		Record:  keys.New("R", "record session"),
		Save:    keys.Save(),
		Lesson:  keys.New("l", "lesson"),
		Tab:     keys.Tab("next stream"),
		Rerun:   key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "run again")),
		Back:    keys.Back("builder"),
		Up:      key.NewBinding(key.WithKeys("up"), key.WithHelp("↑", "up")),
		Down:    key.NewBinding(key.WithKeys("down"), key.WithHelp("↓", "down")),
		Accept:  keys.Enter("ok"),
		Cancel:  keys.Back("cancel"),
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
	events     []eventLine
	changes    []pipeline.Change // applied by the user, At = when they took effect

	storage    []string // ids of the storage nodes
	storageSel int
	lesson     bool

	prompt   prompt
	input    textinput.Model
	inputErr string
	pickList []string
	pick     int
	target   string // node chosen for the current prompt
}

var _ common.Screen = (*Model)(nil)

// New returns an idle dashboard.
func New(c *common.Common) *Model {
	in := common.NewInput()
	in.CharLimit = 200
	m := &Model{c: c, keys: defaultKeyMap(), input: in}
	m.syncKeys()
	return m
}

// SetSize implements common.Screen.
func (m *Model) SetSize(w, h int) {
	m.w, m.h = w, h
	m.input.Width = max(10, w/2)
}

// CapturesInput implements common.Screen.
func (m *Model) CapturesInput() bool { return m.prompt != noPrompt }

// Running reports whether a run is under way (started and not ended).
func (m *Model) Running() bool { return m.state == running || m.state == paused || m.state == starting }

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
	if m.state == paused {
		k.Pause.SetHelp("space", "resume")
	} else {
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
	k.Lesson.SetEnabled(free && m.sc != nil && len(m.sc.Lesson) > 0)
	if m.lesson {
		k.Lesson.SetHelp("l", "events")
	} else {
		k.Lesson.SetHelp("l", "lesson")
	}
	k.Tab.SetEnabled(free && len(m.storage) > 1)
	k.Rerun.SetEnabled(free && m.sc != nil && m.state != starting)
	k.Back.SetEnabled(free)
	picking := m.prompt == pickFail || m.prompt == pickReshard
	k.Up.SetEnabled(picking)
	k.Down.SetEnabled(picking)
	k.Accept.SetEnabled(!free)
	k.Cancel.SetEnabled(!free)
}

// ShortHelp implements help.KeyMap.
func (m *Model) ShortHelp() []key.Binding {
	k := m.keys
	if m.prompt != noPrompt {
		return []key.Binding{k.Up, k.Down, k.Accept, k.Cancel}
	}
	return []key.Binding{k.Pause, k.Faster, k.Slower, k.Step, k.Fail, k.Set, k.Reshard, k.Record, k.Lesson, k.Back}
}

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.keys
	return [][]key.Binding{
		{k.Pause, k.Faster, k.Slower, k.Step},
		{k.Fail, k.Set, k.Reshard, k.Tab},
		{k.Record, k.Save, k.Lesson, k.Rerun, k.Back},
		{k.Up, k.Down, k.Accept, k.Cancel},
	}
}
