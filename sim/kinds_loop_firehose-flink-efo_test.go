package sim_test

import (
	"math"

	"github.com/streamsim/streamsim/pipeline"
)

func init() {
	kinds = append(kinds, kind{name: "firehose-flink-efo", loop: loopFirehoseFlinkEFO})
}

// flinkEFOCheckpointPause is how long a Managed Flink checkpoint barrier
// holds processing, seconds (the engine's documented rule of thumb: one
// second, whatever the state's size).
const flinkEFOCheckpointPause = 1.0

// loopFirehoseFlinkEFO is sim/testdata/kinds/firehose-flink-efo.yaml: one
// Kinesis stream read by two consumers, each with its own position per
// shard.
//
// Firehose polls (the only polling reader: 2 MiB and 10,000 records per
// shard and tick, KDSPollLatency1) and buffers per shard into objects of
// buffer.size or buffer.interval, as loopFirehose does.
//
// Managed Flink reads on enhanced fan-out: 2 MiB per shard and tick of its
// own (KDS-EFO-THROUGHPUT), 70 ms later (KDS-EFO-LATENCY), within its
// capacity (kpus × capacity, shared among the shards in proportion to what
// waits on each, never more than a shard can give). Each checkpoint holds
// processing for a second (nothing read in a 1 s tick; what arrives waits
// in the shard's backlog); its FileSink makes what it wrote readable at
// the next checkpoint, so a record's latency runs to that checkpoint. It
// writes kpus ÷ checkpoint objects a second in each tick it reads.
//
// Per shard and tick: the write limits and the retry (kdsWriter), Firehose's
// read and buffer, and Flink's read: straight into the tick's sums when
// its backlog is empty and its allowance covers the tick, through the
// backlog otherwise. Only when Flink's capacity might bind (what waits
// everywhere could exceed it) is there a second pass over the shards to
// share the capacity first.
func loopFirehoseFlinkEFO(sc *pipeline.Scenario) loopTotals {
	d := newLoopDay(sc)
	d.md5Shares(nodeOf(sc, "events").Int("shards"))
	w := newKDSWriter(d)

	// Firehose, as loopFirehose.
	fh := nodeOf(sc, "delivery")
	fhSize := fh.Num("buffer.size") / d.size // records per object
	fhEvery := fh.Dur("buffer.interval").Seconds() / d.dt
	fhPrefixes := nodeOf(sc, "lake").Int("prefixes")
	bufs := make([]ring, d.units)
	if keepsBytes {
		setRingBytes(d, bufs)
	}
	backlog := make([]ring, d.units)
	if keepsBytes {
		setRingBytes(d, backlog)
	}
	opened := make([]float64, d.units)
	d.readDelay = kdsPollDelay
	bySize, byTime := d.gather(0), d.gather(d.dt)

	// Flink.
	job := nodeOf(sc, "job")
	kpus := float64(job.Int("kpus"))
	// Bytes per tick for all shards: `capacity` per KPU, or the catalog's
	// rule of thumb (FLINK-KPU-CAPACITY).
	capB := job.Service.Thumb.Capacity(job) * d.dt
	if job.Has("capacity") {
		capR := job.Rate("capacity")
		capB = capR.PerSec * kpus * d.dt
		if !capR.Bytes {
			capB *= d.size
		}
	}
	every := job.Dur("checkpoint").Seconds()
	if job.Dur("window") > 0 || job.Bool("autoscaling") || job.Str("read") != "enhanced-fan-out" {
		panic("loopFirehoseFlinkEFO: the loop models a continuous, fixed-size Flink job on enhanced fan-out")
	}
	objPerTick := kpus / max(1, every) * d.dt
	if objPerTick > pipeline.S3PutPerPrefix*float64(nodeOf(sc, "curated").Int("prefixes"))*d.dt {
		panic("loopFirehoseFlinkEFO: S3 refuses Flink's objects; the loop does not retry them")
	}
	own := pipeline.KDSEFOBytes * d.dt / d.size // records a shard gives Flink per tick
	nextCkpt, pauseLeft := every, 0.0
	fq := make([]ring, d.units) // Flink's unread records per shard
	if keepsBytes {
		setRingBytes(d, fq)
	}
	inN := make([]float64, d.units)  // this tick's new records per shard (second pass)
	inR := make([]float64, d.units)  // this tick's retried records per shard (second pass)
	want := make([]float64, d.units) // capacity sharing: what waits per shard
	can := make([]float64, d.units)  // capacity sharing: what a shard can give
	var flinkHeld float64            // records in Flink's backlogs
	var retryDue float64             // records refused last tick, due now
	// maxIn is the most the shards can accept in a tick (KDS-SHARD-WRITE).
	maxIn := float64(d.units) * min(pipeline.KDSShardWriteRecs, pipeline.KDSShardWriteBytes/w.byteW) * d.dt
	fg := d.gather(0)
	var load loadAvg     // Flink's one-minute load
	var flinkAge float64 // Flink's highest iterator age, seconds

	for t := range d.ticks {
		now := float64(t)
		sec := now * d.dt
		rn := d.rate * d.factor(sec) * d.dt
		d.tot.produced += rn

		// Flink's checkpoint clock: a checkpoint's pause takes its share
		// of the tick's reads and delays what the rest of it reads.
		if every > 0 && sec >= nextCkpt {
			pauseLeft += flinkEFOCheckpointPause
			for nextCkpt <= sec {
				nextCkpt += every
			}
		}
		avail, extra := 1.0, 0.0
		if pauseLeft > 0 {
			extra = pauseLeft
			used := min(d.dt, pauseLeft)
			avail = 1 - used/d.dt
			pauseLeft -= used
		}
		commit := sec + pipeline.KDSEFOLatency + extra
		if every > 0 {
			cp := nextCkpt
			if cp < commit {
				cp += math.Ceil((commit-cp)/every-1e-9) * every
			}
			commit = cp
		}
		fg.delay = commit - sec
		// One pass when the capacity cannot bind, whatever the shards
		// accept: at most what is offered, and at most every shard's
		// write limit. A checkpoint that holds the whole tick reads nothing.
		hold := avail <= 0
		onePass := avail >= 1 && (flinkHeld+min(rn+retryDue, maxIn))*d.size <= capB
		var sumNew, sumRet, readN float64
		retryDue = 0

		objects := 0.0
		for u := range d.units {
			accN, accR := w.admit(d, u, rn*d.share[u])
			retryDue += w.retry[u]

			// Firehose.
			b := &bufs[u]
			q := &backlog[u]
			if q.size == 0 && accN+accR <= pollRead(d, accN+accR) {
				if b.size == 0 && accN+accR > 0 {
					opened[u] = now
				}
				b.push(now-1, now, accR)
				b.push(now, now, accN)
			} else {
				q.push(now-1, now, accR)
				q.push(now, now, accN)
				if b.size == 0 {
					opened[u] = now
				}
				q.moveTo(b, pollRead(d, q.total), now)
				if q.size > 0 {
					d.age(now, q.at[q.head])
				}
			}
			for b.total >= fhSize*(1-1e-12) {
				b.take(fhSize, bySize, now)
				objects++
				opened[u] = now
			}
			if b.size > 0 && now+1-opened[u] >= fhEvery-1e-9 {
				b.take(b.total, byTime, now)
				objects++
			}

			// Flink.
			f := &fq[u]
			if hold {
				f.push(now-1, now, accR)
				f.push(now, now, accN)
				flinkHeld += accN + accR
				continue
			}
			if !onePass {
				inN[u], inR[u] = accN, accR
				continue
			}
			if f.size == 0 && accN+accR <= own {
				sumNew += accN
				sumRet += accR
				continue
			}
			f.push(now-1, now, accR)
			f.push(now, now, accN)
			flinkHeld += accN + accR
			got := f.take(own, fg, now)
			flinkHeld -= got
			readN += got
		}
		if objects > pipeline.S3PutPerPrefix*float64(fhPrefixes)*d.dt {
			panic("loopFirehoseFlinkEFO: S3 refuses Firehose's objects; the loop does not retry them")
		}
		d.tot.objects += objects
		bySize.flush()
		byTime.flush()

		if !onePass && !hold {
			readN = flinkShared(d, fq, inN, inR, want, can, own, capB, avail, fg, now)
			flinkHeld = 0
			for u := range fq {
				flinkHeld += fq[u].total
			}
		}
		if sumRet > 0 {
			fg.add(now, now, now-1, sumRet)
		}
		if sumNew > 0 {
			fg.add(now, now, now, sumNew)
		}
		if readN+sumRet+sumNew > 0 {
			d.tot.objects += objPerTick
		}
		fg.flush()
		load.add((readN+sumRet+sumNew)*d.size/capB, d.dt)
		if flinkHeld > 0 {
			for u := range fq {
				if f := &fq[u]; f.size > 0 {
					flinkAge = max(flinkAge, (now-f.at[f.head])*d.dt)
				}
			}
		}
	}
	held, lag := ringsTotal(bufs), ringsTotal(backlog)
	return d.finish(map[string]float64{
		"events.max_shard_utilization": d.maxUtil,
		"events.lag_records":           max(lag, flinkHeld),
		"events.iterator_age_max":      max(d.ageMax, flinkAge),
		"delivery.lag_records":         lag,
		"delivery.held_records":        held,
		"delivery.iterator_age_max":    d.ageMax,
		"job.lag_records":              flinkHeld,
		"job.iterator_age_max":         flinkAge,
		"job.utilization_max":          load.peak,
		"pipeline.in_flight_records":   held + lag + sumOf(w.retry),
	})
}

