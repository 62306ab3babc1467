package room

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/streamsim/streamsim/ui"
)

// TestHostileLearner: one learner floods keys and escape sequences, pastes
// megabytes and resizes in a loop; two others meanwhile open, run, pause
// and save as usual, in about the time they take alone.
func TestHostileLearner(t *testing.T) {
	if testing.Short() {
		t.Skip("seconds of flooding: not with -short")
	}
	tr := startRoom(t, nil)
	flow := func(tm *term, name string) time.Duration {
		start := time.Now()
		tm.send("/")
		tm.typeText("seed-pipeline")
		tm.send("\r")
		tm.waitFor("1 of ")
		tm.send("r")
		answerFirst(tm)
		tm.waitFor("▶ running")
		tm.send(" ")
		tm.waitFor("‖ paused")
		tm.send("R")
		tm.waitFor("save session as:")
		tm.send("\r")
		tm.waitFor("saved the session to")
		return time.Since(start)
	}
	calm := flow(tr.join(t, "calm"), "calm")

	mallory := tr.join(t, "mallory")
	const floodFor = 5 * time.Second
	floodStart := time.Now()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { // keys, escape sequences, and a bracketed paste of 4 MiB
		defer wg.Done()
		rng := rand.New(rand.NewPCG(1, 2))
		// Any byte but those that quit (q, ctrl+c, ctrl+d) or answer a
		// question yes: the flood must go on, not end the session.
		junk := make([]byte, 64<<10)
		for i := range junk {
			for {
				b := byte(rng.IntN(256))
				if !strings.ContainsRune("qQyY\x03\x04", rune(b)) {
					junk[i] = b
					break
				}
			}
		}
		chunks := [][]byte{junk, []byte(strings.Repeat("jjjjkkkk\x1b[A\x1b[B\x1b[200~", 2000)),
			append(append([]byte("\x1b[200~"), []byte(strings.Repeat("x", 4<<20))...), "\x1b[201~"...)}
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := mallory.stdin.Write(chunks[i%len(chunks)]); err != nil {
				t.Logf("flood ends after %d writes: %v", i, err)
				return
			}
		}
	}()
	go func() { // a resize storm, with sizes no terminal has
		defer wg.Done()
		rng := rand.New(rand.NewPCG(3, 4))
		sizes := [][2]int{{0, 0}, {65535, 65535}, {1, 1}, {80, 24}}
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			sz := sizes[i%len(sizes)]
			if i%5 == 4 {
				sz = [2]int{rng.IntN(300), rng.IntN(100)}
			}
			if err := mallory.sess.WindowChange(sz[1], sz[0]); err != nil {
				t.Logf("storm ends after %d resizes: %v", i, err)
				return
			}
		}
	}()

	var mu sync.Mutex
	took := map[string]time.Duration{}
	var others sync.WaitGroup
	for _, name := range []string{"alice", "bob"} {
		others.Add(1)
		go func() {
			defer others.Done()
			d := flow(tr.join(inGoroutine{t}, name), name)
			mu.Lock()
			took[name] = d
			mu.Unlock()
		}()
	}
	others.Wait()
	time.Sleep(time.Until(floodStart.Add(floodFor)))
	flooded := time.Since(floodStart)
	close(stop)
	mallory.close()
	wg.Wait()
	t.Logf("the flow took %s alone; during the flood alice took %s, bob %s",
		calm.Round(time.Millisecond), took["alice"].Round(time.Millisecond), took["bob"].Round(time.Millisecond))
	for name, d := range took {
		if d > 10*calm+5*time.Second {
			t.Errorf("%s took %s during the flood, %s alone", name, d, calm)
		}
	}
	tr.log.waitLog(t, "learner=mallory folder=mallory reason=")
	// The flood went through the rate limit: at most the burst and the
	// rate over the time mallory was in.
	var read int64
	line := tr.log.String()[strings.Index(tr.log.String(), "learner=mallory folder=mallory reason="):]
	if _, err := fmt.Sscanf(line[strings.Index(line, "input_bytes=")+len("input_bytes="):], "%d", &read); err != nil {
		t.Fatal(err)
	}
	// The session began before the flood and ended after it: give it 3 s
	// more at the rate, and the burst.
	limit := int64(tr.lim.InputRate) * int64(1+3+flooded.Seconds())
	if read == 0 || read > limit {
		t.Errorf("mallory's session read %d bytes in %s: want some, and at most %d (the rate limit)", read, flooded, limit)
	}
	t.Logf("mallory's session read %d bytes of input in %s", read, flooded.Round(time.Millisecond))
}

