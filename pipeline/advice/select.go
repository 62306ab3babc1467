package advice

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/streamsim/streamsim/pipeline"
)

// Kind says what a Recommendation is about.
type Kind string

// The kinds of recommendation, in the order Select returns them.
const (
	KindStorage  Kind = "storage"
	KindConsumer Kind = "consumer"
	KindReadMode Kind = "read mode"
	KindFlag     Kind = "flag"
)

// Recommendation is one piece of service-selection advice: what to use for a
// part of the pipeline and why, or (KindFlag) a part of the architecture that
// cannot meet the scenario's own requirements.
type Recommendation struct {
	Kind     Kind
	Node     string // the node it concerns; "" for the pipeline or a node the graph lacks
	Choice   string // what to use, or for a flag what to change
	Current  string // what the scenario has now ("" for flags)
	Keep     bool   // the scenario already follows it
	Rule     string // the rule that fired, citing rule-book ids (pipeline.Rules)
	Why      string // the numbers behind it
	Severity string // pipeline.SeverityInfo for advice; warning or critical for flags
}

// Select recommends storage, consumers and read modes for the scenario from
// its requirements and graph, following the rule book's SELECT rules, and
// flags what cannot meet the requirements. The result is deterministic.
func Select(sc *pipeline.Scenario) []Recommendation {
	ix := pipeline.NewIndex(sc)
	s := &selector{sc: sc, ix: ix, req: sc.Requirements, ld: newLoadsIndexed(sc, ix)}
	var out []Recommendation
	out = append(out, s.storage()...)
	out = append(out, s.consumers()...)
	out = append(out, s.readModes()...)
	out = append(out, s.flags()...)
	return out
}

type selector struct {
	sc  *pipeline.Scenario
	ix  *pipeline.Index
	req pipeline.Requirements
	ld  *loads
}

const (
	kds = "kinesis-data-streams"
	kvs = "kinesis-video-streams"
	msk = "msk"
	mss = "msk-serverless"
	efo = "enhanced-fan-out"
)

func (s *selector) latency() float64   { return dur(s.req.Latency) }
func (s *selector) retention() float64 { return dur(s.req.Retention) }

// describe writes a node's current setup.
func describe(n *pipeline.Node) string {
	switch n.Service.Name {
	case kds:
		if n.Str("mode") == "on-demand" {
			return "kinesis-data-streams, on-demand"
		}
		return fmt.Sprintf("kinesis-data-streams, provisioned, %d %s", n.Int("shards"), plural(n.Int("shards"), "shard", "shards"))
	case msk:
		return fmt.Sprintf("msk, %d × %s, %d partitions", n.Int("brokers"), n.Str("broker_type"), n.Int("partitions"))
	case mss:
		return fmt.Sprintf("msk-serverless, %d partitions", n.Int("partitions"))
	case kvs:
		return fmt.Sprintf("kinesis-video-streams, %d %s", n.Int("streams"), plural(n.Int("streams"), "stream", "streams"))
	case pipeline.Firehose:
		s := fmt.Sprintf("firehose, buffer %s / %s", pipeline.FormatSize(n.Num("buffer.size")), pipeline.FormatDuration(n.Dur("buffer.interval")))
		if n.Bool("transform.lambda") {
			s += ", Lambda transform"
		}
		return s
	}
	return string(n.Service.Name)
}

// ---- storage ----

func (s *selector) storage() []Recommendation {
	stores := s.ix.Stage(pipeline.Storage)
	if len(stores) == 0 {
		return []Recommendation{s.noStorage()}
	}
	var out []Recommendation
	for _, n := range stores {
		out = append(out, s.store(n))
	}
	return out
}

// noStorage covers producers writing straight into Firehose.
func (s *selector) noStorage() Recommendation {
	ld := s.ld.ingest()
	r := Recommendation{Kind: KindStorage, Current: "none (Direct PUT)", Severity: pipeline.SeverityInfo}
	switch {
	case s.retention() > 0:
		r.Choice = "Kinesis Data Streams in front of the consumers"
		r.Rule = "SELECT-KDS: replay for 1–365 days → Kinesis Data Streams (KDS-RETENTION)"
		r.Why = fmt.Sprintf("requirements.retention %s needs replayable storage; Firehose keeps undeliverable data for at most 24 h (FH-BUFFER-RETENTION)", secs(s.retention()))
	case ld.PeakBytes > pipeline.FirehoseDirectBytes:
		r.Choice = "Kinesis Data Streams in front of Firehose"
		r.Rule = "FH-KDS-SOURCE: the Direct PUT quota does not apply when Firehose reads a Kinesis stream"
		r.Why = fmt.Sprintf("peak %s exceeds Direct PUT's 5 MiB/s per stream (FH-DIRECT-PUT-QUOTA)", bytesRate(ld.PeakBytes))
	default:
		r.Choice, r.Keep = "no stream: Direct PUT into Firehose", true
		r.Rule = "SELECT-FIREHOSE: delivery with no consumer code → Firehose; FH-DIRECT-PUT-QUOTA: 5 MiB/s, 500,000 records/s"
		r.Why = fmt.Sprintf("peak %s fits the Direct PUT quota and nothing needs replay", bytesRate(ld.PeakBytes))
	}
	return r
}

