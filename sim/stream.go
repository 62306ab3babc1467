package sim

import (
	"slices"

	"github.com/streamsim/streamsim/pipeline"
)

// stream models stream storage: Kinesis Data Streams (shards), MSK and MSK
// Serverless (partitions) and Kinesis Video Streams (streams). Records are
// admitted per unit, then held in one queue per (reader, unit) until read or
// expired by retention. What differs between the services — units and
// hashing, write and read limits, what a change does, metrics and price — is
// the stream's storage, picked once when the node is built.
type stream struct {
	nodeStats
	n       *pipeline.Node
	kind    storage
	units   int
	adm     admission
	keys    []keySpace // per edge, to recompute shares after resharding
	readers []*reader
	orphan  []fifo // holds records when nobody reads the stream

	// Kinesis Data Streams (stream_kds.go).
	starts   []u128 // hash-key range starts
	onDemand bool
	od       onDemandState
	reshard  reshardState
	switches []float64 // times of capacity mode switches (for the 2 per 24 h rule)
	recPer   float64   // Kinesis records per user record written (KPL aggregation), last tick with writes

	retention float64
	down      []bool // units that take no writes and give no reads (an MSK partition without a leader); nil: none

	util []float64 // offered utilisation per unit, last tick
	// utilPer, when above 0, is the limit this tick's util is relative to:
	// a unit's utilisation is adm.offB[u] / utilPer, and util is stale
	// (stream.settleBytes leaves the division to whoever reads it).
	utilPer float64
	// utilOf, when set, works out this tick's per-unit utilisation, and
	// util is stale: a service's fused admission left it to whoever reads
	// it (msk.offerLimits).
	utilOf    func() []float64
	maxUtil   float64
	expired   float64
	readThrot float64
	demand    []float64 // per reader: bytes wanted from the unit being shared (<0: not sharing)
	own       []float64 // per reader: bytes it may read from each unit alone this tick (0: it shares)
	fillOrder []int     // scratch for waterFill: the sharing readers by demand
	views     []demand  // scratch for allocateReads: each reader's demand
	accepted  float64   // bytes accepted this tick (on-demand peak tracking)
}

// storage is one stream storage service's behaviour. Each service's is in
// its own file (stream_kds.go, stream_msk.go, stream_kvs.go); storageOf
// picks it by the node's service.
type storage interface {
	// setup sets the units (and their layout) at build.
	setup(s *stream)
	// retention is how long records stay, seconds.
	retention(n *pipeline.Node) float64
	// weights spreads a writer's keys over the units: each unit's share of
	// its records and of its heaviest key.
	weights(s *stream, ks keySpace) (share, hot []float64)
	// keyBytes reports whether partition keys count toward a record's size.
	keyBytes() bool
	// efo reports whether a reader may have its own read throughput
	// (enhanced fan-out).
	efo() bool
	// readDelay is how long a read takes to hand records on, seconds.
	readDelay(s *stream, r *reader, polling int) float64
	// reconfigure follows a change of the node's settings.
	reconfigure(e *Engine, s *stream)
	// checkResize says why the service refuses key = want now, or nil.
	checkResize(e *Engine, s *stream, key string, want int, c pipeline.Change) error
	// unitMap says where a unit's records go when the count becomes units.
	unitMap(s *stream, units int) func(u int) int
	// relaidOut follows a change of the unit count.
	relaidOut(e *Engine, s *stream)
	wire(e *Engine, s *stream)
	// fixedLimits are each unit's write limits per second when they are
	// fixed (a provisioned Kinesis shard), for the fused admission.
	fixedLimits(s *stream) (recs, bytes float64, ok bool)
	// byteLimits are each unit's write limit and the whole stream's, in
	// bytes per second, when those are its only limits (MSK Serverless),
	// for the two-pass admission.
	byteLimits(s *stream) (unit, all float64, ok bool)
	// writeLimits sets each unit's accepted fraction and utilisation.
	writeLimits(e *Engine, s *stream, dt float64)
	// sharedBudget is the bytes per unit and tick that the readers of a
	// unit share (0: none).
	sharedBudget(dt float64) float64
	// ownBudget is the bytes per unit and tick the reader may read alone
	// (0: it shares the unit's budget, or nothing limits it).
	ownBudget(r *reader, dt float64) float64
	// callRecords is what a reader that shares a unit may get from it in
	// a tick, in records (+Inf: no limit).
	callRecords(s *stream, dt float64) float64
	// readOne reads for the only reader the fast way, when it can.
	readOne(s *stream, dt float64) bool
	// readCalls counts the read calls refused for the unit's call rate.
	readCalls(s *stream, dt float64)
	// afterReads applies limits over every reader (a cluster's egress).
	afterReads(s *stream, dt float64)
	// metrics adds the service's own metrics.
	metrics(e *Engine, s *stream, m map[string]float64, lag, age float64)
	// cost is the monthly price at the run's average load.
	cost(e *Engine, s *stream, in streamTraffic) float64
	// firehoseRoundsRecords says Firehose bills each record read from it
	// rounded up to 5 KB (PRICE-FH-INGEST; not for an MSK source).
	firehoseRoundsRecords() bool
}

