package dashboard

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/streamsim/streamsim/backends/fake"
	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/ui/common"
	"github.com/streamsim/streamsim/ui/uitest"
)

// doingLesson is the shop scenario with a lesson that asks: a prediction,
// an action, a check on a metric that must hold a minute, and a check on a
// setting.
var doingLesson = uitest.ShopYAML[:strings.Index(uitest.ShopYAML, "lesson:")] + `lesson:
  steps:
    - say: Four shards, one hot key.
      at: 0s
    - predict: "How many write attempts will the stream refuse by the end?"
      answer: stream.throttled_records
      explain: "The hot key's shard takes 1,000 records/s and no more."
    - say: "Give the stream 8 shards: press t."
      did: reshard stream
      hint: "t picks the stream; type 8."
    - say: "Let the run go on until nothing is throttled for a minute."
      check: stream.throttled_records == 0 over the last 1m
    - say: "Eight shards it is."
      check: stream.shards >= 8
`

// lessonHarness starts a run of the doing lesson in a workshop, with the
// progress reports kept and the hint's timer in the test's hands.
func lessonHarness(t *testing.T, workshop bool) (*harness, *fake.Run, *[]common.LessonProgress) {
	t.Helper()
	hs := newHarness(t, doingLesson, 120, 34)
	var reports []common.LessonProgress
	hs.d.c.Progress = func(p common.LessonProgress) { reports = append(reports, p) }
	if workshop {
		hs.d.c.Workshop = &common.Workshop{}
	}
	hs.d.after = func(time.Duration, tea.Msg) tea.Cmd { return nil }
	return hs, hs.start(), &reports
}

// throttledAt is a snapshot at t whose metrics say the stream refused
// total write attempts so far.
func throttledAt(sc *pipeline.Scenario, t time.Duration, total float64) pipeline.Snapshot {
	s := snapshot(sc, t, 0.5)
	s.Metrics = map[string]float64{"stream.throttled_records": total, "pipeline.lost_records": 0}
	return s
}

func (hs *harness) calls(r *fake.Run) string { return strings.Join(r.Calls(), ",") }

