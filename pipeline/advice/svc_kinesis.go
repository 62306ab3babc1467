package advice

import (
	"fmt"
	"strings"

	"github.com/streamsim/streamsim/pipeline"
)

// Kinesis Data Streams: its shards, read modes, retention and record size.

func init() {
	register(pipeline.KinesisDataStreams, &serviceAdvice{
		describe: func(n *pipeline.Node) string {
			if n.Str("mode") == "on-demand" {
				return "kinesis-data-streams, on-demand"
			}
			return fmt.Sprintf("kinesis-data-streams, provisioned, %d %s", n.Int("shards"), plural(n.Int("shards"), "shard", "shards"))
		},
		units: func(s *selector, n *pipeline.Node) int {
			if n.Str("mode") == "on-demand" {
				ld := s.ld.of(n.ID)
				return max(4, ceilDiv(2*ld.PeakBytes, pipeline.KDSShardWriteBytes, 4))
			}
			return max(1, n.Int("shards"))
		},
		latencyFlag: kdsLatencyFlag,
		retentionFlag: func(_ *selector, st *pipeline.Node, ret float64, add addFlag) bool {
			if ret > 365*86400 {
				add(crit, st.ID, "Amazon MSK (SELECT-MSK: retention beyond 365 days), or archive to S3 and replay from there",
					"KDS-RETENTION: at most 8,760 h (365 days)",
					fmt.Sprintf("requirements.retention is %s; Kinesis keeps records for at most 365 days", secs(ret)))
				return true
			}
			return false
		},
		retentionPrice: " (extended retention: $0.02 per shard-hour up to 7 days, then per GB-month, PRICE-KDS-EXT-RETENTION, PRICE-KDS-LONG-RETENTION)",
		throughputFlag: (*selector).kdsThroughput,
		recordMax: func(n *pipeline.Node) (float64, string) {
			return n.Num("max_record_size"), "KDS-RECORD-MAX: 1 MiB by default, up to 10 MiB"
		},
		monthly: func(n *pipeline.Node) float64 {
			if n.Str("mode") == "on-demand" {
				return hours * pipeline.KDSOnDemandStreamH
			}
			return float64(n.Int("shards")) * hours * pipeline.KDSShardHour
		},
		breakEven: true,
		throttleFix: func(n *pipeline.Node, ld Load) string {
			if n.Str("mode") != "on-demand" {
				need, why := shardsForPeak(ld.PeakRecs, ld.PeakBytes)
				return sprintf("set %s.shards to at least %d (%s, the peak plus 25%% headroom), or mode: on-demand.", n.ID, max(need, n.Int("shards")+1), why)
			}
			return "pre-warm the on-demand stream before surges (On-demand Advantage WarmThroughput), or size a provisioned stream for the peak."
		},
		idle:            (*Diagnoser).kdsIdle,
		rejudgeThrottle: (*Diagnoser).rejudgeShards,
		unitLimit: func(*pipeline.Node) (float64, float64) {
			return pipeline.KDSShardWriteRecs, pipeline.KDSShardWriteBytes
		},
		hotUnitFix: func(idx int) string {
			return sprintf("split shard %d (provisioned streams allow uneven splits, SELECT-KDS-PROVISIONED) or use more, finer-grained partition keys.", idx)
		},
		writeThrottle: (*Diagnoser).kdsThrottle,
	})
}

