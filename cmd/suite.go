package cmd

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/streamsim/streamsim/internal/safefile"
	"github.com/streamsim/streamsim/internal/textsafe"
	"github.com/streamsim/streamsim/internal/workpool"
	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/pipeline/advice"
)

// suiteFlags are the flags of `test`.
type suiteFlags struct {
	parallel       int
	junitPath      string
	jsonPath       string
	format         *enumValue
	baselineDir    string
	updateBaseline bool
	tolerance      string
	shard          string
	failed         bool
}

func newTestCmd() *cobra.Command {
	f := &suiteFlags{format: &enumValue{value: "text", allowed: []string{"text", "github"}, kind: "format"}}
	c := &cobra.Command{
		Use:   "test [PATH...]",
		Short: "Run a folder of scenarios and check their expect lines, as CI runs tests",
		Long: `Run every scenario of the paths on all cores and check its expect lines,
the way 'go test ./...' runs packages: one line per scenario (PASS or FAIL,
its time, the first failing expectation with its measured value) and a total.

Paths are files (run whatever they hold), folders (their *.yaml and *.yml
files) and patterns ending in /... (the folder and all below it; hidden,
_-prefixed, node_modules and vendor folders are skipped). Without paths: ./...
In folders a YAML file with no top-level version: or producers: is not a
scenario: it is ignored and counted.

Exit codes: 0 every scenario passes, 1 an expectation failed (or a metric
regressed beyond --tolerance of its baseline), 2 a file is invalid or the
usage is wrong (every file is still checked and listed).

Reports for CI:
  --junit FILE     JUnit XML: one testsuite per scenario (its file in the
                   file attribute), one testcase per expect line, named by
                   the line and placed at file:line in its output; valid
                   against the Jenkins xUnit junit-10.xsd schema, which
                   GitLab and Jenkins read
  --json FILE      every scenario's status and report (run --json's shape)
  --format github  ::error annotations at the line of each failing expect
                   entry, ::warning at the node of each advisor finding;
                   with GITHUB_STEP_SUMMARY set, a Markdown table of the
                   results is appended to that file`,
		Example: `  streamsim test
  streamsim test ./pipelines/... --junit results.xml --format github
  streamsim test --shard 2/4
  streamsim test --baseline-dir .streamsim/baselines --tolerance 5%`,
		RunE: func(c *cobra.Command, args []string) error { return runSuite(c, args, f) },
	}
	fl := c.Flags()
	fl.IntVarP(&f.parallel, "parallel", "p", 0, "scenarios run at once (default: every core)")
	fl.StringVar(&f.junitPath, "junit", "", "write JUnit XML to `FILE`")
	fl.StringVar(&f.jsonPath, "json", "", "write every scenario's report as JSON to `FILE`")
	fl.Var(f.format, "format", "text, or github for workflow annotations")
	fl.StringVar(&f.baselineDir, "baseline-dir", "", "compare each report with the one stored in `DIR` (same relative path, .json)")
	fl.BoolVar(&f.updateBaseline, "update-baseline", false, "write each report into --baseline-dir")
	fl.StringVar(&f.tolerance, "tolerance", "0%", "how much worse than its baseline a metric may get before it fails, such as 5%")
	fl.StringVar(&f.shard, "shard", "", "run only the i-th of n slices of the scenarios, such as 2/4 (split by file path)")
	fl.BoolVar(&f.failed, "failed", false, "run only the scenarios that failed last time (all, when none did)")
	return c
}

// suiteCase is what one scenario file gave.
type suiteCase struct {
	path     string
	s        *pipeline.Scenario // nil when the file is invalid
	problems []pipeline.Problem // why it is invalid
	loadErr  error              // the file could not be read
	rep      *pipeline.Report
	worse    []advice.Delta // metrics worse than the baseline beyond the tolerance
	baseNote string         // "no baseline", "baseline written"
	wall     time.Duration
}

