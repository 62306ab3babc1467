package sim

import (
	"math"

	"github.com/streamsim/streamsim/pipeline"
)

// onDemandState follows KDS-ONDEMAND-START / KDS-ONDEMAND-SCALING for on-demand Standard streams: write
// capacity is max(4 MiB/s, 2 × the highest sustained peak). A new peak (a
// one-minute average of accepted writes) raises the capacity 15 minutes after it
// is reached: traffic that more than doubles faster than that is throttled for
// about 15 minutes. A single partition key stays capped at 1 MB/s and 1,000
// records/s, however large the stream grows.
type onDemandState struct {
	capB      float64 // bytes/s
	peaks     []peakAt
	throttled bool
	minuteB   float64
	minuteT   float64
	announced float64 // capacity last reported in an event
}

type peakAt struct{ at, rate float64 }

const onDemandScaleAfter = 15 * 60 // KDS-ONDEMAND-SCALING: about 15 minutes

func (o *onDemandState) init(peak float64) {
	o.capB = max(pipeline.KDSOnDemandStart, 2*peak)
	o.peaks = nil
	o.announced = o.capB
}

// units is the shard count the capacity corresponds to (each shard 1 MiB/s).
func (o *onDemandState) units() int {
	return max(4, int(math.Ceil(o.capB/pipeline.KDSShardWriteBytes-1e-9)))
}

// limits caps each shard's heaviest key at the per-key limit and the whole
// stream at its current capacity.
func (o *onDemandState) limits(s *stream, dt float64) {
	a := &s.adm
	perShard := o.capB * dt / float64(s.units)
	var total float64
	o.throttled = false
	for u := 0; u < s.units; u++ {
		a.frac[u] = 1
		offN, offB := a.offN[u], a.offB[u]
		if offN <= 0 {
			s.util[u] = 0
			continue
		}
		var hotN float64
		for _, ed := range a.edges {
			hotN += ed.n * ed.hot[u]
		}
		perRec := offB / offN
		keyCapN := min(pipeline.KDSShardWriteRecs*dt, pipeline.KDSShardWriteBytes*dt/perRec)
		util := offB / perShard
		if hotN > keyCapN {
			a.frac[u] = (offN - (hotN - keyCapN)) / offN
			util = max(util, hotN/keyCapN)
			o.throttled = true
		}
		s.util[u] = util
		total += offB * a.frac[u]
	}
	if limit := o.capB * dt; total > limit {
		s.clusterCap(total, limit)
		o.throttled = true
	}
	for _, u := range s.util {
		s.maxUtil = max(s.maxUtil, u)
	}
}

// observe records a new sustained peak from accepted traffic, once a minute.
func (o *onDemandState) observe(e *Engine, rate float64) {
	o.minuteB += rate * e.dt
	o.minuteT += e.dt
	if o.minuteT < 60 {
		return
	}
	avg := o.minuteB / o.minuteT
	o.minuteB, o.minuteT = 0, 0
	if n := len(o.peaks); n == 0 || avg > o.peaks[n-1].rate {
		o.peaks = append(o.peaks, peakAt{e.nowSec(), avg})
	}
}

// scale raises capacity to 2 × the highest peak reached at least 15 minutes ago.
func (o *onDemandState) scale(e *Engine, s *stream) {
	now := e.nowSec()
	var peak float64
	for _, p := range o.peaks {
		if now-p.at >= onDemandScaleAfter {
			peak = max(peak, p.rate)
		}
	}
	want := 2 * peak
	if want <= o.capB*1.0001 {
		return
	}
	o.capB = want
	if o.capB >= o.announced*1.05 {
		e.event(s.id, "on-demand capacity raised to %.1f MiB/s (2 × the peak of %.1f MiB/s)", o.capB/pipeline.MiB, peak/pipeline.MiB)
		o.announced = o.capB
	}
	if n := o.units(); n != s.units {
		s.relayout(e, n)
	}
}
