package sim

import (
	"math"
	"testing"
)

// TestReadableOfMatchesBuiltins holds readableOf's plain comparisons to
// min(n, max(0, allowB)/per) with Go's builtins, to the bit, over every
// pairing of the values where they could part: zeros of both signs, NaN,
// infinities, negatives, and the tiny and the huge.
func TestReadableOfMatchesBuiltins(t *testing.T) {
	vals := []float64{0, math.Copysign(0, -1), math.NaN(), math.Inf(1), math.Inf(-1),
		-1, -1e-300, 1e-300, 5e-324, 1e-12, 0.5, 1, 3, 1000, 4.5e6, 1e300, math.MaxFloat64}
	same := func(x, y float64) bool {
		return math.Float64bits(x) == math.Float64bits(y) || x != x && y != y
	}
	for _, dn := range vals {
		for _, db := range vals {
			for _, allowN := range vals {
				for _, allowB := range vals {
					n, b := readableOf(dn, db, allowN, allowB)
					wn, wb := 0.0, 0.0
					if !(dn <= 0) { // as readableOf asks: a NaN demand goes on
						per := db / dn
						wn = allowN
						if per > 0 {
							wn = min(wn, max(0, allowB)/per)
						}
						wb = wn * per
					}
					if !same(n, wn) || !same(b, wb) {
						t.Errorf("readableOf(%v, %v, %v, %v) = %v, %v; the builtins give %v, %v", dn, db, allowN, allowB, n, b, wn, wb)
					}
				}
			}
		}
	}
}

// TestLargerMatchesMax holds larger to the builtin max, to the bit, for
// every running maximum it is given (+0 or above, or NaN) and any value.
func TestLargerMatchesMax(t *testing.T) {
	ms := []float64{0, 5e-324, 1e-12, 1, 4.5e6, math.MaxFloat64, math.Inf(1), math.NaN()}
	vs := append(ms, math.Copysign(0, -1), -1, -1e-300, math.Inf(-1))
	for _, m := range ms {
		for _, v := range vs {
			got, want := larger(m, v), max(m, v)
			if math.Float64bits(got) != math.Float64bits(want) && !(got != got && want != want) {
				t.Errorf("larger(%v, %v) = %v, max gives %v", m, v, got, want)
			}
		}
	}
}
