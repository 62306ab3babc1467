package sim

import (
	"math"

	"github.com/streamsim/streamsim/pipeline"
)

// onDemandState follows KDS-ONDEMAND-START / KDS-ONDEMAND-SCALING for
// on-demand Standard streams: write capacity is max(4 MiB/s, 2 × the highest
// peak), a peak being a one-minute average of accepted writes. A peak the
// stream served below its capacity counts at once. Demand beyond twice the
// peak is met after about 15 minutes: a stream held at its capacity gets the
// peak it was held at 15 minutes after it first hit the limit, and throttles
// until then. A single partition key stays capped at 1 MB/s and 1,000
// records/s, however large the stream grows.
type onDemandState struct {
	capB      float64 // bytes/s
	peak      float64 // the highest peak that counts (bytes/s)
	held      float64 // the highest minute while held at capacity
	heldSince float64 // when the stream first hit its capacity (<0: it has not)
	atLimit   bool    // this minute hit the capacity
	minuteB   float64
	minuteT   float64
	announced float64 // capacity last reported in an event
}

const onDemandScaleAfter = 15 * 60 // KDS-ONDEMAND-SCALING: about 15 minutes

func (o *onDemandState) init(peak float64) {
	o.capB = max(pipeline.KDSOnDemandStart, 2*peak)
	o.peak, o.held, o.heldSince, o.atLimit = peak, 0, -1, false
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
		o.atLimit = true
	}
}

// observe closes each minute: its average is a new peak at once when the
// stream stayed below its capacity; a minute at the capacity waits for the
// 15 minutes of growth.
func (o *onDemandState) observe(e *Engine, rate float64) {
	o.minuteB += rate * e.dt
	o.minuteT += e.dt
	if o.minuteT < 60 {
		return
	}
	avg := o.minuteB / o.minuteT
	o.minuteB, o.minuteT = 0, 0
	if !o.atLimit {
		o.peak = max(o.peak, avg)
		return
	}
	o.atLimit = false
	if o.heldSince < 0 {
		o.heldSince = e.nowSec()
	}
	o.held = max(o.held, avg)
}

// scale raises capacity to 2 × the peak that counts; a stream held at its
// capacity for 15 minutes gets the peak it was held at.
func (o *onDemandState) scale(e *Engine, s *stream) {
	if o.heldSince >= 0 && e.nowSec()-o.heldSince >= onDemandScaleAfter {
		o.peak = max(o.peak, o.held)
		o.held, o.heldSince = 0, -1
	}
	want := 2 * o.peak
	if want <= o.capB*1.0001 {
		return
	}
	o.capB = want
	if o.capB >= o.announced*1.05 {
		e.event(s.id, "on-demand capacity raised to %.1f MiB/s (2 × the peak of %.1f MiB/s)", o.capB/pipeline.MiB, o.peak/pipeline.MiB)
		o.announced = o.capB
	}
	if n := o.units(); n != s.units {
		s.relayout(e, n)
	}
}
