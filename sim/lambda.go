package sim

import (
	"math"

	"github.com/streamsim/streamsim/pipeline"
)

// lambda is AWS Lambda behind an event source mapping: per shard batches,
// parallelization concurrent batches per shard, and poison records that
// block a shard (LAMBDA-ESM-ERRORS).
type lambda struct{}

func init() { computes[pipeline.Lambda] = func() compute { return lambda{} } }

const poisonAttempt = 1.0 // seconds per failing Lambda invocation (it polls about once a second)

func (lambda) configure(e *Engine, p *processor) {
	n := p.n
	p.units = float64(n.Int("parallelization"))
	p.batchSize = float64(max(1, n.Int("batch_size")))
	p.fnDur = n.Dur("duration").Seconds()
	p.batchWindow = n.Dur("batch_window").Seconds()
	if p.fnDur > 0 {
		p.perShardN = p.units / p.fnDur
	}
	if p.rd != nil {
		p.injectPoison(e)
	}
	ps := &p.poison
	if r := n.Int("retries"); !ps.judged || r != ps.retries {
		if ps.judged {
			p.retryPoison(e)
		}
		ps.retries, ps.judged = r, true
	}
}

func (lambda) capUnits(p *processor) float64 { return p.units }
func (lambda) perShard() bool                { return true }

func (lambda) wire(e *Engine, p *processor) {
	if p.rd != nil {
		p.injectPoison(e)
	}
}

func (lambda) beforeRead(e *Engine, p *processor, _ bool) float64 {
	p.holdPoisoned(e)
	return 0
}

func (lambda) closing(p *processor) (runTime, fold float64) { return batchTime(p), 0 }

func (lambda) metrics(p *processor, m map[string]float64) {
	m["invocations"] = p.invocations + p.poison.failedInv
	m["failed_batches"] = p.poison.failedInv
}

// cost: PRICE-LAMBDA-REQUESTS and PRICE-LAMBDA-GBS, at the run's invocations
// and records a month.
func (lambda) cost(e *Engine, p *processor, h float64) float64 {
	inv := e.monthly(p.invocations)
	secs := e.monthly(p.in) * p.n.Dur("duration").Seconds()
	return inv/1e6*pipeline.LambdaPerMRequests + secs*pipeline.LambdaMemoryGB*pipeline.LambdaGBSecond
}

// Lambda's event source mapping (LAMBDA-ESM-BATCH): per shard, records read
// are gathered into a batch that is invoked when the first of three things
// happens: BatchSize records, a 6 MB payload, or the batching window ending
// (with no window, each poll's records are invoked at once). A batch of n
// records runs n × duration. Under a backlog every batch is full, so
// invocations are records ÷ batch size, never one per shard and tick.
//
// A shard runs at most `parallelization` batches at once
// (LAMBDA-ESM-PARALLEL): a batch starts when it closes and one of the
// shard's slots is free, and its records leave when it has run. The next
// batching window starts when the previous invocation has finished.

// lambdaBatch is one shard's batch being filled.
type lambdaBatch struct {
	q      fifo
	opened float64   // when the batch's window started (seconds)
	busy   []float64 // per concurrent batch: when its invocation finishes
}

// free is when the shard next has a slot for a batch.
func (b *lambdaBatch) free() float64 { return b.busy[argmin(b.busy)] }

// open starts the next window with a piece stamped t: its records arrived
// during the tick up to t (a tick's records travel together), and the
// window starts no sooner than the previous invocation has finished.
func (b *lambdaBatch) open(t, dt float64) {
	b.opened = max(t-dt, b.free())
}

// The reads go into their shards' batches as the reader hands them over,
// and the due batches are invoked shard by shard in the same pass: takeUnits
// hands a shard's pieces over together and in shard order, so once a piece
// of shard u comes, every shard before u has been read, and its batches can
// be closed while its headers (its batch's, its unread queue's) are still in
// the cache. Over the shards in order, this invokes what pushing every
// piece first and then closing every shard would, in the same order.

// batchStart begins a tick's batching: the batches match the shards and
// slots (they change with resharding and the timeline), and no shard's
// batches are closed yet.
func (p *processor) batchStart(now float64) {
	p.batchNext = 0
	if p.failed(now) {
		return
	}
	if len(p.batches) != p.srcUnits() || len(p.batches[0].busy) != int(p.units) {
		p.rebatch()
	}
}

// batchPiece puts a piece read from shard u into its batch, after closing
// the batches of the shards before u.
func (p *processor) batchPiece(u int, c cohort, now, dt float64) {
	p.closeUpTo(u, now, dt)
	b := &p.batches[u]
	if b.q.empty() {
		b.open(c.at, dt)
	}
	b.q.push(c)
	p.batchHeld[u] = true
}

// closeUpTo invokes the due batches of the shards from batchNext up to,
// not including, u. Most shards' batches are empty most ticks, and
// batchHeld says so from a byte a shard, where the batches themselves
// (120 bytes a shard) cost a cache miss each.
func (p *processor) closeUpTo(u int, now, dt float64) {
	held := p.batchHeld
	for ; p.batchNext < u; p.batchNext++ {
		if !held[p.batchNext] {
			continue // closeBatches has nothing to do
		}
		p.closeBatches(p.batchNext, now, dt)
		held[p.batchNext] = !p.batches[p.batchNext].q.empty()
	}
}

