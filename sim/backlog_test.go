package sim

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestTakeBacklogIsStepwise holds takeBacklog (nextEntry written out in
// its loop) to take's general loop, piece by piece through nextEntry, at
// the edges the engine's runs seldom reach: dust entries (below 1e-12
// records), allowances that fall on an entry's edge or within roundings
// of it, in records or bytes, entries of no bytes and of vanishing size
// per record, retried and new records pushed behind the backlog. Both
// takes must hand on the same runs and leave the same queues and sums.
func TestTakeBacklogIsStepwise(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	pick := func(xs ...float64) float64 { return xs[r.IntN(len(xs))] }
	var dust, edges int
	for trial := range 20_000 {
		units := 1 + r.IntN(4)
		a, b := newBacklogReader(units), newBacklogReader(units)
		for u := range units {
			for i := range 1 + r.IntN(5) {
				n := pick(1e-13, 2e-12, 0.5, 3, 1000*r.Float64(), 1e6)
				per := pick(0, 1e-9, 1, 100, 1000*r.Float64(), 1e-300)
				born := float64(i) - pick(0, 0.25)
				e := entry{at: float64(i), born: born, n: n, b: n * per}
				a.q[u].pushEntry(e)
				b.q[u].pushEntry(e)
				if n < 1e-12 {
					dust++
				}
			}
			front := a.q[u].buf[a.q[u].head]
			a.allowN[u] = pick(front.n*r.Float64(), front.n, front.n*(1+1e-12), 1e9, 1e-12*(1+r.Float64()), 0)
			a.allow[u] = pick(front.b*r.Float64(), front.b, front.b*(1+1e-12), front.b*(1-1e-12),
				2.5*front.b, math.Nextafter(front.b*0.3, 0), 3e6*r.Float64(), 0)
			if a.allow[u] == front.b || a.allowN[u] == front.n {
				edges++
			}
			b.allowN[u], b.allow[u] = a.allowN[u], a.allow[u]
			// Retried records born before the new ones, or with them (then
			// the two merge into one entry).
			accN, retried, retBorn := pick(0, 0, 5, 1e-13), r.IntN(3) == 0, pick(4.5, 9)
			for _, x := range []*reader{a, b} {
				x.s.adm.accN[u] = accN
				if retried {
					x.s.adm.retN[u], x.s.adm.retB[u], x.s.adm.retBornN[u] = 2, 2000, 2*retBorn
					x.s.adm.anyRet = true
				}
			}
		}
		a.nonEmpty, b.nonEmpty = units, units
		b.stepwise = true
		var ga, gb []handedRun
		a.take(false, func(u int, c cohort) { ga = append(ga, handedRun{c, u}) })
		b.take(false, func(u int, c cohort) { gb = append(gb, handedRun{c, u}) })
		if !slices.Equal(ga, gb) || a.out != b.out || a.outB != b.outB || a.nonEmpty != b.nonEmpty {
			t.Fatalf("trial %d: takeBacklog handed on %v (out %v, %v), the general loop %v (out %v, %v)",
				trial, ga, a.out, a.outB, gb, b.out, b.outB)
		}
		for u := range units {
			qa, qb := &a.q[u], &b.q[u]
			if qa.n != qb.n || qa.b != qb.b || qa.size != qb.size || qa.head != qb.head ||
				qa.frontAt != qb.frontAt || !slices.Equal(qa.buf, qb.buf) {
				t.Fatalf("trial %d, unit %d: takeBacklog left n %v b %v size %d, the general loop n %v b %v size %d",
					trial, u, qa.n, qa.b, qa.size, qb.n, qb.b, qb.size)
			}
		}
	}
	if dust < 1000 || edges < 1000 {
		t.Errorf("only %d dust entries and %d allowances on an entry's edge", dust, edges)
	}
}

// newBacklogReader is a reader of one writer's stream of units units, its
// tick's records one birth, arrival and size (oneMode), for takeBacklog.
func newBacklogReader(units int) *reader {
	s := &stream{units: units}
	s.adm.resize(units)
	s.adm.edges = []*edge{{}}
	s.adm.oneMode = true
	s.adm.oneAt, s.adm.oneBorn, s.adm.onePer = 9, 9, 1000
	for u := range units {
		s.adm.accAt[u] = 9
	}
	return &reader{s: s, q: make([]fifo, units), allow: make([]float64, units), allowN: make([]float64, units)}
}

// handedRun is a cohort a take handed on and the unit it gave.
type handedRun struct {
	cohort
	u int
}
