package sim

import (
	"math"

	"github.com/streamsim/streamsim/pipeline"
)

// kafka is what Amazon MSK and MSK Serverless share: partitions chosen by
// the key's hash (kafkaWeights), partitions that can be added but never
// removed, fetches that return as soon as data is there, and lag as
// consumer groups see it.
type kafka struct{}

func (kafka) retention(n *pipeline.Node) float64 { return n.Dur("retention").Seconds() }

func (kafka) weights(s *stream, ks keySpace) (share, hot []float64) {
	return kafkaWeights(ks, s.units)
}

func (kafka) keyBytes() bool { return false }
func (kafka) efo() bool      { return false }

// readDelay: a Kafka fetch returns as soon as data is there (U).
func (kafka) readDelay(*stream, *reader, int) float64 { return 0.05 }

// growPartitions adds partitions when the setting asks for more (Kafka never
// removes them: CheckResize refuses fewer).
func (kafka) growPartitions(e *Engine, s *stream) {
	if want := s.n.Int("partitions"); want != s.units && pipeline.CheckResize(s.resizeState(e.nowSec()), want) == nil {
		s.relayout(e, want)
	}
}

func (kafka) checkResize(e *Engine, s *stream, key string, want int, _ pipeline.Change) error {
	if key != "partitions" || want == s.units {
		return nil
	}
	return pipeline.CheckResize(s.resizeState(e.nowSec()), want)
}

// unitMap: partition p's unread records stay with the partition p maps to in
// proportion.
func (kafka) unitMap(s *stream, units int) func(int) int {
	old := s.units
	return func(u int) int { return u * units / old }
}

func (kafka) fixedLimits(*stream) (recs, bytes float64, ok bool) { return 0, 0, false }
func (kafka) byteLimits(*stream) (unit, all float64, ok bool)    { return 0, 0, false }
func (kafka) ownBudget(*reader, float64) float64                 { return 0 }
func (kafka) callRecords(*stream, float64) float64               { return math.Inf(1) }

// readOne is allocateReads for one consumer group: each partition's
// allowance is what waits on it, within the share of its egress the group
// has alone (waterFill for one reader), in one pass.
func (kafka) readOne(s *stream, dt float64) bool {
	r := s.readers[0]
	budget := s.kind.sharedBudget(dt)
	sum := r.sumDemand()
	down := s.down
	// Sums in locals, started where the reader's are (see kinesis.readOne).
	d := r.demands()
	allowB, allowN := r.allow, r.allowN[:len(r.allow)]
	sumN, sumB, short := r.sumN, r.sumB, r.short
	for u := range allowB {
		n, b := d.of(u)
		if sum {
			sumN += n
			sumB += b
		}
		switch {
		case down != nil && down[u]:
			allowB[u], allowN[u] = 0, 0
		case budget > 0 && b > budget:
			allowB[u], allowN[u] = budget, n
			if b > budget+1e-9 {
				short++
			}
		default:
			allowB[u], allowN[u] = b, n
		}
	}
	r.sumN, r.sumB, r.short = sumN, sumB, short
	s.kind.readCalls(s, dt)
	s.settleReads(r, dt)
	s.kind.afterReads(s, dt)
	return true
}

func (kafka) readCalls(*stream, float64) {}

// metrics adds MSK-LAG's figures: the largest offset lag and the estimated
// time lag of the slowest consumer group.
func (kafka) metrics(e *Engine, s *stream, m map[string]float64, lag, _ float64) {
	m["offset_lag_max"] = lag
	m["time_lag_max"] = s.timeLag(e)
}

// msk is provisioned Amazon MSK: brokers whose throughput (MSK-EBS-THROUGHPUT,
// MSK-EXPRESS-THROUGHPUT) limits the partitions they lead, and leadership
// that moves to replicas when brokers go down.
type msk struct {
	kafka
	groups  int       // consumer groups reading it
	brokerT float64   // per-broker ingress limit, bytes/s (Express: the max rate)
	sustain float64   // per-broker sustained ingress, bytes/s (utilisation is measured against it)
	up      int       // brokers in service
	leader  []int     // leader broker per partition (-1: no replica in service)
	load    []float64 // scratch for writeLimits: bytes offered per broker this tick
	// scratch for writeLimits: each broker's utilisation and accepted
	// fraction this tick, which its partitions share
	util, frac []float64
	leads      []bool           // per broker: it leads a partition
	anyDown    bool             // a partition has no leader in service
	unitUtil   func() []float64 // partitionUtil, made once (stream.utilOf)
}

