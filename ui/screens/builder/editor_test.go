package builder

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/streamsim/streamsim/internal/golden"
	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/scenarios"
	"github.com/streamsim/streamsim/ui/common"
	"github.com/streamsim/streamsim/ui/components/graph"
	"github.com/streamsim/streamsim/ui/uitest"
)

// builtin loads a built-in scenario into a fresh builder.
func builtin(t *testing.T, name string) *harness {
	t.Helper()
	hs := newHarness(t, uitest.ShopYAML, "shop.yaml")
	sc, err := scenarios.Load(name)
	if err != nil {
		t.Fatal(err)
	}
	hs.feed(hs.m.Load(sc, ""))
	return hs
}

func edgesOf(sc *pipeline.Scenario) []graph.Edge {
	var out []graph.Edge
	for _, e := range sc.Edges() {
		out = append(out, graph.Edge{From: e[0], To: e[1]})
	}
	slices.SortFunc(out, func(a, b graph.Edge) int {
		if c := strings.Compare(a.From, b.From); c != 0 {
			return c
		}
		return strings.Compare(a.To, b.To)
	})
	return out
}

// Every edge drawn is an edge of the file and every edge of the file is
// drawn, read off the screen as a person reads it, for every built-in at
// every size from 80×24 to 200×60, whatever node is selected. (The old
// builder drew polling-vs-enhanced-fan-out's pricing → features, analytics
// → prices: the opposite of the file.)
func TestDrawnEdgesAreTheFilesEdges(t *testing.T) {
	for _, name := range scenarios.Names() {
		hs := builtin(t, name)
		want := edgesOf(hs.m.Scenario())
		for _, sz := range uitest.Sizes() {
			hs.m.SetSize(sz[0], sz[1]-2)
			for _, sel := range append([]string{""}, ids(hs.m.Scenario())...) {
				hs.m.selID, hs.m.follow = sel, true
				lines, boxes := hs.m.Canvas()
				if len(boxes) != len(hs.m.Scenario().Nodes) {
					// Too tall for the screen: scroll through and read each view.
					t.Fatalf("%s at %dx%d: %d of %d boxes on screen", name, sz[0], sz[1], len(boxes), len(hs.m.Scenario().Nodes))
				}
				got, err := graph.Read(lines, boxes)
				if err != nil || !slices.Equal(got, want) {
					t.Fatalf("%s at %dx%d (selected %q): read %v, want %v (%v)\n%s", name, sz[0], sz[1], sel, got, want, err, strings.Join(lines, "\n"))
				}
			}
		}
	}
}

func ids(sc *pipeline.Scenario) []string {
	var out []string
	for _, n := range sc.Nodes {
		out = append(out, n.ID)
	}
	return out
}

// The drawn graph of every built-in, at 80×24 and 160×48.
func TestGoldenBuiltins(t *testing.T) {
	for _, name := range scenarios.Names() {
		for _, sz := range [][2]int{{80, 24}, {160, 48}} {
			t.Run(fmt.Sprintf("%s/%dx%d", name, sz[0], sz[1]), func(t *testing.T) {
				hs := builtin(t, name)
				hs.m.SetSize(sz[0], sz[1]-2) // the root's status line and one line of help
				v := hs.m.View()
				uitest.CheckFits(t, v, sz[0], sz[1]-2)
				golden.Check(t, "testdata/"+t.Name()+".golden", uitest.Plain(v))
			})
		}
	}
}

