package sim

import (
	"context"
	"errors"
	"math"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/streamsim/streamsim/backends"
	"github.com/streamsim/streamsim/pipeline"
	simengine "github.com/streamsim/streamsim/sim"
)

const small = `version: 1
name: small
duration: 2m
tick: 1s
producers:
  - id: web
    rate: 1000/s
    to: [clicks]
storage:
  - id: clicks
    service: kinesis-data-streams
    shards: 2
consumers:
  - id: reader
    service: app
    from: clicks
    to: [lake]
destinations:
  - id: lake
    service: s3
timeline:
  - at: 30s
    set: {web.rate: 1500/s}
`

func load(t *testing.T) *pipeline.Scenario {
	t.Helper()
	sc, err := pipeline.Load("small.yaml", []byte(small))
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

// fakeClock moves only when told to.
type fakeClock struct {
	mu      sync.Mutex
	cond    *sync.Cond
	now     time.Time
	waiters []fakeWaiter
}

type fakeWaiter struct {
	at time.Time
	ch chan time.Time
}

func newFakeClock() *fakeClock {
	c := &fakeClock{now: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
	c.cond = sync.NewCond(&c.mu)
	return c
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan time.Time, 1)
	if d <= 0 {
		ch <- c.now
		return ch
	}
	c.waiters = append(c.waiters, fakeWaiter{c.now.Add(d), ch})
	c.cond.Broadcast()
	return ch
}

// waitForWaiter blocks until the run waits on the clock.
func (c *fakeClock) waitForWaiter() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for len(c.waiters) == 0 {
		c.cond.Wait()
	}
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	kept := c.waiters[:0]
	for _, w := range c.waiters {
		if !w.at.After(c.now) {
			w.ch <- c.now
		} else {
			kept = append(kept, w)
		}
	}
	c.waiters = kept
}

func next(t *testing.T, r backends.Run) pipeline.Snapshot {
	t.Helper()
	select {
	case s, ok := <-r.Snapshots():
		if !ok {
			t.Fatalf("snapshots closed early (err %v)", r.Err())
		}
		return s
	case <-time.After(10 * time.Second):
		t.Fatal("no snapshot within 10s")
	}
	return pipeline.Snapshot{}
}

func drain(t *testing.T, r backends.Run) (last pipeline.Snapshot, events []string) {
	t.Helper()
	timeout := time.After(20 * time.Second)
	for {
		select {
		case s, ok := <-r.Snapshots():
			if !ok {
				return last, events
			}
			last = s
			events = append(events, s.Events...)
		case <-timeout:
			t.Fatal("run did not end within 20s")
		}
	}
}

func TestStepWhilePausedAndApply(t *testing.T) {
	b := New(Options{Paused: true})
	r, err := b.Start(context.Background(), load(t))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Stop()
	s := next(t, r)
	if s.Time != 0 || s.Seq != 1 || s.RunID != r.ID() {
		t.Fatalf("first snapshot: time %v seq %d run %d (want 0, 1, %d)", s.Time, s.Seq, s.RunID, r.ID())
	}
	r.Step()
	if s = next(t, r); s.Time != time.Second || s.Seq != 2 {
		t.Fatalf("after one step: time %v seq %d", s.Time, s.Seq)
	}
	a, err := load(t).ParseAssignment("clicks.shards", "4")
	if err != nil {
		t.Fatal(err)
	}
	at, err := r.Apply(pipeline.Change{Set: []pipeline.Assignment{a}})
	if err != nil || at != time.Second {
		t.Fatalf("Apply = %v, %v; want 1s, nil", at, err)
	}
	if s = next(t, r); !containsEvent(s.Events, "0:00:01 clicks: set shards = 4") {
		t.Fatalf("events after Apply: %q", s.Events)
	}
	if _, err := r.Apply(pipeline.Change{Fail: "nope"}); err == nil {
		t.Fatal("Apply of an unknown node: no error")
	}
}

func containsEvent(evs []string, want string) bool {
	for _, e := range evs {
		if strings.Contains(e, want) {
			return true
		}
	}
	return false
}

// TestSlowReaderNeverBlocksTheEngine runs at full speed with nobody reading:
// the run still ends, and the one snapshot left holds every event.
func TestSlowReaderNeverBlocksTheEngine(t *testing.T) {
	r, err := New(Options{}).Start(context.Background(), load(t))
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-r.(*run).done:
	case <-time.After(20 * time.Second):
		t.Fatal("the run did not finish while nobody read its snapshots")
	}
	last, events := drain(t, r)
	if !last.Done || last.Time != 2*time.Minute {
		t.Fatalf("last snapshot: done %v time %v", last.Done, last.Time)
	}
	if !containsEvent(events, "0:00:30 web: set rate = 1500/s") {
		t.Fatalf("the timeline event was lost: %q", events)
	}
	if r.Err() != nil {
		t.Fatal(r.Err())
	}
}

