package cmd

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/charmbracelet/colorprofile"
	"github.com/spf13/cobra"

	"github.com/streamsim/streamsim/backends"
	"github.com/streamsim/streamsim/internal/textsafe"
	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/pipeline/htmlreport"
	"github.com/streamsim/streamsim/sim"
)

// maxCSVRows bounds the time series: a run of more ticks writes one row every
// ceil(ticks / maxCSVRows) ticks, with rates averaged over those ticks.
const maxCSVRows = 100_000

// maxEvents bounds the events listed in the summary.
const maxEvents = 50

// progressDelay is how long a run goes before the progress bar appears.
const progressDelay = 200 * time.Millisecond

// runFlags are the flags of `run`.
type runFlags struct {
	seed      int64
	duration  string
	sets      []string
	jsonPath  string
	junitPath string
	csvPath   string
	htmlPath  string
	series    bool
	lesson    bool
	backend   *enumValue
	quiet     bool
	baseline  string
	aws       *awsRunFlags // flags of --backend aws (run_aws.go)
}

func newRunCmd() *cobra.Command {
	f := &runFlags{backend: &enumValue{value: "sim", allowed: []string{"sim", "aws"}, kind: "backend"}}
	c := &cobra.Command{
		Use:   "run SCENARIO",
		Short: "Simulate a scenario headless, print a summary and check its expect lines",
		Long: `Simulate a scenario from start to end without the TUI, print a summary of
every stage, the pipeline's totals, latency and cost, each expect line with its
measured value and what happened on the way, and end with a verdict line.

Exit codes: 0 every expectation holds (or there are none), 1 an expectation
failed, 2 invalid input or usage, 3 out of memory.

Before it starts, a run is estimated from the engine's own model: one above
about a minute of processor time or a gigabyte of memory stops with the
estimate unless --yes, and one that needs more memory than the process may
use (cgroup limit, ulimit -v or -d, GOMEMLIMIT, the memory available) stops
with exit 3. While it runs, memory is watched: nearing the limit, the run
stops with "out of memory" and exit 3 rather than a crash.

Overrides apply to the scenario before the run: --seed, --duration and any
number of --set node.key=value (a numeric key, or mode / read, in the file's
unit syntax: --set clicks.shards=8 --set web.rate=4000/s).

Reports, each to a PATH or - for stdout (then the summary goes to stderr):
  --json   the report of the CLI contract: the same file, seed and flags give
           the same bytes (sorted keys, counts and bytes rounded to 3 decimals,
           seconds, dollars and ratios to 6 significant digits, NaN or Inf as
           null, no wall-clock times)
  --junit  JUnit XML: one testsuite named after the scenario, one testcase per
           expectation, times written as 0
  --html   one self-contained HTML page (no script, no request): the pipeline
           as a graph, totals, expectations, advice, cost by node, and charts
           over the simulated clock with the shard heatmap over time; the same
           bytes for the same file, seed and flags
  --series with --json: the run over time in the report, so that
           'streamsim compare A.json B.json --html' draws both runs' charts
  --csv    the time series: time_s, then per node records in/s, out/s,
           throttled/s, lag and iterator age, then the pipeline's latency p99
           so far; one row per tick, or per N ticks (rates averaged over them)
           when the run has more than 100,000 ticks

On a terminal a progress bar shows on stderr for runs that take a while; with
CI=true, NO_COLOR, TERM=dumb or output that is not a terminal the output is
plain text without escape codes, and expectations read PASS / FAIL instead of
✓ / ✗.`,
		Example: `  streamsim run seed-pipeline
  streamsim run my-pipeline.yaml --set clicks.shards=8 --duration 2h
  streamsim run seed-pipeline --json - > report.json
  streamsim run seed-pipeline --quiet --junit results.xml`,
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: completeScenario,
		RunE: func(c *cobra.Command, args []string) error {
			return runScenario(c, args[0], f)
		},
	}
	fl := c.Flags()
	fl.Int64Var(&f.seed, "seed", 0, "override the scenario's seed")
	fl.StringVar(&f.duration, "duration", "", "override the simulated duration, such as 90s, 2h or 7d")
	fl.StringArrayVar(&f.sets, "set", nil, "override a numeric key (or mode, read) of a node as node.key=value; repeatable")
	fl.StringVar(&f.jsonPath, "json", "", "write the JSON report to `PATH` (- = stdout, and nothing else goes there)")
	fl.StringVar(&f.junitPath, "junit", "", "write JUnit XML to `PATH`: one test case per expectation")
	fl.StringVar(&f.csvPath, "csv", "", "write the per-tick time series to `PATH`")
	fl.StringVar(&f.htmlPath, "html", "", "write a self-contained HTML report (graph, totals, expectations, advice, cost, charts) to `PATH`")
	fl.BoolVar(&f.series, "series", false, "put the run over time in the JSON report, for compare --html")
	fl.BoolVar(&f.lesson, "lesson", false, "judge the lesson's steps (checks, actions, predictions) as the TUI does; with a recorded session, whether the learner did them: exit 1 if a step was not done (the expect lines are shown, not judged)")
	fl.Var(f.backend, "backend", "sim (deterministic, in-process) or aws (real services)")
	fl.BoolVarP(&f.quiet, "quiet", "q", false, "print only the verdict line")
	addBaselineFlag(c, &f.baseline)
	f.aws = addAWSRunFlags(fl)
	_ = c.RegisterFlagCompletionFunc("backend", cobra.FixedCompletions(f.backend.allowed, cobra.ShellCompDirectiveNoFileComp))
	return c
}

