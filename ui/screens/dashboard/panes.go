package dashboard

import (
	"fmt"
	"strings"
	"time"

	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/ui/common"
	"github.com/streamsim/streamsim/ui/components/findings"
	"github.com/streamsim/streamsim/ui/components/heatmap"
	"github.com/streamsim/streamsim/ui/components/sparkline"
	"github.com/streamsim/streamsim/ui/layout"
	"github.com/streamsim/streamsim/ui/styles"
)

func (m *Model) throughputPane(w, h int) string {
	st := m.c.Styles
	iw, ih := w-layout.PaneFrame, h-layout.PaneFrame
	if ih <= 0 || iw <= 0 || m.in == nil {
		return m.pane("throughput (records/s)", nil, w, h)
	}
	chartRows := max(1, (ih-1)/2)
	const labelW = 15
	chartW := max(1, iw-labelW-1)
	top := max(m.in.Max(), m.out.Max())
	// The figures are averages over a window that spans the consumers'
	// flushes: between two flushes nothing is delivered, and the last
	// interval's rate alone would read 0/s while records flow.
	avgIn, avgOut, over := m.averages()
	var body []string
	series := func(label string, h *sparkline.History, avg float64, style func(string) string) {
		chart := sparkline.Render(h.Values(), chartW, chartRows, top)
		for i, c := range chart {
			head := strings.Repeat(" ", labelW)
			if i == len(chart)-1 {
				head = layout.PadRight(" "+label, 5) + layout.PadLeft(common.Count(avg)+"/s", labelW-5)
			}
			body = append(body, head+" "+style(c))
		}
	}
	series("in", m.in, avgIn, styles.NewPaint(st.Accent).Render)
	series("out", m.out, avgOut, styles.NewPaint(st.OK).Render)
	// Each refused attempt once, where it was refused (docs/totals.md): a
	// producer's view of the same refusals is not added again.
	thr, lost := m.snap.Pipeline.ThrottledRate, m.snap.Pipeline.Lost
	line := fmt.Sprintf(" throttled %s/s · lost %s", common.Count(thr), common.Count(lost))
	if thr > 0 || lost > 0 {
		line = st.Hot.Render(line)
	} else {
		line = st.Muted.Render(line)
	}
	body = append(body, line)
	title := "throughput (records/s)"
	if over > 0 {
		title = "throughput (records/s) · avg " + pipeline.FormatDuration(over.Round(time.Second))
	}
	return m.pane(title, body, w, h)
}

func (m *Model) selectedStorage() (*pipeline.Node, *pipeline.NodeSnapshot) {
	if m.sc == nil || len(m.storage) == 0 {
		return nil, nil
	}
	n := m.sc.Node(m.storage[min(m.storageSel, len(m.storage)-1)])
	return n, m.snap.Node(n.ID)
}

// shardsGeom is the heatmap's area inside the shards pane: below it go the
// legend, the summary and the hot key, and while the pane has the keys the
// cell under the cursor.
func (m *Model) shardsGeom() (w, h int) {
	r := m.rects()
	iw, ih := r.shardsW-layout.PaneFrame, r.topH-layout.PaneFrame
	below := 3
	if m.focus == shardsPane {
		below = 4
	}
	return max(1, iw-1), max(1, ih-below)
}

// shardsLayout is how the selected stream's units map to heatmap cells now.
func (m *Model) shardsLayout() heatmap.Layout {
	w, h := m.shardsGeom()
	return heatmap.Plan(m.units(), w, h)
}

