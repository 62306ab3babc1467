package cmd

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/streamsim/streamsim/internal/workpool"
	"github.com/streamsim/streamsim/pipeline"
)

// sweepFlags are the flags of `sweep`.
type sweepFlags struct {
	varies    []string
	seeds     int
	targets   []string
	metrics   []string
	workers   int
	jsonPath  string
	csvPath   string
	part      string
	parts     int
	yes       bool
	maxPoints int
}

func newSweepCmd() *cobra.Command {
	f := &sweepFlags{}
	c := &cobra.Command{
		Use:   "sweep SCENARIO --vary node.key=VALUES... [--seeds N] [--target EXPR]...",
		Short: "Simulate every combination of some keys over many seeds, on every core",
		Long: `Simulate the scenario at every combination of the --vary values (the
cartesian product, the first --vary outermost), each over --seeds seeds (the
scenario's seed, +1, +2, …), on a worker pool over every core, and report per
combination the median and p5/p95 over the seeds of the chosen metrics and the
share of seeds in which each target held.

VALUES, in the key's unit:
  A..BxF    from A, times F, up to B          clicks.shards=4..64x2
  A..B+S    from A, plus S, up to B           web.rate=1k/s..5k/s+1k/s
  v1,v2,…   these values                      web.record_size=1KiB,4KiB

Metrics (--metric, repeatable) default to those of the scenario's expect
lines plus pipeline.cost_monthly and pipeline.latency_p99; targets (--target,
repeatable) default to the expect lines. The output is the same bytes for the
same flags whatever --workers is.

Split across machines with the batch engine you have: --part i/n runs only the
i-th of n slices of the combinations, and 'streamsim sweep merge' joins the
slices' --json into what one run gives. With --parts n and no --part, the slice
comes from the environment, 0-based as the engines count: JOB_COMPLETION_INDEX
(a Kubernetes Indexed Job) or AWS_BATCH_JOB_ARRAY_INDEX (an AWS Batch array
job). See docs/sweep.md.`,
		Example: `  streamsim sweep hot-partition-key --vary events.shards=4..64x2 --seeds 20
  streamsim sweep my.yaml --vary clicks.shards=4..32x2 --vary web.rate=1k/s,5k/s,20k/s \
      --seeds 100 --target "clicks.throttled_records == 0" --json sweep.json
  streamsim sweep my.yaml --vary clicks.shards=2..64+2 --part 3/8 --json part-3.json
  streamsim sweep merge part-*.json --json sweep.json`,
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: completeScenario,
		RunE:              func(c *cobra.Command, args []string) error { return runSweep(c, args[0], f) },
	}
	fl := c.Flags()
	fl.StringArrayVar(&f.varies, "vary", nil, "node.key=VALUES to vary (repeatable; see above)")
	fl.IntVar(&f.seeds, "seeds", 1, "seeds per combination")
	fl.StringArrayVar(&f.targets, "target", nil, "a condition such as \"clicks.throttled_records == 0\" (repeatable; default: the expect lines)")
	fl.StringArrayVar(&f.metrics, "metric", nil, "a metric to summarise (repeatable)")
	fl.IntVar(&f.workers, "workers", 0, "simulations at once (default: every core)")
	fl.StringVar(&f.jsonPath, "json", "", "write every run and the summary as JSON to `FILE` (- = stdout)")
	fl.StringVar(&f.csvPath, "csv", "", "write one row per run to `FILE` (- = stdout)")
	fl.StringVar(&f.part, "part", "", "run only slice i of n, such as 3/8 (1-based)")
	fl.IntVar(&f.parts, "parts", 0, "split into n slices and take this one's index from JOB_COMPLETION_INDEX or AWS_BATCH_JOB_ARRAY_INDEX (0-based)")
	fl.BoolVar(&f.yes, "yes", false, "run even when there are more than --max-points runs")
	fl.IntVar(&f.maxPoints, "max-points", 10_000, "runs (combinations × seeds) allowed without --yes")
	c.AddCommand(newSweepMergeCmd())
	return c
}