// flinkShared is Flink's reads of a tick when its capacity (capB bytes)
// may bind or a checkpoint holds part of the tick (0 < avail < 1): every
// shard's new records join its backlog, each shard's allowance is what it
// can give (own records at most), shared down to the capacity in
// proportion to what waits on each shard, and then scaled by avail. It
// returns the records read.
func flinkShared(d *loopDay, fq []ring, inN, inR, want, can []float64, own, capB, avail float64,
	g *gather, now float64) float64 {
	var sum, wsum float64
	for u := range fq {
		f := &fq[u]
		f.push(now-1, now, inR[u])
		f.push(now, now, inN[u])
		want[u] = f.total * d.size
		can[u] = min(f.total, own) * d.size
		sum += can[u]
		wsum += want[u]
	}
	if sum > capB {
		// x_u = min(can_u, λ·want_u) with Σ x_u = capB: saturate the
		// shards whose allowance binds, share the rest again.
		left, lam := capB, 0.0
		for wsum > 0 && left > 0 {
			lam = left / wsum
			saturated := false
			for u, wu := range want {
				if wu > 0 && can[u] <= lam*wu {
					left -= can[u]
					wsum -= wu
					want[u] = -1
					saturated = true
				}
			}
			if !saturated {
				break
			}
			lam = 0
		}
		for u, wu := range want {
			if wu >= 0 {
				can[u] = lam * wu
			}
		}
	}
	var got float64
	for u := range fq {
		if n := can[u] * avail / d.size; n > 0 && fq[u].size > 0 {
			got += fq[u].take(n, g, now)
		}
	}
	return got
}
