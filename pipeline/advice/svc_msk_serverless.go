package advice

import (
	"fmt"

	"github.com/streamsim/streamsim/pipeline"
)

// MSK Serverless: its partitions and the cluster's 200 MB/s.

func init() {
	register(pipeline.MSKServerless, &serviceAdvice{
		describe: func(n *pipeline.Node) string {
			return fmt.Sprintf("msk-serverless, %d partitions", n.Int("partitions"))
		},
		throughputFlag: func(_ *selector, n *pipeline.Node, ld Load, add addFlag) {
			if ld.PeakBytes > pipeline.MSKServerlessIn {
				add(crit, n.ID, "MSK provisioned (Express brokers)", "MSK-SERVERLESS-THROUGHPUT: 200 MBps in per cluster",
					fmt.Sprintf("the peak of %s exceeds MSK Serverless's 200 MB/s", bytesRate(ld.PeakBytes)))
			} else if need := ceilDiv(ld.PeakBytes, pipeline.MSKServerlessPartIn, 1); n.Int("partitions") < need {
				add(warn, n.ID, fmt.Sprintf("set %s.partitions to at least %d", n.ID, need), "MSK-SERVERLESS-PARTITION: 5 MBps in per partition",
					fmt.Sprintf("%d partitions take %s; the peak is %s", n.Int("partitions"), bytesRate(float64(n.Int("partitions"))*pipeline.MSKServerlessPartIn), bytesRate(ld.PeakBytes)))
			}
			if ld.HotKey.Bytes > pipeline.MSKServerlessPartIn {
				add(crit, n.ID, "spread the key (add a suffix) so it lands on several partitions", "MSK-SERVERLESS-PARTITION: 5 MBps in per partition",
					fmt.Sprintf("one key of %s carries %s; a partition takes 5 MB/s whatever the partition count", ld.HotKey.Producer, bytesRate(ld.HotKey.Bytes)))
			}
		},
		recordMax: func(*pipeline.Node) (float64, string) { return 8 * pipeline.MiB, "MSK-SERVERLESS-MESSAGE-MAX: 8 MiB" },
		monthly: func(n *pipeline.Node) float64 {
			return hours * (pipeline.MSKServerlessClusterH + float64(n.Int("partitions"))*pipeline.MSKServerlessPartH)
		},
		unitLimit:     func(*pipeline.Node) (float64, float64) { return 0, pipeline.MSKServerlessPartIn },
		writeThrottle: (*Diagnoser).mssThrottle,
	})
}

// mssThrottle words write throttling: the cluster's 200 MB/s or its partitions.
func (d *Diagnoser) mssThrottle(f *Finding, n *pipeline.Node, w throttled) {
	thr, wb, units, lost := w.thr, w.bytes, w.units, w.lost
	if wb > pipeline.MSKServerlessIn {
		f.Problem = sprintf("Write throttling: %s refuses writes; producers send %s, above MSK Serverless's 200 MB/s per cluster (MSK-SERVERLESS-THROUGHPUT)%s.", n.ID, bytesRate(wb), lost)
		f.Fix = "move to MSK provisioned (Express brokers): no partition count lifts the cluster limit."
	} else {
		need := ceilDiv(wb, 0.8*pipeline.MSKServerlessPartIn, units+1)
		f.Problem = sprintf("Write throttling: %s refuses up to %s write attempts/s; %d partitions take 5 MB/s each (MSK-SERVERLESS-PARTITION) and producers send up to %s%s.",
			n.ID, count(thr), units, bytesRate(wb), lost)
		f.Fix = sprintf("set %s.partitions to at least %d.", n.ID, need)
	}
}
