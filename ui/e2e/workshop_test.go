package e2e_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest/v2"

	simbackend "github.com/streamsim/streamsim/backends/sim"
	"github.com/streamsim/streamsim/cmd"
	"github.com/streamsim/streamsim/scenarios"
	"github.com/streamsim/streamsim/ui"
	"github.com/streamsim/streamsim/ui/common"
	"github.com/streamsim/streamsim/ui/uitest"
)

// workshop is the program as `streamsim workshop` starts it, on one built-in
// lesson, with the progress it reports kept.
type workshop struct {
	*terminal
	store *uitest.MemStore

	mu       sync.Mutex
	progress []common.LessonProgress
}

func startWorkshop(t *testing.T, lesson string) *workshop {
	t.Helper()
	sc, err := scenarios.Load(lesson)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	w := &workshop{store: uitest.NewMemStore(nil)}
	m := ui.New(ui.Options{
		Ctx:      ctx,
		Backend:  simbackend.New(simbackend.Options{Paused: true}),
		Store:    w.store,
		Builtins: []common.Builtin{{Name: lesson, Scenario: sc}},
		Workshop: &common.Workshop{},
		Progress: func(p common.LessonProgress) {
			w.mu.Lock()
			w.progress = append(w.progress, p)
			w.mu.Unlock()
		},
	})
	w.terminal = start(t, m)
	w.waitFor(t, "streamsim workshop")
	w.waitFor(t, "· new")
	w.tm.Send(uitest.Key("enter"))
	return w
}

