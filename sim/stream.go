package sim

import (
	"cmp"
	"errors"
	"slices"

	"github.com/streamsim/streamsim/pipeline"
)

// stream models stream storage: Kinesis Data Streams (shards), MSK and MSK
// Serverless (partitions) and Kinesis Video Streams (streams). Records are
// admitted per unit, then held in one queue per (reader, unit) until read or
// expired by retention.
type stream struct {
	nodeStats
	n       *pipeline.Node
	svc     pipeline.ServiceName
	units   int
	adm     admission
	keys    []keySpace // per edge, to recompute shares after resharding
	readers []*reader
	orphan  []fifo // holds records when nobody reads the stream

	starts    []u128 // Kinesis hash-key range starts
	onDemand  bool
	od        onDemandState
	reshard   reshardState
	switches  []float64 // times of capacity mode switches (for the 2 per 24 h rule)
	retention float64

	util       []float64 // offered utilisation per unit, last tick
	maxUtil    float64
	expired    float64
	readThrot  float64
	prevRead   [2]float64 // refused reads and tick at the last Snapshot
	demand     []float64  // per reader: bytes wanted from the unit being shared (<0: not sharing)
	fillOrder  []int      // scratch for waterFill: the sharing readers by demand
	recPer     float64    // Kinesis records per user record written (KPL aggregation), last tick with writes
	accepted   float64    // bytes accepted this tick (on-demand peak tracking)
	mskGroups  int
	mskBrokerT float64 // per-broker ingress limit, bytes/s (Express: the max rate)
	mskSustain float64 // per-broker sustained ingress, bytes/s (utilisation is measured against it)
	mskUp      int     // brokers in service
	mskLeader  []int   // leader broker per partition (-1: no replica in service)
}

// reader is one consumer's position in a stream: a queue per unit for what it
// has not read. Records accepted this tick are read straight from the stream's
// per-unit sums when the queue is empty (the common case), so a consumer that
// keeps up costs a few additions per shard and tick.
type reader struct {
	s         *stream
	c         *nodeStats
	efo       bool
	q         []fifo
	nonEmpty  int // queues holding records
	out, outB float64
	expired   float64
	allow     []float64 // bytes it may read per unit this tick
	allowN    []float64 // records it may read per unit this tick
	delay     float64   // propagation delay of a read (seconds)
	perUnit   bool      // hand over one piece per unit (per-shard buffers and batches)

	capN, capB float64   // consumer capacity per second, all units (<0: unlimited)
	short      float64   // this tick's read calls that got less than they asked for
	unitCapN   float64   // records per second per unit (Lambda's concurrent batches; 0: none)
	unitCapB   float64   // bytes per second per unit (0: none)
	want, can  []float64 // scratch for shareCapacity: per unit, what waits and what it can give

	iterAge    float64
	iterAgeMax float64
}

type reshardState struct {
	target int
	doneAt float64 // seconds; 0 = idle
	ops    []float64
}

func newStream(e *Engine, n *pipeline.Node) *stream {
	s := &stream{nodeStats: nodeStats{id: n.ID, failedUntil: -1}, n: n, svc: n.Service.Name}
	s.retention = n.Dur("retention").Seconds()
	switch s.svc {
	case pipeline.KinesisDataStreams:
		s.onDemand = n.Str("mode") == "on-demand"
		s.units = n.Int("shards")
		if s.onDemand {
			s.od.init(0)
			s.units = s.od.units()
		}
		s.starts = kinesisStarts(n, s.units)
	case pipeline.MSK, pipeline.MSKServerless:
		s.units = n.Int("partitions")
	case pipeline.KinesisVideoStreams:
		s.units = n.Int("streams")
		if s.retention == 0 {
			s.retention = 10 // no persistence: only live readers get the media (U)
		}
	}
	s.units = max(1, s.units)
	s.adm.resize(s.units)
	s.util = make([]float64, s.units)
	return s
}

func (s *stream) stats() *nodeStats    { return &s.nodeStats }
func (s *stream) node() *pipeline.Node { return s.n }

