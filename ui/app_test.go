package ui

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/streamsim/streamsim/backends"
	"github.com/streamsim/streamsim/backends/fake"
	"github.com/streamsim/streamsim/internal/golden"
	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/ui/common"
	"github.com/streamsim/streamsim/ui/screens/dashboard"
	"github.com/streamsim/streamsim/ui/uitest"
)

func TestMain(m *testing.M) { uitest.Main(m) }

type harness struct {
	t       *testing.T
	m       Model
	b       *fake.Backend
	store   *uitest.MemStore
	quit    bool
	pending []tea.Msg // timer messages held back (the test fires them)
}

func newHarness(t *testing.T, o Options, w, h int) *harness {
	t.Helper()
	hs := &harness{t: t, b: &fake.Backend{}, store: uitest.NewMemStore(nil)}
	o.Backend, o.Store = hs.b, hs.store
	if o.Estimator == nil {
		o.Estimator = fixedEstimate
	}
	if o.Builtins == nil {
		o.Builtins = []common.Builtin{
			{Name: "shop", Scenario: uitest.Load(t, "shop", uitest.ShopYAML)},
			{Name: "tiny", Scenario: uitest.Load(t, "tiny", uitest.TinyYAML)},
		}
	}
	hs.m = New(o)
	hs.m.after = func(_ time.Duration, msg tea.Msg) tea.Cmd {
		hs.pending = append(hs.pending, msg)
		return nil
	}
	hs.send(tea.WindowSizeMsg{Width: w, Height: h})
	for _, msg := range uitest.RunCmd(hs.m.Init(), time.Second) {
		hs.send(msg)
	}
	return hs
}

// fixedEstimate stands in for the simulator's estimates, so that the
// goldens do not move when the engine does. It counts its calls in estimates.
func fixedEstimate(_ context.Context, sc *pipeline.Scenario) (common.Estimate, error) {
	estimates.Add(1)
	return common.Estimate{
		Simulated: min(sc.Duration, common.EstimateSpan), CostMonthly: 412, P99: 2.1, Delivered: 1000,
		Findings: []common.Finding{
			{Severity: pipeline.SeverityWarning, Node: "copier", Problem: "Idle capacity: copier's 4 KPU peak at 9% of their capacity.", Fix: "set copier.kpus to 1."},
			{Severity: pipeline.SeverityInfo, Node: "lake", Problem: "A note.", Fix: "nothing."},
		},
	}, nil
}

var estimates atomic.Int64

// send feeds msg and what its commands answer, except snapshot listeners.
func (hs *harness) send(msg tea.Msg) {
	hs.t.Helper()
	queue := []tea.Msg{msg}
	for len(queue) > 0 {
		m := queue[0]
		queue = queue[1:]
		if _, ok := m.(tea.QuitMsg); ok {
			hs.quit = true
			continue
		}
		next, cmd := hs.m.Update(m)
		hs.m = next.(Model)
		switch m.(type) {
		case dashboard.RunStartedMsg, dashboard.SnapshotReadyMsg:
			continue // the listener: tests send snapshots themselves
		}
		queue = append(queue, uitest.RunCmd(cmd, time.Second)...)
	}
}

func (hs *harness) keys(ks ...string) {
	hs.t.Helper()
	for _, k := range ks {
		hs.send(uitest.Key(k))
	}
}

func (hs *harness) view() string { return uitest.Plain(hs.m.View()) }

