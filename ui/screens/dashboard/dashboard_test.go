package dashboard

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/streamsim/streamsim/backends"
	"github.com/streamsim/streamsim/backends/fake"
	simbackend "github.com/streamsim/streamsim/backends/sim"
	"github.com/streamsim/streamsim/internal/golden"
	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/pipeline/advice"
	"github.com/streamsim/streamsim/sim"
	"github.com/streamsim/streamsim/ui/common"
	"github.com/streamsim/streamsim/ui/uitest"
)

func TestMain(m *testing.M) { uitest.Main(m) }

const wait = 5 * time.Second

type harness struct {
	t     *testing.T
	d     *Model
	b     *fake.Backend
	store *uitest.MemStore
	sc    *pipeline.Scenario
	out   []tea.Msg // messages for the root (status, navigation)
}

func newHarness(t *testing.T, yaml string, w, h int) *harness {
	t.Helper()
	sc := uitest.Load(t, "test", yaml)
	hs := &harness{t: t, b: &fake.Backend{}, store: uitest.NewMemStore(nil), sc: sc}
	hs.d = New(uitest.Common(hs.b, hs.store))
	hs.d.SetSize(w, h)
	return hs
}

// do feeds msg and then, until quiet, the messages its commands produce,
// except the snapshot listener (the test sends snapshots itself).
func (hs *harness) do(msg tea.Msg) {
	hs.t.Helper()
	queue := []tea.Msg{msg}
	for len(queue) > 0 {
		m := queue[0]
		queue = queue[1:]
		switch m.(type) {
		case common.StatusPostedMsg, common.BuilderRequestedMsg, common.SaveRequestedMsg:
			hs.out = append(hs.out, m)
			continue
		case startMsg:
			for _, r := range uitest.RunCmd(hs.d.Start(m.(startMsg).sc, ""), time.Second) {
				queue = append(queue, r)
			}
			continue
		}
		cmd := hs.d.Update(m)
		switch m.(type) {
		case SnapshotReadyMsg, RunStartedMsg:
			// Their command is the snapshot listener: the test feeds
			// snapshots itself (feed), so it must not leave one waiting.
			continue
		}
		queue = append(queue, uitest.RunCmd(cmd, time.Second)...)
	}
}

func (hs *harness) keys(ks ...string) {
	hs.t.Helper()
	for _, k := range ks {
		hs.do(uitest.Key(k))
	}
}

func (hs *harness) typeText(s string) {
	hs.t.Helper()
	for _, m := range uitest.Type(s) {
		hs.do(m)
	}
}

func (hs *harness) start() *fake.Run {
	hs.t.Helper()
	hs.do(startMsg{hs.sc})
	runs := hs.b.Runs()
	if len(runs) == 0 {
		hs.t.Fatal("no run started")
	}
	return runs[len(runs)-1]
}

// startMsg makes do call Start.
type startMsg struct{ sc *pipeline.Scenario }

// focusOn presses tab until p has the keys.
func (hs *harness) focusOn(p pane) {
	hs.t.Helper()
	for range paneCount {
		if hs.d.focus == p {
			return
		}
		hs.keys("tab")
	}
	hs.t.Fatalf("tab never reached the %v pane", p)
}

func (hs *harness) view() string { return uitest.Plain(hs.d.View()) }

func (hs *harness) status() string {
	var s []string
	for _, m := range hs.out {
		if st, ok := m.(common.StatusPostedMsg); ok {
			s = append(s, st.Text)
		}
	}
	return strings.Join(s, "\n")
}

// snapshot is a hand-made snapshot of the shop scenario at time t with the
// hot shard at hot utilisation: goldens must not move when the engine does.
func snapshot(sc *pipeline.Scenario, t time.Duration, hot float64) pipeline.Snapshot {
	s := pipeline.Snapshot{Time: t, Duration: sc.Duration}
	sec := t.Seconds()
	for _, n := range sc.Nodes {
		ns := pipeline.NodeSnapshot{ID: n.ID, Service: n.Service.Name, Stage: n.Stage, InRate: 2000, OutRate: 1990, CostMonthly: 40}
		switch n.ID {
		case "stream":
			ns.Units = []float64{0.21, hot, 0.19, 0.83}
			ns.HotKey, ns.HotShare, ns.HotUnit = "pk-0007", 0.6, 1
			ns.Throttled = math.Max(0, (hot-1)*1000)
		case "delivery":
			ns.Lag, ns.IterAge, ns.Util = 120, 0.4, 0.3
		case "copier":
			ns.Lag, ns.IterAge, ns.Util = 4200, 12.5, 1.2
		}
		s.Nodes = append(s.Nodes, ns)
	}
	s.Pipeline = pipeline.PipelineSnapshot{
		Produced: 2000 * sec, Delivered: 1900 * sec, Lost: 12, InFlight: 2000,
		ProducedRate: 2000, DeliveredRate: 1900, LatencyP50: 1.2, LatencyP99: 61, LatencyMax: 75, CostMonthly: 412,
	}
	return s
}

