package dashboard

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/streamsim/streamsim/backends"
	"github.com/streamsim/streamsim/backends/fake"
	simbackend "github.com/streamsim/streamsim/backends/sim"
	"github.com/streamsim/streamsim/internal/golden"
	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/sim"
	"github.com/streamsim/streamsim/ui/common"
	"github.com/streamsim/streamsim/ui/components/chart"
	"github.com/streamsim/streamsim/ui/uitest"
)

const wait = 5 * time.Second

// startNow carries a start through: the estimate, then the run's start.
func startNow(d *Model, cmd tea.Cmd) {
	for _, m := range uitest.RunCmd(cmd, wait) {
		if _, ok := m.(RunEstimatedMsg); ok {
			startNow(d, d.Update(m))
			continue
		}
		d.Update(m)
	}
}

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
		switch m := m.(type) {
		case common.StatusPostedMsg, common.BuilderRequestedMsg, common.SaveRequestedMsg:
			hs.out = append(hs.out, m)
			continue
		case startMsg:
			queue = append(queue, uitest.RunCmd(hs.d.Start(m.sc, ""), time.Second)...)
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
		case "orders":
			// The producer's view of the stream's refusals, as the engine
			// reports it: the throughput pane must not add it again.
			ns.Throttled = math.Max(0, (hot-1)*1000)
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
	thr := math.Max(0, (hot-1)*1000) // the stream's refusals, the only ones
	s.Pipeline = pipeline.PipelineSnapshot{
		Produced: 2000 * sec, Delivered: 1900 * sec, Lost: 12, InFlight: 2000, Throttled: thr * sec,
		ProducedRate: 2000, DeliveredRate: 1900, ThrottledRate: thr, LatencyP50: 1.2, LatencyP99: 61, LatencyMax: 75, CostMonthly: 412,
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
	hs.typeText("16") // more than double: UpdateShardCount refuses it
	if v := hs.view(); !strings.Contains(flat(v), "UpdateShardCount to 16 refused: a call can at most double or halve the shard count (4 shards now: 2 to 8 in one call)") {
		t.Fatalf("no refusal:\n%s", v)
	}
	hs.keys("enter")
	if len(r.Applied()) != 0 || !hs.d.CapturesInput() || strings.Contains(hs.view(), "update-shard-count") {
		t.Fatalf("a refused reshard was sent (%d) or its CLI shown:\n%s", len(r.Applied()), hs.view())
	}
	hs.keys("backspace", "backspace")
	hs.typeText("8")
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
	for _, step := range []string{"k", "stream.shards=2", "enter", "k", "orders.rate=3000/s", "enter", "f", "down", "enter", "30s", "enter"} {
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
	rec := Recording(sc, d.Recorded(), 0)
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
	// The refusal rate is over the interval since the previous snapshot,
	// as the nodes' rates are: the replay takes one snapshot, the live run
	// many. Totals and per-tick rates must agree.
	got := last.Pipeline
	got.ThrottledRate, want.ThrottledRate = 0, 0
	if got != want {
		t.Fatalf("live %+v\nreplay %+v\n%s", last.Pipeline, want, data)
	}
}

// longLesson is the shop scenario with more lesson than a pane holds.
var longLesson = strings.Replace(uitest.ShopYAML, "lesson:\n  steps:\n", `lesson:
  steps:
    - say: "Before anything, look at the four columns: producers, stream storage, consumers and destinations, as AWS draws them."
      at: 5s
`, 1) + `    - say: "At ninety seconds the copier has fallen behind; its iterator age tells by how much."
      at: 90s
    - say: Save the session with R and replay it headlessly with streamsim run.
`

// The lesson follows the step under way (▶), not the last lines, and
// scrolls with ↑/↓; a new step brings it back to follow. The steps count
// as 3/7.
func TestLessonPanel(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {160, 48}} {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			hs := newHarness(t, longLesson, sz[0], sz[1])
			r := hs.start()
			hs.feed(r, snapshot(hs.sc, 30*time.Second, 0.5))
			hs.keys("l")
			v := hs.view()
			if !strings.Contains(v, "lesson · step 2/6") || !strings.Contains(v, "▶ 2/6 (0:00:10) One customer") || !strings.Contains(v, "○ 3/6 (0:01:00)") {
				t.Fatalf("at 0:30:\n%s", v)
			}
			if !strings.Contains(hs.help(), "↑↓ scroll") {
				t.Fatalf("the lesson does not scroll: %s", hs.help())
			}
			hs.feed(r, snapshot(hs.sc, 95*time.Second, 0.5))
			v = hs.view()
			// A step without a time follows the one before it: both show, the
			// timed one at the top.
			if !strings.Contains(v, "lesson · step 6/6") || !strings.Contains(v, "● 5/6 (0:01:30) At ninety seconds") || !strings.Contains(v, "▶ 6/6 Save the session") {
				t.Fatalf("at 1:35:\n%s", v)
			}
			if sz[0] == 80 { // the pane holds less than the lesson: the step under way is at its top
				if strings.Contains(v, "One customer") || !strings.Contains(v, "lesson · step 6/6 ↑") {
					t.Fatalf("the step under way is not at the top:\n%s", v)
				}
				for range 20 {
					hs.keys("up")
				}
				if v := hs.view(); !strings.Contains(v, "● 1/6 (0:00:05) Before anything") || !strings.Contains(v, "↓ more") {
					t.Fatalf("↑ did not scroll back:\n%s", v)
				}
				hs.feed(r, snapshot(hs.sc, 100*time.Second, 0.5))
				if v := hs.view(); !strings.Contains(v, "● 1/6 (0:00:05) Before anything") {
					t.Fatalf("a snapshot undid the scroll:\n%s", v)
				}
			}
			hs.keys("l")
			if strings.Contains(hs.view(), "One customer") || strings.Contains(hs.view(), "ninety seconds") {
				t.Fatal("l did not go back to the events")
			}
		})
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
		for _, mode := range []string{"", "l", "f", "tab", "tab", "tab", "c", "n"} {
			if mode != "" {
				hs.keys(mode)
			}
			uitest.CheckFits(t, hs.d.View(), sz[0], sz[1]-2)
			switch mode {
			case "f":
				hs.keys("esc")
			case "l":
				hs.keys("l")
			case "n":
				hs.keys("c")
			}
		}
		charts := newChartsHarness(t, sz[0], sz[1]-2)
		for range charts.sc.Nodes {
			uitest.CheckFits(t, charts.d.View(), sz[0], sz[1]-2)
			charts.keys("n")
		}
		big.keys("c")
		uitest.CheckFits(t, big.d.View(), sz[0], sz[1]-2)
		big.keys("c")
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
		Pipeline: pipeline.PipelineSnapshot{Produced: 5e5 * float64(i), Delivered: 4.9e5 * float64(i), CostMonthly: 51234,
			Throttled: 1200 * float64(i), ThrottledRate: 1200}}
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
	startNow(d, d.Start(sc, ""))
	r := fb.Runs()[0]
	// A snapshot every 5 s for 50 minutes: the charts' history has merged
	// its buckets twice and holds the whole run.
	for i := 1; i <= 600; i++ {
		s := bigSnapshot(sc, 5*i)
		s.Events = []string{fmt.Sprintf("0:%02d:%02d events: %d writes throttled", 5*i/60, 5*i%60, i)}
		r.Send(s)
		for _, m := range uitest.RunCmd(waitForSnapshotCmd(r), wait) {
			d.Update(m)
		}
	}
	if len(d.Findings()) == 0 {
		b.Fatal("no findings to draw")
	}
	// lipgloss v2 renders one form, in full colour, whatever the terminal
	// (the program lowers it to the terminal's profile as it draws), so a
	// frame costs the same under NO_COLOR.
	for _, focus := range []pane{advicePane, shardsPane} {
		b.Run(focus.String(), func(b *testing.B) {
			d.focusPane(focus)
			for b.Loop() {
				_ = d.View()
			}
		})
	}
	// The charts view is drawn from the history on every frame (nothing
	// cached): the records/s strips, the 1,000 shards' heat strip, lag and
	// latency.
	b.Run("charts", func(b *testing.B) {
		d.charts = true
		defer func() { d.charts = false }()
		if v := d.View(); !strings.Contains(v, "shards × time") || !strings.Contains(v, "end-to-end latency") {
			b.Fatalf("not the charts view:\n%s", uitest.Plain(v))
		}
		for b.Loop() {
			_ = d.View()
		}
	})
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
	if hs.d.state != finished || !strings.Contains(hs.view(), "Hot key") {
		t.Fatalf("state %v\n%s", hs.d.state, hs.view())
	}
	n := len(hs.d.Findings())
	hs.d.Update(SnapshotReadyMsg{RunID: r.ID(), Snap: snapshot(hs.sc, 3*time.Minute, 0.1)})
	if len(hs.d.Findings()) != n {
		t.Fatal("a finished advisor changed its findings")
	}
	// Running again starts a new run, with its own advisor.
	hs.keys("r")
	if len(hs.d.Findings()) != 0 {
		t.Fatalf("after r: %d findings", len(hs.d.Findings()))
	}
}