func (s *selector) store(n *pipeline.Node) Recommendation {
	ld := s.ld.of(n.ID)
	r := Recommendation{Kind: KindStorage, Node: n.ID, Current: describe(n), Severity: pipeline.SeverityInfo}
	switch {
	case n.Service.Name == kvs:
		streams := max(ceilDiv(ld.PeakBytes, pipeline.KVSStreamBytes, 1), ceilDiv(ld.PeakRecs, pipeline.KVSPutMediaTPS, 1))
		r.Choice = fmt.Sprintf("Kinesis Video Streams, %d %s", streams, plural(streams, "stream", "streams"))
		r.Rule = "SELECT-KVS: video, audio or other time-encoded media from devices → Kinesis Video Streams"
		r.Why = fmt.Sprintf("peak %s in %s fragments/s; a stream takes 12.5 MB/s and 5 PutMedia calls/s (KVS-INGEST) → at least %d",
			bytesRate(ld.PeakBytes), count(ld.PeakRecs), streams)
		r.Keep = n.Int("streams") >= streams
	case s.req.ExistingKafka || s.retention() > 365*86400:
		s.mskStore(n, ld, &r)
	default:
		s.kdsStore(n, ld, &r)
	}
	return r
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
		r.Keep = svc == mss && n.Int("partitions") >= parts
		return
	}
	shape := "steady"
	if ld.Spiky {
		shape = "above Serverless's 200 MB/s (MSK-SERVERLESS-THROUGHPUT)"
	}
	if svc == msk && n.Int("replication") != 3 {
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
	if svc == msk {
		cur, _ := pipeline.Broker(n.Str("broker_type"))
		r.Keep = cur.Express && pipeline.MSKClusterThroughput(cur, n.Int("brokers"), 3, groups) >= ld.PeakBytes
	}
}

func fmtMB(v float64) string { return trim1(v/1e6) + " MB/s" }

// expressSize picks the smallest Express broker size that needs at most six
// brokers (rounded up to a multiple of the 3 AZs), the way AWS's sizing
// example does (MSK-EXPRESS-SIZING: 100 MBps in with 5 consumer groups → 6 × express.m7g.2xlarge).
func expressSize(in float64, groups int) (pipeline.BrokerSpec, int) {
	var last pipeline.BrokerSpec
	lastN := 0
	for _, name := range pipeline.BrokerTypes() {
		b, _ := pipeline.Broker(name)
		if !b.Express {
			continue
		}
		n := max(ceilDiv(in, b.InSustained, 3), ceilDiv(in*float64(groups), b.OutSustained, 3))
		n = roundUp(n, 3)
		last, lastN = b, n
		if n <= 6 {
			return b, n
		}
	}
	return last, min(lastN, pipeline.MSKMaxBrokers)
}

// standardBrokers is the smallest multiple of 3 brokers whose sustained
// throughput (MSK-CLUSTER-THROUGHPUT) covers in.
func standardBrokers(b pipeline.BrokerSpec, in float64, rf, groups int) int {
	for n := 3; n < pipeline.MSKMaxBrokers; n += 3 {
		if pipeline.MSKClusterThroughput(b, n, rf, groups) >= in {
			return n
		}
	}
	return pipeline.MSKMaxBrokers
}

func roundUp(n, m int) int { return (n + m - 1) / m * m }

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
	case kds:
		if onDemand {
			r.Keep = n.Str("mode") == "on-demand"
		} else {
			r.Keep = n.Str("mode") == "provisioned" && n.Int("shards") >= shards
		}
	default:
		r.Why += "; nothing in the requirements needs Kafka (existing_kafka is not set)"
	}
}

// ---- consumers ----

// consumerChoice is the service recommended for a delivery target.
type consumerChoice struct {
	name   string                 // for the Choice text
	accept []pipeline.ServiceName // services that follow the rule
	rule   string
	why    string
}

