package sim

import (
	"cmp"
	"slices"
)

// A stream's reads: each unit's read budget shared among its readers
// and fitted to each reader's consumer capacity, every tick.

// allocateReads shares each unit's read budget among its readers, then fits
// every reader's allowances to its consumer's capacity. The service says what
// each reader may read alone (enhanced fan-out, a video stream's GetMedia),
// what the readers of a unit share, and how many records one call returns.
func (s *stream) allocateReads(e *Engine) {
	dt := e.dt
	failed := s.failed(e.nowSec())
	for _, r := range s.readers {
		r.lazy = false
		r.stepwise = e.generalTakes
		r.scanFronts = e.scanFronts
	}
	if !failed && (len(s.readers) > 1 || !e.generalReads) && s.readLazily(dt) {
		return
	}
	if !failed && len(s.readers) == 1 && !e.generalReads && s.kind.readOne(s, dt) {
		return
	}
	budget := s.kind.sharedBudget(dt)
	maxN := s.kind.callRecords(s, dt)
	k := len(s.readers)
	if cap(s.demand) < k {
		s.demand, s.own = make([]float64, k), make([]float64, k)
	}
	demand, own := s.demand[:k], s.own[:k]
	s.views = s.views[:0]
	for i, r := range s.readers {
		own[i] = s.kind.ownBudget(r, dt)
		r.sumDemand()
		s.views = append(s.views, r.demands())
	}
	for u := 0; u < s.units; u++ {
		var want float64
		for i, r := range s.readers {
			n, b := s.views[i].of(u)
			if r.summed {
				r.addDemand(n, b)
			}
			demand[i] = -1 // not sharing the unit's budget
			r.allow[u], r.allowN[u] = b, n
			switch {
			case failed || s.down != nil && s.down[u]:
				r.allow[u], r.allowN[u] = 0, 0
			case own[i] > 0:
				r.allow[u] = min(b, own[i])
			case budget > 0:
				demand[i] = b
				want += b
				r.allowN[u] = min(n, maxN)
			}
		}
		if want > budget {
			s.waterFill(u, budget, demand)
		}
	}
	s.kind.readCalls(s, dt)
	for _, r := range s.readers {
		s.settleReads(r, dt)
	}
	s.kind.afterReads(s, dt)
}

func (s *stream) pollingReaders() int {
	polling := 0
	for _, r := range s.readers {
		if !r.efo {
			polling++
		}
	}
	return polling
}

// clusterEgress scales every reader's byte allowance down when together they
// would read more than the cluster's egress limit this tick.
func (s *stream) clusterEgress(limit float64) {
	var total float64
	for _, r := range s.readers {
		for _, b := range r.allow {
			total += b
		}
	}
	if total <= limit {
		return
	}
	k := limit / total
	for _, r := range s.readers {
		for u := range r.allow {
			r.allow[u] *= k
		}
	}
}

// settleReads fits a reader's allowances to its consumer's capacity and counts
// its refused reads — unless the consumer could not have processed more anyway
// (then the backlog is a capacity problem, not read throttling).
func (s *stream) settleReads(r *reader, dt float64) {
	if !r.fitCapacity(dt) {
		s.readThrot += r.short
	}
	r.short = 0
}

// waterFill splits budget among polling readers by demand, fairly, and counts
// the calls of readers that wanted more as throttled (KDS-SHARD-READ: a shard short of
// read throughput fails the calls of the next second).
func (s *stream) waterFill(u int, budget float64, demand []float64) {
	idx := s.fillOrder[:0] // scratch: this runs for every contended shard every tick
	for i, d := range demand {
		if d >= 0 {
			idx = append(idx, i)
		}
	}
	s.fillOrder = idx
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(demand[a], demand[b]) })
	left := budget
	for k, i := range idx {
		fair := left / float64(len(idx)-k)
		give := min(demand[i], fair)
		s.readers[i].allow[u] = give
		left -= give
		if demand[i] > give+1e-9 {
			s.readers[i].short++
		}
	}
}
