// Package sim is the backend that runs scenarios on streamsim's deterministic
// engine (package github.com/streamsim/streamsim/sim) in-process.
//
// Every simulation goes through a Runner (runner.go): the engine and the
// advisor that watches it on a grid of ticks fixed by the scenario. The
// commands step a Runner to its end themselves; Backend.Start gives the TUI
// a run that owns one goroutine, the only one that touches its Runner. It
// paces the Runner against the wall clock (the only place wall time is used:
// the engine itself knows logical ticks only), publishes at most about 30
// snapshots per wall-clock second on a channel that keeps only the latest,
// each with the advisor's findings so far, and turns a panic in the engine
// into an error instead of taking the program down. The pace changes how
// often a snapshot is published, never what the advisor sees.
//
// Imports: the standard library, pipeline (and pipeline/advice), sim and
// backends.
package sim

import (
	"context"
	"fmt"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/streamsim/streamsim/backends"
	"github.com/streamsim/streamsim/pipeline"
	simengine "github.com/streamsim/streamsim/sim"
)

// Clock is the wall clock a run paces itself against. Tests pass a fake.
type Clock interface {
	Now() time.Time
	// After returns a channel that receives once d has passed.
	After(d time.Duration) <-chan time.Time
}

type realClock struct{}

func (realClock) Now() time.Time                         { return time.Now() }
func (realClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// Options tune a Backend. The zero value is ready to use.
type Options struct {
	// Clock paces runs; nil means the real wall clock.
	Clock Clock
	// MaxFPS bounds the snapshots published per wall-clock second; 0 means 30.
	MaxFPS int
	// Speed is the initial speed of a run (simulated seconds per wall second);
	// 0 means as fast as possible.
	Speed float64
	// Paused starts runs paused: nothing advances until Resume or Step.
	Paused bool
	// MemoryLimit, when above 0, is the memory (bytes, as backends.MemoryInUse
	// counts it) a run may bring the process to: past it the run stops with
	// an error wrapping backends.ErrOutOfMemory, rather than the process
	// dying with a Go stack dump. MemorySource says where the limit comes
	// from ("cgroup memory.max", "GOMEMLIMIT").
	MemoryLimit  uint64
	MemorySource string
	// MemoryInUse reads the memory in use; nil means backends.MemoryInUse.
	// Tests pass a fake.
	MemoryInUse func() uint64
}

// Backend starts simulated runs.
type Backend struct {
	opts   Options
	nextID atomic.Int64
}

var (
	_ backends.Backend = (*Backend)(nil)
	_ backends.Limiter = (*run)(nil)
)

// New returns a simulator backend.
func New(opts Options) *Backend {
	if opts.Clock == nil {
		opts.Clock = realClock{}
	}
	if opts.MaxFPS <= 0 {
		opts.MaxFPS = 30
	}
	if opts.MemoryInUse == nil {
		opts.MemoryInUse = backends.MemoryInUse
	}
	return &Backend{opts: opts}
}

var _ backends.Estimator = (*Backend)(nil)

// Estimate implements backends.Estimator with the engine's own model
// (sim.Estimate): building the engine costs what a start costs.
func (b *Backend) Estimate(_ context.Context, sc *pipeline.Scenario) (backends.Cost, error) {
	c, err := simengine.Estimate(sc)
	if err != nil {
		return backends.Cost{}, fmt.Errorf("estimate %s: %w", sc.Name, err)
	}
	return Cost(c), nil
}

// Cost turns the engine's estimate into the backends' terms.
func Cost(c simengine.Cost) backends.Cost {
	return backends.Cost{Time: c.Time, Bytes: c.Bytes, What: c.What()}
}

// Start implements backends.Backend. The engine is built before Start returns,
// so an unrunnable scenario is an error here rather than a failed run.
func (b *Backend) Start(ctx context.Context, sc *pipeline.Scenario) (backends.Run, error) {
	rn, err := NewRunner(sc, RunnerOptions{})
	if err != nil {
		return nil, fmt.Errorf("start simulation of %s: %w", sc.Name, err)
	}
	r := newRun(ctx, b.nextID.Add(1), rn, b.opts)
	if b.opts.MemoryLimit > 0 {
		r.mem = memWatch{limit: b.opts.MemoryLimit, source: b.opts.MemorySource, inUse: b.opts.MemoryInUse,
			need: rn.Estimate().Bytes}
	}
	go r.loop()
	return r, nil
}

// stepper advances the run by one tick; tests replace it to inject a panic.
type stepper func(*Runner)

type applyReq struct {
	c     pipeline.Change
	reply chan applyResult
}

type applyResult struct {
	at  time.Duration
	err error
}

// wanted is what the controlling side asked for, read by the loop.
type wanted struct {
	paused bool
	speed  float64       // 0 = as fast as possible
	steps  int           // single steps requested while paused
	limit  time.Duration // the run waits once its clock reaches it; < 0: none
}

// held reports whether the run must wait at the limit now.
func (w wanted) held(now time.Duration) bool { return w.limit >= 0 && now >= w.limit }

type run struct {
	id      int64
	eng     *Runner
	step    stepper
	change  func(*Runner, pipeline.Change) error // Runner.Apply; tests inject panics
	clock   Clock
	minGap  time.Duration // between published snapshots
	out     chan pipeline.Snapshot
	wake    chan struct{}
	applies chan applyReq
	ctx     context.Context
	cancel  context.CancelFunc
	done    chan struct{}
	err     error // written by the loop before done closes

	mu   sync.Mutex
	want wanted

	// Owned by the loop goroutine.
	rates  pipeline.Rater
	seq    int64
	evSeen int
	mem    memWatch
}

// memWatch stops a run that brings the process near its memory limit.
type memWatch struct {
	limit  uint64
	source string
	inUse  func() uint64
	need   float64 // the estimate's peak
}

// check returns an error once the memory in use passes 90% of the limit
// (the rest is headroom for the tick under way and the runtime itself).
func (w *memWatch) check(at time.Duration) error {
	if w.limit == 0 || w.inUse == nil {
		return nil
	}
	used := w.inUse()
	if float64(used) < 0.9*float64(w.limit) {
		return nil
	}
	return fmt.Errorf("%w: the run stopped at %s using %s of the %s available (%s); it needs about %s",
		backends.ErrOutOfMemory, clockText(at), pipeline.ApproxSize(float64(used)), pipeline.ApproxSize(float64(w.limit)),
		w.source, pipeline.ApproxSize(max(w.need, float64(used))))
}

func newRun(ctx context.Context, id int64, eng *Runner, o Options) *run {
	ctx, cancel := context.WithCancel(ctx)
	return &run{
		id: id, eng: eng, step: (*Runner).Step, change: (*Runner).Apply, clock: o.Clock,
		minGap:  time.Second / time.Duration(o.MaxFPS),
		out:     make(chan pipeline.Snapshot, 1),
		wake:    make(chan struct{}, 1),
		applies: make(chan applyReq),
		ctx:     ctx, cancel: cancel,
		done: make(chan struct{}),
		want: wanted{paused: o.Paused, speed: normSpeed(o.Speed), limit: -1},
	}
}

// normSpeed maps "as fast as possible" (0, +Inf, NaN, negative) to 0.
func normSpeed(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) || x <= 0 {
		return 0
	}
	return x
}

