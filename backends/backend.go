// Package backends runs scenarios behind one small interface: start a run,
// read its snapshots, steer it with changes, pace it, stop it.
//
// backends/sim wraps the deterministic engine of package sim; a real-AWS
// backend will satisfy the same interface. Methods return plain Go values and
// errors, never tea messages: the UI adapts them into its own messages.
//
// Imports: the standard library, pipeline, and (in sub-packages) sim or the
// AWS SDK. Nothing here may import ui or cmd.
package backends

import (
	"context"
	"errors"
	"runtime/metrics"
	"strconv"
	"time"

	"github.com/streamsim/streamsim/pipeline"
)

// ErrRunEnded is returned by Run.Apply once the run has finished or stopped.
var ErrRunEnded = errors.New("the run has ended")

// Backend starts runs of a scenario.
type Backend interface {
	// Start begins a run of sc. The run goes on until it reaches the scenario's
	// duration, ctx is cancelled, or Stop is called. sc is not modified.
	Start(ctx context.Context, sc *pipeline.Scenario) (Run, error)
}

// Run is one execution of a scenario.
//
// Pause, Resume, SetSpeed and Step never wait for the engine: they record what
// is wanted and wake the run, so a UI may call them from its event loop. Apply
// and Stop wait for the engine and belong in a goroutine (a tea.Cmd).
type Run interface {
	// ID identifies the run; every snapshot carries it as RunID.
	ID() int64
	// Snapshots delivers the run's state. The channel is bounded and keeps only
	// the latest snapshot, so a slow reader never holds the run back; events of
	// snapshots that were replaced are carried into the next one. It is closed
	// after the last snapshot (Done set) or when the run stops.
	Snapshots() <-chan pipeline.Snapshot
	// Apply makes a change now and returns the run's time at which it took
	// effect: a timeline entry at that time replays it exactly.
	Apply(c pipeline.Change) (time.Duration, error)
	// Pause stops the clock; Resume starts it again.
	Pause()
	Resume()
	// SetSpeed sets how many simulated seconds pass per wall-clock second;
	// 0 or +Inf mean as fast as possible.
	SetSpeed(x float64)
	// Step advances one tick while paused (ignored while running).
	Step()
	// Stop ends the run and waits until it has stopped. Safe to call twice.
	Stop()
	// Err says why the run ended early (nil after a normal end or Stop).
	// Valid once the Snapshots channel is closed.
	Err() error
}

// Cost is what a run is expected to take on this machine, said before it
// starts: processor time and peak memory.
type Cost struct {
	Time  time.Duration // on one core
	Bytes float64       // peak resident memory
	// What says what the figures grow with, e.g. "100,000 shards × 2 readers × 600 ticks".
	What string
}

// The bound above which a run should be confirmed before it starts (the CLI's
// --yes, the TUI's question): about a minute of processor time or a
// gigabyte of memory.
const (
	ConfirmTime  = time.Minute
	ConfirmBytes = 1 << 30
)

// NeedsConfirm reports whether the run is above the bound.
func (c Cost) NeedsConfirm() bool { return c.Time > ConfirmTime || c.Bytes > ConfirmBytes }

// String writes the cost as "about 3m10s and 2.1 GiB".
func (c Cost) String() string {
	return "about " + TimeText(c.Time) + " and " + pipeline.ApproxSize(c.Bytes)
}

// TimeText writes a predicted time as an estimate can tell it: "0.4s",
// "3m10s", "2h5m".
func TimeText(d time.Duration) string {
	switch {
	case d < 10*time.Second:
		return strconv.FormatFloat(d.Seconds(), 'f', 1, 64) + "s"
	case d < time.Hour:
		return pipeline.FormatDuration(d.Round(time.Second))
	}
	return pipeline.FormatDuration(d.Round(time.Minute))
}

// Estimator is a Backend that can say what a run will cost before starting it.
type Estimator interface {
	Estimate(ctx context.Context, sc *pipeline.Scenario) (Cost, error)
}

// ErrOutOfMemory is the error of a run stopped because the process neared
// the memory it may use; the run's Err wraps it with the figures.
var ErrOutOfMemory = errors.New("out of memory")

// MemoryInUse is the memory the Go runtime holds from the operating system
// (mapped and not returned), about the process's resident size: what a
// memory limit counts. It reads runtime/metrics, which costs a microsecond.
func MemoryInUse() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 || s[1].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64() - s[1].Value.Uint64()
}

// Limiter is a Run that can hold its clock at a moment of the run without
// pausing: it runs up to the limit and waits there until the limit is raised
// (or lifted). A UI that judges the run from its snapshots (a lesson's
// steps) keeps the run from getting ahead of it, at any speed, and stops it
// exactly at a moment it must see. Like Pause, SetLimit never waits for the
// engine.
type Limiter interface {
	// SetLimit holds the run at t; a negative t lifts the limit.
	SetLimit(t time.Duration)
}
