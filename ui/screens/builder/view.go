package builder

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/ui/layout"
)

const (
	gutter  = 4 // cells between columns, where arrows go
	boxRows = 3 // content lines in a node box
)

// View implements common.Screen.
func (m *Model) View() string {
	if m.w <= 0 || m.h <= 0 {
		return ""
	}
	if m.sc == nil {
		return layout.Fit(m.c.Styles.Muted.Render(" nothing loaded"), m.w, m.h)
	}
	var bottom []string
	switch m.mode {
	case savingAs:
		bottom = []string{" " + m.pathIn.View()}
	default:
		bottom = []string{m.statusLine()}
	}
	bodyH := m.h - 1 - len(bottom)
	var body string
	switch m.mode {
	case editing:
		body = m.formView(m.w, bodyH)
	case adding:
		body = m.addView(m.w, bodyH)
	case advising:
		body = m.adviceView(m.w, bodyH)
	default:
		body = m.diagram(m.w, bodyH)
	}
	return m.header() + "\n" + body + "\n" + strings.Join(layout.FitLines(bottom, m.w, len(bottom)), "\n")
}

func (m *Model) header() string {
	st := m.c.Styles
	left := st.Title.Render(" " + m.sc.Name)
	if m.path != "" {
		left += st.Muted.Render("  " + m.path)
	}
	var right string
	if len(m.problems) == 0 {
		right = st.OK.Render("● valid")
	} else {
		right = st.Hot.Render(fmt.Sprintf("✗ %d problem(s)", len(m.problems)))
	}
	if m.dirty {
		right += st.Warn.Render("   unsaved changes")
	}
	right += " "
	return layout.PadRight(left, m.w-ansi.StringWidth(right)) + right
}

