package sim

import "github.com/streamsim/streamsim/pipeline"

// Lambda's event source mapping (LAMBDA-ESM-BATCH): per shard, records read
// are gathered into a batch that is invoked when the first of three things
// happens: BatchSize records, a 6 MB payload, or the batching window ending
// (with no window, each poll's records are invoked at once). A batch of n
// records runs n × duration. Under a backlog every batch is full, so
// invocations are records ÷ batch size, never one per shard and tick.

// lambdaBatch is one shard's batch being filled.
type lambdaBatch struct {
	q      fifo
	opened float64 // when the batch's window started (seconds)
}

// batchTick puts this tick's reads into their shards' batches and invokes
// the batches that are due, handing their records on through p.pieces.
func (p *processor) batchTick(e *Engine, read []shardPiece) {
	now, dt := e.nowSec(), e.dt
	if len(p.batches) != p.srcUnits() {
		p.rebatch()
	}
	for _, sp := range read {
		b := &p.batches[sp.u]
		if b.q.empty() {
			b.opened = sp.c.at
		}
		b.q.push(sp.c)
	}
	for u := range p.batches {
		p.closeBatches(u, now, dt)
	}
}

// shardPiece is a piece read from shard u.
type shardPiece struct {
	u int
	c cohort
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
		if p.invoke(b, full, b.q.front().at) == 0 {
			break // rounding left q.n above what its cohorts hold
		}
	}
	if b.q.empty() {
		return
	}
	if w := p.batchWindow; w > 0 {
		if end := b.opened + w; now+dt >= end-1e-9 {
			p.invoke(b, arrivedBefore(&b.q, end), max(end, now))
		}
		return
	}
	if p.rd == nil || p.rd.q[u].empty() {
		p.invoke(b, b.q.n, now)
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

// invoke runs one batch of n records from the front of b, invoked at `at`:
// its records leave when the batch has run. A fraction of a record (the fluid
// model's) counts as that fraction of an invocation.
func (p *processor) invoke(b *lambdaBatch, n, at float64) float64 {
	var got, last float64
	first := true
	run := n * p.fnDur
	b.q.take(n, -1, func(c cohort) {
		last = max(last, c.at)
		got += c.n
		c.at = max(c.at, at) + run
		c.obj = 0
		if first {
			c.obj, first = 1, false
		}
		p.pieces.add(c)
	})
	p.invocations += min(1, got)
	b.opened = max(at, last)
	if !b.q.empty() {
		// What is left opens the next batch: its window starts with its
		// first record, so windows follow each other without a gap.
		b.opened = b.q.front().at
	}
	return got
}

// arrivedBefore is the records of q that arrived before t: those that arrive
// as a window ends belong to the next batch.
func arrivedBefore(q *fifo, t float64) float64 {
	var n float64
	q.each(func(c *cohort) {
		if c.at < t-1e-6 {
			n += c.n
		}
	})
	return n
}

// rebatch follows a reshard: open batches move to the shard of the same index
// (or wrap), as records of a closed parent are read before its children.
func (p *processor) rebatch() {
	old := p.batches
	p.batches = make([]lambdaBatch, p.srcUnits())
	for u := range p.batches {
		p.batches[u].q.limit = 64
	}
	for i := range old {
		nb := &p.batches[i%len(p.batches)]
		old[i].q.each(func(c *cohort) {
			if nb.q.empty() {
				nb.opened = old[i].opened
			}
			nb.q.push(*c)
		})
	}
}

// batched is the records waiting in open batches.
func (p *processor) batched() float64 {
	var n float64
	for i := range p.batches {
		n += p.batches[i].q.n
	}
	return n
}
