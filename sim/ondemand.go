package sim

import (
	"math"

	"github.com/streamsim/streamsim/pipeline"
)

// onDemandState follows §1.5 / §10.4 for on-demand Standard streams: write
// capacity is max(4 MiB/s, 2 × the highest sustained peak); demand beyond it is
// throttled, and after about 15 minutes of that the capacity doubles from the
// new peak. A single partition key stays capped at 1 MB/s and 1,000 records/s.
type onDemandState struct {
	capB      float64 // bytes/s
	peak      float64 // bytes/s, highest sustained (one-minute average) accepted rate
	since     float64 // when throttling began; <0 none
	throttled bool
	minuteB   float64
	minuteT   float64
}

const onDemandScaleAfter = 15 * 60 // §1.5 "Throttle window": about 15 minutes

func (o *onDemandState) init(peak float64) {
	o.peak = peak
	o.capB = max(pipeline.KDSOnDemandStart, 2*peak)
	o.since = -1
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

// observe tracks the sustained peak from accepted traffic.
func (o *onDemandState) observe(e *Engine, rate float64) {
	o.minuteB += rate * e.dt
	o.minuteT += e.dt
	if o.minuteT >= 60 {
		avg := o.minuteB / o.minuteT
		o.minuteB, o.minuteT = 0, 0
		if !o.throttled && avg > o.peak {
			o.peak = avg
		}
	}
}

// scale grows capacity: a sustained new peak raises the headroom at once, and
// demand throttled for 15 minutes doubles capacity from the throttled peak.
func (o *onDemandState) scale(e *Engine, s *stream) {
	now := e.nowSec()
	want := max(o.capB, 2*o.peak)
	if o.throttled {
		if o.since < 0 {
			o.since = now
		} else if now-o.since >= onDemandScaleAfter {
			o.peak = max(o.peak, o.capB)
			want = 2 * o.peak
			o.since = now
		}
	} else {
		o.since = -1
	}
	if want > o.capB {
		o.capB = want
		e.event(s.id, "on-demand capacity raised to %.0f MiB/s", o.capB/pipeline.MiB)
		if n := o.units(); n != s.units {
			s.relayout(e, n)
		}
	}
}
