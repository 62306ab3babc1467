package builder

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/streamsim/streamsim/internal/textsafe"
	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/ui/components/graph"
	"github.com/streamsim/streamsim/ui/layout"
)

// View implements common.Screen: the header, the panes' tabs, the pane (or
// a form, a list to pick from, the advice) and the status line.
func (m *Model) View() string {
	if m.w <= 0 || m.h <= 0 {
		return ""
	}
	if m.sc == nil {
		return layout.Fit(m.c.Styles.Muted.Render(" nothing loaded"), m.w, m.h)
	}
	bottom := []string{m.statusLine()}
	if m.mode == savingAs {
		bottom = []string{" " + m.pathIn.View()}
		if len(m.pathOpts) > 0 {
			bottom = append([]string{m.c.Styles.Muted.Render(" " + strings.Join(m.pathOpts, "  "))}, bottom...)
		}
	}
	bodyH := max(1, m.h-2-len(bottom))
	var body string
	switch m.mode {
	case editing:
		body = m.formView(m.w, bodyH)
	case adding:
		body = m.addView(m.w, bodyH)
	case choosing:
		body = m.chooseView(m.w, bodyH)
	case advising:
		body = m.adviceView(m.w, bodyH)
	default:
		switch m.pane {
		case paneGraph:
			body = m.graphView(m.w, bodyH)
		case paneSettings:
			body = m.settingsView(m.w, bodyH)
		default:
			body = m.listView(m.w, bodyH)
		}
	}
	return m.header() + "\n" + m.tabs() + "\n" + layout.Fit(body, m.w, bodyH) + "\n" +
		strings.Join(layout.FitLines(bottom, m.w, len(bottom)), "\n")
}

func (m *Model) header() string {
	st := m.c.Styles
	left := st.Title.Render(" " + m.sc.Name)
	if m.path != "" {
		left += st.Muted.Render("  " + textsafe.Line(m.path))
	}
	var right string
	if len(m.problems) == 0 {
		right = st.OK.Render("● valid")
	} else {
		right = st.Hot.Render(fmt.Sprintf("✗ %d problem(s)", len(m.problems)))
	}
	if m.Dirty() {
		right += st.Warn.Render("   ✎ unsaved changes")
	}
	right += " "
	return layout.PadRight(left, m.w-ansi.StringWidth(right)) + right
}

// tabs names the panes, the one on show in brackets; tab moves on.
func (m *Model) tabs() string {
	st := m.c.Styles
	var b strings.Builder
	b.WriteString(" ")
	for p := range paneCount {
		name := p.String()
		switch p {
		case paneGraph:
			name += " " + strconv.Itoa(len(m.sc.Nodes))
		case paneTimeline:
			name += " " + strconv.Itoa(len(m.sc.Timeline))
		case paneExpect:
			name += " " + strconv.Itoa(len(m.sc.Expect))
		case paneLesson:
			name += " " + strconv.Itoa(len(m.sc.Lesson))
		}
		if p == m.pane {
			b.WriteString(st.Accent.Bold(true).Render("[" + name + "]"))
		} else {
			b.WriteString(st.Muted.Render(" " + name + " "))
		}
		b.WriteString(" ")
	}
	return layout.PadRight(b.String(), m.w)
}

// tabAt is the pane whose tab is at column x of the tabs line.
func (m *Model) tabAt(x int) (pane, bool) {
	pos := 1
	for p := range paneCount {
		name := p.String()
		switch p {
		case paneGraph:
			name += " " + strconv.Itoa(len(m.sc.Nodes))
		case paneTimeline:
			name += " " + strconv.Itoa(len(m.sc.Timeline))
		case paneExpect:
			name += " " + strconv.Itoa(len(m.sc.Expect))
		case paneLesson:
			name += " " + strconv.Itoa(len(m.sc.Lesson))
		}
		w := ansi.StringWidth(name) + 2
		if x >= pos && x < pos+w {
			return p, true
		}
		pos += w + 1
	}
	return 0, false
}

