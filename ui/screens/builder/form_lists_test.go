package builder

import (
	"testing"

	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/ui/styles"
)

// TestFormKeepsRecordedLists: the form has no field for a recorded series or
// hash ranges; applying it keeps them, and a new shard count drops the
// stream's ranges (they would no longer be one per shard).
func TestFormKeepsRecordedLists(t *testing.T) {
	sc, err := pipeline.LoadFile("../../../pipeline/testdata/good/imported.yaml")
	if err != nil {
		t.Fatal(err)
	}
	st := styles.New(styles.DefaultTheme(), true)
	p := sc.Node("writers")
	f := newForm(st, sc, p, 80)
	for _, fl := range f.fields {
		if fl.key.Kind.IsList() {
			t.Errorf("a field for %s", fl.key.Name)
		}
	}
	f.apply()
	if !p.Has("pattern.series") || !p.Has("keys.shares") || !p.Has("keys.hash_ranges") {
		t.Errorf("lists lost by the form: %v", p.SortedParamKeys())
	}
	if errs := sc.Validate(); len(errs) > 0 {
		t.Fatal(errs)
	}

	k := sc.Node("orders")
	f = newForm(st, sc, k, 80)
	for i, fl := range f.fields {
		if fl.key.Name == "shards" {
			f.fields[i].input.SetValue("8")
		}
	}
	f.apply()
	if k.Has("hash_ranges") || k.Int("shards") != 8 {
		t.Errorf("shards %d, hash_ranges kept: %v", k.Int("shards"), k.Has("hash_ranges"))
	}
	if errs := sc.Validate(); len(errs) > 0 {
		t.Fatal(errs)
	}
}
