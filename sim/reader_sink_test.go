package sim

import (
	"math/rand/v2"
	"reflect"
	"testing"
)

// TestAddRunsIsAddRun holds pieceSink.addRuns (a tick's runs handed on
// together, the newest cohort and the memo looked at in its loop) to
// addRun, one run at a time: runs of births on and off the tick grid,
// repeated far apart (the memo's case) and in a row, arriving in the
// stream before the tick and after it (so that their arrivals at the
// processor differ), with and without objects, folds and ranges of births.
// Both must leave the same cohorts in the same order and the same sums.
func TestAddRunsIsAddRun(t *testing.T) {
	for seed := range uint64(300) {
		rng := rand.New(rand.NewPCG(seed, 9))
		now, dt := 100.0, []float64{1, 0.2, 5}[seed%3]
		var ga, gb gather
		births := make([]float64, 1+rng.IntN(90))
		for i := range births {
			births[i] = now - dt*float64(rng.IntN(200))
			if rng.IntN(2) == 0 {
				births[i] -= rng.Float64() * dt // off the grid: a merged entry's
			}
		}
		// Three ticks of the same births on the same gathers: what the
		// memo kept from a tick before must not count in the next.
		for tick := range 3 {
			ga.reset(now, dt)
			gb.reset(now, dt)
			sa := pieceSink{g: &ga, now: now, delay: 0.2, pause: float64(seed % 2)}
			sb := pieceSink{g: &gb, now: now, delay: 0.2, pause: float64(seed % 2)}
			handed := tickRuns(rng, births, now, dt)
			runs, ext := asRuns(handed)
			sa.addRuns(runs, ext)
			for i := range handed {
				sb.addRun(handed[i].u, &handed[i].cohort, nil)
			}
			if !reflect.DeepEqual(ga.cs, gb.cs) || sa.in != sb.in || sa.inB != sb.inB || sa.readN != sb.readN || sa.readB != sb.readB {
				t.Fatalf("seed %d, tick %d: addRuns gathered %d cohorts, addRun %d", seed, tick, len(ga.cs), len(gb.cs))
			}
		}
	}
}

// tickRuns are a tick's random runs of the given births (see
// TestAddRunsIsAddRun).
func tickRuns(rng *rand.Rand, births []float64, now, dt float64) []handedRun {
	var runs []handedRun
	for u := range 1 + rng.IntN(300) {
		c := cohort{born: births[rng.IntN(len(births))], at: now - dt*float64(rng.IntN(3))}
		if rng.IntN(6) == 0 {
			c.at = now + dt*float64(1+rng.IntN(3)) // written by a consumer, later than now
		}
		c.n = 1 + rng.Float64()*100
		c.b = c.n * 1000
		switch rng.IntN(12) {
		case 0:
			c.obj = 1
		case 1:
			c.fold = 0.25
		case 2:
			c.lo, c.hi = c.born-1, c.born+1
		}
		runs = append(runs, handedRun{c, u})
		if rng.IntN(3) == 0 { // the same birth and arrival again, in a row
			runs = append(runs, handedRun{c, u})
		}
	}
	return runs
}

// asRuns is hs as takeBacklog keeps them: unitRuns, and the extras of
// those that have any.
func asRuns(hs []handedRun) ([]unitRun, []extra) {
	var runs []unitRun
	var ext []extra
	for _, h := range hs {
		ru := unitRun{at: h.at, born: h.born, n: h.n, b: h.b, u: int32(h.u)}
		if h.obj != 0 || h.fold != 0 || h.lo != 0 || h.hi != 0 {
			ext = append(ext, extra{obj: h.obj, fold: h.fold, lo: h.lo, hi: h.hi})
			ru.x = int32(len(ext))
		}
		runs = append(runs, ru)
	}
	return runs, ext
}
