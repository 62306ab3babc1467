package sim

import "testing"

func TestQuantilesMatchQuantile(t *testing.T) {
	h := newHist()
	for i := 1; i <= 1000; i++ {
		h.add(float64(i)*0.01, float64(i%7+1))
	}
	got := h.quantiles(0.5, 0.9, 0.99)
	for i, q := range []float64{0.5, 0.9, 0.99} {
		if want := h.quantile(q); got[i] != want {
			t.Errorf("quantiles[%v] = %v, quantile = %v", q, got[i], want)
		}
	}
	// Within the histogram's 0.8% resolution of the exact answer.
	if p := h.quantile(0.5); p < 4.95*0.992 || p > 5.05*1.008 { // values 0.01..10 s: the median is about 5 s
		t.Errorf("p50 %.3f out of range", p)
	}
}