// Every change is one step of undo; redo steps forward; undoing back to the
// file as loaded clears the unsaved mark.
func TestUndoRedoEveryEdit(t *testing.T) {
	hs := newHarness(t, uitest.ShopYAML, "shop.yaml")
	orig, _ := pipeline.Encode(hs.m.Scenario(), true)
	snap := func() string { b, _ := pipeline.Encode(hs.m.Scenario(), true); return string(b) }
	var states []string
	step := func(what string, ks ...string) {
		t.Helper()
		states = append(states, snap())
		hs.keys(ks...)
		if snap() == states[len(states)-1] {
			t.Fatalf("%s changed nothing (status %+v)", what, hs.lastStatus())
		}
	}
	step("delete orders", "x")
	if st := hs.lastStatus(); !strings.Contains(st.Text, "deleted orders with its 1 connection, 1 timeline change · u brings it back") {
		t.Fatalf("status %+v", st)
	}
	step("add a producer", "a", "enter")
	step("connect it", "c", "l", "enter")
	step("edit the stream", "e", "down", "down", "ctrl+u", "6", "enter")
	states = append(states, snap())
	hs.keys("tab", "e")
	hs.focus("seed")
	hs.keys("ctrl+u", "7", "enter")
	step("timeline: add a fail", "tab", "a", "down", "enter", "30s", "tab", "copier", "tab", "20s", "enter")
	step("expect: add a line", "tab", "a", "pipeline.lost_records <= 5", "enter")
	step("lesson: move a step", "tab", "J")
	step("lesson: delete a step", "x")
	if !hs.m.Dirty() {
		t.Fatal("not dirty after edits")
	}
	for i := len(states) - 1; i >= 0; i-- {
		hs.keys("u")
		if snap() != states[i] {
			t.Fatalf("undo %d did not give back the state before it:\n%s", i, snap())
		}
		if st := hs.lastStatus(); !strings.HasPrefix(st.Text, "undid: ") {
			t.Fatalf("undo status %+v", st)
		}
	}
	if snap() != string(orig) || hs.m.Dirty() {
		t.Fatalf("undone to the start but dirty %v", hs.m.Dirty())
	}
	hs.keys("u")
	if st := hs.lastStatus(); st.Text != "nothing to undo" {
		t.Fatalf("%+v", st)
	}
	for i := range states {
		hs.keys("ctrl+r")
		want := snap()
		if i+1 < len(states) && want != states[i+1] {
			t.Fatalf("redo %d (%+v):\n%s", i, hs.lastStatus(), lineDiff(states[i+1], want))
		}
	}
	if !hs.m.Dirty() {
		t.Fatal("redone but not dirty")
	}
}

// Connecting follows the catalog: a legal pair connects, connecting it
// again disconnects, an illegal one says why; stream → Redshift is
// streaming ingestion (from:).
func TestConnectAndDisconnectAnyLegalPair(t *testing.T) {
	hs := newHarness(t, uitest.ShopYAML, "shop.yaml")
	hs.m.SetSize(160, 40)
	// Add a Redshift destination and connect the stream to it.
	hs.keys("l", "l", "l", "a", "down", "enter")
	if n := hs.m.Selected(); n == nil || n.Service.Name != "redshift" {
		t.Fatalf("selected %v", hs.m.Selected())
	}
	id := hs.m.selID
	hs.m.selID, hs.m.col = "stream", 1
	hs.keys("c")
	hs.m.selID, hs.m.col = id, 3
	if v := hs.view(); !strings.Contains(v, "stream → "+id+": enter connects them") {
		t.Fatalf("connect hint:\n%s", v)
	}
	hs.keys("enter")
	if hs.m.Scenario().Node(id).From != "stream" {
		t.Fatalf("redshift from %q", hs.m.Scenario().Node(id).From)
	}
	got, err := graph.Read(hs.m.Canvas())
	if err != nil || !slices.Contains(got, graph.Edge{From: "stream", To: id}) {
		t.Fatalf("stream → %s not drawn: %v %v", id, got, err)
	}
	// A pair AWS does not offer: the reason shows while choosing, and on enter.
	hs.m.selID, hs.m.col = "copier", 2
	hs.keys("c")
	hs.m.selID, hs.m.col = "delivery", 2
	if v := hs.view(); !strings.Contains(v, "✗ copier (Lambda) cannot write to delivery (Firehose): delivery reads stream and a Firehose stream has one source") {
		t.Fatalf("no reason while choosing:\n%s", v)
	}
	hs.keys("enter")
	if st := hs.lastStatus(); !st.Err || !strings.Contains(st.Text, "cannot write to delivery") {
		t.Fatalf("%+v", st)
	}
	// Connecting a connected pair disconnects it.
	hs.m.selID, hs.m.col = "stream", 1
	hs.keys("c")
	hs.m.selID, hs.m.col = id, 3
	hs.keys("enter")
	if hs.m.Scenario().Node(id).From != "" || !strings.Contains(hs.lastStatus().Text, "disconnected stream → "+id) {
		t.Fatalf("not disconnected: %+v", hs.lastStatus())
	}
}

