package picker

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/streamsim/streamsim/internal/progress"
	"github.com/streamsim/streamsim/internal/textsafe"
	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/ui/common"
	"github.com/streamsim/streamsim/ui/layout"
)

// View implements common.Screen.
func (m *Model) View() string {
	if m.w <= 0 || m.h <= 0 {
		return ""
	}
	st := m.c.Styles
	title := st.Title.Render(" streamsim") + st.Header.Render(" ─ streaming pipelines on AWS, simulated")
	noun := "scenarios"
	if m.progress != nil {
		title = st.Title.Render(" streamsim workshop") + st.Header.Render(" ─ lessons you do, checked as you go")
		noun = "lessons"
	}
	count := st.Header.Render(fmt.Sprintf("%d %s ", len(m.c.Builtins), noun))
	if q := m.filter.Value(); q != "" {
		count = st.Header.Render(fmt.Sprintf("%d of %d %s ", len(m.shown), len(m.c.Builtins), noun))
	} else if m.progress != nil {
		count = st.Header.Render(fmt.Sprintf("%d of %d lessons done ", m.lessonsDone(), len(m.c.Builtins)))
	}
	header := layout.PadRight(title, m.w-lwidth(count)) + count

	bodyH := m.h - 1
	var prompt string
	if m.mode == opening {
		prompt = layout.PadRight(" "+m.path.View(), m.w)
		bodyH--
	}
	leftW := layout.Split(m.w, 1, 1)[0]
	if m.w >= 120 {
		leftW = layout.Split(m.w, 9, 11)[0]
	}
	rightW := m.w - leftW
	left := layout.Pane(st.PaneFocused, st.PaneTitle, noun, m.listLines(leftW-layout.PaneFrame, bodyH-layout.PaneFrame), leftW, bodyH)
	right := layout.Pane(st.Pane, st.PaneTitle, m.detailTitle(), m.detailLines(rightW-layout.PaneFrame), rightW, bodyH)
	out := header + "\n" + layout.Row(left, right)
	if prompt != "" {
		out += "\n" + prompt
	}
	return out
}

func lwidth(s string) int { return ansi.StringWidth(s) }

func (m *Model) listLines(w, h int) []string {
	st := m.c.Styles
	var lines []string
	listH := h
	if m.mode == filtering || m.filter.Value() != "" {
		listH--
	}
	if len(m.shown) == 0 {
		lines = append(lines, st.Muted.Render(" no scenario matches; esc clears the filter"))
	}
	nameW := 0
	for _, i := range m.shown {
		nameW = max(nameW, len(m.c.Builtins[i].Name))
	}
	nameW = min(nameW, max(8, w/2))
	// Keep the selection in view.
	first := 0
	if m.sel >= listH {
		first = m.sel - listH + 1
	}
	for row := first; row < len(m.shown) && row < first+listH; row++ {
		b := m.c.Builtins[m.shown[row]]
		name := layout.PadRight(b.Name, nameW)
		svcW := 0
		if w >= 70 { // room for the services on the right
			svcW = min(28, w/3)
		}
		if m.progress != nil {
			svcW = 0 // the lesson's progress stands there instead
		}
		title := textsafe.Line(b.Scenario.Title)
		if l, ok := m.Progress(b.Name); ok {
			title = layout.PadRight(shortStatus(l), 12) + " " + title
		}
		rest := layout.PadRight(title, max(0, w-nameW-4-svcW))
		svcs := ""
		if svcW > 0 {
			svcs = layout.PadLeft(serviceList(b.Scenario, "·"), svcW-1) + " "
		}
		if row == m.sel {
			lines = append(lines, st.Selected.Render(layout.PadRight(" > "+name+" "+rest+svcs, w)))
		} else {
			lines = append(lines, "   "+st.Bold.Render(name)+" "+st.Muted.Render(rest)+st.Accent.Render(svcs))
		}
	}
	if listH < h {
		lines = layout.FitLines(lines, w, listH)
		if m.mode == filtering {
			lines = append(lines, m.filter.View())
		} else {
			lines = append(lines, st.Muted.Render("/ "+m.filter.Value()))
		}
	}
	return lines
}

func (m *Model) detailTitle() string {
	if m.mode == opening && (m.choices != nil || m.compErr != "") {
		if m.compErr != "" {
			return "tab: nothing to complete"
		}
		return fmt.Sprintf("tab: %d matches, type on to choose", len(m.choices))
	}
	if m.loadErr != "" {
		return "could not open the file"
	}
	if m.loading != "" {
		return "opening " + m.loading
	}
	if b, ok := m.Selected(); ok {
		return b.Name
	}
	return ""
}

