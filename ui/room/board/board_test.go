package board

import (
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/streamsim/streamsim/ui/layout"
)

// fakeSource is a room made of fixed rows.
type fakeSource struct {
	mu     sync.Mutex
	info   Info
	rows   []Row
	events []Event
	frames map[string]string
	subs   []chan struct{}
}

func (f *fakeSource) Info() Info { f.mu.Lock(); defer f.mu.Unlock(); return f.info }
func (f *fakeSource) Rows() []Row {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Row(nil), f.rows...)
}
func (f *fakeSource) Events(n int) []Event {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.events[max(0, len(f.events)-n):]
}
func (f *fakeSource) Frame(id string) (string, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fr, ok := f.frames[id]
	return fr, ok
}
func (f *fakeSource) Subscribe() (<-chan struct{}, func()) {
	ch := make(chan struct{}, 1)
	f.mu.Lock()
	f.subs = append(f.subs, ch)
	f.mu.Unlock()
	return ch, func() {}
}

func sample() *fakeSource {
	return &fakeSource{
		info: Info{Addr: "[::]:2222", Code: "abcd-efgh", HostKey: "SHA256:xyz", Learners: 3, Max: 60},
		rows: []Row{
			{ID: "bob", Name: "bob", Here: true, Lesson: "seed-pipeline", Step: 3, Steps: 5,
				Done: []bool{true, false, true}, BestErr: 0.12, Idle: 4 * time.Minute},
			{ID: "alice", Name: "alice", Here: true, Lesson: "hot-partition-key", Step: 5, Steps: 5,
				Done: []bool{true, true, true, true, true}, BestErr: -1, Idle: 5 * time.Second},
			{ID: "eve", Name: "eve\x1b[2J\u202e", Here: false, BestErr: -1, Idle: 10 * time.Minute},
			{ID: "carl", Name: "carl", Here: true, BestErr: -1, Idle: time.Second},
		},
		events: []Event{{At: time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC), Text: "alice joined from 10.0.0.3"},
			{At: time.Date(2026, 1, 1, 9, 1, 0, 0, time.UTC), Warn: true, Text: "refused from 10.0.0.9: wrong room code"}},
		frames: map[string]string{"alice": "alice's screen\n\x1b[31mred\x1b[m line"},
	}
}

func press(s string) tea.KeyPressMsg {
	switch s {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	}
	return tea.KeyPressMsg{Code: rune(s[0]), Text: s}
}

func newBoard(t *testing.T, src Source, local bool, w, h int) *Model {
	t.Helper()
	m := New(Options{Source: src, Local: local})
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	return m
}

// TestRows: one line per learner, in the room first, by name; step n/N,
// the marks of each step, the best guess and the idle time; a learner's
// name is escaped.
func TestRows(t *testing.T) {
	m := newBoard(t, sample(), false, 120, 24)
	view := ansi.Strip(m.Render())
	lines := strings.Split(view, "\n")
	if len(lines) != 24 {
		t.Fatalf("%d lines, want 24", len(lines))
	}
	for i, l := range lines {
		if w := layout.Width(l); w != 120 {
			t.Errorf("line %d is %d cells wide, want 120: %q", i, w, l)
		}
	}
	var order []string
	for _, r := range m.Rows() {
		order = append(order, r.ID)
	}
	if got := strings.Join(order, " "); got != "alice bob carl eve" {
		t.Errorf("order %q, want those here by name, then who left", got)
	}
	for _, want := range []string{
		"code abcd-efgh", "3/60 learners", "ssh -p 2222 NAME@host",
		"alice", "hot-partition-key", "done", "✓✓✓✓✓",
		"bob", "seed-pipeline", "4/5", "✓✗✓▸·", "12%", "4:00 !",
		`eve\x1b[2J`, "… left",
		"wrong room code",
	} {
		if !strings.Contains(view, want) {
			t.Errorf("the board lacks %q:\n%s", want, view)
		}
	}
	if strings.Contains(m.Render(), "\x1b[2J") || strings.Contains(m.Render(), "\u202e") {
		t.Error("a learner's name reached the screen unescaped")
	}
}

// TestWatch: enter shows the selected learner's screen, read-only, as plain
// text; esc goes back; the arrows move to the next learner while watching.
func TestWatch(t *testing.T) {
	m := newBoard(t, sample(), false, 80, 24)
	m.Update(press("enter"))
	if m.Watching() != "alice" {
		t.Fatalf("watching %q, want alice", m.Watching())
	}
	view := ansi.Strip(m.Render())
	for _, want := range []string{"watching alice", "read-only", "alice's screen", "red line"} {
		if !strings.Contains(view, want) {
			t.Errorf("the watch view lacks %q:\n%s", want, view)
		}
	}
	if strings.Contains(m.Render(), "\x1b[31m") {
		t.Error("the learner's styles reached the board")
	}
	m.Update(press("down"))
	if m.Watching() != "bob" {
		t.Errorf("after down watching %q, want bob", m.Watching())
	}
	m.Update(press("esc"))
	if m.Watching() != "" {
		t.Errorf("esc left the watch view on %q", m.Watching())
	}
}

// TestOrder: o sorts by progress (least first), then by idle time.
func TestOrder(t *testing.T) {
	m := newBoard(t, sample(), false, 100, 24)
	ids := func() string {
		var s []string
		for _, r := range m.Rows() {
			s = append(s, r.ID)
		}
		return strings.Join(s, " ")
	}
	m.Update(press("o"))
	if got := ids(); got != "carl bob alice eve" {
		t.Errorf("by progress: %q", got)
	}
	m.Update(press("o"))
	if got := ids(); got != "bob alice carl eve" {
		t.Errorf("by idle: %q", got)
	}
}

// TestLocalQuitAsks: on the server's own terminal q asks before closing the
// room; over SSH it only leaves.
func TestLocalQuitAsks(t *testing.T) {
	m := newBoard(t, sample(), true, 100, 24)
	if _, cmd := m.Update(press("q")); cmd != nil {
		t.Fatal("q closed the room without asking")
	}
	if !strings.Contains(ansi.Strip(m.Render()), "close the room?") {
		t.Fatal("no question")
	}
	m.Update(press("n"))
	if m.CloseAsked() {
		t.Fatal("n closed the room")
	}
	m.Update(press("q"))
	_, cmd := m.Update(press("y"))
	if !m.CloseAsked() || cmd == nil {
		t.Fatal("y did not close the room")
	}
	remote := newBoard(t, sample(), false, 100, 24)
	if _, cmd := remote.Update(press("q")); cmd == nil || remote.CloseAsked() {
		t.Fatal("q over SSH should leave the board, and not close the room")
	}
}

// TestSizes: every size draws exactly its rect, the smallest too.
func TestSizes(t *testing.T) {
	for _, sz := range [][2]int{{20, 5}, {40, 12}, {80, 24}, {160, 48}} {
		m := newBoard(t, sample(), false, sz[0], sz[1])
		for _, watch := range []bool{false, true} {
			if watch {
				m.Update(press("enter"))
			}
			lines := strings.Split(m.Render(), "\n")
			if len(lines) != sz[1] {
				t.Errorf("%v watch=%v: %d lines", sz, watch, len(lines))
			}
			for _, l := range lines {
				if w := layout.Width(l); w != sz[0] {
					t.Errorf("%v watch=%v: a line of %d cells", sz, watch, w)
					break
				}
			}
		}
	}
}
