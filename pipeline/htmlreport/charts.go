package htmlreport

import (
	"fmt"
	"strings"

	"github.com/streamsim/streamsim/pipeline"
)

// charts draws the run over time: records/s per stage (in, out, throttled,
// lost), lag and iterator age per reader, latency, and a heatmap per stream.
// With other (a second run, for compare), its lines are drawn dashed beside
// the first's.
func charts(h, other *pipeline.History) string {
	var b strings.Builder
	times := ends(h)
	var otherTimes []float64
	if other != nil {
		otherTimes = ends(other)
	}
	for _, st := range []pipeline.Stage{pipeline.Producer, pipeline.Storage, pipeline.Consumer, pipeline.Destination} {
		idx := stageNodes(h, st)
		if len(idx) == 0 {
			continue
		}
		var lines []line
		for _, f := range []struct {
			name string
			get  func(pipeline.HistorySample) float64
		}{
			{"in", func(x pipeline.HistorySample) float64 { return x.In }},
			{"out", func(x pipeline.HistorySample) float64 { return x.Out }},
			{"throttled", func(x pipeline.HistorySample) float64 { return x.Throttled }},
			{"lost", func(x pipeline.HistorySample) float64 { return x.Lost }},
		} {
			lines = append(lines, line{name: f.name, values: sum(h, idx, f.get)})
			if other != nil {
				lines = append(lines, line{name: f.name + " (B)", values: sum(other, stageNodes(other, st), f.get), times: otherTimes, dashed: true})
			}
		}
		b.WriteString(lineChart(st.Title()+": records/s", "/s", times, lines))
	}
	readers := stageNodes(h, pipeline.Consumer)
	if len(readers) > 0 {
		var lag, age []line
		for _, i := range readers {
			id := h.Nodes[i].ID
			lag = append(lag, line{name: id, values: each(h, i, func(x pipeline.HistorySample) float64 { return x.Lag })})
			age = append(age, line{name: id, values: each(h, i, func(x pipeline.HistorySample) float64 { return x.IterAge })})
		}
		b.WriteString(lineChart("Lag: records written and not yet read, per consumer (highest in each interval)", "", times, lag))
		b.WriteString(lineChart("Iterator age per consumer (highest in each interval)", "s", times, age))
	}
	lat := []line{
		{name: "p50", values: pipe(h, func(x pipeline.HistoryBucket) float64 { return x.LatencyP50 })},
		{name: "p99", values: pipe(h, func(x pipeline.HistoryBucket) float64 { return x.LatencyP99 })},
	}
	if other != nil {
		lat = append(lat, line{name: "p50 (B)", values: pipe(other, func(x pipeline.HistoryBucket) float64 { return x.LatencyP50 }), times: otherTimes, dashed: true},
			line{name: "p99 (B)", values: pipe(other, func(x pipeline.HistoryBucket) float64 { return x.LatencyP99 }), times: otherTimes, dashed: true})
	}
	b.WriteString(lineChart("Latency, producer to destination, over the run so far", "s", times, lat))
	for _, i := range stageNodes(h, pipeline.Storage) {
		var rows [][]float64
		for _, bk := range h.Buckets {
			rows = append(rows, bk.Nodes[i].Rows)
		}
		n := h.Nodes[i]
		if n.Units > 0 {
			b.WriteString(heatmap(fmt.Sprintf("%s (%s): write load per unit over time", n.ID, n.Service), n.Units, times, rows))
		}
	}
	return b.String()
}

func ends(h *pipeline.History) []float64 {
	out := make([]float64, len(h.Buckets))
	for i, b := range h.Buckets {
		out[i] = b.End
	}
	return out
}

func stageNodes(h *pipeline.History, st pipeline.Stage) []int {
	var out []int
	for i, n := range h.Nodes {
		if n.Stage == st {
			out = append(out, i)
		}
	}
	return out
}

func sum(h *pipeline.History, idx []int, get func(pipeline.HistorySample) float64) []float64 {
	out := make([]float64, len(h.Buckets))
	for j, b := range h.Buckets {
		for _, i := range idx {
			if i < len(b.Nodes) {
				out[j] += get(b.Nodes[i])
			}
		}
	}
	return out
}

func each(h *pipeline.History, i int, get func(pipeline.HistorySample) float64) []float64 {
	return sum(h, []int{i}, get)
}

func pipe(h *pipeline.History, get func(pipeline.HistoryBucket) float64) []float64 {
	out := make([]float64, len(h.Buckets))
	for j, b := range h.Buckets {
		out[j] = get(b)
	}
	return out
}
