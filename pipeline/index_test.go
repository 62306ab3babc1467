package pipeline

import (
	"reflect"
	"testing"
)

// TestIndexAnswersAsScenario: an Index gives what Scenario's scans give, in
// the same order, for every node and stage.
func TestIndexAnswersAsScenario(t *testing.T) {
	svc := func(name string) *Service {
		s, ok := LookupService(name)
		if !ok {
			t.Fatalf("no service %s", name)
		}
		return s
	}
	s := &Scenario{Nodes: []*Node{
		{ID: "web", Stage: Producer, Service: svc("producer"), To: []string{"clicks", "direct"}},
		{ID: "app", Stage: Producer, Service: svc("producer"), To: []string{"clicks"}},
		{ID: "clicks", Stage: Storage, Service: svc("kinesis-data-streams")},
		{ID: "direct", Stage: Consumer, Service: svc("firehose"), To: []string{"lake"}},
		{ID: "fh", Stage: Consumer, Service: svc("firehose"), From: "clicks", To: []string{"lake", "lake"}},
		{ID: "flink", Stage: Consumer, Service: svc("flink"), From: "clicks", To: []string{"clicks2"}},
		{ID: "clicks2", Stage: Storage, Service: svc("kinesis-data-streams")},
		{ID: "lake", Stage: Destination, Service: svc("s3")},
		{ID: "wh", Stage: Destination, Service: svc("redshift"), From: "clicks2"},
	}}
	x := NewIndex(s)
	for _, id := range []string{"web", "app", "clicks", "direct", "fh", "flink", "clicks2", "lake", "wh", "nope", ""} {
		if got, want := x.Node(id), s.Node(id); got != want {
			t.Errorf("Node(%q) = %v, want %v", id, got, want)
		}
		if got, want := x.Readers(id), s.Readers(id); len(got)+len(want) > 0 && !reflect.DeepEqual(got, want) {
			t.Errorf("Readers(%q) = %v, want %v", id, got, want)
		}
		if got, want := x.Writers(id), s.Writers(id); len(got)+len(want) > 0 && !reflect.DeepEqual(got, want) {
			t.Errorf("Writers(%q) = %v, want %v", id, got, want)
		}
	}
	for st := Producer; st <= Destination; st++ {
		if got, want := x.Stage(st), s.Stage(st); !reflect.DeepEqual(got, want) {
			t.Errorf("Stage(%v) = %v, want %v", st, got, want)
		}
	}
}
