package advice

import (
	"fmt"
	"strings"

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
		idle:       (*Diagnoser).mskIdle,
		partlyDown: func(n *pipeline.Node) bool { return n.Int("brokers_down") > 0 },
		outage: func(n *pipeline.Node) (string, string) {
			if n.Int("replication") < 2 {
				return sprintf("; with replication %d, the partitions the lost broker led had no leader", n.Int("replication")),
					sprintf("set %s.replication to 3 so that another broker takes over a lost broker's partitions", n.ID)
			}
			return "", ""
		},
		unitLimit:     func(n *pipeline.Node) (float64, float64) { return 0, perPartitionMax(n) },
		writeThrottle: (*Diagnoser).mskThrottle,
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

// mskStore follows SELECT-MSK and its kin: Kafka → MSK; Serverless for spiky
// loads up to 200 MBps; Express unless Standard's options are needed.
func (s *selector) mskStore(n *pipeline.Node, ld Load, r *Recommendation) {
	var why []string
	if s.req.ExistingKafka {
		why = append(why, "existing Kafka")
	}
	switch {
	case s.retention() > 365*86400:
		why = append(why, fmt.Sprintf("%s retention, beyond Kinesis's 365 d maximum (KDS-RETENTION)", secs(s.retention())))
	case s.retention() > 0:
		why = append(why, secs(s.retention())+" retention")
	}
	lead := strings.Join(why, " and ") + " → MSK"
	groups := max(1, len(s.ix.Readers(n.ID)))
	r.Rule = "SELECT-MSK: existing Kafka, the Kafka API or ecosystem, or retention beyond 365 days → Amazon MSK"
	svc := n.Service.Name
	if ld.Spiky && ld.PeakBytes <= pipeline.MSKServerlessIn {
		parts := max(ceilDiv(ld.PeakBytes, pipeline.MSKServerlessPartIn, 1), ceilDiv(ld.PeakBytes*float64(groups), pipeline.MSKServerlessPartOut, 1))
		r.Choice = fmt.Sprintf("MSK Serverless, at least %d %s", parts, plural(parts, "partition", "partitions"))
		r.Rule += "; SELECT-MSK-SERVERLESS: spiky workloads of up to 200 MBps in → MSK Serverless"
		r.Why = fmt.Sprintf("%s; peak %s (%s the average) is spiky and within Serverless's 200 MB/s; 5 MB/s in and 10 MB/s out per partition (MSK-SERVERLESS-PARTITION) → at least %d",
			lead, bytesRate(ld.PeakBytes), ratio(ld.PeakRatio()), parts)
		r.Keep = svc == pipeline.MSKServerless && n.Int("partitions") >= parts
		return
	}
	shape := "steady"
	if ld.Spiky {
		shape = "above Serverless's 200 MB/s (MSK-SERVERLESS-THROUGHPUT)"
	}
	if svc == pipeline.MSK && n.Int("replication") != 3 {
		b, ok := pipeline.Broker(n.Str("broker_type"))
		if !ok || b.Express {
			b, _ = pipeline.Broker("kafka.m7g.large")
		}
		rf := n.Int("replication")
		brokers := standardBrokers(b, ld.PeakBytes, rf, groups)
		r.Choice = fmt.Sprintf("MSK provisioned, Standard brokers: %d × %s (replication %d)", brokers, b.Name, rf)
		r.Rule += "; SELECT-MSK-STANDARD: Standard rather than Express only for a replication factor other than 3, custom min.insync.replicas or 2 AZs"
		r.Why = fmt.Sprintf("%s; replication %d needs Standard brokers; peak %s (%s) with %d consumer %s → %d brokers by AWS's model (MSK-CLUSTER-THROUGHPUT)",
			lead, rf, bytesRate(ld.PeakBytes), shape, groups, plural(groups, "group", "groups"), brokers)
		r.Keep = n.Int("brokers") >= brokers
		return
	}
	b, brokers := expressSize(ld.PeakBytes, groups)
	r.Choice = fmt.Sprintf("MSK provisioned, Express brokers: %d × %s", brokers, b.Name)
	r.Rule += "; SELECT-MSK-EXPRESS: Express brokers for most new provisioned clusters"
	r.Why = fmt.Sprintf("%s; peak %s in (%s), %s out to %d consumer %s; %s sustains %s in and %s out (MSK-EXPRESS-THROUGHPUT) → %d brokers, a multiple of 3",
		lead, bytesRate(ld.PeakBytes), shape, bytesRate(ld.PeakBytes*float64(groups)), groups, plural(groups, "group", "groups"),
		b.Name, fmtMB(b.InSustained), fmtMB(b.OutSustained), brokers)
	if svc == pipeline.MSK {
		cur, _ := pipeline.Broker(n.Str("broker_type"))
		r.Keep = cur.Express && pipeline.MSKClusterThroughput(cur, n.Int("brokers"), 3, groups) >= ld.PeakBytes
	}
}

// mskIdle: brokers that stay mostly unused, with what removing them saves
// (PRICE-MSK-BROKER-HOUR, PRICE-MSK-STORAGE).
func (d *Diagnoser) mskIdle(n *pipeline.Node, _ *pipeline.NodeSnapshot, at idleAt) {
	peakInB, over := at.peakInB, at.over
	b, ok := pipeline.Broker(n.Str("broker_type"))
	brokers := n.Int("brokers")
	if !ok || brokers <= 3 {
		return
	}
	groups := max(1, len(d.ix.Readers(n.ID)))
	if n.Has("consumer_groups") {
		groups = max(1, n.Int("consumer_groups"))
	}
	rf := n.Int("replication")
	have := pipeline.MSKClusterThroughput(b, brokers, rf, groups)
	if peakInB >= idleFloor*have {
		return
	}
	need := 3
	for need < brokers && (pipeline.MSKClusterThroughput(b, need, rf, groups)*idleTarget < peakInB ||
		need*b.MaxPartitions < n.Int("partitions")*rf) {
		need += 3
	}
	if need >= brokers {
		return
	}
	per := float64(pipeline.HoursPerMonth)*b.HourPrice + n.Num("storage")/(1<<30)*pipeline.MSKStoragePerGBMo
	d.report(Finding{Rule: "idle", Severity: pipeline.SeverityInfo, Node: n.ID,
		Problem: sprintf("Idle capacity: %s's %d × %s sustain about %s (MSK-CLUSTER-THROUGHPUT) and the peak is %s, %s of it%s.",
			n.ID, brokers, b.Name, bytesRate(have), bytesRate(peakInB), pct(peakInB/have), over),
		Fix: sprintf("set %s.brokers to %d (a multiple of the AZ count, MSK-BROKER-COUNT): saves about %s per month (%s per broker with its storage, PRICE-MSK-BROKER-HOUR, PRICE-MSK-STORAGE).",
			n.ID, need, money(float64(brokers-need)*per), money(per))})
}

// mskThrottle words a cluster's write throttling: its brokers' sustained throughput.
func (d *Diagnoser) mskThrottle(f *Finding, n *pipeline.Node, w throttled) {
	thr, wb, lost := w.thr, w.bytes, w.lost
	b, _ := pipeline.Broker(n.Str("broker_type"))
	brokers := n.Int("brokers") - n.Int("brokers_down")
	f.Problem = sprintf("Write throttling: %s refuses up to %s write attempts/s; %d %s × %s sustain about %s in (MSK-CLUSTER-THROUGHPUT) and producers send up to %s%s.",
		n.ID, count(thr), brokers, plural(brokers, "broker", "brokers"), b.Name,
		bytesRate(pipeline.MSKClusterThroughput(b, max(1, brokers), n.Int("replication"), max(1, len(d.ix.Readers(n.ID))))), bytesRate(wb), lost)
	f.Fix = "add brokers (a multiple of the AZ count) or choose a larger broker type; check that partitions spread over all brokers."
}