func TestFakeClockPacing(t *testing.T) {
	clk := newFakeClock()
	r, err := New(Options{Clock: clk, Speed: 10}).Start(context.Background(), load(t))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Stop()
	next(t, r) // t=0
	clk.waitForWaiter()
	clk.advance(100 * time.Millisecond) // one simulated second at ×10
	if s := next(t, r); s.Time != time.Second {
		t.Fatalf("after 100ms at ×10: sim time %v, want 1s", s.Time)
	}
	clk.waitForWaiter()
	clk.advance(300 * time.Millisecond)
	if s := next(t, r); s.Time != 4*time.Second {
		t.Fatalf("after 400ms at ×10: sim time %v, want 4s", s.Time)
	}
	// A publish gap shorter than 1/30 s holds the snapshot back until the gap has passed.
	clk.waitForWaiter()
	clk.advance(10 * time.Millisecond)
	select {
	case s := <-r.Snapshots():
		t.Fatalf("snapshot at %v published before the frame gap", s.Time)
	default:
	}
}

func TestPanicBecomesError(t *testing.T) {
	eng, err := NewRunner(load(t), RunnerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	r := newRun(context.Background(), 7, eng, Options{Paused: true, Clock: realClock{}, MaxFPS: 30})
	r.step = func(*Runner) { panic("boom") }
	go r.loop()
	next(t, r)
	r.Step()
	drain(t, r)
	if err := r.Err(); err == nil || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("Err = %v, want the panic", err)
	}
	if _, err := r.Apply(pipeline.Change{}); !errors.Is(err, backends.ErrRunEnded) {
		t.Fatalf("Apply after the end: %v", err)
	}
}

