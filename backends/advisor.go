package backends

import (
	"sync"

	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/pipeline/advice"
)

// Advisor is the advisor a run keeps with it (advice.Diagnoser): it looks
// at the run's snapshots as the run publishes them, is told of every change
// the run makes, and puts its findings so far in each snapshot, so that
// whoever draws the run shows what the advisor found however fast it reads.
// The simulator's Runner keeps its own, on the engine's grid of ticks; the
// aws backend and the fake use this one. It is safe for concurrent use: a
// run publishes on its goroutine and applies changes on the caller's.
type Advisor struct {
	mu       sync.Mutex
	d        *advice.Diagnoser
	finished bool
}

// NewAdvisor returns an advisor for runs of sc (the scenario is copied).
func NewAdvisor(sc *pipeline.Scenario) *Advisor {
	return &Advisor{d: advice.NewDiagnoser(sc)}
}

// Observe shows s to the advisor and sets s.Findings to its findings so
// far. A snapshot that already carries findings is left as it is.
func (a *Advisor) Observe(s *pipeline.Snapshot) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if s.Findings != nil {
		return
	}
	if !a.finished {
		a.d.Observe(*s)
	}
	s.Findings = a.d.Snapshot()
}

// Changed tells the advisor how a change the run was asked to make went
// (err is what the run's Apply returns): what was made reaches its
// settings, a refusal is a finding (advice.Diagnoser.Changed).
func (a *Advisor) Changed(c pipeline.Change, err error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.d.Changed(c, err)
}

// Finish judges the whole run with its final metrics (nil: the last
// snapshot's), once, and returns the findings as a report lists them.
func (a *Advisor) Finish(metrics map[string]float64) []pipeline.Advice {
	a.mu.Lock()
	defer a.mu.Unlock()
	if !a.finished {
		a.finished = true
		a.d.Finish(metrics)
	}
	return a.d.Findings()
}

// Findings are the findings so far, as a snapshot carries them.
func (a *Advisor) Findings() []pipeline.Finding {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.d.Snapshot()
}
