package dashboard

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/ui/common"
	"github.com/streamsim/streamsim/ui/components/heatmap"
	"github.com/streamsim/streamsim/ui/components/sparkline"
	"github.com/streamsim/streamsim/ui/layout"
	"github.com/streamsim/streamsim/ui/styles"
)

// View implements common.Screen.
func (m *Model) View() string {
	if m.w <= 0 || m.h <= 0 {
		return ""
	}
	bodyH := m.h - 2
	rows := layout.Split(bodyH, 11, 9)
	cols := layout.Split(m.w, 1, 1)
	st := m.c.Styles
	top := layout.Row(
		m.throughputPane(cols[0], rows[0]),
		m.shardsPane(cols[1], rows[0]),
	)
	var right string
	switch {
	case m.prompt == pickFail || m.prompt == pickReshard:
		right = m.pickPane(cols[1], rows[1])
	case m.lesson:
		right = m.lessonPane(cols[1], rows[1])
	default:
		right = m.eventsPane(cols[1], rows[1])
	}
	bottom := layout.Row(m.lagPane(cols[0], rows[1]), right)
	_ = st
	return m.header() + "\n" + top + "\n" + bottom + "\n" + m.footer()
}

func (m *Model) header() string {
	st := m.c.Styles
	name := "no scenario"
	if m.sc != nil {
		name = m.sc.Name
	}
	stateStyle := st.OK
	switch m.state {
	case paused, starting:
		stateStyle = st.Warn
	case failed:
		stateStyle = st.Hot
	case finished, idle:
		stateStyle = st.Muted
	}
	left := st.Title.Render(" "+name) + "  " + stateStyle.Render(m.state.String())
	if m.has {
		left += "  " + st.Text.Render("sim "+common.Clock(m.snap.Time)) + st.Muted.Render(" / "+common.Clock(m.snap.Duration))
	}
	left += "  " + st.Accent.Render(common.Speed(speeds[m.speed]))
	if m.sc != nil {
		left += st.Muted.Render(fmt.Sprintf("  seed %d", m.sc.Seed))
	}
	right := ""
	if m.has && m.snap.Duration > 0 {
		right = st.Muted.Render(fmt.Sprintf("%3.0f%% ", 100*float64(m.snap.Time)/float64(m.snap.Duration)))
	}
	return layout.PadRight(left, m.w-ansi.StringWidth(right)) + right
}

func (m *Model) footer() string {
	st := m.c.Styles
	if m.prompt == askFailFor || m.prompt == askSet || m.prompt == askReshard || m.prompt == askRecord || m.prompt == askSave {
		line := " " + m.input.View()
		if m.inputErr != "" {
			line += "  " + st.Error.Render(m.inputErr)
		}
		return layout.PadRight(line, m.w)
	}
	if m.prompt == pickFail || m.prompt == pickReshard {
		return layout.PadRight(st.Muted.Render(" ↑/↓ choose · enter ok · esc cancel"), m.w)
	}
	p := m.snap.Pipeline
	if !m.has {
		return layout.PadRight("", m.w)
	}
	lostStyle := st.Muted
	if p.Lost > 0 {
		lostStyle = st.Hot
	}
	parts := []string{
		"produced " + common.Count(p.Produced),
		"delivered " + common.Count(p.Delivered),
		lostStyle.Render("lost " + common.Count(p.Lost)),
		"in flight " + common.Count(p.InFlight),
		"cost " + common.Money(p.CostMonthly),
	}
	if n := len(m.changes); n > 0 {
		parts = append(parts, st.Accent.Render(fmt.Sprintf("%d change(s) recorded", n)))
	}
	return layout.PadRight(" "+strings.Join(parts, st.Muted.Render(" · ")), m.w)
}

func (m *Model) pane(title string, body []string, w, h int) string {
	st := m.c.Styles
	return layout.Pane(st.Pane, st.PaneTitle, title, body, w, h)
}

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
	var body []string
	series := func(label string, h *sparkline.History, style func(string) string) {
		chart := sparkline.Render(h.Values(), chartW, chartRows, top)
		for i, c := range chart {
			head := strings.Repeat(" ", labelW)
			if i == len(chart)-1 {
				head = layout.PadRight(" "+label, 5) + layout.PadLeft(common.Count(h.Last())+"/s", labelW-5)
			}
			body = append(body, head+" "+style(c))
		}
	}
	series("in", m.in, styles.NewPaint(st.Accent).Render)
	series("out", m.out, styles.NewPaint(st.OK).Render)
	var thr, lost float64
	for _, n := range m.snap.Nodes {
		thr += n.Throttled
	}
	lost = m.snap.Pipeline.Lost
	line := fmt.Sprintf(" throttled %s/s · lost %s", common.Count(thr), common.Count(lost))
	if thr > 0 || lost > 0 {
		line = st.Hot.Render(line)
	} else {
		line = st.Muted.Render(line)
	}
	body = append(body, line)
	return m.pane("throughput (records/s)", body, w, h)
}

