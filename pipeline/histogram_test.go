package pipeline

import "testing"

func TestQuantilesMatchQuantile(t *testing.T) {
	h := NewHistogram()
	for i := 1; i <= 1000; i++ {
		h.Add(float64(i)*0.01, float64(i%7+1))
	}
	got := h.Quantiles(0.5, 0.9, 0.99)
	for i, q := range []float64{0.5, 0.9, 0.99} {
		if want := h.Quantile(q); got[i] != want {
			t.Errorf("quantiles[%v] = %v, quantile = %v", q, got[i], want)
		}
	}
	// Within the histogram's 0.8% resolution of the exact answer.
	if p := h.Quantile(0.5); p < 4.95*0.992 || p > 5.05*1.008 { // values 0.01..10 s: the median is about 5 s
		t.Errorf("p50 %.3f out of range", p)
	}
}

// One record per latency from 1 ms to 1 s, as a real run records them: the
// percentiles within the 0.8% resolution and the top one the exact maximum.
func TestHistogramOnWholeRecords(t *testing.T) {
	h := NewHistogram()
	for i := 1; i <= 1000; i++ {
		h.Add(float64(i)/1000, 1)
	}
	for _, q := range []float64{0.5, 0.99} {
		if got := h.Quantile(q); got < q*0.992 || got > q*1.008 {
			t.Errorf("p%g = %.4f", 100*q, got)
		}
	}
	if h.Max() != 1 || h.Quantile(1) != 1 {
		t.Errorf("max %v, q1 %v", h.Max(), h.Quantile(1))
	}
}
