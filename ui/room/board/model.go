// Package board is the instructor's view of a workshop room: one row per
// learner (name, lesson, step n/N, ✓/✗ of each step, best prediction, idle
// time), the room's latest events, and a read-only look at any learner's
// screen. It reads a Source (the room) and redraws when the room says
// something changed, plus once a second for the idle times: nobody polls a
// session.
//
// The same model runs in the terminal of `streamsim serve` (Local: q closes
// the room, after asking) and over SSH for the instructor's keys (q only
// leaves the board).
//
// Imports: bubbletea, bubbles, x/ansi, colorprofile, ui/styles, ui/keys,
// ui/layout, ui/components/helpbar, internal/textsafe. It knows nothing of
// SSH: the room (package room) is its Source.
package board

import (
	"sort"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/streamsim/streamsim/ui/styles"
)

// Order is how the rows are sorted.
type Order int

// The orders, in the order o cycles through them.
const (
	ByName     Order = iota
	ByProgress       // least done first: who may be stuck
	ByIdle           // longest idle first
)

// String names the order for the help line.
func (o Order) String() string { return [...]string{"name", "progress", "idle"}[o] }

// Options are what a board is built with.
type Options struct {
	Source Source
	// Local is the board in the terminal of `streamsim serve`: quitting it
	// closes the room, so q asks first.
	Local bool
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Model is the board.
type Model struct {
	src   Source
	local bool
	now   func() time.Time
	st    *styles.Styles
	keys  keyMap

	w, h int

	info   Info
	rows   []Row // sorted by order
	events []Event
	order  Order
	sel    string // id of the selected row
	top    int    // first row on screen

	watching string // id of the learner whose screen is on show; "" = the list
	frame    string
	here     bool // the watched learner is in the room

	asking     bool // "close the room?" is on show
	closeAsked bool // the instructor said yes

	sub   <-chan struct{}
	unsub func()
	gen   int // of the tick chain running; a tick of another is stale
}

var _ tea.Model = (*Model)(nil)

// New returns a board reading o.Source. It subscribes at once; Close (or the
// program's end, by q) ends the subscription.
func New(o Options) *Model {
	if o.Now == nil {
		o.Now = time.Now
	}
	m := &Model{src: o.Source, local: o.Local, now: o.Now, st: styles.New(styles.DefaultTheme(), true),
		keys: defaultKeyMap(o.Local), w: 80, h: 24}
	m.sub, m.unsub = o.Source.Subscribe()
	m.refresh()
	return m
}

// Close ends the board's subscription to the room. Safe to call twice.
func (m *Model) Close() {
	if m.unsub != nil {
		m.unsub()
		m.unsub = nil
	}
}

// CloseAsked reports whether the instructor asked to close the room (local
// board only).
func (m *Model) CloseAsked() bool { return m.closeAsked }

// Rows returns the rows as drawn, in order.
func (m *Model) Rows() []Row { return m.rows }

// Watching returns the id of the learner whose screen is on show, or "".
func (m *Model) Watching() string { return m.watching }

// refresh reads the room again.
func (m *Model) refresh() {
	m.info = m.src.Info()
	m.rows = m.src.Rows()
	m.events = m.src.Events(maxEvents)
	m.sortRows()
	if m.watching != "" {
		m.frame, m.here = m.src.Frame(m.watching)
	}
	m.syncKeys()
}

func (m *Model) sortRows() {
	name := func(r Row) string { return strings.ToLower(r.Name) + "\x00" + r.ID }
	sort.SliceStable(m.rows, func(i, j int) bool {
		a, b := m.rows[i], m.rows[j]
		if a.Here != b.Here {
			return a.Here // who is in the room first
		}
		switch m.order {
		case ByProgress:
			if pa, pb := progress(a), progress(b); pa != pb {
				return pa < pb
			}
		case ByIdle:
			if a.Idle != b.Idle {
				return a.Idle > b.Idle
			}
		}
		return name(a) < name(b)
	})
	if m.index(m.sel) < 0 && len(m.rows) > 0 {
		m.sel = m.rows[0].ID
	}
}

// progress orders rows by how far they are: the share of steps done, then
// the step.
func progress(r Row) float64 {
	if r.Steps == 0 {
		return -1
	}
	return float64(r.DoneCount())/float64(r.Steps) + float64(r.Step)/float64(1000*r.Steps)
}

// index is the position of the row with id, or -1.
func (m *Model) index(id string) int {
	for i, r := range m.rows {
		if r.ID == id {
			return i
		}
	}
	return -1
}

// Init implements tea.Model.
func (m *Model) Init() tea.Cmd {
	return tea.Batch(waitForChangeCmd(m.sub), m.tick())
}

// tick starts a new tick chain: every second for the idle times, four times a
// second while a learner's screen is on show. The chain before it dies.
func (m *Model) tick() tea.Cmd {
	m.gen++
	every := time.Second
	if m.watching != "" {
		every = watchEvery
	}
	return tickCmd(every, m.gen)
}

// watchEvery is how often the screen of a learner on show is read again: a
// learner's frames come at up to the program's frame rate, and the board
// need not follow every one.
const watchEvery = 250 * time.Millisecond

// maxEvents is the most events the board reads.
const maxEvents = 50
