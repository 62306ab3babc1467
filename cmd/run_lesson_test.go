package cmd

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
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
