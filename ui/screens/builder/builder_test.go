package builder

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/streamsim/streamsim/backends/fake"
	simbackend "github.com/streamsim/streamsim/backends/sim"
	"github.com/streamsim/streamsim/internal/golden"
	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/ui/common"
	"github.com/streamsim/streamsim/ui/uitest"
)

type harness struct {
	t     *testing.T
	m     *Model
	store *uitest.MemStore
	out   []tea.Msg
	est   *stubEstimator
}

// stubEstimator answers estimates with fixed numbers (goldens must not move
// when the engine does) and remembers what it was asked.
type stubEstimator struct {
	mu    sync.Mutex
	calls []*pipeline.Scenario
	ctxs  []context.Context
}

func (s *stubEstimator) estimate(ctx context.Context, sc *pipeline.Scenario) (common.Estimate, error) {
	s.mu.Lock()
	s.calls = append(s.calls, sc)
	s.ctxs = append(s.ctxs, ctx)
	n := len(s.calls)
	s.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return common.Estimate{}, err
	}
	return common.Estimate{
		Simulated: 2 * time.Minute, CostMonthly: 400 + float64(n), P99: 2.1, Delivered: 1000,
		Findings: []common.Finding{
			{Severity: pipeline.SeverityCritical, Node: "stream", Problem: "one key of orders carries 60% of its records; a shard takes 1,000 records/s whatever the shard count", Fix: "salt the key."},
			{Severity: pipeline.SeverityInfo, Node: "copier", Problem: "Idle capacity: copier peaks at 9% of its capacity.", Fix: "set copier.parallelization to 1."},
		},
	}, nil
}

func (s *stubEstimator) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.calls)
}

func newHarness(t *testing.T, yaml, path string) *harness {
	t.Helper()
	hs := &harness{t: t, store: uitest.NewMemStore(nil), est: &stubEstimator{}}
	c := uitest.Common(&fake.Backend{}, hs.store)
	c.Estimate = hs.est.estimate
	hs.m = New(c)
	hs.m.SetSize(120, 30)
	var sc *pipeline.Scenario
	if yaml != "" {
		sc = uitest.Load(t, "shop", yaml)
	} else {
		sc = &pipeline.Scenario{Version: 1, Name: "new-pipeline", Seed: 1, Duration: time.Hour, Tick: time.Second, Region: "us-east-1"}
	}
	hs.feed(hs.m.Load(sc, path))
	return hs
}

// feed runs cmd and gives the builder its own answers (saves, estimates);
// the rest are for the root and kept in out.
func (hs *harness) feed(cmd tea.Cmd) {
	hs.t.Helper()
	queue := uitest.RunCmd(cmd, time.Second)
	for len(queue) > 0 {
		r := queue[0]
		queue = queue[1:]
		switch r.(type) {
		case ScenarioSavedMsg, EstimateReadyMsg, pathCompletedMsg:
			queue = append(queue, uitest.RunCmd(hs.m.Update(r), time.Second)...)
			continue
		}
		hs.out = append(hs.out, r)
	}
}

// keys presses keys (words of more than one rune that are not key names are
// typed) and feeds the builder's own answers back to it.
func (hs *harness) keys(ks ...string) {
	hs.t.Helper()
	named := map[string]bool{"enter": true, "esc": true, "up": true, "down": true, "left": true, "right": true,
		"tab": true, "shift+tab": true, "backspace": true, "ctrl+u": true, "ctrl+r": true, "ctrl+n": true, "ctrl+p": true, "ctrl+j": true}
	for _, k := range ks {
		var msgs []tea.Msg
		if len([]rune(k)) > 1 && !named[k] {
			msgs = uitest.Type(k)
		} else {
			msgs = []tea.Msg{uitest.Key(k)}
		}
		for _, msg := range msgs {
			hs.feed(hs.m.Update(msg))
		}
	}
}

func (hs *harness) last() tea.Msg {
	if len(hs.out) == 0 {
		return nil
	}
	return hs.out[len(hs.out)-1]
}