func (hs *harness) feed(r *fake.Run, s pipeline.Snapshot) {
	hs.t.Helper()
	r.Send(s)
	msgs := uitest.RunCmd(waitForSnapshotCmd(r), wait)
	for _, m := range msgs {
		hs.do(m)
	}
}

func TestStartSetsSpeedThenResumes(t *testing.T) {
	hs := newHarness(t, uitest.ShopYAML, 120, 30)
	r := hs.start()
	if got := strings.Join(r.Calls(), ","); got != "speed 2,resume" {
		t.Fatalf("calls after start: %s (a 2m run starts at ×2)", got)
	}
	if hs.d.state != running {
		t.Fatalf("state %v", hs.d.state)
	}
	hs.feed(r, snapshot(hs.sc, 30*time.Second, 1.4))
	v := hs.view()
	for _, want := range []string{"sim 0:00:30 / 0:02:00", "▶ running", "1 HOT", "1 ≥80%", "hot key pk-0007 → shard 1 (60% of records)", "copier", "▲ behind 120%"} {
		if !strings.Contains(v, want) {
			t.Errorf("view lacks %q:\n%s", want, v)
		}
	}
}

func TestStaleSnapshotsAreDropped(t *testing.T) {
	hs := newHarness(t, uitest.ShopYAML, 120, 30)
	r := hs.start()
	s := snapshot(hs.sc, 30*time.Second, 0.5)
	s.RunID = r.ID() + 100
	if cmd := hs.d.Update(SnapshotReadyMsg{RunID: s.RunID, Snap: s}); cmd != nil {
		t.Fatal("a stale snapshot re-armed the listener")
	}
	if hs.d.has {
		t.Fatal("a stale snapshot was drawn")
	}
	// A run started again replaces the first: its snapshots are now stale.
	hs.keys("r")
	if !r.Stopped() {
		t.Fatal("running again did not stop the first run")
	}
	if cmd := hs.d.Update(SnapshotReadyMsg{RunID: r.ID(), Snap: s}); cmd != nil || hs.d.has {
		t.Fatal("a snapshot of the replaced run was taken")
	}
	if cmd := hs.d.Update(RunStartedMsg{Gen: hs.d.gen - 1, Run: r}); cmd == nil {
		t.Fatal("a late start of an old request was not stopped")
	}
}

func TestClockControls(t *testing.T) {
	hs := newHarness(t, uitest.ShopYAML, 120, 30)
	r := hs.start()
	hs.keys(".") // not paused: step is disabled
	hs.keys(" ", ".", ".", "+", "+", "-", " ")
	want := "speed 2,resume,pause,step,step,speed 5,speed 10,speed 5,resume"
	if got := strings.Join(r.Calls(), ","); got != want {
		t.Fatalf("calls:\n got %s\nwant %s", got, want)
	}
	for range 20 {
		hs.keys("+")
	}
	if hs.d.Speed() != 0 || !strings.Contains(hs.view(), "max") {
		t.Fatalf("speed after many +: %v", hs.d.Speed())
	}
}

func TestSetKeyAppliesRecordsAndShowsTheCLI(t *testing.T) {
	hs := newHarness(t, uitest.ShopYAML, 120, 30)
	r := hs.start()
	hs.feed(r, snapshot(hs.sc, 42*time.Second, 0.5))
	hs.keys("k")
	if !hs.d.CapturesInput() {
		t.Fatal("the prompt does not capture keys")
	}
	hs.typeText("stream.shards=99999")
	if !strings.Contains(hs.view(), "out of range") {
		t.Fatalf("no inline error:\n%s", hs.view())
	}
	hs.keys("enter")
	if len(r.Applied()) != 0 {
		t.Fatal("an invalid value was applied")
	}
	hs.keys("ctrl+u")
	hs.typeText("stream.shards=8")
	hs.keys("enter")
	if len(r.Applied()) != 1 {
		t.Fatalf("applied %d changes", len(r.Applied()))
	}
	rec := hs.d.Recorded()
	if len(rec) != 1 || rec[0].At != 42*time.Second || rec[0].Set[0].Value.Num != 8 {
		t.Fatalf("recorded %+v", rec)
	}
	v := hs.view()
	for _, want := range []string{"0:00:42 you: set stream.shards = 8", "$ aws kinesis update-shard-count --stream-name stream"} {
		if !strings.Contains(v, want) {
			t.Errorf("view lacks %q:\n%s", want, v)
		}
	}
	cli := strings.Join(awsCommands(hs.sc, rec[0]), "")
	if want := "aws kinesis update-shard-count --stream-name stream --target-shard-count 8 --scaling-type UNIFORM_SCALING"; cli != want {
		t.Fatalf("CLI %q", cli)
	}
}

