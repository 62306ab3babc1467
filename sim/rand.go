package sim

import (
	"math"
	"math/rand/v2"
)

// rng is the engine's only source of randomness, seeded from the scenario.
type rng struct {
	r   *rand.Rand
	src *rand.PCG
}

func newRNG(seed int64) *rng {
	src := rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15)
	return &rng{rand.New(src), src}
}

// state is a copy of the generator's state: drawing from the copy repeats
// what the generator draws next, without touching it.
func (g *rng) state() rand.PCG { return *g.src }

func (g *rng) uint64() uint64 { return g.r.Uint64() }

// normal returns a standard normal deviate (Box-Muller, one draw discarded for simplicity).
func (g *rng) normal() float64 {
	u1 := g.r.Float64()
	for u1 == 0 {
		u1 = g.r.Float64()
	}
	u2 := g.r.Float64()
	return math.Sqrt(-2*math.Log(u1)) * math.Cos(2*math.Pi*u2)
}

// poisson draws a Poisson count with mean lambda: exact for small means,
// normal approximation above 50 where the error is negligible.
func (g *rng) poisson(lambda float64) float64 {
	if lambda <= 0 {
		return 0
	}
	if lambda > 50 {
		return max(0, math.Round(lambda+math.Sqrt(lambda)*g.normal()))
	}
	l, k, p := math.Exp(-lambda), 0.0, 1.0
	for {
		p *= g.r.Float64()
		if p <= l {
			return k
		}
		k++
	}
}
