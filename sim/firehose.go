package sim

import (
	"github.com/streamsim/streamsim/pipeline"
)

// firehose models Amazon Data Firehose: it reads a stream (as a polling or EFO
// consumer) or takes Direct PUT within its quotas (FH-DIRECT-PUT-QUOTA), buffers per shard or
// partition (FH-BUFFER-SCOPE) until the size or interval hint is reached, and
// writes one object per flush.
type firehose struct {
	consumer
	adm     *admission // Direct PUT
	bufs    []fbuf
	objects float64
	size    float64
	every   float64 // buffer interval, seconds
	xform   float64 // Lambda transform time per invocation, seconds (0 = none)
	flushed gather  // this tick's flushed records
}

// fbuf is a shard's buffer. It stays small (a delivery stream keeps one per
// shard and a tick visits them all): the Lambda transform's buffer is made
// only when records go through one.
type fbuf struct {
	q      fifo
	opened float64
	x      *xbuf
}

// xbuf holds records waiting for their Lambda transform (FH-LAMBDA-BUFFER).
type xbuf struct {
	t     fifo
	topen float64 // when t was opened
}

// xbuf is the shard's transform buffer, made when first needed.
func (b *fbuf) xbuf() *xbuf {
	if b.x == nil {
		b.x = &xbuf{}
	}
	return b.x
}

func init() {
	models[pipeline.Firehose] = func(e *Engine, n *pipeline.Node) model { return newFirehose(e, n) }
}

func newFirehose(e *Engine, n *pipeline.Node) *firehose {
	f := &firehose{consumer: newConsumer(n)}
	f.reconfigure(e)
	return f
}

func (f *firehose) reconfigure(e *Engine) {
	f.size = f.n.Num("buffer.size")
	f.every = f.n.Dur("buffer.interval").Seconds()
	f.xform = 0
	if f.n.Bool("transform.lambda") {
		f.xform = f.n.Dur("transform.duration").Seconds()
	}
	f.setReaderCaps()
}

// setReaderCaps: Firehose scales with its source, except that a Lambda transform
// allows at most 5 invocations of 1 MB in flight per shard (FH-LAMBDA), and a
// `capacity` key, for the delivery stream as a whole, caps it.
func (f *firehose) setReaderCaps() {
	if f.rd == nil {
		return
	}
	f.rd.perUnit = true
	f.rd.capN, f.rd.capB = -1, -1
	if f.xform > 0 {
		f.rd.capB = float64(f.units()) * 5 * pipeline.FirehoseLambdaBuffer / f.xform
	}
	if f.n.Has("capacity") {
		r := f.n.Rate("capacity")
		switch {
		case !r.Bytes:
			f.rd.capN = r.PerSec
		case f.rd.capB < 0:
			f.rd.capB = r.PerSec
		default:
			f.rd.capB = min(f.rd.capB, r.PerSec)
		}
	}
}

func (f *firehose) wire(e *Engine) error {
	f.wireIO(e, f.n.Str("read") == "enhanced-fan-out")
	f.setReaderCaps()
	for _, o := range f.outs {
		if o.dest != nil {
			o.wait = o.dest.kind.retryWindow()
		}
	}
	return nil
}

// attach takes a Direct PUT writer: one quota for the whole stream.
func (f *firehose) attach(e *Engine, ed *edge, ks keySpace) {
	if f.adm == nil {
		f.adm = &admission{}
		f.adm.resize(1)
	}
	ed.keyBytes = 0
	ed.share, ed.hot = []float64{1}, []float64{ks.even}
	f.adm.edges = append(f.adm.edges, ed)
}

func (f *firehose) units() int {
	if f.src != nil {
		return f.src.units
	}
	return 1
}

func (f *firehose) step(e *Engine) {
	now := e.nowSec()
	if len(f.bufs) != f.units() {
		f.rebuffer()
	}
	failed := f.failed(now)
	if f.adm != nil {
		f.directPut(e, failed)
	}
	if f.rd != nil {
		// consumer.read, with the buffers' intake in the same callback.
		delay, bufs, plain := f.rd.delay, f.bufs, f.xform <= 0
		var readN, readB float64
		lazy := f.rd.lazyTake(failed)
		if plain && f.rd.eachReady(lazy) {
			readN, readB = f.intakeEach(now, delay)
		} else {
			f.rd.takeUnitsLazy(lazy, failed, func(u int, co cohort) {
				co.at = later(co.at, now) + delay
				f.in += co.n
				f.inB += co.b
				readN += co.n
				readB += co.b
				if plain && co.bare() {
					// intake's common case, its piece passed as its figures.
					bufs[u].addEntry(co.entry(), now)
					return
				}
				f.intake(&bufs[u], co, now)
			})
		}
		f.measureLoad(e, readN, readB)
	}
	if !failed {
		f.flushed.reset(now, e.dt)
		// Most buffers have nothing due in a tick: that is told here, in
		// the loop, rather than in a call per buffer.
		bufs, xform, size := f.bufs, f.xform > 0, f.size
		end, every := now+e.dt, f.every-1e-9 // maybeFlush's terms, to the bit
		for u := range bufs {
			b := &bufs[u]
			if xform {
				f.transform(e, b, now)
			}
			if b.q.empty() || b.q.b < size && end-b.opened < every {
				continue
			}
			f.maybeFlush(e, b, now)
		}
		// Shards flushing in the same tick hand on records of the same birth
		// together: one cohort per birth time, not one per shard.
		for _, c := range f.flushed.cs {
			f.emit(c)
		}
	}
	f.flush(e)
	f.endTick(e)
}

