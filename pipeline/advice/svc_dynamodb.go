package advice

import (
	"fmt"
	"math"

	"github.com/streamsim/streamsim/pipeline"
)

// Amazon DynamoDB: write units, partitions, on-demand warm-up.

func init() {
	register(pipeline.DynamoDB, &serviceAdvice{
		throughputFlag: (*selector).dynamoThroughput,
		monthly: func(n *pipeline.Node) float64 {
			if n.Str("mode") != "on-demand" {
				return float64(n.Int("wcu")) * hours * pipeline.DDBWCUHour
			}
			return 0
		},
	})
}

// dynamoThroughput: write units against the table's capacity and the
// per-partition limit (DDB-PARTITION-WCU).
func (s *selector) dynamoThroughput(d *pipeline.Node, ld Load, add addFlag) {
	wcu := math.Ceil(math.Max(ld.RecordSize, 1)/pipeline.DDBItemUnit - 1e-9)
	need := ld.PeakRecs * wcu
	if key := ld.HotKey.Recs * wcu; key > pipeline.DDBPartitionWCU {
		add(crit, d.ID, "write-shard the key (add a suffix) or aggregate its writes before they reach the table",
			"DDB-PARTITION-WCU: 1,000 write units/s per partition",
			fmt.Sprintf("the busiest key alone needs %s write units/s; one partition takes 1,000 whatever the table's capacity", count(key)))
	}
	if d.Str("mode") == "on-demand" {
		switch {
		case need > pipeline.DDBTableMaxWRU:
			add(crit, d.ID, "ask for a higher table quota or split the table", "DDB-TABLE-QUOTA: 40,000 WRU per on-demand table",
				fmt.Sprintf("the peak needs %s write units/s", count(need)))
		case need > pipeline.DDBOnDemandStartWRU:
			add(warn, d.ID, "pre-warm the table (warm throughput) or grow traffic over 30 minutes", "DDB-ONDEMAND-START and DDB-ONDEMAND-SCALING",
				fmt.Sprintf("the peak needs %s write units/s; a new on-demand table serves 4,000 and doubles its headroom only after 30 minutes", count(need)))
		}
		return
	}
	if have := float64(d.Int("wcu")); have < need {
		add(warn, d.ID, wcuFix(d.ID, need), "DDB-WRITE-UNIT: one 1 KB write per second",
			fmt.Sprintf("%s WCU for a peak of %s items of %s", count(have), recs(ld.PeakRecs), pipeline.ApproxSize(ld.RecordSize)))
	}
}
