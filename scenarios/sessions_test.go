package scenarios

import (
	"math"
	"strings"
	"testing"

	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/sim"
)

// A session is what a learner does in a lesson: each change a step asks for,
// made when the run waits there (act), and a guess for each prediction, by
// step. It is what the dashboard records (R) for `streamsim run SESSION.yaml
// --lesson`: the changes in the timeline, the guesses in the steps.
type session struct {
	acts    []act
	guesses map[int]float64
}

// act is a change the learner makes for step.
type act struct {
	step int
	ch   change
}

var sessions = map[string]session{
	"seed-pipeline": {
		acts: []act{
			{5, setAt("35m", "web.rate", "4000/s")},
			{6, setAt("35m", "clicks.shards", "8")},
			{9, setAt("45m", "analytics.kpus", "3")},
		},
		guesses: map[int]float64{1: 0.7, 8: 60},
	},
	"hot-partition-key": {
		acts:    []act{{4, setAt("15m", "events.shards", "8")}},
		guesses: map[int]float64{1: 800000, 5: 1000000},
	},
	"firehose-buffering": {
		acts:    []act{{3, setAt("16m", "delivery.buffer.interval", "60s")}},
		guesses: map[int]float64{1: 900},
	},
	"polling-vs-enhanced-fan-out": {
		acts:    []act{{3, setAt("30m", "rides.shards", "8")}},
		guesses: map[int]float64{2: 120},
	},
	"provisioned-vs-on-demand": {
		acts: []act{
			{3, setAt("25m", "fixed.shards", "6")},
			{4, setAt("28m", "fixed.shards", "12")},
		},
		guesses: map[int]float64{1: 3000000},
	},
	"lambda-poison-record": {
		guesses: map[int]float64{2: 200000},
	},
	"retention-consumer-outage": {
		acts:    []act{{2, setAt("2h", "changes.retention", "7d")}},
		guesses: map[int]float64{3: 40000000},
	},
	"retail-clickstream": {
		acts:    []act{{3, setAt("10m", "etl.window", "30s")}},
		guesses: map[int]float64{1: 120},
	},
	"iot-telemetry": {
		acts:    []act{{2, setAt("10m", "telemetry.shards", "6")}},
		guesses: map[int]float64{3: 200},
	},
	"security-log-analytics": {
		acts: []act{
			{2, failAt("20m", "search", "4m")},
			{6, failAt("35m", "search", "10m")},
		},
		guesses: map[int]float64{3: 0},
	},
	"fraud-detection-msk": {
		acts:    []act{{2, setAt("16m", "payments.replication", "1")}},
		guesses: map[int]float64{3: 100000},
	},
	"stock-market-emr": {
		acts:    []act{{2, setAt("5m", "spark.instances", "1")}},
		guesses: map[int]float64{3: 5000000},
	},
	"video-ingestion-kvs": {
		acts: []act{
			{2, setAt("5m", "vision.instances", "1")},
			{4, setAt("15m", "vision.instances", "3")},
		},
		guesses: map[int]float64{3: 3000},
	},
}

// recording is the built-in as a recorded session: the acts in its timeline
// (those from the first until skip, and after it), the guesses in its steps
// (but noGuess), written out and loaded again as `run --lesson` reads the file.
func recording(t *testing.T, name string, se session, skip, noGuess int) *pipeline.Scenario {
	t.Helper()
	s := mustLoad(t, name).Clone()
	for i, a := range se.acts {
		if i != skip && skip != allActs {
			a.ch(t, s)
		}
	}
	for i, g := range se.guesses {
		if i == noGuess {
			continue
		}
		p := *s.Lesson[i].Predict
		p.Guess, p.Guessed = g, true
		s.Lesson[i].Predict = &p
	}
	return reload(t, s)
}

// allActs, as recording's skip, leaves every act out.
const allActs = -2