func (m *Model) shardsPane(w, h int) string {
	st := m.c.Styles
	n, ns := m.selectedStorage()
	if n == nil {
		return m.pane("shards", []string{st.Muted.Render(" no stream storage in this pipeline")}, w, h)
	}
	_, noun := capacityKey(n)
	if ns == nil || len(ns.Units) == 0 {
		return m.focusable(shardsPane, noun+"s · "+n.ID, []string{st.Muted.Render(" waiting for the first snapshot")}, w, h)
	}
	title := fmt.Sprintf("%ss · %s (%d) write load", noun, n.ID, len(ns.Units))
	if len(m.storage) > 1 {
		title += fmt.Sprintf(" · %d/%d n", m.storageSel+1, len(m.storage))
	}
	iw := w - layout.PaneFrame
	mapW, mapH := m.shardsGeom()
	hm := heatmap.Map{Units: ns.Units, Noun: noun}
	if m.focus == shardsPane && m.prompt == noPrompt {
		cur := m.cursor
		if cur < 0 { // focused before the first snapshot
			cur = m.hottest()
		}
		hm.ShowCursor, hm.Cursor = true, min(cur, len(ns.Units)-1)
	}
	pl := heatmap.Plan(len(ns.Units), mapW, mapH)
	lines, legend := hm.Render(st, mapW, mapH)
	var body []string
	for _, l := range lines {
		body = append(body, " "+l)
	}
	body = layout.FitLines(body, iw, mapH)
	body = append(body, st.Muted.Render(" "+legend))
	if hm.ShowCursor {
		detail := hm.Detail(st, pl, iw-1)
		if first, last := pl.Range(pl.Cell(hm.Cursor), len(ns.Units)); ns.HotKey != "" && ns.HotUnit >= first && ns.HotUnit <= last &&
			ns.HotShare >= 0.05 && layout.Width(detail) < iw-12 {
			detail += st.Muted.Render(" · hot key " + ns.HotKey)
		}
		body = append(body, " "+detail)
	}
	hot, warm := heatmap.Counts(ns.Units)
	var sum []string
	if hot > 0 {
		sum = append(sum, st.Hot.Render(fmt.Sprintf("%d HOT", hot)))
	}
	if warm > 0 {
		sum = append(sum, st.Warn.Render(fmt.Sprintf("%d ≥80%%", warm)))
	}
	if ns.Throttled > 0 {
		sum = append(sum, st.Hot.Render("throttled "+common.Count(ns.Throttled)+"/s"))
	}
	if ns.Failed {
		sum = append(sum, st.Hot.Render("FAILED"))
	}
	if len(sum) == 0 {
		sum = append(sum, st.OK.Render("all below 80%"))
	}
	body = append(body, " "+strings.Join(sum, " · "))
	if ns.HotKey != "" && ns.HotUnit >= 0 && ns.HotShare >= 0.05 {
		body = append(body, st.Muted.Render(fmt.Sprintf(" hot key %s → %s %d (%s of records)", ns.HotKey, noun, ns.HotUnit, common.Percent(ns.HotShare))))
	}
	return m.focusable(shardsPane, title, body, w, h)
}

func (m *Model) lagPane(w, h int) string {
	st := m.c.Styles
	iw := w - layout.PaneFrame
	var body []string
	if m.sc != nil && m.has {
		idW := 4
		for _, n := range m.sc.Stage(pipeline.Consumer) {
			idW = max(idW, len(n.ID))
		}
		idW = min(idW, 14)
		for _, n := range m.sc.Stage(pipeline.Consumer) {
			ns := m.snap.Node(n.ID)
			if ns == nil {
				continue
			}
			line := " " + layout.PadRight(n.ID, idW) + "  age " + layout.PadLeft(common.Seconds(ns.IterAge), 7) +
				"  lag " + layout.PadLeft(common.Count(ns.Lag), 8) + " rec"
			if iw < 56 { // narrow: no alignment padding
				line = " " + layout.PadRight(n.ID, idW) + " age " + common.Seconds(ns.IterAge) + " · lag " + common.Count(ns.Lag) + " rec"
			}
			style := st.Text
			mark := ""
			switch {
			case ns.Failed:
				style, mark = st.Hot, "  ✗ FAILED"
			case ns.Util >= 1:
				style, mark = st.Hot, "  ▲ behind "+common.Percent(ns.Util)
			case ns.Util >= 0.8:
				style, mark = st.Warn, "  ▲ "+common.Percent(ns.Util)
			case iw >= 60:
				mark = "  " + st.Muted.Render("busy "+common.Percent(ns.Util))
			}
			body = append(body, style.Render(line)+mark)
		}
		for _, n := range m.snap.Nodes {
			if n.Stage == pipeline.Destination && n.Throttled > 0 {
				body = append(body, st.Hot.Render(fmt.Sprintf(" %s throttled %s/s", n.ID, common.Count(n.Throttled))))
			}
			if n.Stage != pipeline.Consumer && n.Failed {
				body = append(body, st.Hot.Render(" "+n.ID+" ✗ FAILED"))
			}
		}
		p := m.snap.Pipeline
		body = append(body, "")
		body = append(body, fmt.Sprintf(" e2e latency p50 %s · p99 %s · max %s",
			common.Seconds(p.LatencyP50), common.Seconds(p.LatencyP99), common.Seconds(p.LatencyMax)))
		body = append(body, fmt.Sprintf(" cost         %s", common.Money(p.CostMonthly)))
	}
	return m.pane("lag & latency", body, w, h)
}