func (hs *harness) lastStatus() common.StatusPostedMsg {
	for i := len(hs.out) - 1; i >= 0; i-- {
		if s, ok := hs.out[i].(common.StatusPostedMsg); ok {
			return s
		}
	}
	return common.StatusPostedMsg{}
}

func (hs *harness) view() string { return uitest.Plain(hs.m.View()) }

func TestBuildAPipelineFromNothing(t *testing.T) {
	hs := newHarness(t, "", "")
	if len(hs.m.Problems()) == 0 || hs.m.keys.Run.Help().Desc != "✗ run" {
		t.Fatal("an empty pipeline should not be runnable")
	}
	hs.keys("r")
	if st := hs.lastStatus(); !st.Err || !strings.Contains(st.Text, "can't run: 1 problem(s) to fix first: producers: at least one producer is required") {
		t.Fatalf("r on an empty pipeline: %+v", st)
	}
	// producers: add one
	hs.keys("a")
	if !strings.Contains(hs.view(), "add to Producers") {
		t.Fatalf("add list:\n%s", hs.view())
	}
	hs.keys("enter")
	// storage: Kinesis Data Streams is the first offered
	hs.keys("l", "a", "enter")
	// consumers: app (the fifth consumer service)
	hs.keys("l", "a", "down", "down", "down", "down", "down", "enter")
	// destinations: s3
	hs.keys("l", "a", "enter")
	sc := hs.m.Scenario()
	ids := func(st pipeline.Stage) (out []string) {
		for _, n := range sc.Stage(st) {
			out = append(out, n.ID+":"+string(n.Service.Name))
		}
		return out
	}
	if got := fmt.Sprint(ids(pipeline.Producer), ids(pipeline.Storage), ids(pipeline.Consumer), ids(pipeline.Destination)); got != "[producer:producer] [kds:kinesis-data-streams] [app:app] [s3:s3]" {
		t.Fatalf("nodes %s", got)
	}
	// connect producer → kds, kds → app, app → s3
	hs.keys("h", "h", "h", "c", "l", "enter")
	hs.keys("c", "l", "enter")
	hs.keys("c", "l", "enter")
	if st := hs.lastStatus(); st.Err || st.Text != "app → s3" {
		t.Fatalf("status %+v", st)
	}
	if p := hs.m.Problems(); len(p) != 0 {
		t.Fatalf("problems: %v", p)
	}
	if !hs.m.Dirty() || !strings.Contains(hs.view(), "● valid   ✎ unsaved changes") {
		t.Fatalf("header:\n%s", hs.view())
	}
	hs.keys("r")
	run, ok := hs.last().(common.RunRequestedMsg)
	if !ok || run.Open || len(run.Scenario.Nodes) != 4 {
		t.Fatalf("r: %#v", hs.last())
	}
	// No path yet: s asks for one, suggesting the scenario's name.
	hs.keys("s")
	if !hs.m.CapturesInput() || !strings.Contains(hs.view(), "save as: new-pipeline.yaml") {
		t.Fatalf("save prompt:\n%s", hs.view())
	}
	hs.keys("enter")
	data, ok := hs.store.Get("new-pipeline.yaml")
	if !ok || hs.m.Dirty() || hs.m.Path() != "new-pipeline.yaml" {
		t.Fatalf("not saved (dirty %v, status %+v)", hs.m.Dirty(), hs.lastStatus())
	}
	if _, err := pipeline.Load("new-pipeline.yaml", []byte(data)); err != nil {
		t.Fatalf("the saved file does not load: %v\n%s", err, data)
	}
}

func TestIllegalConnectionIsRefused(t *testing.T) {
	hs := newHarness(t, uitest.ShopYAML, "shop.yaml")
	// orders (producer) → lake (s3): AWS offers no such connection.
	hs.keys("c", "l", "l", "l", "enter")
	st := hs.lastStatus()
	if !st.Err || !strings.Contains(st.Text, "orders (a producer) cannot write to lake (S3): producers write to a stream") || hs.m.Dirty() {
		t.Fatalf("status %+v dirty %v", st, hs.m.Dirty())
	}
	// stream → copier again removes the read, and the pipeline becomes invalid.
	hs.keys("h", "h", "c", "l", "down", "enter")
	if n := hs.m.Scenario().Node("copier"); n.From != "" || len(hs.m.Problems()) == 0 {
		t.Fatalf("from %q problems %v", n.From, hs.m.Problems())
	}
	if !strings.Contains(hs.view(), "✗ 1 problem(s)") {
		t.Fatalf("header:\n%s", hs.view())
	}
	hs.keys("r")
	if st := hs.lastStatus(); !st.Err || !strings.Contains(st.Text, "can't run: 1 problem(s) to fix first") {
		t.Fatalf("r on an invalid pipeline: %+v", st)
	}
}

