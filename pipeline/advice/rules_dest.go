package advice

import (
	"math"

	"github.com/streamsim/streamsim/pipeline"
)

// Destination rules: a destination that pushes back on its writers.

// pushbackRule: a destination refuses writes, so its writers hold records and
// their lag grows (DDB-PARTITION-WCU, OS-INSTANCE-CAPACITY, S3-PREFIX-RATE, RS-NODE-CAPACITY).
func (d *Diagnoser) pushbackRule(s pipeline.Snapshot, n *pipeline.Node, refused float64) {
	var writers []string
	for _, w := range d.ix.Writers(n.ID) {
		writers = append(writers, w.ID)
	}
	who := listAnd(writers)
	recsIn, bytesIn := d.sourceFlow(s, n.ID, 0)
	verb := plural(len(writers), "falls", "fall")
	hold := plural(len(writers), "holds", "hold")
	f := Finding{Rule: "pushback", Severity: pipeline.SeverityWarning, Node: n.ID}
	rate := "refuses up to " + count(max(refused, d.track(n.ID).peakThr)) + " writes/s"
	if refused < 0 {
		rate = "refused " + count(-refused) + " write attempts over the run"
	}
	switch n.Service.Name {
	case pipeline.DynamoDB:
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
	case pipeline.OpenSearch:
		th := n.Service.Thumb
		per, have := th.PerUnit(n), th.Capacity(n)
		arrive := sprintf("%s arrive", bytesRate(bytesIn))
		if bytesIn < have {
			arrive = sprintf("%s arrive on average but in bursts (window results and Firehose flushes land at once)", bytesRate(bytesIn))
		}
		f.Problem = sprintf("OpenSearch pushback: %s %s; %d × %s index about %s (rule of thumb, OS-INSTANCE-CAPACITY) and %s. %s %s the refused documents (Firehose retries for 300 s, then backs up to S3, FH-RETRY).",
			n.ID, rate, n.Int("instances"), n.Str("instance_type"), bytesRate(have), arrive, who, hold)
		need := ceilDiv(bytesIn, 0.8*per, n.Int("instances")+1)
		f.Fix = sprintf("set %s.instances to at least %d or a larger instance_type, and raise refresh_interval to 60 s or more for heavy ingest (OS-REFRESH).", n.ID, need)
	case pipeline.S3:
		f.Problem = sprintf("S3 pushback: %s %s (503 Slow Down): a prefix takes 3,500 PUT/s (S3-PREFIX-RATE).", n.ID, rate)
		f.Fix = sprintf("spread objects over more prefixes (set %s.prefixes), or write fewer, larger objects (bigger buffers or batches).", n.ID)
	case pipeline.Redshift:
		f.Problem = sprintf("Redshift pushback: %s %s; %d nodes load about %s (rule of thumb, RS-NODE-CAPACITY) and %s arrive.",
			n.ID, rate, n.Int("nodes"), bytesRate(n.Service.Thumb.Capacity(n)), bytesRate(bytesIn))
		f.Fix = sprintf("set %s.nodes to at least %d, or load fewer, larger files (RS-COPY-FILES).", n.ID, ceilDiv(bytesIn, 0.8*n.Service.Thumb.PerUnit(n), n.Int("nodes")+1))
	default:
		return
	}
	d.report(f)
}

// hotShareUpstream is the heaviest key's share among the producers (what a
// DynamoDB table keyed like the stream sees on its busiest partition).
func (d *Diagnoser) hotShareUpstream() float64 {
	var h float64
	for _, p := range d.ix.Stage(pipeline.Producer) {
		h = max(h, hotShare(p))
	}
	return h
}
