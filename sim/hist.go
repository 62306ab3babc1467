package sim

import "math"

// hist is a log-linear latency histogram: 128 sub-buckets per power of two from
// 1 ms, so every percentile is within 0.8% of the true value. Weights are
// record counts (fractional in the fluid model).
type hist struct {
	counts []float64
	total  float64
	max    float64
}

const (
	histSub    = 128
	histMinSec = 0.001
	histOctave = 40 // 1 ms × 2^40 ≈ 35 years
)

func newHist() *hist { return &hist{counts: make([]float64, histSub*histOctave+1)} }

func histIndex(sec float64) int {
	if sec < histMinSec {
		return 0
	}
	frac, exp := math.Frexp(sec / histMinSec) // sec/min = frac × 2^exp, frac in [0.5, 1)
	i := (exp-1)*histSub + int((frac*2-1)*histSub) + 1
	return min(i, histSub*histOctave)
}

func histValue(i int) float64 {
	if i == 0 {
		return 0
	}
	i--
	exp, sub := i/histSub, i%histSub
	lo := histMinSec * math.Ldexp(1+float64(sub)/histSub, exp)
	hi := histMinSec * math.Ldexp(1+float64(sub+1)/histSub, exp)
	return (lo + hi) / 2
}

func (h *hist) add(sec, n float64) {
	if n <= 0 {
		return
	}
	h.counts[histIndex(sec)] += n
	h.total += n
	if sec > h.max {
		h.max = sec
	}
}

// quantile returns the q-quantile (0..1) of the recorded latencies.
func (h *hist) quantile(q float64) float64 {
	if h.total <= 0 {
		return 0
	}
	target := q * h.total
	var acc float64
	for i, c := range h.counts {
		acc += c
		if acc >= target && c > 0 {
			return min(histValue(i), h.max)
		}
	}
	return h.max
}

// quantiles returns several quantiles (ascending) in one pass over the buckets.
func (h *hist) quantiles(qs ...float64) []float64 {
	out := make([]float64, len(qs))
	if h.total <= 0 {
		return out
	}
	var acc float64
	k := 0
	for i, c := range h.counts {
		if c == 0 {
			continue
		}
		acc += c
		for k < len(qs) && acc >= qs[k]*h.total {
			out[k] = min(histValue(i), h.max)
			k++
		}
		if k == len(qs) {
			break
		}
	}
	for ; k < len(qs); k++ {
		out[k] = h.max
	}
	return out
}
