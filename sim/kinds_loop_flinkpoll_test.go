package sim_test

import (
	"math"

	"github.com/streamsim/streamsim/pipeline"
)

// flinkPoll is the part the bare loops of flink-opensearch and behind share:
// a Managed Flink job that polls every shard of a provisioned Kinesis stream
// (the stream's only reader) and passes what it reads on continuously.
//
// Per tick: the producer's records through the shards' write limits
// (kdsWriter); records older than the stream's retention dropped from each
// shard's unread queue; each shard's read allowance, the records that fit
// its 2 MiB/s and one GetRecords call of 10,000 records (KDS-SHARD-READ,
// KDS-GETRECORDS-MAX); when what the shards could give is more than the
// job's capacity (KPUs × capacity), the capacity shared among the shards in
// proportion to what waits on each, a shard never getting more than it can
// give; the checkpoint clock, whose 1 s pause every interval
// (FLINK-CHECKPOINT) takes its share of the tick's reads; then each shard's
// reads, oldest first, from its unread queue (a ring bounded as the engine
// bounds it, 512 entries a shard here, merging neighbours in pairs past
// that) or, when the queue is empty, straight from what the shard accepted
// this tick. A tick with no backlog, no binding capacity and no pause reads
// every shard's records as they came, in sums.
//
// What is read goes into a short list of the tick's cohorts, one per birth
// time, in the order the reads first meet each birth, which the kind's loop
// hands to its destination; or, for a FileSink to S3, straight into the
// latency histogram at the checkpoint that commits it.
type flinkPoll struct {
	d          *loopDay
	w          *kdsWriter
	q          []flinkRing // per shard: records accepted and not yet read
	accN, accR []float64   // per shard: new and retried records accepted this tick
	allow      []float64   // per shard: records it gives this tick
	want, can  []float64   // per shard: scratch for sharing the capacity
	maxN       float64     // records a shard gives per tick: one GetRecords call
	readN      float64     // records of a shard's 2 MiB/s read per tick
	capN       float64     // records the job processes per tick (<0: no limit)
	retention  float64     // seconds a shard keeps a record
	kpus       float64
	every      float64 // checkpoint interval, seconds (0: off)
	nextCkpt   float64 // time of the next checkpoint, seconds
	pauseLeft  float64 // seconds of checkpoint pause still to serve
	nonEmpty   int     // shards whose unread queue holds records

	// fileSink: what is read goes straight into the latency histogram, at
	// commit (the checkpoint that finalizes a FileSink's part files), and
	// read says whether the tick read anything.
	fileSink bool
	commit   float64
	read     bool
	sums     [256]flinkBornSum // this tick's reads by birth, direct-mapped
	used     []int             // the slots of sums in use

	// Otherwise the tick's reads: one cohort per birth (ticks), in
	// first-met order.
	born, n []float64
	slot    []int32 // by age in ticks: index+1 in born and n (0: none yet)
	retN    float64 // retries read straight from empty queues (born now-1)
	readSum float64 // records read this tick
	keptOut bool    // a shard held records back or read from its queue
}

// flinkCheckpointPause is how long a checkpoint barrier holds processing,
// seconds (the scenario files' "a 1 s pause"; unconfirmed, it depends on
// the job's state size).
const flinkCheckpointPause = 1.0

func newFlinkPoll(d *loopDay, job, stream *pipeline.Node) *flinkPoll {
	d.md5Shares(stream.Int("shards"))
	d.readDelay = kdsPollDelay
	f := &flinkPoll{
		d:         d,
		w:         newKDSWriter(d),
		q:         make([]flinkRing, d.units),
		accN:      make([]float64, d.units),
		accR:      make([]float64, d.units),
		allow:     make([]float64, d.units),
		want:      make([]float64, d.units),
		can:       make([]float64, d.units),
		maxN:      pipeline.KDSGetRecordsMaxRec * d.dt,
		readN:     pipeline.KDSShardReadBytes * d.dt / d.size,
		capN:      -1,
		retention: stream.Dur("retention").Seconds(),
		kpus:      float64(job.Int("kpus")),
		every:     job.Dur("checkpoint").Seconds(),
		slot:      make([]int32, 8),
	}
	f.nextCkpt = f.every
	limit := flinkRingLimit(d.units)
	for u := range f.q {
		f.q[u].limit = limit
		if keepsBytes {
			f.q[u].bytes.setPer(d.size)
		}
	}
	// The job's capacity: `capacity` per KPU, or the rule of thumb's
	// (FLINK-KPU-CAPACITY), in records a tick.
	f.capN = f.kpus * job.Service.Thumb.PerUnit(job) * d.dt / d.size
	if job.Has("capacity") {
		r := job.Rate("capacity")
		f.capN = f.kpus * r.PerSec * d.dt
		if r.Bytes {
			f.capN /= d.size
		}
	}
	return f
}