func TestPickRunBackQuit(t *testing.T) {
	hs := newHarness(t, Options{}, 120, 34)
	if hs.m.Screen() != PickerScreen {
		t.Fatalf("starts on %v", hs.m.Screen())
	}
	hs.keys("r")
	if hs.m.Screen() != DashboardScreen || len(hs.b.Runs()) != 1 {
		t.Fatalf("r: on %v with %d runs", hs.m.Screen(), len(hs.b.Runs()))
	}
	r := hs.b.Runs()[0]
	r.Send(pipeline.Snapshot{Time: time.Minute, Duration: 2 * time.Minute})
	hs.send(dashboard.SnapshotReadyMsg{RunID: r.ID(), Snap: <-r.Snapshots()})
	if v := hs.view(); !strings.Contains(v, "sim 0:01:00 / 0:02:00") {
		t.Fatalf("dashboard:\n%s", v)
	}
	hs.keys(" ")
	if !strings.Contains(hs.view(), "‖ paused") || !strings.Contains(hs.view(), "space resume") {
		t.Fatalf("paused:\n%s", hs.view())
	}
	hs.keys("esc")
	if hs.m.Screen() != BuilderScreen || !r.Stopped() {
		t.Fatalf("esc: on %v, stopped %v", hs.m.Screen(), r.Stopped())
	}
	if hs.m.Builder().Scenario().Name != "shop" {
		t.Fatal("the builder does not hold the scenario that ran")
	}
	hs.keys("q")
	if !hs.quit {
		t.Fatal("q did not quit")
	}
}

func TestQuitAsksWhenUnsaved(t *testing.T) {
	sc := uitest.Load(t, "shop", uitest.ShopYAML)
	hs := newHarness(t, Options{Open: sc, OpenPath: "shop.yaml"}, 120, 34)
	if hs.m.Screen() != BuilderScreen {
		t.Fatalf("open starts on %v", hs.m.Screen())
	}
	hs.keys("x") // delete a node: unsaved
	hs.keys("q")
	if hs.quit || !strings.Contains(hs.view(), "shop has unsaved changes: quit anyway?") {
		t.Fatalf("q with unsaved changes:\n%s", hs.view())
	}
	hs.keys("n")
	if hs.quit || strings.Contains(hs.view(), "quit anyway") {
		t.Fatal("n did not cancel")
	}
	hs.keys("s") // saves to shop.yaml
	if _, ok := hs.store.Get("shop.yaml"); !ok {
		t.Fatal("s did not save")
	}
	hs.keys("q")
	if !hs.quit {
		t.Fatal("q after saving did not quit")
	}
}

func TestCtrlCAsksToo(t *testing.T) {
	sc := uitest.Load(t, "shop", uitest.ShopYAML)
	hs := newHarness(t, Options{Open: sc}, 120, 34)
	hs.keys("x", "ctrl+c")
	if hs.quit {
		t.Fatal("ctrl+c quit without asking")
	}
	hs.keys("ctrl+c")
	if !hs.quit {
		t.Fatal("a second ctrl+c did not quit")
	}
}

func TestOpeningAnotherAsksFirst(t *testing.T) {
	sc := uitest.Load(t, "shop", uitest.ShopYAML)
	hs := newHarness(t, Options{Open: sc}, 120, 34)
	hs.keys("x", "esc") // unsaved, back to the picker
	if hs.m.Screen() != PickerScreen {
		t.Fatalf("esc: %v", hs.m.Screen())
	}
	hs.keys("down", "enter")
	if !strings.Contains(hs.view(), "discard them and open tiny?") {
		t.Fatalf("no question:\n%s", hs.view())
	}
	hs.keys("y")
	if hs.m.Screen() != BuilderScreen || hs.m.Builder().Scenario().Name != "tiny" {
		t.Fatalf("y: %v %s", hs.m.Screen(), hs.m.Builder().Scenario().Name)
	}
}

func TestStatusLines(t *testing.T) {
	hs := newHarness(t, Options{}, 120, 34)
	hs.send(common.Status("hello"))
	hs.send(common.Status("world"))
	if len(hs.pending) != 2 {
		t.Fatalf("%d timers", len(hs.pending))
	}
	hs.send(hs.pending[0]) // the first message's timer: stale
	if s, _ := hs.m.Status(); s != "world" {
		t.Fatalf("a stale timer cleared the status: %q", s)
	}
	hs.send(hs.pending[1])
	if s, _ := hs.m.Status(); s != "" {
		t.Fatalf("status not cleared: %q", s)
	}
	hs.send(common.StatusPostedMsg{Text: "boom", Err: true})
	if !strings.Contains(hs.view(), "✗ boom") || len(hs.pending) != 2 {
		t.Fatal("errors have no timer and show until the next key")
	}
	hs.keys("down")
	if s, _ := hs.m.Status(); s != "" {
		t.Fatal("a key did not clear the error")
	}
}

