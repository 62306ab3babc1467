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