func (r *run) ID() int64                           { return r.id }
func (r *run) Snapshots() <-chan pipeline.Snapshot { return r.out }

// Err implements backends.Run.
func (r *run) Err() error {
	select {
	case <-r.done:
		return r.err
	default:
		return nil
	}
}

func (r *run) set(f func(w *wanted)) {
	r.mu.Lock()
	f(&r.want)
	r.mu.Unlock()
	select {
	case r.wake <- struct{}{}:
	default: // a wake-up is already pending
	}
}

// Pause implements backends.Run.
func (r *run) Pause() { r.set(func(w *wanted) { w.paused = true }) }

// Resume implements backends.Run.
func (r *run) Resume() { r.set(func(w *wanted) { w.paused, w.steps = false, 0 }) }

// SetSpeed implements backends.Run.
func (r *run) SetSpeed(x float64) { r.set(func(w *wanted) { w.speed = normSpeed(x) }) }

// SetLimit implements backends.Limiter.
func (r *run) SetLimit(t time.Duration) { r.set(func(w *wanted) { w.limit = max(t, -1) }) }

// Step implements backends.Run.
func (r *run) Step() {
	r.set(func(w *wanted) {
		if w.paused {
			w.steps++
		}
	})
}

// Stop implements backends.Run.
func (r *run) Stop() {
	r.cancel()
	<-r.done
}

