package advice

import (
	"fmt"

	"github.com/streamsim/streamsim/pipeline"
)

// Amazon MSK (provisioned): brokers, their storage and throughput.

func init() {
	register(pipeline.MSK, &serviceAdvice{
		describe: func(n *pipeline.Node) string {
			return fmt.Sprintf("msk, %d × %s, %d partitions", n.Int("brokers"), n.Str("broker_type"), n.Int("partitions"))
		},
		storageFlag:    (*selector).mskStorageFlag,
		throughputFlag: (*selector).mskThroughput,
		monthly: func(n *pipeline.Node) float64 {
			b, _ := pipeline.Broker(n.Str("broker_type"))
			return float64(n.Int("brokers")) * (hours*b.HourPrice + n.Num("storage")/(1<<30)*pipeline.MSKStoragePerGBMo)
		},
	})
}

// mskThroughput: the peak against the cluster's sustained throughput, and
// a hot key against a partition's share of it.
func (s *selector) mskThroughput(n *pipeline.Node, ld Load, add addFlag) {
	b, _ := pipeline.Broker(n.Str("broker_type"))
	groups := n.Int("consumer_groups")
	if !n.Has("consumer_groups") {
		groups = max(1, len(s.ix.Readers(n.ID)))
	}
	have := pipeline.MSKClusterThroughput(b, n.Int("brokers"), n.Int("replication"), groups)
	if have < ld.PeakBytes {
		need := n.Int("brokers")
		for need < pipeline.MSKMaxBrokers && pipeline.MSKClusterThroughput(b, need, n.Int("replication"), groups) < ld.PeakBytes {
			need++
		}
		add(warn, n.ID, fmt.Sprintf("at least %d × %s (a multiple of the AZ count), or a larger broker type", roundUp(need, 3), b.Name),
			"MSK-CLUSTER-THROUGHPUT: AWS's model of a cluster's sustained throughput",
			fmt.Sprintf("%d × %s sustain about %s in with replication %d and %d consumer %s; the peak is %s",
				n.Int("brokers"), b.Name, bytesRate(have), n.Int("replication"), groups, plural(groups, "group", "groups"), bytesRate(ld.PeakBytes)))
	}
	if per := perPartitionMax(n); per > 0 && ld.HotKey.Bytes > per {
		add(crit, n.ID, "spread the key (add a suffix) so it lands on several partitions",
			"a Kafka key always maps to one partition (murmur2), led by one broker",
			fmt.Sprintf("one key of %s carries %s, more than a partition takes (%s)", ld.HotKey.Producer, bytesRate(ld.HotKey.Bytes), bytesRate(per)))
	}
}

// mskStorageFlag: the data kept for the retention, times the replication
// factor, must fit the brokers' EBS volumes (MSK-STORAGE: 1 GiB – 16,384 GiB each).
func (s *selector) mskStorageFlag(st *pipeline.Node, add addFlag) {
	ld := s.ld.of(st.ID)
	keep := ld.AvgBytes * st.Dur("retention").Seconds() * float64(st.Int("replication"))
	brokers := max(1, st.Int("brokers"))
	have := float64(brokers) * st.Num("storage")
	if keep <= have {
		return
	}
	perBroker := keep / float64(brokers)
	const maxVol = 16384 * (1 << 30)
	sev, choice := warn, fmt.Sprintf("set %s.storage to at least %s per broker", st.ID, pipeline.ApproxSize(perBroker))
	if perBroker > maxVol {
		need := ceilDiv(keep, maxVol, 1)
		sev, choice = crit, fmt.Sprintf("at least %d brokers of 16 TiB, tiered storage, or a shorter retention", roundUp(need, 3))
	}
	add(sev, st.ID, choice, "MSK-STORAGE: 1 GiB – 16,384 GiB (EBS) per broker",
		fmt.Sprintf("%s of retention at %s with replication %d needs %s of storage; %d × %s holds %s",
			secs(st.Dur("retention").Seconds()), bytesRate(ld.AvgBytes), st.Int("replication"), pipeline.ApproxSize(keep),
			brokers, pipeline.ApproxSize(st.Num("storage")), pipeline.ApproxSize(have)))
}

// perPartitionMax is the most one MSK partition takes: its broker's share of
// the cluster's sustained throughput (MSK-CLUSTER-THROUGHPUT), or 15 MB/s on
// Express (MSK-EXPRESS-PARTITION).
func perPartitionMax(n *pipeline.Node) float64 {
	b, ok := pipeline.Broker(n.Str("broker_type"))
	if !ok {
		return 0
	}
	if b.Express {
		return 15e6
	}
	brokers := max(1, n.Int("brokers"))
	return pipeline.MSKClusterThroughput(b, brokers, n.Int("replication"), 1) / float64(brokers)
}