// sweepPlan is a checked sweep: the scenario, what varies, the runs.
type sweepPlan struct {
	s        *pipeline.Scenario
	vars     []sweepVar
	seeds    int
	metrics  []string
	targets  []pipeline.Expectation
	points   int // combinations
	part     int // 0-based slice, or -1 for the whole sweep
	parts    int
	runs     []sweepRunID // the runs of this slice, in order
	workers  int
	progress bool
}

// sweepRunID is one simulation: a combination and a seed offset.
type sweepRunID struct{ point, seed int }

func runSweep(c *cobra.Command, arg string, f *sweepFlags) error {
	s, err := mustLoad(c, arg)
	if err != nil {
		return err
	}
	p, err := planSweep(s, f, os.Getenv)
	if err != nil {
		return invalid(err)
	}
	p.progress = isTerminal(c.ErrOrStderr()) && !plainEnv(os.Getenv)
	batchMode(os.Getenv)
	out, err := openSweepOutputs(c.OutOrStdout(), f)
	if err != nil {
		return invalid(err)
	}
	defer out.abort()
	res, err := p.run(c)
	if err != nil {
		return invalid(err)
	}
	summary := out.summary(c.ErrOrStderr())
	writeSweepTable(summary, p, res)
	return out.write(p, res)
}

// planSweep checks the flags against the scenario.
func planSweep(s *pipeline.Scenario, f *sweepFlags, getenv func(string) string) (*sweepPlan, error) {
	p := &sweepPlan{s: s, seeds: f.seeds, points: 1, part: -1, workers: f.workers}
	var errs []error
	if len(f.varies) == 0 {
		errs = append(errs, errors.New("--vary: give at least one node.key=VALUES"))
	}
	seen := map[string]bool{}
	for _, arg := range f.varies {
		v, err := parseVary(s, arg)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if seen[v.ref] {
			errs = append(errs, fmt.Errorf("--vary %s is given twice", v.ref))
		}
		seen[v.ref] = true
		p.vars = append(p.vars, v)
		p.points *= len(v.values)
	}
	if f.seeds < 1 {
		errs = append(errs, fmt.Errorf("--seeds %d: expected 1 or more", f.seeds))
	}
	if f.workers < 0 {
		errs = append(errs, fmt.Errorf("--workers %d: expected 1 or more (0 = every core)", f.workers))
	}
	errs = append(errs, p.chooseMetrics(f.metrics, f.targets)...)
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if err := p.slice(f, getenv); err != nil {
		return nil, err
	}
	if n := len(p.runs); n > f.maxPoints && !f.yes {
		return nil, fmt.Errorf("%d runs (%d combinations × %d seeds) are more than --max-points %d: pass --yes to run them, or split them with --part",
			n, p.points, p.seeds, f.maxPoints)
	}
	return p, nil
}

// chooseMetrics sets the metrics and targets, from the flags or the scenario.
func (p *sweepPlan) chooseMetrics(metrics, targets []string) []error {
	var errs []error
	for _, t := range targets {
		e, err := p.s.ParseExpect(t)
		if err != nil {
			errs = append(errs, fmt.Errorf("--target %v", err))
			continue
		}
		p.targets = append(p.targets, e)
	}
	if len(targets) == 0 {
		p.targets = p.s.Expect
	}
	add := func(m string) {
		for _, x := range p.metrics {
			if x == m {
				return
			}
		}
		p.metrics = append(p.metrics, m)
	}
	for _, m := range metrics {
		if _, err := p.s.ParseExpect(m + " >= 0"); err != nil { // says what is unknown, and what is near
			errs = append(errs, fmt.Errorf("--metric %v", err))
			continue
		}
		add(m)
	}
	if len(metrics) == 0 {
		for _, e := range p.targets {
			add(e.Metric)
		}
		add("pipeline.cost_monthly")
		add("pipeline.latency_p99")
	}
	return errs
}

