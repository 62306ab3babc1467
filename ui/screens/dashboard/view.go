package dashboard

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/streamsim/streamsim/backends"
	"github.com/streamsim/streamsim/internal/progress"
	"github.com/streamsim/streamsim/internal/textsafe"
	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/ui/common"
	"github.com/streamsim/streamsim/ui/components/findings"
	"github.com/streamsim/streamsim/ui/components/heatmap"
	"github.com/streamsim/streamsim/ui/components/sparkline"
	"github.com/streamsim/streamsim/ui/layout"
	"github.com/streamsim/streamsim/ui/styles"
)

// rects are the panes' outer sizes: a top row (throughput, shards) and a
// bottom row (lag, advice, events). Below wideAt the advice and the events
// share one place, the right half.
type rects struct {
	topH, bottomH        int
	throughputW, shardsW int
	lagW, adviceW, slotW int // slotW: the events, lesson or a picker
}

func (m *Model) wide() bool { return m.w >= wideAt }

func (m *Model) rects() rects {
	rows := layout.Split(max(0, m.h-1-m.footerHeight()), 11, 9)
	r := rects{topH: rows[0], bottomH: rows[1]}
	if m.wide() {
		c := layout.Split(m.w, 1, 1, 1)
		r.throughputW, r.shardsW = c[0], c[1]+c[2]
		r.lagW, r.adviceW, r.slotW = c[0], c[1], c[2]
		return r
	}
	c := layout.Split(m.w, 1, 1)
	r.throughputW, r.shardsW = c[0], c[1]
	r.lagW, r.adviceW, r.slotW = c[0], c[1], c[1]
	return r
}

// View implements common.Screen.
func (m *Model) View() string {
	if m.w <= 0 || m.h <= 0 {
		return ""
	}
	if m.charts {
		return m.header() + "\n" + m.chartsBody(m.w, max(0, m.h-1-m.footerHeight())) + "\n" + strings.Join(m.footer(), "\n")
	}
	r := m.rects()
	top := layout.Row(
		m.throughputPane(r.throughputW, r.topH),
		m.shardsPane(r.shardsW, r.topH),
	)
	var bottom string
	switch {
	case m.wide():
		bottom = layout.Row(m.lagPane(r.lagW, r.bottomH), m.advicePane(r.adviceW, r.bottomH), m.slotPane(r.slotW, r.bottomH))
	case m.side == advicePane && m.prompt != pickFail && m.prompt != pickReshard:
		bottom = layout.Row(m.lagPane(r.lagW, r.bottomH), m.advicePane(r.adviceW, r.bottomH))
	default:
		bottom = layout.Row(m.lagPane(r.lagW, r.bottomH), m.slotPane(r.slotW, r.bottomH))
	}
	return m.header() + "\n" + top + "\n" + bottom + "\n" + strings.Join(m.footer(), "\n")
}