func (s *selector) consumers() []Recommendation {
	var targets []pipeline.ServiceName
	if len(s.req.Delivery) > 0 {
		targets = s.req.Delivery
	} else {
		for _, d := range s.ix.Stage(pipeline.Destination) {
			if !slices.Contains(targets, d.Service.Name) {
				targets = append(targets, d.Service.Name)
			}
		}
	}
	var out []Recommendation
	seen := map[pipeline.ServiceName]bool{}
	for _, t := range targets {
		if seen[t] {
			continue
		}
		seen[t] = true
		var writers []*pipeline.Node
		for _, d := range s.ix.Stage(pipeline.Destination) {
			if d.Service.Name != t {
				continue
			}
			for _, w := range s.ix.Writers(d.ID) {
				if !slices.Contains(writers, w) {
					writers = append(writers, w)
				}
			}
		}
		c := s.consumerFor(t, writers)
		r := Recommendation{Kind: KindConsumer, Choice: c.name + " → " + string(t), Rule: c.rule, Why: c.why, Severity: pipeline.SeverityInfo}
		var cur []string
		for _, w := range writers {
			cur = append(cur, w.ID+" ("+describe(w)+")")
			if slices.Contains(c.accept, w.Service.Name) && (c.name != firehoseXform || w.Service.Name != pipeline.Firehose || w.Bool("transform.lambda")) {
				r.Keep = true
			}
		}
		if len(writers) > 0 {
			r.Node = writers[0].ID
			r.Current = strings.Join(cur, ", ")
		} else {
			r.Current = "nothing delivers to " + string(t)
		}
		out = append(out, r)
	}
	return out
}

const firehoseXform = "Firehose with a Lambda transform"

func (s *selector) consumerFor(t pipeline.ServiceName, writers []*pipeline.Node) consumerChoice {
	lat := s.latency()
	state := slices.ContainsFunc(writers, stateful)
	flink := consumerChoice{name: "Managed Service for Apache Flink", accept: []pipeline.ServiceName{pipeline.Flink, pipeline.EMR},
		rule: "SELECT-FLINK: stateful stream processing (joins, windows, exactly-once state), continuous and serverless → Managed Service for Apache Flink"}
	lambda := consumerChoice{name: "Lambda", accept: []pipeline.ServiceName{pipeline.Lambda, pipeline.Flink, pipeline.App, pipeline.EMR},
		rule: "SELECT-LAMBDA: simple per-record transformation, enrichment or fan-out; bursty or low volume → Lambda ESM (batch ≤ 10,000, 6 MB, parallelization ≤ 10)"}
	switch {
	case t == pipeline.DynamoDB:
		if state {
			flink.why = "a consumer with windows writes the table; Firehose cannot deliver to DynamoDB"
			return flink
		}
		lambda.why = "Firehose delivers to S3, Redshift, OpenSearch, Snowflake, Iceberg, Splunk and HTTP endpoints, not DynamoDB (SELECT-FIREHOSE); per-record writes suit Lambda"
		return lambda
	case lat > 0 && lat < 60:
		c := lambda
		if state {
			c = flink
		}
		c.rule += "; SELECT-LOW-LATENCY: for sub-second or seconds of latency use KDS + Lambda/Flink, not Firehose"
		c.why = fmt.Sprintf("a %s p99 leaves no room for Firehose's buffering (interval 0–900 s, 300 s by default for S3, FH-BUFFER-HINTS)", secs(lat))
		return c
	case s.req.Transformations && state:
		flink.why = "records must be transformed and a consumer keeps windows or state"
		return flink
	case state:
		flink.why = "a consumer that keeps windows or state delivers here: Firehose only buffers, batches and converts"
		return flink
	case s.req.Transformations:
		return consumerChoice{name: firehoseXform, accept: []pipeline.ServiceName{pipeline.Firehose, pipeline.Lambda, pipeline.GlueStreaming, pipeline.Flink, pipeline.EMR, pipeline.App},
			rule: "SELECT-FIREHOSE: delivery with no consumer code → Firehose, which calls a Lambda transform per 1 MB / 60 s buffer (FH-LAMBDA-BUFFER); SELECT-GLUE: Spark ETL with the Glue Data Catalog → Glue streaming",
			why:  fmt.Sprintf("requirements.transformations with %s; the transform adds up to 60 s of Lambda buffering", latencyText(lat))}
	}
	c := consumerChoice{name: "Amazon Data Firehose", accept: []pipeline.ServiceName{pipeline.Firehose},
		rule: "SELECT-FIREHOSE: load into S3, Redshift, OpenSearch (and more) with no consumer code — buffer, batch, compress, convert to Parquet → Amazon Data Firehose"}
	if t != pipeline.S3 && t != pipeline.Redshift && t != pipeline.OpenSearch {
		c.accept = append(c.accept, pipeline.Lambda, pipeline.Flink, pipeline.App, pipeline.EMR, pipeline.GlueStreaming)
	}
	if lat > 0 {
		c.why = fmt.Sprintf("a %s p99 allows buffering: keep buffer.interval below about %s (dynamic partitioning can add half an interval, FH-DYNAMIC-PARTITIONING)", secs(lat), secs(math.Min(900, lat/1.5)))
	} else {
		c.why = "no latency requirement: the default 300 s / 5 MiB buffer is fine"
	}
	return c
}