// TestFindingsOrder: the most severe first and, within a severity, the newest first.
func TestFindingsOrder(t *testing.T) {
	list := []pipeline.Finding{
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

// A bracketed paste (tea.PasteMsg in Bubble Tea v2) goes into the prompt's
// field and is checked as typing is; with no prompt open it does nothing.
func TestPasteIntoThePrompt(t *testing.T) {
	hs := newHarness(t, uitest.ShopYAML, 120, 30)
	r := hs.start()
	hs.feed(r, snapshot(hs.sc, 42*time.Second, 0.5))
	hs.do(tea.PasteMsg{Content: "stream.shards=99999"})
	if hs.d.CapturesInput() {
		t.Fatal("a paste opened a prompt")
	}
	hs.keys("k")
	hs.do(tea.PasteMsg{Content: "stream.shards=99999"})
	if !strings.Contains(hs.view(), "out of range") {
		t.Fatalf("the pasted text is not checked:\n%s", hs.view())
	}
}

// flat joins the words of a view's lines that have no pane border: the
// footer, whose refusals wrap whole onto lines of their own.
func flat(v string) string {
	var words []string
	for _, l := range strings.Split(v, "\n") {
		if !strings.ContainsAny(l, "│┃") {
			words = append(words, strings.Fields(l)...)
		}
	}
	return strings.Join(words, " ")
}

// A change the run refuses (the engine judges what only it knows: a reshard
// still UPDATING, the calls of the last 24 h) shows the refusal whole, even
// at 80 columns, and no AWS CLI line; it is not recorded.
func TestRefusedChangeShowsNoCLI(t *testing.T) {
	hs := newHarness(t, uitest.ShopYAML, 80, 24)
	r := hs.start()
	hs.feed(r, snapshot(hs.sc, 10*time.Second, 0.5))
	r.ApplyErr = &pipeline.ResizeError{Op: "UpdateShardCount", Want: 6, Reason: "the stream is still UPDATING",
		Hint: "one call at a time: wait until the last one is done"}
	hs.keys("t")
	hs.typeText("6")
	hs.keys("enter")
	v := hs.view()
	if strings.Contains(v, "update-shard-count") || len(hs.d.Recorded()) != 0 {
		t.Fatalf("a refused change shows its CLI or was recorded:\n%s", v)
	}
	var events []string // the words inside the right-hand panes
	for _, l := range strings.Split(v, "\n") {
		if r := []rune(l); len(r) == 80 && strings.ContainsRune("│┃", r[40]) {
			events = append(events, strings.Fields(string(r[41:79]))...)
		}
	}
	if got := strings.Join(events, " "); !strings.Contains(got, "✗ UpdateShardCount to 6 refused: the stream is still UPDATING (one call at a time: wait until the last one is done)") {
		t.Fatalf("the refusal is not there whole: %q\n%s", got, v)
	}
	// The run's advisor is told (by the run): the next snapshot's advice
	// says the run went on without it.
	hs.feed(r, snapshot(hs.sc, 11*time.Second, 0.5))
	var told bool
	for _, f := range hs.d.Findings() {
		told = told || strings.Contains(f.Problem, "UpdateShardCount to 6 refused")
	}
	if !told {
		t.Errorf("the advisor was not told of the refusal: %+v", hs.d.Findings())
	}
}

// R in the middle of a run records the session up to where the run stands:
// its duration is set there, and a headless run of it ends exactly where
// the dashboard stood, not at the scenario's end.
func TestRecordingStopsWhereTheRunStood(t *testing.T) {
	sc := uitest.Load(t, "shop", uitest.ShopYAML)
	store := uitest.NewMemStore(nil)
	d := New(uitest.Common(simbackend.New(simbackend.Options{Paused: true}), store))
	d.SetSize(120, 30)
	var last pipeline.Snapshot
	take := func(cmd tea.Cmd) { // one snapshot; its answer (the next listener) is left behind
		for _, m := range uitest.RunCmd(cmd, wait) {
			if s, ok := m.(SnapshotReadyMsg); ok {
				last = s.Snap
			}
			d.Update(m)
		}
	}
	startNow(d, d.Start(sc, ""))
	d.Update(uitest.Key(" ")) // paused: from here the run moves only by steps
	step := func(n int) {
		for range n {
			d.Update(uitest.Key("."))
			take(waitForSnapshotCmd(d.run))
		}
	}
	step(20)
	for _, k := range append(append([]string{"k"}, strings.Split("orders.rate=3000/s", "")...), "enter") {
		for _, m := range uitest.RunCmd(d.Update(uitest.Key(k)), wait) {
			d.Update(m)
		}
	}
	step(25)
	if last.Done || last.Time >= sc.Duration || len(d.Recorded()) != 1 {
		t.Fatalf("at %v (done %v) with %d change(s)", last.Time, last.Done, len(d.Recorded()))
	}
	var msgs []tea.Msg
	for _, k := range []string{"R", "enter"} {
		msgs = uitest.RunCmd(d.Update(uitest.Key(k)), wait)
	}
	for _, m := range msgs {
		msgs = append(msgs, uitest.RunCmd(d.Update(m), wait)...)
	}
	data, ok := store.Get("shop-session.yaml")
	if !ok {
		t.Fatalf("not saved: %v", msgs)
	}
	var status string
	for _, m := range msgs {
		if s, ok := m.(common.StatusPostedMsg); ok {
			status = s.Text
		}
	}
	if want := "replays it up to " + common.Clock(last.Time) + ", where the run stood"; !strings.Contains(status, want) {
		t.Fatalf("the status does not say where the session stops: %q (want %q)", status, want)
	}
	replay, err := pipeline.Load("replay.yaml", []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	if replay.Duration != last.Time {
		t.Fatalf("duration %v, want %v (where the run stood)", replay.Duration, last.Time)
	}
	e, err := sim.New(replay)
	if err != nil {
		t.Fatal(err)
	}
	e.RunToEnd()
	got, want := e.Snapshot().Pipeline, last.Pipeline
	if got.Produced != want.Produced || got.Delivered != want.Delivered || got.Lost != want.Lost || got.InFlight != want.InFlight {
		t.Fatalf("replay ends at\n%+v\nthe dashboard stood at\n%+v\n%s", got, want, data)
	}
	// The file's 1m entry and its 1m lesson step were never reached; the
	// step without a time stays.
	if len(replay.Timeline) != 1 || len(replay.Lesson) != 2 {
		t.Fatalf("timeline %+v lesson %+v", replay.Timeline, replay.Lesson)
	}
}

// tab in the session's path prompt completes from the files there.
func TestRecordPromptCompletes(t *testing.T) {
	hs := newHarness(t, uitest.ShopYAML, 80, 24)
	hs.store.Files["sessions/monday.yaml"] = []byte("x")
	hs.store.Files["sessions/tuesday.yaml"] = []byte("x")
	hs.start()
	hs.keys("R", "ctrl+u")
	hs.typeText("ses")
	hs.keys("tab")
	if got := hs.d.input.Value(); got != "sessions/" {
		t.Fatalf("tab: %q", got)
	}
	hs.keys("tab")
	if v := hs.view(); !strings.Contains(v, "tab: monday.yaml  tuesday.yaml") {
		t.Fatalf("choices:\n%s", v)
	}
	hs.typeText("m")
	hs.keys("tab")
	if got := hs.d.input.Value(); got != "sessions/monday.yaml" {
		t.Fatalf("tab after m: %q", got)
	}
	if !strings.Contains(hs.help(), "tab complete") {
		t.Fatalf("help: %s", hs.help())
	}
}

// Firehose delivers in flushes: between two, nothing reaches the lake. The
// out figure is an average over a window that spans the flushes (the
// buffer's 300 s interval here), so it does not read 0/s while records flow.
func TestOutIsAnAverageAcrossFlushes(t *testing.T) {
	hs := newHarness(t, uitest.ShopYAML, 80, 24)
	r := hs.start()
	if hs.d.avgWindow != 300*time.Second {
		t.Fatalf("window %v, want the buffer's 300 s", hs.d.avgWindow)
	}
	var delivered float64
	for sec := 1; sec <= 400; sec++ {
		s := snapshot(hs.sc, time.Duration(sec)*time.Second, 0.5)
		if sec%60 == 0 { // a flush of the minute's records
			delivered += 60 * 1000
		}
		s.Pipeline.Produced, s.Pipeline.Delivered = 1000*float64(sec), delivered
		hs.feed(r, s)
	}
	v := hs.view()
	if !strings.Contains(v, "out    1,000/s") || !strings.Contains(v, "avg 5m") {
		t.Fatalf("between flushes (the last at 6:00, now 6:40):\n%s", v)
	}
}

// chartsYAML is the shop scenario an hour long, for the charts.
var chartsYAML = strings.Replace(uitest.ShopYAML, "duration: 2m", "duration: 1h", 1)

// Times of what the charts must show, in seconds.
const (
	spikeFrom, spikeTo   = 600, 720   // the producer triples its rate: the stream throttles
	outageFrom, outageTo = 1500, 1800 // delivery fails: the stream's readers take half
	reshardAt            = 2100       // 4 → 8 shards
	chartsEnd            = 2400       // the run stands at 40 minutes
)

// outageRun is a run of chartsYAML with a spike and an outage, a snapshot
// every 10 s: hand-made, so that the goldens do not move with the engine.
func outageRun(sc *pipeline.Scenario) []pipeline.Snapshot {
	var out []pipeline.Snapshot
	var produced, delivered, lost, lag float64
	for sec := 10; sec <= chartsEnd; sec += 10 {
		spike := sec > spikeFrom && sec <= spikeTo
		outage := sec > outageFrom && sec <= outageTo
		rate, accepted, thr := 2000.0, 2000.0, 0.0
		if spike {
			rate, accepted, thr = 6000, 4000, 2000
			lost += 200 * 10 // retries run out for some
		}
		units := []float64{0.5, 1.0, 0.4, 0.45}
		if spike {
			units = []float64{1.0, 1.9, 0.9, 0.95}
		}
		if sec > reshardAt {
			units = []float64{0.25, 0.3, 1.0, 0.2, 0.2, 0.25, 0.22, 0.2}
		}
		deliveryIn := accepted
		if outage {
			deliveryIn = 0
			lag += accepted * 10
		} else if lag > 0 {
			deliveryIn = accepted + min(lag/10, 2000)
			lag -= min(lag, 2000*10)
		}
		produced += rate * 10
		delivered += (deliveryIn + accepted) * 10
		s := pipeline.Snapshot{Time: time.Duration(sec) * time.Second, Duration: sc.Duration}
		for _, n := range sc.Nodes {
			ns := pipeline.NodeSnapshot{ID: n.ID, Service: n.Service.Name, Stage: n.Stage}
			switch n.ID {
			case "orders":
				ns.InRate, ns.OutRate, ns.Throttled, ns.Lost = rate, accepted, thr, lost
			case "stream":
				ns.InRate, ns.OutRate, ns.Throttled, ns.Units = accepted, deliveryIn+accepted, thr, units
				ns.Lag, ns.IterAge = lag, lag/2000
			case "delivery":
				ns.InRate, ns.OutRate, ns.Lag, ns.IterAge, ns.Failed = deliveryIn, deliveryIn, lag, lag/2000, outage
			case "copier", "table":
				ns.InRate, ns.OutRate = accepted, accepted
			case "lake":
				ns.InRate = deliveryIn
			}
			s.Nodes = append(s.Nodes, ns)
		}
		p99 := 2.0
		if sec > outageFrom {
			p99 = 300
		}
		s.Pipeline = pipeline.PipelineSnapshot{Produced: produced, Delivered: delivered, Lost: lost,
			ProducedRate: rate, DeliveredRate: deliveryIn + accepted, LatencyP50: 1.2, LatencyP99: p99, CostMonthly: 412}
		out = append(out, s)
	}
	return out
}

func newChartsHarness(t *testing.T, w, h int) *harness {
	t.Helper()
	hs := newHarness(t, chartsYAML, w, h)
	r := hs.start()
	for _, s := range outageRun(hs.sc) {
		hs.feed(r, s)
	}
	hs.keys("c")
	return hs
}

// TestGoldenCharts draws the charts view of a run with a spike and an
// outage, on the stream and on the Firehose that failed.
func TestGoldenCharts(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {160, 48}} {
		for _, node := range []string{"stream", "delivery"} {
			t.Run(fmt.Sprintf("%s-%dx%d", node, sz[0], sz[1]), func(t *testing.T) {
				hs := newChartsHarness(t, sz[0], sz[1])
				for hs.d.chartNode().ID != node {
					hs.keys("n")
				}
				v := hs.d.View()
				uitest.CheckFits(t, v, sz[0], sz[1])
				golden.Check(t, "testdata/"+t.Name()+".golden", uitest.Plain(v))
			})
		}
	}
}

// strip is a chart strip read off the screen: per plot column, how high it
// is filled (eighths of a row, all rows added), and the time each column
// starts at, read from the axis' labels.
type strip struct {
	height []int
	at     []float64 // seconds
	col    float64   // seconds a column covers
}

var eighths = map[rune]int{' ': 0, '▁': 1, '▂': 2, '▃': 3, '▄': 4, '▅': 5, '▆': 6, '▇': 7, '█': 8}

// readStrip finds the strip named name in the first chart pane of a plain
// view (its label at the pane's left, its plot after the "│" that ends the
// labels) and the axis under that pane.
func readStrip(t *testing.T, view, name string) strip {
	t.Helper()
	lines := strings.Split(view, "\n")
	const plot = 1 + chart.LabelWidth + 1 // pane border, labels, "│"
	var s strip
	found := false
	for i, l := range lines {
		r := []rune(l)
		if len(r) < plot+2 || r[0] != '│' {
			continue
		}
		label := strings.TrimSpace(string(r[1 : 1+chart.LabelWidth]))
		switch {
		case !found && strings.HasPrefix(label, name+" "):
			found = true
			s.height = make([]int, 0)
			end := strings.IndexRune(string(r[plot:]), '│')
			cols := len([]rune(string(r[plot:])[:end]))
			s.height = make([]int, cols)
			for j := i; j < len(lines); j++ {
				rj := []rune(lines[j])
				lj := strings.TrimSpace(string(rj[1 : 1+chart.LabelWidth]))
				if j > i && (lj != "" && lj != "0" || rj[plot-1] != '│') {
					break
				}
				for c := range cols {
					s.height[c] += eighths[rj[plot+c]]
				}
			}
		case found && strings.Contains(l, "└"):
			s.col = readAxis(t, []rune(lines[i+1]), plot, len(s.height))
			for c := range s.height {
				s.at = append(s.at, float64(c)*s.col)
			}
			return s
		}
	}
	t.Fatalf("no strip %q with an axis:\n%s", name, view)
	return s
}

// readAxis reads the labels line of an axis whose plot starts at rune plot
// and is cols wide, and returns the seconds a column covers.
func readAxis(t *testing.T, labels []rune, plot, cols int) float64 {
	t.Helper()
	pos := map[string]int{}
	for c := plot; c < plot+cols && c < len(labels); c++ {
		if labels[c-1] == ' ' && labels[c] != ' ' {
			pos[strings.Fields(string(labels[c:]))[0]] = c - plot
		}
	}
	// Seconds per column from the farthest label: a tick stands at the
	// column nearest its time, so the error is half a column over the
	// whole axis.
	far, farCol := 0.0, 0
	for w, c := range pos {
		if sec := axisSeconds(t, w); sec > far {
			far, farCol = sec, c
		}
	}
	if c0, ok := pos["0"]; !ok || c0 != 0 || far == 0 {
		t.Fatalf("the axis does not start at 0 or has no other label: %q", string(labels))
	}
	col := far / float64(farCol)
	for w, c := range pos { // every label where its time says
		if d := float64(c)*col - axisSeconds(t, w); d > col || d < -col {
			t.Fatalf("%s is at column %d (%.0f s a column)", w, c, col)
		}
	}
	return col
}

// axisSeconds reads an axis label: 0, 45s, 10m, 1m30, 2h, 1h30.
func axisSeconds(t *testing.T, w string) float64 {
	t.Helper()
	var h, m, sec int
	switch {
	case w == "0" || w == "sim":
		return 0
	case strings.Contains(w, "h"):
		fmt.Sscanf(w, "%dh%d", &h, &m)
	case strings.Contains(w, "m"):
		fmt.Sscanf(w, "%dm%d", &m, &sec)
	default:
		fmt.Sscanf(w, "%ds", &sec)
	}
	return float64(h*3600 + m*60 + sec)
}

// columnsOff returns the times of the columns whose height differs from
// the most common one in the run, up to the run's end: higher (up) or
// lower.
func (s strip) columnsOff(up bool, end float64) []float64 {
	count := map[int]int{}
	for c, h := range s.height {
		if s.at[c]+s.col <= end {
			count[h]++
		}
	}
	normal, best := 0, -1
	for h, n := range count {
		if n > best {
			normal, best = h, n
		}
	}
	var out []float64
	for c, h := range s.height {
		if s.at[c]+s.col > end {
			break
		}
		if up && h > normal || !up && h < normal {
			out = append(out, s.at[c])
		}
	}
	return out
}

// The charts show the spike and the outage where they happened on the
// simulated clock, at both sizes: a test reads the columns off the screen
// and the times off the axis.
func TestChartsShowWhenThingsHappened(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {160, 48}} {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			hs := newChartsHarness(t, sz[0], sz[1])
			v := hs.view()
			within := func(what string, at []float64, from, to, col float64) {
				t.Helper()
				if len(at) == 0 {
					t.Fatalf("%s: no column shows it:\n%s", what, v)
				}
				inside := false
				for _, a := range at {
					if a+col < from || a > to {
						t.Errorf("%s: a column at %.0f s, outside %.0f–%.0f s", what, a, from, to)
					}
					if a >= from-col/2 && a+col <= to+col/2 {
						inside = true
					}
				}
				if !inside {
					t.Errorf("%s: no column inside %.0f–%.0f s (%v)", what, from, to, at)
				}
			}
			in := readStrip(t, v, "in")
			within("the spike (stream in)", in.columnsOff(true, chartsEnd), spikeFrom, spikeTo, in.col)
			thr := readStrip(t, v, "throttled")
			within("the spike (throttled)", thr.columnsOff(true, chartsEnd), spikeFrom, spikeTo, thr.col)
			out := readStrip(t, v, "out")
			within("the outage (stream out)", out.columnsOff(false, chartsEnd), outageFrom, outageTo, out.col)
			// The heat strip: the shards the reshard added start at 35m.
			lines := strings.Split(v, "\n")
			seen := false
			for i, l := range lines {
				r := []rune(l)
				if len(r) < 20 || r[0] != '│' || strings.TrimSpace(string(r[1:17])) != "7" {
					continue
				}
				seen = true
				plot := r[18:]
				cols := 0
				for cols < len(plot) && plot[cols] != '│' {
					cols++
				}
				j := i
				for !strings.Contains(lines[j], "└") {
					j++
				}
				col := readAxis(t, []rune(lines[j+1]), 18, cols)
				first := 0
				for first < cols && plot[first] == ' ' {
					first++
				}
				if at := float64(first) * col; first == cols || at < reshardAt-col || at > reshardAt+col {
					t.Errorf("shard 7 starts at %.0f s (column %d of %.0f s), the reshard is at %d s", at, first, col, reshardAt)
				}
			}
			if !seen {
				t.Fatalf("no row for shard 7:\n%s", v)
			}
		})
	}
	// The delivery stream itself: its in and out stop for the outage.
	hs := newChartsHarness(t, 160, 48)
	for hs.d.chartNode().ID != "delivery" {
		hs.keys("n")
	}
	v := hs.view()
	out := readStrip(t, v, "out")
	var zero []float64
	for c, h := range out.height {
		if out.at[c]+out.col <= chartsEnd && h == 0 {
			zero = append(zero, out.at[c])
		}
	}
	if len(zero) == 0 || zero[0] < outageFrom-out.col || zero[len(zero)-1] > outageTo {
		t.Fatalf("delivery's out is not 0 over the outage: %v", zero)
	}
}

