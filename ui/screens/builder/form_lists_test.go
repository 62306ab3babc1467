package builder

import (
	"testing"

	"github.com/streamsim/streamsim/pipeline"
)

// TestFormKeepsRecordedLists: the node form has no field for a recorded
// series or hash ranges; applying it keeps them, and a new shard count drops
// the stream's ranges (they would no longer be one per shard).
func TestFormKeepsRecordedLists(t *testing.T) {
	sc, err := pipeline.LoadFile("../../../pipeline/testdata/good/imported.yaml")
	if err != nil {
		t.Fatal(err)
	}
	hs := newHarness(t, "", "")
	hs.m.sc = sc
	p := sc.Node("writers")
	f := hs.m.nodeForm(p)
	for _, fl := range f.fields {
		if k, ok := p.Service.Key(fl.name); ok && k.Kind.IsList() {
			t.Errorf("a field for %s", fl.name)
		}
	}
	p.Params, _ = formParams(f, p)
	if !p.Has("pattern.series") || !p.Has("keys.shares") || !p.Has("keys.hash_ranges") {
		t.Errorf("lists lost by the form: %v", p.SortedParamKeys())
	}
	if errs := sc.Validate(); len(errs) > 0 {
		t.Fatal(errs)
	}

	k := sc.Node("orders")
	f = hs.m.nodeForm(k)
	f.get("shards").input.SetValue("8")
	k.Params, _ = formParams(f, k)
	if k.Has("hash_ranges") || k.Int("shards") != 8 {
		t.Errorf("shards %d, hash_ranges kept: %v", k.Int("shards"), k.Has("hash_ranges"))
	}
	if errs := sc.Validate(); len(errs) > 0 {
		t.Fatal(errs)
	}
}
