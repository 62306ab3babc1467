package dashboard

import (
	"fmt"

	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/ui/components/chart"
	"github.com/streamsim/streamsim/ui/layout"
	"github.com/streamsim/streamsim/ui/styles"
)

// The charts view (c) draws the whole run so far against the simulated
// clock, for one node at a time (n / N pick it): its records/s in, out,
// throttled and lost; for stream storage its units × time heat strip; for
// a consumer (or a stream: its slowest reader) lag and iterator age; and
// the pipeline's latency. The data is a pipeline.History the dashboard
// feeds with every snapshot it takes: at most HistoryBuckets buckets over
// the whole run, so minute 10 is still there at minute 50.

// chartPane names a pane of the charts view.
type chartPane int

const (
	ratesChart   chartPane = iota // records/s in, out, throttled, lost
	heatChart                     // units × time
	lagChart                      // lag and iterator age
	latencyChart                  // end-to-end p50 and p99
)

// chartNode is the node the charts show.
func (m *Model) chartNode() *pipeline.Node {
	if m.sc == nil || len(m.sc.Nodes) == 0 {
		return nil
	}
	return m.sc.Nodes[min(max(m.chartSel, 0), len(m.sc.Nodes)-1)]
}

// defaultChartNode is where the charts start: the first stream storage
// node, where load shows first, or else the first node.
func defaultChartNode(sc *pipeline.Scenario) int {
	for i, n := range sc.Nodes {
		if n.Stage == pipeline.Storage {
			return i
		}
	}
	return 0
}

// chartPanes are the panes the node's charts take, the most telling first.
func (m *Model) chartPanes(n *pipeline.Node) []chartPane {
	switch n.Stage {
	case pipeline.Storage:
		return []chartPane{ratesChart, heatChart, lagChart, latencyChart}
	case pipeline.Consumer:
		return []chartPane{ratesChart, lagChart, latencyChart}
	}
	return []chartPane{ratesChart, latencyChart}
}

// histIndex is a node's index in the history's samples, or -1.
func (m *Model) histIndex(id string) int {
	if m.hist == nil {
		return -1
	}
	for i, n := range m.hist.Nodes {
		if n.ID == id {
			return i
		}
	}
	return -1
}

// chartSpan is the time axis' length now, in seconds.
func (m *Model) chartSpan() float64 {
	now, planned := 0.0, 0.0
	if m.has {
		now, planned = m.snap.Time.Seconds(), m.snap.Duration.Seconds()
	} else if m.sc != nil {
		planned = m.sc.Duration.Seconds()
	}
	return chart.Span(now, planned)
}

// chartsBody draws the charts view in w×h: the records/s chart across the
// top, the node's other charts side by side below it (at most two below
// wideAt, where a stream's latency chart is left out).
func (m *Model) chartsBody(w, h int) string {
	n := m.chartNode()
	if n == nil {
		return layout.Fit("", w, h)
	}
	panes := m.chartPanes(n)
	below := panes[1:]
	if !m.wide() && len(below) > 2 {
		below = below[:2]
	}
	rows := layout.Split(h, 1, 1)
	top := m.chartPane(ratesChart, n, w, rows[0])
	var weights []int
	for _, p := range below {
		if p == heatChart {
			weights = append(weights, 2)
		} else {
			weights = append(weights, 1)
		}
	}
	cols := layout.Split(w, weights...)
	var blocks []string
	for i, p := range below {
		blocks = append(blocks, m.chartPane(p, n, cols[i], rows[1]))
	}
	if len(blocks) == 0 {
		return layout.Fit(top, w, h)
	}
	return top + "\n" + layout.Row(blocks...)
}