// Choosing keys.dist: random makes keys.count meaningless: the form shows it
// off with the reason and drops it on apply, so the pipeline stays valid.
func TestFormClearsKeysAChoiceMakesMeaningless(t *testing.T) {
	hs := newHarness(t, uitest.ShopYAML, "shop.yaml")
	hs.keys("e")
	hs.focus("keys.dist")
	hs.keys("ctrl+u", "random")
	v := hs.view()
	for _, want := range []string{"— not used while keys.dist is random", "applying clears keys.count, keys.fraction"} {
		if !strings.Contains(v, want) {
			t.Fatalf("lacks %q:\n%s", want, v)
		}
	}
	hs.keys("enter")
	n := hs.m.Scenario().Node("orders")
	if n.Has("keys.count") || n.Has("keys.fraction") || n.Str("keys.dist") != "random" || len(hs.m.Problems()) != 0 {
		t.Fatalf("params %v problems %v", n.SortedParamKeys(), hs.m.Problems())
	}
	if st := hs.lastStatus(); !strings.Contains(st.Text, "cleared keys.count, keys.fraction: meaningless with the other choices") {
		t.Fatalf("%+v", st)
	}
}

// The settings form edits the top level and the requirements, in the
// format's units, refusing what the loader would.
func TestSettingsForm(t *testing.T) {
	hs := newHarness(t, uitest.ShopYAML, "shop.yaml")
	hs.keys("tab")
	if v := hs.view(); !strings.Contains(v, "requirements.latency") || !strings.Contains(v, "(not set)") {
		t.Fatalf("settings pane:\n%s", v)
	}
	hs.keys("down", "down", "down", "down", "e") // duration
	if f := hs.m.form; f == nil || f.fields[f.focus].name != "duration" {
		t.Fatal("the form does not open on the field picked")
	}
	hs.keys("ctrl+u", "30s")
	if v := hs.view(); !strings.Contains(v, "the timeline or the lesson has something at 1m; the run must last longer") {
		t.Fatalf("no range check:\n%s", v)
	}
	hs.keys("ctrl+u", "5m")
	hs.focus("requirements.latency")
	hs.keys("2s")
	hs.focus("requirements.delivery")
	hs.keys("s3, dynamo")
	if v := hs.view(); !strings.Contains(v, "▸ dynamodb") {
		t.Fatalf("no completion:\n%s", v)
	}
	hs.keys("tab", "enter")
	sc := hs.m.Scenario()
	if sc.Duration != 5*time.Minute || sc.Requirements.Latency != 2*time.Second || fmt.Sprint(sc.Requirements.Delivery) != "[s3 dynamodb]" {
		t.Fatalf("settings %v %+v", sc.Duration, sc.Requirements)
	}
	hs.keys("s")
	data, _ := hs.store.Get("shop.yaml")
	if !strings.Contains(data, "duration: 5m\n") || !strings.Contains(data, "requirements:\n  latency: 2s\n  delivery: [s3, dynamodb]\n") {
		t.Fatalf("saved:\n%s", data)
	}
}