func init() { storages[pipeline.MSK] = func() storage { return &msk{} } }

func (*msk) setup(s *stream) { s.units = s.n.Int("partitions") }

func (k *msk) reconfigure(e *Engine, s *stream) {
	k.growPartitions(e, s)
	k.groups = mskGroups(e, s)
	up := k.up
	k.layout(s)
	if k.up != up {
		e.event(s.id, "%d of %d brokers in service", k.up, s.n.Int("brokers"))
	}
}

func (k *msk) relaidOut(_ *Engine, s *stream) { k.layout(s) }

func (k *msk) wire(e *Engine, s *stream) {
	k.groups = mskGroups(e, s)
	k.layout(s)
}

// mskGroups is the consumer groups reading the cluster: consumer_groups, or
// by default the consumers reading it.
func mskGroups(e *Engine, s *stream) int {
	if s.n.Has("consumer_groups") {
		return s.n.Int("consumer_groups")
	}
	return max(1, len(e.ix.Readers(s.id)))
}

// layout places partition leaders on the brokers in service and sets the
// per-broker limit from MSK-EBS-THROUGHPUT's model over those brokers.
// Partition p is led by broker p mod brokers; when that broker is down and
// the partition has a replica (replication ≥ 2), leadership moves to the next
// broker in service; with replication 1 the partition is unavailable.
func (k *msk) layout(s *stream) {
	b, _ := pipeline.Broker(s.n.Str("broker_type"))
	brokers := max(1, s.n.Int("brokers"))
	down := min(brokers, s.n.Int("brokers_down"))
	k.up = brokers - down
	rf := s.n.Int("replication")
	k.leader = make([]int, s.units)
	s.down = make([]bool, s.units)
	for p := range k.leader {
		home := p % brokers
		switch {
		case home >= down: // brokers 0..down-1 are the ones out of service
			k.leader[p] = home
		case rf < 2 || k.up == 0:
			k.leader[p] = -1
		default:
			k.leader[p] = down + p%k.up
		}
		s.down[p] = k.leader[p] < 0
	}
	k.leads, k.anyDown = make([]bool, brokers), false
	for _, l := range k.leader {
		if l >= 0 {
			k.leads[l] = true
		} else {
			k.anyDown = true
		}
	}
	k.brokerT, k.sustain = 0, 0
	if k.up > 0 {
		k.sustain = pipeline.MSKClusterThroughput(b, k.up, rf, k.groups) / float64(k.up)
		k.brokerT = k.sustain
		if b.Express {
			// MSK-EXPRESS-THROUGHPUT: above the sustained rate performance degrades; at the max rate MSK throttles.
			k.brokerT = min(b.InMax, b.OutMax/float64(max(1, k.groups)))
		}
	}
}

// writeLimits applies MSK-EBS-THROUGHPUT's sustained throughput per broker
// to the partitions each broker leads; partitions without a leader in
// service refuse writes.
func (k *msk) writeLimits(_ *Engine, s *stream, dt float64) {
	k.brokerScratch(s)
	// The slices are read into locals once: the loops run per partition
	// and tick, and their stores would otherwise reload each header.
	load, leader := k.load, k.leader[:s.units]
	offB := s.adm.offB[:len(leader)]
	clear(load)
	for u, l := range leader {
		if l >= 0 {
			load[l] += offB[u]
		}
	}
	k.leaderFigures(s, leader, dt, 0)
}

