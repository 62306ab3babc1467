package cmd

import (
	"errors"
	"fmt"
	"math"
	"os"
	"time"

	"github.com/streamsim/streamsim/backends"
	simbackend "github.com/streamsim/streamsim/backends/sim"
	"github.com/streamsim/streamsim/pipeline"
)

// checkCost is what every command that simulates does before it starts:
// predict the run (the Runner's Estimate), refuse it when it needs more
// memory than the process may use (exit 3: a run that cannot fit would die
// mid-way, and --yes does not change that), and when it is above the bound
// of backends.ConfirmTime or ConfirmBytes unless yes (exit 2). hint says how
// to make the run smaller.
func checkCost(name string, c backends.Cost, yes bool, lim memLimit, hint string) error {
	if lim.bytes > 0 && c.Bytes > float64(lim.bytes) {
		return &exitError{code: exitMemory, err: fmt.Errorf("out of memory: %s needs about %s and %s is available (%s); %s, or give it more memory",
			name, pipeline.ApproxSize(c.Bytes), pipeline.ApproxSize(float64(lim.bytes)), lim.source, hint)}
	}
	if yes || !c.NeedsConfirm() {
		return nil
	}
	return invalid(fmt.Errorf("%s is a big run: about %s of processor time and %s of memory (%s), above the bound of about %s or %s. Run again with --yes to go ahead, or %s",
		name, backends.TimeText(c.Time), pipeline.ApproxSize(c.Bytes), c.What,
		pipeline.FormatDuration(backends.ConfirmTime), pipeline.ApproxSize(backends.ConfirmBytes), hint))
}

// How to shrink a run from the command line.
const (
	hintRun   = "shorten it with --duration or make it smaller with --set"
	hintOther = "shorten the scenario's duration or make it smaller"
)

// remaining is the wall time a run has left: at first the estimate, then,
// once a percent is done and a second has passed, what the pace so far says.
func remaining(est, elapsed time.Duration, frac float64) time.Duration {
	if frac >= 0.01 && elapsed >= time.Second {
		return time.Duration(float64(elapsed) * (1 - frac) / frac)
	}
	return max(0, est-elapsed)
}

// fracDone is how much of a run is done.
func fracDone(now, total time.Duration) float64 {
	if total <= 0 {
		return 1
	}
	return math.Min(1, math.Max(0, now.Seconds()/total.Seconds()))
}

// runGuard is checkCost and memWatch for the commands that simulate without
// a progress bar (advise, size): each simulation is checked before it runs
// and watched while it runs.
type runGuard struct {
	yes  bool
	mem  memLimit
	hint string
	prog *progress // when set, the run's progress bar (a command that runs one simulation)
}

func newRunGuard(yes bool, hint string) *runGuard {
	g := &runGuard{yes: yes, mem: detectMemLimit(realMemProbe()), hint: hint}
	applyGoMemLimit(g.mem, os.Getenv)
	return g
}

// run checks rn's run and runs it to the end, or returns why not: an
// *exitError (exit 2 above the bound, exit 3 out of memory), or what step
// (called after each tick, when not nil) returned to end it.
func (g *runGuard) run(name string, e *simbackend.Runner, step func(*simbackend.Runner) error) error {
	return g.runEstimated(name, e, e.Estimate(), step)
}

// runEstimated is run with e's estimate already made.
func (g *runGuard) runEstimated(name string, e *simbackend.Runner, cost backends.Cost, step func(*simbackend.Runner) error) error {
	if err := checkCost(name, cost, g.yes, g.mem, g.hint); err != nil {
		return err
	}
	watch := newMemWatch(g.mem, cost.Bytes, backends.MemoryInUse)
	if g.prog != nil {
		g.prog.est, g.prog.start = cost.Time, time.Now()
		defer g.prog.clear()
	}
	for !e.Done() {
		e.Step()
		if step != nil {
			if err := step(e); err != nil {
				return err
			}
		}
		if g.prog != nil {
			g.prog.update(e.Now(), e.Duration())
		}
		if err := watch.check(e.Now(), e.Duration()); err != nil {
			return err
		}
	}
	return nil
}

// passExit returns err itself when it carries an exit code, so that a caller
// wrapping errors as invalid input does not hide an out-of-memory (exit 3)
// or a refusal behind exit 2 with a longer message.
func passExit(err error) (error, bool) {
	var ee *exitError
	if errors.As(err, &ee) {
		return ee, true
	}
	return err, false
}
