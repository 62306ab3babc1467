package room

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/ssh"
	gossh "golang.org/x/crypto/ssh"
	"golang.org/x/time/rate"

	"github.com/streamsim/streamsim/internal/textsafe"
	"github.com/streamsim/streamsim/ui/room/board"
)

// Why a session ended, when the room ended it.
const (
	endQuit     = ""         // the learner quit
	endGone     = "gone"     // the connection dropped
	endIdle     = "idle"     // nothing typed for Limits.Idle
	endClosing  = "closing"  // the room closed
	endReplaced = "replaced" // the same learner connected again
	endInput    = "input"    // more input than Limits.MaxInput
	endCrash    = "crash"    // the TUI panicked
)

// takeoverAfter is how long a learner who came in with the room code must
// have typed nothing before a new connection under the same name replaces
// theirs (a connection that dropped without closing). Under a key, the
// newer connection always replaces the older: the key proves it is them.
const takeoverAfter = time.Minute

// Resize storms: a terminal's size is passed on at most this often (the
// latest one), and never larger than this.
const (
	resizeEvery           = 50 * time.Millisecond
	maxCols, maxRows      = 400, 200
	inputChunk            = 4096 // bytes read at a time, so the rate limit waits in small steps
	instructorInputFactor = 4    // an instructor's board takes this much more input
)

// session is one SSH session of the room: a learner's TUI or an
// instructor's board. It wraps the ssh.Session the middleware sees: input
// passes a rate limit and counts as activity, window changes are coalesced
// and clamped, and the screens drawn are kept for the board.
type session struct {
	ssh.Session
	room   *Room
	id     int64
	l      *learner     // nil for an instructor
	board  *board.Model // the board of an instructor
	store  *learnerStore
	ctx    context.Context
	cancel context.CancelFunc
	joined time.Time

	in    *rate.Limiter
	read  atomic.Int64 // bytes read in all
	last  atomic.Int64 // unix nanoseconds of the last input
	frame atomic.Pointer[string]

	winOnce sync.Once
	win     chan ssh.Window

	mu   sync.Mutex
	prog *tea.Program
	why  string // set once, by end
	note string // what the learner reads at the end
	done chan struct{}
}

func (r *Room) newSession(s ssh.Session, l *learner) *session {
	ctx, cancel := context.WithCancel(s.Context())
	burst := r.lim.InputRate
	if l == nil {
		burst *= instructorInputFactor
	}
	sess := &session{Session: s, room: r, l: l, ctx: ctx, cancel: cancel, joined: r.now(),
		in: rate.NewLimiter(rate.Limit(burst), burst), done: make(chan struct{})}
	sess.last.Store(sess.joined.UnixNano())
	return sess
}

// lastInput is when the session last read a byte of input.
func (s *session) lastInput() time.Time { return time.Unix(0, s.last.Load()) }

// lastFrame is the screen the program drew last.
func (s *session) lastFrame() string {
	if f := s.frame.Load(); f != nil {
		return *f
	}
	return ""
}

// Read implements io.Reader for the program: a rate limit, a total limit,
// and the time of the last input for the idle timer.
func (s *session) Read(p []byte) (int, error) {
	if s.ctx.Err() != nil {
		// Gone: what the connection had buffered is not worth reading.
		return 0, io.EOF
	}
	if len(p) > inputChunk {
		p = p[:inputChunk]
	}
	n, err := s.Session.Read(p)
	if n > 0 {
		s.last.Store(s.room.now().UnixNano())
		if total := s.read.Add(int64(n)); total > s.room.lim.MaxInput {
			s.end(endInput, fmt.Sprintf("Your terminal sent more than %s to this session, more than the room takes from one.",
				limitText(s.room.lim.MaxInput)))
			return 0, io.EOF
		}
		// n ≤ inputChunk ≤ the burst (InputRate is at least 4 KiB when set
		// by cmd; a smaller one waits in steps of its own size).
		for left := n; left > 0; {
			step := min(left, s.in.Burst())
			if s.in.WaitN(s.ctx, step) != nil {
				break // the session is ending: no more waiting
			}
			left -= step
		}
	}
	return n, err
}

// Pty implements ssh.Session with the window clamped and its changes
// coalesced: a storm of resizes reaches the program as a few.
func (s *session) Pty() (ssh.Pty, <-chan ssh.Window, bool) {
	p, in, ok := s.Session.Pty()
	if !ok {
		return p, in, ok
	}
	p.Window = clampWindow(p.Window)
	s.winOnce.Do(func() {
		s.win = make(chan ssh.Window, 1)
		go s.coalesce(in)
	})
	return p, s.win, ok
}

func clampWindow(w ssh.Window) ssh.Window {
	w.Width = max(1, min(w.Width, maxCols))
	w.Height = max(1, min(w.Height, maxRows))
	return w
}