func TestStopAndIDs(t *testing.T) {
	b := New(Options{Speed: 1})
	r1, err := b.Start(context.Background(), load(t))
	if err != nil {
		t.Fatal(err)
	}
	r2, err := b.Start(context.Background(), load(t))
	if err != nil {
		t.Fatal(err)
	}
	if r1.ID() == r2.ID() {
		t.Fatal("two runs share an id")
	}
	r1.Stop()
	r1.Stop() // twice is fine
	drain(t, r1)
	if _, err := r1.Apply(pipeline.Change{}); !errors.Is(err, backends.ErrRunEnded) {
		t.Fatalf("Apply after Stop: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r3, err := b.Start(ctx, load(t))
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	drain(t, r3)
	r2.Stop()
}

// TestAppliedTimeReplays checks the promise of Apply's time: a timeline entry
// at that time gives the same run headlessly.
func TestAppliedTimeReplays(t *testing.T) {
	sc := load(t)
	r, err := New(Options{Paused: true}).Start(context.Background(), sc)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Stop()
	next(t, r)
	for range 17 {
		r.Step()
		next(t, r)
	}
	a, _ := sc.ParseAssignment("clicks.shards", "1")
	ch := pipeline.Change{Set: []pipeline.Assignment{a}}
	at, err := r.Apply(ch)
	if err != nil {
		t.Fatal(err)
	}
	r.SetSpeed(0)
	r.Resume()
	live, _ := drain(t, r)

	replay := sc.Clone()
	ch.At = at
	replay.Timeline = append([]pipeline.Change{ch}, replay.Timeline...)
	e, err := simengine.New(replay)
	if err != nil {
		t.Fatal(err)
	}
	e.RunToEnd()
	want := e.Snapshot().Pipeline
	if live.Pipeline != want {
		t.Fatalf("live run %+v\nreplay   %+v", live.Pipeline, want)
	}
	// The snapshot carries the run's metrics, as a headless run reports them:
	// what a lesson's checks read in the TUI and in run --lesson.
	res := e.Result().Metrics
	if len(live.Metrics) == 0 || len(live.Metrics) != len(res) {
		t.Fatalf("the last snapshot has %d metrics, the engine %d", len(live.Metrics), len(res))
	}
	for k, v := range res {
		if got, ok := live.Metric(k); ok && got != v || !ok && !math.IsNaN(v) {
			t.Errorf("%s: snapshot %v, engine %v", k, got, v)
		}
	}
}

func TestPanicDuringApplyEndsTheCall(t *testing.T) {
	sc := load(t)
	eng, err := NewRunner(sc, RunnerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	r := newRun(context.Background(), 8, eng, Options{Paused: true, Clock: realClock{}, MaxFPS: 30})
	r.change = func(*Runner, pipeline.Change) error { panic("bad change") }
	go r.loop()
	next(t, r)
	_, err = r.Apply(pipeline.Change{})
	if !errors.Is(err, backends.ErrRunEnded) || !strings.Contains(err.Error(), "bad change") {
		t.Fatalf("Apply during a panic: %v", err)
	}
	drain(t, r)
}

// TestStopWaitsForOneSlowTickOnly: with ticks that take 100 ms each (a
// stand-in for a scenario whose every step is slow), Stop returns once the
// tick under way ends, not after the loop's slice of sixteen (issue 24: a
// quit waited for the stuck run).
func TestStopWaitsForOneSlowTickOnly(t *testing.T) {
	eng, err := NewRunner(load(t), RunnerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	r := newRun(context.Background(), 1, eng, Options{Clock: realClock{}, MaxFPS: 30})
	started := make(chan struct{}, 1)
	r.step = func(e *Runner) {
		select {
		case started <- struct{}{}:
		default:
		}
		time.Sleep(100 * time.Millisecond)
		e.Step()
	}
	go r.loop()
	<-started
	t0 := time.Now()
	r.Stop()
	if took := time.Since(t0); took > 400*time.Millisecond {
		t.Fatalf("Stop took %v with 100 ms ticks; want it to wait for the tick under way only", took)
	}
}

// TestOutOfMemoryStopsTheRun: past 90% of its memory limit a run ends with
// an error that says out of memory and how much, not with a crash.
func TestOutOfMemoryStopsTheRun(t *testing.T) {
	var used atomic.Uint64
	used.Store(100 << 20)
	b := New(Options{Paused: true, MemoryLimit: 1 << 30, MemorySource: "cgroup memory.max", MemoryInUse: used.Load})
	r, err := b.Start(context.Background(), load(t))
	if err != nil {
		t.Fatal(err)
	}
	next(t, r)
	r.Step()
	next(t, r)
	used.Store(950 << 20)
	r.Step()
	last, _ := drain(t, r)
	err = r.Err()
	if !errors.Is(err, backends.ErrOutOfMemory) {
		t.Fatalf("Err = %v, want out of memory", err)
	}
	for _, want := range []string{"out of memory", "950.0 MiB", "1.0 GiB available (cgroup memory.max)", "needs about"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q does not say %q", err, want)
		}
	}
	if last.Done {
		t.Error("the run says it finished")
	}
}

// TestEstimateMatchesTheEngine: the backend's estimate is the engine's.
func TestEstimateMatchesTheEngine(t *testing.T) {
	c, err := New(Options{}).Estimate(context.Background(), load(t))
	if err != nil {
		t.Fatal(err)
	}
	want, _ := simengine.Estimate(load(t))
	if c.Time != want.Time || c.Bytes != want.Bytes || c.What == "" || c.NeedsConfirm() {
		t.Fatalf("Estimate = %+v, engine says %+v", c, want)
	}
}

// A limit holds the run's clock exactly where it is set, at any speed, with a
// snapshot of that moment; raising it lets the run go on, lifting it lets the
// run end.
func TestLimitHoldsTheClock(t *testing.T) {
	r, err := New(Options{Paused: true}).Start(context.Background(), load(t))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Stop()
	l := r.(backends.Limiter)
	next(t, r)
	l.SetLimit(45 * time.Second)
	r.SetSpeed(0)
	r.Resume()
	at := func(want time.Duration) {
		t.Helper()
		for {
			s := next(t, r)
			if s.Time > want || s.Done {
				t.Fatalf("the run went past %s: %s (done %v)", want, s.Time, s.Done)
			}
			if s.Time == want {
				return
			}
		}
	}
	at(45 * time.Second)
	select {
	case s := <-r.Snapshots():
		t.Fatalf("a snapshot past the limit: %s", s.Time)
	case <-time.After(100 * time.Millisecond):
	}
	l.SetLimit(90 * time.Second)
	at(90 * time.Second)
	l.SetLimit(-1)
	if last, _ := drain(t, r); !last.Done || last.Time != 2*time.Minute {
		t.Fatalf("lifted: the run ended at %s (done %v)", last.Time, last.Done)
	}
}
