package dashboard

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/streamsim/streamsim/backends"
	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/ui/common"
	"github.com/streamsim/streamsim/ui/layout"
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