// chartPane draws one pane of the charts view.
func (m *Model) chartPane(p chartPane, n *pipeline.Node, w, h int) string {
	st := m.c.Styles
	iw, ih := w-layout.PaneFrame, h-layout.PaneFrame
	cols := iw - chart.LabelWidth - 1
	title := m.chartTitle(p, n)
	if cols < 4 || ih < 3 || m.hist == nil || len(m.hist.Buckets) == 0 {
		return m.pane(title, []string{st.Muted.Render(" the charts fill in as the run goes")}, w, h)
	}
	span := m.chartSpan()
	b := m.hist.Buckets
	idx := m.histIndex(n.ID)
	node := func(f func(*pipeline.HistorySample) float64) func(*pipeline.HistoryBucket) float64 {
		return func(bk *pipeline.HistoryBucket) float64 {
			if idx < 0 || idx >= len(bk.Nodes) {
				return 0
			}
			return f(&bk.Nodes[idx])
		}
	}
	col := func(f func(*pipeline.HistoryBucket) float64, agg chart.Agg) []float64 {
		return chart.Columns(b, span, cols, f, agg)
	}
	var body []string
	strips := func(series []chart.Series) {
		plotRows := ih - 2 // less the axis' two lines
		base := max(1, plotRows/len(series))
		per := make([]int, len(series))
		for i := range per {
			per[i] = base
			if i < plotRows-base*len(series) {
				per[i]++ // the first series get the rows left over
			}
		}
		body = append(body, chart.Strips(st, series, per)...)
	}
	ok, accent, warn, hot := styles.NewPaint(st.OK), styles.NewPaint(st.Accent), styles.NewPaint(st.Warn), styles.NewPaint(st.Hot)
	switch p {
	case ratesChart:
		strips([]chart.Series{
			{Name: "in", Values: col(node(func(s *pipeline.HistorySample) float64 { return s.In }), chart.Mean), Paint: accent},
			{Name: "out", Values: col(node(func(s *pipeline.HistorySample) float64 { return s.Out }), chart.Mean), Paint: ok},
			{Name: "throttled", Values: col(node(func(s *pipeline.HistorySample) float64 { return s.Throttled }), chart.Mean), Paint: warn},
			{Name: "lost", Values: col(node(func(s *pipeline.HistorySample) float64 { return s.Lost }), chart.Mean), Paint: hot},
		})
	case lagChart:
		strips([]chart.Series{
			{Name: "lag", Values: col(node(func(s *pipeline.HistorySample) float64 { return s.Lag }), chart.Max), Paint: warn},
			{Name: "iterator age", Values: col(node(func(s *pipeline.HistorySample) float64 { return s.IterAge }), chart.Max), Format: chart.Seconds, Nice: chart.NiceSeconds, Paint: warn},
		})
	case latencyChart:
		strips([]chart.Series{
			{Name: "p50", Values: col(func(bk *pipeline.HistoryBucket) float64 { return bk.LatencyP50 }, chart.Last), Format: chart.Seconds, Nice: chart.NiceSeconds, Paint: accent},
			{Name: "p99", Values: col(func(bk *pipeline.HistoryBucket) float64 { return bk.LatencyP99 }, chart.Last), Format: chart.Seconds, Nice: chart.NiceSeconds, Paint: warn},
		})
	case heatChart:
		units := 0
		if idx >= 0 {
			units = m.hist.Nodes[idx].Units
		}
		hr, labels := chart.Heat(st, b, idx, units, span, cols, ih-2)
		for i, r := range hr {
			body = append(body, st.Muted.Render(layout.PadLeft(labels[i], chart.LabelWidth)+"│")+r)
		}
		if len(hr) == 0 {
			body = append(body, st.Muted.Render(" no units measured yet"))
		}
		body = layout.FitLines(body, iw, ih-2)
	}
	rule, labels := chart.Axis(st, span, cols)
	body = append(body, rule, labels)
	return m.pane(title, body, w, h)
}

func (m *Model) chartTitle(p chartPane, n *pipeline.Node) string {
	name := n.ID + " (" + n.Service.Short + ")"
	switch p {
	case heatChart:
		_, noun := capacityKey(n)
		return noun + "s × time · " + n.ID + " write load · ░<50% ▒<80% ▓<100% █ HOT"
	case lagChart:
		if n.Stage == pipeline.Storage {
			return "lag · iterator age · slowest reader of " + n.ID
		}
		return "lag · iterator age · " + name
	case latencyChart:
		return "end-to-end latency, run so far"
	}
	title := "records/s · " + name
	if len(m.sc.Nodes) > 1 {
		title += fmt.Sprintf(" · %d/%d n next", m.chartSel+1, len(m.sc.Nodes))
	}
	return title
}

// historySnapshot is s as the history takes it: the pipeline's produced and
// delivered rates over the whole interval since the previous snapshot (from
// the running totals), not over the last tick only, which at high speed
// would sample a Firehose flush or miss it.
func (m *Model) historySnapshot(s pipeline.Snapshot) pipeline.Snapshot {
	if m.lastPush >= 0 && s.Time > m.lastPush {
		dt := (s.Time - m.lastPush).Seconds()
		s.Pipeline.ProducedRate = max(0, s.Pipeline.Produced-m.lastTotals.Produced) / dt
		s.Pipeline.DeliveredRate = max(0, s.Pipeline.Delivered-m.lastTotals.Delivered) / dt
	}
	return s
}