// tick runs tick now up to the reads, which it leaves in f.born and f.n,
// and returns the extra latency a checkpoint pause adds to them (seconds).
func (f *flinkPoll) tick(now float64) (pieceDelay float64) {
	d := f.d
	sec := now * d.dt
	rn := d.rate * d.factor(sec) * d.dt
	d.tot.produced += rn
	cut := (sec - f.retention) / d.dt
	lim := min(f.maxN, f.readN)
	// Admission (kdsWriter.admit written out, its sums kept in registers),
	// expiry, and what each shard can give.
	w := f.w
	k := max(w.invN, w.byteW*w.invB) // utilisation per record offered
	retry, share, accNs, accRs, allow := w.retry, d.share, f.accN, f.accR, f.allow
	var thr, lost, expired, sum, sumN, sumR float64
	maxUtil := d.maxUtil
	allFit := f.nonEmpty == 0
	for u, sh := range share {
		n, r := rn*sh, retry[u]
		x := (n + r) * k
		if x > maxUtil {
			maxUtil = x
		}
		accN, accR := n, r
		if x > 1 {
			fr := 1 / x
			accN, accR = n*fr, r*fr
		}
		retry[u] = n - accN
		thr += n - accN + r - accR
		lost += r - accR
		accNs[u], accRs[u] = accN, accR
		sumN += accN
		sumR += accR
		dn := accN + accR
		if q := &f.q[u]; q.size > 0 {
			if q.e[q.head].at <= cut {
				for q.size > 0 && q.e[q.head].at <= cut {
					_, _, x := q.front(q.e[q.head].n)
					expired += x
				}
				if q.size == 0 {
					f.nonEmpty--
				}
			}
			dn += q.total
		}
		c := min(dn, lim)
		allFit = allFit && dn <= lim
		allow[u] = c
		sum += c
	}
	d.maxUtil = maxUtil
	d.tot.throttled += thr
	d.tot.lost += lost + expired
	f.readSum = 0
	bound := f.capN >= 0 && sum > f.capN
	if bound {
		f.share(f.capN)
	}
	// The checkpoint clock: a pause takes its share of the tick's reads.
	avail := 1.0
	if f.every > 0 && sec >= f.nextCkpt {
		f.pauseLeft += flinkCheckpointPause
		for f.nextCkpt <= sec {
			f.nextCkpt += f.every
		}
	}
	if f.pauseLeft > 0 {
		pieceDelay = f.pauseLeft
		used := min(d.dt, f.pauseLeft)
		avail = 1 - used/d.dt
		f.pauseLeft -= used
	}
	f.read = false
	if f.fileSink {
		f.commit = f.checkpointAfter(sec + d.readDelay + pieceDelay)
	}
	if allFit && !bound && avail == 1 {
		// No backlog and every shard reads all it accepted: the tick's
		// retries, then its new records, each as one cohort.
		f.emit(now, now-1, sumR)
		f.emit(now, now, sumN)
		if f.fileSink {
			f.landAll()
		}
		f.endTick(now)
		return pieceDelay
	}
	// The reads, shard by shard.
	fast := f.nonEmpty == 0
	f.keptOut = false
	for u := range d.units {
		r := allow[u] * avail
		accN, accR := accNs[u], accRs[u]
		q := &f.q[u]
		if accR > 0 {
			if q.size == 0 && accR <= r {
				f.retN += accR
				r -= accR
			} else {
				if q.size == 0 {
					f.nonEmpty++
				}
				q.push(now-1, now, accR)
			}
		}
		if q.size == 0 {
			if accN <= 0 {
				continue
			}
			x := 1.0
			if accN > r {
				x = max(0, r) / accN
			}
			if x >= 1-1e-12 {
				f.emit(now, now, accN)
				continue
			}
			if x > 0 {
				f.emit(now, now, accN*x)
			}
			q.push(now, now, accN*(1-x))
			f.nonEmpty++
			f.keptOut = true
			continue
		}
		f.keptOut = true
		q.push(now, now, accN)
		for q.size > 0 && r > 1e-12 {
			born, _, part := q.front(r)
			f.emit(now, born, part)
			r -= part
		}
		if q.size == 0 {
			f.nonEmpty--
		}
	}
	if f.retN > 0 {
		if fast && !f.keptOut {
			// Every shard read all it had: the retries go first.
			f.emitFirst(now, now-1, f.retN)
		} else {
			f.emit(now, now-1, f.retN)
		}
		f.retN = 0
	}
	if f.fileSink {
		f.landAll()
	}
	f.endTick(now)
	return pieceDelay
}

