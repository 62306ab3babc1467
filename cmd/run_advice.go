package cmd

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/spf13/cobra"

	simbackend "github.com/streamsim/streamsim/backends/sim"
	"github.com/streamsim/streamsim/internal/safefile"
	"github.com/streamsim/streamsim/internal/textsafe"
	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/pipeline/advice"
)

// runAdvice is what the advisor adds to `run`: the diagnosis of the run (the
// JSON report's advice and the summary's findings, from the Runner's
// advisor) and the diff against --baseline.
type runAdvice struct {
	region   string // the scenario's, for the report's note on prices
	baseline *pipeline.Report
	basePath string
}

// addBaselineFlag registers `run --baseline`.
func addBaselineFlag(c *cobra.Command, p *string) {
	c.Flags().StringVar(p, "baseline", "", "compare the run's report with the JSON report at `PATH` (as `streamsim compare` does)")
}

// newRunAdvice prepares the report's advice for a run of s; a --baseline
// that cannot be read is an error (exit 2) before anything runs.
func newRunAdvice(s *pipeline.Scenario, baseline string) (*runAdvice, error) {
	a := &runAdvice{basePath: baseline, region: s.RegionOrDefault()}
	if baseline != "" {
		rep, err := readReport(baseline)
		if err != nil {
			return nil, fmt.Errorf("--baseline: %w", err)
		}
		a.baseline = rep
	}
	return a, nil
}

// fill puts the advisor's findings in the report, with the note on prices
// outside us-east-1.
func (a *runAdvice) fill(rep *pipeline.Report, out simbackend.Outcome) {
	rep.Advice = withPricesNote(out.Advice, a.region)
}

// write prints the findings and, with --baseline, the diff.
func (a *runAdvice) write(w io.Writer, st style, rep *pipeline.Report) {
	if len(rep.Advice) > 0 {
		fmt.Fprintln(w, st.bold("advice"))
		writeAdvice(w, rep.Advice)
		fmt.Fprintln(w)
	}
	if a.baseline != nil {
		fmt.Fprintln(w, st.bold("compared with "+a.basePath))
		writeDiff(w, advice.Compare(a.baseline, rep), "  ")
		fmt.Fprintln(w)
	}
}

// writeAdvice lists findings one per line: severity, node, message.
func writeAdvice(w io.Writer, list []pipeline.Advice) {
	t := &table{indent: "  "}
	for _, x := range list {
		t.add(x.Severity, x.Node, x.Message)
	}
	t.write(w)
}

// simulate runs s to its end with the advisor watching, as `run` does; g
// checks its cost first and watches its memory.
func simulate(s *pipeline.Scenario, g *runGuard) (simbackend.Outcome, error) {
	rn, err := simbackend.NewRunner(s, simbackend.RunnerOptions{})
	if err != nil {
		return simbackend.Outcome{}, err
	}
	if err := g.run(s.Name, rn, nil); err != nil {
		return simbackend.Outcome{}, err
	}
	out := rn.Finish()
	rn.Release()
	return out, nil
}

// simulateMetrics runs s to its end without the advisor: the metrics only.
func simulateMetrics(s *pipeline.Scenario) (map[string]float64, error) {
	out, err := simbackend.RunToEnd(s, simbackend.RunnerOptions{NoAdvice: true})
	return out.Metrics, err
}

// simulateReport runs s to its end and builds the report `run --json` writes
// for it: the same metrics, expectations and advice, byte for byte.
func simulateReport(s *pipeline.Scenario, g *runGuard) (*pipeline.Report, error) {
	out, err := simulate(s, g)
	if err != nil {
		return nil, err
	}
	rep, err := newRunReport(s, out.Length, out.Metrics)
	if err != nil {
		return nil, err
	}
	rep.Advice = withPricesNote(out.Advice, s.RegionOrDefault())
	return rep, nil
}

// maxReportSize bounds what compare and --baseline read: a report of the
// largest scenario (10,000 nodes, each with a few dozen metrics) is about 20 MiB.
const maxReportSize = 64 << 20

// readReport reads a JSON report written by `run --json`.
// Only a regular file of at most maxReportSize is read.
func readReport(path string) (*pipeline.Report, error) {
	data, err := safefile.Read(path, maxReportSize)
	var tl *safefile.TooLargeError
	if errors.As(err, &tl) {
		return nil, fmt.Errorf("%s: file is %s; reports are read up to %s",
			textsafe.Line(path), pipeline.ApproxSize(float64(tl.Size)), pipeline.ApproxSize(maxReportSize))
	}
	if err != nil {
		return nil, err
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		return nil, fmt.Errorf("%s: not a JSON report: %v", path, err)
	}
	for _, k := range []string{"scenario", "metrics"} {
		if _, ok := top[k]; !ok {
			return nil, fmt.Errorf("%s: not a streamsim report (no %q; write one with `streamsim run --json`)", path, k)
		}
	}
	var r pipeline.Report
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return &r, nil
}

// writeDiff prints a report diff: regressions first, then improvements,
// other changes, metrics only one side has, and a count of the unchanged.
func writeDiff(w io.Writer, d advice.Diff, indent string) {
	if len(d.Deltas) == 0 {
		fmt.Fprintf(w, "%sno differences (%d metrics compared)\n", indent, d.Unchanged)
		return
	}
	groups := []struct{ class, title string }{
		{advice.Regression, "regressions"},
		{advice.Improvement, "improvements"},
		{advice.Changed, "other changes"},
		{advice.Added, "only in B"},
		{advice.Removed, "only in A"},
	}
	first := true
	for _, g := range groups {
		n := d.Count(g.class)
		if n == 0 {
			continue
		}
		if !first {
			fmt.Fprintln(w)
		}
		first = false
		fmt.Fprintf(w, "%s%s (%d)\n", indent, g.title, n)
		t := &table{indent: indent + "  "}
		for _, x := range d.Deltas {
			if x.Class != g.class {
				continue
			}
			t.add(x.Key, advice.FormatValue(x.Key, x.A), "→", advice.FormatValue(x.Key, x.B), x.Change())
		}
		t.write(w)
	}
	fmt.Fprintf(w, "\n%sunchanged: %d %s\n", indent, d.Unchanged, plural(d.Unchanged, "metric", "metrics"))
}

// wrapText breaks s into lines of at most width runes after the first
// prefix, indenting continuation lines by indent.
func wrapText(s string, width int, indent string) string {
	words := strings.Fields(s)
	var b strings.Builder
	line := 0
	for i, wd := range words {
		n := utf8.RuneCountInString(wd)
		if i > 0 && line+1+n > width {
			b.WriteString("\n" + indent)
			line = 0
		} else if i > 0 {
			b.WriteByte(' ')
			line++
		}
		b.WriteString(wd)
		line += n
	}
	return b.String()
}