func (m *Model) selectedStorage() (*pipeline.Node, *pipeline.NodeSnapshot) {
	if m.sc == nil || len(m.storage) == 0 {
		return nil, nil
	}
	n := m.sc.Node(m.storage[min(m.storageSel, len(m.storage)-1)])
	return n, m.snap.Node(n.ID)
}

func (m *Model) shardsPane(w, h int) string {
	st := m.c.Styles
	n, ns := m.selectedStorage()
	if n == nil {
		return m.pane("shards", []string{st.Muted.Render(" no stream storage in this pipeline")}, w, h)
	}
	_, noun := capacityKey(n)
	if ns == nil || len(ns.Units) == 0 {
		return m.pane(noun+"s · "+n.ID, []string{st.Muted.Render(" waiting for the first snapshot")}, w, h)
	}
	title := fmt.Sprintf("%ss · %s (%d) write load", noun, n.ID, len(ns.Units))
	if len(m.storage) > 1 {
		title += fmt.Sprintf(" · %d/%d tab", m.storageSel+1, len(m.storage))
	}
	iw, ih := w-layout.PaneFrame, h-layout.PaneFrame
	mapH := max(1, ih-3)
	lines, legend := heatmap.Map{Units: ns.Units, Noun: noun}.Render(st, iw-1, mapH)
	var body []string
	for _, l := range lines {
		body = append(body, " "+l)
	}
	body = layout.FitLines(body, iw, mapH)
	body = append(body, st.Muted.Render(" "+legend))
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
	return m.pane(title, body, w, h)
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

func (m *Model) eventsPane(w, h int) string {
	st := m.c.Styles
	iw, ih := w-layout.PaneFrame, h-layout.PaneFrame
	var lines []string
	// Newest at the bottom; long CLI lines wrap so they can be read whole.
	for i := len(m.events) - 1; i >= 0 && len(lines) < ih; i-- {
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
		if e.kind == evCLI {
			wrapped = layout.WrapWords(e.text, max(1, iw-3))
			for j := 1; j < len(wrapped); j++ {
				wrapped[j] = "  " + wrapped[j]
			}
		}
		for j := len(wrapped) - 1; j >= 0 && len(lines) < ih; j-- {
			lines = append(lines, " "+style(wrapped[j]))
		}
	}
	for i, j := 0, len(lines)-1; i < j; i, j = i+1, j-1 {
		lines[i], lines[j] = lines[j], lines[i]
	}
	if len(lines) == 0 {
		lines = []string{st.Muted.Render(" events and the AWS CLI for your changes appear here")}
	}
	return m.pane("events", lines, w, h)
}

func (m *Model) lessonPane(w, h int) string {
	st := m.c.Styles
	iw := w - layout.PaneFrame
	var lines []string
	for i, step := range m.sc.Lesson {
		passed := step.Has && m.has && m.snap.Time >= step.At
		mark, style := "○", st.Muted
		if passed {
			mark, style = "●", st.Text
		} else if !step.Has {
			mark = "·"
		}
		at := ""
		if step.Has {
			at = " (" + common.Clock(step.At) + ")"
		}
		wrapped := layout.Wrap(fmt.Sprintf("%d%s %s", i+1, at, strings.Join(strings.Fields(step.Say), " ")), max(1, iw-4))
		for j, l := range wrapped {
			prefix := "   "
			if j == 0 {
				if passed {
					prefix = " " + st.Accent.Render(mark) + " "
				} else {
					prefix = " " + st.Muted.Render(mark) + " "
				}
			}
			lines = append(lines, prefix+style.Render(l))
		}
	}
	// Keep the latest passed step in view.
	ih := h - layout.PaneFrame
	if len(lines) > ih {
		lines = lines[len(lines)-ih:]
	}
	return m.pane("lesson", lines, w, h)
}

func (m *Model) pickPane(w, h int) string {
	st := m.c.Styles
	title := "fail which node?"
	if m.prompt == pickReshard {
		title = "reshard which stream?"
	}
	ih := h - layout.PaneFrame
	first := 0
	if m.pick >= ih {
		first = m.pick - ih + 1
	}
	var lines []string
	for i := first; i < len(m.pickList) && len(lines) < ih; i++ {
		id := m.pickList[i]
		label := id
		if n := m.sc.Node(id); n != nil {
			label = fmt.Sprintf("%-14s %s", id, n.Service.Short)
		}
		if ns := m.snap.Node(id); ns != nil && ns.Failed {
			label += "  (failed)"
		}
		if i == m.pick {
			lines = append(lines, st.Selected.Render(layout.PadRight(" > "+label, w-layout.PaneFrame)))
		} else {
			lines = append(lines, "   "+label)
		}
	}
	return layout.Pane(st.PaneFocused, st.PaneTitle, title, lines, w, h)
}
