package cmd

// The CSV time series of `run --csv`: a row per grid stride of ticks.

import (
	"encoding/csv"
	"math"
	"strconv"

	simbackend "github.com/streamsim/streamsim/backends/sim"
	"github.com/streamsim/streamsim/pipeline"
)

// series writes the CSV time series from the engine's snapshots.
type series struct {
	w      *csv.Writer
	stride int64 // ticks per row
	tick   int64
	row    []string
	rates  pipeline.Rater
}

func newSeries(out *output, s *pipeline.Scenario, rn *simbackend.Runner) (*series, error) {
	if out == nil {
		return &series{}, nil
	}
	sr := &series{w: csv.NewWriter(out.w), stride: simbackend.GridStride(rn.Ticks())}
	header := []string{"time_s"}
	for _, n := range s.Nodes {
		header = append(header, n.ID+".in_per_s", n.ID+".out_per_s", n.ID+".throttled_per_s",
			n.ID+".lag_records", n.ID+".iterator_age_s")
	}
	header = append(header, "pipeline.latency_p99_s")
	sr.row = make([]string, 0, len(header))
	return sr, sr.w.Write(header)
}

// step writes a row after every stride-th tick and after the last one.
func (sr *series) step(e *simbackend.Runner) error {
	if sr.w == nil {
		return nil
	}
	sr.tick++
	if sr.tick%sr.stride != 0 && !e.Done() {
		return nil
	}
	snap := sr.rates.Next(e.Snapshot()) // rates since the previous row
	row := append(sr.row[:0], csvNum(math.Round(snap.Time.Seconds()*1000)/1000))
	for _, n := range snap.Nodes {
		row = append(row,
			csvNum(pipeline.RoundMetric(pipeline.UnitCount, n.InRate)),
			csvNum(pipeline.RoundMetric(pipeline.UnitCount, n.OutRate)),
			csvNum(pipeline.RoundMetric(pipeline.UnitCount, n.Throttled)),
			csvNum(pipeline.RoundMetric(pipeline.UnitCount, n.Lag)),
			csvNum(pipeline.RoundMetric(pipeline.UnitSeconds, n.IterAge)))
	}
	row = append(row, csvNum(pipeline.RoundMetric(pipeline.UnitSeconds, snap.Pipeline.LatencyP99)))
	return sr.w.Write(row)
}

func (sr *series) flush() error {
	if sr.w == nil {
		return nil
	}
	sr.w.Flush()
	return sr.w.Error()
}

// csvNum writes a number for the CSV; NaN and Inf leave the cell empty.
func csvNum(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return ""
	}
	if v == 0 {
		return "0"
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}
