package sim

import (
	"math/bits"
	"sync"
	"sync/atomic"
)

// Queue buffers are pooled by length, a power of two, in a process that
// runs many simulations (PoolBuffers). A reader that falls behind grows
// each unit's ring to its limit (8 MB of entries for a stream) through
// doublings, and size, sweep and test run dozens of simulations in one
// process: fresh memory for each took page faults that two workers paid
// more than one (they share the process's page tables). A grown ring gives
// its old buffer back, and a released engine all of its rings. A process
// that runs one simulation keeps none: the old buffers it would pool are
// not used again in that run (Lambda's day peaked 11 MB higher with them).
var entryPools [bits.UintSize]sync.Pool

var pooling atomic.Bool

// PoolBuffers makes the process reuse queue buffers from here on, for the
// commands that run many simulations.
func PoolBuffers() { pooling.Store(true) }

// newEntries is a buffer of n entries, n a power of two, zeroed from
// entry keep on: the caller writes the first keep itself (a ring that
// grows copies its entries there, and clearing them first was half of the
// clearing).
func newEntries(n, keep int) []entry {
	if !pooling.Load() {
		return make([]entry, n)
	}
	if p, ok := entryPools[bits.Len(uint(n))-1].Get().(*[]entry); ok && len(*p) == n {
		clear((*p)[keep:]) // as make's: nothing of another simulation stays in it
		return *p
	}
	return make([]entry, n)
}

// freeEntries gives b back to be reused; the caller must hold no other
// reference to it.
func freeEntries(b []entry) {
	n := len(b)
	if n < 8 || n&(n-1) != 0 || !pooling.Load() {
		return
	}
	entryPools[bits.Len(uint(n))-1].Put(&b)
}

// Release gives the buffers of the streams' queues back, to be reused by
// the process's next simulation, and empties the queues. Call it once the
// run's results are read: the engine must not be stepped after.
func (e *Engine) Release() {
	for _, m := range e.models {
		if s, ok := m.(*stream); ok {
			for _, r := range s.readers {
				releaseQueues(r.q)
			}
			releaseQueues(s.orphan)
		}
	}
}

func releaseQueues(qs []fifo) {
	for u := range qs {
		q := &qs[u]
		freeEntries(q.buf)
		q.buf, q.ext, q.head, q.size = nil, nil, 0, 0
	}
}
