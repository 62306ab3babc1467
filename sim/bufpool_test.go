package sim

import (
	"math"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/streamsim/streamsim/pipeline"
)

// TestPooledEntriesAreZeroed: a buffer given back and taken again comes
// zeroed past the entries its taker writes, as make's, whatever it held.
func TestPooledEntriesAreZeroed(t *testing.T) {
	PoolBuffers()
	for _, n := range []int{8, 64, 4096} {
		for range 3 {
			b := newEntries(n, 0)
			for i := range b {
				b[i] = entry{at: 1, born: 2, n: 3, b: 4}
			}
			freeEntries(b)
			keep := n / 2
			got := newEntries(n, keep)
			if len(got) != n {
				t.Fatalf("newEntries(%d) has %d entries", n, len(got))
			}
			for i, e := range got[keep:] {
				if e != (entry{}) {
					t.Fatalf("newEntries(%d, %d)[%d] = %v, want zero", n, keep, keep+i, e)
				}
			}
		}
	}
}

// TestReleasedBuffersChangeNothing: runs that reuse the buffers of released
// ones, one after another and four at once, give the first run's results to
// the bit; a released engine's queues hold nothing. The day falls behind, so
// every shard's ring grows and merges.
func TestReleasedBuffersChangeNothing(t *testing.T) {
	PoolBuffers()
	b, err := os.ReadFile("testdata/kinds/behind.yaml")
	if err != nil {
		t.Fatal(err)
	}
	sc, err := pipeline.Load("behind.yaml", b)
	if err != nil {
		t.Fatal(err)
	}
	sc.Duration = 15 * time.Minute
	run := func() map[string]float64 {
		e, err := New(sc)
		if err != nil {
			t.Error(err)
			return nil
		}
		e.RunToEnd()
		m := e.Result().Metrics
		e.Release()
		for _, md := range e.models {
			if s, ok := md.(*stream); ok {
				for _, r := range s.readers {
					for u := range r.q {
						if q := &r.q[u]; q.buf != nil || q.size != 0 {
							t.Errorf("%s: queue %d keeps %d entries after Release", s.id, u, q.size)
						}
					}
				}
			}
		}
		return m
	}
	want := run()
	if want["events.lag_records"] <= 0 {
		t.Fatal("the day did not fall behind: its rings did not grow")
	}
	same := func(got map[string]float64) {
		t.Helper()
		for k, w := range want {
			if g := got[k]; math.Float64bits(g) != math.Float64bits(w) {
				t.Errorf("%s = %v, want %v", k, g, w)
			}
		}
	}
	for range 2 {
		same(run())
	}
	var wg sync.WaitGroup
	got := make([]map[string]float64, 4)
	for i := range got {
		wg.Add(1)
		go func() { defer wg.Done(); got[i] = run() }()
	}
	wg.Wait()
	for _, g := range got {
		same(g)
	}
}
