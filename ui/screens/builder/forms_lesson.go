package builder

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/streamsim/streamsim/pipeline"
)

func (m *Model) lessonForm(i int) *form {
	st := m.c.Styles
	sc := m.sc
	var step pipeline.LessonStep
	if i >= 0 && i < len(sc.Lesson) {
		step = sc.Lesson[i]
	}
	title := fmt.Sprintf("edit step %d", i+1)
	if i < 0 {
		title = "add a step"
	}
	f := &form{title: title, note: "a workshop step: the text to show, and when (empty: shown after the previous one)"}
	say := newArea(st, "say", step.Say, "the text to show", "what the step says (Markdown)")
	say.check = func(_ *form, t string) string {
		if t == "" {
			return "required: the text of the step"
		}
		return errText(pipeline.CheckBlock(t))
	}
	at := newField(st, "at", "", "(no time)", "a duration from the start, before the run ends (empty: no time)")
	if step.Has {
		at.input.SetValue(pipeline.FormatDuration(step.At))
		at.typed = at.input.Value()
	}
	at.check = func(_ *form, t string) string {
		if t == "" {
			return ""
		}
		_, err := sc.ParseMoment(t)
		return errText(err)
	}
	f.fields = []*field{say, at}
	f.apply = func(m *Model, f *form) tea.Cmd {
		ns := pipeline.LessonStep{Say: f.value("say")}
		if step.Say != "" && strings.Join(strings.Fields(step.Say), " ") == strings.Join(strings.Fields(ns.Say), " ") {
			ns.Say = step.Say // only the wrapping differs: keep the text as written
		}
		if t := f.value("at"); t != "" {
			ns.At, _ = sc.ParseMoment(t)
			ns.Has = true
		}
		what := "added a lesson step"
		if i >= 0 {
			what = fmt.Sprintf("edited lesson step %d", i+1)
		}
		return m.edit(what, func(sc *pipeline.Scenario) (string, error) {
			if i >= 0 && i < len(sc.Lesson) {
				sc.Lesson[i] = ns
			} else {
				sc.Lesson = append(sc.Lesson, ns)
				m.rows[paneLesson] = len(sc.Lesson) - 1
			}
			return what, nil
		})
	}
	f.setWidth(m.w)
	f.fields[0].input.SetWidth(max(20, m.w-30))
	f.validate()
	return f
}
