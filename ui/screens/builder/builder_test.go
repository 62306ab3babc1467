package builder

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/streamsim/streamsim/backends/fake"
	"github.com/streamsim/streamsim/internal/golden"
	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/ui/common"
	"github.com/streamsim/streamsim/ui/uitest"
)

func TestMain(m *testing.M) { uitest.Main(m) }

type harness struct {
	t     *testing.T
	m     *Model
	store *uitest.MemStore
	out   []tea.Msg
}

func newHarness(t *testing.T, yaml, path string) *harness {
	t.Helper()
	hs := &harness{t: t, store: uitest.NewMemStore(nil)}
	hs.m = New(uitest.Common(&fake.Backend{}, hs.store))
	hs.m.SetSize(120, 30)
	var sc *pipeline.Scenario
	if yaml != "" {
		sc = uitest.Load(t, "shop", yaml)
	} else {
		sc = &pipeline.Scenario{Version: 1, Name: "new-pipeline", Seed: 1, Duration: time.Hour, Tick: time.Second, Region: "us-east-1"}
	}
	hs.m.Load(sc, path)
	return hs
}

// keys presses keys (words of more than one rune that are not key names are
// typed) and feeds the builder's own answers back to it.
func (hs *harness) keys(ks ...string) {
	hs.t.Helper()
	named := map[string]bool{"enter": true, "esc": true, "up": true, "down": true, "left": true, "right": true,
		"tab": true, "shift+tab": true, "backspace": true, "ctrl+u": true}
	for _, k := range ks {
		var msgs []tea.Msg
		if len([]rune(k)) > 1 && !named[k] {
			msgs = uitest.Type(k)
		} else {
			msgs = []tea.Msg{uitest.Key(k)}
		}
		for _, msg := range msgs {
			queue := uitest.RunCmd(hs.m.Update(msg), time.Second)
			for len(queue) > 0 {
				r := queue[0]
				queue = queue[1:]
				if _, ok := r.(ScenarioSavedMsg); ok {
					queue = append(queue, uitest.RunCmd(hs.m.Update(r), time.Second)...)
					continue
				}
				hs.out = append(hs.out, r)
			}
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
	if len(hs.m.Problems()) == 0 || hs.m.keys.Run.Enabled() {
		t.Fatal("an empty pipeline should not be runnable")
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
			out = append(out, n.ID+":"+n.Service.Name)
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
	if !hs.m.Dirty() || !strings.Contains(hs.view(), "● valid   unsaved changes") {
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
	if !st.Err || !strings.Contains(st.Text, "cannot write to lake (Amazon S3)") || hs.m.Dirty() {
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
	if st := hs.lastStatus(); !st.Err || !strings.Contains(st.Text, "fix 1 problem(s) before running") {
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
	if st := hs.lastStatus(); !strings.Contains(st.Text, "deleted orders (and 1 timeline change(s), 0 expectation(s) that named it)") {
		t.Fatalf("status %+v", st)
	}
	hs.keys("l", "x") // stream: an expectation names it, consumers read it
	if len(sc.Expect) != 1 || sc.Node("delivery").From != "" {
		t.Fatalf("expect %+v", sc.Expect)
	}
}

func TestGoldenViews(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {160, 48}} {
		for _, mode := range []string{"diagram", "edit"} {
			t.Run(fmt.Sprintf("%s/%dx%d", mode, sz[0], sz[1]), func(t *testing.T) {
				hs := newHarness(t, uitest.ShopYAML, "shop.yaml")
				hs.m.SetSize(sz[0], sz[1]-2)
				hs.keys("l", "l", "down")
				if mode == "edit" {
					hs.keys("h", "e", "down", "down")
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
		for _, k := range []string{"", "a", "e", "s"} {
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
