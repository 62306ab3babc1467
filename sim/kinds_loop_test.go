package sim_test

import (
	"crypto/md5"
	"encoding/binary"
	"math"
	"math/bits"
	"math/rand/v2"
	"sort"

	"github.com/streamsim/streamsim/pipeline"
)

// The bare loops: for each consumer kind of sim/testdata/kinds, the per-shard
// arithmetic of its path written out by hand with flat arrays, no
// interfaces, closures or maps, so that BenchmarkKinds can put the engine's
// time beside the least a program doing the same work needs. Each reads its
// settings from the same scenario file; TestKindsLoopsAgree checks that it
// counts what the engine counts.
//
// What every loop does per tick: the producer's diurnal rate once, then per
// shard (or partition) its share of the records (MD5- or murmur2-routed Zipf
// keys, shares computed once), the write limits, last tick's throttled
// records retried once (retries: {max: 1}) and lost when refused again, the
// reads within the shard's read limits, and then the kind's own work: a
// buffer per shard for Firehose, batches per shard for Lambda, a capacity
// shared among the shards for the others, a window for Glue, a backlog per
// shard for a consumer that falls behind. Latency goes into the same
// histogram type the engine uses, once per group of records that share a
// birth and a delivery time. Beside the totals, each works out the
// report's figures that cost work per shard or tick: the peak shard
// utilisation (a comparison per shard), the reader's iterator age (the
// front of every shard's backlog, each tick it has one), its one-minute
// load, and what its queues hold at the end.

// loopTotals is what a bare loop counts, in producer records.
type loopTotals struct {
	produced, throttled, lost, delivered, objects float64
	p99                                           float64
	// figures are the report's other metrics that take work per shard or
	// tick, by their names in sim.Result: the stream's peak shard
	// utilisation, a reader's iterator age and one-minute load, what is
	// left in the queues at the end, the latency's median and maximum.
	figures map[string]float64
}

// loopDay is a kinds scenario's settings, as the bare loops read them.
type loopDay struct {
	ticks     int
	dt        float64
	rate      float64 // records/s, mean
	peak      float64 // diurnal: highest point ÷ mean
	period    float64 // seconds
	size      float64 // bytes per record (mean)
	keyBytes  float64 // partition-key bytes per record
	units     int     // shards or partitions
	share     []float64
	seed      int64
	keyCount  int
	skew      float64
	hist      *pipeline.Histogram
	readDelay float64 // seconds from a read tick's start until what it read is handed on
	tot       loopTotals

	maxUtil float64 // the highest shard (or partition) write utilisation: offered ÷ limit
	ageMax  float64 // the reader's highest iterator age, seconds
	load    loadAvg // the consumer's one-minute load
}

// loadAvg is a consumer's load as the engine measures it: a one-minute
// moving average of work done ÷ capacity, and its peak.
type loadAvg struct{ now, peak float64 }

func (a *loadAvg) add(x, dt float64) {
	a.now += (min(1, x) - a.now) * min(1, dt/60)
	a.peak = max(a.peak, a.now)
}

// finish works out the day's percentiles and returns the totals with fig,
// the loop's figures, and the pipeline's latency median and maximum.
func (d *loopDay) finish(fig map[string]float64) loopTotals {
	d.tot.p99 = d.hist.Quantile(0.99)
	fig["pipeline.latency_p50"] = d.hist.Quantile(0.50)
	fig["pipeline.latency_max"] = d.hist.Max()
	d.tot.figures = fig
	return d.tot
}

// age records an iterator age of now - at ticks (the oldest unread
// record's arrival), as the engine reads it at the tick's end with the
// clock at the tick's start.
func (d *loopDay) age(now, at float64) {
	d.ageMax = max(d.ageMax, (now-at)*d.dt)
}

func (d *loopDay) gather(delay float64) *gather { return &gather{delay: delay, d: d} }

func newLoopDay(sc *pipeline.Scenario) *loopDay {
	p := nodeOf(sc, "fleet")
	d := &loopDay{
		dt:       sc.Tick.Seconds(),
		size:     p.Num("record_size.mean"),
		peak:     p.Num("pattern.peak"),
		period:   p.Dur("pattern.period").Seconds(),
		seed:     sc.Seed,
		keyCount: p.Int("keys.count"),
		skew:     p.Num("keys.skew"),
		keyBytes: float64(len("key-") + 16),
		hist:     pipeline.NewHistogram(),
	}
	d.ticks = int(math.Ceil(sc.Duration.Seconds()/d.dt - 1e-9))
	r := p.Rate("rate")
	d.rate = r.PerSec
	if r.Bytes {
		d.rate /= d.size
	}
	return d
}

