package builder

import (
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/streamsim/streamsim/pipeline"
)

// listLen is how many items the pane on show lists.
func (m *Model) listLen() int { return m.listLenOf(m.pane) }

func (m *Model) listLenOf(p pane) int {
	if m.sc == nil {
		return 0
	}
	switch p {
	case paneSettings:
		return len(settingNames(m.sc))
	case paneTimeline:
		return len(m.sc.Timeline)
	case paneExpect:
		return len(m.sc.Expect)
	case paneLesson:
		return len(m.sc.Lesson)
	}
	return 0
}

// settingNames are the rows of the settings pane.
func settingNames(sc *pipeline.Scenario) []string {
	out := []string{"name", "title", "description", "seed", "duration", "tick", "region"}
	for _, k := range pipeline.RequirementKeys() {
		out = append(out, "requirements."+k)
	}
	return out
}

func (m *Model) updateSettings(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	names := settingNames(m.sc)
	switch {
	case key.Matches(msg, k.Up):
		m.rows[paneSettings] = max(0, m.rows[paneSettings]-1)
	case key.Matches(msg, k.Down):
		m.rows[paneSettings] = min(len(names)-1, m.rows[paneSettings]+1)
	case key.Matches(msg, k.Edit):
		f := m.settingsForm()
		f.focusOn(names[m.rows[paneSettings]])
		return m.openForm(f)
	}
	return nil
}

// updateList handles the timeline, expect and lesson panes.
func (m *Model) updateList(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	p := m.pane
	n := m.listLen()
	i := m.rows[p]
	switch {
	case key.Matches(msg, k.Up):
		m.rows[p] = max(0, i-1)
	case key.Matches(msg, k.Down):
		m.rows[p] = max(0, min(n-1, i+1))
	case key.Matches(msg, k.Add):
		switch p {
		case paneTimeline:
			if len(m.sc.Nodes) == 0 {
				return fail("the timeline changes nodes: add a node on the graph first")
			}
			m.mode, m.choice = choosing, 0
		case paneExpect:
			return m.openForm(m.expectForm(-1))
		case paneLesson:
			return m.openForm(m.lessonForm(-1))
		}
	case n == 0 && (key.Matches(msg, k.Edit) || key.Matches(msg, k.Delete)):
		return status("the %s is empty: a adds one", p)
	case n < 2 && (key.Matches(msg, k.MoveUp) || key.Matches(msg, k.MoveDown)):
		return status("nothing to move: the %s holds %d", p, n)
	case key.Matches(msg, k.Edit) && n > 0:
		switch p {
		case paneTimeline:
			return m.openForm(m.changeForm(i, ""))
		case paneExpect:
			return m.openForm(m.expectForm(i))
		case paneLesson:
			return m.openForm(m.lessonForm(i))
		}
	case key.Matches(msg, k.Delete) && n > 0:
		return m.deleteItem(p, i)
	case key.Matches(msg, k.MoveUp) && n > 1:
		return m.moveItem(p, i, -1)
	case key.Matches(msg, k.MoveDown) && n > 1:
		return m.moveItem(p, i, 1)
	}
	return nil
}

func (m *Model) deleteItem(p pane, i int) tea.Cmd {
	var what string
	switch p {
	case paneTimeline:
		what = "deleted the change at " + pipeline.FormatDuration(m.sc.Timeline[i].At) + " (" + changeText(m.sc.Timeline[i]) + ")"
	case paneExpect:
		what = "deleted the check " + expectText(m.sc.Expect[i])
	case paneLesson:
		what = fmt.Sprintf("deleted lesson step %d", i+1)
	}
	return m.edit(what, func(sc *pipeline.Scenario) (string, error) {
		switch p {
		case paneTimeline:
			sc.Timeline = append(sc.Timeline[:i:i], sc.Timeline[i+1:]...)
		case paneExpect:
			sc.Expect = append(sc.Expect[:i:i], sc.Expect[i+1:]...)
		case paneLesson:
			sc.Lesson = append(sc.Lesson[:i:i], sc.Lesson[i+1:]...)
		}
		return what + " · u brings it back", nil
	})
}

// moveItem moves an item up (d = -1) or down. Timeline changes run in time
// order: only changes at the same time trade places (they apply in list
// order).
func (m *Model) moveItem(p pane, i, d int) tea.Cmd {
	j := i + d
	if j < 0 || j >= m.listLen() {
		return nil
	}
	if p == paneTimeline {
		a, b := m.sc.Timeline[i], m.sc.Timeline[j]
		if a.At != b.At {
			return fail("the timeline runs in time order: change at (e) to move the change at %s past the one at %s; changes at the same time run in list order",
				pipeline.FormatDuration(a.At), pipeline.FormatDuration(b.At))
		}
	}
	what := fmt.Sprintf("moved %s %d %s", p, i+1, map[int]string{-1: "up", 1: "down"}[d])
	cmd := m.edit(what, func(sc *pipeline.Scenario) (string, error) {
		switch p {
		case paneTimeline:
			sc.Timeline[i], sc.Timeline[j] = sc.Timeline[j], sc.Timeline[i]
		case paneExpect:
			sc.Expect[i], sc.Expect[j] = sc.Expect[j], sc.Expect[i]
		case paneLesson:
			sc.Lesson[i], sc.Lesson[j] = sc.Lesson[j], sc.Lesson[i]
		}
		return what, nil
	})
	m.rows[p] = j
	return cmd
}

// expectText is an expectation as written.
func expectText(e pipeline.Expectation) string {
	if e.Text != "" {
		return e.Text
	}
	return e.Metric + " " + e.Op + " " + trim(e.Value)
}
