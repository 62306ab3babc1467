package room

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/streamsim/streamsim/room/board"
	"github.com/streamsim/streamsim/ui/common"
)

func sizeMsg(w, h int) tea.WindowSizeMsg { return tea.WindowSizeMsg{Width: w, Height: h} }

// TestThirtyLearners: thirty learners at once each open a lesson, do a step
// and save a session with a change of their own. Their files are separate,
// and the board shows thirty rows with the right step counts.
func TestThirtyLearners(t *testing.T) {
	if testing.Short() {
		t.Skip("thirty SSH sessions: not with -short")
	}
	const n = 30
	const lesson = "hot-partition-key"
	tr := startRoom(t, func(c *Config) { c.NewModel = withStepKey(lesson) })
	start := time.Now()
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			name := fmt.Sprintf("learner-%02d", i)
			tm := tr.join(inGoroutine{t}, name)
			tm.send("/")
			tm.typeText(lesson)
			tm.send("\r")
			tm.waitFor("1 of ")
			tm.send("r")
			tm.waitFor("▶ running")
			tm.send(stepKey)
			tm.send(" ") // pause, so the change lands where the test can read it
			tm.waitFor("‖ paused")
			tm.send("k")
			tm.typeText(fmt.Sprintf("orders.rate=%d/s", 1000+i))
			tm.send("\r")
			tm.waitFor("1 change(s) recorded")
			tm.send("R")
			tm.waitFor("save session as:")
			tm.send("\r")
			tm.waitFor("saved the session to")
		}()
	}
	wg.Wait()
	t.Logf("thirty learners joined, ran, stepped and saved in %s", time.Since(start).Round(time.Millisecond))

	rows := tr.Rows()
	if len(rows) != n {
		t.Fatalf("the board has %d rows, want %d", len(rows), n)
	}
	steps := len(tr.cfg.Builtins[indexOf(tr.cfg.Builtins, lesson)].Scenario.Lesson)
	for _, r := range rows {
		if !r.Here || r.Lesson != lesson || r.Steps != steps || r.DoneCount() != 1 || r.Step != 1 || r.BestErr != 0.25 {
			t.Errorf("row %+v: want %s here, step 1 of %d with one done, best 25%%", r, lesson, steps)
		}
	}
	for i := range n {
		folder := fmt.Sprintf("learner-%02d", i)
		ents, err := os.ReadDir(filepath.Join(tr.dir, learnersDir, folder))
		if err != nil {
			t.Fatal(err)
		}
		if len(ents) != 1 || ents[0].Name() != lesson+"-session.yaml" {
			t.Errorf("%s's folder holds %v, want only the session", folder, names(ents))
			continue
		}
		data, err := os.ReadFile(filepath.Join(tr.dir, learnersDir, folder, ents[0].Name()))
		if err != nil {
			t.Fatal(err)
		}
		want := fmt.Sprintf("orders.rate: %d/s", 1000+i)
		if !strings.Contains(string(data), want) {
			t.Errorf("%s's session lacks its own change %q", folder, want)
		}
		for j := range n {
			if other := fmt.Sprintf("orders.rate: %d/s", 1000+j); j != i && strings.Contains(string(data), other) {
				t.Errorf("%s's session holds another learner's change %q", folder, other)
			}
		}
	}
	// The board, as drawn: thirty rows, each at step 1/N with one ✓.
	b := board.New(board.Options{Source: tr.Room})
	defer b.Close()
	b.Update(sizeMsg(140, 60))
	view := ansi.Strip(b.Render())
	drawn := 0
	for _, line := range strings.Split(view, "\n") {
		if strings.Contains(line, "learner-") && strings.Contains(line, lesson) {
			drawn++
			if !strings.Contains(line, fmt.Sprintf(" 2/%d ", steps)) || !strings.Contains(line, "25%") {
				t.Errorf("a row is not at step 2 of %d with a 25%% guess: %q", steps, line)
			}
		}
	}
	if drawn != n {
		t.Errorf("the board draws %d learners' rows, want %d:\n%s", drawn, n, view)
	}
	if got := strings.Count(view, "✓▸"); got != n {
		t.Errorf("the board shows ✓▸ on %d rows, want %d:\n%s", got, n, view)
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	t.Logf("heap in use with %d learners (and their test terminals): %.1f MiB, goroutines %d",
		n, float64(ms.HeapInuse)/(1<<20), runtime.NumGoroutine())
}

func indexOf(bs []common.Builtin, name string) int {
	for i, b := range bs {
		if b.Name == name {
			return i
		}
	}
	return -1
}

func names(ents []os.DirEntry) []string {
	var out []string
	for _, e := range ents {
		out = append(out, e.Name())
	}
	return out
}