func TestHelpToggles(t *testing.T) {
	hs := newHarness(t, Options{}, 120, 34)
	short := hs.view()
	if !strings.Contains(short, "enter open") || !strings.Contains(short, "? help") {
		t.Fatalf("short help:\n%s", short)
	}
	hs.keys("?")
	full := hs.view()
	if !strings.Contains(full, "ctrl+c") || !strings.Contains(full, "↑/k") {
		t.Fatalf("full help:\n%s", full)
	}
	uitest.CheckFits(t, hs.m.View(), 120, 34)
}

func TestTooSmall(t *testing.T) {
	hs := newHarness(t, Options{}, 79, 30)
	if v := hs.view(); !strings.Contains(v, "terminal too small (need ≥ 80×24, have 79×30)") {
		t.Fatalf("79 wide:\n%s", v)
	}
	hs.send(tea.WindowSizeMsg{Width: 100, Height: 23})
	uitest.CheckFits(t, hs.m.View(), 100, 23)
	hs.keys("r") // nothing but quit works
	if hs.m.Screen() != PickerScreen {
		t.Fatal("a key worked below the minimum size")
	}
	hs.keys("q")
	if !hs.quit {
		t.Fatal("q does not quit below the minimum size")
	}
}

// TestLayoutSweep draws every screen at every size from 80×24 to 200×60:
// no line wider than the terminal, no more lines than it has.
func TestLayoutSweep(t *testing.T) {
	if testing.Short() {
		t.Skip("layout sweep")
	}
	hs := newHarness(t, Options{}, 80, 24)
	hs.keys("r")
	r := hs.b.Runs()[0]
	s := pipeline.Snapshot{Time: time.Minute, Duration: 2 * time.Minute}
	for _, n := range hs.m.Builder().Scenario().Nodes {
		ns := pipeline.NodeSnapshot{ID: n.ID, Stage: n.Stage, InRate: 2000, Lag: 123456789, IterAge: 86400}
		if n.Stage == pipeline.Storage {
			ns.Units = []float64{0.5, 1.5, 0.9, 0.1}
		}
		s.Nodes = append(s.Nodes, ns)
	}
	r.Send(s)
	hs.send(dashboard.SnapshotReadyMsg{RunID: r.ID(), Snap: <-r.Snapshots()})
	screens := []struct {
		name string
		keys []string
	}{
		{"dashboard", nil},
		{"dashboard-events", []string{"tab"}},
		{"dashboard-shards", []string{"tab"}},
		{"dashboard-help", []string{"?"}},
		{"builder", []string{"?", "esc"}},
		{"builder-edit", []string{"e"}},
		{"builder-advice", []string{"esc", "i"}},
		{"picker", []string{"esc", "esc"}},
	}
	for _, sc := range screens {
		hs.keys(sc.keys...)
		for _, sz := range uitest.Sizes() {
			hs.send(tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
			v := hs.m.View()
			uitest.CheckFits(t, v, sz[0], sz[1])
			if got := strings.Count(v, "\n") + 1; got != sz[1] {
				t.Errorf("%s %dx%d: %d lines, want the full height", sc.name, sz[0], sz[1], got)
			}
		}
	}
}

func TestGoldenViews(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {160, 48}} {
		t.Run(fmt.Sprintf("picker/%dx%d", sz[0], sz[1]), func(t *testing.T) {
			hs := newHarness(t, Options{}, sz[0], sz[1])
			golden.Check(t, "testdata/"+t.Name()+".golden", hs.view())
		})
		t.Run(fmt.Sprintf("builder/%dx%d", sz[0], sz[1]), func(t *testing.T) {
			hs := newHarness(t, Options{}, sz[0], sz[1])
			hs.keys("enter", "l", "?")
			golden.Check(t, "testdata/"+t.Name()+".golden", hs.view())
		})
	}
}

