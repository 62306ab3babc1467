package room

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/ssh"

	simbackend "github.com/streamsim/streamsim/backends/sim"
	"github.com/streamsim/streamsim/ui"
	"github.com/streamsim/streamsim/ui/common"
)

// Limits bound what the room takes in and what one learner may use.
type Limits struct {
	MaxLearners int           // learners in the room at once
	Idle        time.Duration // a learner who types nothing this long is let go; 0: never
	ConnRate    int           // new connections a minute from one address (bursts as large)
	MaxScenario int64         // bytes of the largest scenario file a learner may open
	MaxUnits    int           // nodes, shards and partitions of the largest scenario a learner may run
	SimRate     int           // simulation ticks a second of one learner's run; 0: no limit
	InputRate   int           // bytes a second a learner's terminal may send, in bursts of InputRate
	MaxInput    int64         // bytes one session may send in all
	FPS         int           // frames a second a learner's screen is redrawn at most
}

// DefaultLimits are the limits of a room of up to 60 on a small VM.
func DefaultLimits() Limits {
	return Limits{
		MaxLearners: 60,
		Idle:        45 * time.Minute,
		ConnRate:    30,
		MaxScenario: 512 << 10,
		MaxUnits:    1000,
		SimRate:     600,
		InputRate:   32 << 10,
		MaxInput:    64 << 20,
		FPS:         20,
	}
}

// Config is what a room is started with.
type Config struct {
	// Dir holds the host key, the learners' folders and their progress.
	Dir string
	// Code is the room code a learner types to come in (keyboard-interactive);
	// "" means keys are the only way in.
	Code string
	// AuthorizedKeys is an authorized_keys file of the learners' keys; "" for
	// none. InstructorKeys is one of keys that get the board instead of the
	// TUI. Both are read again when they change.
	AuthorizedKeys, InstructorKeys string
	// Builtins are the built-in scenarios; each learner gets copies.
	Builtins []common.Builtin
	Limits   Limits
	// Log receives the room's structured log; nil discards it.
	Log *slog.Logger
	// NewModel builds a learner's program model from the session's options;
	// nil means ui.New. Tests wrap it.
	NewModel func(ui.Options) tea.Model
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// connGrace is how long a closing room waits for connections whose
// sessions have ended.
const connGrace = 2 * time.Second

// hostKeyFile is the host key's name in Dir.
const hostKeyFile = "host_ed25519"

// Room is a running (or ready) workshop room.
type Room struct {
	cfg    Config
	lim    Limits
	log    *slog.Logger
	now    func() time.Time
	srv    *ssh.Server
	hostFP string
	keys   *keyFile // learners' keys; nil without
	staff  *keyFile // the instructor's keys; nil without
	conns  *addrLimiter
	sims   chan struct{} // builder estimates running at once, room-wide
	est    common.Estimator

	mu       sync.Mutex
	addr     string
	learners map[string]*learner // by folder
	nextID   int64
	open     int // connections open
	subs     map[chan struct{}]struct{}
	events   []eventLine
	closing  bool
	dirty    map[string]bool // folders whose progress is to be written

	sessions sync.WaitGroup // handlers running
	saves    sync.WaitGroup // learners' saves in flight
	wake     chan struct{}  // the persister has work
	stop     chan struct{}  // closed by Close: the background loops end
	loops    sync.WaitGroup
	stopOnce sync.Once
}

// New prepares a room: the folders, the host key (made on first use and
// kept), the SSH server. Serve starts it.
func New(cfg Config) (*Room, error) {
	if cfg.Dir == "" {
		return nil, errors.New("room: no folder for the room's files")
	}
	if cfg.Code == "" && cfg.AuthorizedKeys == "" {
		return nil, errors.New("room: no way in: give a room code or an authorized_keys file")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	lim := cfg.Limits
	def := DefaultLimits()
	if lim.MaxLearners <= 0 {
		lim.MaxLearners = def.MaxLearners
	}
	if lim.ConnRate <= 0 {
		lim.ConnRate = def.ConnRate
	}
	if lim.MaxScenario <= 0 {
		lim.MaxScenario = def.MaxScenario
	}
	if lim.MaxUnits <= 0 {
		lim.MaxUnits = def.MaxUnits
	}
	if lim.InputRate <= 0 {
		lim.InputRate = def.InputRate
	}
	if lim.MaxInput <= 0 {
		lim.MaxInput = def.MaxInput
	}
	if lim.FPS <= 0 {
		lim.FPS = def.FPS
	}
	for _, d := range []string{cfg.Dir, filepath.Join(cfg.Dir, learnersDir), filepath.Join(cfg.Dir, progressDir)} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, fmt.Errorf("room: %w", err)
		}
	}
	r := &Room{
		cfg: cfg, lim: lim, log: cfg.Log, now: cfg.Now,
		conns:    newAddrLimiter(lim.ConnRate, cfg.Now),
		sims:     make(chan struct{}, max(1, runtime.NumCPU()/2)),
		learners: map[string]*learner{},
		subs:     map[chan struct{}]struct{}{},
		dirty:    map[string]bool{},
		wake:     make(chan struct{}, 1),
		stop:     make(chan struct{}),
	}
	if cfg.AuthorizedKeys != "" {
		k, err := loadKeyFile(cfg.AuthorizedKeys)
		if err != nil {
			return nil, fmt.Errorf("room: authorized keys: %w", err)
		}
		r.keys = k
	}
	if cfg.InstructorKeys != "" {
		k, err := loadKeyFile(cfg.InstructorKeys)
		if err != nil {
			return nil, fmt.Errorf("room: instructor keys: %w", err)
		}
		r.staff = k
	}
	r.est = r.estimator(common.SimEstimator(simbackend.New(simbackend.Options{Paused: true}), common.EstimateSpan, common.EstimateMaxTicks))
	srv, err := r.newServer(filepath.Join(cfg.Dir, hostKeyFile))
	if err != nil {
		return nil, err
	}
	r.srv = srv
	return r, nil
}

