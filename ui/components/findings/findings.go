// Package findings draws the advisor's findings as the lines of a pane: for
// each, a severity mark and the node, the problem word-wrapped, and the fix
// on its own "Fix:" line. Critical findings are hot (✖), warnings warn (▲),
// the rest (idle capacity, notes) muted (·): the mark says it without colour.
package findings

import (
	"charm.land/lipgloss/v2"

	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/ui/common"
	"github.com/streamsim/streamsim/ui/layout"
	"github.com/streamsim/streamsim/ui/styles"
)

// Mark returns a severity's mark, styled: ✖ critical, ▲ warning, · other.
func Mark(st *styles.Styles, severity string) string {
	switch severity {
	case pipeline.SeverityCritical:
		return st.Hot.Render("✖")
	case pipeline.SeverityWarning:
		return st.Warn.Render("▲")
	}
	return st.Muted.Render("·")
}

// Word names a severity for a line of text: critical, warning or note.
func Word(severity string) string {
	switch severity {
	case pipeline.SeverityCritical:
		return "critical"
	case pipeline.SeverityWarning:
		return "warning"
	}
	return "note"
}

// Lines renders list in at most w cells per line (one left free on the right),
// a blank line between findings.
// Each line starts with one space, as the other panes' lines do.
func Lines(st *styles.Styles, list []common.Finding, w int) []string {
	if w < 8 {
		return nil
	}
	var out []string
	for i, f := range list {
		if i > 0 {
			out = append(out, "")
		}
		head := Mark(st, f.Severity) + " "
		node := f.Node
		if node == "" {
			node = "pipeline"
		}
		head += styleOf(st, f.Severity).Render(node) + st.Muted.Render(" · "+Word(f.Severity))
		out = append(out, " "+head)
		for _, l := range layout.WrapWords(f.Problem, w-4) {
			out = append(out, "   "+l)
		}
		if f.Fix != "" {
			for j, l := range layout.WrapWords("Fix: "+f.Fix, w-4) {
				if j == 0 && len(l) >= 4 {
					l = st.Accent.Render(l[:4]) + st.OK.Render(l[4:])
				} else {
					l = st.OK.Render(l)
				}
				out = append(out, "   "+l)
			}
		}
	}
	return out
}

func styleOf(st *styles.Styles, severity string) lipgloss.Style {
	switch severity {
	case pipeline.SeverityCritical:
		return st.Hot
	case pipeline.SeverityWarning:
		return st.Warn
	}
	return st.Bold
}
