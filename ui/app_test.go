package ui

import (
	"context"
	"fmt"
	"image/color"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/streamsim/streamsim/backends"
	"github.com/streamsim/streamsim/backends/fake"
	"github.com/streamsim/streamsim/internal/golden"
	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/ui/common"
	"github.com/streamsim/streamsim/ui/screens/dashboard"
	"github.com/streamsim/streamsim/ui/uitest"
)

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

func (hs *harness) view() string { return uitest.Plain(hs.m.View().Content) }

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
	hs.keys("x", "esc") // unsaved: the builder asks before going back to the picker
	if hs.m.Screen() != BuilderScreen || !strings.Contains(hs.view(), "unsaved changes: back to the scenarios?") {
		t.Fatalf("esc did not ask:\n%s", hs.view())
	}
	hs.keys("y")
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
	uitest.CheckFits(t, hs.m.View().Content, 120, 34)
}

func TestTooSmall(t *testing.T) {
	hs := newHarness(t, Options{}, 79, 30)
	if v := hs.view(); !strings.Contains(v, "terminal too small (need ≥ 80×24, have 79×30)") {
		t.Fatalf("79 wide:\n%s", v)
	}
	hs.send(tea.WindowSizeMsg{Width: 100, Height: 23})
	uitest.CheckFits(t, hs.m.View().Content, 100, 23)
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
		{"dashboard-charts", []string{"c"}},
		{"dashboard-charts-node", []string{"n", "N", "N"}},
		{"dashboard-help", []string{"c", "?"}},
		{"builder", []string{"?", "esc"}},
		{"builder-edit", []string{"e"}},
		{"builder-advice", []string{"esc", "i"}},
		{"picker", []string{"esc", "esc"}},
	}
	for _, sc := range screens {
		hs.keys(sc.keys...)
		for _, sz := range uitest.Sizes() {
			hs.send(tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
			v := hs.m.View().Content
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

// Saving onto a file that is there asks first; n keeps the file, y replaces
// it. The file the builder loaded is saved without a question.
func TestSaveAsAsksBeforeReplacing(t *testing.T) {
	sc := uitest.Load(t, "shop", uitest.ShopYAML)
	hs := newHarness(t, Options{Open: sc}, 120, 34)
	hs.store.Files["shop.yaml"] = []byte("keep me")
	hs.keys("x", "s", "enter") // an edit, then save as shop.yaml, offered
	if v := hs.view(); !strings.Contains(v, "shop.yaml exists: replace it? y replace · n keep it") {
		t.Fatalf("no question:\n%s", v)
	}
	hs.keys("n")
	if got, _ := hs.store.Get("shop.yaml"); got != "keep me" {
		t.Fatalf("n replaced the file: %q", got)
	}
	if !strings.Contains(hs.view(), "not saved") || !hs.m.Builder().Dirty() {
		t.Fatal("n: the builder does not say it is unsaved")
	}
	hs.keys("s", "enter", "y")
	if got, _ := hs.store.Get("shop.yaml"); !strings.Contains(got, "name: shop") {
		t.Fatalf("y did not replace the file: %q", got)
	}
	if hs.m.Builder().Dirty() || hs.m.Builder().Path() != "shop.yaml" {
		t.Fatal("y: the builder is not saved to shop.yaml")
	}
	hs.keys("x", "s") // its own file now: no question
	if strings.Contains(hs.view(), "replace it?") {
		t.Fatal("asked before saving to the file it loaded")
	}
}

// A recorded session saved onto a file that is there asks first too.
func TestRecordingAsksBeforeReplacing(t *testing.T) {
	hs := newHarness(t, Options{}, 120, 34)
	hs.store.Files["shop-session.yaml"] = []byte("keep me")
	hs.keys("r", "R")
	hs.keys("ctrl+u")
	for _, r := range "shop-session.yaml" {
		hs.keys(string(r))
	}
	hs.keys("enter")
	if !strings.Contains(hs.view(), "shop-session.yaml exists: replace it?") {
		t.Fatalf("no question:\n%s", hs.view())
	}
	hs.keys("esc")
	if got, _ := hs.store.Get("shop-session.yaml"); got != "keep me" {
		t.Fatalf("esc replaced the file: %q", got)
	}
}

// Below the minimum size a question still shows, so y never answers one the
// user could not see.
func TestQuestionShowsWhenTooSmall(t *testing.T) {
	sc := uitest.Load(t, "shop", uitest.ShopYAML)
	hs := newHarness(t, Options{Open: sc}, 120, 34)
	hs.keys("x")
	hs.send(tea.WindowSizeMsg{Width: 60, Height: 10})
	hs.keys("q")
	if v := hs.view(); !strings.Contains(strings.Join(strings.Fields(v), " "), "shop has unsaved changes: quit anyway?") {
		t.Fatalf("the question is not shown:\n%s", v)
	}
	uitest.CheckFits(t, hs.m.View().Content, 60, 10)
}

// typeText sends each rune of s as a key.
func (hs *harness) typeText(s string) {
	hs.t.Helper()
	for _, r := range s {
		hs.keys(string(r))
	}
}

// ctrl+c with a settings form open and typed in asks before the typing is lost.
func TestCtrlCInAFormAsks(t *testing.T) {
	sc := uitest.Load(t, "shop", uitest.ShopYAML)
	hs := newHarness(t, Options{Open: sc}, 120, 34)
	hs.keys("e", "ctrl+u")
	hs.typeText("web2")
	hs.keys("ctrl+c")
	if hs.quit || !strings.Contains(hs.view(), "has unsaved changes: quit anyway?") {
		t.Fatalf("ctrl+c quit with a form typed in:\n%s", hs.view())
	}
	hs.keys("n")
	if hs.quit || !hs.m.Builder().CapturesInput() {
		t.Fatal("n did not keep the form open")
	}
}

// A run with recorded changes that no session holds is not thrown away by
// esc, r or q without a question; after R saves them, nothing is asked.
func TestRecordedChangesAreKept(t *testing.T) {
	for _, k := range []string{"esc", "r", "q"} {
		t.Run(k, func(t *testing.T) {
			hs := newHarness(t, Options{}, 120, 34)
			hs.keys("r")
			run := hs.b.Runs()[0]
			run.Send(pipeline.Snapshot{Time: time.Minute, Duration: 2 * time.Minute})
			hs.send(dashboard.SnapshotReadyMsg{RunID: run.ID(), Snap: <-run.Snapshots()})
			hs.keys("k")
			hs.typeText("orders.rate=50/s")
			hs.keys("enter")
			if got := hs.m.Dashboard().Unsaved(); got != 1 {
				t.Fatalf("%d unsaved changes after k", got)
			}
			hs.keys(k)
			if !strings.Contains(hs.view(), "1 recorded change(s)") || hs.quit || run.Stopped() {
				t.Fatalf("%s: no question:\n%s", k, hs.view())
			}
			hs.keys("n")
			if hs.m.Screen() != DashboardScreen || run.Stopped() {
				t.Fatalf("%s then n: left the run", k)
			}
			hs.keys("R", "enter") // save the session
			hs.keys(k)
			if strings.Contains(hs.view(), "recorded change(s)") {
				t.Fatalf("%s after R: asked again:\n%s", k, hs.view())
			}
		})
	}
}

// Bubble Tea v2 sends a bracketed paste as a PasteMsg, not as keys: it goes
// into the field being typed, and nowhere when none is.
func TestPasteGoesIntoTheFieldBeingTyped(t *testing.T) {
	hs := newHarness(t, Options{}, 120, 34)
	hs.send(tea.PasteMsg{Content: "tiny"})
	if hs.m.Picker().CapturesInput() || strings.Contains(hs.view(), "tiny.yaml") {
		t.Fatalf("a paste while browsing did something:\n%s", hs.view())
	}
	hs.keys("o")
	hs.send(tea.PasteMsg{Content: "pasted/path.yaml"})
	if v := hs.view(); !strings.Contains(v, "open file: pasted/path.yaml") {
		t.Fatalf("the paste is not in the path prompt:\n%s", v)
	}
	hs.keys("esc", "/")
	hs.send(tea.PasteMsg{Content: "tiny"})
	if b, ok := hs.m.Picker().Selected(); !ok || b.Name != "tiny" {
		t.Fatalf("the pasted filter did not select tiny: %+v", b)
	}
}

// The root asks the terminal for its background only when Bubble Tea reports
// a profile with colours, and rebuilds the styles in place for a light one.
func TestStylesFollowTheBackground(t *testing.T) {
	hs := newHarness(t, Options{}, 120, 34)
	if _, cmd := hs.m.Update(tea.ColorProfileMsg{Profile: colorprofile.ASCII}); cmd != nil {
		t.Fatal("asked for the background colour on a terminal without colours")
	}
	_, cmd := hs.m.Update(tea.ColorProfileMsg{Profile: colorprofile.ANSI256})
	if cmd == nil || cmd() != tea.RequestBackgroundColor() {
		t.Fatal("did not ask for the background colour on a colour terminal")
	}
	st := hs.m.c.Styles
	if !st.Dark {
		t.Fatal("the styles do not start dark")
	}
	hs.send(tea.BackgroundColorMsg{Color: color.White})
	theme := st.Theme
	switch {
	case hs.m.c.Styles != st:
		t.Fatal("the styles were replaced, not rebuilt in place: screens hold the pointer")
	case st.Dark || st.Title.GetForeground() != theme.Primary.Light:
		t.Fatalf("not the light palette: %+v", st.Title.GetForeground())
	case st.Help.ShortKey.GetForeground() != theme.Accent.Light:
		t.Fatal("the help keeps the dark palette")
	}
}

// helpLine is the help bar: the terminal's last line.
func (hs *harness) helpLine() string {
	lines := strings.Split(hs.view(), "\n")
	return lines[len(lines)-1]
}

// The help bar never drops ?, q (ctrl+c while a field takes the keys), esc
// or the screen's main action, at the smallest size and a large one.
func TestHelpBarKeepsThePinnedKeys(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {160, 48}} {
		for _, tc := range []struct {
			name string
			keys []string
			want []string
		}{
			{"picker", nil, []string{"enter open", "? help", "q quit"}},
			{"picker-filter", []string{"/"}, []string{"enter accept", "esc cancel", "ctrl+c quit"}},
			{"picker-open", []string{"o"}, []string{"enter accept", "esc cancel", "ctrl+c quit"}},
			{"builder", []string{"enter"}, []string{"a add", "esc back", "? help", "q quit"}},
			{"builder-edit", []string{"enter", "e"}, []string{"enter ", "esc cancel", "ctrl+c quit"}},
			{"dashboard", []string{"r"}, []string{"space pause", "tab events", "R record", "esc builder", "? help", "q quit"}},
			{"dashboard-prompt", []string{"r", "k"}, []string{"enter ok", "esc cancel", "ctrl+c quit"}},
			{"key-sheet", []string{"r", "?"}, []string{"esc/? close", "q quit"}},
		} {
			t.Run(fmt.Sprintf("%s/%dx%d", tc.name, sz[0], sz[1]), func(t *testing.T) {
				hs := newHarness(t, Options{}, sz[0], sz[1])
				hs.keys(tc.keys...)
				line := hs.helpLine()
				for _, w := range tc.want {
					if !strings.Contains(line, w) {
						t.Errorf("the help bar lacks %q: %q", w, line)
					}
				}
				if strings.Contains(line, "…") {
					t.Errorf("the help bar is cut: %q", line)
				}
				uitest.CheckFits(t, hs.m.View().Content, sz[0], sz[1])
			})
		}
	}
}

// The key sheet (?) lists every key of the screen, those that do not work
// now marked, within the width at 80×24; it closes with esc or ?, and q
// still quits from it.
func TestKeySheet(t *testing.T) {
	hs := newHarness(t, Options{}, 80, 24)
	hs.keys("r", "?")
	v := hs.view()
	for _, col := range hs.m.Dashboard().FullHelp() {
		for _, k := range col {
			h := k.Help()
			want := h.Key + "  "
			if !strings.Contains(v, want) || !strings.Contains(v, h.Desc) {
				t.Errorf("the sheet lacks %q %q", h.Key, h.Desc)
			}
		}
	}
	if !strings.Contains(v, "step (not now)") || strings.Contains(v, "pause (not now)") {
		t.Errorf("what works now is not told apart:\n%s", v)
	}
	uitest.CheckFits(t, hs.m.View().Content, 80, 24)
	hs.keys("esc")
	if strings.Contains(hs.view(), "keys · dashboard") || hs.m.Screen() != DashboardScreen {
		t.Fatalf("esc did not close the sheet:\n%s", hs.view())
	}
	hs.keys("?", "?")
	if strings.Contains(hs.view(), "keys · dashboard") {
		t.Fatal("? did not close the sheet")
	}
	hs.keys("?", "q")
	if !hs.quit {
		t.Fatal("q in the sheet did not quit")
	}
}

// Every way out of work that is not saved asks, and says how to keep it:
// the builder's edits (q, ctrl+c, and from the picker opening, running or
// starting another) and a run's recorded changes (esc, r, q, ctrl+c on the
// dashboard, q from the key sheet). The picker has no other way to lose
// work: its prompts hold only what is being typed.
func TestEveryDiscardAsks(t *testing.T) {
	edited := func(t *testing.T) *harness {
		hs := newHarness(t, Options{Open: uitest.Load(t, "shop", uitest.ShopYAML)}, 80, 24)
		hs.keys("x") // delete a node: unsaved
		return hs
	}
	recorded := func(t *testing.T) *harness {
		hs := newHarness(t, Options{}, 80, 24)
		hs.keys("r")
		run := hs.b.Runs()[0]
		run.Send(pipeline.Snapshot{Time: time.Minute, Duration: 2 * time.Minute})
		hs.send(dashboard.SnapshotReadyMsg{RunID: run.ID(), Snap: <-run.Snapshots()})
		hs.keys("k")
		hs.typeText("orders.rate=50/s")
		hs.keys("enter")
		return hs
	}
	for _, tc := range []struct {
		name  string
		setup func(*testing.T) *harness
		keys  []string
		ask   string
	}{
		{"builder q", edited, []string{"q"}, "quit anyway?"},
		{"builder ctrl+c", edited, []string{"ctrl+c"}, "quit anyway?"},
		{"builder esc", edited, []string{"esc"}, "shop has unsaved changes: back to the scenarios?"},
		{"builder esc, picker enter", edited, []string{"esc", "y", "down", "enter"}, "discard them and open tiny?"},
		{"builder esc, picker r", edited, []string{"esc", "y", "r"}, "discard them and run shop?"},
		{"builder esc, picker n", edited, []string{"esc", "y", "n"}, "discard them and open new-pipeline?"},
		{"dashboard esc", recorded, []string{"esc"}, "go back anyway? y go back · s save the session first · n stay"},
		{"dashboard r", recorded, []string{"r"}, "run again anyway?"},
		{"dashboard q", recorded, []string{"q"}, "quit anyway? y quit · s save the session first · n stay"},
		{"dashboard ctrl+c", recorded, []string{"ctrl+c"}, "quit anyway?"},
		{"dashboard ? then q", recorded, []string{"?", "q"}, "quit anyway?"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hs := tc.setup(t)
			hs.keys(tc.keys...)
			if v := strings.Join(strings.Fields(hs.view()), " "); hs.quit || !strings.Contains(v, tc.ask) {
				t.Fatalf("no question %q (quit %v):\n%s", tc.ask, hs.quit, hs.view())
			}
			hs.keys("n")
			if hs.quit || strings.Contains(hs.view(), "anyway?") {
				t.Fatal("n did not keep the work")
			}
		})
	}
}

// s in answer to leaving a run with recorded changes asks where to save the
// session, saves it and then leaves; esc at that prompt keeps everything.
func TestSaveTheSessionOnTheWayOut(t *testing.T) {
	for _, k := range []string{"esc", "q"} {
		t.Run(k, func(t *testing.T) {
			hs := newHarness(t, Options{}, 80, 24)
			hs.keys("r")
			run := hs.b.Runs()[0]
			run.Send(pipeline.Snapshot{Time: time.Minute, Duration: 2 * time.Minute})
			hs.send(dashboard.SnapshotReadyMsg{RunID: run.ID(), Snap: <-run.Snapshots()})
			hs.keys("k")
			hs.typeText("orders.rate=50/s")
			hs.keys("enter", k, "s")
			if !strings.Contains(hs.view(), "save session as: shop-session.yaml") {
				t.Fatalf("s did not ask where:\n%s", hs.view())
			}
			hs.keys("esc")
			if hs.quit || run.Stopped() || hs.m.Dashboard().Unsaved() != 1 {
				t.Fatal("esc at the prompt did not keep the run and its changes")
			}
			hs.keys(k, "s", "enter")
			data, ok := hs.store.Get("shop-session.yaml")
			if !ok || !strings.Contains(data, "orders.rate: 50/s") {
				t.Fatalf("not saved: %q", data)
			}
			if k == "q" && !hs.quit {
				t.Fatalf("saved but did not quit:\n%s", hs.view())
			}
			if k == "esc" && (hs.m.Screen() != BuilderScreen || !run.Stopped()) {
				t.Fatalf("saved but did not go back: %v", hs.m.Screen())
			}
		})
	}
}

// Several runes in one key message (a grapheme of several runes, or text a
// terminal sends together) are taken rune by rune: each binding matches,
// none is lost; once a rune opens a field, the rest are typed into it.
func TestKeyBurstIsSplit(t *testing.T) {
	hs := newHarness(t, Options{}, 80, 24)
	hs.send(tea.KeyPressMsg{Code: tea.KeyExtended, Text: "jj"})
	if b, ok := hs.m.Picker().Selected(); !ok || b.Name != "tiny" {
		t.Fatalf("jj did not move down twice: %+v", b)
	}
	hs.send(tea.KeyPressMsg{Code: tea.KeyExtended, Text: "kk/tiny"})
	if !hs.m.Picker().CapturesInput() || !strings.Contains(hs.view(), "tiny") {
		t.Fatalf("the runes after / are not in the filter:\n%s", hs.view())
	}
	if b, ok := hs.m.Picker().Selected(); !ok || b.Name != "tiny" {
		t.Fatalf("the filter did not take tiny: %+v", b)
	}
}

// A bracketed paste while no text field is open is not taken for keys, but
// it is not dropped without a word either.
func TestPasteWithNoFieldSaysSo(t *testing.T) {
	hs := newHarness(t, Options{}, 80, 24)
	hs.send(tea.PasteMsg{Content: "xx"})
	if s, _ := hs.m.Status(); !strings.Contains(s, "pasted text goes into a text field") {
		t.Fatalf("status %q", s)
	}
}

// A long question wraps: its answers at the end are never cut off at 80
// columns.
func TestLongQuestionWraps(t *testing.T) {
	hs := newHarness(t, Options{Open: uitest.Load(t, "shop", uitest.ShopYAML)}, 80, 24)
	hs.keys("r")
	run := hs.b.Runs()[0]
	run.Send(pipeline.Snapshot{Time: time.Minute, Duration: 2 * time.Minute})
	hs.send(dashboard.SnapshotReadyMsg{RunID: run.ID(), Snap: <-run.Snapshots()})
	hs.keys("k")
	hs.typeText("orders.rate=50/s")
	hs.keys("enter", "q")
	v := strings.Join(strings.Fields(hs.view()), " ")
	if !strings.Contains(v, "1 recorded change(s) of the run not saved: quit anyway? y quit · s save the session first · n stay") {
		t.Fatalf("the question is cut:\n%s", hs.view())
	}
	uitest.CheckFits(t, hs.m.View().Content, 80, 24)
	if got := strings.Count(hs.m.View().Content, "\n") + 1; got != 24 {
		t.Fatalf("%d lines", got)
	}
}

// ctrl+c while typing a change, with a change recorded: s saves the session
// (the prompt being typed gives way) and then quits.
func TestCtrlCWhileTypingSavesTheSession(t *testing.T) {
	hs := newHarness(t, Options{}, 80, 24)
	hs.keys("r")
	run := hs.b.Runs()[0]
	run.Send(pipeline.Snapshot{Time: time.Minute, Duration: 2 * time.Minute})
	hs.send(dashboard.SnapshotReadyMsg{RunID: run.ID(), Snap: <-run.Snapshots()})
	hs.keys("k")
	hs.typeText("orders.rate=50/s")
	hs.keys("enter", "k")
	hs.typeText("orders.ra")
	hs.keys("ctrl+c")
	if !strings.Contains(hs.view(), "quit anyway?") {
		t.Fatalf("no question:\n%s", hs.view())
	}
	hs.keys("s")
	if !strings.Contains(hs.view(), "save session as: shop-session.yaml") {
		t.Fatalf("s:\n%s", hs.view())
	}
	hs.keys("enter")
	if _, ok := hs.store.Get("shop-session.yaml"); !ok || !hs.quit {
		t.Fatalf("saved %v, quit %v", ok, hs.quit)
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

// A workshop whose progress could not be read says so in the footer when it
// starts, and enter on a lesson runs it with its lesson followed.
func TestWorkshopStarts(t *testing.T) {
	hs := newHarness(t, Options{Workshop: &common.Workshop{Notice: "workshop progress p.json could not be read; starting afresh"}}, 120, 34)
	if st, isErr := hs.m.Status(); !isErr || !strings.Contains(st, "could not be read") {
		t.Fatalf("the notice: %q (error %v)", st, isErr)
	}
	hs.send(uitest.Key("enter"))
	if hs.m.Screen() != DashboardScreen {
		t.Fatalf("enter in a workshop: on the %v", hs.m.Screen())
	}
	if cur, _ := hs.m.Dashboard().LessonStep(); cur != 0 {
		t.Fatalf("the lesson is not followed: step %d", cur)
	}
}