// attach connects a writer; its keys are spread over the units by the service's hash.
func (s *stream) attach(e *Engine, ed *edge, ks keySpace) {
	if s.svc != pipeline.KinesisDataStreams {
		ed.keyBytes = 0
	}
	ed.share, ed.hot = s.weights(ks)
	s.adm.edges = append(s.adm.edges, ed)
	s.keys = append(s.keys, ks)
}

func (s *stream) weights(ks keySpace) (share, hot []float64) {
	switch s.svc {
	case pipeline.KinesisDataStreams:
		return kinesisWeights(ks, s.starts)
	case pipeline.KinesisVideoStreams:
		return moduloWeights(ks, s.units)
	}
	return kafkaWeights(ks, s.units)
}

// addReader registers a consumer reading this stream and returns its position.
func (s *stream) addReader(c *nodeStats, efo bool) *reader {
	r := &reader{s: s, c: c, efo: efo && s.svc == pipeline.KinesisDataStreams, capN: -1, capB: -1}
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
			r.q[u].limit, r.q[u].spread = per, spread
		}
	}
	for u := range s.orphan {
		s.orphan[u].limit, s.orphan[u].spread = per, spread
	}
}

// setDelays sets each reader's propagation delay: KDS-POLL-LATENCY about 200 ms with one
// polling consumer and about 1 s with five; 70 ms with enhanced fan-out.
func (s *stream) setDelays() {
	polling := 0
	for _, r := range s.readers {
		if !r.efo {
			polling++
		}
	}
	for _, r := range s.readers {
		switch {
		case s.svc == pipeline.KinesisVideoStreams:
			r.delay = s.n.Dur("fragment").Seconds()
		case s.svc != pipeline.KinesisDataStreams:
			r.delay = 0.05 // a Kafka fetch returns as soon as data is there (U)
		case r.efo:
			r.delay = pipeline.KDSEFOLatency
		default:
			r.delay = pipeline.KDSPollLatency1 + (pipeline.KDSPollLatency5-pipeline.KDSPollLatency1)*float64(min(polling, 5)-1)/4
		}
	}
}

func (s *stream) reconfigure(e *Engine) {
	s.retention = s.n.Dur("retention").Seconds()
	if s.svc == pipeline.KinesisVideoStreams && s.retention == 0 {
		s.retention = 10
	}
	if s.svc != pipeline.KinesisDataStreams {
		if want := s.n.Int("partitions"); s.svc != pipeline.KinesisVideoStreams && want != s.units &&
			pipeline.CheckResize(s.resizeState(e.nowSec()), want) == nil {
			s.relayout(e, want) // Kafka can add partitions, never remove them
		}
		if s.svc == pipeline.MSK {
			up := s.mskUp
			s.mskLayout(e)
			if s.mskUp != up {
				e.event(s.id, "%d of %d brokers in service", s.mskUp, s.n.Int("brokers"))
			}
		}
		return
	}
	if od := s.n.Str("mode") == "on-demand"; od != s.onDemand {
		s.switchMode(e, od)
	}
	if !s.onDemand {
		s.requestReshard(e, s.n.Int("shards"))
	}
}

// switchMode follows KDS-MODE-SWITCHES: at most two per 24 h; the shard count carries over.
func (s *stream) switchMode(e *Engine, od bool) {
	now := e.nowSec()
	recent := 0
	for _, t := range s.switches {
		if now-t < 86400 {
			recent++
		}
	}
	if recent >= pipeline.KDSModeSwitches {
		e.event(s.id, "mode switch refused: at most %d switches per 24 h", pipeline.KDSModeSwitches)
		s.n.Params["mode"] = pipeline.Value{Kind: pipeline.KindEnum, Str: modeName(s.onDemand), Set: true}
		return
	}
	s.switches = append(s.switches, now)
	s.onDemand = od
	if od {
		// The shard count carries over (KDS-MODE-SWITCHES), and a peak of
		// the last 30 days still counts (KDS-ONDEMAND-SCALING).
		s.od.init(max(s.od.peak, float64(s.units)*pipeline.KDSShardWriteBytes/2))
		e.event(s.id, "switched to on-demand (capacity %.0f MiB/s)", s.od.capB/pipeline.MiB)
		s.relayout(e, s.od.units())
	} else {
		e.event(s.id, "switched to provisioned with %d shards", s.units)
		s.n.Params["shards"] = intValue(s.units)
	}
}

