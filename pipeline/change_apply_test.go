package pipeline

import (
	"errors"
	"os"
	"strings"
	"testing"
)

func loadGood(t *testing.T, name string) *Scenario {
	t.Helper()
	data, err := os.ReadFile("testdata/good/" + name)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Load(name, data)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func assign(t *testing.T, s *Scenario, ref, text string) Assignment {
	t.Helper()
	a, err := s.ParseAssignment(ref, text)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// ApplyChange checks each assignment, writes those it can (Value.Set) and
// says why not of the others; CheckChange judges alike and writes nothing.
func TestApplyChange(t *testing.T) {
	s := loadGood(t, "imported.yaml")
	count := assign(t, s, "writers.keys.count", "50")
	rate := assign(t, s, "writers.rate", "2000/s")
	bad := Assignment{Node: "writers", Key: "rate", Value: Value{Kind: KindRate, Num: -5, Rate: Rate{PerSec: -5}}}
	ghost := Assignment{Node: "ghost", Key: "rate", Value: rate.Value}
	c := Change{Set: []Assignment{count, rate, bad, ghost}, Fail: "nobody"}

	if _, err := s.CheckChange(c, ChangeOptions{Live: true}); err == nil {
		t.Fatal("CheckChange took everything")
	}
	if s.Node("writers").Has("rate") && s.Node("writers").Rate("rate").PerSec != 1300 {
		t.Fatal("CheckChange wrote a setting")
	}

	applied, err := s.ApplyChange(c, ChangeOptions{Live: true})
	var ce *ChangeError
	if !errors.As(err, &ce) || ce.Refused() {
		t.Fatalf("want a ChangeError with invalid parts, got %v", err)
	}
	made := []bool{false, true, false, false}
	for i, o := range applied.Set {
		if o.Made() != made[i] {
			t.Errorf("%s = %s: made %v, want %v (%s)", o.Ref(), o.Value, o.Made(), made[i], o.Problem())
		}
	}
	if o := applied.Set[0]; !strings.Contains(o.Refused, "keys.count cannot change while the pipeline runs (a producer's partition keys are drawn when the run starts)") ||
		!strings.Contains(o.Problem(), "--set writers.keys.count=50") {
		t.Errorf("refusal: %q / %q", o.Refused, o.Problem())
	}
	if !strings.Contains(applied.Set[2].Problem(), "out of range") || !strings.Contains(applied.Set[3].Problem(), `no node "ghost"`) ||
		applied.FailErr == nil {
		t.Errorf("problems: %q, %q, %v", applied.Set[2].Problem(), applied.Set[3].Problem(), applied.FailErr)
	}
	w := s.Node("writers")
	if v := w.Params["rate"]; v.Rate.PerSec != 2000 || !v.Set {
		t.Errorf("rate written as %+v", v)
	}
	if w.Int("keys.count") != 2000 {
		t.Errorf("a refused assignment was written: keys.count %d", w.Int("keys.count"))
	}

	// Before a run everything valid is taken; a stream of another shard
	// count has its hash_ranges made again.
	shards := assign(t, s, "orders.shards", "8")
	applied, err = s.ApplyChange(Change{Set: []Assignment{count, shards}}, ChangeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if w.Int("keys.count") != 50 || s.Node("orders").Has("hash_ranges") || strings.Join(applied.Set[1].Dropped, ",") != "hash_ranges" {
		t.Errorf("before a run: keys.count %d, hash_ranges kept %v, dropped %v", w.Int("keys.count"), s.Node("orders").Has("hash_ranges"), applied.Set[1].Dropped)
	}
}

// A backend's own live keys replace the catalog's.
func TestApplyChangeBackendKeys(t *testing.T) {
	s := loadGood(t, "imported.yaml")
	b := &LiveKeys{Keys: map[ServiceName][]string{ProducerService: nil, KinesisDataStreams: {"shards"}}, Why: "not on this backend"}
	c := Change{Set: []Assignment{assign(t, s, "writers.keys.count", "50"), assign(t, s, "orders.shards", "8"),
		assign(t, s, "orders.retention", "48h"), assign(t, s, "fn.batch_size", "100")}}
	applied, err := s.ApplyChange(c, ChangeOptions{Live: true, Backend: b})
	var ce *ChangeError
	if !errors.As(err, &ce) || !ce.Refused() || len(ce.NotMade) != 2 {
		t.Fatalf("want two refusals, got %v", err)
	}
	for i, want := range []bool{true, true, false, false} {
		if o := applied.Set[i]; o.Made() != want {
			t.Errorf("%s: made %v, want %v (%s)", o.Ref(), o.Made(), want, o.Problem())
		}
	}
	if !strings.Contains(ce.Error(), "(not on this backend)") {
		t.Errorf("the backend's reason is not given: %v", ce)
	}
}

// Every settable key of the catalog is live unless it says why not.
func TestNotLiveKeysSaySo(t *testing.T) {
	for _, svc := range Services() {
		for _, k := range svc.Keys {
			if !k.Settable() && k.NotLive != "" {
				t.Errorf("%s.%s cannot be set at all: NotLive says nothing", svc.Name, k.Name)
			}
		}
	}
}