// factor is the diurnal pattern's multiplier at t.
func (d *loopDay) factor(t float64) float64 {
	return max(0, 1+(d.peak-1)*math.Sin(2*math.Pi*t/d.period))
}

// keyNames draws the Zipf keys' names as the engine does (the scenario's
// seed, key-%016x) and returns each with its weight.
func (d *loopDay) keyNames(fn func(name []byte, w float64)) {
	src := rand.NewPCG(uint64(d.seed), 0x9e3779b97f4a7c15)
	var total float64
	for i := 1; i <= d.keyCount; i++ {
		total += math.Pow(float64(i), -d.skew)
	}
	const hex = "0123456789abcdef"
	buf := make([]byte, 0, 20)
	for i := range d.keyCount {
		v := src.Uint64()
		buf = append(buf[:0], "key-"...)
		for shift := 60; shift >= 0; shift -= 4 {
			buf = append(buf, hex[v>>uint(shift)&0xf])
		}
		fn(buf, math.Pow(float64(i+1), -d.skew)/total)
	}
}

// md5Shares routes the keys to shards of even hash ranges by MD5.
func (d *loopDay) md5Shares(shards int) {
	type u128 struct{ hi, lo uint64 }
	starts := make([]u128, shards)
	for i := 1; i < shards; i++ {
		qhi, r := bits.Div64(uint64(i), 0, uint64(shards))
		qlo, _ := bits.Div64(r, 0, uint64(shards))
		starts[i] = u128{qhi, qlo}
	}
	d.units = shards
	d.share = make([]float64, shards)
	d.keyNames(func(name []byte, w float64) {
		sum := md5.Sum(name)
		h := u128{binary.BigEndian.Uint64(sum[:8]), binary.BigEndian.Uint64(sum[8:])}
		s := sort.Search(shards, func(i int) bool {
			return h.hi < starts[i].hi || h.hi == starts[i].hi && h.lo < starts[i].lo
		}) - 1
		d.share[s] += w
	})
}

// gather sums a tick's deliveries by age (in ticks, births on the tick
// grid) so that each group of equal latency goes into the histogram once.
// A record is delivered at the tick's start plus delay, or, when it was read
// later than that (this tick, read delay included), when it was read.
// Births off the grid (merged backlog entries) go in at once.
type gather struct {
	byAge  []float64 // delivered at the tick's start + delay
	byRead []float64 // delivered when read: its read tick + readDelay
	delay  float64
	d      *loopDay
}

func (g *gather) add(now, at, born, n float64) {
	d := g.d
	late := at*d.dt+d.readDelay > now*d.dt+g.delay
	age, arr := now-born, &g.byAge
	if late {
		age, arr = at-born, &g.byRead
	}
	a := int(age)
	if float64(a) != age || a > 1<<16 {
		lat := age*d.dt + g.delay
		if late {
			lat = age*d.dt + d.readDelay
		}
		d.hist.Add(lat, n)
		d.tot.delivered += n
		return
	}
	for a >= len(*arr) {
		*arr = append(*arr, 0)
	}
	(*arr)[a] += n
}

// flush records the tick's gathered deliveries.
func (g *gather) flush() {
	d := g.d
	for a, n := range g.byRead {
		if n > 0 {
			d.hist.Add(float64(a)*d.dt+d.readDelay, n)
			d.tot.delivered += n
			g.byRead[a] = 0
		}
	}
	for a, n := range g.byAge {
		if n > 0 {
			d.hist.Add(float64(a)*d.dt+g.delay, n)
			d.tot.delivered += n
			g.byAge[a] = 0
		}
	}
}

// kdsWriter is a provisioned Kinesis stream's write side: 1,000 records and
// 1 MiB a second per shard, partition keys included, and one retry.
type kdsWriter struct {
	invN, invB, byteW float64
	retry             []float64 // refused last tick, due again now
}

func newKDSWriter(d *loopDay) *kdsWriter {
	return &kdsWriter{
		invN:  1 / (pipeline.KDSShardWriteRecs * d.dt),
		invB:  1 / (pipeline.KDSShardWriteBytes * d.dt),
		byteW: d.size + d.keyBytes,
		retry: make([]float64, d.units),
	}
}

