package dashboard

import (
	"fmt"
	"strings"

	"github.com/streamsim/streamsim/internal/progress"
	"github.com/streamsim/streamsim/internal/textsafe"
	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/ui/common"
	"github.com/streamsim/streamsim/ui/layout"
)

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
