package advice

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/streamsim/streamsim/pipeline"
)

// flags lists the parts of the architecture that cannot meet the scenario's
// own requirements (or a service limit), each with what to change.
func (s *selector) flags() []Recommendation {
	var out []Recommendation
	add := func(sev, node, choice, rule, why string) {
		out = append(out, Recommendation{Kind: KindFlag, Node: node, Choice: choice, Rule: rule, Why: why, Severity: sev})
	}
	s.deliveryFlags(add)
	s.orderingFlags(add)
	s.latencyFlags(add)
	s.retentionFlags(add)
	s.throughputFlags(add)
	s.recordSizeFlags(add)
	s.transformFlags(add)
	s.budgetFlags(add)
	return out
}

type addFlag func(sev, node, choice, rule, why string)

const (
	crit = pipeline.SeverityCritical
	warn = pipeline.SeverityWarning
)

// deliveryFlags: every requirements.delivery target needs a destination.
func (s *selector) deliveryFlags(add addFlag) {
	for _, t := range s.req.Delivery {
		found := false
		for _, d := range s.ix.Stage(pipeline.Destination) {
			found = found || d.Service.Name == t
		}
		if !found {
			add(crit, "", fmt.Sprintf("add a %s destination and a consumer that writes to it", t), "requirements.delivery",
				fmt.Sprintf("data must reach %s, but no destination in the graph is %s", t, t))
		}
	}
}

// orderingFlags: per-key order needs a stable partition key (KDS-PARTITION-KEY: the same
// key always goes to the same shard, and order holds within a shard).
func (s *selector) orderingFlags(add addFlag) {
	if s.req.Ordering != "per-key" {
		return
	}
	for _, p := range s.ix.Stage(pipeline.Producer) {
		if p.Str("keys.dist") == "random" {
			add(crit, p.ID, "write a stable partition key per entity (keys: {dist: uniform, count: N}, or zipf/hot to model skew)",
				"KDS-PARTITION-KEY: order holds per key only because a key always maps to one shard",
				fmt.Sprintf("requirements.ordering is per-key, but %s draws a random key for every record, so one entity's records land on different shards and arrive out of order", p.ID))
		}
	}
}