// admit offers shard u its n new records and its retries, and returns the
// new and retried records it accepts.
func (w *kdsWriter) admit(d *loopDay, u int, n float64) (accN, accR float64) {
	r := w.retry[u]
	off := n + r
	x := max(off*w.invN, off*w.byteW*w.invB)
	if x > d.maxUtil {
		d.maxUtil = x
	}
	f := 1.0
	if x > 1 {
		f = 1 / x
	}
	accN, accR = n*f, r*f
	w.retry[u] = n - accN
	d.tot.throttled += n - accN + r - accR
	d.tot.lost += r - accR
	return accN, accR
}

// ring is a per-shard queue of records by birth and read tick, oldest
// first: a Firehose buffer, a Lambda batch, an unread backlog. It keeps at
// most 512 entries; past that, neighbours are merged in pairs.
type ring struct {
	bytes       queueBytes
	col         ringBytes
	born, at, n []float64 // ticks, ticks, records
	head, size  int
	total       float64
}

// setRingBytes gives each ring the size of d's records, for the bytes it
// keeps (with -tags loopbytes).
func setRingBytes(d *loopDay, rs []ring) {
	for u := range rs {
		rs[u].bytes.setPer(d.size)
	}
}

func (q *ring) push(born, at, n float64) {
	if n <= 0 {
		return
	}
	q.total += n
	var b byteCol
	if keepsBytes {
		b = q.bytes.of(n)
		q.bytes.add(b)
	}
	if q.size > 0 {
		last := (q.head + q.size - 1) & (len(q.n) - 1)
		if q.born[last] == born && q.at[last] == at {
			q.n[last] += n
			if keepsBytes {
				q.col.at(last).add(b)
			}
			return
		}
	}
	if q.size == len(q.n) {
		if len(q.n) >= 512 {
			q.halve()
		} else {
			q.grow()
		}
	}
	i := (q.head + q.size) & (len(q.n) - 1)
	q.born[i], q.at[i], q.n[i] = born, at, n
	if keepsBytes {
		*q.col.at(i) = b
	}
	q.size++
}

func (q *ring) grow() {
	k := max(8, 2*len(q.n))
	if keepsBytes {
		q.col.grow(k, q.head, q.size, len(q.n)-1)
	}
	nb, na, nn := make([]float64, k), make([]float64, k), make([]float64, k)
	for i := range q.size {
		j := (q.head + i) & (len(q.n) - 1)
		nb[i], na[i], nn[i] = q.born[j], q.at[j], q.n[j]
	}
	q.born, q.at, q.n, q.head = nb, na, nn, 0
}

func (q *ring) halve() {
	mask := len(q.n) - 1
	out := 0
	for i := 0; i < q.size; i += 2 {
		j := (q.head + i) & mask
		b, a, n := q.born[j], q.at[j], q.n[j]
		var c byteCol
		if keepsBytes {
			c = *q.col.at(j)
		}
		if i+1 < q.size {
			k := (q.head + i + 1) & mask
			if keepsBytes {
				c.add(*q.col.at(k))
			}
			t := n + q.n[k]
			b = (b*n + q.born[k]*q.n[k]) / t
			a = (a*n + q.at[k]*q.n[k]) / t
			n = t
		}
		o := (q.head + out) & mask
		q.born[o], q.at[o], q.n[o] = b, a, n
		if keepsBytes {
			*q.col.at(o) = c
		}
		out++
	}
	q.size = out
}

// front removes up to n records of the oldest entry and returns them.
func (q *ring) front(n float64) (born, at, part float64) {
	i := q.head
	part = min(q.n[i], n)
	if part >= q.n[i]*(1-1e-12) {
		part = q.n[i]
		if keepsBytes {
			q.bytes.sub(*q.col.at(i))
		}
		q.head = (q.head + 1) & (len(q.n) - 1)
		q.size--
	} else {
		if keepsBytes {
			q.bytes.sub(q.col.at(i).split(part, q.n[i]))
		}
		q.n[i] -= part
	}
	q.total -= part
	if q.size == 0 {
		q.total = 0
		if keepsBytes {
			q.bytes.clear()
		}
	}
	return q.born[i], q.at[i], part
}

// take removes up to n records from the front into g, delivered in tick
// now; it returns the records taken.
func (q *ring) take(n float64, g *gather, now float64) float64 {
	var got float64
	for q.size > 0 && n > 1e-12 {
		born, at, part := q.front(n)
		g.add(now, at, born, part)
		got += part
		n -= part
	}
	return got
}