func TestReshardAndFail(t *testing.T) {
	hs := newHarness(t, uitest.ShopYAML, 120, 30)
	r := hs.start()
	hs.feed(r, snapshot(hs.sc, 10*time.Second, 0.5))
	hs.keys("t")
	if !strings.Contains(hs.view(), "stream: shards (now 4):") {
		t.Fatalf("reshard prompt:\n%s", hs.view())
	}
	hs.typeText("16")
	hs.keys("enter")
	hs.keys("f")
	if !strings.Contains(hs.view(), "fail which node?") {
		t.Fatalf("fail picker:\n%s", hs.view())
	}
	hs.keys("down", "down", "down", "enter") // orders, stream, delivery, copier
	hs.typeText("5m")
	hs.keys("enter")
	got := r.Applied()
	if len(got) != 2 || got[0].Set[0].Key != "shards" || got[1].Fail != "copier" || got[1].For != 5*time.Minute {
		t.Fatalf("applied %+v", got)
	}
	if !strings.Contains(hs.view(), "aws fis start-experiment") {
		t.Fatalf("no CLI for the failure:\n%s", hs.view())
	}
	hs.keys("f", "esc")
	if hs.d.CapturesInput() || len(r.Applied()) != 2 {
		t.Fatal("esc did not cancel the picker")
	}
}

func TestRecordSavesAScenarioThatLoads(t *testing.T) {
	hs := newHarness(t, uitest.ShopYAML, 120, 30)
	r := hs.start()
	hs.feed(r, snapshot(hs.sc, time.Minute, 0.5)) // the file's own change is at 1m too
	hs.keys("k")
	hs.typeText("orders.rate=3000/s")
	hs.keys("enter", "R")
	if !strings.Contains(hs.view(), "save session as: shop-session.yaml") {
		t.Fatalf("record prompt:\n%s", hs.view())
	}
	hs.keys("enter")
	data, ok := hs.store.Get("shop-session.yaml")
	if !ok {
		t.Fatalf("nothing saved; status %q", hs.status())
	}
	sc, err := pipeline.Load("shop-session.yaml", []byte(data))
	if err != nil {
		t.Fatalf("the recording does not load: %v\n%s", err, data)
	}
	if len(sc.Timeline) != 2 || sc.Timeline[0].Set[0].Value.String() != "3000/s" || sc.Timeline[1].Set[0].Value.String() != "2500/s" {
		t.Fatalf("timeline %+v (the session's change comes first at the same time)", sc.Timeline)
	}
	if sc.Name != "shop-session" || !strings.Contains(hs.status(), "saved the session to shop-session.yaml") {
		t.Fatalf("name %q status %q", sc.Name, hs.status())
	}
}