// A workshop's run waits at each step that asks (the views are read without
// colour, as under NO_COLOR: ✓, ▶, ✗ and hint: carry it): the guess is typed, the
// wrong change brings the hint, the right one does the step, space lets the
// run go on for a check on a metric, and the steps count as they are done.
func TestLessonWaitsForTheLearner(t *testing.T) {
	hs, r, reports := lessonHarness(t, true)
	if !hs.d.lesson {
		t.Fatal("a workshop does not open the lesson")
	}
	hs.feed(r, throttledAt(hs.sc, 0, 5000))
	if !strings.HasSuffix(hs.calls(r), ",pause") || hs.d.state != paused || hs.d.prompt != askGuess {
		t.Fatalf("at the prediction: calls %s, state %v, prompt %v", hs.calls(r), hs.d.state, hs.d.prompt)
	}
	v := hs.view()
	for _, want := range []string{"‖ your turn", "lesson · step 2/5", "▶ 2/5 How many write attempts", "your guess (a number such as 1500 or 10k):"} {
		if !strings.Contains(v, want) {
			t.Fatalf("the view lacks %q:\n%s", want, v)
		}
	}
	hs.typeText("lots")
	if !strings.Contains(hs.view(), `"lots": expected a count`) {
		t.Fatalf("a guess that is no number is not refused:\n%s", hs.view())
	}
	hs.keys("ctrl+u")
	hs.typeText("500k")
	hs.keys("enter")
	if hs.d.prompt != noPrompt || hs.d.state != paused {
		t.Fatalf("after the guess: prompt %v, state %v", hs.d.prompt, hs.d.state)
	}
	v = hs.view()
	for _, want := range []string{"✓ 2/5", "your guess 500,000 · the answer comes", "▶ 3/5 Give the stream 8 shards",
		"→ waits for you to reshard stream", "the run waits for you"} {
		if !strings.Contains(v, want) {
			t.Fatalf("the view lacks %q:\n%s", want, v)
		}
	}
	if strings.Contains(v, "hint:") {
		t.Fatalf("the hint shows before it is due:\n%s", v)
	}
	// The wrong thing first: the hint shows.
	hs.keys("k")
	hs.typeText("orders.rate=1000/s")
	hs.keys("enter")
	if v := hs.view(); !strings.Contains(v, "hint: t picks the stream; type 8.") || !strings.Contains(v, "▶ 3/5") {
		t.Fatalf("a change that is not the step shows no hint:\n%s", v)
	}
	hs.keys("t")
	hs.typeText("8")
	hs.keys("enter")
	v = hs.view()
	if !strings.Contains(v, "✓ 3/5") || !strings.Contains(v, "▶ 4/5 Let the run go on") || hs.d.state != paused {
		t.Fatalf("after the reshard (state %v):\n%s", hs.d.state, v)
	}
	// A check on a metric needs the run: space lets it go on, and it is not
	// held again at that step.
	hs.keys(" ")
	if hs.d.state != running || !strings.HasSuffix(hs.calls(r), ",resume") {
		t.Fatalf("space at the check: state %v, calls %s", hs.d.state, hs.calls(r))
	}
	hs.feed(r, throttledAt(hs.sc, 10*time.Second, 5000))
	if hs.d.state != running {
		t.Fatal("the run was held again at a step the learner let go")
	}
	if v := hs.view(); !strings.Contains(v, "→ until stream.throttled_records == 0 over the last 1m") || !strings.Contains(v, "· lately 0") {
		t.Fatalf("the check does not say where it stands:\n%s", v)
	}
	for s := 20; s <= 70; s += 10 {
		hs.feed(r, throttledAt(hs.sc, time.Duration(s)*time.Second, 5000))
	}
	// Both checks hold: the last one on the setting the reshard made.
	if cur, held := hs.d.LessonStep(); cur != 5 || held || hs.d.state != running {
		t.Fatalf("after a minute without refusals: step %d, held %v, state %v\n%s", cur, held, hs.d.state, hs.view())
	}
	last := (*reports)[len(*reports)-1]
	if last.Step != 5 || last.Ended || last.BestErr != -1 || !allTrue(last.Done) {
		t.Fatalf("the last report %+v", last)
	}
	end := throttledAt(hs.sc, 2*time.Minute, 400000)
	end.Done = true
	hs.feed(r, end)
	last = (*reports)[len(*reports)-1]
	if !last.Ended || last.BestErr != 0.25 {
		t.Fatalf("the report at the end %+v (500k against 400k is 25%% off)", last)
	}
	if v := hs.view(); !strings.Contains(v, "your guess 500,000 · the run: 400,000 (25% off)") || !strings.Contains(v, "1,000 records/s and no more") {
		t.Fatalf("the answer does not stand beside the guess:\n%s", v)
	}
	// The recorded session keeps the guess, for run --lesson.
	hs.keys("R", "ctrl+u")
	hs.typeText("s.yaml")
	hs.keys("enter")
	data := string(hs.store.Files["s.yaml"])
	if !strings.Contains(data, "guess: 500000") || !strings.Contains(data, "stream.shards: 8") {
		t.Fatalf("the session:\n%s", data)
	}
	if (*reports)[0].Step != 0 || (*reports)[0].Steps != 5 || (*reports)[0].Ended {
		t.Fatalf("the first report %+v", (*reports)[0])
	}
}

func allTrue(b []bool) bool {
	for _, x := range b {
		if !x {
			return false
		}
	}
	return len(b) > 0
}

// Outside a workshop the run does not wait until the lesson is followed (l).
func TestLessonWaitsOnlyWhenFollowed(t *testing.T) {
	hs, r, _ := lessonHarness(t, false)
	hs.feed(r, throttledAt(hs.sc, 0, 0))
	if hs.d.state != running || strings.Contains(hs.calls(r), "pause") {
		t.Fatalf("the design tool's run waited for the lesson: %s", hs.calls(r))
	}
	hs.keys("l")
	if hs.d.state != paused || hs.d.prompt != askGuess {
		t.Fatalf("l at a prediction: state %v, prompt %v", hs.d.state, hs.d.prompt)
	}
	hs.keys("esc", "l") // no guess: the lesson closed, the run goes on
	if hs.d.state != running || !strings.HasSuffix(hs.calls(r), ",resume") {
		t.Fatalf("l off: state %v, calls %s", hs.d.state, hs.calls(r))
	}
	hs.keys("l") // followed again: it waits, and g brings the prompt back
	if hs.d.state != paused || !strings.Contains(hs.help(), "g guess") {
		t.Fatalf("l again: state %v, help %s", hs.d.state, hs.help())
	}
	hs.keys("g")
	if hs.d.prompt != askGuess {
		t.Fatal("g does not open the prompt")
	}
}

