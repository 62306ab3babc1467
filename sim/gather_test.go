package sim

import (
	"math/rand/v2"
	"testing"
)

// TestGatherMatchesReference holds gather.add (and its plain pieces'
// addEntry) to the simplest gather: a list in first-seen order where each
// piece is added with addTo to the cohort of its birth and arrival time.
// Pieces mix births on and off the tick grid, several arrival times, and
// pieces with and without a fold or a range of births, so plain pieces meet
// gathered cohorts that have them.
func TestGatherMatchesReference(t *testing.T) {
	for seed := range uint64(200) {
		rng := rand.New(rand.NewPCG(seed, 7))
		now, dt := 100.0, []float64{1, 0.2, 5}[seed%3]
		var g gather
		g.reset(now, dt)
		var want []cohort
		for range 1 + rng.IntN(60) {
			c := cohort{
				at:   now + dt*float64(rng.IntN(3)),
				born: now - dt*float64(rng.IntN(5)),
				n:    1 + rng.Float64()*100,
			}
			c.b = c.n * 1000
			if rng.IntN(4) == 0 {
				c.born += 0.37 // off the grid
			}
			if rng.IntN(3) == 0 {
				c.obj = 1
			}
			switch rng.IntN(5) {
			case 0:
				c.fold = 0.25
			case 1:
				c.lo, c.hi = c.born-1, c.born+1
			}
			g.add(c)
			i := 0
			for i < len(want) && !(sameTime(want[i].born, c.born) && want[i].at == c.at) {
				i++
			}
			if i < len(want) {
				addTo(&want[i], c)
			} else {
				want = append(want, c)
			}
		}
		if len(g.cs) != len(want) {
			t.Fatalf("seed %d: %d cohorts, want %d", seed, len(g.cs), len(want))
		}
		for i := range want {
			if g.cs[i] != want[i] {
				t.Fatalf("seed %d: cohort %d is %+v, want %+v", seed, i, g.cs[i], want[i])
			}
		}
	}
}