// TestRecordingReplaysTheRun drives a real simulated run from the dashboard,
// steers it, records it, and checks that a headless run of the recording ends
// exactly where the live run did.
func TestRecordingReplaysTheRun(t *testing.T) {
	sc := uitest.Load(t, "shop", uitest.ShopYAML)
	store := uitest.NewMemStore(nil)
	d := New(uitest.Common(simbackend.New(simbackend.Options{Paused: true}), store))
	d.SetSize(120, 30)
	var last pipeline.Snapshot
	pump := func(cmd tea.Cmd) {
		for cmd != nil {
			msgs := uitest.RunCmd(cmd, wait)
			cmd = nil
			var next []tea.Cmd
			for _, m := range msgs {
				if s, ok := m.(SnapshotReadyMsg); ok {
					last = s.Snap
				}
				next = append(next, d.Update(m))
			}
			cmd = tea.Batch(next...)
		}
	}
	cmd := d.Start(sc, "")
	// Start (estimate, then start), then pause at once: the run may have gone
	// a few ticks; that is fine.
	for _, m := range uitest.RunCmd(cmd, wait) {
		if _, ok := m.(RunEstimatedMsg); ok {
			for _, m := range uitest.RunCmd(d.Update(m), wait) {
				d.Update(m)
			}
			continue
		}
		d.Update(m)
	}
	d.Update(uitest.Key(" "))
	for _, step := range []string{"k", "stream.shards=2", "enter", "t", "8", "enter", "f", "down", "enter", "30s", "enter"} {
		var c tea.Cmd
		if len(step) > 1 && step != "enter" && step != "down" {
			for _, m := range uitest.Type(step) {
				c = d.Update(m)
			}
		} else {
			c = d.Update(uitest.Key(step))
		}
		for _, m := range uitest.RunCmd(c, wait) {
			d.Update(m)
		}
		if step == "enter" && !d.CapturesInput() {
			d.Update(uitest.Key(".")) // a tick between changes, so they land at different times
		}
	}
	if n := len(d.Recorded()); n != 3 {
		t.Fatalf("recorded %d changes", n)
	}
	for range 20 {
		d.Update(uitest.Key("+"))
	}
	d.Update(uitest.Key(" "))
	pump(waitForSnapshotCmd(d.run))
	if !last.Done {
		t.Fatalf("the live run did not finish: %v", last.Time)
	}
	rec := Recording(sc, d.Recorded())
	data, err := pipeline.Encode(rec, false)
	if err != nil {
		t.Fatal(err)
	}
	replay, err := pipeline.Load("replay.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	e, err := sim.New(replay)
	if err != nil {
		t.Fatal(err)
	}
	e.RunToEnd()
	want := e.Snapshot().Pipeline
	if last.Pipeline != want {
		t.Fatalf("live %+v\nreplay %+v\n%s", last.Pipeline, want, data)
	}
}

func TestLessonPanel(t *testing.T) {
	hs := newHarness(t, uitest.ShopYAML, 120, 30)
	r := hs.start()
	hs.feed(r, snapshot(hs.sc, 30*time.Second, 0.5))
	hs.keys("l")
	v := hs.view()
	if !strings.Contains(v, "● 1 (0:00:10) One customer") || !strings.Contains(v, "○ 2 (0:01:00) At one minute") || !strings.Contains(v, "· 3 Press t") {
		t.Fatalf("lesson:\n%s", v)
	}
	hs.keys("l")
	if strings.Contains(hs.view(), "One customer") {
		t.Fatal("l did not go back to the events")
	}
}

func TestGoldenViews(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {160, 48}} {
		// name: what the case does after the run and a change (the
		// events show the change's CLI below 160 columns)
		for _, c := range []struct {
			name  string
			focus pane
		}{
			{"", -1},
			{"advice-", advicePane},
			{"cells-", shardsPane},
		} {
			t.Run(fmt.Sprintf("%s%dx%d", c.name, sz[0], sz[1]), func(t *testing.T) {
				hs := newHarness(t, uitest.ShopYAML, sz[0], sz[1])
				r := hs.start()
				for i := 1; i <= 40; i++ {
					s := snapshot(hs.sc, time.Duration(i)*time.Second, 0.9+float64(i)/80)
					s.Pipeline.Produced = 2000*float64(i) + float64(i*i*10)
					s.Pipeline.Delivered = 1500 * float64(i)
					if i == 40 {
						s.Events = []string{"0:00:40 stream: 12 writes throttled"}
					}
					r.Send(s)
					for _, m := range uitest.RunCmd(waitForSnapshotCmd(r), wait) {
						hs.do(m)
					}
				}
				hs.keys("k")
				hs.typeText("stream.shards=8")
				hs.keys("enter")
				if c.focus >= 0 {
					hs.focusOn(c.focus)
				}
				v := hs.d.View()
				uitest.CheckFits(t, v, sz[0], sz[1])
				golden.Check(t, "testdata/"+t.Name()+".golden", uitest.Plain(v))
			})
		}
	}
}

// TestGoldenBigStreamCells draws a cursor over a 1,000-shard heatmap, where
// each cell stands for several shards.
func TestGoldenBigStreamCells(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {160, 48}} {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			hs := newBigHarness(t, sz[0], sz[1])
			hs.focusOn(shardsPane)
			hs.keys("right", "down")
			v := hs.d.View()
			uitest.CheckFits(t, v, sz[0], sz[1])
			golden.Check(t, "testdata/"+t.Name()+".golden", uitest.Plain(v))
		})
	}
}

func TestViewFitsEverySize(t *testing.T) {
	if testing.Short() {
		t.Skip("layout sweep")
	}
	hs := newHarness(t, uitest.ShopYAML, 80, 24)
	r := hs.start()
	hs.feed(r, snapshot(hs.sc, 30*time.Second, 1.5))
	big := newBigHarness(t, 80, 24)
	big.focusOn(shardsPane) // a cursor over grouped cells
	for _, sz := range uitest.Sizes() {
		hs.d.SetSize(sz[0], sz[1]-2) // the root keeps two lines for the footer
		big.d.SetSize(sz[0], sz[1]-2)
		uitest.CheckFits(t, big.d.View(), sz[0], sz[1]-2)
		for _, mode := range []string{"", "l", "f", "tab", "tab", "tab"} {
			if mode != "" {
				hs.keys(mode)
			}
			uitest.CheckFits(t, hs.d.View(), sz[0], sz[1]-2)
			if mode == "f" {
				hs.keys("esc")
			}
			if mode == "l" {
				hs.keys("l")
			}
		}
	}
}

// newBigHarness runs the 1,000-shard scenario on a fake backend and feeds
// it one snapshot with a hot spot.
func newBigHarness(t *testing.T, w, h int) *harness {
	t.Helper()
	hs := newHarness(t, uitest.BigYAML, w, h)
	r := hs.start()
	hs.feed(r, bigSnapshot(hs.sc, 30))
	return hs
}

