package sim_test

import (
	"math"

	"github.com/streamsim/streamsim/pipeline"
)

func init() { kinds = append(kinds, kind{name: "glue-s3", loop: loopGlueS3}) }

// loopGlueS3 is sim/testdata/kinds/glue-s3.yaml: a Kinesis stream polled by
// a Glue streaming job that holds what it reads for a micro-batch window
// and, when the window ends, processes it at the job's capacity (workers ×
// GLUE-DPU-CAPACITY) and writes it to S3: one object per DPU, delivered when
// the batch is done (the window's end plus the batch's bytes ÷ capacity).
//
// Per shard and tick: the writer's limits and retry (kdsWriter.admit), then
// the read within the shard's limits (pollRead) — all of it when nothing is
// left unread, else from a backlog ring — and the bytes read summed against
// the job's capacity. Per tick: what was read joins the window by birth
// (glueWindow). Per window: its records go to the histogram, once per birth.
func loopGlueS3(sc *pipeline.Scenario) loopTotals {
	d := newLoopDay(sc)
	d.md5Shares(nodeOf(sc, "events").Int("shards"))
	w := newKDSWriter(d)
	etl := nodeOf(sc, "etl")
	if etl.Has("capacity") {
		panic("loopGlueS3: reads the capacity from the rule of thumb only")
	}
	capB := etl.Service.Thumb.Capacity(etl) // bytes/s
	dpus := float64(etl.Int("workers")) * pipeline.GlueDPU(etl.Str("worker_type"))
	if dpus > pipeline.S3PutPerPrefix*float64(nodeOf(sc, "lake").Int("prefixes"))*d.dt {
		panic("loopGlueS3: S3 refuses a batch's objects; the loop does not retry them")
	}
	window := etl.Dur("window").Seconds()
	d.readDelay = kdsPollDelay
	if d.readDelay > d.dt {
		panic("loopGlueS3: a window's last reads arrive after it ends; the loop does not wait for them")
	}
	backlog := make([]ring, d.units)
	if keepsBytes {
		setRingBytes(d, backlog)
	}
	readMax := pollRead(d, math.Inf(1)) // records a shard gives in a tick
	end := window                       // seconds; the window being filled ends then
	win := glueWindow{d: d, last: math.Ceil(end/d.dt - 1e-9)}
	for t := range d.ticks {
		now := float64(t)
		rn := d.rate * d.factor(now*d.dt) * d.dt
		d.tot.produced += rn
		var sumN, sumR, fromQ float64
		for u, sh := range d.share {
			accN, accR := w.admit(d, u, rn*sh)
			q := &backlog[u]
			if q.size == 0 && accN+accR <= readMax {
				sumN += accN
				sumR += accR
				continue
			}
			q.push(now-1, now, accR)
			q.push(now, now, accN)
			for left := pollRead(d, q.total); q.size > 0 && left > 1e-12; {
				born, _, part := q.front(left)
				win.add(born, part)
				fromQ += part
				left -= part
			}
			if q.size > 0 {
				d.age(now, q.at[q.head])
			}
		}
		if (sumN+sumR+fromQ)*d.size > capB*d.dt*(1+1e-9) {
			panic("loopGlueS3: the job is short of capacity; the loop does not share it among shards")
		}
		d.load.add((sumN+sumR+fromQ)*d.size/(capB*d.dt), d.dt)
		win.add(now-1, sumR)
		win.add(now, sumN)
		if (now+1)*d.dt >= end-1e-9 {
			// The micro-batch ends: processed at capacity, then written.
			if win.n > 0 {
				win.deliver(end + win.n*d.size/capB)
				d.tot.objects += dpus
			}
			for end <= (now+1)*d.dt+1e-9 {
				end += window
			}
			win.last = math.Ceil(end/d.dt - 1e-9)
		}
	}
	lag := ringsTotal(backlog)
	return d.finish(map[string]float64{
		"events.max_shard_utilization": d.maxUtil,
		"events.lag_records":           lag,
		"etl.lag_records":              lag,
		"etl.held_records":             win.n,
		"etl.iterator_age_max":         d.ageMax,
		"etl.utilization_max":          d.load.peak,
		"pipeline.in_flight_records":   lag + win.n + sumOf(w.retry),
	})
}

// glueWindow is a micro-batch being filled: its records by birth, as ticks
// before last (a tick at or after every birth on the tick grid that the
// window takes), and those off the grid (merged backlog entries) one by one.
type glueWindow struct {
	d     *loopDay
	last  float64   // tick of byAge[0]
	byAge []float64 // records born last-i
	off   []float64 // (born, n) pairs off the grid
	n     float64
}

func (g *glueWindow) add(born, n float64) {
	if n <= 0 {
		return
	}
	g.n += n
	a := int(g.last - born)
	if born != math.Trunc(born) || a < 0 {
		g.off = append(g.off, born, n)
		return
	}
	for a >= len(g.byAge) {
		g.byAge = append(g.byAge, 0)
	}
	g.byAge[a] += n
}

// deliver records the window's records as delivered at `at` (seconds) and
// empties it.
func (g *glueWindow) deliver(at float64) {
	d := g.d
	for a, n := range g.byAge {
		if n > 0 {
			d.hist.Add(at-(g.last-float64(a))*d.dt, n)
			d.tot.delivered += n
			g.byAge[a] = 0
		}
	}
	for i := 0; i < len(g.off); i += 2 {
		d.hist.Add(at-g.off[i]*d.dt, g.off[i+1])
		d.tot.delivered += g.off[i+1]
	}
	g.off, g.n = g.off[:0], 0
}