// offerLimits is the general offer and limits (writeLimits, then the
// stream's peak) for the only writer, in two passes over the partitions
// instead of four: the offered bytes and each broker's load, then each
// partition's fraction and utilisation, its leader's, and the peak. It
// sums only the offered bytes of the new records (the brokers read
// nothing else), and adds a partition's later due entries after them, as
// admission.settleBytes does, so every sum has offer's terms in offer's
// order.
func (k *msk) offerLimits(e *Engine, s *stream) {
	a := &s.adm
	ed := a.edges[0]
	if len(ed.share) != s.units {
		a.offer(e.tick) // the writer not spread over these partitions yet
		s.limits(e)
		return
	}
	more := a.offerDue(ed, a.dueBatches(ed, e.tick))
	k.brokerScratch(s)
	perRecB := 0.0
	if ed.n > 0 {
		perRecB = ed.b / ed.n
	}
	byteW := perRecB + ed.keyBytes
	share, en := ed.share, ed.n
	load, leader := k.load, k.leader[:len(share)]
	offB := a.offB[:len(share)]
	next, j := -1, 0 // the next partition with more than one due entry, and its place in more
	if len(more) > 0 {
		next = int(more[0].unit)
	}
	clear(load)
	for u, w := range share {
		if en > 0 {
			offB[u] = en*w*byteW + offB[u]
		}
		if u == next {
			j, next = a.offerLater(ed, more, u, j)
		}
		if l := leader[u]; l >= 0 {
			load[l] += offB[u]
		}
	}
	s.maxUtil = k.leaderFractions(s, leader, e.dt, s.maxUtil)
	if k.unitUtil == nil {
		k.unitUtil = k.partitionUtil
	}
	s.utilOf = k.unitUtil
}

// leaderFractions is leaderFigures for offerLimits: each partition's
// accepted fraction, and the highest utilisation taken over the brokers
// that lead a partition (and 0 for a partition without a leader), the same
// figure as over the partitions; the partitions' utilisations are left to
// partitionUtil, for a snapshot. A pass that writes one figure a partition
// instead of two and a comparison.
func (k *msk) leaderFractions(s *stream, leader []int, dt, m float64) float64 {
	butil, bfrac := k.brokerFractions(dt)
	for l, on := range k.leads[:len(butil)] {
		if on {
			m = larger(m, butil[l])
		}
	}
	if k.anyDown {
		m = larger(m, 0)
	}
	frac := s.adm.frac[:len(leader)]
	for u, l := range leader {
		if l < 0 {
			frac[u] = 0
		} else {
			frac[u] = bfrac[l]
		}
	}
	return m
}

// partitionUtil is each partition's utilisation this tick, its leader's
// (leaderFigures'), after leaderFractions.
func (k *msk) partitionUtil() []float64 {
	out := make([]float64, len(k.leader))
	for u, l := range k.leader {
		if l >= 0 {
			out[u] = k.util[l]
		}
	}
	return out
}

// leaderFigures gives each partition its leader broker's utilisation and
// accepted fraction this tick (nothing to one without a leader in
// service), from the brokers' loads, and returns the highest utilisation,
// of them and m, in partition order.
func (k *msk) leaderFigures(s *stream, leader []int, dt, m float64) float64 {
	butil, bfrac := k.brokerFractions(dt)
	// One length per pair of arrays: one bounds check covers both.
	frac, util := s.adm.frac[:len(leader)], s.util[:len(leader)]
	for u, l := range leader {
		if l < 0 {
			frac[u], util[u] = 0, 0
		} else {
			util[u], frac[u] = butil[l], bfrac[l]
		}
		m = larger(m, util[u])
	}
	return m
}

// brokerScratch sizes the per-broker scratch to the cluster's brokers.
func (k *msk) brokerScratch(s *stream) {
	if brokers := max(1, s.n.Int("brokers")); len(k.load) != brokers {
		k.load = make([]float64, brokers)
		k.util = make([]float64, brokers)
		k.frac = make([]float64, brokers)
	}
}

// brokerFractions turns each broker's load (bytes offered this tick) into
// its utilisation and accepted fraction, which its partitions share: a
// division once per broker, not per partition.
func (k *msk) brokerFractions(dt float64) (butil, bfrac []float64) {
	butil, bfrac = k.util, k.frac[:len(k.util)]
	for l, b := range k.load[:len(butil)] {
		butil[l] = b / max(k.sustain*dt, 1e-9)
		bfrac[l] = 1
		if over := b / max(k.brokerT*dt, 1e-9); over > 1 {
			bfrac[l] = 1 / over
		}
	}
	return butil, bfrac
}

