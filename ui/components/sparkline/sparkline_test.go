package sparkline

import (
	"reflect"
	"testing"
)

func TestRender(t *testing.T) {
	got := Render([]float64{0, 1, 2, 4, 8}, 6, 1, 8)
	if want := []string{"  ▁▂▄█"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("one row: %q, want %q", got, want)
	}
	got = Render([]float64{4, 8, 16}, 3, 2, 16)
	if want := []string{"  █", "▄██"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("two rows: %q, want %q", got, want)
	}
	// More values than cells: the newest win.
	if got := Render([]float64{9, 9, 9, 1}, 2, 1, 1); got[0] != "██" {
		t.Fatalf("scroll: %q", got)
	}
}

func TestHistory(t *testing.T) {
	h := NewHistory(3)
	for _, v := range []float64{1, 2, 3, 4} {
		h.Push(v)
	}
	if !reflect.DeepEqual(h.Values(), []float64{2, 3, 4}) || h.Last() != 4 || h.Max() != 4 {
		t.Fatalf("history %v", h.Values())
	}
}
