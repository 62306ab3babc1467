package cmd

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	lessons "github.com/streamsim/streamsim/internal/progress"
	"github.com/streamsim/streamsim/ui/common"
)

// progressFile points the config folder at a temporary one and returns
// where the workshop keeps its progress there.
func progressFile(t *testing.T) string {
	t.Helper()
	plainRunEnv(t)
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", dir)
	t.Setenv("HOME", dir) // where os.UserConfigDir looks outside Linux
	p, err := lessons.DefaultPath()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// The progress a workshop hears is on disk when it ends, and the next
// workshop (here, without a terminal: the list) starts from it.
func TestWorkshopProgressSurvivesARestart(t *testing.T) {
	path := progressFile(t)
	builtins, err := loadBuiltins()
	if err != nil {
		t.Fatal(err)
	}
	store, err := lessons.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	k := newProgressKeeper(store, true, builtins)
	k.hear(common.LessonProgress{Scenario: "seed-pipeline", Step: 0, Steps: 3, Done: []bool{false, false, false}, BestErr: -1})
	k.hear(common.LessonProgress{Scenario: "hot-partition-key", Step: 2, Steps: 4, Done: []bool{true, true, false, false}, BestErr: 0.2})
	k.hear(common.LessonProgress{Scenario: "seed-pipeline", Step: 3, Steps: 3, Done: []bool{true, true, true}, BestErr: 0.05, Ended: true})
	k.hear(common.LessonProgress{Scenario: "my-own-file", Steps: 1, Done: []bool{true}, BestErr: -1})
	if err := k.close(); err != nil {
		t.Fatal(err)
	}
	stdout, stderr := wantCode(t, []string{"workshop"}, 0)
	for _, want := range []string{
		"13 lessons, 1 done",
		"1  seed-pipeline                done · best prediction 5.0% off",
		"2  hot-partition-key            2/4 steps · best prediction 20% off",
		"3  firehose-buffering           not started",
		"progress: " + path,
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("no %q:\n%s%s", want, stdout, stderr)
		}
	}
	if strings.Contains(stdout, "my-own-file") {
		t.Error("a file that is no built-in was kept as a lesson")
	}
	// --reset forgets it.
	_, stderr = wantCode(t, []string{"workshop", "--reset"}, 0)
	if !strings.Contains(stderr, "workshop progress reset") {
		t.Errorf("--reset says: %s", stderr)
	}
	if stdout, _ := wantCode(t, []string{"workshop"}, 0); !strings.Contains(stdout, "0 done") || strings.Contains(stdout, "best prediction") {
		t.Errorf("after --reset:\n%s", stdout)
	}
}

// A progress file that is not one is reported and replaced, never a crash.
func TestWorkshopReplacesACorruptProgressFile(t *testing.T) {
	path := progressFile(t)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"{garbage", `{"lessons": null}`, "\x00\x01\x02", `{"lessons": {"seed-pipeline": {"steps": "many"}}}`} {
		if err := os.WriteFile(path, []byte(bad), 0o644); err != nil {
			t.Fatal(err)
		}
		stdout, stderr := wantCode(t, []string{"workshop"}, 0)
		if !strings.Contains(stderr, "could not be read") || !strings.Contains(stderr, "starting afresh") {
			t.Errorf("%q: stderr %q", bad, stderr)
		}
		if !strings.Contains(stdout, "13 lessons, 0 done") {
			t.Errorf("%q: stdout\n%s", bad, stdout)
		}
		if _, err := lessons.Load(path); err != nil {
			t.Errorf("%q was not replaced: %v", bad, err)
		}
	}
}