func modeName(od bool) string {
	if od {
		return "on-demand"
	}
	return "provisioned"
}

func intValue(n int) pipeline.Value {
	return pipeline.Value{Kind: pipeline.KindInt, Num: float64(n), Set: true}
}

// requestReshard asks for UpdateShardCount to want shards: pipeline.CheckResize
// judges it (KDS-RESHARD-STEP and KDS-RESHARD-RATE: each call within ½×..2×
// of the current count, at most 10 per rolling 24 h, one at a time), and it
// takes minutes (KDS-RESHARD-TIME: 2–10 min, unconfirmed).
func (s *stream) requestReshard(e *Engine, want int) {
	cur := s.units
	if s.reshard.doneAt > 0 {
		cur = s.reshard.target
	}
	now := e.nowSec()
	if err := s.checkReshard(now, want); err != nil {
		var re *pipeline.ResizeError
		if errors.As(err, &re) {
			e.event(s.id, "UpdateShardCount to %d refused: %s", want, re.Reason)
		}
		s.n.Params["shards"] = intValue(cur)
		return
	}
	if want == cur {
		return
	}
	s.reshard.ops = append(s.reshard.ops, now)
	s.reshard.target = want
	// Two minutes plus a second per shard created or closed, at most ten minutes.
	took := min(600, 120+float64(abs(want-s.units)))
	s.reshard.doneAt = now + took
	e.event(s.id, "UpdateShardCount %d → %d started (UPDATING for about %.0f s)", s.units, want, took)
}

// checkReshard says why UpdateShardCount to want would be refused now, or nil;
// asking for the count the stream has (or is going to) is no call at all.
func (s *stream) checkReshard(now float64, want int) error {
	cur := s.units
	if s.reshard.doneAt > 0 {
		cur = s.reshard.target
	}
	if want == cur {
		return nil
	}
	return pipeline.CheckResize(s.resizeState(now), want)
}