func (sc suiteCase) status() string {
	switch {
	case sc.rep == nil:
		return "INVALID"
	case !sc.rep.Passed || len(sc.worse) > 0:
		return "FAIL"
	}
	return "PASS"
}

func runSuite(c *cobra.Command, args []string, f *suiteFlags) error {
	opts, err := f.check()
	if err != nil {
		return invalid(err)
	}
	found, err := discover(args)
	if err != nil {
		return invalid(err)
	}
	paths := opts.pick(found.paths)
	outs, err := openSuiteOutputs(f)
	if err != nil {
		return invalid(err)
	}
	defer outs.abort()
	w := c.OutOrStdout()
	start := time.Now()
	cases := make([]suiteCase, 0, len(paths))
	err = workpool.Run(contextOf(c), len(paths), f.parallel,
		func(i int) suiteCase { return runSuiteCase(paths[i], opts) },
		func(_ int, sc suiteCase) {
			writeCaseLine(w, sc, f.format.value == "github")
			cases = append(cases, sc)
		})
	if err != nil {
		return invalid(err)
	}
	sum := summarize(cases, found.ignored, time.Since(start))
	fmt.Fprintln(w, sum.line())
	if err := outs.write(cases, sum); err != nil {
		return invalid(err)
	}
	if path := os.Getenv("GITHUB_STEP_SUMMARY"); f.format.value == "github" && path != "" {
		if err := appendStepSummary(path, cases, sum); err != nil {
			fmt.Fprintf(c.ErrOrStderr(), "streamsim: GITHUB_STEP_SUMMARY: %v\n", err)
		}
	}
	rememberFailed(cases)
	switch {
	case sum.invalid > 0:
		return &exitError{code: exitInvalid}
	case sum.failed > 0:
		return &exitError{code: exitFailed}
	}
	return nil
}

// suiteOptions are the checked flags of a suite run.
type suiteOptions struct {
	baselineDir    string
	updateBaseline bool
	tolerance      float64
	shard, shards  int // 1-based; 0 = the whole suite
	failedOnly     bool
	guard          *runGuard // a suite runs what its files ask for, within the memory there is
}

func (f *suiteFlags) check() (suiteOptions, error) {
	o := suiteOptions{baselineDir: f.baselineDir, updateBaseline: f.updateBaseline, failedOnly: f.failed, guard: newRunGuard(true, "")}
	batchMode(os.Getenv)
	var errs []error
	tol, err := pipeline.ParsePercent(f.tolerance)
	if err != nil || tol < 0 {
		errs = append(errs, fmt.Errorf("--tolerance %q: expected a percentage such as 5%%", f.tolerance))
	}
	o.tolerance = tol
	if f.shard != "" {
		if o.shard, o.shards, err = parseShard(f.shard); err != nil {
			errs = append(errs, err)
		}
	}
	if f.updateBaseline && f.baselineDir == "" {
		errs = append(errs, errors.New("--update-baseline needs --baseline-dir"))
	}
	if f.parallel < 0 {
		errs = append(errs, fmt.Errorf("--parallel %d: expected 1 or more (0 = every core)", f.parallel))
	}
	return o, errors.Join(errs...)
}

// pick keeps the paths of this shard, and of the last failures with --failed.
func (o suiteOptions) pick(paths []string) []string {
	var out []string
	last := lastFailed()
	for _, p := range paths {
		if o.shards > 0 && shardOf(p, o.shards) != o.shard-1 {
			continue
		}
		if o.failedOnly && len(last) > 0 && !last[absPath(p)] {
			continue
		}
		out = append(out, p)
	}
	return out
}