func (m *Model) statusLine() string {
	st := m.c.Styles
	if m.mode == connecting {
		text, ok := m.connectHint()
		if ok {
			return layout.PadRight(st.Accent.Render(" "+text), m.w)
		}
		return layout.PadRight(st.Hot.Render(" "+text), m.w)
	}
	if len(m.problems) > 0 {
		more := ""
		if len(m.problems) > 1 {
			more = fmt.Sprintf(" (+%d more: i lists them)", len(m.problems)-1)
		}
		return layout.PadRight(st.Hot.Render(" ✗ "+textsafe.Line(problemText(m.problems[0]))+more), m.w)
	}
	if line := m.estimateLine(); line != "" {
		return layout.PadRight(line, m.w)
	}
	var nodes []string
	for _, s := range stages {
		nodes = append(nodes, fmt.Sprintf("%d %s", len(m.sc.Stage(s)), s))
	}
	line := " " + strings.Join(nodes, " · ") + fmt.Sprintf(" · %s simulated, seed %d", pipeline.FormatDuration(m.sc.Duration), m.sc.Seed)
	return layout.PadRight(st.Muted.Render(line), m.w)
}

// graphView draws the column headings and the rows of the drawing in view,
// scrolled so that the selected node shows.
func (m *Model) graphView(w, h int) string {
	l := m.layout()
	gst := graph.FromTheme(m.c.Styles)
	ch := max(1, h-1)
	if m.follow {
		if r, ok := l.Rect(m.selID); ok {
			if r.Y < m.top {
				m.top = r.Y
			}
			if r.Y+r.H > m.top+ch {
				m.top = r.Y + r.H - ch
			}
		}
		m.follow = false
	}
	m.top = layout.Clamp(m.top, 0, l.Height-ch)
	head := l.Headings(gst, m.col, w)
	if l.Height > ch {
		mark := fmt.Sprintf(" rows %d–%d of %d ", m.top+1, min(l.Height, m.top+ch), l.Height)
		if m.top > 0 {
			mark = "↑" + mark
		}
		if m.top+ch < l.Height {
			mark += "↓"
		}
		head = layout.PadRight(ansi.Truncate(head, max(0, w-ansi.StringWidth(mark)), ""), w-ansi.StringWidth(mark)) + m.c.Styles.Muted.Render(mark)
	}
	marked := ""
	if m.mode == connecting {
		marked = m.connFrom
	}
	k := fmt.Sprintf("%s/%s/%s/%d/%d/%d/%v", m.layKey, m.selID, marked, m.top, ch, w, m.c.Styles.Dark)
	if k != m.drawKey || m.drawn == nil {
		m.drawn = l.Render(gst, graph.View{Selected: m.selID, Marked: marked, Top: m.top, Height: ch}, w)
		m.drawKey = k
	}
	lines := append([]string{head}, m.drawn...)
	if len(m.sc.Nodes) == 0 {
		hint := []string{"", m.c.Styles.Muted.Render(" An empty pipeline. ←→ pick a stage, a adds a service there; c connects two nodes;"),
			m.c.Styles.Muted.Render(" tab goes to the settings, the timeline, the checks (expect) and the lesson.")}
		lines = append(lines[:1], hint...)
	}
	return strings.Join(layout.FitLines(lines, w, h), "\n")
}

// Canvas returns the rows of the drawing on show and where each box is in
// them (screen rows, from the top of the builder): the graph pane as a test
// reads it.
func (m *Model) Canvas() (lines []string, boxes map[string]graph.Rect) {
	v := strings.Split(m.View(), "\n")
	l := m.layout()
	first := 3 // header, tabs, headings
	ch := m.canvasHeight()
	if first+ch > len(v) {
		ch = len(v) - first
	}
	boxes = map[string]graph.Rect{}
	for id, r := range l.Rects() {
		r.Y = r.Y - m.top
		if r.Y >= 0 && r.Y+r.H <= ch {
			boxes[id] = r
		}
	}
	return v[first : first+ch], boxes
}

