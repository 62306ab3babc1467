package board

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/streamsim/streamsim/internal/textsafe"
	"github.com/streamsim/streamsim/ui/components/helpbar"
	"github.com/streamsim/streamsim/ui/layout"
)

// Column widths of the list (cells); the step marks take what is left.
const (
	nameW   = 18
	lessonW = 24
	stepW   = 5
	guessW  = 6
	idleW   = 9
	gap     = 1
)

// stuckAfter is how long a learner in a lesson may type nothing before the
// idle time is drawn as a warning.
const stuckAfter = 3 * time.Minute

// View implements tea.Model.
func (m *Model) View() tea.View {
	v := tea.NewView(m.Render())
	v.AltScreen = true
	v.WindowTitle = "streamsim room"
	return v
}

// Render draws the board in exactly w×h cells.
func (m *Model) Render() string {
	w, h := max(1, m.w), max(1, m.h)
	var lines []string
	lines = append(lines, m.header(w)...)
	foot := m.footer(w)
	body := h - len(lines) - len(foot)
	if m.watching != "" {
		lines = append(lines, m.watchLines(w, body)...)
	} else {
		lines = append(lines, m.listLines(w, body)...)
	}
	return layout.Fit(strings.Join(append(lines, foot...), "\n"), w, h)
}

func (m *Model) header(w int) []string {
	st := m.st
	in := m.info
	title := st.Title.Render("streamsim room")
	count := fmt.Sprintf("%d/%d learners", in.Learners, in.Max)
	parts := []string{title, count}
	if in.Code != "" {
		parts = append(parts, "code "+st.Accent.Render(textsafe.Line(in.Code)))
	}
	if in.Keys {
		parts = append(parts, "keys in authorized_keys")
	}
	parts = append(parts, "ssh -p "+port(in.Addr)+" NAME@host")
	if in.Closing {
		parts = append(parts, st.Warn.Render("closing"))
	}
	second := st.Muted.Render("listening on " + textsafe.Line(in.Addr) + " · host key " + textsafe.Line(in.HostKey))
	return []string{layout.Truncate(" "+strings.Join(parts, " · "), w), layout.Truncate(" "+second, w), ""}
}

// port is the port of a listen address (":2222", "0.0.0.0:2222").
func port(addr string) string {
	if i := strings.LastIndex(addr, ":"); i >= 0 && i < len(addr)-1 {
		return addr[i+1:]
	}
	return "22"
}

func (m *Model) footer(w int) []string {
	k := m.keys
	var bar helpbar.Bar
	switch {
	case m.asking:
		bar = helpbar.Bar{Lead: []key.Binding{k.Yes}, Tail: []key.Binding{k.No}}
		q := m.st.Warn.Render("close the room? Every learner's session ends; their saved work stays.")
		return []string{layout.Truncate(" "+q, w), " " + bar.Render(m.st.Help, w-1)}
	case m.watching != "":
		bar = helpbar.Bar{Lead: []key.Binding{k.Back}, Rest: []key.Binding{k.Up, k.Down}, Tail: []key.Binding{k.Quit}}
	default:
		bar = helpbar.Bar{Lead: []key.Binding{k.Watch}, Rest: []key.Binding{k.Up, k.Order}, Tail: []key.Binding{k.Quit}}
	}
	return []string{" " + bar.Render(m.st.Help, w-1)}
}

// listLines are the rows, the selected one kept in view, then the events.
func (m *Model) listLines(w, h int) []string {
	if h <= 0 {
		return nil
	}
	nEv := min(len(m.events), max(0, min(6, h/4)))
	evLines := 0
	if nEv > 0 {
		evLines = nEv + 1
	}
	rowsH := h - 1 - evLines // the column heads
	out := []string{m.st.Muted.Render(m.row(w, "", "LEARNER", "LESSON", "STEP", "STEPS", "GUESS", "IDLE"))}
	if len(m.rows) == 0 {
		out = append(out, m.st.Muted.Render("  nobody yet: learners join with the ssh line above"))
	}
	sel := m.index(m.sel)
	if rowsH > 0 {
		if sel < m.top {
			m.top = sel
		}
		if sel >= m.top+rowsH {
			m.top = sel - rowsH + 1
		}
		m.top = max(0, min(m.top, len(m.rows)-rowsH))
		for i := m.top; i < len(m.rows) && i < m.top+rowsH; i++ {
			out = append(out, m.rowLine(w, m.rows[i], i == sel))
		}
	}
	for len(out) < h-evLines {
		out = append(out, "")
	}
	if nEv > 0 {
		out = append(out, m.st.Muted.Render(" ── events "+strings.Repeat("─", max(0, w-12))))
		for _, e := range m.events[len(m.events)-nEv:] {
			line := " " + e.At.Format("15:04:05") + " " + textsafe.Line(e.Text)
			if e.Warn {
				line = m.st.Warn.Render(line)
			}
			out = append(out, layout.Truncate(line, w))
		}
	}
	return out
}

