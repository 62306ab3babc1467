package cmd

import (
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	simbackend "github.com/streamsim/streamsim/backends/sim"
	"github.com/streamsim/streamsim/internal/textsafe"
	"github.com/streamsim/streamsim/pipeline"
)

// lessonReplay judges a run's lesson steps, as the TUI does live: with a
// recorded session, the learner's changes are in its timeline and their
// guesses in the predict steps.
//
// It looks at the run after every tick. The TUI looks at the snapshots it
// draws, a subset of those ticks, so a step it saw done the replay sees done
// no later, and a change the learner made once the TUI showed the step
// under way comes when the replay has that step under way too.
type lessonReplay struct {
	t    *pipeline.LessonTracker
	s    *pipeline.Scenario
	last time.Duration
	next int // the first timeline change not yet handed over
}

func newLessonReplay(s *pipeline.Scenario, on bool) *lessonReplay {
	if !on {
		return nil
	}
	return &lessonReplay{t: pipeline.NewLessonTracker(s), s: s, last: -1}
}

// step is called after every engine step.
func (r *lessonReplay) step(e *simbackend.Runner) {
	if r == nil {
		return
	}
	r.t.Observe(r.view(e, e.Now()))
}

// view is the run now, with the timeline's changes made since the last view.
func (r *lessonReplay) view(e *simbackend.Runner, now time.Duration) pipeline.LessonView {
	var changes []pipeline.Change
	for r.next < len(r.s.Timeline) && r.s.Timeline[r.next].At <= now {
		changes = append(changes, r.s.Timeline[r.next])
		r.next++
	}
	r.last = now
	m := e.Metrics()
	sc := e.Scenario()
	return pipeline.LessonView{Now: now, Changes: changes,
		Metric: func(name string) (float64, bool) { v, ok := m[name]; return v, ok && !math.IsNaN(v) },
		Setting: func(id, key string) (float64, bool) {
			n := sc.Node(id)
			if n == nil {
				return 0, false
			}
			v, ok := n.Param(key)
			return v.Num, ok
		}}
}

// finish judges the end of the run and says whether every step was done.
func (r *lessonReplay) finish(e *simbackend.Runner) bool {
	if r == nil {
		return true
	}
	r.t.Finish(r.view(e, e.Now()))
	return r.t.Current() >= len(r.s.Lesson)
}

// write prints each step: ✓ or ✗, when it was done or why not, and a
// prediction's guess beside the answer.
func (r *lessonReplay) write(w io.Writer, st style) {
	if r == nil {
		return
	}
	res := r.t.Results()
	n := len(res)
	fmt.Fprintln(w, st.bold(fmt.Sprintf("lesson (%d %s)", n, plural(n, "step", "steps"))))
	for i, x := range res {
		step := r.s.Lesson[i]
		when := "       "
		if x.Done {
			when = clockText(x.At)
		}
		text := step.Say
		if step.Predict != nil && text == "" {
			text = step.Predict.Question
		}
		line := fmt.Sprintf("  %s %d/%d  %s  %s", st.mark(x.Done), i+1, n, when, textsafe.Line(firstLine(text)))
		if why := r.t.Why(i); why != "" {
			line += "  (" + textsafe.Line(why) + ")"
		}
		fmt.Fprintln(w, line)
		if p := step.Predict; p != nil && x.Guessed && x.Answered {
			def, _ := r.s.LookupMetric(p.Metric)
			fmt.Fprintf(w, "           guess %s, answer %s%s\n", pipeline.FormatMetric(def.Unit, x.Guess),
				pipeline.FormatMetric(def.Unit, x.Answer), explainText(p))
		}
	}
	fmt.Fprintln(w)
}

// verdictLine is the last line of a run with --lesson: whether every step
// was done (or the first that was not, and why), then the expectations,
// which a recorded session's changes may well have made fail.
func (r *lessonReplay) verdictLine(st style, rep *pipeline.Report, simulated, wall time.Duration) string {
	done := 0
	for _, x := range r.t.Results() {
		if x.Done {
			done++
		}
	}
	n := len(r.s.Lesson)
	what := fmt.Sprintf("lesson: all %d %s done", n, plural(n, "step", "steps"))
	if done < n {
		first := r.t.Current()
		what = fmt.Sprintf("lesson: %d of %d steps done, step %d not done: %s", done, n, first+1, textsafe.Line(r.t.Why(first)))
	}
	exp := "no expectations"
	if k := len(rep.Expectations); k > 0 {
		exp = fmt.Sprintf("expectations %d/%d hold", k-rep.Failed(), k)
	}
	return fmt.Sprintf("%s %s: %s; %s (simulated %s in %.2fs)", st.verdict(done == n), rep.Scenario, what, exp,
		pipeline.FormatDuration(simulated), wall.Seconds())
}

func explainText(p *pipeline.Prediction) string {
	if p.Explain == "" {
		return ""
	}
	return " — " + textsafe.Line(firstLine(p.Explain))
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return line
}

func clockText(d time.Duration) string {
	s := int64(d / time.Second)
	return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
}