// sharedBudget: provisioned MSK's egress is part of its broker model.
func (*msk) sharedBudget(float64) float64 { return 0 }

// readOne: with no budget per partition, a consumer group alone that keeps
// up reads everything every partition took; its allowances are then
// written only when needed (reader.keepsUpAll). A partition without a
// leader took nothing and, with nothing queued, has nothing to give, so its
// allowance of nothing is its demand too.
func (k *msk) readOne(s *stream, dt float64) bool {
	r := s.readers[0]
	if r.keepsUpAll(dt) {
		r.goLazy(math.Inf(1), math.Inf(1))
		return true
	}
	return k.kafka.readOne(s, dt)
}

func (*msk) afterReads(*stream, float64) {}

func (*msk) cost(e *Engine, s *stream, _ streamTraffic) float64 {
	n := s.n
	h := float64(pipeline.HoursPerMonth)
	b, _ := pipeline.Broker(n.Str("broker_type"))
	brokers := float64(n.Int("brokers"))
	storageGB := n.Num("storage") / (1 << 30)
	return brokers*h*b.HourPrice + brokers*storageGB*pipeline.MSKStoragePerGBMo
}

// mskServerless is MSK Serverless: every partition takes 5 MB/s and gives
// 10 MB/s, within 200 MB/s in and 400 MB/s out per cluster
// (MSK-SERVERLESS-THROUGHPUT).
type mskServerless struct{ kafka }

func init() { storages[pipeline.MSKServerless] = func() storage { return mskServerless{} } }

func (mskServerless) setup(s *stream) { s.units = s.n.Int("partitions") }

func (k mskServerless) reconfigure(e *Engine, s *stream) { k.growPartitions(e, s) }
func (mskServerless) relaidOut(*Engine, *stream)         {}
func (mskServerless) wire(*Engine, *stream)              {}

// byteLimits: a partition takes 5 MB/s and the cluster 200 MB/s
// (MSK-SERVERLESS-PARTITION, MSK-SERVERLESS-THROUGHPUT); writeLimits is the
// same rule in the general passes.
func (mskServerless) byteLimits(*stream) (unit, all float64, ok bool) {
	return pipeline.MSKServerlessPartIn, pipeline.MSKServerlessIn, true
}

func (mskServerless) writeLimits(_ *Engine, s *stream, dt float64) {
	var total float64
	for u := 0; u < s.units; u++ {
		s.util[u] = s.adm.limit(u, 0, pipeline.MSKServerlessPartIn*dt)
		total += s.adm.offB[u] * s.adm.frac[u]
	}
	s.clusterCap(total, pipeline.MSKServerlessIn*dt)
}

func (mskServerless) sharedBudget(dt float64) float64 { return pipeline.MSKServerlessPartOut * dt }

// readOne: a consumer group alone that keeps up reads everything, since a
// partition takes 5 MB/s and gives 10, and the cluster takes 200 MB/s and
// gives 400; its allowances are then written only when needed
// (reader.keepsUpBytes).
func (k mskServerless) readOne(s *stream, dt float64) bool {
	r := s.readers[0]
	budget := k.sharedBudget(dt)
	if s.down == nil && r.keepsUpBytes(budget, pipeline.MSKServerlessOut*dt, dt) {
		r.goLazy(budget, math.Inf(1))
		return true
	}
	return k.kafka.readOne(s, dt)
}

func (mskServerless) afterReads(s *stream, dt float64) {
	s.clusterEgress(pipeline.MSKServerlessOut * dt)
}

func (mskServerless) cost(e *Engine, s *stream, t streamTraffic) float64 {
	h := float64(pipeline.HoursPerMonth)
	stored := t.gbIn * min(s.retention, secondsPerMonth) / secondsPerMonth
	return h*pipeline.MSKServerlessClusterH + float64(s.units)*h*pipeline.MSKServerlessPartH +
		t.gbIn*pipeline.MSKServerlessInGB + t.gbOut*pipeline.MSKServerlessOutGB + stored*pipeline.MSKStoragePerGBMo
}

// firehoseRoundsRecords: Firehose reading a Kafka topic bills by the bytes
// (PRICE-FH-INGEST: no 5 KB rounding for an MSK source).
func (kafka) firehoseRoundsRecords() bool { return false }