// resizeState is what a change of the unit count is judged against now.
func (s *stream) resizeState(now float64) pipeline.ResizeState {
	recent := 0
	for _, t := range s.reshard.ops {
		if now-t < 86400 {
			recent++
		}
	}
	return pipeline.ResizeState{Service: s.svc, Units: s.units, OnDemand: s.onDemand, Updating: s.reshard.doneAt > 0, Recent: recent}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// relayout changes the number of units: hash ranges are split evenly again,
// writers' shares recomputed, and unread records move to the unit that now
// owns the start of their old range (parents are read before children).
func (s *stream) relayout(e *Engine, units int) {
	old := s.units
	var newStarts []u128
	mapUnit := func(u int) int { return u * units / old }
	if s.svc == pipeline.KinesisDataStreams {
		newStarts = evenStarts(units)
		oldStarts := s.starts
		mapUnit = func(u int) int { return shardOf(newStarts, oldStarts[u]) }
		s.starts = newStarts
	}
	moveQueues := func(qs []fifo) []fifo {
		nq := make([]fifo, units)
		for u := range qs {
			t := mapUnit(u)
			qs[u].each(func(c *cohort) { nq[t].push(*c) })
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
	for i, ed := range s.adm.edges {
		ed.share, ed.hot = s.weights(s.keys[i])
		for j := range ed.retries {
			for k := range ed.retries[j].entries {
				en := &ed.retries[j].entries[k]
				en.unit = int32(mapUnit(int(en.unit)))
			}
		}
	}
	s.units = units
	s.adm.resize(units)
	s.util = make([]float64, units)
	s.setQueueLimits()
	if s.svc == pipeline.MSK {
		s.mskLayout(e)
	}
}

func (s *stream) wire(e *Engine) error {
	if s.svc == pipeline.MSK {
		s.mskGroups = s.n.Int("consumer_groups")
		if !s.n.Has("consumer_groups") {
			s.mskGroups = max(1, len(e.sc.Readers(s.id)))
		}
		s.mskLayout(e)
	}
	return nil
}

// mskLayout places partition leaders on the brokers in service and sets the
// per-broker limit from MSK-EBS-THROUGHPUT's model over those brokers. Partition p is led by
// broker p mod brokers; when that broker is down and the partition has a
// replica (replication ≥ 2), leadership moves to the next broker in service;
// with replication 1 the partition is unavailable.
func (s *stream) mskLayout(e *Engine) {
	b, _ := pipeline.Broker(s.n.Str("broker_type"))
	brokers := max(1, s.n.Int("brokers"))
	down := min(brokers, s.n.Int("brokers_down"))
	s.mskUp = brokers - down
	rf := s.n.Int("replication")
	s.mskLeader = make([]int, s.units)
	for p := range s.mskLeader {
		home := p % brokers
		switch {
		case home >= down: // brokers 0..down-1 are the ones out of service
			s.mskLeader[p] = home
		case rf < 2 || s.mskUp == 0:
			s.mskLeader[p] = -1
		default:
			s.mskLeader[p] = down + p%s.mskUp
		}
	}
	s.mskBrokerT, s.mskSustain = 0, 0
	if s.mskUp > 0 {
		s.mskSustain = pipeline.MSKClusterThroughput(b, s.mskUp, rf, s.mskGroups) / float64(s.mskUp)
		s.mskBrokerT = s.mskSustain
		if b.Express {
			// MSK-EXPRESS-THROUGHPUT: above the sustained rate performance degrades; at the max rate MSK throttles.
			s.mskBrokerT = min(b.InMax, b.OutMax/float64(max(1, s.mskGroups)))
		}
	}
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
	if s.svc == pipeline.KinesisDataStreams && !s.onDemand && len(s.adm.edges) == 1 && !s.failed(now) {
		var mu float64
		throttled, inN, inB, mu = s.adm.settleOne(e.tick, e.dt, pipeline.KDSShardWriteRecs*e.dt, pipeline.KDSShardWriteBytes*e.dt, s.util)
		s.maxUtil = max(s.maxUtil, mu)
	} else {
		s.adm.offer(e.tick)
		s.limits(e)
		throttled = s.adm.settle(e.tick, e.dt)
		for u, n := range s.adm.accN {
			inN += n
			inB += s.adm.accB[u]
		}
		if s.adm.anyRet {
			for u, n := range s.adm.retN {
				inN += n
				inB += s.adm.retB[u]
			}
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

// orphanQueues hold records when nobody reads the stream, until retention expires them.
func (s *stream) orphanQueues() []fifo {
	if s.orphan == nil {
		s.orphan = make([]fifo, s.units)
		s.setQueueLimits()
	}
	return s.orphan
}

// limits sets each unit's accepted fraction for this tick and records utilisation.
func (s *stream) limits(e *Engine) {
	dt := e.dt
	if s.failed(e.nowSec()) {
		for u := range s.util {
			s.adm.frac[u] = 0
			s.util[u] = 0
		}
		return
	}
	switch s.svc {
	case pipeline.KinesisDataStreams:
		if s.onDemand {
			s.od.limits(s, dt)
			return
		}
		s.adm.limitAll(s.util, pipeline.KDSShardWriteRecs*dt, pipeline.KDSShardWriteBytes*dt)
	case pipeline.KinesisVideoStreams:
		// KVS-INGEST: 12.5 MB/s and 5 PutMedia fragments per second per stream (a record is a fragment).
		for u := 0; u < s.units; u++ {
			s.util[u] = s.adm.limit(u, pipeline.KVSPutMediaTPS*dt, pipeline.KVSStreamBytes*dt)
		}
	case pipeline.MSKServerless:
		var total float64
		for u := 0; u < s.units; u++ {
			s.util[u] = s.adm.limit(u, 0, pipeline.MSKServerlessPartIn*dt)
			total += s.adm.offB[u] * s.adm.frac[u]
		}
		s.clusterCap(total, pipeline.MSKServerlessIn*dt)
	case pipeline.MSK:
		s.brokerLimits(dt)
	}
	for _, u := range s.util {
		s.maxUtil = max(s.maxUtil, u)
	}
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

// brokerLimits applies MSK-EBS-THROUGHPUT's sustained throughput per broker to the partitions
// each broker leads; partitions without a leader in service refuse writes.
func (s *stream) brokerLimits(dt float64) {
	brokers := max(1, s.n.Int("brokers"))
	load := make([]float64, brokers)
	for u := 0; u < s.units; u++ {
		if l := s.mskLeader[u]; l >= 0 {
			load[l] += s.adm.offB[u]
		}
	}
	for u := 0; u < s.units; u++ {
		l := s.mskLeader[u]
		if l < 0 {
			s.adm.frac[u], s.util[u] = 0, 0
			continue
		}
		s.util[u] = load[l] / max(s.mskSustain*dt, 1e-9)
		s.adm.frac[u] = 1
		if over := load[l] / max(s.mskBrokerT*dt, 1e-9); over > 1 {
			s.adm.frac[u] = 1 / over
		}
	}
}

// expire drops records older than retention: lost for the reader that had not read them.
func (s *stream) expire(now float64) {
	cut := now - s.retention
	drop := func(q *fifo) float64 {
		var n float64
		for !q.empty() && q.front().at <= cut {
			n += q.front().n
			q.pop()
		}
		return n
	}
	for _, r := range s.readers {
		if r.nonEmpty == 0 {
			continue
		}
		for u := range r.q {
			if !r.q[u].empty() && r.q[u].front().at <= cut {
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
		if !s.orphan[u].empty() && s.orphan[u].front().at <= cut {
			s.expired += drop(&s.orphan[u])
		}
	}
}

// allocateReads shares each unit's read budget among its readers, then fits
// every reader's allowances to its consumer's capacity. Kinesis polling
// readers split 2 MB/s and 5 calls/s per shard (KDS-SHARD-READ), each call
// returning at most 10,000 Kinesis records (KDS-GETRECORDS-MAX); enhanced
// fan-out readers get 2 MB/s per shard each (KDS-EFO-THROUGHPUT). On MSK
// Serverless every reader shares 10 MB/s per partition and 400 MB/s per
// cluster (MSK-SERVERLESS-THROUGHPUT). Provisioned MSK's egress is part of its
// broker throughput model. A video stream serves each GetMedia reader 25 MB/s
// (KVS-GETMEDIA).
func (s *stream) allocateReads(e *Engine) {
	dt := e.dt
	failed := s.failed(e.nowSec())
	polling := s.pollingReaders()
	kds := s.svc == pipeline.KinesisDataStreams
	if kds && polling == 1 && len(s.readers) == 1 && !failed {
		s.allocateOne(s.readers[0], dt)
		return
	}
	budget := s.sharedReadBudget(dt)
	maxN := s.callRecords(dt)
	if cap(s.demand) < len(s.readers) {
		s.demand = make([]float64, len(s.readers))
	}
	demand := s.demand[:len(s.readers)]
	for u := 0; u < s.units; u++ {
		var want float64
		for i, r := range s.readers {
			n, b := r.unitDemand(u)
			demand[i] = -1 // not sharing the unit's budget
			r.allow[u], r.allowN[u] = b, n
			switch {
			case failed || s.mskLeader != nil && s.mskLeader[u] < 0:
				r.allow[u], r.allowN[u] = 0, 0
			case r.efo:
				r.allow[u] = min(b, pipeline.KDSEFOBytes*dt)
			case s.svc == pipeline.KinesisVideoStreams:
				r.allow[u] = min(b, pipeline.KVSGetMediaBytes*dt) // KVS-GETMEDIA: each reader's own
			case budget > 0:
				demand[i] = b
				want += b
				if kds {
					r.allowN[u] = min(n, maxN)
				}
			}
		}
		if want > budget {
			s.waterFill(u, budget, demand)
		}
	}
	if kds && polling > pipeline.KDSShardReadCalls {
		s.readThrot += float64((polling-pipeline.KDSShardReadCalls)*s.units) * dt
	}
	for _, r := range s.readers {
		s.settleReads(r, dt)
	}
	if s.svc == pipeline.MSKServerless {
		s.clusterEgress(pipeline.MSKServerlessOut * dt)
	}
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

// sharedReadBudget is the bytes per unit and tick that the readers sharing a
// unit split among them (0: readers do not share one).
func (s *stream) sharedReadBudget(dt float64) float64 {
	switch s.svc {
	case pipeline.KinesisDataStreams:
		return pipeline.KDSShardReadBytes * dt
	case pipeline.MSKServerless:
		return pipeline.MSKServerlessPartOut * dt
	}
	return 0
}

// callRecords is the user records a polling reader may get from one shard in
// a tick: one call per second (fewer when more than five readers share the
// shard's calls), each of at most 10,000 Kinesis records, which with KPL
// aggregation hold several user records each.
func (s *stream) callRecords(dt float64) float64 {
	callShare := 1.0 // fraction of its 1 call/s a polling reader gets
	if p := s.pollingReaders(); p > pipeline.KDSShardReadCalls {
		callShare = float64(pipeline.KDSShardReadCalls) / float64(p)
	}
	return pipeline.KDSGetRecordsMaxRec * callShare * dt / s.kinesisPerUser()
}

// kinesisPerUser is the Kinesis records per user record written this tick
// (1 without aggregation), remembered from the last tick that had writes.
func (s *stream) kinesisPerUser() float64 {
	var n, k float64
	for _, ed := range s.adm.edges {
		n += ed.n
		k += ed.n * ed.recWeight()
	}
	if n > 0 {
		s.recPer = k / n
	}
	if s.recPer <= 0 {
		return 1
	}
	return s.recPer
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

// allocateOne is allocateReads for the common case of one polling reader.
func (s *stream) allocateOne(r *reader, dt float64) {
	budget := pipeline.KDSShardReadBytes * dt
	maxN := s.callRecords(dt)
	for u := range r.allow {
		n, b := r.unitDemand(u)
		if b > budget {
			b = budget
			r.short++
		}
		r.allow[u] = b
		r.allowN[u] = min(n, maxN)
	}
	s.settleReads(r, dt)
}

// unitDemand is what the reader could read from unit u this tick: what it has
// not read yet and what the unit accepted this tick, in records and bytes.
func (r *reader) unitDemand(u int) (n, b float64) {
	a := &r.s.adm
	q := &r.q[u]
	n = q.n + a.accN[u]
	if a.oneMode {
		b = q.b + a.accN[u]*a.onePer
	} else {
		b = q.b + a.accB[u]
	}
	if a.anyRet {
		n += a.retN[u]
		b += a.retB[u]
	}
	return n, b
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

// fitCapacity limits the reader to its consumer's capacity and reports whether
// the capacity bound this tick. What a unit can give is the records that fit
// both its record and its byte allowance; the capacity, in whichever unit it
// is set, is shared among the units (shareCapacity), and only the allowance in
// the capacity's own unit is lowered, so the two never multiply.
func (r *reader) fitCapacity(dt float64) bool {
	bound := false
	if r.unitCapN > 0 {
		c := r.unitCapN * dt
		for u, n := range r.allowN {
			if n >= c*(1-1e-9) {
				bound = true
				r.allowN[u] = min(n, c)
			}
		}
	}
	if r.unitCapB > 0 {
		c := r.unitCapB * dt
		for u := range r.allow {
			if _, b := r.readable(u); b >= c*(1-1e-9) {
				bound = true
				r.allow[u] = min(r.allow[u], c)
			}
		}
	}
	if r.capB < 0 && r.capN < 0 {
		return bound
	}
	var sumN, sumB float64
	for u := range r.allow {
		n, b := r.readable(u)
		sumN += n
		sumB += b
	}
	overN, overB := 0.0, 0.0 // readable ÷ capacity
	if r.capN >= 0 {
		overN = sumN / max(r.capN*dt, 1e-12)
	}
	if r.capB >= 0 {
		overB = sumB / max(r.capB*dt, 1e-12)
	}
	if overN <= 1 && overB <= 1 {
		return bound
	}
	if overN >= overB {
		r.shareCapacity(r.capN*dt, true)
	} else {
		r.shareCapacity(r.capB*dt, false)
	}
	return true
}

// shareCapacity gives each unit a part of the capacity c (records when
// byRecords, else bytes) in proportion to what waits on it, but never more
// than the unit can give: x_u = min(can_u, λ·want_u) with Σ x_u = c, found by
// saturating the units whose allowance binds and sharing the rest again.
func (r *reader) shareCapacity(c float64, byRecords bool) {
	if len(r.want) != len(r.allow) {
		r.want = make([]float64, len(r.allow))
		r.can = make([]float64, len(r.allow))
	}
	var wsum float64
	for u := range r.allow {
		dn, db := r.unitDemand(u)
		n, b := r.readable(u)
		r.want[u], r.can[u] = db, b
		if byRecords {
			r.want[u], r.can[u] = dn, n
		}
		wsum += r.want[u]
	}
	left, lam := c, 0.0
	for wsum > 0 && left > 0 {
		lam = left / wsum
		saturated := false
		for u, w := range r.want {
			if w > 0 && r.can[u] <= lam*w {
				left -= r.can[u]
				wsum -= w
				r.want[u] = -1 // gives all it can
				saturated = true
			}
		}
		if !saturated {
			break
		}
		lam = 0
	}
	for u, w := range r.want {
		x := r.can[u]
		if w >= 0 {
			x = lam * w
		}
		if byRecords {
			r.allowN[u] = x
		} else {
			r.allow[u] = x
		}
	}
}

// readable is what unit u can give the reader within both of its allowances,
// taking the unread records' mean size.
func (r *reader) readable(u int) (n, b float64) {
	dn, db := r.unitDemand(u)
	if dn <= 0 {
		return 0, 0
	}
	per := db / dn
	n = r.allowN[u]
	if per > 0 {
		n = min(n, max(0, r.allow[u])/per)
	}
	return n, n * per
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

// push stores records the reader has not read.
func (r *reader) push(u int, c cohort) {
	q := &r.q[u]
	if q.size == 0 {
		r.nonEmpty++
	}
	q.push(c)
}

// recount refreshes nonEmpty after queues were rebuilt.
func (r *reader) recount() {
	r.nonEmpty = 0
	for u := range r.q {
		if r.q[u].size > 0 {
			r.nonEmpty++
		}
	}
}

// take reads what this tick's allowances permit (nothing when skip: the
// consumer is down or pushed back) and stores the rest. fn receives the pieces
// read: one per unit when perUnit, otherwise pieces of equal birth and arrival
// time are summed first. The loop is written out by hand: it runs once per
// shard and tick for every reader, and is most of the engine's time.
func (r *reader) take(skip bool, fn func(u int, c cohort)) {
	acc := &r.s.adm
	accN, accB, accBornN, accAt := acc.accN, acc.accB, acc.accBornN, acc.accAt
	allow, allowN := r.allow, r.allowN
	multi := len(acc.edges) > 1
	var run, ret cohort
	runU, retU := -1, -1
	var outN, outB float64
	emit := func(u int, c cohort) {
		outN += c.n
		outB += c.b
		if r.perUnit {
			fn(u, c)
			return
		}
		if runU >= 0 && sameTime(c.born, run.born) && c.at == run.at {
			run.n += c.n
			run.b += c.b
			return
		}
		if runU >= 0 {
			fn(runU, run)
		}
		run, runU = c, u
	}
	if acc.oneMode && r.nonEmpty == 0 && !skip && !r.perUnit {
		if r.takeFast(fn) {
			return
		}
	}
	for u := range r.q {
		q := &r.q[u]
		if acc.anyRet && acc.retN[u] > 0 {
			// Retries accepted this tick are older: they go ahead of new records.
			rc := acc.retried(u)
			if q.size == 0 && !skip && rc.b <= allow[u] && rc.n <= allowN[u] {
				if r.perUnit {
					emit(u, rc)
				} else {
					// Retried records of one tick travel as one cohort: their birth
					// times are averaged (the one approximation of the latency figures).
					outN += rc.n
					outB += rc.b
					if retU < 0 {
						ret, retU = rc, u
					} else {
						mergeInto(&ret, rc, false)
					}
				}
				allow[u] -= rc.b
				allowN[u] -= rc.n
			} else {
				r.push(u, rc)
			}
		}
		inN := accN[u]
		if q.size == 0 {
			if inN <= 0 {
				continue
			}
			inB := accB[u]
			if acc.oneMode {
				inB = inN * acc.onePer
			}
			f := 0.0
			if !skip {
				f = 1
				if inB > allow[u] {
					f = allow[u] / inB
				}
				if inN*f > allowN[u] {
					f = allowN[u] / inN
				}
			}
			born, at := accBornN[u], accAt[u]
			if multi {
				born /= inN
			}
			if acc.oneMode {
				born, at = acc.oneBorn, acc.oneAt
			}
			if f >= 1-1e-12 {
				if !r.perUnit && runU >= 0 && sameTime(born, run.born) && at == run.at {
					// The common case, inline: this shard's new records join the run.
					run.n += inN
					run.b += inB
					outN += inN
					outB += inB
					continue
				}
				emit(u, cohort{at: at, born: born, n: inN, b: inB})
				continue
			}
			in := cohort{at: at, born: born, n: inN, b: inB}
			if f > 0 {
				piece := in
				piece.n, piece.b = in.n*f, in.b*f
				emit(u, piece)
				in.n -= piece.n
				in.b -= piece.b
			}
			r.push(u, in)
			continue
		}
		if inN > 0 {
			q.push(acc.accepted(u))
		}
		if skip || allow[u] <= 0 {
			continue
		}
		q.take(allowN[u], allow[u], func(c cohort) { emit(u, c) })
		if q.size == 0 {
			r.nonEmpty--
		}
	}
	if runU >= 0 {
		fn(runU, run)
	}
	if retU >= 0 {
		fn(retU, ret)
	}
	r.out += outN
	r.outB += outB
}

// takeFast is take when every queue is empty and this tick's records share one
// birth time: if every shard's allowance covers its records, they are all read
// as one cohort with a sum and no queue is touched. It reports false (having
// changed nothing) when some shard must keep records back.
func (r *reader) takeFast(fn func(u int, c cohort)) bool {
	acc := &r.s.adm
	per := acc.onePer
	allow, allowN := r.allow, r.allowN
	var sum float64
	if !acc.anyRet {
		for u, n := range acc.accN {
			if n*per > allow[u] || n > allowN[u] {
				return false
			}
			sum += n
		}
	} else {
		retN, retB := acc.retN, acc.retB
		for u, n := range acc.accN {
			if n*per+retB[u] > allow[u] || n+retN[u] > allowN[u] {
				return false
			}
			sum += n
		}
	}
	if acc.anyRet {
		// Retried records of one tick travel as one cohort: their birth times
		// are averaged (the one approximation in the latency figures).
		var n, b, bornN float64
		for u, x := range acc.retN {
			n += x
			b += acc.retB[u]
			bornN += acc.retBornN[u]
		}
		if n > 0 {
			r.out += n
			r.outB += b
			fn(0, cohort{at: acc.oneAt, born: bornN / n, n: n, b: b})
		}
	}
	if sum > 0 {
		b := sum * per
		r.out += sum
		r.outB += b
		fn(0, cohort{at: acc.oneAt, born: acc.oneBorn, n: sum, b: b})
	}
	return true
}

// sameTime compares birth times that may differ by float rounding only.
func sameTime(a, b float64) bool { d := a - b; return d < 1e-9 && d > -1e-9 }

// updateAge records the reader's iterator age: how old the oldest unread record is.
func (r *reader) updateAge(now float64) {
	age := 0.0
	if r.nonEmpty == 0 {
		r.iterAge = 0
		return
	}
	for u := range r.q {
		if !r.q[u].empty() {
			age = max(age, now-r.q[u].front().at)
		}
	}
	r.iterAge = age
	r.iterAgeMax = max(r.iterAgeMax, age)
}

func (r *reader) lag() float64 {
	var n float64
	if r.nonEmpty == 0 {
		return 0
	}
	for u := range r.q {
		n += r.q[u].n
	}
	return n
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
	switch s.svc {
	case pipeline.KinesisDataStreams:
		m["read_throttled"] = s.readThrot
		m["iterator_age_max"] = age
		m["shards_end"] = float64(s.units)
	case pipeline.MSK, pipeline.MSKServerless:
		m["offset_lag_max"] = lag
		m["time_lag_max"] = s.timeLag(e)
	}
}

// unitUtil returns a copy of the last tick's per-unit write utilisation.
func (s *stream) unitUtil() []float64 { return slices.Clone(s.util) }

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
