package dashboard

import (
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/streamsim/streamsim/backends"
	"github.com/streamsim/streamsim/internal/progress"
	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/ui/common"
)

// The lesson of a run is judged by pipeline.LessonTracker, the judge that
// `streamsim run --lesson` replays a recorded session with: the dashboard
// hands it every snapshot drawn (its metrics), the settings as they stand
// (the scenario's, with the timeline's and the learner's changes applied)
// and the changes made since it last looked.
//
// While the lesson is followed (its panel is on; a workshop turns it on) the
// run waits at a step that asks the learner something: it pauses there, and
// goes on once the step is done. A check on a metric needs the run to go on
// to come true: the learner's change there (or space) lets the run go on
// until it holds. A prediction opens a prompt for the guess (g opens it
// again). A hint shows when the learner does something else than the step
// asks, after hintAfter of waiting, or on h.

// hintAfter is how long the learner waits at a step before its hint shows.
const hintAfter = 20 * time.Second

// hintSimAfter is how much of the run may pass at a step that lets the run
// go on before its hint shows.
const hintSimAfter = 3 * time.Minute

// lessonRun follows one run through its lesson.
type lessonRun struct {
	t        *pipeline.LessonTracker
	live     *pipeline.Scenario // the settings as they stand now
	next     int                // the first timeline entry not yet handed over
	pending  []pipeline.Change  // the learner's changes not yet handed over
	arrived  int                // the last step the run waited at (-1: none yet)
	held     bool               // the lesson paused the run at this step
	letGo    bool               // the learner let the run go on at this step
	hint     bool               // the step's hint is on show
	hintGen  int                // of the hint timer under way
	finished bool               // the run's end was judged
	ended    bool               // its end was reported
	answered int                // predictions answered when last reported
	limit    time.Duration      // where the run was last told to hold (-1: nowhere)
}

// hintDueMsg says the learner has waited hintAfter at a step.
type hintDueMsg struct{ gen int }

// newLessonRun starts following sc's lesson, or returns nil when it has none.
func newLessonRun(sc *pipeline.Scenario) *lessonRun {
	if len(sc.Lesson) == 0 {
		return nil
	}
	live := sc.Clone()
	live.SortTimeline()
	return &lessonRun{t: pipeline.NewLessonTracker(sc), live: live, arrived: -1, limit: -1}
}

// step returns the current step, and whether there is one (all done: none).
func (l *lessonRun) step() (pipeline.LessonStep, bool) {
	steps := l.live.Lesson
	if l.t.Current() >= len(steps) {
		return pipeline.LessonStep{}, false
	}
	return steps[l.t.Current()], true
}

// apply takes a change into the settings as they stand.
func (l *lessonRun) apply(c pipeline.Change) {
	for _, a := range c.Set {
		if n := l.live.Node(a.Node); n != nil {
			v := a.Value
			v.Set = true
			n.Params[a.Key] = v
		}
	}
}

// view is the run at now as the tracker sees it; the changes it carries are
// handed over.
func (l *lessonRun) view(snap *pipeline.Snapshot, now time.Duration) pipeline.LessonView {
	var changes []pipeline.Change
	tl := l.live.Timeline
	for l.next < len(tl) && tl[l.next].At <= now {
		l.apply(tl[l.next])
		changes = append(changes, tl[l.next])
		l.next++
	}
	changes = append(changes, l.pending...)
	l.pending = l.pending[:0]
	return pipeline.LessonView{Now: now, Changes: changes, Metric: snap.Metric,
		Setting: func(id, key string) (float64, bool) {
			n := l.live.Node(id)
			if n == nil {
				return 0, false
			}
			v, ok := n.Param(key)
			return v.Num, ok
		}}
}

// following reports whether the run waits for the learner at the lesson's
// steps: the lesson's panel is on.
func (m *Model) following() bool { return m.les != nil && m.lesson }

// startLesson sets up the lesson of the run starting now.
func (m *Model) startLesson() {
	m.les = newLessonRun(m.sc)
	if m.les != nil && m.c.Workshop != nil {
		m.lesson = true // a workshop follows the lesson from the start
		m.focus, m.side = eventsPane, eventsPane
	}
}

// observeLesson hands the run at now to the lesson's tracker, then pauses
// or resumes the run as the current step asks, and reports progress.
func (m *Model) observeLesson(now time.Duration) tea.Cmd {
	l := m.les
	if l == nil || !m.has {
		return nil
	}
	before := l.t.Current()
	v := l.view(&m.snap, now)
	if m.snap.Done && !l.finished {
		l.t.Finish(v)
		l.finished = true
	} else {
		l.t.Observe(v)
	}
	var cmds []tea.Cmd
	if l.t.Current() != before {
		l.letGo, l.hint = false, false
		l.hintGen++
	}
	if cur := m.lessonStep(); cur != m.lessonCur {
		m.lessonCur, m.lessonHold = cur, false // a new step: the panel follows it again
	}
	cmds = append(cmds, m.lessonWait())
	m.lessonLimit()
	if l.t.Current() != before || m.answeredNow() || m.snap.Done && !l.ended {
		cmds = append(cmds, m.reportLesson(m.snap.Done))
	}
	return tea.Batch(cmds...)
}