// intakeEach is the reader's takeEach with the callback above written in:
// when the reader keeps up with empty queues and one birth, arrival and
// size (eachReady), and there is no transform, each shard's retried and
// new records go straight into its buffer, without a call per shard or a
// cohort copied through it. Every sum adds its terms in takeEach's and the
// callback's order, so the figures are theirs to the bit.
func (f *firehose) intakeEach(now, delay float64) (readN, readB float64) {
	r := f.rd
	acc := &r.s.adm
	accN := acc.accN
	per, anyRet, retN := acc.onePer, acc.anyRet, acc.retN[:len(accN)]
	born, at := acc.oneBorn, later(acc.oneAt, now)+delay
	bufs := f.bufs[:len(accN)]
	in, inB := f.in, f.inB
	for u, n := range accN {
		if anyRet && retN[u] > 0 {
			rc := acc.retried(u)
			rc.at = later(rc.at, now) + delay
			in += rc.n
			inB += rc.b
			readN += rc.n
			readB += rc.b
			if rc.bare() { // as the callback above: spares intake's call and copies
				bufs[u].addEntry(rc.entry(), now)
			} else {
				f.intake(&bufs[u], rc, now)
			}
		}
		if n <= 0 {
			continue
		}
		b := n * per
		in += n
		inB += b
		readN += n
		readB += b
		// addEntry written in, so there is no call per shard (fbuf.addEntry
		// does not inline, and a call made Go load the loop's locals again).
		if e := (entry{at: at, born: born, n: n, b: b}); !bufs[u].q.pushNew(e) {
			bufs[u].addOther(e, now)
		}
	}
	f.in, f.inB = in, inB
	// takeEach's sums of what the reader took are readN and readB: the
	// same terms from zero in the same order.
	r.out += readN
	r.outB += readB
	return readN, readB
}

// directPut admits Direct PUT records within FH-DIRECT-PUT-QUOTA's quota for the scenario's
// region (FH-DIRECT-PUT-QUOTA): in us-east-1, us-west-2 and eu-west-1 5 MiB/s,
// 500,000 records/s and 2,000 requests/s of up to 500 records each; elsewhere
// 1 MiB/s, 100,000 records/s and 1,000 requests/s.
func (f *firehose) directPut(e *Engine, failed bool) {
	dt := e.dt
	f.adm.offer(e.tick)
	if failed {
		f.adm.frac[0] = 0
	} else {
		recs, reqs, bytes := e.sc.DirectPutQuota()
		capN := min(recs, reqs*pipeline.KDSPutRecordsMax) * dt
		f.util = max(f.util, f.adm.limit(0, capN, bytes*dt))
	}
	now := e.nowSec()
	f.throttled += f.adm.settle(e.tick, dt)
	for _, co := range []cohort{f.adm.retried(0), f.adm.accepted(0)} {
		if co.n > 0 {
			f.in += co.n
			f.inB += co.b
			f.intake(&f.bufs[0], co, now)
		}
	}
}

// rebuffer makes one buffer per unit of the source (after a reshard, what the
// old buffers held moves over). A buffer keeps a bounded number of cohorts
// (queueLimit), spreading the births of those it merges, so a buffer open
// for minutes on each of 100,000 shards costs kilobytes, not megabytes.
func (f *firehose) rebuffer() {
	old := f.bufs
	f.bufs = make([]fbuf, f.units())
	per, _ := queueLimit(len(f.bufs))
	for u := range f.bufs {
		f.bufs[u].q.limit, f.bufs[u].q.spread = int32(per), true
	}
	for i := range old {
		nb := &f.bufs[i%len(f.bufs)]
		old[i].q.each(func(c cohort) { nb.add(c, c.at) })
		if ox := old[i].x; ox != nil {
			ox.t.each(func(c cohort) {
				nx := nb.xbuf()
				if nx.t.empty() {
					nx.topen = ox.topen
				}
				nx.t.push(c)
			})
		}
	}
}

func (b *fbuf) add(c cohort, now float64) {
	if b.q.empty() {
		b.opened = now
	}
	b.q.push(c)
}