func TestEditValidatesInline(t *testing.T) {
	hs := newHarness(t, uitest.ShopYAML, "shop.yaml")
	hs.keys("l", "e") // stream
	if !strings.Contains(hs.view(), "edit stream") {
		t.Fatalf("form:\n%s", hs.view())
	}
	hs.keys("down", "down", "ctrl+u", "99999") // shards
	v := hs.view()
	if !strings.Contains(v, "Kinesis allows 1..20000 shards") {
		t.Fatalf("no inline error:\n%s", v)
	}
	hs.keys("enter")
	if st := hs.lastStatus(); !st.Err || hs.m.mode != editing {
		t.Fatalf("enter with an error: %+v", st)
	}
	hs.keys("ctrl+u", "8", "up", "up", "ctrl+u", "orders") // the id is taken
	if !strings.Contains(hs.view(), `"orders" is taken`) {
		t.Fatalf("id check:\n%s", hs.view())
	}
	hs.keys("ctrl+u", "events", "enter")
	sc := hs.m.Scenario()
	n := sc.Node("events")
	if n == nil || n.Int("shards") != 8 || sc.Node("copier").From != "events" || !slices.Contains(sc.Node("orders").To, "events") {
		t.Fatalf("after rename: %+v", n)
	}
	if sc.Expect[1].Text != "events.throttled_records == 0" {
		t.Fatalf("expectation not renamed: %q", sc.Expect[1].Text)
	}
	hs.keys("s")
	data, _ := hs.store.Get("shop.yaml")
	if !strings.Contains(data, "id: events") || !strings.Contains(data, "shards: 8") {
		t.Fatalf("saved:\n%s", data)
	}
	if _, err := pipeline.Load("shop.yaml", []byte(data)); err != nil {
		t.Fatal(err)
	}
}

func TestDeleteDropsReferences(t *testing.T) {
	hs := newHarness(t, uitest.ShopYAML, "shop.yaml")
	hs.keys("x") // orders: the timeline names it
	sc := hs.m.Scenario()
	if sc.Node("orders") != nil || len(sc.Timeline) != 0 {
		t.Fatalf("timeline %+v", sc.Timeline)
	}
	if st := hs.lastStatus(); !strings.Contains(st.Text, "deleted orders with its 1 connection, 1 timeline change · u brings it back") {
		t.Fatalf("status %+v", st)
	}
	hs.keys("l", "x") // stream: an expectation names it, consumers read it
	if len(sc.Expect) != 1 || sc.Node("delivery").From != "" {
		t.Fatalf("expect %+v", sc.Expect)
	}
}

func TestGoldenViews(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {160, 48}} {
		for _, mode := range []string{"diagram", "edit", "advice"} {
			t.Run(fmt.Sprintf("%s/%dx%d", mode, sz[0], sz[1]), func(t *testing.T) {
				hs := newHarness(t, uitest.ShopYAML, "shop.yaml")
				hs.m.SetSize(sz[0], sz[1]-2)
				hs.keys("l", "l", "down")
				if mode == "edit" {
					hs.keys("h", "e", "down", "down")
				}
				if mode == "advice" {
					hs.keys("i")
				}
				v := hs.m.View()
				uitest.CheckFits(t, v, sz[0], sz[1]-2)
				golden.Check(t, "testdata/"+t.Name()+".golden", uitest.Plain(v))
			})
		}
	}
}