func (m *Model) detailLines(w int) []string {
	st := m.c.Styles
	if m.mode == opening && m.compErr != "" {
		var out []string
		for _, l := range layout.Wrap(m.compErr, w-1) {
			out = append(out, " "+st.Warn.Render(l))
		}
		return out
	}
	if m.mode == opening && m.choices != nil {
		var out []string
		for _, c := range m.choices {
			out = append(out, " "+layout.Truncate(textsafe.Line(c), w-1))
		}
		return out
	}
	if m.loadErr != "" {
		var out []string
		for _, l := range strings.Split(m.loadErr, "\n") {
			for _, wl := range layout.Wrap(l, w-1) {
				out = append(out, " "+st.Error.Render(wl))
			}
		}
		return out
	}
	b, ok := m.Selected()
	if !ok {
		return nil
	}
	s := b.Scenario
	var out []string
	for _, l := range layout.Wrap(textsafe.Line(s.Title), w-1) {
		out = append(out, " "+st.Bold.Render(l))
	}
	out = append(out, "")
	for _, para := range paragraphs(plainMarkdown(textsafe.Block(s.Description))) {
		if para == "" {
			out = append(out, "")
			continue
		}
		for _, l := range layout.Wrap(para, w-1) {
			out = append(out, " "+l)
		}
	}
	out = append(out, "")
	// label writes "key  value", the value wrapped under itself.
	label := func(k, v string) string {
		lines := layout.WrapWords(v, max(1, w-11))
		for i := 1; i < len(lines); i++ {
			lines[i] = strings.Repeat(" ", 11) + lines[i]
		}
		return " " + st.Muted.Render(layout.PadRight(k, 10)) + strings.Join(lines, "\n")
	}
	add := func(k, v string) { out = append(out, strings.Split(label(k, v), "\n")...) }
	add("services", serviceList(s, " · "))
	add("producers", producerSummary(s))
	add("run", fmt.Sprintf("%s simulated · tick %s · seed %d",
		pipeline.FormatDuration(s.Duration), pipeline.FormatDuration(s.Tick), s.Seed))
	if n := len(s.Lesson); n > 0 {
		add("lesson", lessonSummary(s))
	}
	if l, ok := m.Progress(b.Name); ok {
		add("progress", l.Status())
	}
	if n := len(s.Expect); n > 0 {
		add("expect", fmt.Sprintf("%d checks", n))
	}
	return out
}

func producerSummary(s *pipeline.Scenario) string {
	var parts []string
	total := 0.0
	for _, n := range s.Stage(pipeline.Producer) {
		parts = append(parts, n.ID)
		total += n.Num("rate")
	}
	return fmt.Sprintf("%s (%s records/s)", strings.Join(parts, ", "), common.Count(total))
}

// plainMarkdown drops the Markdown marks the descriptions use.
func plainMarkdown(s string) string {
	r := strings.NewReplacer("**", "", "`", "", "__", "")
	return r.Replace(s)
}

// paragraphs joins the lines of each Markdown paragraph (and list item) into
// one, so they wrap to the pane; "" separates paragraphs.
func paragraphs(text string) []string {
	var out []string
	var cur []string
	flush := func() {
		if len(cur) > 0 {
			out = append(out, strings.Join(cur, " "))
			cur = nil
		}
	}
	for _, l := range strings.Split(strings.TrimSpace(text), "\n") {
		t := strings.TrimSpace(l)
		switch {
		case t == "":
			flush()
			out = append(out, "")
		case strings.HasPrefix(t, "- ") || strings.HasPrefix(t, "* "):
			flush()
			cur = append(cur, "• "+t[2:])
		default:
			cur = append(cur, t)
		}
	}
	flush()
	return out
}

// serviceList names the AWS services a scenario uses, short.
func serviceList(s *pipeline.Scenario, sep string) string {
	var out []string
	for _, svc := range s.Services() {
		out = append(out, svc.Short)
	}
	return strings.Join(out, sep)
}

// shortStatus is a lesson's progress in a few characters, for the list: the
// mark reads without colour.
func shortStatus(l progress.Lesson) string {
	switch {
	case l.Done:
		return "✓ done"
	case l.Started:
		return fmt.Sprintf("%d/%d steps", l.Steps, l.Of)
	}
	return "· new"
}

// lessonsDone is how many lessons a workshop's learner has done.
func (m *Model) lessonsDone() int {
	n := 0
	for _, b := range m.c.Builtins {
		if l, ok := m.Progress(b.Name); ok && l.Done {
			n++
		}
	}
	return n
}

// lessonSummary says how many steps a lesson has and what they ask.
func lessonSummary(s *pipeline.Scenario) string {
	var checks, actions, predictions int
	for _, st := range s.Lesson {
		switch {
		case st.Check != nil:
			checks++
		case st.Did != nil:
			actions++
		case st.Predict != nil:
			predictions++
		}
	}
	text := fmt.Sprintf("%d steps", len(s.Lesson))
	var asks []string
	for _, x := range []struct {
		n          int
		one, other string
	}{{actions, "action", "actions"}, {checks, "check", "checks"}, {predictions, "prediction", "predictions"}} {
		switch {
		case x.n == 1:
			asks = append(asks, "1 "+x.one)
		case x.n > 1:
			asks = append(asks, fmt.Sprintf("%d %s", x.n, x.other))
		}
	}
	if len(asks) > 0 {
		text += ": " + strings.Join(asks, ", ")
	}
	return text
}
