package sim_test

import (
	"math"

	"github.com/streamsim/streamsim/pipeline"
)

func init() { kinds = append(kinds, kind{name: "app-s3", loop: loopAppS3}) }

// appFileRollSec is how often a continuous writer (a KCL app's record
// processor) rolls its S3 file: one file per instance per minute.
const appFileRollSec = 60.0

// loopAppS3 is sim/testdata/kinds/app-s3.yaml: a Kinesis stream polled by
// a KCL application on instances of its own, which writes what it reads to
// S3 as it goes and rolls a file per instance per minute.
//
// Per shard and tick: the writer's limits and retry (kdsWriter.admit), then
// the read within the shard's limits (pollRead) — all of it when nothing is
// left unread, else from a backlog ring — and the bytes read summed against
// the app's capacity (instances × APP-INSTANCE-CAPACITY, shared by every
// shard). Per tick: what was read, by birth, goes to the histogram once,
// delivered a read delay after the tick's start, and the tick's share of
// the files (instances ÷ 60 s) counts as objects.
func loopAppS3(sc *pipeline.Scenario) loopTotals {
	d := newLoopDay(sc)
	d.md5Shares(nodeOf(sc, "events").Int("shards"))
	w := newKDSWriter(d)
	app := nodeOf(sc, "reader")
	if app.Has("capacity") {
		panic("loopAppS3: reads the capacity from the rule of thumb only")
	}
	capB := app.Service.Thumb.Capacity(app) * d.dt // bytes a tick, all shards
	files := float64(app.Int("instances")) / appFileRollSec * d.dt
	if files > pipeline.S3PutPerPrefix*float64(nodeOf(sc, "lake").Int("prefixes"))*d.dt {
		panic("loopAppS3: S3 refuses files; the loop does not retry them")
	}
	d.readDelay = kdsPollDelay
	g := d.gather(kdsPollDelay) // written to S3 as soon as read
	backlog := make([]ring, d.units)
	if keepsBytes {
		setRingBytes(d, backlog)
	}
	readMax := pollRead(d, math.Inf(1)) // records a shard gives in a tick
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
			fromQ += q.take(pollRead(d, q.total), g, now)
			if q.size > 0 {
				d.age(now, q.at[q.head])
			}
		}
		read := sumN + sumR + fromQ
		if read*d.size > capB*(1+1e-9) {
			panic("loopAppS3: the app is short of capacity; the loop does not share it among shards")
		}
		d.load.add(read*d.size/capB, d.dt)
		g.add(now, now, now-1, sumR)
		g.add(now, now, now, sumN)
		if read > 0 {
			d.tot.objects += files
		}
		g.flush()
	}
	lag := ringsTotal(backlog)
	return d.finish(map[string]float64{
		"events.max_shard_utilization": d.maxUtil,
		"events.lag_records":           lag,
		"reader.lag_records":           lag,
		"reader.iterator_age_max":      d.ageMax,
		"reader.utilization_max":       d.load.peak,
		"pipeline.in_flight_records":   lag + sumOf(w.retry),
	})
}
