package cmd

import (
	"sync"

	simbackend "github.com/streamsim/streamsim/backends/sim"
	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/pipeline/advice"
)

// How a size search on several workers runs its simulations: each tells
// the search of a target missed for good as soon as it is, and the
// simulations running at once share the process's memory.

// memBudget shares the memory the process may use among the simulations a
// search runs at once, by their estimates: a simulation starts when the
// others leave room for it (or when it is alone).
type memBudget struct {
	mu     sync.Mutex
	free   *sync.Cond
	room   float64 // bytes: 80% of the limit; 0: no limit known
	used   float64
	active int
}

func newMemBudget(limit uint64) *memBudget {
	b := &memBudget{room: 0.8 * float64(limit)}
	b.free = sync.NewCond(&b.mu)
	return b
}

// take waits until need fits beside what the others use, or until stopped
// says the simulation is no longer needed (then it returns false). Stopped
// is asked whenever another simulation ends.
func (b *memBudget) take(need float64, stopped func() bool) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	for b.room > 0 && b.active > 0 && b.used+need > b.room {
		if stopped() {
			return false
		}
		b.free.Wait()
	}
	b.used += need
	b.active++
	return true
}

// give returns what take took.
func (b *memBudget) give(need float64) {
	b.mu.Lock()
	b.used -= need
	b.active--
	b.mu.Unlock()
	b.free.Broadcast()
}

// earlyEvery is how often, in ticks, an evaluation of a search on several
// workers first looks for a target it has missed for good; after likelyAfter
// looks that found none, it tells the search that the value will likely
// hold (most failures show at once), and from then on looks at twice the
// ticks of its last look: the metrics cost a few microseconds, and a day
// looked at every 16 ticks spent a tenth of its time on them.
const (
	earlyEvery  = 16
	likelyAfter = 2
)

// searchStep is what a size evaluation on several workers does after each
// tick: it ends when the search no longer needs it, and tells the search as
// soon as it sees a target on a running total missed for good (the total
// only grows), so that the search moves on while the run finishes.
func searchStep(targets []pipeline.Expectation, call *advice.Call) func(*simbackend.Runner) error {
	told := false
	next := int64(earlyEvery) // the tick of the next look
	return func(rn *simbackend.Runner) error {
		if call.Stopped() {
			return advice.ErrStopped
		}
		tick := rn.Tick()
		if told || tick < next {
			return nil
		}
		next = nextLook(tick)
		if missedForGood(targets, rn.Metrics()) {
			call.Decided(false)
			told = true
		} else if tick >= likelyAfter*earlyEvery {
			call.Likely()
		}
		return nil
	}
}

// nextLook is the tick of the look after one at tick: every earlyEvery
// ticks until the value is likely to hold, then at twice the ticks.
func nextLook(tick int64) int64 {
	if tick < likelyAfter*earlyEvery {
		return tick + earlyEvery
	}
	return 2 * tick
}

// capsTotal reports whether t caps a running total (<, <= or ==): the
// total only grows, so once it passes the cap the target is missed for good.
func capsTotal(t pipeline.Expectation) bool {
	return pipeline.Cumulative(t.Metric) && (t.Op == "<" || t.Op == "<=" || t.Op == "==")
}

// missedForGood reports whether a target on a running total is already
// missed whatever the rest of the run does: above a bound, or above the
// value it must equal.
func missedForGood(targets []pipeline.Expectation, m map[string]float64) bool {
	for _, t := range targets {
		v, ok := m[t.Metric]
		if ok && capsTotal(t) && !t.Holds(v) && (t.Op != "==" || v > t.Value) {
			return true
		}
	}
	return false
}

// failEarly reports whether every failure shows before a run ends: each
// target caps a running total, so a run misses the targets as soon as one
// is over its cap (== misses only by going over when the value is 0, as
// counts are never below 0).
func failEarly(targets []pipeline.Expectation) bool {
	for _, t := range targets {
		if !capsTotal(t) || (t.Op == "==" && t.Value > 0) {
			return false
		}
	}
	return len(targets) > 0
}