// prepareRun is what every backend's run starts with: the report outputs
// checked, the scenario loaded and the command line's overrides applied.
func prepareRun(c *cobra.Command, arg string, f *runFlags) (*runOutputs, *pipeline.Scenario, error) {
	outs, err := newRunOutputs(c.OutOrStdout(), f)
	if err != nil {
		return nil, nil, invalid(err)
	}
	s, err := mustLoad(c, arg)
	if err != nil {
		return nil, nil, err
	}
	if err := applyOverrides(c, s, f); err != nil {
		return nil, nil, err
	}
	return outs, s, nil
}

// runScenario is `streamsim run`: load, override, simulate, report.
func runScenario(c *cobra.Command, arg string, f *runFlags) error {
	if f.backend.value == "aws" {
		return runAWS(c, arg, f)
	}
	outs, s, err := prepareRun(c, arg, f)
	if err != nil {
		return err
	}
	if err := outs.open(arg); err != nil {
		return invalid(err)
	}
	defer outs.abort() // a no-op once the reports are written

	e, err := sim.New(s)
	if err != nil {
		outs.abort()
		return invalid(fmt.Errorf("%s: %w", s.Name, err))
	}
	cost := e.Estimate()
	mem := detectMemLimit(realMemProbe())
	if err := checkCost(s.Name, cost, f.aws.yes, mem, hintRun); err != nil {
		outs.abort()
		return err
	}
	applyGoMemLimit(mem, os.Getenv)
	watch := newMemWatch(mem, cost.Bytes, backends.MemoryInUse)
	adv, err := newRunAdvice(s, e, f.baseline)
	if err != nil {
		outs.abort()
		return invalid(err)
	}
	summary := outs.summary(c.ErrOrStderr())
	prog := newProgress(c, s.Name, f.quiet)
	prog.est = cost.Time
	series, err := newSeries(outs.csv, s, e)
	if err != nil {
		outs.abort()
		return invalid(err)
	}
	hist := newHistoryTaker(s, e, f.htmlPath != "" || f.series)
	lesson := newLessonReplay(s, f.lesson)
	lesson.step(e) // the steps shown from the start
	start := time.Now()
	prog.start = start
	for !e.Done() {
		e.Step()
		if err := series.step(e); err != nil {
			prog.clear()
			outs.abort()
			return invalid(fmt.Errorf("--csv %s: %w", f.csvPath, err))
		}
		adv.step(e)
		hist.step(e)
		lesson.step(e)
		prog.update(e.Now(), e.Duration())
		if err := watch.check(e.Now(), e.Duration()); err != nil {
			prog.clear()
			outs.abort()
			return err
		}
	}
	prog.clear()
	wall := time.Since(start)
	lessonDone := lesson.finish(e)

	res := e.Result()
	rep, err := newRunReport(s, e.Duration(), res.Metrics)
	if err != nil {
		outs.abort()
		return err
	}
	adv.fill(rep, res.Metrics)
	if err := series.flush(); err != nil {
		outs.abort()
		return invalid(fmt.Errorf("--csv %s: %w", f.csvPath, err))
	}
	if err := outs.writeHTML(htmlreport.Run{Scenario: s, Report: rep, History: hist.history()}); err != nil {
		return invalid(err)
	}
	if f.series {
		rep.Series = hist.history()
	}
	if err := outs.write(rep); err != nil {
		return invalid(err)
	}

	st := newStyle(summary)
	if !f.quiet {
		writeRunSummary(summary, st, s, res, rep, e.Duration())
		adv.write(summary, st, rep)
	}
	if !f.quiet || !lessonDone {
		lesson.write(summary, st)
	}
	if lesson != nil {
		// A lesson's verdict is whether its steps were done: a recorded
		// session changed the run its expect lines describe.
		fmt.Fprintln(summary, lesson.verdictLine(st, rep, e.Duration(), wall))
		if !lessonDone {
			return &exitError{code: exitFailed}
		}
		return nil
	}
	fmt.Fprintln(summary, verdictLine(st, rep, e.Duration(), wall))
	if !rep.Passed {
		return &exitError{code: exitFailed}
	}
	return nil
}