// coalesce passes the latest window size on, at most every resizeEvery. It
// always takes what arrives at once: the SSH library hands window changes
// over from the loop that also carries the session's other requests, and a
// stalled loop would stall the connection's input too.
func (s *session) coalesce(in <-chan ssh.Window) {
	var latest ssh.Window
	pending := false
	var tick <-chan time.Time
	for {
		select {
		case w, ok := <-in:
			if !ok {
				return
			}
			latest, pending = w, true
			if tick == nil {
				s.put(latest)
				pending = false
				tick = time.After(resizeEvery)
			}
		case <-tick:
			tick = nil
			if pending {
				s.put(latest)
				pending = false
				tick = time.After(resizeEvery)
			}
		case <-s.ctx.Done():
			return
		}
	}
}

// put hands a window size to the program's side, replacing one it has not
// taken yet.
func (s *session) put(w ssh.Window) {
	select {
	case <-s.win:
	default:
	}
	s.win <- clampWindow(w)
}

// end asks the session to end for why, telling the learner note. The first
// reason wins. The program is asked to quit, then killed, then the
// channel closed, each after a few seconds, so a stuck program cannot keep
// a session open.
func (s *session) end(why, note string) {
	s.mu.Lock()
	if s.why != "" {
		s.mu.Unlock()
		return
	}
	s.why, s.note = why, note
	p := s.prog
	s.mu.Unlock()
	if p == nil {
		return // not started: program() sees why and starts nothing
	}
	go p.Quit() // Quit waits for the event loop; a stuck one must not hold us
	go func() {
		for _, step := range []func(){p.Kill, func() { _ = s.Session.Close() }} {
			select {
			case <-s.done:
				return
			case <-time.After(3 * time.Second):
				step()
			}
		}
	}()
}

// reason is why the session ended.
func (s *session) reason() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.why == "" && s.Context().Err() != nil {
		return endGone
	}
	return s.why
}

// outcome is the exit status of the session and the line its learner
// reads when the TUI is gone.
func (s *session) outcome(name string) (int, string) {
	s.mu.Lock()
	why, note := s.why, s.note
	s.mu.Unlock()
	kept := " What you saved stays in your folder on the room's server: connect again as " + name + " to find it."
	switch why {
	case endCrash:
		return 1, "streamsim: the TUI hit a bug in your session and had to end it; the instructor's log has the details." + kept
	case endIdle, endInput:
		return 1, "streamsim: " + note + kept
	case endClosing:
		return 0, "streamsim: " + note + kept
	case endReplaced:
		return 1, "streamsim: you connected again from elsewhere, so this session ended."
	case endGone:
		return 0, ""
	}
	return 0, "Bye." + kept
}

// crash logs a panic of the learner's program and ends the session.
func (s *session) crash(p any, stack []byte) {
	name := "an instructor"
	if s.l != nil {
		name = textsafe.Line(s.l.name)
	}
	s.room.note(slog.LevelError, "panic", name+"'s session hit a bug and ended (logged)",
		"learner", name, "panic", textsafe.Line(fmt.Sprint(p)), "stack", string(stack))
	s.end(endCrash, "")
}

type refusal struct{ reason, text string }

// serveLearner runs a learner's session: admit, run the TUI, leave.
func (r *Room) serveLearner(s ssh.Session, next ssh.Handler) {
	addr := hostOf(s.RemoteAddr())
	name, folder, key, err := r.identity(s)
	if err != nil {
		r.refuse(addr, s.User(), "no usable name")
		say(s.Stderr(), "streamsim: the room needs your name: connect as NAME@host with letters or digits in it.")
		_ = s.Exit(1)
		return
	}
	sess, no := r.join(s, name, folder, key)
	if sess == nil {
		r.refuse(addr, s.User(), no.reason)
		say(s.Stderr(), no.text)
		_ = s.Exit(1)
		return
	}
	defer func() {
		if p := recover(); p != nil {
			sess.crash(p, debug.Stack())
		}
		close(sess.done)
		code, text := sess.outcome(textsafe.Line(name))
		r.leave(sess)
		if text != "" {
			say(s, text)
		}
		_ = s.Exit(code)
	}()
	next(sess)
}

