package sim

import (
	"math"
	"time"

	"github.com/streamsim/streamsim/backends"
	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/pipeline/advice"
	simengine "github.com/streamsim/streamsim/sim"
)

// Runner is one simulated run of a scenario, stepped a tick at a time: the
// engine and the advisor that watches it. Every simulation in streamsim
// goes through a Runner: `streamsim run` and the commands that simulate step
// it to the end themselves; the TUI's runs (Backend.Start) step it from
// their paced loop. The advisor looks at the run on a grid of ticks fixed
// by the scenario alone (see advisor), inside the Runner, so whoever steps
// it, at whatever pace, the advisor sees the same snapshots and the findings
// are the same.
//
// A Runner is not safe for concurrent use: one goroutine steps it.
type Runner struct {
	eng *simengine.Engine
	adv *advisor // nil without advice
}

// RunnerOptions tune a Runner. The zero value runs with the advisor.
type RunnerOptions struct {
	// NoAdvice leaves the advisor out, for callers that read the metrics
	// only (a sweep's thousands of runs).
	NoAdvice bool
}

// NewRunner builds the engine for sc (the scenario is copied) and its
// advisor. An unrunnable scenario is an error.
func NewRunner(sc *pipeline.Scenario, o RunnerOptions) (*Runner, error) {
	eng, err := simengine.New(sc)
	if err != nil {
		return nil, err
	}
	r := &Runner{eng: eng}
	if !o.NoAdvice {
		r.adv = newAdvisor(eng.Scenario(), r.Ticks())
	}
	return r, nil
}

// Estimate predicts what the rest of the run costs.
func (r *Runner) Estimate() backends.Cost { return Cost(r.eng.Estimate()) }

// Scenario is the scenario as the run has it now (timeline changes and
// applied changes included). Do not modify it.
func (r *Runner) Scenario() *pipeline.Scenario { return r.eng.Scenario() }

// Step runs one tick, shows it to the advisor, and finishes the advisor's
// diagnosis with the run's metrics once the run is done.
func (r *Runner) Step() {
	if r.eng.Done() {
		return
	}
	r.eng.Step()
	if r.adv != nil {
		r.adv.observe(r)
	}
}

// Done reports whether the run has reached its end.
func (r *Runner) Done() bool { return r.eng.Done() }

// Now is the simulated time.
func (r *Runner) Now() time.Duration { return r.eng.Now() }

// Duration is the simulated length of the run (whole ticks).
func (r *Runner) Duration() time.Duration { return r.eng.Duration() }

// Tick is the ticks done.
func (r *Runner) Tick() int64 { return r.eng.Tick() }

// Ticks is the ticks of the whole run.
func (r *Runner) Ticks() int64 {
	return int64(math.Round(r.eng.Duration().Seconds() / r.tickLen().Seconds()))
}

func (r *Runner) tickLen() time.Duration {
	if t := r.eng.Scenario().Tick; t > 0 {
		return t
	}
	return time.Second
}

// Snapshot is the run now: running totals (rates come from two snapshots,
// pipeline.Snapshot.RatesSince). It is a pure read: taking it changes
// nothing the advisor or a report sees.
func (r *Runner) Snapshot() pipeline.Snapshot { return r.eng.Snapshot() }

// Findings are the advisor's findings so far, as a snapshot carries them
// (nil without advice).
func (r *Runner) Findings() []pipeline.Finding {
	if r.adv == nil {
		return nil
	}
	return r.adv.d.Snapshot()
}

// Metrics are the run's metrics so far, by the names `streamsim metrics`
// lists.
func (r *Runner) Metrics() map[string]float64 { return r.eng.Result().Metrics }

// Events are what happened in the run so far, in order. Do not modify them.
func (r *Runner) Events() []pipeline.Event { return r.eng.Events() }

// Apply makes a change now (pipeline.Change, as a timeline entry does). A
// change the engine refuses is an error and changes nothing. The advisor
// hears either way: a change made reaches its settings, so its rules read
// them; a refusal is one of its findings.
func (r *Runner) Apply(c pipeline.Change) error {
	err := r.eng.Apply(c)
	if r.adv != nil {
		c.At = r.eng.Now()
		r.adv.d.Changed(c, err)
	}
	return err
}