// newRunReport builds the report of a sim run. A metric that an expectation
// names but the engine did not report is an internal error (exit 2), never a pass.
func newRunReport(s *pipeline.Scenario, simulated time.Duration, metrics map[string]float64) (*pipeline.Report, error) {
	rep, err := pipeline.NewReport(s, "sim", simulated, metrics)
	if err != nil {
		return nil, invalid(fmt.Errorf("internal error: %w", err))
	}
	return rep, nil
}

// series writes the CSV time series from the engine's snapshots.
type series struct {
	w      *csv.Writer
	stride int64 // ticks per row
	tick   int64
	row    []string
	rates  pipeline.Rater
}

func newSeries(out *output, s *pipeline.Scenario, e *sim.Engine) (*series, error) {
	if out == nil {
		return &series{}, nil
	}
	ticks := int64(math.Round(e.Duration().Seconds() / s.Tick.Seconds()))
	sr := &series{w: csv.NewWriter(out.w), stride: max(1, (ticks+maxCSVRows-1)/maxCSVRows)}
	header := []string{"time_s"}
	for _, n := range s.Nodes {
		header = append(header, n.ID+".in_per_s", n.ID+".out_per_s", n.ID+".throttled_per_s",
			n.ID+".lag_records", n.ID+".iterator_age_s")
	}
	header = append(header, "pipeline.latency_p99_s")
	sr.row = make([]string, 0, len(header))
	return sr, sr.w.Write(header)
}

// step writes a row after every stride-th tick and after the last one.
func (sr *series) step(e *sim.Engine) error {
	if sr.w == nil {
		return nil
	}
	sr.tick++
	if sr.tick%sr.stride != 0 && !e.Done() {
		return nil
	}
	snap := sr.rates.Next(e.Snapshot()) // rates since the previous row
	row := append(sr.row[:0], csvNum(math.Round(snap.Time.Seconds()*1000)/1000))
	for _, n := range snap.Nodes {
		row = append(row,
			csvNum(pipeline.RoundMetric(pipeline.UnitCount, n.InRate)),
			csvNum(pipeline.RoundMetric(pipeline.UnitCount, n.OutRate)),
			csvNum(pipeline.RoundMetric(pipeline.UnitCount, n.Throttled)),
			csvNum(pipeline.RoundMetric(pipeline.UnitCount, n.Lag)),
			csvNum(pipeline.RoundMetric(pipeline.UnitSeconds, n.IterAge)))
	}
	row = append(row, csvNum(pipeline.RoundMetric(pipeline.UnitSeconds, snap.Pipeline.LatencyP99)))
	return sr.w.Write(row)
}

