package aws

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// entry is one record as a service takes it: a user record, or a KPL
// aggregate of several.
type entry struct {
	key   string
	data  []byte
	recs  []userRecord
	shard string // an aggregate: the shard its records were packed for
	gen   uint64 // and the generation of the shard map it was packed under
}

func userBytes(recs []userRecord) int {
	n := 0
	for _, r := range recs {
		n += len(r.data)
	}
	return n
}

func entriesUsers(es []entry) []userRecord {
	var out []userRecord
	for _, e := range es {
		out = append(out, e.recs...)
	}
	return out
}

// pipe is the queue and batching machinery shared by the senders: a
// collector turns queued records into batches of at most maxRecs entries and
// maxBytes bytes, flushed when full or after linger; workers send batches.
type pipe struct {
	in       chan []userRecord
	batches  chan []entry
	pend     atomic.Int64
	wg       sync.WaitGroup
	linger   time.Duration
	maxRecs  int
	maxBytes int
	pack     func(recs []userRecord) []entry // user records → entries (aggregation)
	flush    func(ctx context.Context, batch []entry)
	ctx      context.Context
	closeOne sync.Once
	closing  atomic.Bool // close was called: what is left is flushed, not probed with
}

func newPipe(ctx context.Context, workers, maxRecs, maxBytes int, linger time.Duration,
	pack func([]userRecord) []entry, flush func(context.Context, []entry)) *pipe {
	p := &pipe{in: make(chan []userRecord, 1024), batches: make(chan []entry, workers),
		linger: linger, maxRecs: maxRecs, maxBytes: maxBytes, pack: pack, flush: flush, ctx: ctx}
	if p.pack == nil {
		p.pack = func(recs []userRecord) []entry {
			out := make([]entry, len(recs))
			for i, r := range recs {
				out[i] = entry{key: r.key, data: r.data, recs: recs[i : i+1]}
			}
			return out
		}
	}
	var wwg sync.WaitGroup
	for range workers {
		wwg.Add(1)
		go func() {
			defer wwg.Done()
			for b := range p.batches {
				n := int64(len(entriesUsers(b)))
				p.flush(ctx, b)
				p.pend.Add(-n)
			}
		}()
	}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		defer func() { close(p.batches); wwg.Wait() }()
		p.collect()
	}()
	return p
}

func (p *pipe) collect() {
	var batch []entry
	var held []userRecord
	size := 0
	timer := time.NewTimer(p.linger)
	defer timer.Stop()
	out := func() {
		if len(held) > 0 {
			for _, e := range p.pack(held) {
				if len(batch) == p.maxRecs || size+len(e.data) > p.maxBytes && len(batch) > 0 {
					p.batches <- batch
					batch, size = nil, 0
				}
				batch = append(batch, e)
				size += len(e.data) + len(e.key)
			}
			held = nil
		}
		if len(batch) > 0 {
			p.batches <- batch
			batch, size = nil, 0
		}
	}
	for {
		select {
		case recs, ok := <-p.in:
			if !ok {
				out()
				return
			}
			held = append(held, recs...)
			if len(held) >= p.maxRecs*4 {
				out()
			}
		case <-timer.C:
			out()
			timer.Reset(p.linger)
		}
	}
}

func (p *pipe) send(ctx context.Context, recs []userRecord) error {
	p.pend.Add(int64(len(recs)))
	select {
	case p.in <- recs:
		return nil
	case <-ctx.Done():
		p.pend.Add(-int64(len(recs)))
		return ctx.Err()
	}
}

func (p *pipe) close() {
	p.closing.Store(true)
	p.closeOne.Do(func() { close(p.in) })
	p.wg.Wait()
}

func (p *pipe) pending() int64 { return p.pend.Load() }