// judge runs s with its lesson judged after every tick, as `run --lesson`
// does (cmd/run_lesson.go), and returns the tracker at the end.
func judge(t *testing.T, s *pipeline.Scenario) *pipeline.LessonTracker {
	t.Helper()
	e, err := sim.New(s)
	if err != nil {
		t.Fatal(err)
	}
	tr := pipeline.NewLessonTracker(s)
	next := 0
	view := func() pipeline.LessonView {
		now := e.Now()
		var changes []pipeline.Change
		for next < len(s.Timeline) && s.Timeline[next].At <= now {
			changes = append(changes, s.Timeline[next])
			next++
		}
		m := e.Result().Metrics
		return pipeline.LessonView{Now: now, Changes: changes,
			Metric: func(name string) (float64, bool) { v, ok := m[name]; return v, ok && !math.IsNaN(v) },
			Setting: func(id, key string) (float64, bool) {
				n := e.Scenario().Node(id)
				if n == nil {
					return 0, false
				}
				v, ok := n.Param(key)
				return v.Num, ok
			}}
	}
	tr.Observe(view())
	for !e.Done() {
		e.Step()
		tr.Observe(view())
	}
	tr.Finish(view())
	return tr
}

// Every built-in teaches by asking: at least one step the learner does (a
// check or an action) and one prediction.
func TestLessonsAsk(t *testing.T) {
	for _, name := range Names() {
		s := mustLoad(t, name)
		var does, predicts int
		for _, st := range s.Lesson {
			switch {
			case st.Check != nil || st.Did != nil:
				does++
			case st.Predict != nil:
				predicts++
				if strings.TrimSpace(st.Predict.Explain) == "" {
					t.Errorf("%s: the prediction %q explains nothing", name, st.Predict.Question)
				}
			}
			if st.Asks() && st.Hint == "" && st.Predict == nil {
				t.Errorf("%s: the step %q asks with no hint", name, firstWords(st.Say))
			}
		}
		if does == 0 || predicts == 0 {
			t.Errorf("%s: the lesson has %d steps to do and %d predictions; it needs one of each", name, does, predicts)
		}
		if _, ok := sessions[name]; !ok {
			t.Errorf("%s has no session: the changes and guesses of a learner who does its lesson", name)
		}
	}
}

func firstWords(s string) string {
	f := strings.Fields(s)
	return strings.Join(f[:min(len(f), 8)], " ")
}

// The session of each lesson does every step, judged as `run --lesson` judges
// a recorded one. Without its last change, or without a guess, it fails at the
// step that asked for it, and says why. No step that asks is done by the
// scenario's own timeline: the session without any change leaves the first
// step that asks for one undone.
func TestSessionsDoTheLessons(t *testing.T) {
	for name, se := range sessions {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tr := judge(t, recording(t, name, se, -1, -1))
			for i, r := range tr.Results() {
				if !r.Done {
					t.Fatalf("step %d not done: %s", i, tr.Why(i))
				}
			}
			if n := len(se.acts); n > 0 {
				last := se.acts[n-1]
				tr := judge(t, recording(t, name, se, n-1, -1))
				if tr.Current() != last.step || tr.Why(last.step) == "" {
					t.Errorf("without its last change the lesson stops at step %d (%s), not %d", tr.Current(), tr.Why(tr.Current()), last.step)
				}
				t.Logf("without its last change: step %d not done: %s", last.step, tr.Why(last.step))
				first := se.acts[0].step
				if tr := judge(t, recording(t, name, se, allActs, -1)); tr.Current() != first {
					t.Errorf("with the guesses and no change the lesson stops at step %d (%s), not at %d: does the scenario's own timeline do a step?",
						tr.Current(), tr.Why(tr.Current()), first)
				}
			}
			for step := range se.guesses {
				tr := judge(t, recording(t, name, se, -1, step))
				if tr.Current() != step || tr.Why(step) != "no guess was given" {
					t.Errorf("without the guess of step %d the lesson stops at step %d (%s)", step, tr.Current(), tr.Why(tr.Current()))
				}
			}
		})
	}
}
