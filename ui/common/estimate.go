package common

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/streamsim/streamsim/backends"
	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/pipeline/advice"
)

// Estimate is what a short simulation of a scenario says about it: the
// builder's status line ("est. $412/mo · p99 ≈ 2.1 s · 1 finding: …").
type Estimate struct {
	Simulated   time.Duration // how much of the scenario was simulated
	CostMonthly float64       // dollars per month at the load simulated
	P99         float64       // end-to-end latency, seconds
	Delivered   float64       // records delivered: 0 means P99 says nothing yet
	Findings    []Finding     // most severe first; within a severity, design flags first
}

// Finding is one thing the advisor says about a scenario: a flag of
// advice.Select (the design cannot meet its requirements) or a finding of a
// Diagnoser (the simulation showed it).
type Finding struct {
	Severity string // pipeline.SeverityInfo, SeverityWarning or SeverityCritical
	Node     string // "" for the whole pipeline
	Problem  string
	Fix      string
}

// Estimator runs a short simulation of sc. It must return soon after ctx is
// cancelled, and never modify sc. The builder calls it from a command.
type Estimator func(ctx context.Context, sc *pipeline.Scenario) (Estimate, error)

// Estimate limits: at most this much simulated time, in at most this many
// ticks, and nothing a backend estimates at more than EstimateMaxTime.
const (
	EstimateSpan     = 10 * time.Minute
	EstimateMaxTicks = 2000
	EstimateMaxTime  = 5 * time.Second
)

// SimEstimator returns an Estimator that runs the scenario on b, a simulator
// backend whose runs start paused, for at most span of simulated time and
// maxTicks ticks. It steps the run one tick at a time and gives every
// snapshot to a Diagnoser, so the same scenario always gives the same
// estimate.
func SimEstimator(b backends.Backend, span time.Duration, maxTicks int) Estimator {
	return func(ctx context.Context, sc *pipeline.Scenario) (Estimate, error) {
		short := sc.Clone()
		tick := short.Tick
		if tick <= 0 {
			tick = time.Second
		}
		short.Duration = min(short.Duration, span, tick*time.Duration(maxTicks))
		if est, ok := b.(backends.Estimator); ok {
			// Every edit asks for an estimate: never a big simulation for it.
			c, err := est.Estimate(ctx, short)
			if err != nil {
				return Estimate{}, err
			}
			if c.Time > EstimateMaxTime || c.NeedsConfirm() {
				return Estimate{}, fmt.Errorf("too big to sample while you edit (%s of it would take %s); r runs it", pipeline.FormatDuration(short.Duration), c)
			}
		}
		r, err := b.Start(ctx, short)
		if err != nil {
			return Estimate{}, err
		}
		defer r.Stop()
		r.Pause()
		// The diagnoser gets the whole scenario: advice that capacity can
		// shrink then counts the peaks the short run did not reach.
		d := advice.NewDiagnoser(sc)
		var last pipeline.Snapshot
		for {
			var s pipeline.Snapshot
			var ok bool
			select {
			case s, ok = <-r.Snapshots():
			case <-ctx.Done():
				return Estimate{}, ctx.Err()
			}
			if !ok {
				// A cancelled context also closes the run's snapshots: say so
				// rather than that the simulation stopped early.
				if err := ctx.Err(); err != nil {
					return Estimate{}, err
				}
				if err := r.Err(); err != nil {
					return Estimate{}, err
				}
				break
			}
			d.Observe(s)
			last = s
			if s.Done {
				break
			}
			r.Step()
		}
		if !last.Done {
			return Estimate{}, errors.New("the simulation stopped early")
		}
		d.Finish(nil)
		e := Estimate{Simulated: last.Time, CostMonthly: last.Pipeline.CostMonthly, P99: last.Pipeline.LatencyP99, Delivered: last.Pipeline.Delivered}
		// A design flag on a node the simulation also found trouble with (as
		// severe or worse) says the same thing without the measured numbers:
		// keep the simulation's finding only, so nothing is counted twice.
		shown := map[string]int{}
		for _, f := range d.List() {
			shown[f.Node] = max(shown[f.Node], SeverityRank(f.Severity)+1)
		}
		for _, rec := range advice.Select(sc) {
			if rec.Kind == advice.KindFlag && (rec.Node == "" || shown[rec.Node] < SeverityRank(rec.Severity)+1) {
				e.Findings = append(e.Findings, Finding{Severity: rec.Severity, Node: rec.Node, Problem: rec.Why, Fix: rec.Choice})
			}
		}
		for _, f := range d.List() {
			e.Findings = append(e.Findings, Finding{Severity: f.Severity, Node: f.Node, Problem: f.Problem, Fix: f.Fix})
		}
		slices.SortStableFunc(e.Findings, func(a, b Finding) int { return SeverityRank(b.Severity) - SeverityRank(a.Severity) })
		return e, nil
	}
}

// SeverityRank orders severities: critical 2, warning 1, anything else 0.
func SeverityRank(s string) int {
	switch s {
	case pipeline.SeverityCritical:
		return 2
	case pipeline.SeverityWarning:
		return 1
	}
	return 0
}

// String writes the estimate's numbers in one line, for logs and tests.
func (e Estimate) String() string {
	return fmt.Sprintf("est. %s · p99 %s · %d finding(s) over %s", Money(e.CostMonthly), Seconds(e.P99), len(e.Findings), pipeline.FormatDuration(e.Simulated))
}