func (sr *series) flush() error {
	if sr.w == nil {
		return nil
	}
	sr.w.Flush()
	return sr.w.Error()
}

// csvNum writes a number for the CSV; NaN and Inf leave the cell empty.
func csvNum(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return ""
	}
	if v == 0 {
		return "0"
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// verdictLine is the last line of every run, e.g.
// "PASS seed-pipeline: 7/7 expectations hold (simulated 1h in 0.21s)".
func verdictLine(st style, rep *pipeline.Report, simulated, wall time.Duration) string {
	n, failed := len(rep.Expectations), rep.Failed()
	var what string
	switch {
	case n == 0:
		what = "no expectations to check"
	case failed == 0:
		what = fmt.Sprintf("%d/%d %s", n, n, plural(n, "expectation holds", "expectations hold"))
	default:
		what = fmt.Sprintf("%d of %d %s", failed, n, plural(n, "expectation failed", "expectations failed"))
	}
	return fmt.Sprintf("%s %s: %s (simulated %s in %.2fs)", st.verdict(rep.Passed), rep.Scenario, what,
		pipeline.FormatDuration(simulated), wall.Seconds())
}

// writeRunSummary prints the per-stage table, the pipeline totals, the
// expectations and the events of a run.
func writeRunSummary(w io.Writer, st style, s *pipeline.Scenario, res sim.Result, rep *pipeline.Report, simulated time.Duration) {
	m := res.Metrics
	fmt.Fprintln(w, st.bold(scenarioTitle(s)))
	fmt.Fprintf(w, "seed %d · %s simulated in ticks of %s · backend sim\n\n", s.Seed,
		pipeline.FormatDuration(simulated), pipeline.FormatDuration(s.Tick))

	t := &table{right: []bool{false, false, false, true, true, true, true, false, true}}
	t.add("STAGE", "NODE", "SERVICE", "RECORDS IN", "RECORDS OUT", "LOST", "THROTTLED", "KEY METRIC", "COST/MONTH")
	for _, stage := range []pipeline.Stage{pipeline.Producer, pipeline.Storage, pipeline.Consumer, pipeline.Destination} {
		label := stage.String()
		for _, n := range s.Stage(stage) {
			get := func(k string) (float64, bool) { v, ok := m[n.ID+"."+k]; return v, ok }
			num := func(k string) string {
				if v, ok := get(k); ok {
					return formatCount(v)
				}
				return "-"
			}
			cost := "-"
			if v, ok := get("cost_monthly"); ok {
				cost = pipeline.FormatMetric(pipeline.UnitDollars, v)
			}
			thr := "-"
			if refusesWrites(n) {
				thr = num("throttled_records")
			}
			t.add(label, n.ID, string(n.Service.Name), num("records_in"), num("records_out"), num("lost_records"),
				thr, keyMetric(n, m), cost)
			label = ""
		}
	}
	t.write(w)

	fmt.Fprintln(w)
	costNote := ""
	if n := pricesNote(s.RegionOrDefault()); n != "" {
		costNote = " (" + n + ")"
	}
	writeTotals(w, s, m, "", costNote)
	writeExpectations(w, st, rep)

	if len(res.Events) > 0 {
		fmt.Fprintln(w)
		fmt.Fprintln(w, st.bold("events"))
		t := &table{indent: "  "}
		for i, ev := range res.Events {
			if i == maxEvents {
				break
			}
			t.add(pipeline.FormatDuration(ev.At), ev.Node, ev.Text)
		}
		t.write(w)
		if more := len(res.Events) - maxEvents; more > 0 {
			fmt.Fprintf(w, "  … and %d more\n", more)
		}
	}
	fmt.Fprintln(w)
}

// refusesWrites reports whether a node's throttled_records are attempts it
// refused itself (a stream, a destination, Firehose's Direct PUT), so that the
// summary's THROTTLED column adds up to the pipeline's total. A producer's or
// a processing consumer's throttled_records are its attempts that its target
// refused, already in the target's row (docs/totals.md).
func refusesWrites(n *pipeline.Node) bool {
	switch n.Stage {
	case pipeline.Storage, pipeline.Destination:
		return true
	case pipeline.Consumer:
		return n.Service.Name == pipeline.Firehose
	}
	return false
}

// keyMetric is the one figure that says most about a node.
func keyMetric(n *pipeline.Node, m map[string]float64) string {
	show := func(label, metric string, u pipeline.Unit) string {
		v, ok := m[n.ID+"."+metric]
		if !ok {
			return ""
		}
		switch u {
		case pipeline.UnitCount:
			return label + " " + formatCount(v)
		case pipeline.UnitBytes:
			return label + " " + formatBytes(v)
		}
		return label + " " + pipeline.FormatMetric(u, v)
	}
	switch n.Stage {
	case pipeline.Producer:
		return show("retried", "retried_records", pipeline.UnitCount)
	case pipeline.Storage:
		unit := "shard"
		switch n.Service.Name {
		case pipeline.MSK, pipeline.MSKServerless:
			unit = "partition"
		case pipeline.KinesisVideoStreams:
			unit = "stream"
		}
		return show("peak "+unit+" util", "max_shard_utilization", pipeline.UnitRatio)
	case pipeline.Consumer:
		switch n.Service.Name {
		case pipeline.Firehose:
			return show("objects", "objects", pipeline.UnitCount)
		case pipeline.Lambda:
			return show("invocations", "invocations", pipeline.UnitCount)
		}
		return show("peak util", "utilization_max", pipeline.UnitRatio)
	case pipeline.Destination:
		if n.Service.Name == pipeline.S3 {
			return show("objects", "objects", pipeline.UnitCount)
		}
		return show("bytes in", "bytes_in", pipeline.UnitBytes)
	}
	return ""
}

// formatCount writes a count rounded to a whole number with thousands
// separators; a value that is not a number shows as "-".
func formatCount(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "-"
	}
	return pipeline.FormatCount(v)
}

