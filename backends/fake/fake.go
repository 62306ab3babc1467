// Package fake is a backend for tests: runs that do nothing by themselves.
// The test pushes snapshots with Send, and every call a UI makes (pause,
// speed, step, apply, stop) is recorded for it to check. Like every
// backend's run, a fake run keeps an advisor (backends.Advisor) that reads
// the snapshots sent and puts its findings in them.
package fake

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/streamsim/streamsim/backends"
	"github.com/streamsim/streamsim/pipeline"
)

// Backend starts fake runs and remembers them.
type Backend struct {
	mu   sync.Mutex
	runs []*Run
	// Err, when set, makes Start fail.
	Err error
}

var _ backends.Backend = (*Backend)(nil)

// Start implements backends.Backend.
func (b *Backend) Start(_ context.Context, sc *pipeline.Scenario) (backends.Run, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.Err != nil {
		return nil, b.Err
	}
	r := &Run{id: int64(len(b.runs) + 1), sc: sc.Clone(), out: make(chan pipeline.Snapshot, 1), adv: backends.NewAdvisor(sc)}
	b.runs = append(b.runs, r)
	return r, nil
}

// Runs returns the runs started so far.
func (b *Backend) Runs() []*Run {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.runs)
}

// Run is a fake run.
type Run struct {
	id  int64
	sc  *pipeline.Scenario
	out chan pipeline.Snapshot
	adv *backends.Advisor

	mu      sync.Mutex
	calls   []string
	applied []pipeline.Change
	now     time.Duration
	stopped bool
	closed  bool
	// ApplyErr, when set, makes Apply fail.
	ApplyErr error
}

var (
	_ backends.Run     = (*Run)(nil)
	_ backends.Limiter = (*Run)(nil)
)

func (r *Run) record(format string, args ...any) {
	r.mu.Lock()
	r.calls = append(r.calls, fmt.Sprintf(format, args...))
	r.mu.Unlock()
}

// Scenario is what the run was started with.
func (r *Run) Scenario() *pipeline.Scenario { return r.sc }

// Calls lists the control calls made, in order: "pause", "resume",
// "speed 60", "step", "stop", "limit 30s".
func (r *Run) Calls() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.calls)
}

// Applied lists the changes applied, with At set.
func (r *Run) Applied() []pipeline.Change {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.applied)
}

// Send stamps s with the run's id and makes it the next snapshot (replacing
// one not yet read). Apply reports s.Time as the time of a change.
func (r *Run) Send(s pipeline.Snapshot) pipeline.Snapshot {
	r.mu.Lock()
	defer r.mu.Unlock()
	s.RunID = r.id
	r.now = s.Time
	if r.adv != nil {
		r.adv.Observe(&s)
		if s.Done {
			r.adv.Finish(s.Metrics)
			s.Findings = r.adv.Findings()
		}
	}
	select {
	case <-r.out:
	default:
	}
	r.out <- s
	return s
}

// Close ends the snapshots.
func (r *Run) Close() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.closed {
		r.closed = true
		close(r.out)
	}
}

// ID implements backends.Run.
func (r *Run) ID() int64 { return r.id }

// Snapshots implements backends.Run.
func (r *Run) Snapshots() <-chan pipeline.Snapshot { return r.out }

// Apply implements backends.Run.
func (r *Run) Apply(c pipeline.Change) (time.Duration, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stopped {
		return 0, backends.ErrRunEnded
	}
	c.At = r.now
	if r.adv != nil {
		r.adv.Changed(c, r.ApplyErr)
	}
	if r.ApplyErr != nil {
		return 0, r.ApplyErr
	}
	r.applied = append(r.applied, c)
	return r.now, nil
}

// Pause implements backends.Run.
func (r *Run) Pause() { r.record("pause") }

// Resume implements backends.Run.
func (r *Run) Resume() { r.record("resume") }

// SetSpeed implements backends.Run.
func (r *Run) SetSpeed(x float64) { r.record("speed %g", x) }

// Step implements backends.Run.
func (r *Run) Step() { r.record("step") }

// SetLimit implements backends.Limiter: "limit 1m30s", or "limit none".
func (r *Run) SetLimit(t time.Duration) {
	if t < 0 {
		r.record("limit none")
		return
	}
	r.record("limit %s", t)
}

// Stop implements backends.Run.
func (r *Run) Stop() {
	r.record("stop")
	r.mu.Lock()
	r.stopped = true
	r.mu.Unlock()
	r.Close()
}

// Err implements backends.Run.
func (r *Run) Err() error { return nil }

// Stopped reports whether Stop was called.
func (r *Run) Stopped() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.stopped
}
