package pipeline

import "math"

// SizeDist is a producer's record-size distribution: fixed, or lognormal with
// the given mean whose `max` is taken as its 99.9th percentile (records above
// it are cut to max; without max, max is 8 × the mean). The simulator needs it
// for billing units (a 25 KB PUT unit, Firehose's 5 KB, on-demand's 1 KB,
// DynamoDB's 1 KB items); the AWS backend draws real records from it.
type SizeDist struct {
	Mean, Max float64 // bytes
	Mu, Sigma float64 // lognormal parameters of ln(size); Sigma 0 = fixed size
}

const z999 = 3.090232 // standard normal 99.9th percentile

// RecordSizes reads a producer's record_size settings.
func RecordSizes(n *Node) SizeDist {
	d := SizeDist{Mean: max(1, n.Num("record_size.mean"))}
	d.Max = d.Mean
	if n.Str("record_size.dist") != "lognormal" {
		return d
	}
	d.Max = max(d.Mean, n.Num("record_size.max"))
	if !n.Has("record_size.max") {
		d.Max = 8 * d.Mean
	}
	// ln(max) - ln(mean) = z·σ - σ²/2: the smaller root.
	l := math.Log(d.Max / d.Mean)
	disc := z999*z999 - 2*l
	d.Sigma = z999
	if disc > 0 {
		d.Sigma = z999 - math.Sqrt(disc)
	}
	d.Mu = math.Log(d.Mean) - d.Sigma*d.Sigma/2
	return d
}

// At returns the size at standard normal deviate z (cut to [1, Max]).
func (d SizeDist) At(z float64) float64 {
	if d.Sigma == 0 {
		return d.Mean
	}
	return max(1, min(math.Exp(d.Mu+d.Sigma*z), d.Max))
}

// Units is the expected number of billing units of `unit` bytes per record,
// E[ceil(size / unit)], by quadrature over 400 quantiles.
func (d SizeDist) Units(unit float64) float64 {
	if d.Sigma == 0 {
		return math.Ceil(d.Mean / unit)
	}
	const k = 400
	var sum float64
	for i := 0; i < k; i++ {
		sum += math.Ceil(d.At(NormInv((float64(i)+0.5)/k)) / unit)
	}
	return sum / k
}

// NormInv is the standard normal quantile (Acklam's rational approximation,
// relative error below 1.2e-9).
func NormInv(p float64) float64 {
	a := [...]float64{-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00}
	b := [...]float64{-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01}
	c := [...]float64{-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549671664908320e+00, 4.374664141464968e+00, 2.938163982698783e+00}
	dd := [...]float64{7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00}
	const lo = 0.02425
	switch {
	case p < lo:
		q := math.Sqrt(-2 * math.Log(p))
		return (((((c[0]*q+c[1])*q+c[2])*q+c[3])*q+c[4])*q + c[5]) / ((((dd[0]*q+dd[1])*q+dd[2])*q+dd[3])*q + 1)
	case p > 1-lo:
		q := math.Sqrt(-2 * math.Log(1-p))
		return -(((((c[0]*q+c[1])*q+c[2])*q+c[3])*q+c[4])*q + c[5]) / ((((dd[0]*q+dd[1])*q+dd[2])*q+dd[3])*q + 1)
	}
	q := p - 0.5
	r := q * q
	return (((((a[0]*r+a[1])*r+a[2])*r+a[3])*r+a[4])*r + a[5]) * q / (((((b[0]*r+b[1])*r+b[2])*r+b[3])*r+b[4])*r + 1)
}