// bigSnapshot is a snapshot of the 1,000-shard scenario at second i.
func bigSnapshot(sc *pipeline.Scenario, i int) pipeline.Snapshot {
	units := make([]float64, 1000)
	for j := range units {
		units[j] = 0.3 + 0.9*math.Abs(math.Sin(float64(j)*0.37))
	}
	s := pipeline.Snapshot{Time: time.Duration(i) * time.Second, Duration: time.Hour,
		Pipeline: pipeline.PipelineSnapshot{Produced: 5e5 * float64(i), Delivered: 4.9e5 * float64(i), CostMonthly: 51234}}
	for _, n := range sc.Nodes {
		ns := pipeline.NodeSnapshot{ID: n.ID, Service: n.Service.Name, Stage: n.Stage, InRate: 5e5, InBytesRate: 5e8}
		if n.ID == "events" {
			ns.Units = units
			ns.HotKey, ns.HotShare, ns.HotUnit = "k-1", 0.09, 17
			ns.Throttled = 1200
		}
		s.Nodes = append(s.Nodes, ns)
	}
	return s
}

// BenchmarkViewBigStream draws the dashboard of a 1,000-shard stream at
// 200×60 (the root keeps two lines for the footer), with the advisor's
// findings beside the events, and again with a cursor on the heatmap.
func BenchmarkViewBigStream(b *testing.B) {
	sc, err := pipeline.Load("big.yaml", []byte(uitest.BigYAML))
	if err != nil {
		b.Fatal(err)
	}
	fb := &fake.Backend{}
	d := New(uitest.Common(fb, uitest.NewMemStore(nil)))
	d.SetSize(200, 58)
	for _, m := range uitest.RunCmd(d.Start(sc, ""), wait) {
		d.Update(m)
	}
	r := fb.Runs()[0]
	for i := 1; i <= 300; i++ {
		s := bigSnapshot(sc, i)
		s.Events = []string{fmt.Sprintf("0:%02d:%02d events: %d writes throttled", i/60, i%60, i)}
		r.Send(s)
		for _, m := range uitest.RunCmd(waitForSnapshotCmd(r), wait) {
			d.Update(m)
		}
	}
	if len(d.Findings()) == 0 {
		b.Fatal("no findings to draw")
	}
	for _, focus := range []pane{advicePane, shardsPane} {
		for _, p := range []struct {
			name    string
			profile termenv.Profile
		}{{"ascii", termenv.Ascii}, {"truecolor", termenv.TrueColor}} {
			b.Run(focus.String()+"/"+p.name, func(b *testing.B) {
				d.focusPane(focus)
				lipgloss.SetColorProfile(p.profile)
				defer lipgloss.SetColorProfile(termenv.Ascii)
				for b.Loop() {
					_ = d.View()
				}
			})
		}
	}
}

// BenchmarkTakeBigStream is the work Update does per snapshot of a
// 1,000-shard stream: the sparklines, the events and the advisor's Observe.
func BenchmarkTakeBigStream(b *testing.B) {
	sc, err := pipeline.Load("big.yaml", []byte(uitest.BigYAML))
	if err != nil {
		b.Fatal(err)
	}
	d := New(uitest.Common(&fake.Backend{}, uitest.NewMemStore(nil)))
	d.SetSize(200, 58)
	d.Start(sc, "")
	i := 0
	for b.Loop() {
		i++
		d.take(bigSnapshot(sc, i))
	}
}

func TestSaveAsksForAPathWhenThereIsNone(t *testing.T) {
	hs := newHarness(t, uitest.ShopYAML, 120, 30)
	hs.start()
	hs.keys("s")
	if !strings.Contains(hs.view(), "save scenario as: shop.yaml") {
		t.Fatalf("no prompt:\n%s", hs.view())
	}
	hs.keys("enter")
	last := hs.out[len(hs.out)-1]
	if got, ok := last.(common.SaveRequestedMsg); !ok || got.Path != "shop.yaml" {
		t.Fatalf("s: %#v", last)
	}
	hs.keys("s") // now it knows the file
	if got := hs.out[len(hs.out)-1].(common.SaveRequestedMsg); got.Path != "" {
		t.Fatalf("second s: %#v", got)
	}
}