// kdsLatencyFlag: a p99 below the fastest a stream delivers (enhanced
// fan-out), or below what its polling readers add.
func kdsLatencyFlag(s *selector, st *pipeline.Node, lat float64, add addFlag) {
	polling := 0
	var can, must []string // polling readers that may switch to enhanced fan-out, and those that may not (Firehose)
	pollOnly := ""
	for _, r := range s.ix.Readers(st.ID) {
		if r.Str("read") != efo {
			polling++
			if r.Service.CanUseEFO() {
				can = append(can, r.ID)
			} else {
				must = append(must, r.ID)
				if p := adviceOf(r).pollsOnly; p != nil {
					pollOnly = " (" + p.id + ")"
				}
			}
		}
	}
	switch {
	case lat < pipeline.KDSEFOLatency:
		add(crit, st.ID, "an in-process or in-memory path; no managed stream delivers faster",
			"KDS-EFO-LATENCY: about 70 ms",
			fmt.Sprintf("a %s p99 is below Kinesis's fastest propagation delay", secs(lat)))
	case polling > 0 && lat < pollDelay(polling):
		choice := fmt.Sprintf("read %s with enhanced fan-out (read: enhanced-fan-out): about 70 ms", listAnd(can))
		if len(must) > 0 {
			choice = fmt.Sprintf("read %s with enhanced fan-out (read: enhanced-fan-out): about 70 ms; %s %s by polling only%s, so deliver the latency-critical path through another consumer",
				listAnd(can), listAnd(must), plural(len(must), "reads", "read"), pollOnly)
			if len(can) == 0 {
				choice = fmt.Sprintf("deliver the latency-critical path through a consumer that can use enhanced fan-out (Lambda, Flink, a KCL app): %s %s by polling only%s",
					listAnd(must), plural(len(must), "reads", "read"), pollOnly)
			}
		}
		add(warn, st.ID, choice,
			"KDS-POLL-LATENCY: about 200 ms with one polling consumer, 1 s with five",
			fmt.Sprintf("a %s p99 is below the about %s a record takes to reach %d polling %s",
				secs(lat), secs(pollDelay(polling)), polling, plural(polling, "consumer", "consumers")))
	}
}

// kdsThroughput: a hot key against one shard's write limit, and the peak
// against the shards (or on-demand's start and maximum).
func (s *selector) kdsThroughput(n *pipeline.Node, ld Load, add addFlag) {
	polling := 0
	for _, r := range s.ix.Readers(n.ID) {
		if r.Str("read") != efo {
			polling++
		}
	}
	if ld.HotKey.Recs > pipeline.KDSShardWriteRecs || ld.HotKey.Bytes > pipeline.KDSShardWriteBytes {
		salt := max(2, ceilDiv(ld.HotKey.Recs, 0.8*pipeline.KDSShardWriteRecs, 2), ceilDiv(ld.HotKey.Bytes, 0.8*pipeline.KDSShardWriteBytes, 2))
		add(crit, n.ID, fmt.Sprintf("salt the key: split it over %d keys (key + \"-\" + id mod %d); resharding will not help a single hot key", salt, salt),
			"KDS-SHARD-WRITE and KDS-HOT-KEY: one key always lands on one shard",
			fmt.Sprintf("one key of %s carries %s of its records, %s (%s); a shard takes 1,000 records/s and 1 MiB/s whatever the shard count",
				ld.HotKey.Producer, pct(ld.HotKey.Share), recs(ld.HotKey.Recs), bytesRate(ld.HotKey.Bytes)))
	}
	if n.Str("mode") == "on-demand" {
		switch limit := odMaxWrite(s.sc.Region); {
		case ld.PeakBytes > limit:
			add(crit, n.ID, "several streams, or MSK", "KDS-ONDEMAND-MAX",
				fmt.Sprintf("the peak of %s exceeds on-demand's %s write maximum in %s", bytesRate(ld.PeakBytes), bytesRate(limit), s.sc.Region))
		case ld.PeakBytes > pipeline.KDSOnDemandStart:
			add(warn, n.ID, "pre-warm the stream (On-demand Advantage WarmThroughput), or start provisioned and switch later",
				"KDS-ONDEMAND-START and KDS-ONDEMAND-SCALING",
				fmt.Sprintf("a new on-demand stream takes 4 MB/s and doubles only after about 15 minutes of throttling; the peak is %s", bytesRate(ld.PeakBytes)))
		}
		return
	}
	need, why := kdsShardsFor(ld.PeakRecs, ld.PeakBytes, polling)
	if have := n.Int("shards"); have < need {
		add(warn, n.ID, fmt.Sprintf("set %s.shards to at least %d, or mode: on-demand", n.ID, need),
			"KDS-SHARD-WRITE and KDS-SIZING",
			fmt.Sprintf("%d %s carry %s; the peak needs %d (%s)", have, plural(have, "shard", "shards"),
				bytesRate(float64(have)*pipeline.KDSShardWriteBytes), need, why))
	}
}

