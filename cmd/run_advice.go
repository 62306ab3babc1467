package cmd

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/streamsim/streamsim/internal/safefile"
	"github.com/streamsim/streamsim/internal/textsafe"
	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/pipeline/advice"
	"github.com/streamsim/streamsim/sim"
)

// maxAdviceSamples bounds the snapshots the diagnoser looks at in one run.
const maxAdviceSamples = 400

// adviceSampler decides at which ticks the diagnoser takes a snapshot.
//
// Snapshot rates are averages since the previous snapshot, and --csv takes
// snapshots too (every stride ticks and at the end). So that the advice is
// the same with and without --csv, the diagnoser samples only on the CSV's
// grid, and before each sample takes (and discards) a snapshot at the
// previous grid tick: every sample's rates then cover exactly the last
// stride ticks, whoever else took snapshots. With --csv the extra snapshot
// coincides with the CSV's own, which it leaves unchanged (rates over zero
// ticks are not recomputed).
type adviceSampler struct {
	stride, every, ticks int64
}

func newAdviceSampler(s *pipeline.Scenario, e *sim.Engine) adviceSampler {
	ticks := int64(math.Round(e.Duration().Seconds() / s.Tick.Seconds()))
	stride := max(1, (ticks+maxCSVRows-1)/maxCSVRows) // as newSeries
	rows := (ticks + stride - 1) / stride
	k := max(1, (rows+maxAdviceSamples-1)/maxAdviceSamples)
	return adviceSampler{stride: stride, every: stride * k, ticks: ticks}
}

func (a adviceSampler) sampleAt(t int64) bool { return t%a.every == 0 || t >= a.ticks }

// resetAt reports whether t is the grid tick just before the next sample.
func (a adviceSampler) resetAt(t int64) bool {
	if t%a.stride != 0 || a.sampleAt(t) {
		return false
	}
	next := min((t/a.every+1)*a.every, a.ticks)
	return (next-1)/a.stride*a.stride == t
}

// runAdvice is what the advisor adds to `run`: the diagnosis of the run (the
// JSON report's advice and the summary's findings) and the diff against
// --baseline.
type runAdvice struct {
	diag     *advice.Diagnoser
	region   string // the scenario's, for the report's note on prices
	samp     adviceSampler
	rates    pipeline.Rater // each sample's rates since the grid tick before
	baseline *pipeline.Report
	basePath string
}

// addBaselineFlag registers `run --baseline`.
func addBaselineFlag(c *cobra.Command, p *string) {
	c.Flags().StringVar(p, "baseline", "", "compare the run's report with the JSON report at `PATH` (as `streamsim compare` does)")
}

// newRunAdvice prepares the advisor for a run of s on e; a --baseline that
// cannot be read is an error (exit 2) before anything runs.
func newRunAdvice(s *pipeline.Scenario, e *sim.Engine, baseline string) (*runAdvice, error) {
	a := &runAdvice{diag: advice.NewDiagnoser(s), samp: newAdviceSampler(s, e), basePath: baseline, region: s.RegionOrDefault()}
	if baseline != "" {
		rep, err := readReport(baseline)
		if err != nil {
			return nil, fmt.Errorf("--baseline: %w", err)
		}
		a.baseline = rep
	}
	return a, nil
}

// step is called after every engine step.
func (a *runAdvice) step(e *sim.Engine) {
	t := e.Tick()
	switch {
	case a.samp.sampleAt(t) || e.Done():
		a.diag.Observe(a.rates.Next(e.Snapshot()))
	case a.samp.resetAt(t):
		a.rates.Next(e.Snapshot())
	}
}

// fill finishes the diagnosis with the run's metrics and puts it in the
// report, with the note on prices outside us-east-1.
func (a *runAdvice) fill(rep *pipeline.Report, metrics map[string]float64) {
	a.diag.Finish(metrics)
	rep.Advice = withPricesNote(a.diag.Findings(), a.region)
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

// simulated is a whole run of a scenario, with the diagnoser's findings.
type simulated struct {
	res      sim.Result
	findings []pipeline.Advice
	length   time.Duration // simulated time (whole ticks)
}

// simulate runs s to its end with the diagnoser watching as in `run`; g
// checks its cost first and watches its memory.
func simulate(s *pipeline.Scenario, g *runGuard) (simulated, error) {
	e, err := sim.New(s)
	if err != nil {
		return simulated{}, err
	}
	a, _ := newRunAdvice(s, e, "")
	if err := g.run(s.Name, e, a.step); err != nil {
		return simulated{}, err
	}
	res := e.Result()
	a.diag.Finish(res.Metrics)
	return simulated{res: res, findings: a.diag.Findings(), length: e.Duration()}, nil
}

// simulateMetrics runs s to its end without the advisor: the metrics only.
func simulateMetrics(s *pipeline.Scenario) (map[string]float64, error) {
	res, err := sim.Run(s)
	return res.Metrics, err
}

// simulateReport runs s to its end and builds the report `run --json` writes
// for it: the same metrics, expectations and advice, byte for byte.
func simulateReport(s *pipeline.Scenario, g *runGuard) (*pipeline.Report, error) {
	run, err := simulate(s, g)
	if err != nil {
		return nil, err
	}
	rep, err := newRunReport(s, run.length, run.res.Metrics)
	if err != nil {
		return nil, err
	}
	rep.Advice = withPricesNote(run.findings, s.RegionOrDefault())
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