// runSuiteCase loads and runs one file; it never panics the suite.
func runSuiteCase(path string, o suiteOptions) (sc suiteCase) {
	start := time.Now()
	sc.path = path
	defer func() {
		if r := recover(); r != nil {
			sc.loadErr = fmt.Errorf("internal error: %v", r)
			sc.rep = nil
		}
		sc.wall = time.Since(start)
	}()
	s, err := pipeline.LoadFile(path)
	if err != nil {
		var ps pipeline.Problems
		if errors.As(err, &ps) {
			sc.problems = ps
		} else {
			sc.loadErr = err
		}
		return sc
	}
	sc.s = s
	rep, err := simulateReport(s, o.guard)
	if err != nil {
		sc.loadErr = err
		return sc
	}
	sc.rep = rep
	sc.worse, sc.baseNote, sc.loadErr = o.baseline(path, rep)
	if sc.loadErr != nil {
		sc.rep = nil
	}
	return sc
}

// baseline compares rep with its stored report, or stores it.
func (o suiteOptions) baseline(path string, rep *pipeline.Report) ([]advice.Delta, string, error) {
	if o.baselineDir == "" {
		return nil, "", nil
	}
	stored := filepath.Join(o.baselineDir, strings.TrimSuffix(filepath.Clean(path), filepath.Ext(path))+".json")
	if o.updateBaseline {
		if err := os.MkdirAll(filepath.Dir(stored), 0o755); err != nil {
			return nil, "", fmt.Errorf("--update-baseline: %w", err)
		}
		var b strings.Builder
		if err := rep.WriteJSON(&b); err != nil {
			return nil, "", err
		}
		if err := safefile.Write(stored, []byte(b.String()), 0o644); err != nil {
			return nil, "", fmt.Errorf("--update-baseline: %w", err)
		}
		return nil, "baseline written", nil
	}
	base, err := readReport(stored)
	if errors.Is(err, os.ErrNotExist) {
		return nil, "no baseline", nil
	}
	if err != nil {
		return nil, "", fmt.Errorf("baseline: %w", err)
	}
	var worse []advice.Delta
	for _, d := range advice.Compare(base, rep).Deltas {
		if d.Class == advice.Regression && beyond(d, o.tolerance) {
			worse = append(worse, d)
		}
	}
	return worse, "", nil
}

// beyond reports whether a regression is larger than the tolerance (a share
// of the baseline's value; any change of a zero baseline counts).
func beyond(d advice.Delta, tol float64) bool {
	if d.A == 0 || d.Key == "passed" {
		return true
	}
	change := (d.B - d.A) / d.A
	if change < 0 {
		change = -change
	}
	return change > tol+1e-12
}

// writeCaseLine prints one scenario's line: status, file, time and why.
func writeCaseLine(w io.Writer, sc suiteCase, github bool) {
	fmt.Fprintf(w, "%-7s %s  %.2fs%s\n", sc.status(), textsafe.Line(sc.path), sc.wall.Seconds(), caseWhy(sc))
	if github {
		for _, a := range annotations(sc) {
			fmt.Fprintln(w, a)
		}
	}
}

// caseWhy is the first reason a scenario failed: a problem of the file, the
// first failing expect line with its measured value, or a regression.
func caseWhy(sc suiteCase) string {
	switch {
	case len(sc.problems) > 0:
		more := ""
		if n := len(sc.problems) - 1; n > 0 {
			more = fmt.Sprintf(" (and %d more; streamsim validate lists them)", n)
		}
		return "  " + textsafe.Line(sc.problems[0].Error()) + more
	case sc.loadErr != nil:
		return "  " + textsafe.Line(sc.loadErr.Error())
	}
	for i, e := range sc.rep.Expectations {
		if !e.Passed {
			return fmt.Sprintf("  %s:%d: %s (measured %s)", textsafe.Line(sc.path), sc.s.Expect[i].Pos.Line, textsafe.Line(e.Expr), e.Measured())
		}
	}
	if len(sc.worse) > 0 {
		d := sc.worse[0]
		return fmt.Sprintf("  %s regressed: %s → %s (%s)", d.Key, advice.FormatValue(d.Key, d.A), advice.FormatValue(d.Key, d.B), d.Change())
	}
	if sc.baseNote != "" {
		return "  (" + sc.baseNote + ")"
	}
	return ""
}