// c shows the charts, n and N pick the node, c goes back; the keys of the
// live view's panes do not work on the charts and the help says so; f
// brings the live view back, where its list of nodes stands.
func TestChartsKeys(t *testing.T) {
	hs := newHarness(t, uitest.ShopYAML, 80, 24)
	r := hs.start()
	hs.feed(r, snapshot(hs.sc, 10*time.Second, 0.5))
	if v := hs.view(); strings.Contains(v, "records/s ·") || !strings.Contains(hs.help(), "c charts") {
		t.Fatalf("the live view:\n%s\n%s", v, hs.help())
	}
	hs.keys("c")
	if v := hs.view(); !strings.Contains(v, "records/s · stream (KDS) · 2/6 n next") || !strings.Contains(v, "shards × time · stream") {
		t.Fatalf("c:\n%s", v)
	}
	help := hs.help()
	if !strings.Contains(help, "c live view") || !strings.Contains(help, "n next node") || strings.Contains(help, "tab ") || strings.Contains(help, "l lesson") {
		t.Fatalf("help on the charts: %s", help)
	}
	hs.keys("n")
	if v := hs.view(); !strings.Contains(v, "records/s · delivery (Firehose) · 3/6") || !strings.Contains(v, "lag · iterator age · delivery") {
		t.Fatalf("n:\n%s", v)
	}
	hs.keys("N", "N", "N")
	if v := hs.view(); !strings.Contains(v, "records/s · table (DDB) · 6/6") && !strings.Contains(v, "records/s · table") {
		t.Fatalf("N N N:\n%s", v)
	}
	hs.keys("f")
	if v := hs.view(); !strings.Contains(v, "fail which node?") {
		t.Fatalf("f on the charts:\n%s", v)
	}
}