// Apply implements backends.Run.
func (r *run) Apply(c pipeline.Change) (time.Duration, error) {
	req := applyReq{c: c, reply: make(chan applyResult, 1)}
	select {
	case r.applies <- req:
	case <-r.done:
		return 0, backends.ErrRunEnded
	}
	select {
	case res := <-req.reply:
		return res.at, res.err
	case <-r.done: // the engine panicked while applying it
		select {
		case res := <-req.reply:
			return res.at, res.err
		default:
		}
		if r.err != nil {
			return 0, fmt.Errorf("%w: %v", backends.ErrRunEnded, r.err)
		}
		return 0, backends.ErrRunEnded
	}
}

// take returns what is wanted now and consumes one pending step.
func (r *run) take() wanted {
	r.mu.Lock()
	defer r.mu.Unlock()
	w := r.want
	if r.want.steps > 0 {
		r.want.steps--
	}
	return w
}

const (
	sliceBudget   = 20 * time.Millisecond // wall time the loop steps before it looks at controls
	sliceMaxSteps = 4096                  // and the most ticks, whatever the clock says
	maxLag        = time.Second           // wall time a slow engine may fall behind before re-anchoring
)

func (r *run) loop() {
	// Deferred in reverse: the error is set, then done closes, then the
	// channel, so a reader that sees the channel closed can read Err at once.
	defer close(r.out)
	defer close(r.done)
	defer func() {
		if p := recover(); p != nil {
			r.err = fmt.Errorf("simulation stopped at %s: %v", clockText(r.eng.Now()), p)
		}
	}()

	r.publish()
	lastPub := r.clock.Now()
	dirty := false
	var anchorWall time.Time
	var anchorSim time.Duration
	anchored, curSpeed := false, -1.0
	tick := r.tickLen()

	for {
		if r.eng.Done() {
			r.publish()
			return
		}
		if r.ctx.Err() != nil {
			return
		}
		w := r.take()
		if !w.paused && w.held(r.eng.Now()) {
			// At the limit: publish where the run stands and wait, as paused,
			// until the limit moves (the speed's anchor is kept: the run owes
			// no ticks for the time it waited).
			anchored = false
			if !r.idle(&lastPub, &dirty) {
				return
			}
			continue
		}
		if w.paused {
			anchored = false
			if w.steps > 0 {
				r.step(r.eng)
				if err := r.mem.check(r.eng.Now()); err != nil {
					r.err = err
					r.publish()
					return
				}
				r.publish()
				lastPub, dirty = r.clock.Now(), false
				continue
			}
			if !r.idle(&lastPub, &dirty) {
				return
			}
			continue
		}

		now := r.clock.Now()
		if !anchored || w.speed != curSpeed {
			anchorWall, anchorSim, anchored, curSpeed = now, r.eng.Now(), true, w.speed
		}
		target := time.Duration(math.MaxInt64)
		if w.speed > 0 {
			target = anchorSim + time.Duration(float64(now.Sub(anchorWall))*w.speed)
			if limit := r.eng.Now() + time.Duration(float64(maxLag)*w.speed); target > limit {
				// The engine cannot keep this speed: stop owing it ticks.
				anchorWall, anchorSim, target = now, r.eng.Now(), r.eng.Now()
			}
		}
		for n := 1; r.eng.Now() < target && !r.eng.Done() && !w.held(r.eng.Now()); n++ {
			r.step(r.eng)
			dirty = true
			if err := r.mem.check(r.eng.Now()); err != nil {
				r.err = err
				r.publish()
				return
			}
			// Look at the clock after each of the first steps too: one slow
			// tick must not keep Stop (or a quit) waiting for fifteen more.
			if n >= sliceMaxSteps || (n < 16 || n%16 == 0) && r.clock.Now().Sub(now) >= sliceBudget || r.ctx.Err() != nil {
				break
			}
		}
		now = r.clock.Now()
		if dirty && now.Sub(lastPub) >= r.minGap {
			r.publish()
			lastPub, dirty = now, false
		}
		if w.held(r.eng.Now()) {
			if dirty {
				r.publish() // the moment the limit was set for
				lastPub, dirty = r.clock.Now(), false
			}
			continue
		}
		behind := r.eng.Now() < target && !r.eng.Done()
		var wait time.Duration
		if !behind {
			next := anchorWall.Add(time.Duration(float64(r.eng.Now()+tick-anchorSim) / w.speed))
			wait = next.Sub(now)
			if dirty {
				wait = min(wait, lastPub.Add(r.minGap).Sub(now))
			}
			wait = max(wait, 0)
		}
		if behind || wait == 0 {
			// Keep going, but let controls and changes in first.
			select {
			case <-r.wake:
			case req := <-r.applies:
				r.apply(req)
				dirty = true
			case <-r.ctx.Done():
				return
			default:
			}
			continue
		}
		select {
		case <-r.clock.After(wait):
		case <-r.wake:
		case req := <-r.applies:
			r.apply(req)
			dirty = true
		case <-r.ctx.Done():
			return
		}
	}
}