func (m *Model) statusLine() string {
	st := m.c.Styles
	if len(m.problems) > 0 {
		more := ""
		if len(m.problems) > 1 {
			more = fmt.Sprintf(" (+%d more)", len(m.problems)-1)
		}
		return layout.PadRight(st.Hot.Render(" ✗ "+problemText(m.problems[0])+more), m.w)
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

// colWidths splits the width into four columns with arrow gutters between.
func colWidths(w int) []int { return layout.Split(w-3*gutter, 1, 1, 1, 1) }

func (m *Model) diagram(w, h int) string {
	st := m.c.Styles
	widths := colWidths(w)
	boxH := boxRows + 2
	// Column headings.
	var head []string
	for i, s := range stages {
		t := strings.ToUpper(s.Title())
		if i == m.col && m.mode != connecting {
			head = append(head, st.Accent.Render(layout.PadRight(" "+t, widths[i])))
		} else {
			head = append(head, st.Muted.Render(layout.PadRight(" "+t, widths[i])))
		}
	}
	lines := []string{strings.Join(head, strings.Repeat(" ", gutter))}
	slots := max(1, (h-1)/boxH)
	cols := make([][]string, len(stages))
	arrows := make([][]string, len(stages)-1)
	for c := range stages {
		nodes := m.column(c)
		first := 0
		if c == m.col && m.row >= slots {
			first = m.row - slots + 1
		}
		var block []string
		for r := first; r < len(nodes) && r < first+slots; r++ {
			n := nodes[r]
			block = append(block, strings.Split(m.box(n, widths[c], c == m.col && r == m.row), "\n")...)
			if c < len(stages)-1 {
				arrow := strings.Repeat(" ", gutter)
				if m.flowsRight(n, c) {
					arrow = st.Muted.Render("──▶ ")
				}
				pad := strings.Repeat(" ", gutter)
				arrows[c] = append(arrows[c], pad, pad, arrow, pad, pad)
			}
		}
		if len(nodes) == 0 {
			hint := "(none)"
			if c == m.col {
				hint = "(none: a adds)"
			}
			block = append(block, st.Muted.Render(" "+hint))
		} else if first+slots < len(nodes) {
			block = append(block, st.Muted.Render(fmt.Sprintf(" … %d more", len(nodes)-first-slots)))
		}
		cols[c] = layout.FitLines(block, widths[c], h-1)
	}
	for r := 0; r < h-1; r++ {
		var b strings.Builder
		for c := range stages {
			b.WriteString(cols[c][r])
			if c < len(stages)-1 {
				if r < len(arrows[c]) {
					b.WriteString(arrows[c][r])
				} else {
					b.WriteString(strings.Repeat(" ", gutter))
				}
			}
		}
		lines = append(lines, b.String())
	}
	return strings.Join(layout.FitLines(lines, w, h), "\n")
}

// flowsRight reports whether data leaves n towards a later column.
func (m *Model) flowsRight(n *pipeline.Node, col int) bool {
	if n.Stage == pipeline.Storage {
		return len(m.sc.Readers(n.ID)) > 0
	}
	for _, t := range n.To {
		if o := m.sc.Node(t); o != nil && int(o.Stage) > col {
			return true
		}
	}
	return false
}

func (m *Model) box(n *pipeline.Node, w int, selected bool) string {
	st := m.c.Styles
	style := st.Box
	switch {
	case n.ID == m.connFrom:
		style = st.BoxMarked
	case selected:
		style = st.BoxSelected
	case m.broken(n):
		style = st.BoxBroken
	}
	iw, _ := layout.Inner(style, w, 0)
	iw = max(1, iw)
	short := n.Service.Short
	if n.Stage == pipeline.Producer {
		short = n.Str("kind")
	}
	idW := max(1, iw-ansi.StringWidth(short)-1)
	first := st.Bold.Render(layout.PadRight(n.ID, idW)) + " " + st.Muted.Render(layout.Truncate(short, iw-1-min(idW, ansi.StringWidth(n.ID))))
	body := []string{first, summary(n), m.links(n)}
	for i := range body {
		body[i] = layout.PadRight(body[i], iw)
	}
	return style.Width(w).MaxWidth(w).Render(strings.Join(body, "\n")) // lipgloss v2: Width counts the border
}

// broken reports whether a validation problem points at n.
func (m *Model) broken(n *pipeline.Node) bool {
	idx := 0
	for _, o := range m.sc.Stage(n.Stage) {
		if o == n {
			break
		}
		idx++
	}
	prefix := n.Stage.String() + "[" + strconv.Itoa(idx) + "]"
	for _, p := range m.problems {
		if p.Path == prefix || strings.HasPrefix(p.Path, prefix+".") {
			return true
		}
	}
	return false
}

func (m *Model) links(n *pipeline.Node) string {
	st := m.c.Styles
	switch {
	case n.Stage == pipeline.Consumer && n.From != "" && len(n.To) > 0:
		return st.Muted.Render("← " + n.From + " → " + strings.Join(n.To, ","))
	case n.Stage == pipeline.Consumer && n.From != "":
		return st.Muted.Render("← " + n.From)
	case len(n.To) > 0:
		return st.Muted.Render("→ " + strings.Join(n.To, ","))
	case n.Stage == pipeline.Storage:
		if r := m.sc.Readers(n.ID); len(r) > 0 {
			return st.Muted.Render(fmt.Sprintf("%d reader(s)", len(r)))
		}
	}
	return ""
}

// summary is a node's key settings in a few words, in the format's units.
func summary(n *pipeline.Node) string {
	p := func(k string) string { v, _ := n.Param(k); return v.String() }
	switch n.Service.Name {
	case "producer":
		return p("rate") + " · " + p("record_size.mean")
	case "kinesis-data-streams":
		if n.Str("mode") == "on-demand" {
			return "on-demand · " + p("retention")
		}
		return p("shards") + " shards · " + p("retention")
	case "msk":
		return p("brokers") + " brokers · " + p("partitions") + " parts"
	case "msk-serverless":
		return p("partitions") + " partitions"
	case "kinesis-video-streams":
		return p("streams") + " streams"
	case "firehose":
		return p("buffer.size") + " / " + p("buffer.interval")
	case "flink":
		s := p("kpus") + " KPU"
		if n.Str("read") == "enhanced-fan-out" {
			s += " · EFO"
		}
		return s
	case "glue-streaming":
		return p("workers") + " × " + p("worker_type")
	case "emr":
		return p("instances") + " × " + p("engine")
	case "lambda":
		return "batch " + p("batch_size") + " · ×" + p("parallelization")
	case "app":
		return p("instances") + " instance(s)"
	case "redshift":
		return p("nodes") + " nodes"
	case "dynamodb":
		if n.Str("mode") == "on-demand" {
			return "on-demand"
		}
		return p("wcu") + " WCU"
	case "opensearch":
		return p("instances") + " × " + strings.TrimSuffix(p("instance_type"), ".search")
	case "s3":
		return p("prefixes") + " prefix(es)"
	}
	return ""
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

func (m *Model) formView(w, h int) string {
	st := m.c.Styles
	f := m.form
	n := f.node
	iw, ih := w-layout.PaneFrame, h-layout.PaneFrame
	labelW := 4
	for _, fl := range f.fields {
		labelW = max(labelW, len(fl.key.Name))
	}
	labelW = min(labelW+2, 22)
	inputW := f.fields[0].input.Width() + 2
	var rows []string
	for i, fl := range f.fields {
		name := fl.key.Name
		if name == "" {
			name = "id"
		}
		label := layout.PadRight(" "+name, labelW)
		if i == f.focus {
			label = st.Accent.Render(layout.PadRight("›"+name, labelW))
		} else {
			label = st.Muted.Render(label)
		}
		hint := keyHint(fl.key)
		if fl.err != "" {
			hint = st.Error.Render("✗ " + fl.err)
		} else {
			hint = st.Muted.Render(hint)
		}
		rows = append(rows, label+layout.PadRight(fl.input.View(), inputW)+" "+hint)
	}
	head := []string{
		st.Bold.Render(" "+n.Service.Label) + st.Muted.Render(" · values in the scenario format's units · empty = default"),
		"",
	}
	visible := max(1, ih-len(head))
	first := 0
	if f.focus >= visible {
		first = f.focus - visible + 1
	}
	body := append(head, rows[first:min(len(rows), first+visible)]...)
	return layout.Pane(st.PaneFocused, st.PaneTitle, "edit "+n.ID, layout.FitLines(body, iw, ih), w, h)
}

// keyHint says what a key accepts: its values or its range, and its meaning.
func keyHint(k pipeline.Key) string {
	if k.Name == "" {
		return "a-z, 0-9 and -"
	}
	var parts []string
	switch {
	case k.Kind == pipeline.KindEnum:
		parts = append(parts, strings.Join(k.Enum, " | "))
	case k.Kind == pipeline.KindBool:
		parts = append(parts, "true | false")
	case k.Kind == pipeline.KindInt && (k.Min != 0 || k.Max != 0):
		parts = append(parts, fmt.Sprintf("integer %s..%s", trim(k.Min), trim(k.Max)))
	default:
		parts = append(parts, kindWord(k.Kind))
	}
	if k.Doc != "" {
		parts = append(parts, k.Doc)
	}
	return strings.Join(parts, " · ")
}

func kindWord(k pipeline.Kind) string {
	return strings.TrimPrefix(strings.TrimPrefix(k.String(), "a "), "an ")
}

func trim(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
