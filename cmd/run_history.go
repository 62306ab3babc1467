package cmd

import (
	simbackend "github.com/streamsim/streamsim/backends/sim"
	"github.com/streamsim/streamsim/pipeline"
)

// historySamples bounds the snapshots a run's history takes (the History
// itself keeps at most pipeline.HistoryBuckets buckets).
const historySamples = 4096

// historyTaker builds the run's History for --html and --series. It takes
// snapshots only on the CSV's grid, as the advisor does (simbackend.GridStride),
// so neither the advice nor the CSV changes with these flags.
type historyTaker struct {
	h            *pipeline.History
	every, ticks int64
	rates        pipeline.Rater // each sample's rates since the one before
}

// newHistoryTaker returns nil when no history is wanted.
func newHistoryTaker(rn *simbackend.Runner, on bool) *historyTaker {
	if !on {
		return nil
	}
	ticks := rn.Ticks()
	stride := simbackend.GridStride(ticks) // as newSeries
	rows := (ticks + stride - 1) / stride
	k := max(1, (rows+historySamples-1)/historySamples)
	return &historyTaker{h: &pipeline.History{}, every: stride * k, ticks: ticks}
}

// step is called after every engine step.
func (t *historyTaker) step(e *simbackend.Runner) {
	if t != nil && (e.Tick()%t.every == 0 || e.Done()) {
		t.h.Add(t.rates.Next(e.Snapshot()))
	}
}

// history is what was taken, or nil.
func (t *historyTaker) history() *pipeline.History {
	if t == nil {
		return nil
	}
	return t.h
}