func latencyText(lat float64) string {
	if lat <= 0 {
		return "no latency requirement"
	}
	return "a " + secs(lat) + " p99"
}

// ---- read modes ----

// pollDelay is KDS-POLL-LATENCY with n polling consumers: about 200 ms
// with one, rising to about 1 s with five.
func pollDelay(n int) float64 {
	n = min(max(n, 1), 5)
	return pipeline.KDSPollLatency1 + (pipeline.KDSPollLatency5-pipeline.KDSPollLatency1)*float64(n-1)/4
}

func (s *selector) readModes() []Recommendation {
	var out []Recommendation
	for _, st := range s.ix.Stage(pipeline.Storage) {
		if st.Service.Name != kds {
			continue
		}
		readers := s.ix.Readers(st.ID)
		if len(readers) == 0 {
			continue
		}
		ld := s.ld.of(st.ID)
		// The reader that keeps polling: Firehose if one reads (it uses
		// GetRecords, FH-KDS-POLLING), else the first.
		keep := readers[0]
		for _, r := range readers {
			if r.Service.Name == pipeline.Firehose {
				keep = r
				break
			}
		}
		lat := s.latency()
		shards := st.Int("shards")
		if st.Str("mode") == "on-demand" {
			shards, _ = kdsShardsFor(ld.PeakRecs, ld.PeakBytes, 1)
		}
		for _, r := range readers {
			rec := Recommendation{Kind: KindReadMode, Node: r.ID, Current: r.Str("read"), Severity: pipeline.SeverityInfo,
				Rule: "SELECT-KDS-EFO: more than one consumer needing full throughput or about 70 ms latency → KDS + enhanced fan-out"}
			want := "polling"
			switch {
			case r.Service.Name == pipeline.Firehose:
				rec.Rule = "FH-KDS-POLLING: Firehose reads a Kinesis stream as a polling consumer (unconfirmed)"
				rec.Why = "Firehose uses the shard's shared GetRecords budget"
			case lat > 0 && lat < pollDelay(1)+0.05:
				want = efo
				rec.Why = fmt.Sprintf("a %s p99 needs the ~70 ms push of enhanced fan-out (KDS-EFO-LATENCY); polling adds about %s (KDS-POLL-LATENCY)", secs(lat), secs(pollDelay(1)))
			case len(readers) >= 2 && r != keep:
				want = efo
				rec.Why = fmt.Sprintf("%d consumers on %s share each shard's 2 MB/s and 5 reads/s when polling (KDS-SHARD-READ, KDS-GETRECORDS-RATE); AWS suggests one polling consumer plus enhanced fan-out for the others (KDS-READ-CAPACITY); %s keeps polling",
					len(readers), st.ID, keep.ID)
			case len(readers) >= 2:
				rec.Why = fmt.Sprintf("one of the %d consumers may poll; the others use enhanced fan-out (KDS-READ-CAPACITY)", len(readers))
			default:
				efoCost := float64(max(shards, 1))*pipeline.HoursPerMonth*pipeline.KDSEFOConsumerShardH +
					ld.AvgBytes*secondsPerMonth/pipeline.GB*pipeline.KDSEFOPerGB
				rec.Why = fmt.Sprintf("the only consumer has each shard's 2 MB/s and 5 reads/s to itself with about 200 ms of delay (KDS-POLL-LATENCY); enhanced fan-out would cut that to 70 ms for about %s per month (PRICE-KDS-EFO-SHARD-HOUR, PRICE-KDS-EFO-GB)",
					money(efoCost))
			}
			if want == efo {
				rec.Choice = "enhanced fan-out (read: enhanced-fan-out)"
			} else {
				rec.Choice = "polling (read: polling)"
			}
			rec.Keep = r.Str("read") == want
			out = append(out, rec)
		}
	}
	return out
}