// A spike is two set changes; expect offers this scenario's metric names
// and refuses unknown ones; lesson steps add and move.
func TestTimelineExpectLesson(t *testing.T) {
	hs := newHarness(t, uitest.ShopYAML, "shop.yaml")
	hs.keys("tab", "tab") // timeline
	hs.keys("a", "down", "down", "enter")
	if v := hs.view(); !strings.Contains(v, "add a spike") {
		t.Fatalf("spike form:\n%s", v)
	}
	hs.keys("tab", "30s", "tab", "ctrl+u", "20s", "tab", "ctrl+u", "4", "enter")
	tl := hs.m.Scenario().Timeline
	if len(tl) != 3 || changeText(tl[0]) != "set orders.rate = 8000/s" || changeText(tl[1]) != "set orders.rate = 2000/s" || tl[1].At != 50*time.Second {
		var got []string
		for _, c := range tl {
			got = append(got, pipeline.FormatDuration(c.At)+" "+changeText(c))
		}
		t.Fatalf("timeline %v (%+v)", got, hs.lastStatus())
	}
	if st := hs.lastStatus(); !strings.Contains(st.Text, "added a spike: orders.rate 8000/s at 30s, back to 2000/s at 50s (2 changes)") {
		t.Fatalf("%+v", st)
	}
	// Moving a change past one at another time is refused, with the reason.
	hs.keys("J")
	if st := hs.lastStatus(); !st.Err || !strings.Contains(st.Text, "the timeline runs in time order") {
		t.Fatalf("%+v", st)
	}
	hs.keys("tab", "a", "stream.thr")
	if v := hs.view(); !strings.Contains(v, "▸ stream.throttled_records") {
		t.Fatalf("no metric offered:\n%s", v)
	}
	hs.keys("tab", " == 0")
	hs.keys("enter")
	hs.keys("a", "stream.nonsense == 0", "enter")
	if st := hs.lastStatus(); !st.Err || !strings.Contains(st.Text, `unknown metric "stream.nonsense"`) || len(hs.m.Scenario().Expect) != 3 {
		t.Fatalf("%+v %d", st, len(hs.m.Scenario().Expect))
	}
	hs.keys("esc", "tab", "a", "Look at the hot shard.", "tab", "20s", "enter")
	if l := hs.m.Scenario().Lesson; len(l) != 4 || l[3].Say != "Look at the hot shard." || l[3].At != 20*time.Second {
		t.Fatalf("lesson %+v", l)
	}
	hs.keys("K")
	if l := hs.m.Scenario().Lesson; l[2].Say != "Look at the hot shard." {
		t.Fatalf("not moved: %+v", l)
	}
	hs.keys("s")
	data, _ := hs.store.Get("shop.yaml")
	if _, err := pipeline.Load("shop.yaml", []byte(data)); err != nil {
		t.Fatalf("%v\n%s", err, data)
	}
	for _, want := range []string{"  - at: 30s\n    set: {orders.rate: 8000/s}\n", "  - stream.throttled_records == 0\n"} {
		if !strings.Contains(data, want) {
			t.Fatalf("saved lacks %q:\n%s", want, data)
		}
	}
}

// esc with unsaved changes asks before going back to the picker.
func TestEscAsksWithUnsavedChanges(t *testing.T) {
	hs := newHarness(t, uitest.ShopYAML, "shop.yaml")
	hs.keys("esc")
	if _, ok := hs.last().(common.PickerRequestedMsg); !ok {
		t.Fatalf("esc without changes: %#v", hs.last())
	}
	hs.keys("x", "esc")
	q, ok := hs.last().(common.ConfirmAskedMsg)
	if !ok || !strings.Contains(q.Question, "shop has unsaved changes: back to the scenarios?") {
		t.Fatalf("esc with changes: %#v", hs.last())
	}
	if _, ok := q.Yes().(common.PickerRequestedMsg); !ok {
		t.Fatal("yes does not go back")
	}
}

