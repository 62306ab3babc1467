package room

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/streamsim/streamsim/internal/textsafe"
	"github.com/streamsim/streamsim/ui/room/board"
)

var _ board.Source = (*Room)(nil)

// maxEvents is how many events the room keeps for the board.
const maxEvents = 200

type eventLine struct {
	at   time.Time
	warn bool
	text string
}

// note logs msg with attrs, and puts text (a line for the board: outside
// text in it must be escaped by the caller) among the room's events.
func (r *Room) note(level slog.Level, msg, text string, attrs ...any) {
	r.log.Log(context.Background(), level, msg, attrs...)
	r.mu.Lock()
	r.events = append(r.events, eventLine{at: r.now(), warn: level >= slog.LevelWarn, text: text})
	if len(r.events) > maxEvents {
		r.events = append(r.events[:0], r.events[len(r.events)-maxEvents:]...)
	}
	r.notifyLocked()
	r.mu.Unlock()
}

// refuse logs and notes a refusal: reason says what was refused, from
// where and as whom.
func (r *Room) refuse(addr, user, reason string, attrs ...any) {
	who := "from " + addr
	if user != "" {
		who = textsafe.Line(clip(user, 32)) + " " + who
	}
	r.note(slog.LevelWarn, "refused", "refused "+who+": "+reason,
		append([]any{"reason", reason, "addr", addr, "user", textsafe.Line(clip(user, 64))}, attrs...)...)
}

// clip cuts s to at most n bytes, on a rune boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !isRuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

func isRuneStart(b byte) bool { return b&0xc0 != 0x80 }

// Info implements board.Source.
func (r *Room) Info() board.Info {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, l := range r.learners {
		if l.sess != nil {
			n++
		}
	}
	return board.Info{Addr: r.addr, Code: r.cfg.Code, Keys: r.keys != nil, HostKey: r.hostFP,
		Learners: n, Max: r.lim.MaxLearners, Closing: r.closing}
}

// Rows implements board.Source.
func (r *Room) Rows() []board.Row {
	now := r.now()
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]board.Row, 0, len(r.learners))
	for _, l := range r.learners {
		row := board.Row{ID: l.folder, Name: l.name, Addr: l.addr, BestErr: -1}
		if l.sess != nil {
			row.Here = true
			row.Idle = now.Sub(l.sess.lastInput())
		} else {
			row.Idle = now.Sub(l.left)
		}
		if l.inLesson {
			p := l.prog
			row.Lesson, row.Step, row.Steps, row.BestErr, row.Ended = p.Scenario, p.Step, p.Steps, p.BestErr, p.Ended
			row.Done = append([]bool(nil), p.Done...)
		}
		out = append(out, row)
	}
	return out
}

// Events implements board.Source.
func (r *Room) Events(n int) []board.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	evs := r.events
	if len(evs) > n {
		evs = evs[len(evs)-n:]
	}
	out := make([]board.Event, len(evs))
	for i, e := range evs {
		out[i] = board.Event{At: e.at, Warn: e.warn, Text: e.text}
	}
	return out
}

// Frame implements board.Source: the learner's last screen without its
// styles, each line escaped, trailing blanks trimmed.
func (r *Room) Frame(id string) (string, bool) {
	r.mu.Lock()
	l := r.learners[id]
	if l == nil {
		r.mu.Unlock()
		return "", false
	}
	here := l.sess != nil
	frame := l.frame
	if here {
		frame = l.sess.lastFrame()
	}
	r.mu.Unlock()
	return plainFrame(frame), here
}

// plainFrame is a frame of the TUI as plain, safe text.
func plainFrame(frame string) string {
	lines := strings.Split(ansi.Strip(frame), "\n")
	for i, l := range lines {
		lines[i] = textsafe.Line(strings.TrimRight(l, " \r"))
	}
	return strings.Join(lines, "\n")
}

// Subscribe implements board.Source.
func (r *Room) Subscribe() (<-chan struct{}, func()) {
	ch := make(chan struct{}, 1)
	r.mu.Lock()
	r.subs[ch] = struct{}{}
	r.mu.Unlock()
	var once bool
	return ch, func() {
		r.mu.Lock()
		defer r.mu.Unlock()
		if !once {
			once = true
			delete(r.subs, ch)
			close(ch)
		}
	}
}
