package e2e_test

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"

	simbackend "github.com/streamsim/streamsim/backends/sim"
	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/sim"
	"github.com/streamsim/streamsim/ui"
	"github.com/streamsim/streamsim/ui/common"
	"github.com/streamsim/streamsim/ui/uitest"
)

// builderFlow drives the builder of a real program (the simulator's
// estimates running in the background) from an empty pipeline.
type builderFlow struct {
	t    *testing.T
	term *terminal
}

func newBuilderFlow(t *testing.T) *builderFlow {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	m := ui.New(ui.Options{
		Ctx:      ctx,
		Backend:  simbackend.New(simbackend.Options{Paused: true}),
		Builtins: []common.Builtin{{Name: "shop", Scenario: uitest.Load(t, "shop", uitest.ShopYAML)}},
	})
	f := &builderFlow{t: t, term: start(t, m)}
	f.wait("Orders into a lake and a table")
	f.keys("n")
	f.wait("An empty pipeline")
	return f
}

func (f *builderFlow) wait(text string) { f.t.Helper(); f.term.waitFor(f.t, text) }

// keys presses keys; a word that is not a key name is typed.
func (f *builderFlow) keys(ks ...string) {
	named := map[string]bool{"enter": true, "esc": true, "up": true, "down": true, "left": true, "right": true,
		"tab": true, "shift+tab": true, "backspace": true, "ctrl+u": true, "ctrl+r": true}
	for _, k := range ks {
		if len([]rune(k)) > 1 && !named[k] {
			for _, msg := range uitest.Type(k) {
				f.term.tm.Send(msg)
			}
			continue
		}
		f.term.tm.Send(uitest.Key(k))
	}
}

// add adds the service downs rows down the list of the selected stage.
func (f *builderFlow) add(downs int, id string) {
	f.t.Helper()
	f.keys("a")
	f.wait("the services AWS offers at this stage")
	for range downs {
		f.keys("down")
	}
	f.keys("enter")
	f.wait("added " + id + " (")
}

// connect connects the selected node to the one moves away, and waits for
// the status to say so.
func (f *builderFlow) connect(done string, moves ...string) {
	f.t.Helper()
	// Commands answer in any order: wait for c's word in the footer, or it
	// could come after (and hide) the answer to enter.
	f.keys("c")
	f.wait("esc cancels")
	f.keys(moves...)
	f.keys("enter")
	f.wait(done)
}