// eventLines renders the events newest first, at most limit lines (each
// CLI line word-wrapped, its continuation lines indented).
func (m *Model) eventLines(iw, limit int) []string {
	st := m.c.Styles
	var lines []string
	for i := len(m.events) - 1; i >= 0 && len(lines) < limit; i-- {
		e := m.events[i]
		var style func(...string) string
		switch e.kind {
		case evUser:
			style = st.Accent.Render
		case evCLI:
			style = st.OK.Render
		case evError:
			style = st.Error.Render
		default:
			style = st.Muted.Render
		}
		wrapped := []string{e.text}
		if e.kind == evCLI || e.kind == evError {
			wrapped = layout.WrapWords(e.text, max(1, iw-3))
			for j := 1; j < len(wrapped); j++ {
				wrapped[j] = "  " + wrapped[j]
			}
		}
		for j := len(wrapped) - 1; j >= 0 && len(lines) < limit; j-- {
			lines = append(lines, " "+style(wrapped[j]))
		}
	}
	return lines
}

func (m *Model) eventsPane(w, h int) string {
	st := m.c.Styles
	iw, ih := w-layout.PaneFrame, h-layout.PaneFrame
	back := m.eventsBack
	// Newest at the bottom; long CLI lines wrap so they can be read whole.
	lines := m.eventLines(iw, ih+back)
	back = min(back, max(0, len(lines)-ih))
	lines = lines[back:]
	for i, j := 0, len(lines)-1; i < j; i, j = i+1, j-1 {
		lines[i], lines[j] = lines[j], lines[i]
	}
	if len(lines) == 0 {
		lines = []string{st.Muted.Render(" events and the AWS CLI for your changes appear here")}
	}
	title := "events"
	if back > 0 {
		title += fmt.Sprintf(" · %d line(s) back, ↓ newer", back)
	}
	if !m.wide() && len(m.findings) > 0 {
		title += fmt.Sprintf(" · advice (%d) on tab", len(m.findings))
		if m.nextPane(1) != advicePane {
			title = strings.TrimSuffix(title, " on tab")
		}
	}
	return m.focusable(eventsPane, title, lines, w, h)
}

// adviceLines are the advice pane's lines for an inner width iw, wrapped
// once per change of the findings.
func (m *Model) adviceLines(iw int) []string {
	memo := &m.adviceMemo
	if memo.lines != nil && memo.gen == m.findGen && memo.w == iw {
		return memo.lines
	}
	memo.gen, memo.w = m.findGen, iw
	memo.lines = findings.Lines(m.c.Styles, m.findings, iw)
	if memo.lines == nil {
		memo.lines = []string{}
	}
	return memo.lines
}

func (m *Model) advicePane(w, h int) string {
	st := m.c.Styles
	iw, ih := w-layout.PaneFrame, h-layout.PaneFrame
	lines := m.adviceLines(iw)
	title := "advice"
	if n := len(m.findings); n > 0 {
		title = fmt.Sprintf("advice (%d)", n)
	}
	if len(lines) == 0 {
		var say string
		switch {
		case m.has && m.snap.Done:
			say = " no findings: nothing to fix in this run"
		case m.has:
			say = " no findings so far: the advisor reads the run as it goes"
		default:
			say = " the advisor's findings appear here as the run goes"
		}
		return m.focusable(advicePane, title, []string{st.Muted.Render(say)}, w, h)
	}
	top := min(m.adviceTop, max(0, len(lines)-ih))
	if top > 0 {
		title += " ↑"
	}
	if top+ih < len(lines) {
		title += " ↓ more"
	}
	return m.focusable(advicePane, title, lines[top:], w, h)
}