// kdsStore follows the SELECT-KDS rules: KDS for AWS-native ingestion with
// replay; on-demand for spiky or unpredictable traffic, provisioned for
// predictable traffic or heavily skewed keys.
func (s *selector) kdsStore(n *pipeline.Node, ld Load, r *Recommendation) {
	readers := len(s.ix.Readers(n.ID))
	polling := min(1, readers) // one polling reader, EFO for the rest (see readModes)
	shards, why := kdsShardsFor(ld.PeakRecs, ld.PeakBytes, polling)
	r.Rule = "SELECT-KDS: AWS-native ingestion with AWS consumers and replay for 1–365 days → Kinesis Data Streams"
	source := "peak"
	if ld.FromRequirement {
		source = "requirements.throughput"
	}
	onDemand := ld.Spiky && !ld.Skewed
	switch {
	case onDemand:
		r.Choice = "Kinesis Data Streams, on-demand"
		r.Rule += "; SELECT-KDS-ONDEMAND: unpredictable or spiky traffic → on-demand"
		r.Why = fmt.Sprintf("peak %s is %s the average %s: provisioned would pay all month for the %d shards the peak needs; on-demand follows the traffic (2 × the previous peak, KDS-ONDEMAND-SCALING)",
			bytesRate(ld.PeakBytes), ratio(ld.PeakRatio()), bytesRate(ld.AvgBytes), shards)
		if ld.PeakBytes > pipeline.KDSOnDemandStart {
			r.Why += fmt.Sprintf("; a new on-demand stream takes 4 MB/s at first (KDS-ONDEMAND-START), so warm it up before the first %s surge", bytesRate(ld.PeakBytes))
		}
	default:
		r.Choice = fmt.Sprintf("Kinesis Data Streams, provisioned, %d %s", shards, plural(shards, "shard", "shards"))
		if ld.Skewed {
			r.Rule += "; SELECT-KDS-PROVISIONED: heavily skewed keys that need fine-grained shard splits → provisioned"
		} else {
			r.Rule += "; SELECT-KDS-PROVISIONED: predictable traffic → provisioned"
		}
		r.Why = fmt.Sprintf("%s %s, %s → at least %d provisioned %s (%s), or on-demand",
			source, bytesRate(ld.PeakBytes), recs(ld.PeakRecs), shards, plural(shards, "shard", "shards"), why)
	}
	switch n.Service.Name {
	case pipeline.KinesisDataStreams:
		if onDemand {
			r.Keep = n.Str("mode") == "on-demand"
		} else {
			r.Keep = n.Str("mode") == "provisioned" && n.Int("shards") >= shards
		}
	default:
		r.Why += "; nothing in the requirements needs Kafka (existing_kafka is not set)"
	}
}

