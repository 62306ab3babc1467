package pipeline

import "math"

// Histogram is the latency histogram of the simulator and of real runs
// alike, so their percentiles mean the same: log-linear, 128 sub-buckets per
// power of two from 1 ms, every percentile within 0.8% of the true value, and
// the exact maximum. Weights are record counts (fractional in the
// simulator's fluid model).
type Histogram struct {
	counts []float64
	total  float64
	max    float64
}

const (
	histSub    = 128
	histMinSec = 0.001
	histOctave = 40 // 1 ms × 2^40 ≈ 35 years
)

// NewHistogram returns an empty histogram.
func NewHistogram() *Histogram { return &Histogram{counts: make([]float64, histSub*histOctave+1)} }

// histIndex is the bucket of sec: with sec/min = 1.m × 2^e, bucket
// e·histSub + (the first 7 bits of m) + 1, read from the float's bits (a
// call to math.Frexp was most of Add, which runs for every cohort
// delivered). Past the last octave, and for +Inf and NaN, the last bucket.
func histIndex(sec float64) int {
	if sec < histMinSec {
		return 0
	}
	bits := math.Float64bits(sec / histMinSec) // at least 1: normal, positive
	e := int(bits>>52) - 1023
	i := e*histSub + int(bits>>(52-histSubBits)&(histSub-1)) + 1
	return min(i, histSub*histOctave)
}

// histSubBits is log2(histSub): the mantissa bits that pick a sub-bucket.
const histSubBits = 7

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

// Add records n records that took sec seconds.
func (h *Histogram) Add(sec, n float64) {
	if n <= 0 {
		return
	}
	h.counts[histIndex(sec)] += n
	h.total += n
	if sec > h.max {
		h.max = sec
	}
}

// Quantile returns the q-quantile (0..1) of the recorded latencies.
func (h *Histogram) Quantile(q float64) float64 {
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

// Quantiles returns several quantiles (ascending) in one pass over the buckets.
func (h *Histogram) Quantiles(qs ...float64) []float64 {
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

// Max is the largest latency recorded.
func (h *Histogram) Max() float64 { return h.max }

// RaiseMax makes v the maximum if it is larger: records spread over a span of
// birth times (a merged queue entry) have their oldest as the true maximum.
func (h *Histogram) RaiseMax(v float64) { h.max = max(h.max, v) }