// closeBatches invokes shard u's full batches, then its partial one when its
// window has ended, or, with no window, when the poll left nothing unread.
func (p *processor) closeBatches(u int, now, dt float64) {
	b := &p.batches[u]
	for !b.q.empty() {
		full := p.fullBatch(b)
		if b.q.n < full*(1-1e-9) {
			break
		}
		if p.invoke(b, full, b.q.first().at, dt) == 0 {
			break // rounding left q.n above what its cohorts hold
		}
	}
	if b.q.empty() {
		return
	}
	if w := p.batchWindow; w > 0 {
		if end := b.opened + w; now+dt >= end-1e-9 {
			p.invoke(b, arrivedBefore(&b.q, end), max(end, now), dt)
		}
		return
	}
	if p.rd == nil || p.rd.q[u].empty() {
		p.invoke(b, b.q.n, now, dt)
	}
}

// fullBatch is the records of a full batch: BatchSize, or fewer when they
// reach the 6 MB payload first.
func (p *processor) fullBatch(b *lambdaBatch) float64 {
	n := p.batchSize
	if b.q.n > 0 && b.q.b > 0 {
		n = min(n, max(1, pipeline.LambdaPayloadMax/(b.q.b/b.q.n)))
	}
	return n
}

// invoke runs one batch of the first n records of b, closed at `at` or when
// its last record arrived, whichever is later: it starts when one of the
// shard's slots is free, and its records leave when it has run. A fraction
// of a record (the fluid model's) counts as that fraction of an invocation.
func (p *processor) invoke(b *lambdaBatch, n, at, dt float64) float64 {
	at = max(at, b.q.lastArrival(n))
	slot := argmin(b.busy)
	start := max(at, b.busy[slot])
	run := n * p.fnDur
	var got float64
	first := true
	b.q.take(n, -1, func(c cohort) {
		got += c.n
		c.at = start + run
		c.obj = 0
		if first {
			c.obj, first = 1, false
		}
		p.pieces.add(c)
	})
	b.busy[slot] = start + run
	p.invocations += min(1, got)
	b.opened = b.free()
	if !b.q.empty() {
		// What is left opens the next batch: its window starts with its
		// first record, once an invocation has finished.
		b.open(b.q.first().at, dt)
	}
	return got
}

// arrivedBefore is the records of q that arrived before t: those that arrive
// as a window ends belong to the next batch.
func arrivedBefore(q *fifo, t float64) float64 {
	var n float64
	q.each(func(c cohort) {
		if c.at < t-1e-6 {
			n += c.n
		}
	})
	return n
}

// rebatch follows a reshard (open batches move to the shard of the same
// index, or wrap, as records of a closed parent are read before its
// children) or a change of parallelization (each shard keeps its busiest
// slots).
func (p *processor) rebatch() {
	old := p.batches
	p.batches = make([]lambdaBatch, p.srcUnits())
	slots := max(1, int(p.units))
	// Keep about 64k cohorts in all open batches (at least 64 a shard), so
	// that a long window keeps its records' arrival times apart.
	limit := 1 << int(math.Ceil(math.Log2(float64(max(64, (1<<16)/len(p.batches))))))
	for u := range p.batches {
		p.batches[u].q.limit = int32(limit)
		p.batches[u].busy = make([]float64, slots)
	}
	for i := range old {
		nb := &p.batches[i%len(p.batches)]
		for _, x := range old[i].busy {
			if j := argmin(nb.busy); x > nb.busy[j] {
				nb.busy[j] = x
			}
		}
		old[i].q.each(func(c cohort) {
			if nb.q.empty() {
				nb.opened = old[i].opened
			}
			nb.q.push(c)
		})
	}
	p.batchHeld = make([]bool, len(p.batches))
	for u := range p.batches {
		p.batchHeld[u] = !p.batches[u].q.empty()
	}
}

func argmin(xs []float64) int {
	j := 0
	for i, x := range xs {
		if x < xs[j] {
			j = i
		}
	}
	return j
}

// batched is the records waiting in open batches.
func (p *processor) batched() float64 {
	var n float64
	for i := range p.batches {
		n += p.batches[i].q.n
	}
	return n
}

// poisonState tracks poison records blocking Lambda's shards.
type poisonState struct {
	seen      int       // poison_records already injected
	blocked   []float64 // per unit: blocked until (seconds)
	drop      []float64 // per unit: records discarded when the block ends
	forever   []bool    // per unit: retried until the record expires (invocations counted as they happen)
	since     []float64 // per unit: when its latest block began
	tries     []float64 // per unit: the failing invocations its latest block was judged to take (forever: unused)
	failedInv float64
	retries   int  // the `retries` blocks were judged with
	judged    bool // retries is set
}