// A failed save keeps the edits (still unsaved) and the file as it was.
func TestFailedSaveKeepsEverything(t *testing.T) {
	hs := newHarness(t, uitest.ShopYAML, "shop.yaml")
	hs.store.Files["shop.yaml"] = []byte(uitest.ShopYAML)
	hs.store.SaveErr = errors.New("disk full")
	hs.keys("x", "s")
	st := hs.lastStatus()
	if !st.Err || !strings.Contains(st.Text, "disk full") || !strings.Contains(st.Text, "your edits are still here") {
		t.Fatalf("%+v", st)
	}
	if !hs.m.Dirty() || hs.m.Scenario().Node("orders") != nil {
		t.Fatal("the edit is lost")
	}
	if got, _ := hs.store.Get("shop.yaml"); got != uitest.ShopYAML {
		t.Fatal("the file changed")
	}
	hs.store.SaveErr = nil
	hs.keys("s")
	if hs.m.Dirty() {
		t.Fatal("saved but still dirty")
	}
}

// Saving keeps the comments of the file the scenario came from.
func TestSaveKeepsComments(t *testing.T) {
	src := strings.Replace(uitest.ShopYAML, "storage:\n", "# The one stream.\nstorage:\n", 1)
	src = strings.Replace(src, "    shards: 4\n", "    shards: 4   # one per thousand orders a second\n", 1)
	hs := newHarness(t, src, "shop.yaml")
	hs.keys("l", "e", "down", "down", "ctrl+u", "8", "enter", "s")
	data, _ := hs.store.Get("shop.yaml")
	want := strings.Replace(src, "shards: 4   #", "shards: 8   #", 1)
	if data != want {
		t.Fatalf("saved:\n%s\nwant:\n%s", data, want)
	}
}

