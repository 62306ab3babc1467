package advice

import (
	"strings"
	"testing"

	"github.com/streamsim/streamsim/pipeline"
)

// A timeline `set` the running pipeline cannot take is refused by the
// diagnoser as by the engine (the same pipeline.ApplyChange): its settings
// stay, and the advice says the run went on without it and how to have it.
func TestDiagnoserTimelineRefusal(t *testing.T) {
	text := pipe("duration: 10m\n", "", producer("app", "2000/s", "1KiB", evenKeys, ""), kds4,
		"  - id: c\n    service: app\n    from: stream\n    to: [lake]\n", lake) +
		"timeline:\n  - at: 1m\n    set: {app.keys.count: 20, app.rate: 2500/s}\n"
	s := load(t, text)
	d, res := diagnose(t, s)
	f, ok := finding(d, "refused-change", "app")
	if !ok {
		t.Fatalf("no refused-change finding:\n%s", messages(d))
	}
	for _, want := range []string{"set app.keys.count = 20 at 0:01:00 was refused: keys.count cannot change while the pipeline runs", "the run went on without it"} {
		if !strings.Contains(f.Problem, want) {
			t.Errorf("problem %q lacks %q", f.Problem, want)
		}
	}
	if !strings.Contains(f.Fix, "--set app.keys.count=20") {
		t.Errorf("fix %q does not say how to have it from the start", f.Fix)
	}
	if got := d.sc.Node("app").Int("keys.count"); got != 2000 {
		t.Errorf("the diagnoser's keys.count is %d, want the file's 2000", got)
	}
	if got := d.sc.Node("app").Rate("rate").PerSec; got != 2500 {
		t.Errorf("the rest of the entry was not made: rate %v", got)
	}
	var refused bool
	for _, e := range res.Events {
		refused = refused || strings.Contains(e.Text, "set keys.count = 20 refused")
	}
	if !refused {
		t.Errorf("the engine did not refuse it as an event: %v", res.Events)
	}
}

// A change the backend refused while the run went on (the dashboard tells
// the diagnoser) is a finding; one it took reaches the settings.
func TestDiagnoserRefusedAndApplied(t *testing.T) {
	s := load(t, pipe("duration: 10m\n", "", producer("app", "2000/s", "1KiB", evenKeys, ""), kds4,
		"  - id: c\n    service: app\n    from: stream\n    to: [lake]\n", lake))
	d := NewDiagnoser(s)
	read, err := s.ParseAssignment("c.read", "enhanced-fan-out")
	if err != nil {
		t.Fatal(err)
	}
	d.Apply(pipeline.Change{Set: []pipeline.Assignment{read}})
	if got := d.sc.Node("c").Str("read"); got != "enhanced-fan-out" {
		t.Errorf("a change the backend took did not reach the settings: read %q", got)
	}
	shards, err := s.ParseAssignment("stream.shards", "64")
	if err != nil {
		t.Fatal(err)
	}
	c := pipeline.Change{At: 90e9, Set: []pipeline.Assignment{shards}}
	d.Refused(c, &pipeline.ResizeError{Op: "UpdateShardCount", Want: 64, Reason: "a call can at most double or halve the shard count"})
	f, ok := finding(d, "refused-change", "stream")
	if !ok || !strings.Contains(f.Problem, "A change at 0:01:30 was refused: ") {
		t.Errorf("no refusal finding: %+v\n%s", f, messages(d))
	}
	if got := d.sc.Node("stream").Int("shards"); got != 4 {
		t.Errorf("a refused change reached the settings: shards %d", got)
	}
}
