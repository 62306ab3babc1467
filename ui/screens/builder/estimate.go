package builder

import (
	"context"
	"errors"
	"fmt"

	tea "charm.land/bubbletea/v2"

	"github.com/streamsim/streamsim/internal/textsafe"
	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/ui/common"
	"github.com/streamsim/streamsim/ui/components/findings"
	"github.com/streamsim/streamsim/ui/layout"
)

// EstimateReadyMsg answers estimateCmd. Gen is the estimate request it
// answers: the answer to an older one (the pipeline changed since) is dropped.
type EstimateReadyMsg struct {
	Gen      int
	Estimate common.Estimate
	Err      error
}

// estimateCmd runs a short simulation of sc (a copy the builder no longer
// touches) with the estimator.
func estimateCmd(ctx context.Context, est common.Estimator, sc *pipeline.Scenario, gen int) tea.Cmd {
	return func() tea.Msg {
		e, err := est(ctx, sc)
		return EstimateReadyMsg{Gen: gen, Estimate: e, Err: err}
	}
}

// estimate starts an estimate of the pipeline as it is now, cancelling one
// still running. Nothing is estimated while the pipeline has problems.
func (m *Model) estimate() tea.Cmd {
	if m.estCancel != nil {
		m.estCancel()
		m.estCancel = nil
	}
	m.estGen++
	m.est, m.estErr, m.estimating = nil, nil, false
	if m.c.Estimate == nil || m.sc == nil || len(m.problems) > 0 {
		return nil
	}
	ctx, cancel := context.WithCancel(m.c.Ctx)
	m.estCancel, m.estimating = cancel, true
	return estimateCmd(ctx, m.c.Estimate, m.sc.Clone(), m.estGen)
}

// takeEstimate shows an estimate, unless a newer one was asked for.
func (m *Model) takeEstimate(msg EstimateReadyMsg) {
	if msg.Gen != m.estGen {
		return
	}
	m.estimating = false
	if m.estCancel != nil {
		m.estCancel()
		m.estCancel = nil
	}
	if msg.Err != nil {
		if !errors.Is(msg.Err, context.Canceled) {
			m.estErr = msg.Err
		}
		return
	}
	e := msg.Estimate
	m.est = &e
}

// Estimate returns the last estimate shown and whether one is being made.
func (m *Model) Estimate() (e *common.Estimate, running bool) { return m.est, m.estimating }

// estimateLine is the status line's estimate: "est. $412/mo · p99 ≈ 2.1 s ·
// 2 findings: ✖ events: Hot key: …".
func (m *Model) estimateLine() string {
	st := m.c.Styles
	switch {
	case m.estimating:
		return st.Muted.Render(fmt.Sprintf(" estimating… (simulating up to %s)", pipeline.FormatDuration(common.EstimateSpan)))
	case m.estErr != nil:
		return st.Warn.Render(" no estimate: " + textsafe.Line(m.estErr.Error()))
	case m.est == nil:
		return ""
	}
	e := m.est
	p99 := "p99 ≈ " + common.Seconds(e.P99)
	if e.Delivered == 0 {
		p99 = "nothing delivered in " + pipeline.FormatDuration(e.Simulated)
	}
	line := " " + st.Bold.Render("est. "+common.Money(e.CostMonthly)) + st.Muted.Render(" · ") + p99 + st.Muted.Render(" · ")
	if len(e.Findings) == 0 {
		return line + st.OK.Render("no findings")
	}
	f := e.Findings[0]
	what := f.Problem
	if f.Node != "" {
		what = f.Node + ": " + what
	}
	n := fmt.Sprintf("%d findings", len(e.Findings))
	if len(e.Findings) == 1 {
		n = "1 " + findings.Word(f.Severity)
	}
	return line + findings.Mark(st, f.Severity) + " " + n + ": " + what
}

// adviceMaxTop is how far the advice list scrolls: its last line at the bottom.
func (m *Model) adviceMaxTop() int {
	if m.est == nil {
		return 0
	}
	iw, ih := m.w-layout.PaneFrame, m.h-3-layout.PaneFrame // the header, the tabs and the status line
	return max(0, len(findings.Lines(m.c.Styles, m.est.Findings, iw))-ih)
}

// adviceView lists the estimate's findings, each with its fix.
func (m *Model) adviceView(w, h int) string {
	st := m.c.Styles
	iw, ih := w-layout.PaneFrame, h-layout.PaneFrame
	var lines []string
	title := "advice"
	switch {
	case m.est == nil:
		lines = []string{st.Muted.Render(" no estimate yet")}
	case len(m.est.Findings) == 0:
		lines = []string{st.OK.Render(fmt.Sprintf(" no findings in %s simulated", pipeline.FormatDuration(m.est.Simulated)))}
	default:
		title = fmt.Sprintf("advice (%d) · from the design and %s simulated", len(m.est.Findings), pipeline.FormatDuration(m.est.Simulated))
		lines = findings.Lines(st, m.est.Findings, iw)
	}
	top := layout.Clamp(m.adviceTop, 0, len(lines)-ih)
	if top > 0 {
		title += " ↑"
	}
	if top+ih < len(lines) {
		title += " ↓ more"
	}
	return layout.FocusedPane(st.PaneFocused, st.PaneTitle, title, lines[top:], w, h)
}