func (m *Model) settingsView(w, h int) string {
	st := m.c.Styles
	sc := m.sc
	names := settingNames(sc)
	values := map[string]string{
		"name": sc.Name, "title": sc.Title, "seed": strconv.FormatInt(sc.Seed, 10),
		"duration": pipeline.FormatDuration(sc.Duration), "tick": pipeline.FormatDuration(sc.Tick), "region": sc.RegionOrDefault(),
		"description": strings.ReplaceAll(sc.Description, "\n", " ⏎ "),
	}
	helps := map[string]string{
		"name": "the scenario's name", "title": "one line, shown in the picker", "description": "shown in the picker and the lesson",
		"seed": "the same seed gives the same run", "duration": "simulated time", "tick": "the simulation's step", "region": "prices and default quotas",
	}
	for _, k := range pipeline.RequirementKeys() {
		v, ok := sc.Requirements.Text(k)
		if !ok {
			v = "(not set)"
		}
		values["requirements."+k] = v
		helps["requirements."+k] = pipeline.RequirementHelp(k)
	}
	iw := w - layout.PaneFrame
	var lines []string
	for i, n := range names {
		label := layout.PadRight("  "+n, 31)
		if i == m.rows[paneSettings] {
			label = st.Accent.Render(layout.PadRight("› "+n, 31))
		}
		val := layout.PadRight(textsafe.Line(values[n]), max(10, min(30, iw/3)))
		lines = append(lines, label+val+"  "+st.Muted.Render(helps[n]))
	}
	lines = append(lines, "", st.Muted.Render("  e (or enter) edits these in a form, checked as you type"))
	return layout.Pane(st.PaneFocused, st.PaneTitle, "settings · top level and requirements", scrollTo(lines, m.rows[paneSettings], h-layout.PaneFrame), w, h)
}

// scrollTo keeps line sel in the n lines shown.
func scrollTo(lines []string, sel, n int) []string {
	if n <= 0 || len(lines) <= n {
		return lines
	}
	first := layout.Clamp(sel-n/2, 0, len(lines)-n)
	return lines[first:]
}

func (m *Model) listView(w, h int) string {
	st := m.c.Styles
	sc := m.sc
	var items []string
	var title, empty string
	switch m.pane {
	case paneTimeline:
		title = fmt.Sprintf("timeline · %d change(s), applied at their time (run %s)", len(sc.Timeline), pipeline.FormatDuration(sc.Duration))
		empty = "no changes: a adds one (set a key, fail a node, or spike a producer's rate)"
		for _, c := range sc.Timeline {
			items = append(items, layout.PadLeft(pipeline.FormatDuration(c.At), 8)+"  "+changeText(c))
		}
	case paneExpect:
		title = fmt.Sprintf("expect · %d check(s) a run must pass", len(sc.Expect))
		empty = "no checks: a adds one, such as pipeline.lost_records == 0"
		for _, e := range sc.Expect {
			items = append(items, expectText(e))
		}
	case paneLesson:
		title = fmt.Sprintf("lesson · %d step(s)", len(sc.Lesson))
		empty = "no steps: a adds one"
		for i, s := range sc.Lesson {
			at := "      "
			if s.Has {
				at = layout.PadLeft(pipeline.FormatDuration(s.At), 6)
			}
			items = append(items, fmt.Sprintf("%2d. %s  %s", i+1, at, strings.Join(strings.Fields(s.Say), " ")))
		}
	}
	var lines []string
	for i, it := range items {
		it = textsafe.Line(it)
		if i == m.rows[m.pane] {
			lines = append(lines, st.Selected.Render(layout.PadRight("› "+it, w-layout.PaneFrame)))
		} else {
			lines = append(lines, "  "+it)
		}
	}
	if len(items) == 0 {
		lines = []string{st.Muted.Render("  " + empty)}
	}
	return layout.Pane(st.PaneFocused, st.PaneTitle, title, scrollTo(lines, m.rows[m.pane], h-layout.PaneFrame), w, h)
}

func (m *Model) addView(w, h int) string {
	st := m.c.Styles
	stage := stages[m.col]
	var lines []string
	for i, svc := range m.addList {
		label := fmt.Sprintf("%-22s %s", svc.Name, svc.Label)
		if i == m.addSel {
			lines = append(lines, st.Selected.Render(layout.PadRight(" > "+label, w-layout.PaneFrame)))
		} else {
			lines = append(lines, "   "+label)
		}
	}
	lines = append(lines, "", st.Muted.Render(" the services AWS offers at this stage"))
	return layout.Pane(st.PaneFocused, st.PaneTitle, "add to "+stage.Title(), lines, w, h)
}

