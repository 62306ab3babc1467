package sim_test

import (
	"github.com/streamsim/streamsim/pipeline"
)

func init() { kinds = append(kinds, kind{name: "msk-firehose", loop: loopMSKFirehose}) }

// loopMSKFirehose is sim/testdata/kinds/msk-firehose.yaml: a provisioned MSK
// cluster whose brokers each take their share of the cluster's sustained
// throughput, read by Firehose, which buffers per partition and writes an
// object to S3 each time a buffer holds buffer.size or has been open
// buffer.interval. Firehose reads each partition as fast as records arrive
// (the engine does not model its 10 MB/s per partition from MSK).
func loopMSKFirehose(sc *pipeline.Scenario) loopTotals {
	d := newLoopDay(sc)
	ev := nodeOf(sc, "events")
	d.kafkaShares(ev.Int("partitions"))
	w := newMSKBrokerWriter(d, ev, 1) // Firehose is the one consumer group
	tot := loopFirehose(d, w.admit, nodeOf(sc, "delivery"), kafkaFetchDelay, readAllKafka, nodeOf(sc, "lake").Int("prefixes"))
	fig := tot.figures
	fig["pipeline.in_flight_records"] = fig["delivery.held_records"] + fig["delivery.lag_records"] + sumOf(w.retry)
	return tot
}

// readAllKafka: nothing limits what Firehose reads from a partition.
func readAllKafka(_ *loopDay, n float64) float64 { return n }

// mskBrokerWriter is a provisioned MSK cluster's write side: partition p is
// led by broker p mod brokers, and each broker takes at most its share of
// MSK-CLUSTER-THROUGHPUT (Standard brokers: the least of EBS throughput and
// EBS and EC2 network bandwidth over the replicas and consumer groups); when
// the partitions it leads offer more, each gets the same fraction. One retry,
// as for Kinesis.
type mskBrokerWriter struct {
	leader  []int32   // per partition
	shareB  []float64 // per broker: the producer's share on the partitions it leads
	retryB  []float64 // per broker: records due again this tick
	refused []float64 // per broker: records refused this tick (retryB of the next)
	frac    []float64 // per broker: fraction accepted this tick
	limit   float64   // bytes per broker and tick
	retry   []float64 // per partition: refused last tick, due again now
	tick    int       // the tick the next admit of partition 0 starts
}

func newMSKBrokerWriter(d *loopDay, n *pipeline.Node, groups int) *mskBrokerWriter {
	brokers := n.Int("brokers")
	if n.Int("brokers_down") != 0 {
		panic("mskBrokerWriter: brokers down are not modeled")
	}
	b, _ := pipeline.Broker(n.Str("broker_type"))
	if b.Express {
		panic("mskBrokerWriter: Express brokers are not modeled")
	}
	nb, rf, g := float64(brokers), float64(max(1, n.Int("replication"))), float64(groups)
	cluster := min(b.Storage*nb/rf, b.EBSNet*nb/rf, b.EC2Net*nb/(g+rf-1))
	w := &mskBrokerWriter{
		leader:  make([]int32, d.units),
		shareB:  make([]float64, brokers),
		retryB:  make([]float64, brokers),
		refused: make([]float64, brokers),
		frac:    make([]float64, brokers),
		limit:   cluster / nb * d.dt,
		retry:   make([]float64, d.units),
	}
	for p := range w.leader {
		w.leader[p] = int32(p % brokers)
		w.shareB[p%brokers] += d.share[p]
	}
	return w
}

// admit offers partition u its n new records and its retries, and returns
// the new and retried records it accepts. Partition 0's call starts a tick:
// it works out every broker's accepted fraction from what it is offered,
// its partitions' share of the producer's records (the day's rate, as
// loopFirehose computes it) and of last tick's refusals, summed per broker
// as they were made.
func (w *mskBrokerWriter) admit(d *loopDay, u int, n float64) (accN, accR float64) {
	if u == 0 {
		rn := d.rate * d.factor(float64(w.tick)*d.dt) * d.dt
		w.tick++
		w.retryB, w.refused = w.refused, w.retryB
		for b, s := range w.shareB {
			w.refused[b] = 0
			w.frac[b] = 1
			l := (rn*s + w.retryB[b]) * d.size
			if l > w.limit {
				w.frac[b] = w.limit / l
			}
			d.maxUtil = max(d.maxUtil, l/w.limit)
		}
	}
	r := w.retry[u]
	b := w.leader[u]
	f := w.frac[b]
	accN, accR = n*f, r*f
	w.retry[u] = n - accN
	w.refused[b] += n - accN
	d.tot.throttled += n - accN + r - accR
	d.tot.lost += r - accR
	return accN, accR
}