// streamTraffic is a stream's monthly traffic, for its price.
type streamTraffic struct {
	gbIn, gbOut, efoGB float64
	efo                int // enhanced fan-out readers
}

// storageOf picks a stream storage service's behaviour.
func storageOf(name pipeline.ServiceName) storage { return storages[name]() }

// storages makes each stream storage service's behaviour (one per stream:
// it may keep state); each service's file adds its own.
var storages = map[pipeline.ServiceName]func() storage{}

func newStream(e *Engine, n *pipeline.Node) *stream {
	s := &stream{nodeStats: nodeStats{id: n.ID, failedUntil: -1}, n: n, kind: storageOf(n.Service.Name)}
	s.retention = s.kind.retention(n)
	s.kind.setup(s)
	s.units = max(1, s.units)
	s.adm.resize(s.units)
	s.util = make([]float64, s.units)
	return s
}

func (s *stream) stats() *nodeStats { return &s.nodeStats }

func (s *stream) node() *pipeline.Node { return s.n }

// attach connects a writer; its keys are spread over the units by the service's hash.
func (s *stream) attach(e *Engine, ed *edge, ks keySpace) {
	if !s.kind.keyBytes() {
		ed.keyBytes = 0
	}
	ed.share, ed.hot = s.kind.weights(s, ks)
	s.adm.edges = append(s.adm.edges, ed)
	s.keys = append(s.keys, ks)
}

// addReader registers a consumer reading this stream and returns its position.
func (s *stream) addReader(c *nodeStats, efo bool) *reader {
	r := &reader{s: s, c: c, efo: efo && s.kind.efo(), capN: -1, capB: -1}
	r.q = make([]fifo, s.units)
	r.allow = make([]float64, s.units)
	r.allowN = make([]float64, s.units)
	s.readers = append(s.readers, r)
	s.setQueueLimits()
	s.setDelays()
	return r
}

// setQueueLimits bounds the cohorts kept per queue so memory stays flat however
// far readers fall behind (about 256k cohorts, 16 MB, in all; at least 16 per
// queue, see queueLimit).
func (s *stream) setQueueLimits() {
	per, spread := queueLimit(s.units * max(1, len(s.readers)))
	for _, r := range s.readers {
		for u := range r.q {
			r.q[u].limit, r.q[u].spread = int32(per), spread
		}
	}
	for u := range s.orphan {
		s.orphan[u].limit, s.orphan[u].spread = int32(per), spread
	}
}

// setDelays sets each reader's propagation delay (the service's readDelay).
func (s *stream) setDelays() {
	polling := s.pollingReaders()
	for _, r := range s.readers {
		r.delay = s.kind.readDelay(s, r, polling)
	}
}

func (s *stream) reconfigure(e *Engine) {
	s.retention = s.kind.retention(s.n)
	s.kind.reconfigure(e, s)
}

func intValue(n int) pipeline.Value {
	return pipeline.Value{Kind: pipeline.KindInt, Num: float64(n), Set: true}
}