// idle publishes what is not published yet and waits for a control, a
// change to apply or the end of the run; it reports whether the run goes on.
func (r *run) idle(lastPub *time.Time, dirty *bool) bool {
	if *dirty {
		r.publish()
		*lastPub, *dirty = r.clock.Now(), false
	}
	select {
	case <-r.wake:
	case req := <-r.applies:
		r.apply(req)
		*dirty = true
	case <-r.ctx.Done():
		return false
	}
	return true
}

func (r *run) tickLen() time.Duration { return r.eng.tickLen() }

func (r *run) apply(req applyReq) {
	at := r.eng.Now()
	err := r.change(r.eng, req.c)
	req.reply <- applyResult{at: at, err: err}
}

// publish sends the engine's snapshot, replacing one the reader has not taken
// yet (and carrying that one's events forward, so none is lost).
func (r *run) publish() {
	s := r.rates.Next(r.eng.Snapshot()) // rates since the snapshot published before
	s.Metrics = r.eng.Metrics()         // what a lesson's checks read
	s.Findings = r.eng.Findings()       // the advisor's, which reads the run's own grid of ticks
	r.seq++
	s.RunID, s.Seq = r.id, r.seq
	evs := r.eng.Events()
	for _, e := range evs[r.evSeen:] {
		s.Events = append(s.Events, formatEvent(e))
	}
	r.evSeen = len(evs)
	select {
	case old := <-r.out:
		s.Events = append(old.Events, s.Events...)
	default:
	}
	r.out <- s // the loop is the only sender and the buffer is now free
}

func formatEvent(e pipeline.Event) string {
	if e.Node == "" {
		return clockText(e.At) + " " + e.Text
	}
	return clockText(e.At) + " " + e.Node + ": " + e.Text
}

// clockText writes a simulated time as H:MM:SS.
func clockText(d time.Duration) string {
	s := int64(d / time.Second)
	return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
}