func (m *Model) chooseView(w, h int) string {
	st := m.c.Styles
	var lines []string
	for i, k := range timelineKinds {
		label := fmt.Sprintf("%-6s %s", k.name, k.help)
		if i == m.choice {
			lines = append(lines, st.Selected.Render(layout.PadRight(" > "+label, w-layout.PaneFrame)))
		} else {
			lines = append(lines, "   "+label)
		}
	}
	return layout.Pane(st.PaneFocused, st.PaneTitle, "add to the timeline", lines, w, h)
}

func (m *Model) formView(w, h int) string {
	st := m.c.Styles
	f := m.form
	iw, ih := w-layout.PaneFrame, h-layout.PaneFrame
	labelW := 4
	for _, fl := range f.fields {
		labelW = max(labelW, ansi.StringWidth(fl.name))
	}
	labelW = min(labelW+2, 30)
	inputW := f.fields[0].input.Width() + 2
	for _, fl := range f.fields {
		inputW = max(inputW, fl.input.Width()+2)
	}
	var rows []string
	focusRow := 0
	for i, fl := range f.fields {
		label := st.Muted.Render(layout.PadRight(" "+fl.name, labelW))
		if i == f.focus {
			label = st.Accent.Render(layout.PadRight("›"+fl.name, labelW))
			focusRow = len(rows)
		}
		var hint string
		switch {
		case fl.isOff(f):
			hint = st.Muted.Render("— " + fl.off(f))
			rows = append(rows, label+st.Muted.Render(layout.PadRight(ansi.Strip(fl.input.Value()), inputW))+" "+hint)
			continue
		case fl.err != "":
			hint = st.Error.Render("✗ " + fl.err)
		default:
			hint = st.Muted.Render(fl.help)
		}
		if fl.area != nil {
			rows = append(rows, label+hint)
			pad := strings.Repeat(" ", labelW)
			if i != f.focus { // a blurred text shows its first lines
				lines := strings.Split(fl.text(), "\n")
				for j := 0; j < min(len(lines), areaRows); j++ {
					rows = append(rows, pad+st.Muted.Render(textsafe.Line(lines[j])))
				}
				if fl.text() == "" {
					rows = append(rows, pad+st.Muted.Render("(empty)"))
				}
				continue
			}
			for _, l := range strings.Split(fl.area.View(), "\n") {
				rows = append(rows, pad+l)
			}
			continue
		}
		rows = append(rows, label+layout.PadRight(fl.input.View(), inputW)+" "+hint)
		if i == f.focus {
			words, _ := f.options()
			for j, o := range words {
				line := layout.PadRight("", labelW) + "  " + o
				if j == f.opt {
					line = layout.PadRight("", labelW) + st.Accent.Render("▸ "+o)
				}
				rows = append(rows, st.Muted.Render(line))
			}
		}
	}
	head := []string{st.Bold.Render(" "+f.title) + st.Muted.Render(" · "+f.note), ""}
	var foot []string
	if f.focus < len(f.fields) {
		if fl := f.fields[f.focus]; fl.help != "" {
			foot = append(foot, st.Muted.Render(" › "+fl.name+": "+fl.help))
		}
	}
	if f.completes() {
		foot = append(foot, st.Muted.Render(" tab completes · ctrl+n/ctrl+p pick another"))
	}
	errs := f.errors()
	if f.info != nil {
		if p := f.info(f); p != "" {
			foot = append(foot, st.Muted.Render(" · "+textsafe.Line(p)))
		}
	}
	if len(errs) > 0 {
		foot = append(foot, st.Error.Render(" ✗ "+errs[0]+more(len(errs))))
	} else if f.preview != nil {
		if p := f.preview(f); p != "" {
			foot = append(foot, st.Warn.Render(" ▲ "+textsafe.Line(p)))
		}
	}
	if d := f.dropped(); len(d) > 0 {
		foot = append(foot, st.Muted.Render(" applying clears "+strings.Join(d, ", ")+": meaningless with the other choices"))
	}
	visible := max(1, ih-len(head)-len(foot))
	first := 0
	if focusRow >= visible {
		first = focusRow - visible + 1
	}
	body := append(head, rows[first:min(len(rows), first+visible)]...)
	body = append(layout.FitLines(body, iw, ih-len(foot)), foot...)
	return layout.FocusedPane(st.PaneFocused, st.PaneTitle, f.title, layout.FitLines(body, iw, ih), w, h)
}