// addEntry is add for a cohort with no extras (fifo.pushEntry): pushNew
// for its common case, a buffer already open, else addOther.
func (b *fbuf) addEntry(e entry, now float64) {
	if !b.q.pushNew(e) {
		b.addOther(e, now)
	}
}

// addOther is addEntry past pushNew's case: a buffer to open, a merge or a
// full ring.
func (b *fbuf) addOther(e entry, now float64) {
	if b.q.empty() {
		b.opened = now
	}
	b.q.pushEntry(e)
}

// intake takes records into a shard's buffer, through the Lambda
// transform's buffer when there is one.
func (f *firehose) intake(b *fbuf, c cohort, now float64) {
	if f.xform <= 0 {
		b.add(c, now)
		return
	}
	x := b.xbuf()
	if x.t.empty() {
		x.topen = now
	}
	x.t.push(c)
}

// transform invokes the Lambda transform (FH-LAMBDA-BUFFER): each time the
// shard's transform buffer reaches 1 MB, and when it has been open 60 s,
// its records are transformed (taking the invocation's duration) and join
// the delivery buffer. Waits for the transform spread from 0 to the lesser
// of 60 s and the time 1 MB takes to arrive.
func (f *firehose) transform(e *Engine, b *fbuf, now float64) {
	move := func(at float64) func(cohort) {
		return func(c cohort) {
			c.at = later(c.at, at)
			b.add(c, c.at) // the delivery buffer opens when they arrive
		}
	}
	x := b.x
	if x == nil {
		return
	}
	for !x.t.empty() && x.t.b >= pipeline.FirehoseLambdaBuffer*(1-1e-9) {
		x.t.take(x.t.n, pipeline.FirehoseLambdaBuffer, move(now+f.xform))
		x.topen = now
	}
	if x.t.empty() || now+e.dt-x.topen < pipeline.FirehoseLambdaInterval-1e-9 {
		return
	}
	x.t.drain(move(now + e.dt + f.xform))
}

// maybeFlush writes objects: one of exactly the size hint for every full
// buffer's worth (during this tick), then what is left once the buffer has been
// open for the interval hint.
func (f *firehose) maybeFlush(e *Engine, b *fbuf, now float64) {
	for !b.q.empty() && b.q.b >= f.size {
		f.object(b, now, b.q.n, f.size)
		b.opened = now
	}
	if b.q.empty() || now+e.dt-b.opened < f.every-1e-9 {
		return
	}
	// Records that arrive as the interval ends (a transformed chunk can)
	// go into the next object, whose interval starts with them.
	if f.xform > 0 && f.every > 0 {
		if n := arrivedBefore(&b.q, b.opened+f.every); n < b.q.n*(1-1e-9) {
			if n > 0 {
				f.object(b, now+e.dt, n, -1)
			}
			b.opened = b.q.first().at
			return
		}
	}
	f.object(b, now+e.dt, b.q.n, -1)
}

// object takes up to n records and size bytes (any when size < 0) from the
// buffer as one object delivered at `at`.
func (f *firehose) object(b *fbuf, at, n, size float64) {
	f.objects++
	obj := 1.0 // the object counts with its first piece
	q := &b.q
	if q.ext == nil {
		// No entry has extras: each piece goes on as its figures.
		if size < 0 && n >= q.n { // drain
			var t taking
			f.flushed.takeWhole(q, &t, true, at, obj)
			q.n, q.b = 0, 0
			return
		}
		t := q.taker(n, size)
		for {
			obj = f.flushed.takeWhole(q, &t, false, at, obj)
			e, _, ok := q.nextEntry(&t)
			if !ok {
				return
			}
			f.flushed.addEntry(later(e.at, at), e.born, e.n, e.b, obj)
			obj = 0
			if t.done {
				return
			}
		}
	}
	if size < 0 && n >= q.n {
		for q.size > 0 { // drain
			c := q.popFront()
			c.at = later(c.at, at)
			c.obj, obj = obj, 0
			f.flushed.add(c)
		}
		q.n, q.b = 0, 0
		return
	}
	t := q.taker(n, size)
	for {
		c, _, ok := q.next(&t)
		if !ok {
			return
		}
		c.at = later(c.at, at)
		c.obj, obj = obj, 0
		f.flushed.add(c)
	}
}

func (f *firehose) held() float64 {
	var h float64
	for i := range f.bufs {
		tn := 0.0
		if x := f.bufs[i].x; x != nil {
			tn = x.t.n
		}
		h += f.bufs[i].q.n + tn
	}
	h *= float64(max(1, len(f.outs)))
	// Direct PUT retries are held (and counted) by the producers.
	return h + f.heldOut()
}

func (f *firehose) metrics(e *Engine, m map[string]float64) {
	f.commonMetrics(m, f.held())
	m["objects"] = f.objects
	m["backup_records"] = f.backup
}
