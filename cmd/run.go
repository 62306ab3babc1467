package cmd

import (
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/streamsim/streamsim/backends"
	simbackend "github.com/streamsim/streamsim/backends/sim"
	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/pipeline/htmlreport"
)

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

	rn, err := simbackend.NewRunner(s, simbackend.RunnerOptions{})
	if err != nil {
		outs.abort()
		return invalid(fmt.Errorf("%s: %w", s.Name, err))
	}
	cost := rn.Estimate()
	mem := detectMemLimit(realMemProbe())
	if err := checkCost(s.Name, cost, f.aws.yes, mem, hintRun); err != nil {
		outs.abort()
		return err
	}
	applyGoMemLimit(mem, os.Getenv)
	watch := newMemWatch(mem, cost.Bytes, backends.MemoryInUse)
	adv, err := newRunAdvice(s, f.baseline)
	if err != nil {
		outs.abort()
		return invalid(err)
	}
	summary := outs.summary(c.ErrOrStderr())
	prog := newProgress(c, s.Name, f.quiet)
	prog.est = cost.Time
	series, err := newSeries(outs.csv, s, rn)
	if err != nil {
		outs.abort()
		return invalid(err)
	}
	hist := newHistoryTaker(rn, f.htmlPath != "" || f.series)
	lesson := newLessonReplay(s, f.lesson)
	lesson.step(rn) // the steps shown from the start
	start := time.Now()
	prog.start = start
	for !rn.Done() {
		rn.Step()
		if err := series.step(rn); err != nil {
			prog.clear()
			outs.abort()
			return invalid(fmt.Errorf("--csv %s: %w", f.csvPath, err))
		}
		hist.step(rn)
		lesson.step(rn)
		prog.update(rn.Now(), rn.Duration())
		if err := watch.check(rn.Now(), rn.Duration()); err != nil {
			prog.clear()
			outs.abort()
			return err
		}
	}
	prog.clear()
	wall := time.Since(start)
	lessonDone := lesson.finish(rn)

	res := rn.Finish()
	rep, err := newRunReport(s, res.Length, res.Metrics)
	if err != nil {
		outs.abort()
		return err
	}
	adv.fill(rep, res)
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
		writeRunSummary(summary, st, s, res, rep)
		adv.write(summary, st, rep)
	}
	if !f.quiet || !lessonDone {
		lesson.write(summary, st)
	}
	if lesson != nil {
		// A lesson's verdict is whether its steps were done: a recorded
		// session changed the run its expect lines describe.
		fmt.Fprintln(summary, lesson.verdictLine(st, rep, res.Length, wall))
		if !lessonDone {
			return &exitError{code: exitFailed}
		}
		return nil
	}
	fmt.Fprintln(summary, verdictLine(st, rep, res.Length, wall))
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