// answeredNow reports whether a prediction's answer was read since the last report.
func (m *Model) answeredNow() bool {
	n := 0
	for _, r := range m.les.t.Results() {
		if r.Answered {
			n++
		}
	}
	return n != m.les.answered
}

// lessonWait pauses the run when the current step waits for the learner,
// and resumes it once the step that paused it is done. Arriving at a step
// that waits shows the lesson panel, opens the prompt of a prediction and
// starts the hint's timer.
func (m *Model) lessonWait() tea.Cmd {
	l := m.les
	if l == nil || m.run == nil || m.state != running && m.state != paused {
		return nil
	}
	if !m.following() || !l.t.Waiting(m.snap.Time) {
		if l.held {
			l.held = false
			if m.state == paused {
				m.run.Resume()
				m.state = running
			}
		}
		return nil
	}
	if l.letGo {
		return nil
	}
	if m.state == running {
		m.run.Pause()
		m.state, l.held = paused, true
	}
	cur := l.t.Current()
	if l.arrived == cur {
		return nil
	}
	l.arrived = cur
	m.charts = false // the step is in the live view's lesson panel
	m.side = eventsPane
	if m.focus == advicePane {
		m.focus = eventsPane
	}
	var open tea.Cmd
	if st, _ := l.step(); st.Predict != nil && m.prompt == noPrompt {
		open = m.askGuess()
	}
	return tea.Batch(open, m.after(hintAfter, hintDueMsg{gen: l.hintGen}))
}

// leash is how far the run may get ahead of the last snapshot the lesson
// was judged on: a step that comes at a moment no one can tell beforehand
// (after a check on the run's metrics holds) is met at most this much late,
// however fast the run goes.
func leash(sc *pipeline.Scenario) time.Duration { return max(30*time.Second, 30*tickOf(sc)) }

// lessonLimit holds the run (backends.Limiter) where the followed lesson
// must look at it: at the next step's time, at a prediction's answer_at,
// and never more than a leash ahead of the last snapshot judged. Once every
// step is done and every answer read, the run goes free.
func (m *Model) lessonLimit() {
	l := m.les
	lim, ok := m.run.(backends.Limiter)
	if l == nil || !ok {
		return
	}
	want := time.Duration(-1)
	now := m.snap.Time
	if m.following() && !l.finished {
		res := l.t.Results()
		if l.t.Current() < len(res) {
			want = now + leash(m.sc)
		}
		for i, st := range l.live.Lesson {
			if i >= l.t.Current() && st.Has && st.At > now {
				want = clampLimit(want, st.At)
			}
			if p := st.Predict; p != nil && p.AnswerAt > now && !res[i].Answered {
				want = clampLimit(want, p.AnswerAt)
			}
		}
	}
	if want != l.limit {
		l.limit = want
		lim.SetLimit(want)
	}
}

// clampLimit is the earlier of a limit (-1: none) and t.
func clampLimit(limit, t time.Duration) time.Duration {
	if limit < 0 {
		return t
	}
	return min(limit, t)
}

// reportLesson tells Common.Progress (and the screens, by a message) where
// the learner stands.
func (m *Model) reportLesson(ended bool) tea.Cmd {
	l := m.les
	if l == nil || l.ended {
		return nil
	}
	res := l.t.Results()
	p := common.LessonProgress{Scenario: m.sc.Name, Step: l.t.Current(), Steps: len(res), Done: make([]bool, len(res)),
		BestErr: -1, Ended: ended}
	answered := 0
	for i, r := range res {
		p.Done[i] = r.Done
		if r.Answered {
			answered++
		}
		if r.Guessed && r.Answered {
			if e := progress.RelError(r.Guess, r.Answer); p.BestErr < 0 || e < p.BestErr {
				p.BestErr = e
			}
		}
	}
	l.answered = answered
	l.ended = ended
	if m.c.Progress != nil {
		m.c.Progress(p)
	}
	return emit(common.LessonProgressedMsg{Progress: p})
}

// endLesson reports the run's end, once, when the run is left before its
// end (stopped, run again, quit).
func (m *Model) endLesson() {
	if m.les != nil && !m.les.ended {
		_ = m.reportLesson(true) // the message would find no screen that wants it now
	}
}

// lessonChange takes a change the learner made into the lesson: a change
// that does not do what the step under way asks shows its hint, and one made
// where a check on a metric waits lets the run go on to show its effect.
func (m *Model) lessonChange(c pipeline.Change) tea.Cmd {
	l := m.les
	if l == nil {
		return nil
	}
	l.apply(c)
	l.pending = append(l.pending, c)
	st, ok := l.step()
	before := l.t.Current()
	cmd := m.observeLesson(max(m.snap.Time, c.At))
	if !ok || l.t.Current() != before || !l.t.Waiting(m.snap.Time) {
		return cmd
	}
	if st.Check != nil && !st.Check.Setting {
		l.letGo = true
		if l.held {
			l.held = false
			if m.state == paused {
				m.run.Resume()
				m.state = running
			}
		}
		return cmd
	}
	l.hint = st.Hint != "" // something else than the step asks
	return cmd
}