// row lays out one line of columns (already styled text).
func (m *Model) row(w int, cursor, name, lesson, step, marks, guess, idle string) string {
	marksW := max(4, w-2-nameW-lessonW-stepW-guessW-idleW-6*gap)
	cells := []string{
		layout.PadRight(cursor, 2),
		layout.PadRight(name, nameW),
		layout.PadRight(lesson, lessonW),
		layout.PadLeft(step, stepW),
		layout.PadRight(marks, marksW),
		layout.PadLeft(guess, guessW),
		layout.PadLeft(idle, idleW),
	}
	return layout.Truncate(cells[0]+strings.Join(cells[1:], " "), w)
}

func (m *Model) rowLine(w int, r Row, selected bool) string {
	st := m.st
	cursor := ""
	if selected {
		cursor = st.Accent.Render(">")
	}
	name := textsafe.Line(r.Name)
	if !r.Here {
		name = st.Muted.Render(layout.Truncate(name, nameW-5) + " left")
	} else if selected {
		name = st.Bold.Render(name)
	}
	lesson, step, guess := st.Muted.Render("—"), "", st.Muted.Render("—")
	if r.Lesson != "" {
		lesson = textsafe.Line(r.Lesson)
		step = strconv.Itoa(min(r.Step+1, r.Steps)) + "/" + strconv.Itoa(r.Steps)
		if r.Steps > 0 && r.DoneCount() == r.Steps {
			step = st.OK.Render("done")
		}
	}
	if r.BestErr >= 0 {
		guess = fmt.Sprintf("%.0f%%", 100*r.BestErr)
	}
	idle := clock(r.Idle)
	switch {
	case !r.Here:
		idle = st.Muted.Render(idle)
	case r.Lesson != "" && r.Idle >= stuckAfter && r.DoneCount() < r.Steps:
		idle = st.Warn.Render(idle + " !")
	}
	return m.row(w, cursor, name, lesson, step, m.marks(r), guess, idle)
}

// marks are the lesson's steps: ✓ done, ✗ passed (or the run ended) without
// being done, ▸ the step under way, · to come. They read without colour.
func (m *Model) marks(r Row) string {
	st := m.st
	var b strings.Builder
	for i := range r.Steps {
		done := i < len(r.Done) && r.Done[i]
		switch {
		case done:
			b.WriteString(st.OK.Render("✓"))
		case i < r.Step || r.Ended:
			b.WriteString(st.Hot.Render("✗"))
		case i == r.Step:
			b.WriteString(st.Accent.Render("▸"))
		default:
			b.WriteString(st.Muted.Render("·"))
		}
	}
	return b.String()
}

// clock writes a duration as m:ss, or h:mm:ss from an hour on.
func clock(d time.Duration) string {
	s := int64(max(0, d) / time.Second)
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// watchLines are the watched learner's screen, as plain text: what the
// learner's TUI drew last, cut to the board's size.
func (m *Model) watchLines(w, h int) []string {
	if h <= 0 {
		return nil
	}
	name := m.watching
	if i := m.index(m.watching); i >= 0 {
		name = textsafe.Line(m.rows[i].Name)
	}
	state := "read-only"
	if !m.here {
		state = "left the room: the last screen they saw"
	}
	out := []string{m.st.Accent.Render(" watching "+name) + m.st.Muted.Render(" · "+state)}
	for _, l := range strings.Split(ansi.Strip(m.frame), "\n") {
		if len(out) == h {
			break
		}
		out = append(out, layout.Truncate(textsafe.Line(l), w))
	}
	for len(out) < h {
		out = append(out, "")
	}
	return out
}