// endTick measures the job's load (records read ÷ its capacity) and the
// iterator age: the oldest unread record's, over the shards with a backlog.
func (f *flinkPoll) endTick(now float64) {
	d := f.d
	if f.capN > 0 {
		d.load.add(f.readSum/f.capN, d.dt)
	}
	if f.nonEmpty == 0 {
		return
	}
	for u := range f.q {
		if q := &f.q[u]; q.size > 0 {
			d.age(now, q.e[q.head].at)
		}
	}
}

// figures are the report's figures of the stream ("events") and the job
// ("job") at the end of the day.
func (f *flinkPoll) figures() map[string]float64 {
	var lag float64
	for u := range f.q {
		lag += f.q[u].total
	}
	d := f.d
	return map[string]float64{
		"events.max_shard_utilization": d.maxUtil,
		"events.lag_records":           lag,
		"job.lag_records":              lag,
		"job.iterator_age_max":         d.ageMax,
		"events.iterator_age_max":      d.ageMax,
		"job.utilization_max":          d.load.peak,
		"pipeline.in_flight_records":   lag + sumOf(f.w.retry),
	}
}

// share gives each shard a part of the capacity c (records) in proportion
// to what waits on it, never more than it can give: x_u = min(can_u,
// λ·want_u) with Σ x_u = c.
func (f *flinkPoll) share(c float64) {
	var wsum float64
	for u := range f.want {
		w := f.q[u].total + f.accN[u] + f.accR[u]
		f.want[u], f.can[u] = w, f.allow[u]
		wsum += w
	}
	left, lam := c, 0.0
	for wsum > 0 && left > 0 {
		lam = left / wsum
		saturated := false
		for u, w := range f.want {
			if w > 0 && f.can[u] <= lam*w {
				left -= f.can[u]
				wsum -= w
				f.want[u] = -1
				saturated = true
			}
		}
		if !saturated {
			break
		}
		lam = 0
	}
	for u, w := range f.want {
		x := f.can[u]
		if w >= 0 {
			x = lam * w
		}
		f.allow[u] = x
	}
}

// emit adds n records born at born (ticks) to this tick's cohorts.
func (f *flinkPoll) emit(now, born, n float64) {
	if n <= 0 {
		return
	}
	f.readSum += n
	if f.fileSink {
		f.read = true
		// Most shards' oldest entries were merged alike and share a birth:
		// sum by birth so that each goes into the histogram once.
		i := int(math.Float64bits(born) * 0x9e3779b97f4a7c15 >> 56)
		s := &f.sums[i]
		if s.n > 0 {
			if s.born == born {
				s.n += n
				return
			}
			f.land(*s)
		} else {
			f.used = append(f.used, i)
		}
		*s = flinkBornSum{born, n}
		return
	}
	age := now - born
	if a := int(age); float64(a) == age && a < len(f.slot) {
		if i := f.slot[a]; i > 0 {
			f.n[i-1] += n
			return
		}
		f.slot[a] = int32(len(f.born) + 1)
	}
	f.born = append(f.born, born)
	f.n = append(f.n, n)
}

// flinkBornSum is records of one birth (ticks) read in a tick.
type flinkBornSum struct{ born, n float64 }

// land delivers s at the tick's commit (a FileSink's).
func (f *flinkPoll) land(s flinkBornSum) {
	f.d.hist.Add(max(0, f.commit-s.born*f.d.dt), s.n)
	f.d.tot.delivered += s.n
}

// landAll delivers the tick's sums by birth.
func (f *flinkPoll) landAll() {
	for _, i := range f.used {
		f.land(f.sums[i])
		f.sums[i] = flinkBornSum{}
	}
	f.used = f.used[:0]
}

// emitFirst puts a cohort of a birth not met yet ahead of the others.
func (f *flinkPoll) emitFirst(now, born, n float64) {
	if f.fileSink {
		f.emit(now, born, n)
		return
	}
	age := now - born
	if a := int(age); float64(a) == age && a < len(f.slot) && f.slot[a] > 0 {
		f.n[f.slot[a]-1] += n
		return
	}
	f.born = append(f.born, 0)
	f.n = append(f.n, 0)
	copy(f.born[1:], f.born)
	copy(f.n[1:], f.n)
	f.born[0], f.n[0] = born, n
	for i, b := range f.born {
		if a := int(now - b); float64(a) == now-b && a < len(f.slot) {
			f.slot[a] = int32(i + 1)
		}
	}
}

