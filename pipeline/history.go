package pipeline

import (
	"math"
	"time"
)

// HistoryBuckets is the most time buckets a History keeps: when a run
// outgrows them, neighbouring buckets merge and each covers twice the time,
// so the whole run stays (an outage at minute 10 is still there at minute 50)
// in bounded memory.
const HistoryBuckets = 512

// HistoryRows is the most rows a storage node's units are drawn in: beyond
// it, neighbouring shards share a row that shows the busiest of them.
const HistoryRows = 64

// History is a run's snapshots reduced to time buckets: what the dashboard's
// charts and the HTML report draw. Add takes snapshots in time order; the
// result depends only on them, so it is as deterministic as the run.
type History struct {
	Nodes   []HistoryNode   `json:"nodes"`
	Buckets []HistoryBucket `json:"buckets"`
	Width   float64         `json:"width_s"` // seconds a bucket covers (the last may cover less)

	prevLost []float64
	prevTime time.Duration
}

// HistoryNode names a node of the history; Units is how many units (shards,
// partitions, streams) a storage node had at most, Rows how many rows they
// are drawn in.
type HistoryNode struct {
	ID      string      `json:"id"`
	Service ServiceName `json:"service"`
	Stage   Stage       `json:"stage"`
	Units   int         `json:"units,omitempty"`
}

// HistoryBucket is the run over [Start, End): rates averaged, lag and
// iterator age at their highest, latency percentiles of the run so far at End.
type HistoryBucket struct {
	Start         float64         `json:"start_s"`
	End           float64         `json:"end_s"`
	Samples       int             `json:"samples"`
	ProducedRate  float64         `json:"produced_per_s"`
	DeliveredRate float64         `json:"delivered_per_s"`
	LatencyP50    float64         `json:"latency_p50_s"`
	LatencyP99    float64         `json:"latency_p99_s"`
	Nodes         []HistorySample `json:"nodes"`
}

// HistorySample is one node in one bucket.
type HistorySample struct {
	In        float64   `json:"in_per_s"`
	Out       float64   `json:"out_per_s"`
	Throttled float64   `json:"throttled_per_s"`
	Lost      float64   `json:"lost_per_s"`
	Lag       float64   `json:"lag"`
	IterAge   float64   `json:"iterator_age_s"`
	Rows      []float64 `json:"rows,omitempty"` // storage: write utilisation per row of units (the busiest unit of the row)
}

// Add takes the next snapshot.
func (h *History) Add(s Snapshot) {
	if h.Nodes == nil {
		for _, n := range s.Nodes {
			h.Nodes = append(h.Nodes, HistoryNode{ID: n.ID, Service: n.Service, Stage: n.Stage})
		}
		h.prevLost = make([]float64, len(s.Nodes))
	}
	dt := (s.Time - h.prevTime).Seconds()
	b := HistoryBucket{Start: h.prevTime.Seconds(), End: s.Time.Seconds(), Samples: 1,
		ProducedRate: measured(s.Pipeline.ProducedRate), DeliveredRate: measured(s.Pipeline.DeliveredRate),
		LatencyP50: measured(s.Pipeline.LatencyP50), LatencyP99: measured(s.Pipeline.LatencyP99)}
	for i, n := range s.Nodes {
		if i >= len(h.Nodes) {
			break
		}
		smp := HistorySample{In: measured(n.InRate), Out: measured(n.OutRate), Throttled: measured(n.Throttled), Lag: measured(n.Lag),
			IterAge: measured(n.IterAge), Rows: rows(n.Units)}
		if dt > 0 {
			smp.Lost = measured(math.Max(0, n.Lost-h.prevLost[i]) / dt)
		}
		h.prevLost[i] = n.Lost
		h.Nodes[i].Units = max(h.Nodes[i].Units, len(n.Units))
		b.Nodes = append(b.Nodes, smp)
	}
	h.prevTime = s.Time
	if dt <= 0 && len(h.Buckets) > 0 {
		return // the same moment again
	}
	if h.Width == 0 {
		h.Width = math.Max(dt, 1e-9)
	}
	if n := len(h.Buckets); n > 0 && h.Buckets[n-1].End-h.Buckets[n-1].Start+dt <= h.Width*(1+1e-9) {
		h.Buckets[n-1] = merge(h.Buckets[n-1], b)
	} else {
		h.Buckets = append(h.Buckets, b)
	}
	if len(h.Buckets) > HistoryBuckets {
		h.halve()
	}
}

// halve merges neighbouring buckets: each now covers twice the time.
func (h *History) halve() {
	out := h.Buckets[:0]
	for i := 0; i < len(h.Buckets); i += 2 {
		if i+1 < len(h.Buckets) {
			out = append(out, merge(h.Buckets[i], h.Buckets[i+1]))
		} else {
			out = append(out, h.Buckets[i])
		}
	}
	h.Buckets = out
	h.Width *= 2
}

// merge is a then b as one bucket: rates weighted by the time each covers,
// highs the higher, the run-so-far percentiles b's.
func merge(a, b HistoryBucket) HistoryBucket {
	wa, wb := a.End-a.Start, b.End-b.Start
	if wa+wb <= 0 {
		wa, wb = 1, 1
	}
	avg := func(x, y float64) float64 { return (x*wa + y*wb) / (wa + wb) }
	out := HistoryBucket{Start: a.Start, End: b.End, Samples: a.Samples + b.Samples,
		ProducedRate: avg(a.ProducedRate, b.ProducedRate), DeliveredRate: avg(a.DeliveredRate, b.DeliveredRate),
		LatencyP50: b.LatencyP50, LatencyP99: b.LatencyP99}
	for i := range a.Nodes {
		x, y := a.Nodes[i], HistorySample{}
		if i < len(b.Nodes) {
			y = b.Nodes[i]
		}
		s := HistorySample{In: avg(x.In, y.In), Out: avg(x.Out, y.Out), Throttled: avg(x.Throttled, y.Throttled),
			Lost: avg(x.Lost, y.Lost), Lag: math.Max(x.Lag, y.Lag), IterAge: math.Max(x.IterAge, y.IterAge)}
		if len(x.Rows) == len(y.Rows) {
			for j := range x.Rows {
				s.Rows = append(s.Rows, avg(x.Rows[j], y.Rows[j]))
			}
		} else {
			s.Rows = y.Rows // resharded within the bucket: the later shape
		}
		out.Nodes = append(out.Nodes, s)
	}
	return out
}

// measured is v, or 0 for a value that is not a number (not measured), so that
// a history always has a JSON form.
func measured(v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	return v
}

// rows groups units into at most HistoryRows rows, each the busiest of its units.
func rows(units []float64) []float64 {
	if len(units) == 0 {
		return nil
	}
	n := min(len(units), HistoryRows)
	out := make([]float64, n)
	for i, u := range units {
		r := i * n / len(units)
		out[r] = math.Max(out[r], measured(u))
	}
	return out
}