// The save prompt completes paths from the directory (tab) and reads ~ as
// the home directory.
func TestSavePromptCompletesPaths(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"alpha.yaml", "alps.yaml", "notes.txt"} {
		if err := os.WriteFile(filepath.Join(dir, f), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "albums"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("HOME", dir)
	hs := newHarness(t, "", "")
	hs.keys("s", "ctrl+u", "~/al", "tab")
	if v := hs.view(); !strings.Contains(v, "save as: ~/al") || !strings.Contains(v, "albums/  alpha.yaml  alps.yaml") {
		t.Fatalf("completion:\n%s", v)
	}
	hs.keys("p", "tab")
	if v := hs.view(); !strings.Contains(v, "save as: ~/alp") || !strings.Contains(v, "alpha.yaml  alps.yaml") {
		t.Fatalf("completion:\n%s", v)
	}
	hs.keys("h", "tab")
	if got := hs.m.pathIn.Value(); got != "~/alpha.yaml" {
		t.Fatalf("completed to %q", got)
	}
	hs.keys("ctrl+u", "~/mine.yaml", "enter")
	if _, ok := hs.store.Get(filepath.Join(dir, "mine.yaml")); !ok || hs.m.Path() != filepath.Join(dir, "mine.yaml") {
		t.Fatalf("~ not expanded: %v %q", hs.store.Names(), hs.m.Path())
	}
}

// The mouse: a click selects a node, a drag from one node to another
// connects them, a click on a tab shows its pane.
func TestMouseSelectsAndConnects(t *testing.T) {
	hs := newHarness(t, uitest.ShopYAML, "shop.yaml")
	hs.m.SetSize(120, 32)
	l := hs.m.layout()
	center := func(id string) (int, int) {
		r, _ := l.Rect(id)
		return r.X + r.W/2, r.Y + canvasTop + 1
	}
	x, y := center("lake")
	hs.feed(hs.m.Update(tea.MouseClickMsg{X: x, Y: y, Button: tea.MouseLeft}))
	if hs.m.selID != "lake" {
		t.Fatalf("click selected %q", hs.m.selID)
	}
	hs.feed(hs.m.Update(tea.MouseReleaseMsg{X: x, Y: y, Button: tea.MouseLeft}))
	// Drag copier onto lake: Lambda writes to S3.
	x1, y1 := center("copier")
	x2, y2 := center("lake")
	hs.feed(hs.m.Update(tea.MouseClickMsg{X: x1, Y: y1, Button: tea.MouseLeft}))
	hs.feed(hs.m.Update(tea.MouseMotionMsg{X: x2, Y: y2, Button: tea.MouseLeft}))
	hs.feed(hs.m.Update(tea.MouseReleaseMsg{X: x2, Y: y2, Button: tea.MouseLeft}))
	if !slices.Contains(hs.m.Scenario().Node("copier").To, "lake") {
		t.Fatalf("drag did not connect: %+v", hs.lastStatus())
	}
	hs.feed(hs.m.Update(tea.MouseClickMsg{X: 25, Y: 1, Button: tea.MouseLeft}))
	if hs.m.pane != paneTimeline {
		t.Fatalf("tab click: pane %v", hs.m.pane)
	}
}

// The help is true at 80 columns: esc, the pane's main keys; a command that
// cannot run now says so instead of vanishing.
func TestHelpAt80Columns(t *testing.T) {
	hs := newHarness(t, "", "")
	hs.m.SetSize(80, 22)
	help := func() string {
		var out []string
		for _, b := range hs.m.ShortHelp() {
			out = append(out, b.Help().Key+" "+b.Help().Desc)
		}
		return strings.Join(out, " • ")
	}
	if got := help(); got != "esc back • a add • r ✗ run • s save • tab settings" {
		t.Fatalf("empty pipeline: %q", got)
	}
	if w := len([]rune(help() + " • ? help • q quit")); w > 79 {
		t.Fatalf("%d wide", w)
	}
	hs = newHarness(t, uitest.ShopYAML, "shop.yaml")
	hs.m.SetSize(80, 22)
	if got := help(); got != "esc back • a add • r run • s save • tab settings • c connect" {
		t.Fatalf("shop: %q", got)
	}
	hs.keys("tab", "tab")
	if got := help(); !strings.HasPrefix(got, "esc back • a add • r run • s save • tab expect • e edit") {
		t.Fatalf("timeline: %q", got)
	}
}

// focus tabs to a field of the open form.
func (hs *harness) focus(name string) {
	hs.t.Helper()
	for range 40 {
		f := hs.m.form
		if f == nil {
			hs.t.Fatalf("no form open to focus %s in", name)
		}
		if f.fields[f.focus].name == name {
			return
		}
		hs.keys("tab")
	}
	hs.t.Fatalf("no field %s", name)
}

func lineDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	var out []string
	for i := 0; i < max(len(al), len(bl)); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			out = append(out, "- "+x, "+ "+y)
		}
	}
	return strings.Join(out, "\n")
}

// A frame of the builder at 200×60 on the largest built-in: drawn afresh
// (another node selected each time, so nothing is reused), and with the
// drawing kept (a key that changes nothing on the graph).
func BenchmarkFrame200x60(b *testing.B) {
	largest, most := "", 0
	for _, name := range scenarios.Names() {
		sc, err := scenarios.Load(name)
		if err != nil {
			b.Fatal(err)
		}
		if n := len(sc.Nodes) + len(sc.Edges()); n > most {
			largest, most = name, n
		}
	}
	t := &testing.T{}
	hs := builtin(t, largest)
	hs.m.SetSize(200, 58)
	ids := ids(hs.m.Scenario())
	b.Run(largest+"/fresh", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			hs.m.selID = ids[i%len(ids)]
			hs.m.lay = nil // placed again too, as after an edit
			_ = hs.m.View()
		}
	})
	b.Run(largest+"/kept", func(b *testing.B) {
		for b.Loop() {
			_ = hs.m.View()
		}
	})
}