// slice picks this part's combinations (point i goes to part i mod n, so
// each part gets a spread of them) and lists its runs.
func (p *sweepPlan) slice(f *sweepFlags, getenv func(string) string) error {
	switch {
	case f.part != "":
		i, n, err := parseShard(f.part)
		if err != nil {
			return fmt.Errorf("--part%s", err.Error()[len("--shard"):])
		}
		p.part, p.parts = i-1, n
	case f.parts > 0:
		idx, from := "", ""
		for _, v := range []string{"JOB_COMPLETION_INDEX", "AWS_BATCH_JOB_ARRAY_INDEX"} {
			if idx = getenv(v); idx != "" {
				from = v
				break
			}
		}
		i, err := strconv.Atoi(idx)
		if from == "" || err != nil || i < 0 || i >= f.parts {
			return fmt.Errorf("--parts %d: the slice's index comes from JOB_COMPLETION_INDEX or AWS_BATCH_JOB_ARRAY_INDEX, 0 to %d; %s",
				f.parts, f.parts-1, map[bool]string{true: "neither is set", false: from + "=" + strconv.Quote(idx)}[from == ""])
		}
		p.part, p.parts = i, f.parts
	case f.parts < 0:
		return fmt.Errorf("--parts %d: expected 1 or more", f.parts)
	}
	for pt := range p.points {
		if p.part >= 0 && pt%p.parts != p.part {
			continue
		}
		for seed := range p.seeds {
			p.runs = append(p.runs, sweepRunID{pt, seed})
		}
	}
	return nil
}

// assignment is the values of combination pt, the first --vary outermost.
func (p *sweepPlan) assignment(pt int) []pipeline.Assignment {
	out := make([]pipeline.Assignment, len(p.vars))
	for i := len(p.vars) - 1; i >= 0; i-- {
		n := len(p.vars[i].values)
		out[i] = p.vars[i].values[pt%n]
		pt /= n
	}
	return out
}

// sweepRun is what one simulation gave: the chosen metrics and, per target,
// whether it held.
type sweepRun struct {
	sweepRunID
	metrics []float64
	held    []bool
	err     string
}

// run simulates the slice's runs on the pool, in order.
func (p *sweepPlan) run(c *cobra.Command) ([]sweepRun, error) {
	var out []sweepRun
	prog := &counter{w: c.ErrOrStderr(), on: p.progress, total: len(p.runs), start: time.Now()}
	err := workpool.Run(contextOf(c), len(p.runs), p.workers,
		func(i int) sweepRun { return p.simulate(p.runs[i]) },
		func(_ int, r sweepRun) {
			out = append(out, r)
			prog.step()
		})
	prog.clear()
	return out, err
}

// simulate runs one combination at one seed.
func (p *sweepPlan) simulate(id sweepRunID) sweepRun {
	r := sweepRun{sweepRunID: id}
	s := p.s.Clone()
	s.Seed = p.s.Seed + int64(id.seed)
	for _, a := range p.assignment(id.point) {
		n := s.Node(a.Node)
		if n.Params == nil {
			n.Params = map[string]pipeline.Value{}
		}
		n.Params[a.Key] = a.Value
	}
	if ps := s.Validate(); len(ps) > 0 {
		r.err = ps[0].Path + ": " + ps[0].Msg
		return r
	}
	m, err := simulateMetrics(s)
	if err != nil {
		r.err = err.Error()
		return r
	}
	for _, name := range p.metrics {
		r.metrics = append(r.metrics, m[name])
	}
	for _, t := range p.targets {
		v, ok := m[t.Metric]
		r.held = append(r.held, ok && t.Holds(v))
	}
	return r
}

// counter is the sweep's progress on a terminal: runs done of total and an ETA.
type counter struct {
	w           io.Writer
	on          bool
	total, done int
	start, last time.Time
}

func (c *counter) step() {
	c.done++
	if !c.on || time.Since(c.last) < 200*time.Millisecond && c.done < c.total {
		return
	}
	c.last = time.Now()
	el := time.Since(c.start)
	eta := time.Duration(float64(el) / float64(c.done) * float64(c.total-c.done))
	fmt.Fprintf(c.w, "\r%d/%d runs, about %s left\x1b[K", c.done, c.total, pipeline.FormatDuration(eta.Round(time.Second)))
}

func (c *counter) clear() {
	if c.on && c.done > 0 {
		fmt.Fprint(c.w, "\r\x1b[K")
	}
}