// boxAt finds where a node's box is on the screen: a cell inside it.
func (f *builderFlow) boxAt(id string) (int, int) {
	f.t.Helper()
	deadline := time.Now().Add(patience)
	for {
		for y, line := range strings.Split(f.term.screen(), "\n") {
			r := []rune(line)
			for x := 0; x+1 < len(r); x++ {
				if !strings.ContainsRune("│┃║", r[x]) {
					continue
				}
				rest := string(r[x+1:])
				if strings.HasPrefix(rest, id+" ") || strings.HasPrefix(rest, "✗ "+id+" ") {
					return x + 2, y
				}
			}
		}
		if time.Now().After(deadline) {
			f.t.Fatalf("no box %s on the screen:\n%s", id, f.term.screen())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// drag presses the mouse on one node's box and lets go on another's.
func (f *builderFlow) drag(from, to, done string) {
	f.t.Helper()
	x1, y1 := f.boxAt(from)
	x2, y2 := f.boxAt(to)
	f.term.tm.Send(tea.MouseClickMsg{X: x1, Y: y1, Button: tea.MouseLeft})
	f.term.tm.Send(tea.MouseMotionMsg{X: x2, Y: y2, Button: tea.MouseLeft})
	f.term.tm.Send(tea.MouseReleaseMsg{X: x2, Y: y2, Button: tea.MouseLeft})
	f.wait(done)
}

// finish adds a spike of the first producer and two checks, saves to path
// and quits.
func (f *builderFlow) finish(path string) {
	f.t.Helper()
	f.wait("● valid")
	f.keys("tab", "tab") // the timeline
	f.wait("[timeline 0]")
	f.keys("a", "down", "down", "enter")
	f.wait("add a spike")
	f.keys("tab", "10m", "tab", "tab", "ctrl+u", "2", "enter")
	f.wait("added a spike: producer.rate 2000/s at 10m, back to 1000/s at 12m (2 changes)")
	f.keys("tab") // expect
	f.wait("[expect 0]")
	f.keys("a", "pipeline.produced_records > 0", "enter")
	f.wait("added a check: pipeline.produced_records > 0")
	f.keys("a", "pipeline.delivered_records > 0", "enter")
	f.wait("[expect 2]")
	f.keys("s")
	f.wait("save as: new-pipeline.yaml")
	f.keys("ctrl+u", path, "enter")
	f.wait("saved " + path)
	f.keys("q")
	final, ok := f.term.tm.FinalModel(f.t, teatest.WithFinalTimeout(10*time.Second)).(ui.Model)
	if !ok || final.Builder().Dirty() {
		f.t.Fatal("quit with unsaved changes")
	}
}

// runPasses loads the saved file and runs it as `streamsim run` does on the
// simulator: every expectation must hold. It returns the scenario.
func runPasses(t *testing.T, path string) *pipeline.Scenario {
	t.Helper()
	sc, err := pipeline.LoadFile(path)
	if err != nil {
		t.Fatalf("the saved file does not load: %v", err)
	}
	res, err := sim.Run(sc)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := pipeline.NewReport(sc, "sim", sc.Duration, res.Metrics)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Passed || len(rep.Expectations) != 2 || len(sc.Timeline) != 2 {
		t.Fatalf("run: passed %v, %+v, timeline %+v", rep.Passed, rep.Expectations, sc.Timeline)
	}
	return sc
}

func wantEdges(t *testing.T, sc *pipeline.Scenario, want ...string) {
	t.Helper()
	var got []string
	for _, e := range sc.Edges() {
		got = append(got, e[0]+"→"+e[1])
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("edges %v, want %v", got, want)
	}
}

// The seed pipeline from nothing, with the keyboard: KDS → Firehose → S3
// and KDS → Flink → OpenSearch, four shards.
func TestBuildTheSeedPipeline(t *testing.T) {
	f := newBuilderFlow(t)
	f.add(0, "producer")
	f.keys("l")
	f.add(0, "kds")
	f.keys("l")
	f.add(0, "firehose")
	f.add(1, "flink")
	f.keys("l")
	f.add(0, "s3")
	f.add(3, "opensearch")
	f.keys("h", "h", "h")
	f.connect("producer → kds", "l")
	f.connect("firehose now reads kds", "l")
	f.keys("h")
	f.connect("flink now reads kds", "l", "j")
	f.keys("k")
	f.connect("firehose → s3", "l")
	f.keys("h", "j")
	f.connect("flink → opensearch", "l")
	f.keys("h", "h", "e")
	f.wait("edit kds")
	f.keys("down", "down", "ctrl+u", "4", "enter")
	f.wait("updated kds")
	path := filepath.Join(t.TempDir(), "seed.yaml")
	f.finish(path)
	sc := runPasses(t, path)
	wantEdges(t, sc, "producer→kds", "kds→firehose", "kds→flink", "firehose→s3", "flink→opensearch")
	if sc.Node("kds").Int("shards") != 4 {
		t.Fatal("kds has not 4 shards")
	}
}

// Two producers into one stream, connected by dragging with the mouse.
func TestBuildAFanInWithTheMouse(t *testing.T) {
	f := newBuilderFlow(t)
	f.add(0, "producer")
	f.add(0, "producer-2")
	f.keys("l")
	f.add(0, "kds")
	f.keys("l")
	f.add(0, "firehose")
	f.keys("l")
	f.add(0, "s3")
	f.drag("producer", "kds", "producer → kds")
	f.drag("producer-2", "kds", "producer-2 → kds")
	f.drag("kds", "firehose", "firehose now reads kds")
	f.drag("firehose", "s3", "firehose → s3")
	path := filepath.Join(t.TempDir(), "fan-in.yaml")
	f.finish(path)
	sc := runPasses(t, path)
	wantEdges(t, sc, "producer→kds", "producer-2→kds", "kds→firehose", "firehose→s3")
}

// MSK → Flink → DynamoDB.
func TestBuildMSKFlinkDynamoDB(t *testing.T) {
	f := newBuilderFlow(t)
	f.add(0, "producer")
	f.keys("l")
	f.add(1, "msk")
	f.keys("l")
	f.add(1, "flink")
	f.keys("l")
	f.add(2, "dynamodb")
	f.keys("h", "h", "h")
	f.connect("producer → msk", "l")
	f.connect("flink now reads msk", "l")
	f.connect("flink → dynamodb", "l")
	path := filepath.Join(t.TempDir(), "msk.yaml")
	f.finish(path)
	sc := runPasses(t, path)
	wantEdges(t, sc, "producer→msk", "msk→flink", "flink→dynamodb")
}

// A stream read by Redshift's streaming ingestion: an edge that skips the
// consumers' column.
func TestBuildKDSRedshiftStreaming(t *testing.T) {
	f := newBuilderFlow(t)
	f.add(0, "producer")
	f.keys("l")
	f.add(0, "kds")
	f.keys("l", "l")
	f.add(1, "redshift")
	f.keys("h", "h", "h")
	f.connect("producer → kds", "l")
	f.connect("redshift now reads kds", "l", "l")
	path := filepath.Join(t.TempDir(), "redshift.yaml")
	f.finish(path)
	sc := runPasses(t, path)
	wantEdges(t, sc, "producer→kds", "kds→redshift")
	if sc.Node("redshift").From != "kds" {
		t.Fatal("not streaming ingestion")
	}
}