// TestTooMuchInput: a session that sends more than the room takes from one
// is ended with a message.
func TestTooMuchInput(t *testing.T) {
	tr := startRoom(t, func(c *Config) { c.Limits.MaxInput = 256 << 10; c.Limits.InputRate = 1 << 20 })
	tm := tr.join(t, "paster")
	go func() { _, _ = tm.stdin.Write([]byte("\x1b[200~" + strings.Repeat("y", 1<<20) + "\x1b[201~")) }()
	if out := tm.waitEnd(); !strings.Contains(out, "more than the room takes from one") {
		t.Errorf("the session ended with %q", out)
	}
	tr.log.waitLog(t, "reason=input")
}

// crashModel panics where the test asks: in Update (ctrl+p), in a command
// of a batch (ctrl+b), in View (ctrl+o).
type crashModel struct {
	inner    tea.Model
	viewBomb bool
}

func (m crashModel) Init() tea.Cmd { return m.inner.Init() }

func (m crashModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch k.String() {
		case "ctrl+p":
			panic("a bug in Update")
		case "ctrl+b":
			return m, tea.Batch(func() tea.Msg { return nil }, tea.Sequence(func() tea.Msg { panic("a bug in a command") }))
		case "ctrl+o":
			m.viewBomb = true
			return m, nil
		}
	}
	var cmd tea.Cmd
	m.inner, cmd = m.inner.Update(msg)
	return m, cmd
}

func (m crashModel) View() tea.View {
	if m.viewBomb {
		panic("a bug in View")
	}
	return m.inner.View()
}

// TestCrashEndsOneSession: a panic in a learner's TUI (in Update, in a
// command, in View) ends that learner's session with a message and a log
// entry with the stack; the others and the server go on.
func TestCrashEndsOneSession(t *testing.T) {
	tr := startRoom(t, func(c *Config) {
		c.NewModel = func(o ui.Options) tea.Model { return crashModel{inner: ui.New(o)} }
	})
	steady := tr.join(t, "steady")
	for _, c := range []struct{ name, key, where string }{
		{"upd", "\x10", "a bug in Update"},
		{"cmd", "\x02", "a bug in a command"},
		{"view", "\x0f", "a bug in View"},
	} {
		tm := tr.join(t, c.name)
		tm.send(c.key)
		if out := tm.waitEnd(); !strings.Contains(out, "the TUI hit a bug in your session") {
			t.Errorf("%s: the learner read %q", c.name, out)
		}
		tr.log.waitLog(t, `panic="`+c.where+`"`)
		tr.log.waitLog(t, "learner="+c.name+" folder="+c.name+" reason=crash")
	}
	if !strings.Contains(tr.log.String(), "goroutine ") {
		t.Error("the log has no stack")
	}
	steady.send("/")
	steady.typeText("seed-pipeline")
	steady.send("\r", "r")
	answerFirst(steady)
	steady.waitFor("▶ running")
}

// TestIdle: a learner who types nothing for the idle limit is let go, with
// a message; their row stays on the board, marked as left.
func TestIdle(t *testing.T) {
	tr := startRoom(t, func(c *Config) { c.Limits.Idle = time.Second })
	tm := tr.join(t, "sleepy")
	if out := tm.waitEnd(); !strings.Contains(out, "You typed nothing for 1s, so the room let you go") {
		t.Errorf("the learner read %q", out)
	}
	tr.log.waitLog(t, "reason=idle")
	if rows := tr.Rows(); len(rows) != 1 || rows[0].Here {
		t.Errorf("rows %+v: want sleepy, gone", rows)
	}
}

// TestCloseKeepsWork: closing the room ends every session with the note,
// and what the learners saved stays.
func TestCloseKeepsWork(t *testing.T) {
	tr := startRoom(t, nil)
	a := tr.join(t, "ann")
	b := tr.join(t, "ben")
	a.send("/")
	a.typeText("seed-pipeline")
	a.send("\r", "r")
	answerFirst(a)
	a.waitFor("▶ running")
	a.send("R")
	a.waitFor("save session as:")
	a.send("\r")
	a.waitFor("saved the session to")
	if err := tr.Close(t.Context(), "The instructor closed the room."); err != nil {
		t.Fatal(err)
	}
	for _, tm := range []*term{a, b} {
		if out := tm.waitEnd(); !strings.Contains(out, "The instructor closed the room. What you saved stays") {
			t.Errorf("a learner read %q", out)
		}
	}
	if _, err := tr.dial("late", codeAuth(testCode, "late")); err == nil {
		t.Error("the closed room let someone in")
	}
	got, err := Collect(tr.dir, t.TempDir())
	if err != nil || len(got.Files) != 1 || !strings.HasSuffix(got.Files[0], "seed-pipeline-session.yaml") {
		t.Errorf("after the close: %+v, %v", got, err)
	}
}

// answerFirst answers seed-pipeline's first step, a prediction: in a room
// (a workshop) the run waits for the guess before it goes on.
func answerFirst(tm *term) {
	tm.waitFor("your guess")
	tm.typeText("50%")
	tm.send("\r")
}