// h shows the hint at once; the timer shows it once due, a stale timer does not.
func TestLessonHint(t *testing.T) {
	hs, r, _ := lessonHarness(t, true)
	hs.feed(r, throttledAt(hs.sc, 0, 0))
	hs.typeText("5")
	hs.keys("enter")
	gen := hs.d.les.hintGen
	hs.do(hintDueMsg{gen: gen - 1})
	if strings.Contains(hs.view(), "hint:") {
		t.Fatal("a stale timer showed the hint")
	}
	hs.do(hintDueMsg{gen: gen})
	if !strings.Contains(hs.view(), "hint: t picks the stream") {
		t.Fatalf("the timer did not show the hint:\n%s", hs.view())
	}
	hs2, r2, _ := lessonHarness(t, true)
	hs2.feed(r2, throttledAt(hs2.sc, 0, 0))
	hs2.typeText("5")
	hs2.keys("enter")
	if !strings.Contains(hs2.help(), "h hint") {
		t.Fatalf("no h in the help: %s", hs2.help())
	}
	hs2.keys("h")
	if !strings.Contains(hs2.view(), "hint: t picks the stream") {
		t.Fatal("h did not show the hint")
	}
}

// A step not done by the end of the run is marked ✗ with why.
func TestLessonEndsWithStepsNotDone(t *testing.T) {
	hs, r, reports := lessonHarness(t, false)
	hs.feed(r, throttledAt(hs.sc, 0, 0))
	end := throttledAt(hs.sc, 2*time.Minute, 1000)
	end.Done = true
	hs.keys("l", "esc")
	hs.feed(r, end)
	v := hs.view()
	if !strings.Contains(v, "✗ 2/5") || !strings.Contains(v, "not done: no guess was given") {
		t.Fatalf("the end of a lesson not done:\n%s", v)
	}
	last := (*reports)[len(*reports)-1]
	if !last.Ended || last.Step != 1 {
		t.Fatalf("the last report %+v", last)
	}
}

// A followed lesson keeps the run on a leash of its last snapshot, stops it
// exactly at a step's time, and lets it go once every step is done.
func TestLessonHoldsTheRun(t *testing.T) {
	hs := newHarness(t, longLesson, 120, 34) // steps at 5s, 10s, 1m, 90s
	hs.d.c.Workshop = &common.Workshop{}
	r := hs.start()
	if got := hs.calls(r); got != "speed 2,limit 5s,resume" {
		t.Fatalf("at the start: %s (the first step is at 5s)", got)
	}
	hs.feed(r, snapshot(hs.sc, 5*time.Second, 0.5))
	if got := hs.calls(r); !strings.HasSuffix(got, ",limit 10s") {
		t.Fatalf("at 5s: %s", got)
	}
	hs.feed(r, snapshot(hs.sc, 70*time.Second, 0.5))
	if got := hs.calls(r); !strings.HasSuffix(got, ",limit 1m30s") {
		t.Fatalf("at 1m10s: %s", got)
	}
	hs.feed(r, snapshot(hs.sc, 90*time.Second, 0.5))
	if got := hs.calls(r); !strings.HasSuffix(got, ",limit none") {
		t.Fatalf("every step done: %s", got)
	}
	hs.keys("l") // the lesson no longer followed: no limit either way
	if got := hs.calls(r); strings.Count(got, "limit") != 4 {
		t.Fatalf("after l: %s", got)
	}
}

// A session recorded before a prediction's answer_at still loads: the answer
// comes at its end, where the run stood.
func TestRecordingBeforeAnAnswer(t *testing.T) {
	sc := uitest.Load(t, "test", strings.Replace(doingLesson, `explain: "The hot key's`, `answer_at: 90s
      explain: "The hot key's`, 1))
	rec := Recording(withGuesses(sc, []pipeline.StepResult{{}, {Guess: 7, Guessed: true}}), nil, 30*time.Second)
	data, err := pipeline.Encode(rec, false)
	if err != nil {
		t.Fatal(err)
	}
	back, err := pipeline.Load("s.yaml", data)
	if err != nil {
		t.Fatalf("the recording does not load: %v\n%s", err, data)
	}
	p := back.Lesson[1].Predict
	if p.AnswerAt != 0 || !p.Guessed || p.Guess != 7 || sc.Lesson[1].Predict.AnswerAt != 90*time.Second {
		t.Fatalf("the prediction %+v (the scenario's: %+v)", p, sc.Lesson[1].Predict)
	}
}
