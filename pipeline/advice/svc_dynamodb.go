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
		pushback: (*Diagnoser).dynamoPushback,
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

// dynamoPushback is a DynamoDB table's pushback: a hot key, on-demand warm-up, bursts, or too few WCU.
func (d *Diagnoser) dynamoPushback(f *Finding, n *pipeline.Node, p pushback) {
	rate, who, verb, hold, recsIn, bytesIn := p.rate, p.who, p.verb, p.hold, p.recsIn, p.bytesIn
	size := 1024.0
	if recsIn > 0 {
		size = bytesIn / recsIn
	}
	wcu := math.Ceil(math.Max(size, 1)/pipeline.DDBItemUnit - 1e-9)
	need := recsIn * wcu
	hot := d.hotShareUpstream()
	key := hot * need
	switch {
	case key > pipeline.DDBPartitionWCU:
		f.Severity = pipeline.SeverityCritical
		f.Problem = sprintf("DynamoDB pushback: %s %s; the busiest key carries %s of the writes, about %s write units/s on one partition, which takes 1,000 (DDB-PARTITION-WCU). %s %s the refused records and %s behind.",
			n.ID, rate, pct(hot), count(key), who, hold, verb)
		f.Fix = "write-shard the hot key (add a suffix and read with a scatter-gather) or aggregate its writes: no table capacity lifts the partition limit."
	case n.Str("mode") == "on-demand":
		f.Problem = sprintf("DynamoDB pushback: %s %s; the writers need about %s write units/s and a new on-demand table serves 4,000, doubling its headroom only 30 minutes after a new peak (DDB-ONDEMAND-START, DDB-ONDEMAND-SCALING). %s %s behind.",
			n.ID, rate, count(need), who, verb)
		f.Fix = sprintf("pre-warm the table (warm throughput) to at least %s write units/s, or use provisioned mode with that many WCU.", count(math.Ceil(need*1.25)))
		if need*1.25 > pipeline.DDBTableMaxWRU {
			f.Fix = "spread the writes over several tables, or ask AWS for more than a table's 40,000 write units/s (DDB-TABLE-QUOTA)."
		}
	case n.Num("wcu") >= need*1.1:
		// Enough capacity on average: the refusals are bursts (window results,
		// checkpoint pauses, catch-up) above what the partitions take.
		t := d.track(n.ID)
		have := n.Num("wcu")
		peak := max(need, (t.peakIn+t.peakThr)*wcu)
		burst := sprintf("writes arrive at up to about %s/s", count(peak))
		fix := sprintf("smooth the writes (Lambda batching window, smaller or staggered windows) or %s.", wcuFix(n.ID, peak*1.1))
		if peak <= have*1.05 {
			burst = sprintf("within single seconds writes arrive above %s/s (window results, checkpoint pauses, catch-up)", count(have))
			fix = "smooth the writes (Lambda batching window, smaller or staggered windows, spreading a window's results over a few seconds); more WCU only helps as far as it adds partitions."
		}
		f.Problem = sprintf("DynamoDB pushback in bursts: %s %s; its %s WCU cover the average %s write units/s, but %s, and a partition takes at most 1,000 WCU, so burst capacity cannot absorb them (DDB-PARTITION-WCU, DDB-BURST-CAPACITY). %s %s behind meanwhile.",
			n.ID, rate, count(have), count(need), burst, who, verb)
		f.Fix = fix
	default:
		f.Problem = sprintf("DynamoDB pushback: %s %s; %s WCU for about %s write units/s (items of %s). %s %s behind.",
			n.ID, rate, count(n.Num("wcu")), count(need), pipeline.ApproxSize(size), who, verb)
		f.Fix = wcuFix(n.ID, need*1.25) + ", or mode: on-demand."
	}
}
