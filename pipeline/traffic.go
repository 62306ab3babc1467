package pipeline

import "math"

// Traffic is a producer's load as the format describes it: the mean record
// size, the mean rate in records per second, and the pattern that scales
// the rate over time. The simulator's producers and the aws backend's
// follow the same Traffic, so a real run sends what a simulated one does.
type Traffic struct {
	n     *Node
	Size  float64 // mean record size, bytes
	Rate  float64 // mean records per second; a rate in bytes/s is turned into records of Size
	Shape string  // pattern.shape: constant, poisson, diurnal, ramp, spike, series
	// The pattern's settings, read once (Factor runs every tick).
	peak, period      float64 // diurnal
	at, over, to, dur float64 // ramp (at, over, to in records/s), spike (at, dur)
	factor            float64 // spike
}

// TrafficOf reads a producer's traffic from its settings.
func TrafficOf(n *Node) Traffic {
	t := Traffic{n: n, Size: math.Max(1, n.Num("record_size.mean")), Shape: n.Str("pattern.shape")}
	r := n.Rate("rate")
	t.Rate = r.PerSec
	if r.Bytes {
		t.Rate = r.PerSec / t.Size
	}
	switch t.Shape {
	case "diurnal":
		t.peak = n.Num("pattern.peak")
		t.period = math.Max(1, n.Dur("pattern.period").Seconds())
	case "ramp":
		t.at = n.Dur("pattern.at").Seconds()
		t.over = math.Max(1e-9, n.Dur("pattern.over").Seconds())
		to := n.Rate("pattern.to")
		t.to = to.PerSec
		if to.Bytes {
			t.to /= t.Size
		}
	case "spike":
		t.at, t.dur = n.Dur("pattern.at").Seconds(), n.Dur("pattern.for").Seconds()
		t.factor = n.Num("pattern.factor")
	}
	return t
}

// Poisson says the records of a tick are a Poisson draw around the mean
// rather than the mean itself.
func (t Traffic) Poisson() bool { return t.Shape == "poisson" }

// Factor is the pattern's multiplier of the mean rate at time sec (seconds
// from the start of the run).
func (t Traffic) Factor(sec float64) float64 {
	switch t.Shape {
	case "diurnal":
		return math.Max(0, 1+(t.peak-1)*math.Sin(2*math.Pi*sec/t.period))
	case "ramp":
		if t.Rate <= 0 {
			return 0
		}
		x := math.Min(1, math.Max(0, (sec-t.at)/t.over))
		return 1 + x*(t.to/t.Rate-1)
	case "spike":
		if sec >= t.at && sec < t.at+t.dur {
			return t.factor
		}
	case "series":
		return SeriesFactor(t.n, sec)
	}
	return 1
}

// KeyDist is how a producer draws its partition keys (keys.*): the share of
// its records that carry the key of each rank.
type KeyDist struct {
	Dist     string // uniform, zipf, hot, random, per-shard
	Count    int    // distinct keys (at least 1)
	Skew     float64
	Fraction float64 // hot: the hot key's share
	total    float64 // zipf: Σ rank^-skew over all keys
}

// KeyDistOf reads a producer's key distribution from its settings.
func KeyDistOf(n *Node) KeyDist {
	k := KeyDist{Dist: n.Str("keys.dist"), Count: max(1, n.Int("keys.count")), Skew: n.Num("keys.skew"), Fraction: n.Num("keys.fraction")}
	if k.Dist == "zipf" {
		for i := 1; i <= k.Count; i++ {
			k.total += math.Pow(float64(i), -k.Skew)
		}
	}
	if k.Dist == "hot" && k.Count == 1 {
		k.Fraction = 1
	}
	return k
}

// Weight is the share of the records that carry the key of rank i
// (0-based: the heaviest first), for the zipf, hot and uniform
// distributions.
func (k KeyDist) Weight(i int) float64 {
	switch k.Dist {
	case "zipf":
		return math.Pow(float64(i+1), -k.Skew) / k.total
	case "hot":
		if i == 0 {
			return k.Fraction
		}
		return (1 - k.Fraction) / float64(max(1, k.Count-1))
	}
	return 1 / float64(k.Count)
}