// injectPoison puts one new poison record on the next shard: the batch holding
// it fails and is retried, blocking the shard (LAMBDA-ESM-ERRORS). With
// `retries: R` the batch is discarded after R retries — the whole batch, or with
// `bisect: true` only the poison record once halving has isolated it. With the
// default -1 the shard stays blocked until the record expires from the stream.
func (p *processor) injectPoison(e *Engine) {
	want := p.n.Int("poison_records")
	ps := &p.poison
	units := p.srcUnits()
	if ps.blocked == nil && ps.seen >= want {
		// No poison record yet: nothing to track, and holdPoisoned has no
		// pass to make over the shards.
		return
	}
	if ps.blocked == nil || len(ps.blocked) != units {
		ps.blocked = make([]float64, units)
		ps.drop = make([]float64, units)
		ps.forever = make([]bool, units)
		ps.since = make([]float64, units)
		ps.tries = make([]float64, units)
	}
	now := e.nowSec()
	for ; ps.seen < want; ps.seen++ {
		u := ps.seen % units
		retries := p.n.Int("retries")
		attempts := float64(retries + 1)
		lost := p.batchSize
		if p.n.Bool("bisect") {
			attempts += math.Ceil(math.Log2(max(1, p.batchSize)))
			lost = 1
		}
		start := max(now, ps.blocked[u])
		ps.since[u], ps.tries[u] = start, attempts
		if retries < 0 {
			retention := 86400.0
			if p.src != nil {
				retention = p.src.retention
			}
			ps.blocked[u] = start + retention
			ps.drop[u] = 0 // it expires with the stream's retention
			ps.forever[u] = true
			e.event(p.id, "poison record blocks shard %d until it expires (retries: -1)", u)
			continue
		}
		ps.blocked[u] = start + attempts*poisonAttempt
		ps.drop[u] += lost
		ps.failedInv += attempts
		e.event(p.id, "poison record on shard %d: %.0f failing invocations, then %.0f record(s) discarded", u, attempts, lost)
	}
}

// retryPoison follows a change of `retries` while poison records block
// shards: the event source mapping's new MaximumRetryAttempts applies to
// the batch being retried. A block that retried until its record expired
// (-1) ends after the new number of attempts, counted from when it began
// (at once when they are used up), and its batch is discarded; a block with
// a number runs to the new number, or with -1 until the record expires.
// Attempts already made stay counted.
func (p *processor) retryPoison(e *Engine) {
	ps := &p.poison
	now := e.nowSec()
	retries := p.n.Int("retries")
	attempts, lost := float64(retries+1), p.batchSize
	if p.n.Bool("bisect") {
		attempts += math.Ceil(math.Log2(max(1, p.batchSize)))
		lost = 1
	}
	for u, until := range ps.blocked {
		if until == 0 || now >= until || u >= len(ps.since) {
			continue
		}
		made := (now - ps.since[u]) / poisonAttempt // failing invocations so far
		if !ps.forever[u] {
			ps.failedInv -= max(0, ps.tries[u]-made) // counted in advance: take back those not made
		}
		if retries < 0 {
			if !ps.forever[u] {
				retention := 86400.0
				if p.src != nil {
					retention = p.src.retention
				}
				ps.blocked[u], ps.drop[u], ps.forever[u] = ps.since[u]+retention, 0, true
				e.event(p.id, "retries: -1: the poison record blocks shard %d until it expires", u)
			}
			continue
		}
		if ps.forever[u] {
			ps.drop[u] += lost
		}
		ps.forever[u], ps.tries[u] = false, attempts
		ps.failedInv += max(0, attempts-made)
		ps.blocked[u] = max(now, ps.since[u]+attempts*poisonAttempt)
		e.event(p.id, "retries: %d: the poison batch on shard %d fails %.0f times in all, then %.0f record(s) are discarded", retries, u, max(attempts, math.Floor(made)), lost)
	}
}

// holdPoisoned stops reads from blocked shards, and discards the failed batch
// when a block ends.
func (p *processor) holdPoisoned(e *Engine) {
	ps := &p.poison
	if ps.blocked == nil || p.rd == nil || len(ps.blocked) != len(p.rd.q) {
		return
	}
	now := e.nowSec()
	p.rd.fillAllow()
	for u, until := range ps.blocked {
		if until == 0 {
			continue
		}
		if now < until {
			p.rd.allow[u], p.rd.allowN[u] = 0, 0
			if ps.forever[u] {
				ps.failedInv += e.dt / poisonAttempt // Lambda keeps invoking the failing batch
			}
			continue
		}
		ps.blocked[u], ps.forever[u] = 0, false
		if n := ps.drop[u]; n > 0 {
			ps.drop[u] = 0
			p.discard(u, n)
		}
	}
}

// discard drops n records from the front of shard u: read, failed, sent to the
// on-failure destination — lost for the pipeline.
func (p *processor) discard(u int, n float64) {
	r := p.rd
	q := &r.q[u]
	if q.empty() {
		return
	}
	tn, tb := q.take(n, -1, func(cohort) {})
	if q.empty() {
		r.nonEmpty--
	}
	r.out += tn
	r.outB += tb
	p.in += tn
	p.inB += tb
	p.lost += tn
}