// clear empties this tick's cohorts.
func (f *flinkPoll) clear() {
	f.born, f.n = f.born[:0], f.n[:0]
	clear(f.slot)
}

// checkpointAfter is the first checkpoint at or after t (seconds): when a
// FileSink's part file written at t is committed (FLINK-FILESINK-COMMIT).
func (f *flinkPoll) checkpointAfter(t float64) float64 {
	if f.every <= 0 {
		return t
	}
	cp := f.nextCkpt
	if cp < t {
		cp += math.Ceil((t-cp)/f.every-1e-9) * f.every
	}
	return cp
}

// flinkRing is ring with its entries side by side (birth, arrival and
// records of one entry in one cache line) rather than in three arrays: a
// shard's backlog is pushed at the back and read at the front every tick,
// and one line touched at each end is cheaper than three (about 15% of the
// behind loop's time). It keeps at most limit entries; past that,
// neighbours are merged in pairs.
type flinkRing struct {
	bytes      queueBytes
	e          []flinkEntry
	head, size int
	limit      int
	total      float64
}

// flinkRingLimit is the entries each of a reader's queues keeps, as the
// engine bounds them (docs/engine.md): 2^18 entries for all the stream's
// queues, at least 64 each, rounded up to a power of two. Below 64 the
// engine keeps the births a merged entry spans, which this ring does not.
func flinkRingLimit(queues int) int {
	per := (1 << 18) / max(1, queues)
	if per < 64 {
		panic("flinkRing: a queue of fewer than 64 entries spreads merged births; not modelled")
	}
	return 1 << int(math.Ceil(math.Log2(float64(per))))
}

type flinkEntry struct {
	bytes       byteCol
	born, at, n float64 // ticks, ticks, records
}

func (q *flinkRing) push(born, at, n float64) {
	if n <= 0 {
		return
	}
	q.total += n
	var b byteCol
	if keepsBytes {
		b = q.bytes.of(n)
		q.bytes.add(b)
	}
	mask := len(q.e) - 1
	if q.size > 0 {
		if l := &q.e[(q.head+q.size-1)&mask]; l.born == born && l.at == at {
			l.n += n
			if keepsBytes {
				l.bytes.add(b)
			}
			return
		}
	}
	if q.size == len(q.e) {
		if len(q.e) >= q.limit {
			q.halve()
		} else {
			q.grow()
		}
		mask = len(q.e) - 1
	}
	q.e[(q.head+q.size)&mask] = flinkEntry{bytes: b, born: born, at: at, n: n}
	q.size++
}

func (q *flinkRing) grow() {
	ne := make([]flinkEntry, max(8, 2*len(q.e)))
	for i := range q.size {
		ne[i] = q.e[(q.head+i)&(len(q.e)-1)]
	}
	q.e, q.head = ne, 0
}

func (q *flinkRing) halve() {
	mask := len(q.e) - 1
	out := 0
	for i := 0; i < q.size; i += 2 {
		x := q.e[(q.head+i)&mask]
		if i+1 < q.size {
			y := q.e[(q.head+i+1)&mask]
			t := x.n + y.n
			if keepsBytes {
				x.bytes.add(y.bytes)
			}
			x = flinkEntry{bytes: x.bytes, born: (x.born*x.n + y.born*y.n) / t, at: (x.at*x.n + y.at*y.n) / t, n: t}
		}
		q.e[(q.head+out)&mask] = x
		out++
	}
	q.size = out
}

// front removes up to n records of the oldest entry and returns them.
func (q *flinkRing) front(n float64) (born, at, part float64) {
	f := &q.e[q.head]
	born, at, part = f.born, f.at, min(f.n, n)
	if part >= f.n*(1-1e-12) {
		part = f.n
		if keepsBytes {
			q.bytes.sub(f.bytes)
		}
		q.head = (q.head + 1) & (len(q.e) - 1)
		q.size--
	} else {
		if keepsBytes {
			q.bytes.sub(f.bytes.split(part, f.n))
		}
		f.n -= part
	}
	q.total -= part
	if q.size == 0 {
		q.total = 0
		if keepsBytes {
			q.bytes.clear()
		}
	}
	return born, at, part
}