func TestViewFitsEverySize(t *testing.T) {
	hs := newHarness(t, uitest.ShopYAML, "shop.yaml")
	for _, sz := range uitest.Sizes() {
		hs.m.SetSize(sz[0], sz[1]-2)
		for _, k := range []string{"", "a", "e", "s", "i"} {
			if k != "" {
				hs.keys(k)
			}
			uitest.CheckFits(t, hs.m.View(), sz[0], sz[1]-2)
			if k != "" {
				hs.keys("esc")
			}
		}
	}
}

func TestEstimateAfterEachEdit(t *testing.T) {
	hs := newHarness(t, uitest.ShopYAML, "shop.yaml")
	if hs.est.count() != 1 {
		t.Fatalf("loading asked for %d estimates", hs.est.count())
	}
	v := hs.view()
	for _, want := range []string{"est. $401/mo", "p99 ≈ 2.1 s", "✖ 2 findings: stream: one key of orders carries 60%"} {
		if !strings.Contains(v, want) {
			t.Errorf("status line lacks %q:\n%s", want, v)
		}
	}
	// An edit asks for a new estimate in a command: until it answers, the
	// line says so.
	cmd1 := hs.m.Update(uitest.Key("x")) // delete orders: 1 problem, no estimate
	if e, running := hs.m.Estimate(); e != nil || running || !strings.Contains(hs.view(), "✗ ") {
		t.Fatalf("an invalid pipeline is estimated (running %v):\n%s", running, hs.view())
	}
	hs.feed(cmd1)
	hs.m.Load(uitest.Load(t, "shop", uitest.ShopYAML), "shop.yaml")
	first := hs.m.Update(uitest.Key("l")) // a move is not an edit
	if first != nil {
		t.Fatal("moving the selection asked for an estimate")
	}
	hs.keys("e", "down", "down", "ctrl+u", "8") // stream.shards = 8 in the form
	cmd1 = hs.m.Update(uitest.Key("enter"))
	if !strings.Contains(hs.view(), "estimating… (simulating up to 10m)") {
		t.Fatalf("no estimating line:\n%s", hs.view())
	}
	hs.keys("e", "down", "down", "ctrl+u", "6")
	cmd2 := hs.m.Update(uitest.Key("enter"))
	before := hs.est.count()
	// The first answer comes last but is stale: dropped, and its context was
	// cancelled when the second edit came.
	hs.feed(cmd2)
	if e, _ := hs.m.Estimate(); e == nil || hs.m.Scenario().Node("stream").Int("shards") != 6 {
		t.Fatalf("the second estimate was not taken")
	}
	shown := hs.view()
	hs.feed(cmd1)
	if hs.view() != shown {
		t.Fatal("a stale estimate replaced the newer one")
	}
	if hs.est.count() != before+2 || hs.est.ctxs[len(hs.est.ctxs)-1].Err() == nil {
		t.Fatalf("calls %d→%d; the stale one's context is not cancelled", before, hs.est.count())
	}
	if got := hs.est.calls[len(hs.est.calls)-2].Node("stream").Int("shards"); got != 6 {
		t.Fatalf("the estimate ran on a scenario with %d shards", got)
	}
}

func TestEstimateErrorsShow(t *testing.T) {
	hs := newHarness(t, uitest.ShopYAML, "shop.yaml")
	hs.m.c.Estimate = func(context.Context, *pipeline.Scenario) (common.Estimate, error) {
		return common.Estimate{}, errors.New("engine on fire")
	}
	hs.feed(hs.m.Load(uitest.Load(t, "shop", uitest.ShopYAML), "shop.yaml"))
	if !strings.Contains(hs.view(), "no estimate: engine on fire") || hs.m.keys.Advice.Help().Desc != "✗ advice" {
		t.Fatalf("error:\n%s", hs.view())
	}
	hs.keys("i")
	if st := hs.lastStatus(); hs.m.mode != browsing || !strings.Contains(st.Text, "no advice: there is no estimate") || !strings.Contains(st.Text, "engine on fire") {
		t.Fatalf("i without an estimate: %+v", st)
	}
}