func TestAdvisorFindsTheHotKeyAndFinishesWithTheRun(t *testing.T) {
	hs := newHarness(t, uitest.ShopYAML, 120, 30)
	r := hs.start()
	if v := hs.view(); !strings.Contains(v, "the advisor's findings appear here as the run goes") {
		t.Fatalf("before a snapshot:\n%s", v)
	}
	hs.feed(r, snapshot(hs.sc, 10*time.Second, 0.5))
	if len(hs.d.Findings()) != 0 || !strings.Contains(hs.view(), "no findings so far") {
		t.Fatalf("findings on a cool stream: %+v", hs.d.Findings())
	}
	for i := 11; i <= 20; i++ {
		hs.feed(r, snapshot(hs.sc, time.Duration(i)*time.Second, 1.6))
	}
	f := hs.d.Findings()
	if len(f) == 0 || f[0].Node != "stream" || f[0].Severity != pipeline.SeverityCritical || !strings.Contains(f[0].Problem, "pk-0007") {
		t.Fatalf("findings: %+v", f)
	}
	v := hs.view()
	for _, want := range []string{"advice (", "✖ stream · critical", "Hot key: partition key pk-0007", "tab events"} {
		if !strings.Contains(v+hs.help(), want) {
			t.Errorf("view lacks %q:\n%s", want, v)
		}
	}
	// The run completes: the advisor finishes and takes no more snapshots.
	last := snapshot(hs.sc, 2*time.Minute, 1.6)
	last.Done = true
	hs.feed(r, last)
	if !hs.d.diagDone || hs.d.state != finished {
		t.Fatalf("done %v state %v", hs.d.diagDone, hs.d.state)
	}
	n := len(hs.d.Findings())
	hs.d.Update(SnapshotReadyMsg{RunID: r.ID(), Snap: snapshot(hs.sc, 3*time.Minute, 0.1)})
	if len(hs.d.Findings()) != n {
		t.Fatal("a finished advisor changed its findings")
	}
	// Running again starts a new advisor.
	hs.keys("r")
	if len(hs.d.Findings()) != 0 || hs.d.diagDone {
		t.Fatalf("after r: %d findings, done %v", len(hs.d.Findings()), hs.d.diagDone)
	}
}

// TestFindingsOrder: the most severe first and, within a severity, the newest first.
func TestFindingsOrder(t *testing.T) {
	list := []advice.Finding{
		{Severity: pipeline.SeverityWarning, Node: "a"},
		{Severity: pipeline.SeverityInfo, Node: "b"},
		{Severity: pipeline.SeverityCritical, Node: "c"},
		{Severity: pipeline.SeverityWarning, Node: "d"},
		{Severity: pipeline.SeverityCritical, Node: "e"},
	}
	var got []string
	for _, f := range orderFindings(nil, list) {
		got = append(got, f.Node)
	}
	if strings.Join(got, "") != "ecdab" {
		t.Fatalf("order %v", got)
	}
}

func TestChangesReachTheAdvisorAndShowTheirCLI(t *testing.T) {
	hs := newHarness(t, uitest.ShopYAML, 80, 24)
	r := hs.start()
	// delivery buffers records: at the end the advisor says its interval
	// sets the latency, reading the interval from its copy of the scenario.
	snap := func(sec int) pipeline.Snapshot {
		s := snapshot(hs.sc, time.Duration(sec)*time.Second, 0.5)
		s.Node("delivery").InBytesRate = 1000
		return s
	}
	hs.feed(r, snap(10))
	if hs.d.focus != advicePane || !strings.Contains(hs.view(), "advice") {
		t.Fatalf("the advice is not what 80 columns show first:\n%s", hs.view())
	}
	hs.keys("k")
	hs.typeText("delivery.buffer.interval=60s")
	hs.keys("enter")
	// Below 160 columns the events take the advice's place to show the CLI.
	v := hs.view()
	if hs.d.side != eventsPane || !strings.Contains(v, "aws firehose update-destination") {
		t.Fatalf("after a change:\n%s", v)
	}
	last := snap(120)
	last.Done = true
	hs.feed(r, last)
	var got string
	for _, f := range hs.d.Findings() {
		if f.Node == "delivery" {
			got = f.Problem
		}
	}
	if !strings.Contains(got, "flush on the 60 s interval") {
		t.Fatalf("the advisor did not take the change: %q", got)
	}
	hs.keys("tab", "tab") // events → shards → advice
	if hs.d.side != advicePane || !strings.Contains(hs.view(), "delivery · note") {
		t.Fatalf("tab, tab: focus %v side %v\n%s", hs.d.focus, hs.d.side, hs.view())
	}
}

func TestTabVisitsThePanes(t *testing.T) {
	for _, tc := range []struct {
		w, h int
		wide bool
	}{{80, 24, false}, {159, 40, false}, {160, 48, true}} {
		hs := newHarness(t, uitest.ShopYAML, tc.w, tc.h)
		r := hs.start()
		hs.feed(r, snapshot(hs.sc, 10*time.Second, 1.6))
		seen := []pane{hs.d.focus}
		for range 3 {
			hs.keys("tab")
			seen = append(seen, hs.d.focus)
		}
		if fmt.Sprint(seen) != "[advice events shards advice]" {
			t.Fatalf("%dx%d: tab visits %v", tc.w, tc.h, seen)
		}
		hs.keys("shift+tab")
		if hs.d.focus != shardsPane {
			t.Fatalf("shift+tab: %v", hs.d.focus)
		}
		hs.keys("tab", "tab") // events
		v := hs.view()
		both := strings.Contains(v, "┏ events") && strings.Contains(v, "╭ advice (")
		if tc.wide != both {
			t.Fatalf("%dx%d: advice and events side by side = %v:\n%s", tc.w, tc.h, both, v)
		}
		if !tc.wide && (strings.Contains(v, "╭ advice") || !strings.Contains(v, "┏ events · advice (")) {
			t.Fatalf("%dx%d: the events should stand alone and name the advice:\n%s", tc.w, tc.h, v)
		}
		if got := hs.d.keys.Tab.Help().Desc; got != "shards" {
			t.Fatalf("tab's help says %q on the events", got)
		}
	}
}