// waitForAll polls the screen until it shows every text at once.
func (term *terminal) waitForAll(t *testing.T, texts ...string) {
	t.Helper()
	deadline := time.Now().Add(patience)
	for {
		s := term.screen()
		all := true
		for _, x := range texts {
			all = all && strings.Contains(s, x)
		}
		if all {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("waited %s for %q; the screen:\n%s", patience, texts, s)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// yourTurn waits until the run waits for the learner at step n of of.
func (w *workshop) yourTurn(t *testing.T, n, of int) {
	t.Helper()
	w.waitForAll(t, "‖ your turn", "step "+itoa(n)+"/"+itoa(of))
}

func itoa(n int) string {
	var b []byte
	for {
		b = append([]byte{byte('0' + n%10)}, b...)
		if n /= 10; n == 0 {
			return string(b)
		}
	}
}

func (w *workshop) typeLine(text string) {
	for _, m := range uitest.Type(text) {
		w.tm.Send(m)
	}
	w.tm.Send(uitest.Key("enter"))
}

// fast sets the run to its top speed between the steps.
func (w *workshop) fast() {
	for range 12 {
		w.tm.Send(uitest.Key("+"))
	}
}

// finish records the session with R once the run has finished, quits, and
// returns the final model and the recorded session's path on disk.
func (w *workshop) finish(t *testing.T, name string) (ui.Model, string) {
	t.Helper()
	w.waitFor(t, "■ finished")
	w.tm.Send(uitest.Key("R"))
	w.waitFor(t, "save session as:")
	w.tm.Send(uitest.Key("ctrl+u"))
	w.typeLine(name)
	w.waitFor(t, "saved the session to "+name)
	w.tm.Send(uitest.Key("q"))
	final, ok := w.tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(ui.Model)
	if !ok {
		t.Fatal("the final model is not ui.Model")
	}
	data, ok := w.store.Files[name]
	if !ok {
		t.Fatalf("no session saved as %s", name)
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return final, path
}

// lastProgress is the last report, which must say the lesson ended with
// every step done.
func (w *workshop) lastProgress(t *testing.T) common.LessonProgress {
	t.Helper()
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.progress) == 0 {
		t.Fatal("no progress was reported")
	}
	return w.progress[len(w.progress)-1]
}

// replay runs `streamsim run PATH --lesson` in-process, as an instructor
// checks a learner's saved session.
func replay(t *testing.T, path string) (int, string) {
	t.Helper()
	t.Setenv("NO_COLOR", "1")
	var out, errb bytes.Buffer
	code := cmd.ExecuteArgs([]string{"run", path, "--lesson", "--quiet"}, &out, &errb)
	return code, out.String() + errb.String()
}

// hot-partition-key from the workshop's picker to its end: a guess, the
// reshard, a second guess, a check on the run that needs space, then the
// session saved and passed by run --lesson.
func TestWorkshopHotPartitionKey(t *testing.T) {
	w := startWorkshop(t, "hot-partition-key")
	w.yourTurn(t, 2, 8)
	w.waitFor(t, "your guess (a number such as 1500 or 10k):")
	w.typeLine("800k")
	w.fast()
	w.yourTurn(t, 5, 8)
	w.waitFor(t, "→ waits for you to reshard events")
	w.tm.Send(uitest.Key("t"))
	w.waitFor(t, "events: shards (now 4):")
	w.typeLine("8")
	w.yourTurn(t, 6, 8) // the second prediction
	w.waitFor(t, "your guess (")
	w.typeLine("4000000")
	w.yourTurn(t, 7, 8) // a check on the run: it needs the run to go on
	w.waitFor(t, "the run waits for you (space lets it go on)")
	w.tm.Send(uitest.Key(" "))
	w.waitForAll(t, "✓ 7/8")
	final, path := w.finish(t, "hot-session.yaml")
	if cur, held := final.Dashboard().LessonStep(); cur != 8 || held {
		t.Errorf("the lesson ended at step %d (held %v)", cur, held)
	}
	if p := w.lastProgress(t); !p.Ended || p.Step != 8 || p.BestErr < 0 || p.Scenario != "hot-partition-key" {
		t.Errorf("the last report %+v", p)
	}
	if code, out := replay(t, path); code != 0 || !strings.Contains(out, "lesson: all 8 steps done") {
		t.Errorf("run --lesson of the recorded session: exit %d\n%s", code, out)
	}
}

// video-ingestion-kvs end to end: two changes of a setting, each a check the
// change does while the run waits, a guess between them, and a check on the
// run's lag at the end.
func TestWorkshopVideoIngestion(t *testing.T) {
	w := startWorkshop(t, "video-ingestion-kvs")
	w.waitFor(t, "▶ running")
	w.fast()
	w.yourTurn(t, 3, 6)
	w.waitFor(t, "→ until vision.instances <= 1 · now 3")
	w.tm.Send(uitest.Key("k"))
	w.waitFor(t, "set node.key=value:")
	w.typeLine("vision.instances=1")
	w.yourTurn(t, 4, 6)
	w.waitFor(t, "your guess (")
	w.typeLine("5000")
	w.yourTurn(t, 5, 6)
	w.tm.Send(uitest.Key("k"))
	w.waitFor(t, "set node.key=value:")
	w.typeLine("vision.instances=3")
	w.yourTurn(t, 6, 6) // the lag must fall: the run goes on
	w.tm.Send(uitest.Key(" "))
	final, path := w.finish(t, "video-session.yaml")
	if cur, _ := final.Dashboard().LessonStep(); cur != 6 {
		t.Errorf("the lesson ended at step %d of 6", cur)
	}
	if p := w.lastProgress(t); !p.Ended || p.Step != 6 {
		t.Errorf("the last report %+v", p)
	}
	if code, out := replay(t, path); code != 0 || !strings.Contains(out, "lesson: all 6 steps done") {
		t.Errorf("run --lesson of the recorded session: exit %d\n%s", code, out)
	}
}

// The wrong thing first: more retries for the hot key brings the hint; the
// reshard then does the step. A session saved before the reshard fails
// run --lesson, naming the step.
func TestWorkshopWrongThingFirstGetsTheHint(t *testing.T) {
	w := startWorkshop(t, "hot-partition-key")
	w.yourTurn(t, 2, 8)
	w.typeLine("1000")
	w.fast()
	w.yourTurn(t, 5, 8)
	w.tm.Send(uitest.Key("k"))
	w.waitFor(t, "set node.key=value:")
	w.typeLine("orders.retries.max=10")
	w.waitForAll(t, "hint: More retries only add load", "‖ your turn")
	// Saved now, the session has the wrong change and not the reshard.
	w.tm.Send(uitest.Key("R"))
	w.waitFor(t, "save session as:")
	w.tm.Send(uitest.Key("ctrl+u"))
	w.typeLine("wrong.yaml")
	w.waitFor(t, "saved the session to wrong.yaml")
	w.tm.Send(uitest.Key("t"))
	w.waitFor(t, "events: shards (now 4):")
	w.typeLine("8")
	w.yourTurn(t, 6, 8)          // the reshard did step 5
	w.tm.Send(uitest.Key("esc")) // the prediction's prompt
	w.tm.Send(uitest.Key("q"))
	w.waitFor(t, "quit anyway?")
	w.tm.Send(uitest.Key("y"))
	w.tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
	path := filepath.Join(t.TempDir(), "wrong.yaml")
	if err := os.WriteFile(path, w.store.Files["wrong.yaml"], 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out := replay(t, path); code != 1 || !strings.Contains(out, "step 5 not done: no change did reshard events") {
		t.Errorf("run --lesson of the session saved before the reshard: exit %d\n%s", code, out)
	}
}