func TestOpeningEstimates(t *testing.T) {
	sc := uitest.Load(t, "shop", uitest.ShopYAML)
	n := estimates.Load()
	hs := newHarness(t, Options{Open: sc, OpenPath: "shop.yaml"}, 120, 34)
	if estimates.Load() != n+1 || !strings.Contains(hs.view(), "est. $412/mo · p99 ≈ 2.1 s · ▲ 2 findings: copier") {
		t.Fatalf("%d estimate(s) at start:\n%s", estimates.Load()-n, hs.view())
	}
	if !strings.Contains(hs.view(), "i advice") {
		t.Fatalf("help bar:\n%s", hs.view())
	}
	// Back to the picker and open another: that one is estimated too.
	hs.keys("esc", "down", "enter")
	if estimates.Load() != n+2 || hs.m.Builder().Scenario().Name != "tiny" {
		t.Fatalf("%d estimate(s) after opening tiny", estimates.Load()-n)
	}
}

func TestDashboardHelpSaysWhatTabDoes(t *testing.T) {
	hs := newHarness(t, Options{}, 80, 24)
	hs.keys("r")
	if v := hs.view(); !strings.Contains(v, "tab events") || !strings.Contains(v, "advice") {
		t.Fatalf("dashboard at 80×24:\n%s", v)
	}
	hs.keys("tab")
	if v := hs.view(); !strings.Contains(v, "tab shards") || !strings.Contains(v, "┏ events") {
		t.Fatalf("after tab:\n%s", v)
	}
}

func TestSaveFromTheDashboard(t *testing.T) {
	hs := newHarness(t, Options{}, 120, 34)
	hs.keys("r", "s", "enter")
	if _, ok := hs.store.Get("shop.yaml"); !ok || hs.m.Screen() != DashboardScreen {
		t.Fatalf("not saved from the dashboard (files %v)", hs.store.Names())
	}
	if hs.m.Builder().Path() != "shop.yaml" {
		t.Fatalf("builder path %q", hs.m.Builder().Path())
	}
}

// stuckBackend starts runs whose Stop never returns: the engine is in the
// middle of a tick that does not end.
type stuckBackend struct{ *fake.Backend }

type stuckRun struct{ backends.Run }

func (stuckRun) Stop() { select {} }

func (b stuckBackend) Start(ctx context.Context, sc *pipeline.Scenario) (backends.Run, error) {
	r, err := b.Backend.Start(ctx, sc)
	return stuckRun{r}, err
}

// TestQuitDoesNotWaitForAStuckRun: q on the dashboard quits within 200 ms
// even when stopping the run would never return (issue 24: the first q hung
// behind a stuck run).
func TestQuitDoesNotWaitForAStuckRun(t *testing.T) {
	hs := newHarness(t, Options{}, 120, 34)
	hs.m.c.Backend = stuckBackend{hs.b}
	hs.keys("r")
	if hs.m.Screen() != DashboardScreen || len(hs.b.Runs()) != 1 {
		t.Fatalf("r: on %v with %d runs", hs.m.Screen(), len(hs.b.Runs()))
	}
	_, cmd := hs.m.Update(uitest.Key("q"))
	if cmd == nil {
		t.Fatal("q did nothing")
	}
	// Run every command at once, as Bubble Tea does, and wait for the quit.
	got := make(chan tea.Msg, 8)
	run := func(c tea.Cmd) { go func() { got <- c() }() }
	run(cmd)
	deadline := time.After(200 * time.Millisecond)
	for {
		select {
		case msg := <-got:
			switch msg := msg.(type) {
			case tea.BatchMsg:
				for _, c := range msg {
					if c != nil {
						run(c)
					}
				}
			case tea.QuitMsg:
				return
			}
		case <-deadline:
			t.Fatal("no QuitMsg within 200 ms of q while the run's Stop hangs")
		}
	}
}
