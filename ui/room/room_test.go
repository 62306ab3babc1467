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

	"github.com/streamsim/streamsim/ui/common"
	"github.com/streamsim/streamsim/ui/room/board"
)

func sizeMsg(w, h int) tea.WindowSizeMsg { return tea.WindowSizeMsg{Width: w, Height: h} }

// TestThirtyLearners: thirty learners at once each open a lesson in
// workshop mode, answer its prediction (a real step, checked by the lesson
// when its answer is read at 5m), make a change of their own and save. Their
// files are separate, and the board shows thirty rows with the right steps.
func TestThirtyLearners(t *testing.T) {
	if testing.Short() {
		t.Skip("thirty SSH sessions: not with -short")
	}
	const n = 30
	const lesson = "hot-partition-key"
	tr := startRoom(t, nil)
	start := time.Now()
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			g := inGoroutine{t}
			name := fmt.Sprintf("learner-%02d", i)
			tm := tr.join(g, name)
			tm.send("/")
			tm.typeText(lesson)
			tm.send("\r") // ends the filter
			tm.waitFor("enter start lesson")
			tm.send("\r")
			tm.waitFor("your guess")
			tm.typeText("1500")
			tm.send("\r")
			waitRow(g, tr, name, func(r board.Row) bool { return r.BestErr >= 0 })
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
	t.Logf("thirty learners joined, answered, changed and saved in %s", time.Since(start).Round(time.Millisecond))

	rows := tr.Rows()
	if len(rows) != n {
		t.Fatalf("the board has %d rows, want %d", len(rows), n)
	}
	steps := len(tr.cfg.Builtins[indexOf(tr.cfg.Builtins, lesson)].Scenario.Lesson)
	best := rows[0].BestErr
	for _, r := range rows {
		if !r.Here || r.Lesson != lesson || r.Steps != steps || r.Step < 2 || !r.Done[0] || !r.Done[1] {
			t.Errorf("row %+v: want %s here, past the prediction (step 2) of %d", r, lesson, steps)
		}
		// Every learner guessed the same of a deterministic run.
		if r.BestErr != best || best <= 0 {
			t.Errorf("row %s: prediction error %v, want %v (as every learner's) above 0", r.Name, r.BestErr, best)
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
	// The board, as drawn: thirty rows, each past the prediction with its error.
	b := board.New(board.Options{Source: tr.Room})
	defer b.Close()
	b.Update(sizeMsg(140, 60))
	view := ansi.Strip(b.Render())
	drawn := 0
	for _, line := range strings.Split(view, "\n") {
		if strings.Contains(line, "learner-") && strings.Contains(line, lesson) {
			drawn++
			if !strings.Contains(line, fmt.Sprintf("/%d ✓✓", steps)) || !strings.Contains(line, fmt.Sprintf("%.0f%%", 100*best)) {
				t.Errorf("a row is not past step 2 of %d with a %.0f%% guess: %q", steps, 100*best, line)
			}
		}
	}
	if drawn != n {
		t.Errorf("the board draws %d learners' rows, want %d:\n%s", drawn, n, view)
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

// waitRow waits until the board's row of name satisfies ok.
func waitRow(t tb, tr *testRoom, name string, ok func(board.Row) bool) {
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		for _, r := range tr.Rows() {
			if r.Name == name && ok(r) {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s's row never got there: %+v", name, tr.Rows())
}
