package builder

import (
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/streamsim/streamsim/pipeline"
)

// expectForm edits expectation i (or a new one, i < 0). The metric names of
// this scenario are offered as the name is typed; an unknown one is refused.
func (m *Model) expectForm(i int) *form {
	st := m.c.Styles
	sc := m.sc
	text := ""
	if i >= 0 && i < len(sc.Expect) {
		text = sc.Expect[i].Text
		if text == "" {
			text = sc.Expect[i].Metric + " " + sc.Expect[i].Op + " " + trim(sc.Expect[i].Value)
		}
	}
	title := "edit a check"
	if i < 0 {
		title = "add a check"
	}
	f := &form{title: title, note: "METRIC OP VALUE, checked at the end of a run: OP one of < <= > >= == !=, VALUE in the metric's unit"}
	defs := sc.MetricNames()
	names := make([]string, len(defs))
	for j, d := range defs {
		names[j] = d.Name
	}
	line := newField(st, "expect", text, "pipeline.lost_records == 0",
		"a metric of this scenario, an operator, a value in the metric's unit")
	line.check = func(_ *form, t string) string {
		if t == "" {
			return "required: METRIC OP VALUE"
		}
		_, err := sc.ParseExpect(t)
		return errText(err)
	}
	line.options = func(_ *form, t string) ([]string, int) {
		if strings.ContainsAny(t, " <>=!") {
			return nil, 0
		}
		return prefixOptions(names, t, "", 6)
	}
	f.fields = []*field{line}
	f.info = func(f *form) string {
		name := ""
		if words, _ := f.options(); len(words) > 0 {
			name = words[min(f.opt, len(words)-1)] // the one tab would take
		} else if w := strings.Fields(f.value("expect")); len(w) > 0 {
			name = w[0]
		}
		if d, ok := sc.LookupMetric(name); ok {
			return d.Name + ": " + d.Doc + " (" + unitWord(d.Unit) + ")"
		}
		return ""
	}
	f.apply = func(m *Model, f *form) tea.Cmd {
		e, err := sc.ParseExpect(f.value("expect"))
		if err != nil {
			return fail("%s", errText(err))
		}
		what := "added a check: " + e.Text
		if i >= 0 {
			what = "edited a check: " + e.Text
			e.Pos = sc.Expect[i].Pos
		}
		return m.edit(what, func(sc *pipeline.Scenario) (string, error) {
			if i >= 0 && i < len(sc.Expect) {
				sc.Expect[i] = e
			} else {
				sc.Expect = append(sc.Expect, e)
				m.rows[paneExpect] = len(sc.Expect) - 1
			}
			return what, nil
		})
	}
	f.setWidth(m.w)
	f.fields[0].input.SetWidth(max(20, m.w-30))
	f.validate()
	return f
}

func unitWord(u pipeline.Unit) string {
	switch u {
	case pipeline.UnitBytes:
		return "bytes: 5GiB"
	case pipeline.UnitSeconds:
		return "a duration: 2m"
	case pipeline.UnitDollars:
		return "dollars: $800"
	case pipeline.UnitRatio:
		return "a ratio: 85% or 0.85"
	}
	return "a count: 0, 1500, 10k"
}