func TestAdviceScrollsAt80x24(t *testing.T) {
	hs := newHarness(t, uitest.ShopYAML, 80, 24)
	r := hs.start()
	for i := 1; i <= 20; i++ {
		hs.feed(r, snapshot(hs.sc, time.Duration(i)*time.Second, 1.6))
	}
	v := hs.view()
	if !strings.Contains(v, "↓ more") || strings.Contains(v, "Fix:") {
		t.Fatalf("at 80×24 the first finding does not fit, so the pane says more follows:\n%s", v)
	}
	for range 30 {
		hs.keys("down")
	}
	v = hs.view()
	if !strings.Contains(v, "Fix:") || strings.Contains(v, "↓ more") || !strings.Contains(v, "advice (") {
		t.Fatalf("scrolled to the end:\n%s", v)
	}
	top := hs.d.adviceTop
	hs.keys("down")
	if hs.d.adviceTop != top {
		t.Fatal("scrolled past the end")
	}
	hs.keys("up")
	if hs.d.adviceTop != top-1 || !strings.Contains(hs.view(), "↑") {
		t.Fatalf("up: %d", hs.d.adviceTop)
	}
}

func TestEventsScrollBack(t *testing.T) {
	hs := newHarness(t, uitest.ShopYAML, 80, 24)
	r := hs.start()
	for i := 1; i <= 20; i++ {
		s := snapshot(hs.sc, time.Duration(i)*time.Second, 0.5)
		s.Events = []string{fmt.Sprintf("event %02d", i)}
		hs.feed(r, s)
	}
	hs.focusOn(eventsPane)
	if v := hs.view(); !strings.Contains(v, "event 20") || strings.Contains(v, "event 01") {
		t.Fatalf("events:\n%s", v)
	}
	for range 30 {
		hs.keys("up")
	}
	if v := hs.view(); !strings.Contains(v, "event 01") || strings.Contains(v, "event 20") || !strings.Contains(v, "↓ newer") {
		t.Fatalf("scrolled back:\n%s", v)
	}
	for range 30 {
		hs.keys("down")
	}
	if hs.d.eventsBack != 0 || !strings.Contains(hs.view(), "event 20") {
		t.Fatalf("back to the newest: %d", hs.d.eventsBack)
	}
}

func TestHeatmapCursorShowsTheShardsOfACell(t *testing.T) {
	hs := newBigHarness(t, 80, 24)
	if hs.d.keys.Left.Enabled() {
		t.Fatal("← works before the shards have the keys")
	}
	hs.focusOn(shardsPane)
	pl := hs.d.shardsLayout()
	if pl.Labelled || pl.PerCell < 2 {
		t.Fatalf("1,000 shards at 80×24 should be grouped: %+v", pl)
	}
	units := bigSnapshot(hs.sc, 30).Nodes[1].Units
	best := 0
	for i, u := range units {
		if u > units[best] {
			best = i
		}
	}
	if hs.d.cursor != best {
		t.Fatalf("the cursor starts on shard %d, the busiest is %d", hs.d.cursor, best)
	}
	first, last := pl.Range(pl.Cell(best), len(units))
	if v := hs.view(); !strings.Contains(v, fmt.Sprintf("▸ %d–%d:", first, last)) || !strings.Contains(v, "◆") {
		t.Fatalf("no cell detail for %d–%d:\n%s", first, last, v)
	}
	hs.keys("right")
	if hs.d.cursor != last+1 {
		t.Fatalf("→ went to %d, want %d", hs.d.cursor, last+1)
	}
	hs.keys("left", "left")
	if want := first - pl.PerCell; hs.d.cursor != want {
		t.Fatalf("← ← went to %d, want %d", hs.d.cursor, want)
	}
	at := hs.d.cursor
	hs.keys("down")
	if want := at + pl.Cols*pl.PerCell; hs.d.cursor != want {
		t.Fatalf("↓ went to %d, want %d", hs.d.cursor, want)
	}
	for range 50 {
		hs.keys("up")
	}
	if hs.d.cursor >= pl.Cols*pl.PerCell {
		t.Fatalf("↑ never reached the first row: %d", hs.d.cursor)
	}
	if !strings.Contains(hs.help(), "←↑↓→ cell") {
		t.Fatalf("help: %s", hs.help())
	}
	// Leaving the pane hides the cursor and gives the legend its room back.
	hs.keys("tab")
	if v := hs.view(); strings.Contains(v, "◆") || strings.Contains(v, "▸") {
		t.Fatalf("the cursor shows on an unfocused map:\n%s", v)
	}
}