// formatBytes writes a byte count for the summary: "790.9 MiB".
func formatBytes(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "-"
	}
	return pipeline.ApproxSize(v)
}

// table lays out rows in columns two spaces apart, measuring in runes.
type table struct {
	indent string
	right  []bool // right-align column i
	rows   [][]string
}

// add adds a row; the cells are escaped, as some quote files and reports.
func (t *table) add(cells ...string) {
	for i, c := range cells {
		cells[i] = textsafe.Line(c)
	}
	t.rows = append(t.rows, cells)
}

func (t *table) write(w io.Writer) {
	var widths []int
	for _, r := range t.rows {
		for i, c := range r {
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], utf8.RuneCountInString(c))
		}
	}
	for _, r := range t.rows {
		var b strings.Builder
		b.WriteString(t.indent)
		for i, c := range r {
			pad := strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c))
			if i > 0 {
				b.WriteString("  ")
			}
			if i < len(t.right) && t.right[i] {
				b.WriteString(pad + c)
			} else {
				b.WriteString(c + pad)
			}
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
}

// progress draws a one-line progress bar on a terminal, redrawn with \r, once
// a run has taken longer than progressDelay, and clears it at the end. It
// says how long the run has left: the estimate at first, then its pace.
// It draws only when stdout is a terminal too (else the summary goes to a
// file or a pipe, and so may the user's attention) and stderr shows colour:
// not on a dumb terminal, and not under NO_COLOR or CI, which ask for plain
// text.
type progress struct {
	w           io.Writer
	on          bool
	name        string
	est         time.Duration // the run's estimated time (0: unknown)
	start, last time.Time
	drawn       bool
}

func newProgress(c *cobra.Command, name string, quiet bool) *progress {
	return &progress{w: c.ErrOrStderr(), name: name,
		on: !quiet && isTerminal(c.OutOrStdout()) && profileOf(c.ErrOrStderr()) >= colorprofile.ANSI}
}

func (p *progress) update(now, total time.Duration) {
	if !p.on {
		return
	}
	t := time.Now()
	if t.Sub(p.start) < progressDelay || t.Sub(p.last) < 100*time.Millisecond {
		return
	}
	p.last = t
	left := time.Duration(-1)
	if p.est > 0 {
		left = remaining(p.est, t.Sub(p.start), fracDone(now, total))
	}
	fmt.Fprint(p.w, "\r"+progressLine(p.name, now, total, left)+"\x1b[K")
	p.drawn = true
}