// letGoLesson is space at a step that waits: the run goes on, and the
// step is judged as it goes.
func (m *Model) letGoLesson() {
	if m.les != nil && m.has && m.les.t.Waiting(m.snap.Time) {
		m.les.held, m.les.letGo = false, true
	}
}

// lessonTick looks at the clock of a step that lets the run go on: its
// hint shows once hintSimAfter of the run has passed there.
func (m *Model) lessonTick() {
	l := m.les
	if l == nil || l.hint || !m.following() {
		return
	}
	if st, ok := l.step(); ok && st.Hint != "" && l.t.Waiting(m.snap.Time) && m.snap.Time-l.t.WaitedSince() >= hintSimAfter {
		l.hint = true
	}
}

// askGuess opens the prompt for the current step's prediction.
func (m *Model) askGuess() tea.Cmd {
	st, ok := m.les.step()
	if !ok || st.Predict == nil {
		return nil
	}
	def, _ := m.sc.LookupMetric(st.Predict.Metric)
	return m.ask(askGuess, "your guess ("+unitHint(def.Unit)+"): ", "")
}

// unitHint says what a guess of a metric in unit u looks like.
func unitHint(u pipeline.Unit) string {
	switch u {
	case pipeline.UnitSeconds:
		return "a time such as 90s or 5m"
	case pipeline.UnitRatio:
		return "a percentage such as 80%"
	case pipeline.UnitBytes:
		return "a size such as 5MiB"
	case pipeline.UnitDollars:
		return "dollars such as $120"
	}
	return "a number such as 1500 or 10k"
}

// parseGuess reads a guess for the current step's prediction, in its
// metric's unit.
func (m *Model) parseGuess(text string) (float64, error) {
	st, ok := m.les.step()
	if !ok || st.Predict == nil {
		return 0, fmt.Errorf("no prediction is asked now")
	}
	if text == "" {
		return 0, fmt.Errorf("type your guess")
	}
	def, _ := m.sc.LookupMetric(st.Predict.Metric)
	if def.Unit == pipeline.UnitCount {
		text = strings.NewReplacer(",", "", "_", "").Replace(text) // 1,500 as written in the lessons
	}
	e, err := m.sc.ParseExpect(st.Predict.Metric + " == " + text)
	if err != nil {
		// The metric's name in the error is the lesson's business, not the learner's.
		_, why, _ := strings.Cut(err.Error(), ": ")
		return 0, fmt.Errorf("%s", why)
	}
	return e.Value, nil
}

// guess takes the learner's guess and goes on with the lesson.
func (m *Model) guess(v float64) tea.Cmd {
	m.les.t.Guess(v)
	return m.observeLesson(m.snap.Time)
}

// showHint shows the current step's hint (h).
func (m *Model) showHint() {
	if m.les != nil {
		m.les.hint = true
	}
}

// hintable reports whether h would show a hint now.
func (m *Model) hintable() bool {
	if m.les == nil || m.les.hint || !m.has {
		return false
	}
	st, ok := m.les.step()
	return ok && st.Hint != "" && m.les.t.Waiting(m.snap.Time)
}

// guessable reports whether g would open the prompt for a guess now.
func (m *Model) guessable() bool {
	if m.les == nil || !m.has || m.state != running && m.state != paused {
		return false
	}
	st, ok := m.les.step()
	return ok && st.Predict != nil && m.les.t.Waiting(m.snap.Time)
}

// withGuesses is sc with the learner's guesses in its predict steps, as a
// recorded session keeps them (guess:), so that `run --lesson` judges the
// steps the learner did.
func withGuesses(sc *pipeline.Scenario, res []pipeline.StepResult) *pipeline.Scenario {
	out := sc.Clone()
	for i := range out.Lesson {
		if i >= len(res) || out.Lesson[i].Predict == nil || !res[i].Guessed {
			continue
		}
		p := *out.Lesson[i].Predict
		p.Guess, p.Guessed = res[i].Guess, true
		out.Lesson[i].Predict = &p
	}
	return out
}

// lessonResults is what each step came to so far (nil without a lesson).
func (m *Model) lessonResults() []pipeline.StepResult {
	if m.les == nil {
		return nil
	}
	return m.les.t.Results()
}

// LessonStep returns the lesson's current step (len of the steps when all
// are done) and whether the run waits there for the learner; -1 without a
// lesson.
func (m *Model) LessonStep() (int, bool) {
	if m.les == nil {
		return -1, false
	}
	return m.les.t.Current(), m.les.held
}
