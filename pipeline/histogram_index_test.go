package pipeline

import (
	"math"
	"math/rand/v2"
	"testing"
)

// frexpIndex is histIndex as math.Frexp tells it, for finite sec.
func frexpIndex(sec float64) int {
	if sec < histMinSec {
		return 0
	}
	frac, exp := math.Frexp(sec / histMinSec)
	i := (exp-1)*histSub + int((frac*2-1)*histSub) + 1
	return min(i, histSub*histOctave)
}

// TestHistIndexIsFrexp holds histIndex's bit reading to the Frexp
// arithmetic it replaced, over random latencies of every octave, bucket
// edges and their neighbours, and the extremes.
func TestHistIndexIsFrexp(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	var xs []float64
	for range 200000 {
		xs = append(xs, math.Ldexp(rnd.Float64(), rnd.IntN(60)-20))
	}
	for i := range histSub*histOctave + 2 {
		edge := histValue(i)
		xs = append(xs, edge, math.Nextafter(edge, 0), math.Nextafter(edge, math.Inf(1)))
	}
	for i := range histOctave + 2 {
		x := math.Ldexp(histMinSec, i)
		xs = append(xs, x, math.Nextafter(x, 0), math.Nextafter(x, math.Inf(1)))
	}
	xs = append(xs, 0, -1, math.Copysign(0, -1), histMinSec, math.MaxFloat64, math.SmallestNonzeroFloat64)
	for _, x := range xs {
		if got, want := histIndex(x), frexpIndex(x); got != want {
			t.Fatalf("histIndex(%v) = %d, want %d", x, got, want)
		}
	}
	for _, x := range []float64{math.Inf(1), math.NaN()} {
		if got := histIndex(x); got != histSub*histOctave {
			t.Errorf("histIndex(%v) = %d, want the last bucket %d", x, got, histSub*histOctave)
		}
	}
}