// moveTo moves up to n records from the front of q to the back of dst,
// read in tick now.
func (q *ring) moveTo(dst *ring, n, now float64) {
	for q.size > 0 && n > 1e-12 {
		born, _, part := q.front(n)
		dst.push(born, now, part)
		n -= part
	}
}

// kdsPollDelay is a single polling reader's propagation delay (KDS-POLL-LATENCY).
const kdsPollDelay = pipeline.KDSPollLatency1

// pollRead is what one polling reader gets from a shard this tick: at most
// 2 MB and one call's 10,000 records (KDS-SHARD-READ, KDS-GETRECORDS-MAX).
func pollRead(d *loopDay, n float64) float64 {
	return min(n, pipeline.KDSShardReadBytes*d.dt/d.size, pipeline.KDSGetRecordsMaxRec*d.dt)
}

func init() { kinds = append(kinds, kind{name: "firehose-s3", loop: loopFirehoseS3}) }

// loopFirehoseS3 is sim/testdata/kinds/firehose-s3.yaml: a Kinesis stream
// read by Firehose, which buffers per shard and writes an object to S3 each
// time a buffer holds buffer.size or has been open buffer.interval.
func loopFirehoseS3(sc *pipeline.Scenario) loopTotals {
	d := newLoopDay(sc)
	d.md5Shares(nodeOf(sc, "events").Int("shards"))
	fh := nodeOf(sc, "delivery")
	w := newKDSWriter(d)
	tot := loopFirehose(d, w.admit, fh, kdsPollDelay, pollRead, nodeOf(sc, "lake").Int("prefixes"))
	fig := tot.figures
	fig["events.iterator_age_max"] = d.ageMax
	fig["pipeline.in_flight_records"] = fig["delivery.held_records"] + fig["delivery.lag_records"] + sumOf(w.retry)
	return tot
}

// loopFirehose is a Firehose reading every shard of a stream: admit is the
// stream's write side, read what one shard lets it read in a tick.
func loopFirehose(d *loopDay, admit func(*loopDay, int, float64) (float64, float64), fh *pipeline.Node,
	delay float64, read func(*loopDay, float64) float64, prefixes int) loopTotals {
	size := fh.Num("buffer.size") / d.size // records per object
	every := fh.Dur("buffer.interval").Seconds() / d.dt
	bufs := make([]ring, d.units)
	if keepsBytes {
		setRingBytes(d, bufs)
	}
	backlog := make([]ring, d.units)
	if keepsBytes {
		setRingBytes(d, backlog)
	}
	opened := make([]float64, d.units)
	d.readDelay = delay
	bySize, byTime := d.gather(0), d.gather(d.dt)
	for t := range d.ticks {
		now := float64(t)
		rn := d.rate * d.factor(now*d.dt) * d.dt
		d.tot.produced += rn
		objects := 0.0
		for u := range d.units {
			accN, accR := admit(d, u, rn*d.share[u])
			b := &bufs[u]
			q := &backlog[u]
			if q.size == 0 && accN+accR <= read(d, accN+accR) {
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
				q.moveTo(b, read(d, q.total), now)
				if q.size > 0 {
					d.age(now, q.at[q.head])
				}
			}
			for b.total >= size*(1-1e-12) {
				b.take(size, bySize, now)
				objects++
				opened[u] = now
			}
			if b.size > 0 && now+1-opened[u] >= every-1e-9 {
				b.take(b.total, byTime, now)
				objects++
			}
		}
		if objects > pipeline.S3PutPerPrefix*float64(prefixes)*d.dt {
			panic("loopFirehose: S3 refuses objects; the loop does not retry them")
		}
		d.tot.objects += objects
		bySize.flush()
		byTime.flush()
	}
	lag := ringsTotal(backlog)
	return d.finish(map[string]float64{
		"events.max_shard_utilization": d.maxUtil,
		"events.lag_records":           lag,
		"delivery.lag_records":         lag,
		"delivery.held_records":        ringsTotal(bufs),
		"delivery.iterator_age_max":    d.ageMax,
	})
}

// ringsTotal is the records every ring of rs holds.
func ringsTotal(rs []ring) float64 {
	var n float64
	for i := range rs {
		n += rs[i].total
	}
	return n
}

// sumOf is the sum of xs.
func sumOf(xs []float64) float64 {
	var n float64
	for _, x := range xs {
		n += x
	}
	return n
}

// nodeOf is the scenario's node of that id.
func nodeOf(sc *pipeline.Scenario, id string) *pipeline.Node {
	for _, n := range sc.Nodes {
		if n.ID == id {
			return n
		}
	}
	panic("no node " + id)
}
