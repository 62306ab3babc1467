package scenarios

import (
	"slices"
	"strings"
	"testing"

	"github.com/streamsim/streamsim/pipeline"
)

func TestNames(t *testing.T) {
	names := Names()
	for _, want := range []string{"seed-pipeline", "hot-partition-key"} {
		if !slices.Contains(names, want) {
			t.Errorf("Names() = %v, lacks %s", names, want)
		}
	}
	if names[0] != "seed-pipeline" {
		t.Errorf("Names()[0] = %s, want the seed pipeline first", names[0])
	}
	if len(names) != len(workshopOrder) {
		t.Errorf("%d built-ins, %d in the workshop order: add new ones to workshopOrder", len(names), len(workshopOrder))
	}
}

func TestRead(t *testing.T) {
	a, ok1 := Read("seed-pipeline")
	b, ok2 := Read("seed-pipeline.yaml")
	if !ok1 || !ok2 || string(a) != string(b) || len(a) == 0 {
		t.Errorf("Read by name and by file name disagree (%v, %v)", ok1, ok2)
	}
	for _, name := range []string{"", "nope", "../scenarios/seed-pipeline", "./seed-pipeline", "sub/seed-pipeline"} {
		if _, ok := Read(name); ok {
			t.Errorf("Read(%q) found something", name)
		}
	}
	if _, err := Load("nope"); err == nil || !strings.Contains(err.Error(), `no built-in scenario named "nope"`) {
		t.Errorf("Load(nope) = %v", err)
	}
}

// TestBuiltinsLoad checks every built-in is valid and complete enough for the
// picker and the lesson panel.
func TestBuiltinsLoad(t *testing.T) {
	for _, name := range Names() {
		t.Run(name, func(t *testing.T) {
			s, err := Load(name)
			if err != nil {
				t.Fatalf("does not load:\n%v", err)
			}
			if s.Name != name {
				t.Errorf("name: %q in %s.yaml; the file name and the name must agree", s.Name, name)
			}
			if s.File != name+".yaml" {
				t.Errorf("File = %q, want %s.yaml", s.File, name)
			}
			if s.Title == "" || s.Description == "" {
				t.Error("a built-in needs a title and a description")
			}
			if len(s.Expect) == 0 || len(s.Lesson) == 0 {
				t.Error("a built-in needs expect lines and lesson steps")
			}
			if len(s.Requirements.Set) == 0 {
				t.Error("a built-in states its requirements, for the advisor and the lesson panel")
			}
		})
	}
}

// peakRate is a producer's highest mean rate (records/s) over the timeline.
func peakRate(s *pipeline.Scenario, n *pipeline.Node) float64 {
	r := n.Num("rate")
	for _, c := range s.Timeline {
		for _, a := range c.Set {
			if a.Node == n.ID && a.Key == "rate" {
				r = max(r, a.Value.Num)
			}
		}
	}
	return r
}

// TestSeedHasHeadroom is a back-of-envelope check that the seed pipeline's
// expectations are plausible: at its peak rate, with keys spread evenly, each
// shard stays well below both write limits.
func TestSeedHasHeadroom(t *testing.T) {
	s, err := Load("seed-pipeline")
	if err != nil {
		t.Fatal(err)
	}
	var recs, bytes float64
	for _, p := range s.Stage(pipeline.Producer) {
		r := peakRate(s, p)
		recs += r
		bytes += r * p.Num("record_size.mean")
	}
	shards := s.Node("clicks").Num("shards")
	util := max(recs/shards/pipeline.KDSShardWriteRecs, bytes/shards/pipeline.KDSShardWriteBytes)
	if util > 0.7 {
		t.Errorf("peak mean shard utilisation %.2f leaves too little headroom for `clicks.max_shard_utilization < 85%%`", util)
	}
	if recs < 1500 || recs > 3000 {
		t.Errorf("seed pipeline peaks at %.0f records/s; it is meant to run near 2,000/s", recs)
	}
}

// TestHotKeyOverloadsOneShard checks the teaching point of hot-partition-key: the
// stream as a whole has room, but the hot key's shard is offered more than its
// limit, before and after resharding.
func TestHotKeyOverloadsOneShard(t *testing.T) {
	s, err := Load("hot-partition-key")
	if err != nil {
		t.Fatal(err)
	}
	p := s.Node("orders")
	rate, frac := p.Num("rate"), p.Num("keys.fraction")
	if p.Str("keys.dist") != "hot" || frac != 0.6 || p.Int("keys.count") != 1000 {
		t.Fatalf("keys = %s %v of %d, want hot 0.6 of 1000", p.Str("keys.dist"), frac, p.Int("keys.count"))
	}
	shards := []float64{s.Node("events").Num("shards")}
	for _, c := range s.Timeline {
		for _, a := range c.Set {
			if a.Node == "events" && a.Key == "shards" {
				shards = append(shards, a.Value.Num)
			}
		}
	}
	for _, n := range shards {
		if total := rate / (n * pipeline.KDSShardWriteRecs); total > 0.6 {
			t.Errorf("%v shards: the whole stream is at %.2f; the point is that it has room", n, total)
		}
		if hot := (frac*rate + (1-frac)*rate/n) / pipeline.KDSShardWriteRecs; hot < 1.2 {
			t.Errorf("%v shards: hot shard at %.2f, want above the 120%% the expectations claim", n, hot)
		}
	}
}
