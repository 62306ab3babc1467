package pipeline

import (
	"testing"
	"time"
)

func snap(t time.Duration, in, lost float64, units ...float64) Snapshot {
	return Snapshot{Time: t, Nodes: []NodeSnapshot{{ID: "s", Service: "kinesis-data-streams", Stage: Storage, InRate: in, Lost: lost, Units: units}},
		Pipeline: PipelineSnapshot{LatencyP99: t.Seconds() / 100}}
}

// A long run keeps at most HistoryBuckets buckets that cover it all, and a
// short event stays where it happened.
func TestHistoryKeepsTheWholeRun(t *testing.T) {
	var h History
	const ticks = 10_000
	lost := 0.0
	for i := 1; i <= ticks; i++ {
		in := 100.0
		if i > 6000 && i <= 6060 { // a one-minute spike at 1:40:00
			in = 5000
		}
		if i > 600 && i <= 610 { // records lost at 10m
			lost += 50
		}
		h.Add(snap(time.Duration(i)*time.Second, in, lost, 0.1, 0.9))
	}
	if n := len(h.Buckets); n > HistoryBuckets || n < HistoryBuckets/2 {
		t.Fatalf("%d buckets", n)
	}
	first, last := h.Buckets[0], h.Buckets[len(h.Buckets)-1]
	if first.Start != 0 || last.End != ticks {
		t.Errorf("the buckets cover %v..%v s, want 0..%d", first.Start, last.End, ticks)
	}
	peak, lostAt := 0.0, 0.0
	var peakAt float64
	for _, b := range h.Buckets {
		if v := b.Nodes[0].In; v > peak {
			peak, peakAt = v, b.Start
		}
		if b.Nodes[0].Lost > 0 && lostAt == 0 {
			lostAt = b.Start
		}
	}
	w := h.Width // an event shows in the bucket that holds it
	if peakAt < 6000-w || peakAt > 6060 || peak < 1000 {
		t.Errorf("the spike is at %v s (%.0f/s), want about 6000 s", peakAt, peak)
	}
	if lostAt < 600-w || lostAt > 610 {
		t.Errorf("the losses start at %v s, want about 600 s", lostAt)
	}
	if rows := last.Nodes[0].Rows; len(rows) != 2 || rows[1] < 0.89 {
		t.Errorf("rows %v", rows)
	}
	if h.Nodes[0].Units != 2 {
		t.Errorf("units %d", h.Nodes[0].Units)
	}
}

// Many units share at most HistoryRows rows, each the busiest of its units.
func TestHistoryRows(t *testing.T) {
	units := make([]float64, 1000)
	units[777] = 3
	r := rows(units)
	if len(r) != HistoryRows || r[777*HistoryRows/1000] != 3 {
		t.Errorf("rows: %d, hot row %v", len(r), r[777*HistoryRows/1000])
	}
}