// kdsIdle: shards that stay mostly unused, with what removing them saves
// (PRICE-KDS-SHARD-HOUR).
func (d *Diagnoser) kdsIdle(n *pipeline.Node, ns *pipeline.NodeSnapshot, at idleAt) {
	t := d.track(n.ID)
	peak, peakInB, over := at.peak, at.peakInB, at.over
	units := len(ns.Units)
	if n.Str("mode") == "on-demand" || units < 2 || peak >= idleFloor {
		return
	}
	polling, efos := 0, 0
	for _, r := range d.ix.Readers(n.ID) {
		if r.Str("read") == efo {
			efos++
		} else {
			polling++
		}
	}
	need := max(1, ceilDiv(float64(units)*peak, idleTarget, 1),
		ceilDiv(peakInB*float64(polling), idleTarget*pipeline.KDSShardReadBytes, 1))
	if need >= units {
		return
	}
	size := 1024.0
	if t.peakIn > 0 {
		size = t.peakInB / t.peakIn
	}
	p := kdsPricesFor(size, polling, efos, n.Dur("retention").Seconds())
	save := float64(units-need) * p.perShard
	d.report(Finding{Rule: "idle", Severity: pipeline.SeverityInfo, Node: n.ID,
		Problem: sprintf("Idle capacity: %s's %d shards peak at %s of their write limit%s.", n.ID, units, pct(peak), over),
		Fix: sprintf("set %s.shards to %d (UpdateShardCount at most halves per call, KDS-RESHARD-STEP): that peaks near %s and saves about %s per month (%s per shard, PRICE-KDS-SHARD-HOUR).",
			n.ID, need, pct(peak*float64(units)/float64(need)), money(save), money(p.perShard))})
}

// rejudgeShards fixes a write-throttling finding's advice for what the
// stream is at the end: a hot key explains the refusals (more shards would
// not help), or the stream already has the shards the peak needs.
func (d *Diagnoser) rejudgeShards(f *Finding) {
	n := d.ix.Node(f.Node)
	if n == nil || n.Str("mode") == "on-demand" {
		return
	}
	if d.has("hot-key", n.ID) {
		f.Fix = sprintf("the hot key's shard refuses the writes (see the hot-key finding): more shards would not help it, salting the key would.")
		return
	}
	t := d.track(n.ID)
	need, why := shardsForPeak(t.peakFlowR, t.peakFlowB)
	if have := n.Int("shards"); need > 0 && have >= need && strings.HasPrefix(f.Fix, "set "+n.ID+".shards") {
		f.Fix = sprintf("%s has %d shards by the end, enough for the peak (%s, with 25%% headroom): reshard before the peak next time, as a reshard takes minutes (KDS-RESHARD-TIME), or use mode: on-demand.",
			n.ID, have, why)
	}
}

// kdsThrottle words a stream's write throttling: on-demand still growing, or too few shards.
func (d *Diagnoser) kdsThrottle(f *Finding, n *pipeline.Node, w throttled) {
	thr, wr, wb, units, u, lost := w.thr, w.recs, w.bytes, w.units, w.util, w.lost
	if n.Str("mode") == "on-demand" {
		f.Problem = sprintf("Write throttling: %s refuses up to %s write attempts/s; producers send up to %s (%s), above the on-demand capacity it has grown to (%d shards' worth)%s. On-demand takes 4 MB/s at first and doubles only after about 15 minutes of throttling (KDS-ONDEMAND-START, KDS-ONDEMAND-SCALING).",
			n.ID, count(thr), recs(wr), bytesRate(wb), units, lost)
		need, why := shardsForPeak(wr, wb)
		f.Fix = sprintf("pre-warm the stream (On-demand Advantage WarmThroughput) before the surge, or switch to provisioned with at least %d shards (%s, the peak plus 25%% headroom).", need, why)
		return
	}
	need, why := shardsForPeak(wr, wb)
	f.Problem = sprintf("Write throttling: %s refuses up to %s write attempts/s; %d %s take %s and %s, but producers send up to %s (%s); the busiest shard peaks at %s of its limit%s.",
		n.ID, count(thr), units, plural(units, "shard", "shards"), recs(float64(units)*pipeline.KDSShardWriteRecs),
		bytesRate(float64(units)*pipeline.KDSShardWriteBytes), recs(wr), bytesRate(wb), pct(u), lost)
	need = max(need, units+1)
	f.Fix = sprintf("set %s.shards to at least %d (%s, the peak plus 25%% headroom), or mode: on-demand.", n.ID, need, why)
}