// join admits a learner: the room is open and not full, the name is not
// in use (or its session may be replaced), the folder is there.
func (r *Room) join(s ssh.Session, name, folder, key string) (*session, refusal) {
	dir := filepath.Join(r.cfg.Dir, learnersDir, folder)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		r.log.Error("cannot make a learner's folder", "folder", folder, "err", err)
		return nil, refusal{"no folder", "streamsim: the room cannot make your folder; tell the instructor."}
	}
	store, err := newLearnerStore(dir, r.lim.MaxScenario, &r.saves)
	if err != nil {
		r.log.Error("cannot open a learner's folder", "folder", folder, "err", err)
		return nil, refusal{"no folder", "streamsim: the room cannot open your folder; tell the instructor."}
	}
	r.mu.Lock()
	var replaced *session
	live := 0
	for _, l := range r.learners {
		if l.sess != nil {
			live++
		}
	}
	l := r.learners[folder]
	switch {
	case r.closing:
		r.mu.Unlock()
		store.close()
		return nil, refusal{"room closing", "streamsim: the room is closing."}
	case l != nil && l.sess != nil:
		old := l.sess
		if key == "" && r.now().Sub(old.lastInput()) < takeoverAfter {
			r.mu.Unlock()
			store.close()
			return nil, refusal{"name in use", "streamsim: " + textsafe.Line(name) + " is in the room already. " +
				"If that is you on a connection that dropped, try again in a minute; otherwise pick another name."}
		}
		replaced = old
	case live >= r.lim.MaxLearners:
		r.mu.Unlock()
		store.close()
		return nil, refusal{"room full", fmt.Sprintf("streamsim: the room is full (%d learners); ask the instructor.", r.lim.MaxLearners)}
	}
	if l == nil {
		l = &learner{folder: folder, rec: r.loadRecord(folder)}
		r.learners[folder] = l
	}
	l.name, l.key, l.addr = name, key, hostOf(s.RemoteAddr())
	sess := r.newSession(s, l)
	sess.store = store
	r.nextID++
	sess.id = r.nextID
	l.sess = sess
	l.rec.Name, l.rec.Key, l.rec.Seen = name, key, r.now().UTC()
	r.dirty[folder] = true
	r.sessions.Add(1)
	r.mu.Unlock()
	if replaced != nil {
		replaced.end(endReplaced, "")
	}
	pty, _, _ := s.Pty()
	how := "room code"
	if key != "" {
		how = "key " + key
	}
	r.note(slog.LevelInfo, "join", textsafe.Line(name)+" joined from "+l.addr,
		"learner", textsafe.Line(name), "folder", folder, "addr", l.addr, "auth", how,
		"term", textsafe.Line(clip(pty.Term, 64)), "cols", pty.Window.Width, "rows", pty.Window.Height,
		"client", textsafe.Line(clip(s.Context().ClientVersion(), 64)), "replaced", replaced != nil)
	r.wakePersist()
	return sess, refusal{}
}

// leave takes a learner's session out of the room.
func (r *Room) leave(s *session) {
	why := s.reason()
	s.cancel()
	s.store.close()
	r.mu.Lock()
	l := s.l
	if l.sess == s {
		l.sess, l.left, l.frame = nil, r.now(), s.lastFrame()
		l.rec.Seen = l.left.UTC()
		r.dirty[l.folder] = true
	}
	r.mu.Unlock()
	level := slog.LevelInfo
	if why == endCrash {
		level = slog.LevelWarn
	}
	text := textsafe.Line(l.name) + " left"
	if why != endQuit {
		text += " (" + why + ")"
	}
	r.note(level, "leave", text, "learner", textsafe.Line(l.name), "folder", l.folder, "reason", reasonWord(why),
		"stayed", r.now().Sub(s.joined).Round(time.Second).String(), "input_bytes", s.read.Load())
	r.wakePersist()
	r.sessions.Done()
}

func reasonWord(why string) string {
	if why == endQuit {
		return "quit"
	}
	return why
}

// serveBoard runs an instructor's board over SSH.
func (r *Room) serveBoard(s ssh.Session, next ssh.Handler) {
	r.mu.Lock()
	if r.closing {
		r.mu.Unlock()
		say(s.Stderr(), "streamsim: the room is closing.")
		_ = s.Exit(1)
		return
	}
	r.sessions.Add(1)
	r.mu.Unlock()
	sess := r.newSession(s, nil)
	sess.board = board.New(board.Options{Source: r, Now: r.now})
	// The room's Close ends boards too: they are sessions like any other.
	closing := make(chan struct{})
	go func() {
		sub, unsub := r.Subscribe()
		defer unsub()
		for {
			select {
			case <-closing:
				return
			case _, ok := <-sub:
				if !ok {
					return
				}
				if r.Info().Closing {
					sess.end(endClosing, "the room closed.")
					return
				}
			}
		}
	}()
	fp := ""
	if k := s.PublicKey(); k != nil {
		fp = gossh.FingerprintSHA256(k)
	}
	r.note(slog.LevelInfo, "instructor", "the board opened over SSH from "+hostOf(s.RemoteAddr()),
		"addr", hostOf(s.RemoteAddr()), "key", fp)
	defer func() {
		if p := recover(); p != nil {
			sess.crash(p, debug.Stack())
		}
		close(closing)
		close(sess.done)
		sess.board.Close()
		sess.cancel()
		r.log.Info("instructor left", "addr", hostOf(s.RemoteAddr()), "reason", reasonWord(sess.reason()))
		r.sessions.Done()
		_ = s.Exit(0)
	}()
	next(sess)
}