func TestAdviceListsEveryFinding(t *testing.T) {
	hs := newHarness(t, uitest.ShopYAML, "shop.yaml")
	hs.m.SetSize(80, 22)
	hs.keys("i")
	v := hs.view()
	for _, want := range []string{"advice (2) · from the design and 2m simulated", "✖ stream · critical", "Fix: salt the key.", "· copier · note"} {
		if !strings.Contains(v, want) {
			t.Errorf("advice lacks %q:\n%s", want, v)
		}
	}
	if hs.m.keys.Add.Enabled() || !hs.m.keys.Cancel.Enabled() {
		t.Fatal("keys of the diagram work in the advice list")
	}
	hs.m.SetSize(80, 8) // too short for both: the list scrolls
	if !strings.Contains(hs.view(), "↓ more") {
		t.Fatalf("no more marker:\n%s", hs.view())
	}
	for range 20 {
		hs.keys("down")
	}
	if v := hs.view(); !strings.Contains(v, "set copier.parallelization to 1.") || strings.Contains(v, "↓ more") {
		t.Fatalf("scrolled to the end:\n%s", v)
	}
	hs.keys("esc")
	if hs.m.mode != browsing {
		t.Fatal("esc did not go back to the diagram")
	}
}

// TestEstimateOnTheSimulator runs the real estimator: a short simulation on
// the simulator backend, the advisor watching.
func TestEstimateOnTheSimulator(t *testing.T) {
	est := common.SimEstimator(simbackend.New(simbackend.Options{Paused: true}), common.EstimateSpan, common.EstimateMaxTicks)
	sc := uitest.Load(t, "shop", uitest.ShopYAML)
	a, err := est(context.Background(), sc)
	if err != nil {
		t.Fatal(err)
	}
	if a.Simulated != 2*time.Minute || a.CostMonthly <= 0 || a.P99 <= 0 || len(a.Findings) == 0 {
		t.Fatalf("estimate %v", a)
	}
	if f := a.Findings[0]; f.Severity != pipeline.SeverityCritical || f.Node != "stream" && f.Node != "table" {
		t.Fatalf("first finding %+v", f)
	}
	// A design flag is not listed again when the simulation found the same node's trouble.
	seen := map[string]int{}
	for _, f := range a.Findings {
		seen[f.Node+"/"+f.Severity]++
	}
	if seen["stream/critical"] > 1 {
		t.Errorf("stream's critical trouble listed %d times: %v", seen["stream/critical"], a.Findings)
	}
	b, _ := est(context.Background(), sc)
	if fmt.Sprint(a) != fmt.Sprint(b) || len(a.Findings) != len(b.Findings) || a.Findings[len(a.Findings)-1] != b.Findings[len(b.Findings)-1] {
		t.Fatalf("the same scenario gave two estimates:\n%v\n%v", a, b)
	}
	if sc.Duration != 2*time.Minute {
		t.Fatal("the estimate changed the scenario")
	}
	// A longer scenario is cut: at most EstimateSpan, and at most maxTicks ticks.
	sc.Duration = time.Hour
	if a, err := est(context.Background(), sc); err != nil || a.Simulated != common.EstimateSpan {
		t.Fatalf("an hour estimated as %v (%v)", a.Simulated, err)
	}
	short := common.SimEstimator(simbackend.New(simbackend.Options{Paused: true}), time.Hour, 30)
	if a, err := short(context.Background(), sc); err != nil || a.Simulated != 30*time.Second {
		t.Fatalf("30 ticks estimated as %v (%v)", a.Simulated, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := est(ctx, sc); !errors.Is(err, context.Canceled) {
		t.Fatalf("a cancelled estimate: %v", err)
	}
}

// A bracketed paste (tea.PasteMsg in Bubble Tea v2) goes into the form's
// field and is checked as typing is.
func TestPasteIntoTheForm(t *testing.T) {
	hs := newHarness(t, uitest.ShopYAML, "shop.yaml")
	hs.keys("l", "e", "down", "down", "ctrl+u") // the stream's shards
	hs.feed(hs.m.Update(tea.PasteMsg{Content: "99999"}))
	if v := hs.view(); !strings.Contains(v, "Kinesis allows 1..20000 shards") {
		t.Fatalf("the pasted value is not checked:\n%s", v)
	}
}