// The description (Markdown, several lines) is edited in a text field:
// ctrl+j starts a line, enter applies; it saves as a block.
func TestDescriptionIsEditable(t *testing.T) {
	hs := newHarness(t, uitest.ShopYAML, "shop.yaml")
	hs.keys("tab", "e")
	hs.focus("description")
	hs.keys("ctrl+j", "Second para.", "enter")
	if d := hs.m.Scenario().Description; !strings.HasSuffix(d, "into DynamoDB.\n\nSecond para.\n") {
		t.Fatalf("description %q", d)
	}
	hs.keys("s")
	data, _ := hs.store.Get("shop.yaml")
	if !strings.Contains(data, "description: |\n  An order service") || !strings.Contains(data, "into DynamoDB.\n\n  Second para.\nseed: 7\n") {
		t.Fatalf("saved:\n%s", data)
	}
}

// A key with nothing to act on stays in the help with ✗, and says why.
func TestUnavailableKeysSayWhy(t *testing.T) {
	hs := newHarness(t, "", "")
	for _, c := range []struct{ key, want string }{
		{"c", "no node selected: the producers column is empty; a adds one here"},
		{"x", "no node selected"},
		{"u", "nothing to undo"},
		{"ctrl+r", "nothing to redo"},
	} {
		hs.keys(c.key)
		if st := hs.lastStatus(); !strings.Contains(st.Text, c.want) {
			t.Errorf("%s: %+v", c.key, st)
		}
	}
	if d := hs.m.keys.Connect.Help().Desc; d != "✗ connect" {
		t.Errorf("connect help %q", d)
	}
	hs.keys("tab", "tab") // the timeline, empty
	hs.keys("x")
	if st := hs.lastStatus(); st.Text != "the timeline is empty: a adds one" {
		t.Errorf("%+v", st)
	}
	hs.keys("J")
	if st := hs.lastStatus(); st.Text != "nothing to move: the timeline holds 0" {
		t.Errorf("%+v", st)
	}
}

// A graph taller than the screen scrolls to the selection, and the
// headings say which rows show; the wheel scrolls too.
func TestTallGraphScrolls(t *testing.T) {
	var b strings.Builder
	b.WriteString("version: 1\nname: tall\nproducers:\n")
	for i := range 7 {
		fmt.Fprintf(&b, "  - id: p%d\n    rate: 100/s\n    to: [s%d]\n", i, i%2)
	}
	b.WriteString("storage:\n  - id: s0\n    service: kinesis-data-streams\n  - id: s1\n    service: msk-serverless\n")
	hs := newHarness(t, b.String(), "tall.yaml")
	hs.m.SetSize(80, 22)
	if v := hs.view(); !strings.Contains(v, "rows 1–18 of") || !strings.Contains(v, "↓") || strings.Contains(v, "│p6 ") {
		t.Fatalf("top:\n%s", v)
	}
	for range 6 {
		hs.keys("j")
	}
	v := hs.view()
	if !strings.Contains(v, "┃p6 ") || !strings.Contains(v, "↑ rows") {
		t.Fatalf("the selection is not in view:\n%s", v)
	}
	hs.feed(hs.m.Update(tea.MouseWheelMsg{X: 10, Y: 10, Button: tea.MouseWheelUp}))
	hs.feed(hs.m.Update(tea.MouseWheelMsg{X: 10, Y: 10, Button: tea.MouseWheelUp}))
	if v2 := hs.view(); v2 == v {
		t.Fatal("the wheel did not scroll")
	}
}

// Saving a built-in untouched writes the file it came from, byte for byte:
// comments, order, blank lines, wrapped texts.
func TestSaveRoundTripsEveryBuiltin(t *testing.T) {
	for _, name := range scenarios.Names() {
		hs := builtin(t, name)
		hs.keys("s", "ctrl+u", name+".yaml", "enter")
		got, ok := hs.store.Get(name + ".yaml")
		want, _ := scenarios.Read(name)
		if !ok || got != string(want) {
			t.Fatalf("%s saved differs:\n%s", name, lineDiff(string(want), got))
		}
	}
}
