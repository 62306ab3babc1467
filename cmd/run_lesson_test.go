package cmd

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/scenarios"
)

// recorded is the lesson file as a recorded session: the learner's changes
// in its timeline and their guess in the predict step.
func recorded(t *testing.T, timeline, guess string) string {
	t.Helper()
	data, err := os.ReadFile("testdata/lesson/throttle.yaml")
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	if guess != "" {
		text = strings.Replace(text, "      answer_at: 5m\n", "      answer_at: 5m\n      guess: "+guess+"\n", 1)
	}
	text = strings.Replace(text, "lesson:\n", timeline+"lesson:\n", 1)
	p := filepath.Join(t.TempDir(), "session.yaml")
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// A recorded session that did the steps passes run --lesson; one that
// skipped a step fails and names it.
func TestRunLessonReplaysSessions(t *testing.T) {
	plainRunEnv(t)
	reshard := "timeline:\n  - at: 3m\n    set: {orders.shards: 4}\n"
	for _, tc := range []struct {
		name, timeline, guess string
		code                  int
		want                  []string
	}{
		{"did every step", reshard, "300000", 0, []string{"PASS 3/5  0:03:00", "guess 300,000, answer ", "lesson: all 5 steps done"}},
		{"no guess", reshard, "", 1, []string{"FAIL 2/5", "(no guess was given)", "step 2 not done: no guess was given"}},
		{"no reshard", "", "5", 1, []string{"FAIL 3/5", "(no change did reshard orders)", "step 3 not done"}},
		{"resharded too little", "timeline:\n  - at: 3m\n    set: {orders.shards: 3}\n", "5", 1,
			[]string{"PASS 3/5", "FAIL 4/5", "step 4 not done: orders.throttled_records is"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := run(t, "run", recorded(t, tc.timeline, tc.guess), "--lesson")
			out := stdout + stderr
			if code != tc.code {
				t.Errorf("exit %d, want %d\n%s", code, tc.code, out)
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
		})
	}
	// Without --lesson the steps are not judged.
	if code, _, _ := run(t, "run", recorded(t, "", ""), "--quiet"); code != 0 {
		t.Errorf("without --lesson: exit %d", code)
	}
}

// builtinSession is a built-in as a learner's recorded session: its YAML with
// a timeline of their changes and their guesses in the predict steps.
func builtinSession(t *testing.T, name, timeline string, guesses map[int]string) string {
	t.Helper()
	s, err := scenarios.Load(name)
	if err != nil {
		t.Fatal(err)
	}
	for i, g := range guesses {
		p := *s.Lesson[i].Predict
		v, err := strconv.ParseFloat(g, 64)
		if err != nil {
			t.Fatal(err)
		}
		p.Guess, p.Guessed = v, true
		s.Lesson[i].Predict = &p
	}
	data, err := pipeline.Encode(s, false)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Replace(string(data), "\nlesson:\n", "\n"+timeline+"lesson:\n", 1)
	p := filepath.Join(t.TempDir(), name+"-session.yaml")
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// An instructor checks a class's sessions of a built-in lesson: the one that
// resharded passes, the one that did not fails and names the step.
func TestRunLessonJudgesBuiltinSessions(t *testing.T) {
	plainRunEnv(t)
	guesses := map[int]string{1: "800000", 5: "4000000"}
	did := builtinSession(t, "hot-partition-key", "timeline:\n  - at: 15m\n    set: {events.shards: 8}\n", guesses)
	code, stdout, stderr := run(t, "run", did, "--lesson")
	if out := stdout + stderr; code != 0 || !strings.Contains(out, "PASS hot-partition-key: lesson: all 8 steps done; expectations 4/4 hold") ||
		!strings.Contains(out, "guess 800,000, answer 802,624") {
		t.Errorf("the session that did the steps: exit %d\n%s", code, out)
	}
	skipped := builtinSession(t, "hot-partition-key", "timeline:\n  - at: 15m\n    set: {orders.retries.max: 10}\n", guesses)
	code, stdout, stderr = run(t, "run", skipped, "--lesson", "--quiet")
	if out := stdout + stderr; code != 1 || !strings.Contains(out, "FAIL 5/8") ||
		!strings.Contains(out, "lesson: 4 of 8 steps done, step 5 not done: no change did reshard events") {
		t.Errorf("the session that skipped the reshard: exit %d\n%s", code, out)
	}
}