// slotPane is what stands in the events' place: a picker while one is open,
// the lesson when it is on, the events otherwise.
func (m *Model) slotPane(w, h int) string {
	switch {
	case m.prompt == pickFail || m.prompt == pickReshard:
		return m.pickPane(w, h)
	case m.lesson:
		return m.lessonPane(w, h)
	}
	return m.eventsPane(w, h)
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
	state := m.state.String()
	if m.les != nil && m.les.held && m.state == paused {
		state = "‖ your turn" // the lesson waits for the learner
	}
	left := st.Title.Render(" "+name) + "  " + stateStyle.Render(state)
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

// maxErrLines is the most lines a prompt's refusal takes under it.
const maxErrLines = 3

// footerHeight is the lines the footer takes: one, and under a prompt whose
// text is refused the reason, wrapped whole.
func (m *Model) footerHeight() int {
	n := 1
	if m.typing() && m.inputErr != "" {
		n += len(m.errLines())
	}
	if m.typing() && (m.choices != nil || m.compErr != "") {
		n++
	}
	return n
}

// typing reports whether a prompt with a text field is open.
func (m *Model) typing() bool {
	switch m.prompt {
	case askFailFor, askSet, askReshard, askRecord, askSave, askGuess:
		return true
	}
	return false
}

// errLines is the prompt's refusal wrapped to the width, at most maxErrLines.
func (m *Model) errLines() []string {
	lines := layout.WrapWords("✗ "+m.inputErr, max(1, m.w-3))
	if len(lines) > maxErrLines {
		lines = lines[:maxErrLines]
		lines[maxErrLines-1] = layout.Truncate(lines[maxErrLines-1]+" …", m.w-3)
	}
	return lines
}

func (m *Model) footer() []string {
	st := m.c.Styles
	if m.typing() {
		out := []string{layout.PadRight(" "+m.input.View(), m.w)}
		if m.inputErr != "" {
			for _, l := range m.errLines() {
				out = append(out, layout.PadRight("  "+st.Error.Render(l), m.w))
			}
		}
		switch {
		case m.compErr != "":
			out = append(out, layout.PadRight("  "+st.Warn.Render(layout.Truncate(m.compErr, m.w-3)), m.w))
		case m.choices != nil:
			out = append(out, layout.PadRight("  "+st.Muted.Render("tab: "+common.ChoicesLine(m.choices, m.w-8)), m.w))
		}
		return out
	}
	if m.prompt == pickFail || m.prompt == pickReshard {
		return []string{layout.PadRight(st.Muted.Render(" ↑/↓ choose · enter ok · esc cancel"), m.w)}
	}
	if m.prompt == askBigRun {
		q := fmt.Sprintf(" %s is a big run: %s (above about %s or %s). enter run it · esc cancel",
			m.sc.Name, m.big, pipeline.FormatDuration(backends.ConfirmTime), pipeline.ApproxSize(backends.ConfirmBytes))
		var out []string
		for _, l := range layout.Wrap(q, m.w) {
			out = append(out, layout.PadRight(st.Warn.Render(l), m.w))
		}
		return out
	}
	p := m.snap.Pipeline
	if !m.has {
		return []string{layout.PadRight("", m.w)}
	}
	lostStyle := st.Muted
	if p.Lost > 0 {
		lostStyle = st.Hot
	}
	// In the order shown; when they do not all fit, the lowest drop first.
	parts := []struct {
		text string
		rank int // lower drops first
	}{
		{"produced " + common.Count(p.Produced), 5},
		{m.delivered(), 5},
		{lostStyle.Render("lost " + common.Count(p.Lost)), 4},
		{"in flight " + common.Count(p.InFlight), 1},
		{"cost " + common.Money(p.CostMonthly), 2},
	}
	if n := len(m.changes); n > 0 {
		parts = append(parts, struct {
			text string
			rank int
		}{st.Accent.Render(fmt.Sprintf("%d change(s) recorded", n)), 3})
	}
	sep := st.Muted.Render(" · ")
	for drop := 0; ; drop++ {
		var shown []string
		for _, pt := range parts {
			if pt.rank > drop {
				shown = append(shown, pt.text)
			}
		}
		line := " " + strings.Join(shown, sep)
		if layout.Width(line) <= m.w || drop >= 4 {
			return []string{layout.PadRight(line, m.w)}
		}
	}
}

// delivered says what the destinations took: a record counts once per
// destination it reaches (docs/totals.md), so with several destinations the
// figure says to how many, lest it read as more than was produced.
func (m *Model) delivered() string {
	s := "delivered " + common.Count(m.snap.Pipeline.Delivered)
	if n := len(m.sc.Stage(pipeline.Destination)); n > 1 {
		s += fmt.Sprintf(" to %d destinations", n)
	}
	return s
}

func (m *Model) pane(title string, body []string, w, h int) string {
	st := m.c.Styles
	return layout.Pane(st.Pane, st.PaneTitle, title, body, w, h)
}

// focusable draws a pane that takes keys, with the heavy frame when it has them.
func (m *Model) focusable(p pane, title string, body []string, w, h int) string {
	st := m.c.Styles
	if m.focus == p && m.prompt == noPrompt {
		return layout.FocusedPane(st.PaneFocused, st.PaneTitle, title, body, w, h)
	}
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

// lessonStep is the step under way, as the panel shows it: the lesson's
// current step once its time has come, else the one before it (-1 before
// the first); the last when all are done.
func (m *Model) lessonStep() int {
	if m.les == nil || !m.has {
		return -1
	}
	cur, n := m.les.t.Current(), len(m.sc.Lesson)
	if cur >= n {
		return n - 1
	}
	if st := m.sc.Lesson[cur]; st.Has && m.snap.Time < st.At {
		return cur - 1
	}
	return cur
}

// over reports whether the run has ended (a lesson step not done by then
// never will be).
func (m *Model) over() bool {
	return m.state == finished || m.state == failed || m.state == idle && m.has
}

// lessonLines are the lesson's lines for an inner width iw, and the line
// each step starts on. A step the learner did is marked ✓, the step under
// way ▶ (✗ when the run ended before it was done), one shown before it ●,
// one still to come ○ (· when it has no time of its own); each mark reads
// without colour. Under the step
// under way: what it asks and how far the run is from it, whether the run
// waits, the hint once due; under a prediction: the guess beside the
// answer, and why.
func (m *Model) lessonLines(iw int) (lines []string, starts []int) {
	st := m.c.Styles
	res := m.lessonResults()
	shown := m.lessonStep()
	n := len(m.sc.Lesson)
	wrap := func(text string, indent string, style func(...string) string) {
		for _, l := range layout.Wrap(textsafe.Line(strings.Join(strings.Fields(text), " ")), max(1, iw-len(indent)-1)) {
			lines = append(lines, " "+indent+style(l))
		}
	}
	for i, step := range m.sc.Lesson {
		var r pipeline.StepResult
		if i < len(res) {
			r = res[i]
		}
		under := i == shown && !r.Done // a step under way that is not done yet
		mark, markStyle, style := "○", st.Muted, st.Muted
		switch {
		case r.Done && step.Asks(): // the learner did it
			mark, markStyle, style = "✓", st.OK, st.Text
		case under && m.over():
			mark, markStyle, style = "✗", st.Hot, st.Text
		case i == shown: // the step being read
			mark, markStyle, style = "▶", st.Accent, st.Bold
		case r.Done:
			mark, markStyle, style = "●", st.Accent, st.Text
		case !step.Has:
			mark = "·"
		}
		at := ""
		if step.Has {
			at = " (" + common.Clock(step.At) + ")"
		}
		text := step.Say
		if text == "" && step.Predict != nil {
			text = step.Predict.Question
		}
		starts = append(starts, len(lines))
		wrapped := layout.Wrap(fmt.Sprintf("%d/%d%s %s", i+1, n, at, textsafe.Line(strings.Join(strings.Fields(text), " "))), max(1, iw-4))
		for j, l := range wrapped {
			prefix := "   "
			if j == 0 {
				prefix = " " + markStyle.Render(mark) + " "
			}
			lines = append(lines, prefix+style.Render(l))
		}
		if p := step.Predict; p != nil && (under || r.Done) {
			if step.Say != "" {
				wrap("? "+p.Question, "  ", st.Text.Render)
			}
			def, _ := m.sc.LookupMetric(p.Metric)
			switch {
			case r.Guessed && r.Answered:
				wrap(fmt.Sprintf("your guess %s · the run: %s (%s off)", pipeline.FormatMetric(def.Unit, r.Guess),
					pipeline.FormatMetric(def.Unit, r.Answer), common.Percent(progress.RelError(r.Guess, r.Answer))), "  ", st.Accent.Render)
				if p.Explain != "" {
					wrap(p.Explain, "  ", st.Muted.Render)
				}
			case r.Guessed:
				when := "at the end of the run"
				if p.AnswerAt > 0 {
					when = "at " + common.Clock(p.AnswerAt)
				}
				wrap(fmt.Sprintf("your guess %s · the answer comes %s", pipeline.FormatMetric(def.Unit, r.Guess), when), "  ", st.Accent.Render)
			case under && !m.over():
				wrap("g: type your guess ("+unitHint(def.Unit)+")", "  ", st.Accent.Render)
			}
		}
		if !under {
			continue
		}
		if m.over() {
			if why := m.les.t.Why(i); why != "" {
				wrap("not done: "+why, "  ", st.Hot.Render)
			}
			continue
		}
		switch {
		case step.Check != nil:
			wrap("→ until "+step.Check.Text+m.checkNow(step, r), "  ", st.Accent.Render)
		case step.Did != nil:
			wrap("→ waits for you to "+step.Did.Text, "  ", st.Accent.Render)
		}
		if step.Asks() && m.les.t.Waiting(m.snap.Time) {
			switch {
			case m.les.held:
				wrap("the run waits for you (space lets it go on)", "  ", st.Warn.Render)
			case m.les.letGo || !m.following():
				wrap("the run goes on until it is done", "  ", st.Muted.Render)
			}
			if m.les.hint && step.Hint != "" {
				wrap("hint: "+step.Hint, "  ", st.Warn.Render)
			}
		}
	}
	return lines, starts
}

// checkNow says where a check stands: its value now.
func (m *Model) checkNow(step pipeline.LessonStep, r pipeline.StepResult) string {
	c := step.Check
	if c.Setting {
		id, key := pipeline.SplitRef(c.Ref)
		if n := m.les.live.Node(id); n != nil {
			if v, ok := n.Param(key); ok {
				return " · now " + v.String()
			}
		}
		return ""
	}
	if !r.Seen {
		return ""
	}
	def, _ := m.sc.LookupMetric(c.Ref)
	now := " · now "
	if c.Over > 0 && pipeline.Cumulative(c.Ref) {
		now = " · lately "
	}
	return now + pipeline.FormatMetric(def.Unit, r.Value)
}

// lessonTopNow is the first line the lesson shows: where it was scrolled to
// by hand, or else the start of the steps shown with the step under way
// (the first step before any).
func (m *Model) lessonTopNow(iw, ih int) int {
	lines, starts := m.lessonLines(iw)
	top := m.lessonTop
	if !m.lessonHold {
		top = 0
		if cur := m.lessonStep(); cur > 0 {
			top = starts[m.lessonGroup(cur)]
		}
		if cur := m.lessonStep(); cur >= 0 && m.sc.Lesson[cur].Asks() {
			// What a step asks, whether the run waits and its hint come
			// last: they stay in view when the pane is short.
			end := len(lines)
			if cur+1 < len(starts) {
				end = starts[cur+1]
			}
			top = max(top, end-ih)
		}
	}
	return layout.Clamp(top, 0, len(lines)-ih)
}

// lessonGroup is the first of the steps shown together with step i: steps
// without a time of their own follow the one before them, unless it asked
// the learner something (its ✓ is all it needs to show then).
func (m *Model) lessonGroup(i int) int {
	steps := m.sc.Lesson
	for i > 0 && !steps[i].Has && !steps[i-1].Asks() {
		i--
	}
	return i
}

func (m *Model) lessonPane(w, h int) string {
	iw, ih := w-layout.PaneFrame, h-layout.PaneFrame
	lines, _ := m.lessonLines(iw)
	top := m.lessonTopNow(iw, ih)
	title := fmt.Sprintf("lesson · %d steps", len(m.sc.Lesson))
	if cur := m.lessonStep(); cur >= 0 {
		title = fmt.Sprintf("lesson · step %d/%d", cur+1, len(m.sc.Lesson))
	}
	if top > 0 {
		title += " ↑"
	}
	if top+ih < len(lines) {
		title += " ↓ more"
	}
	return m.focusable(eventsPane, title, lines[top:], w, h)
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