// Outcome is what a whole run gives: its metrics, the advisor's findings,
// its events and its simulated length.
type Outcome struct {
	Metrics  map[string]float64
	Advice   []pipeline.Advice  // the findings as a report lists them; nil without advice
	Findings []pipeline.Finding // the same, with rule names and fixes apart
	Events   []pipeline.Event
	Length   time.Duration // simulated time (whole ticks)
	// Last is the snapshot taken at the end, its rates averaged over the
	// whole run.
	Last pipeline.Snapshot
}

// Finish ends the run where it stands and returns its outcome; the advisor
// judges the run with its final metrics. Call it once, when Done.
func (r *Runner) Finish() Outcome {
	m := r.Metrics()
	o := Outcome{Metrics: m, Events: append([]pipeline.Event(nil), r.eng.Events()...), Length: r.eng.Duration()}
	if r.adv != nil {
		r.adv.finish(m)
		o.Advice, o.Findings = r.adv.d.Findings(), r.adv.d.Snapshot()
	}
	o.Last = r.Snapshot()
	o.Last.RatesSince(nil)
	return o
}

// Release gives the run's memory back for the process's next run; the
// Runner must not be used after.
func (r *Runner) Release() { r.eng.Release() }

// PoolBuffers makes the process's runs reuse each other's memory
// (the engine's PoolBuffers): for commands that run many.
func PoolBuffers() { simengine.PoolBuffers() }

// RunToEnd runs sc from start to end on a Runner (no pacing, no memory
// watch): the outcome a report of the scenario is made of.
func RunToEnd(sc *pipeline.Scenario, o RunnerOptions) (Outcome, error) {
	r, err := NewRunner(sc, o)
	if err != nil {
		return Outcome{}, err
	}
	for !r.Done() {
		r.Step()
	}
	out := r.Finish()
	r.Release()
	return out, nil
}

// GridRows is the most rows a run's sample grid has: `run --csv` writes a
// row, and the advisor and a run's history may sample, only at the grid's
// ticks.
const GridRows = 100_000

// GridStride is the ticks between two rows of the sample grid of a run of
// ticks ticks.
func GridStride(ticks int64) int64 { return max(1, (ticks+GridRows-1)/GridRows) }

// adviceSamples bounds the snapshots the advisor looks at in one run.
const adviceSamples = 400

// advisor is the Runner's diagnoser and the ticks at which it looks.
//
// Snapshot rates are averages since an earlier snapshot. The advisor
// samples every `every` ticks on the grid (and at the end), and at the grid
// tick just before each sample takes the snapshot the sample's rates are
// measured from: every sample's rates cover exactly the last stride ticks,
// as the rows of `run --csv` do.
type advisor struct {
	d                    *advice.Diagnoser
	stride, every, ticks int64
	rates                pipeline.Rater
	finished             bool
}

func newAdvisor(sc *pipeline.Scenario, ticks int64) *advisor {
	stride := GridStride(ticks)
	rows := (ticks + stride - 1) / stride
	k := max(1, (rows+adviceSamples-1)/adviceSamples)
	return &advisor{d: advice.NewDiagnoser(sc), stride: stride, every: stride * k, ticks: ticks}
}

func (a *advisor) sampleAt(t int64) bool { return t%a.every == 0 || t >= a.ticks }

// resetAt reports whether t is the grid tick just before the next sample.
func (a *advisor) resetAt(t int64) bool {
	if t%a.stride != 0 || a.sampleAt(t) {
		return false
	}
	next := min((t/a.every+1)*a.every, a.ticks)
	return (next-1)/a.stride*a.stride == t
}

// observe is called after every tick.
func (a *advisor) observe(r *Runner) {
	t := r.eng.Tick()
	switch {
	case a.sampleAt(t) || r.eng.Done():
		a.d.Observe(a.rates.Next(r.eng.Snapshot()))
	case a.resetAt(t):
		a.rates.Next(r.eng.Snapshot())
	}
	if r.eng.Done() {
		a.finish(r.Metrics())
	}
}

// finish judges the whole run with its final metrics, once.
func (a *advisor) finish(metrics map[string]float64) {
	if !a.finished {
		a.finished = true
		a.d.Finish(metrics)
	}
}