// resizeState is what a change of the unit count is judged against now.
func (s *stream) resizeState(now float64) pipeline.ResizeState {
	recent := 0
	for _, t := range s.reshard.ops {
		if now-t < 86400 {
			recent++
		}
	}
	return pipeline.ResizeState{Service: s.n.Service.Name, Units: s.units, OnDemand: s.onDemand, Updating: s.reshard.doneAt > 0, Recent: recent}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// relayout changes the number of units: writers' shares are recomputed, and
// unread records move to the unit the service maps their old unit to.
func (s *stream) relayout(e *Engine, units int) {
	mapUnit := s.kind.unitMap(s, units)
	moveQueues := func(qs []fifo) []fifo {
		nq := make([]fifo, units)
		for u := range qs {
			t := mapUnit(u)
			qs[u].each(func(c cohort) { nq[t].push(c) })
		}
		return nq
	}
	for _, r := range s.readers {
		r.q = moveQueues(r.q)
		r.allow = make([]float64, units)
		r.allowN = make([]float64, units)
		r.recount()
	}
	if s.orphan != nil {
		s.orphan = moveQueues(s.orphan)
	}
	s.units = units // the writers' shares are spread over the new units
	for i, ed := range s.adm.edges {
		ed.share, ed.hot = s.kind.weights(s, s.keys[i])
		for j := range ed.retries {
			for k := range ed.retries[j].entries {
				en := &ed.retries[j].entries[k]
				en.unit = int32(mapUnit(int(en.unit)))
			}
		}
	}
	s.adm.resize(units)
	s.util = make([]float64, units)
	s.setQueueLimits()
	s.kind.relaidOut(e, s)
}

func (s *stream) wire(e *Engine) error {
	s.kind.wire(e, s)
	return nil
}

func (s *stream) step(e *Engine) {
	now := e.nowSec()
	if s.reshard.doneAt > 0 && now >= s.reshard.doneAt {
		e.event(s.id, "resharding done: %d → %d shards", s.units, s.reshard.target)
		s.relayout(e, s.reshard.target)
		s.reshard.doneAt = 0
	}
	if s.onDemand {
		s.od.scale(e, s)
	}
	var throttled, inN, inB float64
	s.utilPer, s.utilOf = 0, nil
	s.adm.newTick(!e.everyShard)
	if recs, bytes, ok := s.kind.fixedLimits(s); ok && len(s.adm.edges) == 1 && !s.failed(now) {
		var mu float64
		throttled, inN, inB, mu = s.adm.settleOne(e.tick, e.dt, recs*e.dt, bytes*e.dt, s.util)
		s.maxUtil = max(s.maxUtil, mu)
	} else if t, n, b, ok := s.settleBytes(e); ok {
		throttled, inN, inB = t, n, b
	} else if len(s.adm.edges) == 1 && !s.failed(now) && !e.generalAdmission {
		// One writer under limits of the service's own (MSK's brokers, an
		// on-demand stream's): offer and limits (fused where the service
		// has them so), then settle's pass for one writer.
		if f, ok := s.kind.(oneWriterLimits); ok {
			f.offerLimits(e, s)
		} else {
			s.adm.offer(e.tick)
			s.limits(e)
		}
		throttled, inN, inB = s.adm.settleSingle(s.adm.due[0], e.tick, e.dt)
	} else {
		s.adm.offer(e.tick)
		s.limits(e)
		throttled = s.adm.settle(e.tick, e.dt)
		for u, n := range s.adm.accN {
			inN += n
			inB += s.adm.accB[u]
		}
		inN, inB = s.adm.addRetried(inN, inB)
		if recs, bytes, ok := s.kind.fixedLimits(s); ok && !s.failed(now) {
			s.adm.knowCaps(recs*e.dt, bytes*e.dt, inN, inB)
		}
	}
	s.in += inN
	s.inB += inB
	s.accepted = inB
	if len(s.readers) == 0 {
		qs := s.orphanQueues()
		for u := range qs {
			qs[u].push(s.adm.retried(u))
			qs[u].push(s.adm.accepted(u))
		}
	}
	s.throttled += throttled
	if s.onDemand {
		s.od.observe(e, s.accepted/e.dt)
	}
	s.expire(now)
	s.allocateReads(e)
}

// settleBytes admits the tick's writes the two-pass way (admission.settleBytes)
// when the service's only limits are bytes: the refused attempts and the
// records and bytes accepted, or ok false when it did not.
func (s *stream) settleBytes(e *Engine) (throttled, inN, inB float64, ok bool) {
	unit, all, ok := s.kind.byteLimits(s)
	if !ok || len(s.adm.edges) != 1 || s.failed(e.nowSec()) || e.generalAdmission {
		return 0, 0, 0, false
	}
	throttled, inN, inB, s.maxUtil = s.adm.settleBytes(e.tick, e.dt, unit*e.dt, all*e.dt, s.maxUtil)
	s.utilPer = unit * e.dt
	return throttled, inN, inB, true
}

// orphanQueues hold records when nobody reads the stream, until retention expires them.
func (s *stream) orphanQueues() []fifo {
	if s.orphan == nil {
		s.orphan = make([]fifo, s.units)
		s.setQueueLimits()
	}
	return s.orphan
}

// oneWriterLimits is a storage that does offer and limits for a stream's
// only writer in fewer passes over the units than the general ones, to
// their results bit for bit (TestSettleSingleMatchesGeneral).
type oneWriterLimits interface {
	offerLimits(e *Engine, s *stream)
}

// limits sets each unit's accepted fraction for this tick and records utilisation.
func (s *stream) limits(e *Engine) {
	if s.failed(e.nowSec()) {
		for u := range s.util {
			s.adm.frac[u] = 0
			s.util[u] = 0
		}
		return
	}
	s.kind.writeLimits(e, s, e.dt)
	m := s.maxUtil
	for _, u := range s.util {
		m = larger(m, u)
	}
	s.maxUtil = m
}

// clusterCap scales every unit down when the cluster-wide ingress limit binds.
func (s *stream) clusterCap(accepted, limit float64) {
	if accepted <= limit || accepted == 0 {
		return
	}
	k := limit / accepted
	for u := range s.adm.frac {
		s.adm.frac[u] *= k
	}
}

// expire drops records older than retention: lost for the reader that had not read them.
func (s *stream) expire(now float64) {
	cut := now - s.retention
	if cut < 0 {
		// No record arrived before the run began (time 0): within the
		// first retention period nothing is old enough, and the pass over
		// every queue is skipped.
		return
	}
	drop := func(q *fifo) float64 {
		var n float64
		for q.olderThan(cut) {
			n += q.first().n
			q.pop()
		}
		return n
	}
	for _, r := range s.readers {
		if r.nonEmpty == 0 {
			continue
		}
		for u := range r.q {
			if r.q[u].olderThan(cut) {
				x := drop(&r.q[u])
				r.expired += x
				s.expired += x
				if r.q[u].empty() {
					r.nonEmpty--
				}
			}
		}
	}
	for u := range s.orphan {
		if s.orphan[u].olderThan(cut) {
			s.expired += drop(&s.orphan[u])
		}
	}
}

// held is the records stored and not yet read, once per reader.
func (s *stream) held() float64 {
	var h float64
	for _, r := range s.readers {
		for u := range r.q {
			h += r.q[u].n
		}
	}
	for u := range s.orphan {
		h += s.orphan[u].n
	}
	return h
}

func (s *stream) metrics(e *Engine, m map[string]float64) {
	var out, outB, lag, age float64
	for _, r := range s.readers {
		out += r.out
		outB += r.outB
		lag = max(lag, r.lag())
		age = max(age, r.iterAgeMax)
	}
	m["records_out"] = out
	m["bytes_out"] = outB
	m["lost_records"] = s.expired
	m["expired_records"] = s.expired
	m["throttled_records"] = s.throttled
	m["lag_records"] = lag
	m["held_records"] = s.held()
	m["max_shard_utilization"] = s.maxUtil
	s.kind.metrics(e, s, m, lag, age)
}

// unitUtil returns a copy of the last tick's per-unit write utilisation.
func (s *stream) unitUtil() []float64 {
	if s.utilOf != nil {
		return s.utilOf()
	}
	if s.utilPer > 0 {
		out := make([]float64, len(s.adm.offB))
		for u, o := range s.adm.offB {
			out[u] = o / s.utilPer
		}
		return out
	}
	return slices.Clone(s.util)
}

// timeLag is MSK-LAG's EstimatedMaxTimeLag: the time the slowest consumer group
// needs to drain its lag at the rate it has been reading.
func (s *stream) timeLag(e *Engine) float64 {
	var worst float64
	el := e.elapsed()
	for _, r := range s.readers {
		lag := r.lag()
		if lag <= 0 {
			continue
		}
		rate := r.out / max(el, 1e-9)
		if rate <= 0 {
			return el // nothing read yet: at least the whole run
		}
		worst = max(worst, lag/rate)
	}
	return worst
}