func TestHeatmapCursorOnLabelledShards(t *testing.T) {
	hs := newHarness(t, uitest.ShopYAML, 120, 30)
	r := hs.start()
	hs.feed(r, snapshot(hs.sc, 10*time.Second, 1.4))
	hs.focusOn(shardsPane)
	v := hs.view()
	if !strings.Contains(v, "1▸████████ 140% HOT") || !strings.Contains(v, "▸ shard 1: 140% HOT · hot key pk-0007") {
		t.Fatalf("cursor on the hot shard:\n%s", v)
	}
	hs.keys("right")
	if !strings.Contains(hs.view(), "▸ shard 2: 19%") {
		t.Fatalf("→:\n%s", hs.view())
	}
}

func TestNextStreamKey(t *testing.T) {
	const two = `version: 1
name: two
duration: 1m
producers:
  - id: p
    rate: 100/s
    to: [a, b]
storage:
  - id: a
    service: kinesis-data-streams
    shards: 2
  - id: b
    service: msk-serverless
    partitions: 3
consumers:
  - id: c
    service: app
    from: a
    to: [s]
  - id: d
    service: app
    from: b
    to: [s]
destinations:
  - id: s
    service: s3
`
	hs := newHarness(t, two, 120, 30)
	r := hs.start()
	s := pipeline.Snapshot{Time: time.Second, Duration: time.Minute}
	for _, n := range hs.sc.Nodes {
		ns := pipeline.NodeSnapshot{ID: n.ID, Stage: n.Stage}
		if n.ID == "a" {
			ns.Units = []float64{0.1, 0.2}
		}
		if n.ID == "b" {
			ns.Units = []float64{0.1, 0.2, 0.3}
		}
		s.Nodes = append(s.Nodes, ns)
	}
	hs.feed(r, s)
	if !strings.Contains(hs.view(), "shards · a (2)") || !strings.Contains(hs.help(), "n next stream") {
		t.Fatalf("first stream:\n%s\n%s", hs.view(), hs.help())
	}
	hs.keys("n")
	if !strings.Contains(hs.view(), "partitions · b (3)") {
		t.Fatalf("n:\n%s", hs.view())
	}
}

// help is the dashboard's full help, as the root's ? shows it.
func (hs *harness) help() string {
	var parts []string
	for _, col := range hs.d.FullHelp() {
		for _, b := range col {
			if b.Enabled() {
				parts = append(parts, b.Help().Key+" "+b.Help().Desc)
			}
		}
	}
	for _, b := range hs.d.ShortHelp() {
		if b.Enabled() {
			parts = append(parts, b.Help().Key+" "+b.Help().Desc)
		}
	}
	return strings.Join(parts, " · ")
}

// costly is a backend that says every run is big.
type costly struct {
	*fake.Backend
	cost backends.Cost
}

func (b costly) Estimate(context.Context, *pipeline.Scenario) (backends.Cost, error) {
	return b.cost, nil
}

// TestBigRunAsksFirst: a run estimated above about a minute or a gigabyte
// waits for enter (esc cancels); one below starts at once. Update never
// estimates itself: the estimate comes back in RunEstimatedMsg.
func TestBigRunAsksFirst(t *testing.T) {
	hs := newHarness(t, uitest.ShopYAML, 120, 30)
	b := costly{Backend: hs.b, cost: backends.Cost{Time: 3 * time.Minute, Bytes: 2 << 30}}
	hs.d.c.Backend = b
	hs.do(startMsg{hs.sc})
	if len(hs.b.Runs()) != 0 || !hs.d.CapturesInput() {
		t.Fatalf("a big run started without asking (%d runs)", len(hs.b.Runs()))
	}
	v := hs.view()
	if !strings.Contains(v, "shop is a big run: about 3m and 2.0 GiB") || !strings.Contains(v, "enter run it · esc cancel") {
		t.Fatalf("no question:\n%s", v)
	}
	hs.keys("esc")
	if len(hs.b.Runs()) != 0 || hs.d.CapturesInput() || hs.d.state != idle {
		t.Fatalf("esc: %d runs, state %v", len(hs.b.Runs()), hs.d.state)
	}
	hs.keys("r") // run again: asks again
	if len(hs.b.Runs()) != 0 || !hs.d.CapturesInput() {
		t.Fatal("r did not ask")
	}
	hs.keys("enter")
	if len(hs.b.Runs()) != 1 || hs.d.state != running {
		t.Fatalf("enter: %d runs, state %v", len(hs.b.Runs()), hs.d.state)
	}
	// Below the bound it just starts.
	b.cost = backends.Cost{Time: time.Second, Bytes: 50 << 20}
	hs.d.c.Backend = b
	hs.do(startMsg{hs.sc})
	if len(hs.b.Runs()) != 2 || hs.d.CapturesInput() {
		t.Fatalf("a small run: %d runs, asking %v", len(hs.b.Runs()), hs.d.CapturesInput())
	}
}