func (p *progress) clear() {
	if p.drawn {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.drawn = false
	}
}

// progressLine is the bar's text, at most 80 columns:
// "seed-pipeline [██████░░░░░░░░░░░░░░░░░░]  25%  15m of 1h simulated", or
// with the time left known (left ≥ 0)
// "seed-pipeline [████░░░░░░░░░░░░]  25%  15m of 1h · 1m20s left".
func progressLine(name string, now, total, left time.Duration) string {
	width, tail := 24, " simulated"
	if left >= 0 {
		width, tail = 16, " · "+backends.TimeText(left)+" left"
	}
	frac := fracDone(now, total)
	if utf8.RuneCountInString(name) > 20 {
		name = string([]rune(name)[:19]) + "…"
	}
	full := int(frac * float64(width))
	return fmt.Sprintf("%s [%s%s] %3d%%  %s of %s%s", name,
		strings.Repeat("█", full), strings.Repeat("░", width-full), int(frac*100),
		pipeline.FormatDuration(now.Truncate(time.Second)), pipeline.FormatDuration(total), tail)
}

// writeTotals prints the pipeline's totals, latency and cost; the notes (may be
// empty) say how a backend measured latency and cost. Delivered counts a
// record once per destination it reached (docs/totals.md), so it says to how many.
func writeTotals(w io.Writer, s *pipeline.Scenario, m map[string]float64, latencyNote, costNote string) {
	p := func(k string) float64 { return m["pipeline."+k] }
	sec := func(k string) string { return pipeline.FormatMetric(pipeline.UnitSeconds, p(k)) }
	dests := len(s.Stage(pipeline.Destination))
	fmt.Fprintf(w, "pipeline  produced %s · delivered %s to %d %s · lost %s · in flight %s · throttled %s\n",
		formatCount(p("produced_records")), formatCount(p("delivered_records")), dests, plural(dests, "destination", "destinations"),
		formatCount(p("lost_records")), formatCount(p("in_flight_records")), formatCount(p("throttled_records")))
	fmt.Fprintf(w, "latency   p50 %s · p99 %s · max %s%s\n", sec("latency_p50"), sec("latency_p99"), sec("latency_max"), latencyNote)
	fmt.Fprintf(w, "cost      %s per month%s\n", pipeline.FormatMetric(pipeline.UnitDollars, p("cost_monthly")), costNote)
}

// pricesNote says that costs are priced at us-east-1's list prices when the
// scenario runs elsewhere ("" in us-east-1 or an unknown region): the fact
// sheet has no other Region's prices.
func pricesNote(region string) string {
	if region == "" || region == pipeline.DefaultRegion {
		return ""
	}
	return "prices are us-east-1 list prices; " + region + " may differ"
}

// withPricesNote adds pricesNote to a report's advice as an info line for the
// whole pipeline, so that the JSON report says it too.
func withPricesNote(list []pipeline.Advice, region string) []pipeline.Advice {
	if n := pricesNote(region); n != "" {
		list = append(list, pipeline.Advice{Severity: pipeline.SeverityInfo, Node: "pipeline", Message: n})
	}
	return list
}

// writeExpectations prints each expect line with its mark and measured value;
// a value the backend could not measure (NaN) says so.
func writeExpectations(w io.Writer, st style, rep *pipeline.Report) {
	if len(rep.Expectations) == 0 {
		return
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, st.bold("expect"))
	width := 0
	for _, e := range rep.Expectations {
		width = max(width, utf8.RuneCountInString(e.Expr))
	}
	for _, e := range rep.Expectations {
		val := e.Measured()
		if math.IsNaN(e.Value) {
			val = "not measured on " + rep.Backend
		}
		fmt.Fprintf(w, "  %s %s%s  %s\n", st.mark(e.Passed), e.Expr,
			strings.Repeat(" ", width-utf8.RuneCountInString(e.Expr)), val)
	}
}