// Under NO_COLOR the screen is its text (goldens and these tests strip the
// colours): every marker a colour gives also has its glyph or word.
func TestMarkersReadWithoutColour(t *testing.T) {
	hs := newHarness(t, uitest.ShopYAML, 160, 48)
	r := hs.start()
	s := snapshot(hs.sc, 20*time.Second, 1.6)
	s.Node("delivery").Failed = true
	s.Events = []string{"0:00:20 delivery: fails for 5m"}
	hs.feed(r, s)
	for i := 21; i <= 30; i++ {
		s := snapshot(hs.sc, time.Duration(i)*time.Second, 1.6)
		s.Node("delivery").Failed = true
		hs.feed(r, s)
	}
	r.ApplyErr = errors.New("boom")
	hs.keys("k")
	hs.typeText("orders.rate=10/s")
	hs.keys("enter")
	v := hs.view()
	for _, want := range []string{
		"160% HOT",            // a hot shard
		"1 HOT",               // the summary
		"▲ behind 120%",       // a consumer that cannot keep up
		"✖ stream · critical", // the advisor's severity
		"✗ boom",              // an error in the events
		"▶ running",           // the run's state
		"✗ FAILED",            // a failed node
	} {
		if !strings.Contains(v, want) {
			t.Errorf("no %q without colour:\n%s", want, v)
		}
	}
	hs.keys("c")
	v = hs.view()
	if !strings.Contains(v, "░<50% ▒<80% ▓<100% █ HOT") || !strings.Contains(v, "█") {
		t.Errorf("the heat strip's shades:\n%s", v)
	}
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
