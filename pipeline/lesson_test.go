package pipeline

import (
	"strings"
	"testing"
	"time"
)

const lessonBase = `version: 1
name: l
duration: 30m
producers:
  - {id: shop, rate: 100/s, to: [orders]}
storage:
  - {id: orders, service: kinesis-data-streams, shards: 2}
consumers:
  - {id: reader, service: app, from: orders, to: [lake]}
destinations:
  - {id: lake, service: s3}
`

func loadLesson(t *testing.T, steps string) *Scenario {
	t.Helper()
	s, err := Load("l.yaml", []byte(lessonBase+"lesson:\n  steps:\n"+steps))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// view is a run at now with these metric values and orders.shards.
func view(now time.Duration, shards float64, metrics map[string]float64, changes ...Change) LessonView {
	return LessonView{Now: now, Changes: changes,
		Metric: func(n string) (float64, bool) { v, ok := metrics[n]; return v, ok },
		Setting: func(node, key string) (float64, bool) {
			if node == "orders" && key == "shards" {
				return shards, true
			}
			return 0, false
		}}
}

func TestLessonTrackerSteps(t *testing.T) {
	s := loadLesson(t, `    - say: "Look."
    - say: "Reshard."
      did: reshard orders
    - say: "Four shards."
      check: orders.shards >= 4
    - say: "No losses for 2 minutes."
      check: pipeline.lost_records == 0 over the last 2m
    - predict: "How many records out?"
      answer: orders.records_out
      explain: "All of them."
    - say: "Later."
      at: 20m
`)
	tr := NewLessonTracker(s)
	m := map[string]float64{"pipeline.lost_records": 50, "orders.records_out": 10}
	tr.Observe(view(0, 2, m))
	if tr.Current() != 1 || !tr.Waiting(0) {
		t.Fatalf("at the reshard step: current %d waiting %v", tr.Current(), tr.Waiting(0))
	}
	reshard := Change{At: time.Minute, Set: []Assignment{{Node: "orders", Key: "shards", Value: Value{Num: 4}}}}
	tr.Observe(view(time.Minute, 2, m, Change{At: time.Minute, Set: []Assignment{{Node: "shop", Key: "rate"}}}))
	if tr.Current() != 1 {
		t.Fatal("another change did the reshard step")
	}
	tr.Observe(view(2*time.Minute, 4, m, reshard))
	// The reshard and the setting check are done; losses still grow.
	if tr.Current() != 3 {
		t.Fatalf("current %d after the reshard, want 3 (the losses check)", tr.Current())
	}
	m["pipeline.lost_records"] = 80
	tr.Observe(view(3*time.Minute, 4, m))
	tr.Observe(view(4*time.Minute, 4, m)) // added 0 since 3m, but not yet 2 minutes of it
	if tr.Current() != 3 {
		t.Fatal("the window was not waited out")
	}
	tr.Observe(view(5*time.Minute, 4, m))
	if tr.Current() != 4 {
		t.Fatalf("current %d after 2 minutes without losses; why: %s", tr.Current(), tr.Why(3))
	}
	if !tr.Waiting(5*time.Minute) || tr.Why(4) != "no guess was given" {
		t.Fatalf("the prediction does not wait: %q", tr.Why(4))
	}
	tr.Guess(7)
	tr.Observe(view(6*time.Minute, 4, m))
	if tr.Current() != 5 || tr.Waiting(6*time.Minute) {
		t.Fatalf("after the guess: current %d", tr.Current())
	}
	m["orders.records_out"] = 99
	tr.Finish(view(30*time.Minute, 4, m))
	res := tr.Results()
	if !res[4].Answered || res[4].Answer != 99 || res[4].Guess != 7 {
		t.Errorf("prediction %+v", res[4])
	}
	if !res[5].Done || res[5].At != 30*time.Minute {
		t.Errorf("the step at 20m: %+v", res[5])
	}
}

func TestLessonTrackerWhy(t *testing.T) {
	s := loadLesson(t, `    - say: "Four shards."
      check: orders.shards >= 4
    - say: "Never."
`)
	tr := NewLessonTracker(s)
	tr.Finish(view(30*time.Minute, 2, map[string]float64{}))
	if got := tr.Why(0); got != "orders.shards is 2, wanted >= 4" {
		t.Errorf("why 0: %q", got)
	}
	if got := tr.Why(1); got != "not reached" {
		t.Errorf("why 1: %q", got)
	}
}

func TestLessonStepsRefused(t *testing.T) {
	for steps, want := range map[string]string{
		"    - {say: x, check: orders.nothing >= 4}\n":                           "has no numeric key \"nothing\"",
		"    - {say: x, check: orders.shards >> 4}\n":                            `operator ">>"`,
		"    - {say: x, check: pipeline.lost_records == 0 over the last soon}\n": "expected a duration",
		"    - {say: x, did: reshard lake}\n":                                    "lake is not a stream",
		"    - {say: x, did: dance}\n":                                           "expected reshard, set or fail",
		"    - {say: x, did: set orders.nothing}\n":                              `has no key "nothing"`,
		"    - {predict: \"how many\"}\n":                                        "missing answer",
		"    - {predict: \"how many\", answer: orders.records_ot}\n":             `did you mean "orders.records_out"`,
		"    - {say: x, explain: y}\n":                                           "explain goes with predict",
		"    - {say: x, hint: y}\n":                                              "a hint helps with a step that asks something",
		"    - {say: x, check: orders.shards >= 4, did: reshard}\n":              "a step asks for one thing",
		"    - {say: x, predict: y, answer: orders.records_out, guess: lots}\n":  "expected a number",
	} {
		_, err := Load("l.yaml", []byte(lessonBase+"lesson:\n  steps:\n"+steps))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", steps, err, want)
		}
	}
}
