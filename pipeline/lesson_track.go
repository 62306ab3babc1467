package pipeline

import (
	"fmt"
	"time"
)

// LessonTracker follows a run through its lesson: which step is current,
// whether the run must wait for the learner, and what each step came to. The
// TUI feeds it live; `run --lesson` feeds it a recorded session, so both judge
// the steps the same way.
type LessonTracker struct {
	s       *Scenario
	steps   []LessonStep
	cur     int
	since   time.Duration // when the current step became current
	holding bool
	heldAt  time.Duration // since when the current check has held
	window  []sample      // the current check's total over the last Over
	res     []StepResult
}

type sample struct {
	at time.Duration
	v  float64
}

// StepResult is what one step came to.
type StepResult struct {
	Done     bool
	At       time.Duration // when it was done
	Reached  bool          // it became current
	Value    float64       // a check's value when last looked at
	Seen     bool          // Value was measured
	Guess    float64       // a prediction's guess
	Guessed  bool
	Answer   float64 // a prediction's answer, once read
	Answered bool
}

// LessonView is the run at one moment, as a lesson sees it: the time, a
// metric's value, a setting's value, and the changes made since the last
// view (the timeline's and the learner's).
type LessonView struct {
	Now     time.Duration
	Metric  func(name string) (float64, bool)
	Setting func(node, key string) (float64, bool)
	Changes []Change
}

// NewLessonTracker starts at the first step; guesses a recorded session
// holds are taken as given.
func NewLessonTracker(s *Scenario) *LessonTracker {
	t := &LessonTracker{s: s, steps: s.Lesson, res: make([]StepResult, len(s.Lesson))}
	for i, st := range s.Lesson {
		if p := st.Predict; p != nil && p.Guessed {
			t.res[i].Guess, t.res[i].Guessed = p.Guess, true
		}
	}
	if len(t.res) > 0 {
		t.res[0].Reached = true
	}
	return t
}

// Current is the index of the current step, len(steps) when all are done.
func (t *LessonTracker) Current() int { return t.cur }

// Waiting reports whether the current step asks something not yet done:
// the run pauses there.
func (t *LessonTracker) Waiting(now time.Duration) bool {
	if t.cur >= len(t.steps) {
		return false
	}
	st := t.steps[t.cur]
	return st.Asks() && (!st.Has || now >= st.At)
}

// WaitedSince is when the current step became current (for its hint).
func (t *LessonTracker) WaitedSince() time.Duration { return t.since }

// Results is what each step came to so far.
func (t *LessonTracker) Results() []StepResult { return append([]StepResult(nil), t.res...) }

// Guess takes the learner's guess for the current step's prediction.
func (t *LessonTracker) Guess(v float64) {
	if t.cur < len(t.steps) && t.steps[t.cur].Predict != nil {
		t.res[t.cur].Guess, t.res[t.cur].Guessed = v, true
	}
}

// Observe looks at the run and moves through every step it completes.
func (t *LessonTracker) Observe(v LessonView) {
	t.answer(v, false)
	for t.cur < len(t.steps) {
		st := t.steps[t.cur]
		if st.Has && v.Now < st.At {
			return
		}
		if !t.done(st, v) {
			return
		}
		t.res[t.cur].Done, t.res[t.cur].At = true, v.Now
		t.cur++
		t.since, t.holding, t.window = v.Now, false, t.window[:0]
		if t.cur < len(t.steps) {
			t.res[t.cur].Reached = true
		}
	}
}

// Finish reads the answers of predictions due at the end of the run.
func (t *LessonTracker) Finish(v LessonView) {
	t.Observe(v)
	t.answer(v, true)
}

// done reports whether the current step is done now.
func (t *LessonTracker) done(st LessonStep, v LessonView) bool {
	r := &t.res[t.cur]
	switch {
	case st.Check != nil:
		x, ok := t.value(*st.Check, v)
		if ok && st.Check.Over > 0 && !st.Check.Setting && Cumulative(st.Check.Ref) {
			return t.addedHolds(*st.Check, v.Now, x)
		}
		r.Value, r.Seen = x, ok
		if !ok || !st.Check.Holds(x) {
			t.holding = false
			return false
		}
		if !t.holding {
			t.holding, t.heldAt = true, v.Now
		}
		return v.Now-t.heldAt >= st.Check.Over
	case st.Did != nil:
		for _, c := range v.Changes {
			if st.Did.Matches(t.s, c) {
				return true
			}
		}
		return false
	case st.Predict != nil:
		return r.Guessed
	}
	return true
}

// addedHolds judges a total "over the last D": what it added since D ago,
// once the step has been current that long.
func (t *LessonTracker) addedHolds(c Check, now time.Duration, total float64) bool {
	t.window = append(t.window, sample{now, total})
	for len(t.window) > 1 && t.window[1].at <= now-c.Over {
		t.window = t.window[1:]
	}
	r := &t.res[t.cur]
	r.Value, r.Seen = total-t.window[0].v, true
	return now-t.window[0].at >= c.Over && c.Holds(r.Value)
}

func (t *LessonTracker) value(c Check, v LessonView) (float64, bool) {
	if c.Setting {
		id, key := SplitRef(c.Ref)
		return v.Setting(id, key)
	}
	return v.Metric(c.Ref)
}

// answer reads the answers that are due: at their answer_at, or at the end.
func (t *LessonTracker) answer(v LessonView, end bool) {
	for i, st := range t.steps {
		p := st.Predict
		if p == nil || t.res[i].Answered || !(end || p.AnswerAt > 0 && v.Now >= p.AnswerAt) {
			continue
		}
		if x, ok := v.Metric(p.Metric); ok {
			t.res[i].Answer, t.res[i].Answered = x, true
		}
	}
}

// Why says why step i is not done, for a learner or an instructor.
func (t *LessonTracker) Why(i int) string {
	st, r := t.steps[i], t.res[i]
	switch {
	case r.Done:
		return ""
	case !r.Reached:
		return "not reached"
	case st.Check != nil && r.Seen:
		return fmt.Sprintf("%s is %s, wanted %s %s", st.Check.Ref, trimFloat(r.Value), st.Check.Op, trimFloat(st.Check.Value))
	case st.Check != nil:
		return st.Check.Text + " was never measured"
	case st.Did != nil:
		return "no change did " + st.Did.Text
	case st.Predict != nil:
		return "no guess was given"
	}
	return "not shown before the run ended"
}