// Folders of the room's directory.
const (
	learnersDir = "learners"
	progressDir = "progress"
)

// HostKey is the fingerprint of the room's host key (SHA256:…): learners may
// check it on their first connection.
func (r *Room) HostKey() string { return r.hostFP }

// Addr is where the room listens once Serve has started.
func (r *Room) Addr() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.addr
}

// Serve accepts learners on ln until Close. It returns nil after Close.
func (r *Room) Serve(ln net.Listener) error {
	r.mu.Lock()
	r.addr = ln.Addr().String()
	r.notifyLocked() // a board already up shows where
	r.mu.Unlock()
	r.loops.Add(2)
	go r.sweep()
	go r.persist()
	r.log.Info("room open", "addr", ln.Addr().String(), "host_key", r.hostFP, "code", r.cfg.Code != "",
		"authorized_keys", r.cfg.AuthorizedKeys, "instructor_keys", r.cfg.InstructorKeys, "max_learners", r.lim.MaxLearners)
	err := r.srv.Serve(ln)
	if errors.Is(err, ssh.ErrServerClosed) {
		return nil
	}
	return err
}

// Close closes the room: no one new comes in, every session ends with note
// (what its learner reads), saves in flight finish and the progress is
// written. Sessions that have not ended when ctx is done are cut off.
func (r *Room) Close(ctx context.Context, note string) error {
	r.mu.Lock()
	already := r.closing
	r.closing = true
	var live []*session
	for _, l := range r.learners {
		if l.sess != nil {
			live = append(live, l.sess)
		}
	}
	r.mu.Unlock()
	if !already {
		r.note(slog.LevelInfo, "room closing", "the room is closing", "learners", len(live))
	}
	// Stop listening first, then end the sessions; Shutdown waits for the
	// connections, which end with their sessions.
	shut := make(chan error, 1)
	go func() { shut <- r.srv.Shutdown(ctx) }()
	for _, s := range live {
		s.end(endClosing, note)
	}
	sessionsDone := make(chan struct{})
	go func() { r.sessions.Wait(); close(sessionsDone) }()
	var err error
	select {
	case <-sessionsDone:
	case <-ctx.Done():
		err = fmt.Errorf("room: sessions still open when the time ran out: %w", ctx.Err())
	}
	// A client that keeps its connection after its session (OpenSSH does
	// not; a multiplexing one may) has a moment to go, then is cut off.
	select {
	case serr := <-shut:
		if serr != nil && err == nil && !errors.Is(serr, ssh.ErrServerClosed) {
			err = serr
		}
	case <-ctx.Done():
	case <-time.After(connGrace):
	}
	_ = r.srv.Close() // whatever is still open
	savesDone := make(chan struct{})
	go func() { r.saves.Wait(); close(savesDone) }()
	select {
	case <-savesDone:
	case <-time.After(5 * time.Second): // a save stuck on a disk: the files stay whole either way
	}
	r.stopOnce.Do(func() { close(r.stop) })
	r.loops.Wait()
	r.flush()
	r.log.Info("room closed")
	return err
}

// learner is one person in the room (or who was): their folder is who they
// are across reconnects. Guarded by Room.mu.
type learner struct {
	folder string
	name   string
	key    string // the key's fingerprint; "" when they came in with the code
	addr   string
	sess   *session // nil while gone
	left   time.Time
	frame  string // the last screen of a session that ended

	prog     common.LessonProgress // the lesson under way, as last heard
	inLesson bool
	rec      record // what persist writes
}

func (r *Room) notifyLocked() {
	for ch := range r.subs {
		select {
		case ch <- struct{}{}:
		default: // a change is pending already
		}
	}
}

// sweep lets idle learners go, and forgets addresses that have not
// connected in a while.
func (r *Room) sweep() {
	defer r.loops.Done()
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for n := 0; ; n++ {
		select {
		case <-r.stop:
			return
		case <-t.C:
		}
		now := r.now()
		if r.lim.Idle > 0 {
			var idle []*session
			r.mu.Lock()
			for _, l := range r.learners {
				if s := l.sess; s != nil && now.Sub(s.lastInput()) > r.lim.Idle {
					idle = append(idle, s)
				}
			}
			r.mu.Unlock()
			for _, s := range idle {
				s.end(endIdle, fmt.Sprintf("You typed nothing for %s, so the room let you go.", r.lim.Idle))
			}
		}
		if n%60 == 0 {
			r.conns.forget()
		}
	}
}
