package sim

import "math"

// The keep-up shortcuts. A reader whose queues are empty, on a stream whose
// admission held every unit to write limits below the unit's read budget,
// and whose consumer's capacity holds the tick's totals, reads everything
// every unit accepted: the allocation's pass would set each allowance to
// the unit's demand and change nothing else. Such a reader skips the pass
// (goLazy), and its allowances are written only when something needs them
// (fillAllow). TestShortcutsMatchEveryShard holds this to the full passes.

// knowCaps records that the general passes kept every unit within capN
// records and capB bytes, having accepted inN records and inB bytes in all.
func (a *admission) knowCaps(capN, capB, inN, inB float64) {
	plain := true
	for _, e := range a.edges {
		plain = plain && e.aggBytes <= 0
	}
	a.capsKnown, a.oneCapN, a.oneCapB, a.onePlain = true, capN, capB, plain
	a.oneInN, a.oneInB = inN, inB
}

// newTick forgets what the last tick's admission knew, before this tick's
// admits (shortcuts: whether the keep-up shortcuts may be taken).
func (a *admission) newTick(shortcuts bool) {
	a.capsKnown, a.oneBytes, a.oneIn, a.shortcuts = false, false, false, shortcuts
}

// readLazily is allocateReads (and kinesis.readOne) when nothing can be
// cut: every reader keeps up (reader.keepsUp) within its own budget
// (enhanced fan-out) or, for the one polling reader at most, the shard's,
// so no budget is shared and no call refused. Each reader's allowances are
// left to be written when needed.
func (s *stream) readLazily(dt float64) bool {
	if s.pollingReaders() > 1 {
		return false
	}
	shared, calls := s.kind.sharedBudget(dt), s.kind.callRecords(s, dt)
	budget := func(r *reader) (float64, float64) {
		if own := s.kind.ownBudget(r, dt); own > 0 {
			return own, math.Inf(1)
		}
		return shared, calls
	}
	for _, r := range s.readers {
		b, n := budget(r)
		if b <= 0 || !r.keepsUp(b, n, dt) {
			return false
		}
	}
	for _, r := range s.readers {
		r.goLazy(budget(r))
	}
	return true
}

// keepsUp reports whether a reader of a provisioned Kinesis stream reads
// everything every shard accepted this tick, with nothing to find out per
// shard: its queues are empty, the shards' write limits (which the
// admission held every shard to, with plain writers) are below its read
// budget and a call's records, so no shard's demand is cut, and its
// consumer's capacity (if any) holds the tick's records and bytes with
// room for the rounding of summing them in another order. The allocation's
// pass would then set each unit's allowances to its demand, and
// fitCapacity would change nothing (goLazy does to the reader's state
// what fitCapacity would have done).
func (r *reader) keepsUp(budget, maxN, dt float64) bool {
	a := &r.s.adm
	if !a.capsKnown || !a.onePlain || a.oneCapB*lazySlack >= budget || a.oneCapN*lazySlack >= maxN {
		return false
	}
	return r.readsAll(dt)
}

// keepsUpBytes is keepsUp for a stream whose writes settleBytes admitted
// (MSK Serverless): each unit's byte limit below its read budget, and the
// tick's bytes within the stream's egress.
func (r *reader) keepsUpBytes(budget, egress, dt float64) bool {
	a := &r.s.adm
	if !a.oneBytes || a.unitCapB*lazySlack >= budget || a.oneInB*lazySlack > egress {
		return false
	}
	return r.readsAll(dt)
}

// keepsUpAll is keepsUp for a stream whose units give a reader all they
// hold, with no read budget of their own (provisioned MSK: its brokers'
// limits are on the writes), and whose writes settleSingle admitted.
func (r *reader) keepsUpAll(dt float64) bool {
	return r.s.adm.oneIn && r.readsAll(dt)
}

// lazySlack covers the rounding of summing a tick's records in another
// order than the allocation's pass would.
const lazySlack = 1 + 1e-9

// readsAll is what keepsUp and keepsUpBytes share: the shortcuts are on,
// nothing is queued, no per-unit capacity, and the consumer's capacity
// holds the tick's records and bytes.
func (r *reader) readsAll(dt float64) bool {
	a := &r.s.adm
	if !a.shortcuts || r.nonEmpty > 0 || r.unitCapN > 0 || r.unitCapB > 0 {
		return false
	}
	return r.capN < 0 && r.capB < 0 || r.fits(a.oneInN*lazySlack, a.oneInB*lazySlack, dt)
}

// goLazy leaves this tick's allowances unwritten (a reader that keepsUp):
// fillAllow writes them, within budget and maxN, if something needs them.
// It leaves the reader's state as fitCapacity would.
func (r *reader) goLazy(budget, maxN float64) {
	r.lazy, r.lazyBudget, r.lazyMaxN = true, budget, maxN
	r.summed, r.ready, r.needed = false, false, false
	r.short = 0
}

// fillAllow writes the allowances a lazy allocation left out, as
// kinesis.readOne would have: each unit's demand, within the budget and a
// call's records (neither binds).
func (r *reader) fillAllow() {
	if !r.lazy {
		return
	}
	r.lazy = false
	d := r.demands()
	for u := range r.allow {
		n, b := d.of(u)
		allow := b
		if allow > r.lazyBudget {
			allow = r.lazyBudget
		}
		r.allow[u] = allow
		r.allowN[u] = min(n, r.lazyMaxN)
	}
}

// lazyTake reports whether this tick's read may skip the allowances (the
// allocation was lazy and the read is not skipped), and otherwise writes
// them first. Skipping reads nothing, so it needs none, but whatever it
// stores goes through the general path.
func (r *reader) lazyTake(skip bool) bool {
	if r.lazy && !skip {
		r.lazy = false
		return true
	}
	r.fillAllow()
	return false
}