// latencyFlags: a p99 requirement below a fixed delay on the path.
func (s *selector) latencyFlags(add addFlag) {
	lat := s.latency()
	if lat <= 0 {
		return
	}
	for _, c := range s.ix.Stage(pipeline.Consumer) {
		switch c.Service.Name {
		case pipeline.Firehose:
			floor, desc := s.firehoseDelay(c)
			if lat < floor {
				choice := fmt.Sprintf("lower %s's buffer.interval (below %s) or buffer.size", c.ID, secs(lat/1.5))
				if lat < 60 {
					choice = "deliver with Lambda or Flink instead of Firehose (SELECT-LOW-LATENCY: for sub-second or seconds, KDS + Lambda/Flink)"
				}
				add(crit, c.ID, choice, "FH-BUFFER-HINTS: Firehose delivers when the buffer reaches its size or interval",
					fmt.Sprintf("a %s p99 cannot be met through %s: %s", secs(lat), c.ID, desc))
			}
		case pipeline.Flink, pipeline.GlueStreaming, pipeline.EMR:
			w, what := windowOf(c)
			if w > 0 && lat < w {
				add(crit, c.ID, fmt.Sprintf("shorten %s below %s, or emit early results", what, secs(lat)),
					"a window or micro-batch holds records until it ends (FLINK-CHECKPOINT, GLUE-WINDOW, EMR-SPARK-TRIGGER)",
					fmt.Sprintf("a %s p99 cannot be met through a %s %s of %s", secs(lat), secs(w), strings.TrimPrefix(what, c.ID+"."), c.ID))
			}
		case pipeline.Lambda:
			if w := c.Dur("batch_window").Seconds(); w > 0 && lat < w {
				add(warn, c.ID, fmt.Sprintf("set %s.batch_window below %s", c.ID, secs(lat)),
					"LAMBDA-ESM-BATCH: Lambda waits up to MaximumBatchingWindowInSeconds for a batch to fill",
					fmt.Sprintf("a %s p99 cannot be met when batches that do not fill wait %s", secs(lat), secs(w)))
			}
		}
	}
	for _, st := range s.ix.Stage(pipeline.Storage) {
		if st.Service.Name != kds {
			continue
		}
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
					if r.Service.Name == pipeline.Firehose {
						pollOnly = " (FH-KDS-POLLING)"
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
}

// windowOf is the window or micro-batch of a consumer, in seconds.
func windowOf(c *pipeline.Node) (float64, string) {
	switch c.Service.Name {
	case pipeline.Flink:
		return c.Dur("window").Seconds(), c.ID + ".window"
	case pipeline.GlueStreaming:
		return c.Dur("window").Seconds(), c.ID + ".window"
	case pipeline.EMR:
		if c.Str("engine") == "spark-streaming" {
			return c.Dur("batch").Seconds(), c.ID + ".batch"
		}
	}
	return 0, ""
}

// sourceUnits is how many shards or partitions a consumer reads (Firehose
// keeps one buffer per shard or partition, FH-BUFFER-SCOPE).
func (s *selector) sourceUnits(c *pipeline.Node) int {
	src := s.ix.Node(c.From)
	if src == nil {
		return 1
	}
	switch src.Service.Name {
	case kds:
		if src.Str("mode") == "on-demand" {
			ld := s.ld.of(src.ID)
			return max(4, ceilDiv(2*ld.PeakBytes, pipeline.KDSShardWriteBytes, 4))
		}
		return max(1, src.Int("shards"))
	case msk, mss:
		return max(1, src.Int("partitions"))
	case kvs:
		return max(1, src.Int("streams"))
	}
	return 1
}

// firehoseDelay is the least time a record spends in a Firehose's buffers at
// its average rate: the time to fill a buffer or the interval, whichever is
// first, plus the Lambda transform's own buffer.
func (s *selector) firehoseDelay(c *pipeline.Node) (float64, string) {
	ld := s.ld.consumed(c)
	units := s.sourceUnits(c)
	per := ld.AvgBytes / float64(units)
	size := c.Num("buffer.size")
	interval := c.Dur("buffer.interval").Seconds()
	if f := c.Str("format"); (f == "parquet" || f == "orc") && size < pipeline.FirehoseConvertMinBuf {
		size = pipeline.FirehoseConvertMinBuf // FH-FORMAT-CONVERSION: a buffer of at least 64 MiB
	}
	fill := math.Inf(1)
	if per > 0 {
		fill = size / per
	}
	floor := min(fill, interval)
	desc := fmt.Sprintf("at %s per buffer (%d %s) a %s buffer fills in %s and the interval is %s",
		bytesRate(per), units, plural(units, "buffer", "buffers"), pipeline.ApproxSize(size), secs(fill), secs(interval))
	if interval == 0 {
		floor = 1 // zero buffering delivers "within a few seconds" (FH-ZERO-BUFFERING)
		desc = "zero buffering still delivers within a few seconds (FH-ZERO-BUFFERING)"
	}
	if c.Bool("transform.lambda") {
		lf := min(pipeline.FirehoseLambdaInterval, pipeline.FirehoseLambdaBuffer/math.Max(per, 1e-9))
		floor += lf
		desc += fmt.Sprintf(", and the Lambda transform buffers another %s (FH-LAMBDA-BUFFER)", secs(lf))
	}
	return floor, desc
}

// retentionFlags: the requirement against each store's retention and maximum.
func (s *selector) retentionFlags(add addFlag) {
	ret := s.retention()
	stores := s.ix.Stage(pipeline.Storage)
	if ret > 0 && len(stores) == 0 {
		add(warn, "", "add a Kinesis stream (or MSK topic) to keep the data replayable",
			"FH-BUFFER-RETENTION: Firehose keeps undelivered data for at most 24 h",
			fmt.Sprintf("requirements.retention is %s, but nothing in the graph stores records for replay", secs(ret)))
	}
	for _, st := range stores {
		have := st.Dur("retention").Seconds()
		switch st.Service.Name {
		case kds:
			if ret > 365*86400 {
				add(crit, st.ID, "Amazon MSK (SELECT-MSK: retention beyond 365 days), or archive to S3 and replay from there",
					"KDS-RETENTION: at most 8,760 h (365 days)",
					fmt.Sprintf("requirements.retention is %s; Kinesis keeps records for at most 365 days", secs(ret)))
				continue
			}
		case kvs:
			if ret > 87600*3600 {
				add(warn, st.ID, "archive media to S3", "KVS-RETENTION: DataRetentionInHours up to about 87,600 h (unconfirmed)",
					fmt.Sprintf("requirements.retention is %s, beyond Kinesis Video Streams' maximum", secs(ret)))
				continue
			}
		}
		if ret > have*(1+1e-9) {
			cost := ""
			if st.Service.Name == kds {
				cost = " (extended retention: $0.02 per shard-hour up to 7 days, then per GB-month, PRICE-KDS-EXT-RETENTION, PRICE-KDS-LONG-RETENTION)"
			}
			add(warn, st.ID, fmt.Sprintf("set %s.retention: %s%s", st.ID, pipeline.FormatDuration(s.req.Retention), cost),
				"requirements.retention", fmt.Sprintf("%s keeps records for %s, less than the required %s", st.ID, secs(have), secs(ret)))
		}
		if st.Service.Name == msk {
			s.mskStorageFlag(st, add)
		}
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

// throughputFlags: the load against each node's limits.
func (s *selector) throughputFlags(add addFlag) {
	for _, n := range s.sc.Nodes {
		if n.Stage == pipeline.Producer {
			continue
		}
		ld := s.ld.of(n.ID)
		if ld.PeakBytes <= 0 {
			continue
		}
		switch n.Service.Name {
		case kds:
			s.kdsThroughput(n, ld, add)
		case msk:
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
		case mss:
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
		case kvs:
			if need := ceilDiv(ld.PeakBytes, pipeline.KVSStreamBytes, 1); n.Int("streams") < need {
				add(warn, n.ID, fmt.Sprintf("set %s.streams to at least %d", n.ID, need), "KVS-INGEST: 12.5 MB/s per stream",
					fmt.Sprintf("%d %s take %s; the peak is %s", n.Int("streams"), plural(n.Int("streams"), "stream", "streams"),
						bytesRate(float64(n.Int("streams"))*pipeline.KVSStreamBytes), bytesRate(ld.PeakBytes)))
			}
		case pipeline.Firehose:
			if n.From == "" && (ld.PeakBytes > pipeline.FirehoseDirectBytes || ld.PeakRecs > pipeline.FirehoseDirectRecs) {
				add(warn, n.ID, "ask AWS for a higher Direct PUT quota, or put a Kinesis stream in front (no quota then)",
					"FH-DIRECT-PUT-QUOTA: 5 MiB/s, 2,000 requests/s, 500,000 records/s per stream",
					fmt.Sprintf("producers send up to %s (%s) by Direct PUT", bytesRate(ld.PeakBytes), recs(ld.PeakRecs)))
			}
		case pipeline.Flink, pipeline.GlueStreaming, pipeline.EMR, pipeline.App, pipeline.Lambda:
			s.consumerThroughput(n, ld, add)
		case pipeline.DynamoDB:
			s.dynamoThroughput(n, ld, add)
		}
	}
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

// perUnit is the capacity rule of thumb of one consumer unit, in bytes/s
// (pipeline.RuleOfThumb; AWS publishes none), with the key that counts the
// units. Lambda is handled apart.
func perUnit(c *pipeline.Node) (key string, units, bytes float64) {
	th := c.Service.Thumb
	if th == nil || c.Stage != pipeline.Consumer {
		return "", 0, 0
	}
	return th.Key, th.Units(c), th.PerUnit(c)
}

// unitRule is the rule-book id of perUnit's rule of thumb for c.
func unitRule(c *pipeline.Node) string {
	if th := c.Service.Thumb; th != nil {
		return th.Rule
	}
	return ""
}

func (s *selector) consumerThroughput(c *pipeline.Node, ld Load, add addFlag) {
	if c.Has("capacity") {
		return // the author measured it; nothing to second-guess
	}
	if c.Service.Name == pipeline.Lambda {
		units := s.sourceUnits(c)
		d := c.Dur("duration").Seconds()
		if d <= 0 {
			return
		}
		have := float64(units*c.Int("parallelization")) / d
		if have < ld.PeakRecs {
			need := ceilDiv(ld.PeakRecs*d, float64(units), 1)
			choice := fmt.Sprintf("set %s.parallelization to %d", c.ID, need)
			if need > pipeline.LambdaMaxParallel {
				choice = fmt.Sprintf("more shards (each runs at most 10 concurrent batches, LAMBDA-ESM-PARALLEL) or a faster function: %d shards at parallelization 10", ceilDiv(ld.PeakRecs*d, pipeline.LambdaMaxParallel, 1))
			}
			add(warn, c.ID, choice, "LAMBDA-ESM-PARALLEL: 1–10 concurrent batches per shard",
				fmt.Sprintf("%d %s × %d concurrent %s at %s per record process %s; the peak is %s",
					units, plural(units, "shard", "shards"), c.Int("parallelization"), plural(c.Int("parallelization"), "batch", "batches"),
					secs(d), recs(have), recs(ld.PeakRecs)))
		}
		return
	}
	key, units, per := perUnit(c)
	if per <= 0 {
		return
	}
	if have := units * per; have < ld.PeakBytes && !(c.Service.Name == pipeline.Flink && c.Bool("autoscaling")) {
		need := ceilDiv(ld.PeakBytes, per, 1)
		add(warn, c.ID, fmt.Sprintf("set %s.%s to at least %d (or measure and set capacity)", c.ID, key, need),
			unitRule(c)+": streamsim's capacity rule of thumb (AWS publishes no per-unit throughput)",
			fmt.Sprintf("%s %s of %s process about %s; the peak is %s", trim1(units), key, c.ID, bytesRate(have), bytesRate(ld.PeakBytes)))
	}
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

// recordSizeFlags: the largest records against each service's maximum.
func (s *selector) recordSizeFlags(add addFlag) {
	for _, p := range s.ix.Stage(pipeline.Producer) {
		biggest := p.Num("record_size.mean")
		if v := p.Num("record_size.max"); v > biggest {
			biggest = v
		}
		for _, t := range p.To {
			n := s.ix.Node(t)
			if n == nil {
				continue
			}
			var limit float64
			var rule string
			switch n.Service.Name {
			case kds:
				limit, rule = n.Num("max_record_size"), "KDS-RECORD-MAX: 1 MiB by default, up to 10 MiB"
			case mss:
				limit, rule = 8*pipeline.MiB, "MSK-SERVERLESS-MESSAGE-MAX: 8 MiB"
			case pipeline.Firehose:
				limit, rule = pipeline.FirehoseMaxRecord, "FH-RECORD-MAX: 1,000 KiB"
			}
			if limit > 0 && biggest > limit {
				add(crit, p.ID, "raise the limit where the service allows it, or store payloads in S3 and send a pointer",
					rule, fmt.Sprintf("%s sends records of up to %s to %s, which takes at most %s",
						p.ID, pipeline.ApproxSize(biggest), t, pipeline.ApproxSize(limit)))
			}
		}
	}
}

// transformFlags: transformations required but every delivering consumer is
// a Firehose without a transform.
func (s *selector) transformFlags(add addFlag) {
	if !s.req.Transformations {
		return
	}
	cs := s.ix.Stage(pipeline.Consumer)
	if len(cs) == 0 {
		add(warn, "", "add a consumer that transforms (Lambda, Flink, Glue, or a Firehose Lambda transform)", "requirements.transformations",
			"records must be transformed, but nothing reads them")
		return
	}
	for _, c := range cs {
		if c.Service.Name != pipeline.Firehose || c.Bool("transform.lambda") {
			return
		}
	}
	add(warn, cs[0].ID, fmt.Sprintf("set %s.transform.lambda: true, or transform in a Lambda or Flink consumer", cs[0].ID),
		"requirements.transformations; FH-LAMBDA-BUFFER: Firehose's Lambda transformation",
		"records must be transformed, but no consumer does: Firehose only buffers and converts formats")
}

// budgetFlags: a static estimate of the fixed-capacity part of the bill
// against requirements.budget (the simulation's estimate is in `advise`).
func (s *selector) budgetFlags(add addFlag) {
	if !slices.Contains(s.req.Set, "budget") {
		return
	}
	est, parts := s.staticCost()
	if est > s.req.Budget {
		add(crit, "", "cut the largest items first (see the cost table of `streamsim advise`)", "requirements.budget; the PRICE rules (`streamsim explain` lists them)",
			fmt.Sprintf("before any traffic is billed, %s already cost about %s per month, above the %s budget", listAnd(parts), money(est), money(s.req.Budget)))
	}
}

// staticCost is the monthly cost of what the graph provisions, whatever the
// traffic: shards, brokers, KPUs, DPUs, instances, WCU, Redshift nodes.
func (s *selector) staticCost() (float64, []string) {
	h := float64(pipeline.HoursPerMonth)
	var total float64
	var parts []string
	for _, n := range s.sc.Nodes {
		var c float64
		switch n.Service.Name {
		case kds:
			if n.Str("mode") == "on-demand" {
				c = h * pipeline.KDSOnDemandStreamH
			} else {
				c = float64(n.Int("shards")) * h * pipeline.KDSShardHour
			}
		case msk:
			b, _ := pipeline.Broker(n.Str("broker_type"))
			c = float64(n.Int("brokers")) * (h*b.HourPrice + n.Num("storage")/(1<<30)*pipeline.MSKStoragePerGBMo)
		case mss:
			c = h * (pipeline.MSKServerlessClusterH + float64(n.Int("partitions"))*pipeline.MSKServerlessPartH)
		case pipeline.Flink:
			k := float64(n.Int("kpus"))
			c = (k+1)*h*pipeline.FlinkKPUHour + k*pipeline.FlinkStoragePerKPUMo
		case pipeline.GlueStreaming:
			_, units, per := perUnit(n)
			c = units * per / (4 * pipeline.MiB) * h * pipeline.GlueDPUHour
		case pipeline.EMR:
			c = float64(n.Int("instances")) * h * (pipeline.EC2M5XLargeHour + pipeline.EMRUpliftPerHour)
		case pipeline.App:
			c = float64(n.Int("instances")) * h * pipeline.AppInstanceHour
		case pipeline.DynamoDB:
			if n.Str("mode") != "on-demand" {
				c = float64(n.Int("wcu")) * h * pipeline.DDBWCUHour
			}
		case pipeline.OpenSearch:
			c = float64(n.Int("instances")) * h * pipeline.OpenSearchInstanceH
		case pipeline.Redshift:
			c = float64(n.Int("nodes")) * h * pipeline.RedshiftNodeHour
		}
		if c > 0 {
			total += c
			parts = append(parts, fmt.Sprintf("%s %s", n.ID, money(c)))
		}
	}
	return total, parts
}
