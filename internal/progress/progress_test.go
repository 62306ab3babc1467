package progress

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestProgressSurvivesARestart(t *testing.T) {
	p := filepath.Join(t.TempDir(), "streamsim", "progress.json")
	s, err := Load(p)
	if err != nil || len(s.Lessons) != 0 {
		t.Fatalf("a missing file: %v %v", s.Lessons, err)
	}
	s.Record("hot-partition-key", 3, 7, 0.5)
	s.Record("hot-partition-key", 2, 7, 0.2, -1)
	s.Record("seed-pipeline", 5, 5)
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	again, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if got := again.Lessons["hot-partition-key"].Status(); got != "3/7 steps · best prediction 20% off" {
		t.Errorf("status %q", got)
	}
	if got := again.Lessons["seed-pipeline"].Status(); got != "done" {
		t.Errorf("status %q", got)
	}
	if got := again.Lessons["nothing"].Status(); got != "not started" {
		t.Errorf("status %q", got)
	}
}

// A corrupt file is reported and replaced, never a crash.
func TestCorruptProgressIsReplaced(t *testing.T) {
	dir := t.TempDir()
	for i, data := range []string{"not json", `{"lessons": null}`, `{"lessons": {"x": {"steps": -4, "of": 2, "best_error": -7}}}`, "\x00\xff"} {
		p := filepath.Join(dir, strings.Repeat("p", i+1)+".json")
		os.WriteFile(p, []byte(data), 0o644)
		s, err := Load(p)
		if s == nil {
			t.Fatal("no store")
		}
		if i == 2 {
			if err != nil || s.Lessons["x"].Steps != 0 || s.Lessons["x"].BestError != -1 {
				t.Errorf("out of range values: %+v %v", s.Lessons["x"], err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), "starting afresh") {
			t.Errorf("%q: %v", data, err)
		}
		s.Record("a", 1, 2)
		if err := s.Save(); err != nil {
			t.Fatal(err)
		}
		if again, err := Load(p); err != nil || again.Lessons["a"].Steps != 1 {
			t.Errorf("not replaced: %v", err)
		}
	}
}

func TestStatusSaysHowFarOff(t *testing.T) {
	for _, c := range []struct {
		l    Lesson
		want string
	}{
		{Lesson{BestError: -1}, "not started"},
		{Lesson{Started: true, Steps: 2, Of: 5, BestError: -1}, "2/5 steps"},
		{Lesson{Started: true, Done: true, Steps: 5, Of: 5, BestError: 0.0033}, "done · best prediction 0.3% off"},
		{Lesson{Started: true, Done: true, Steps: 5, Of: 5, BestError: 0}, "done · best prediction 0.0% off"},
		{Lesson{Started: true, Steps: 1, Of: 5, BestError: 0.25}, "1/5 steps · best prediction 25% off"},
	} {
		if got := c.l.Status(); got != c.want {
			t.Errorf("%+v: %q, want %q", c.l, got, c.want)
		}
	}
}
