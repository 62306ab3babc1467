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

const efo = "enhanced-fan-out"

func (s *selector) latency() float64   { return dur(s.req.Latency) }
func (s *selector) retention() float64 { return dur(s.req.Retention) }

// describe writes a node's current setup.
func describe(n *pipeline.Node) string {
	if f := adviceOf(n).describe; f != nil {
		return f(n)
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
	switch f := adviceOf(n).store; {
	case f != nil:
		f(s, n, ld, &r)
	case s.req.ExistingKafka || s.retention() > 365*86400:
		s.mskStore(n, ld, &r)
	default:
		s.kdsStore(n, ld, &r)
	}
	return r
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

// ---- consumers ----

// consumerChoice is the service recommended for a delivery target.
type consumerChoice struct {
	name string // for the Choice text
	// follow is the rule id that the services following the choice list in
	// their serviceAdvice.follows; "" when any consumer that transforms
	// follows it (firehoseXform).
	follow string
	any    bool // any consumer follows it: the service it recommends cannot deliver to the target
	rule   string
	why    string
}

// accepts reports whether writer w follows the choice.
func (c consumerChoice) accepts(w *pipeline.Node) bool {
	if c.follow == "" {
		return transforms(w)
	}
	return c.any || slices.Contains(adviceOf(w).follows, c.follow)
}

// delivers reports whether a service that follows rule can write to t.
func delivers(rule string, t pipeline.ServiceName) bool {
	for name, a := range services { // any order: the answer is the same
		if svc, ok := pipeline.LookupService(string(name)); ok && slices.Contains(a.follows, rule) && svc.CanWriteTo(t) {
			return true
		}
	}
	return false
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
			if c.accepts(w) {
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

// The SELECT rules a consumer service may follow (serviceAdvice.follows).
const (
	selectFlink    = "SELECT-FLINK"    // stateful stream processing
	selectLambda   = "SELECT-LAMBDA"   // per-record code
	selectFirehose = "SELECT-FIREHOSE" // delivery with no consumer code
)

func (s *selector) consumerFor(t pipeline.ServiceName, writers []*pipeline.Node) consumerChoice {
	lat := s.latency()
	state := slices.ContainsFunc(writers, stateful)
	flink := consumerChoice{name: "Managed Service for Apache Flink", follow: selectFlink,
		rule: "SELECT-FLINK: stateful stream processing (joins, windows, exactly-once state), continuous and serverless → Managed Service for Apache Flink"}
	lambda := consumerChoice{name: "Lambda", follow: selectLambda,
		rule: "SELECT-LAMBDA: simple per-record transformation, enrichment or fan-out; bursty or low volume → Lambda ESM (batch ≤ 10,000, 6 MB, parallelization ≤ 10)"}
	switch {
	case !delivers(selectFirehose, t):
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
		return consumerChoice{name: firehoseXform,
			rule: "SELECT-FIREHOSE: delivery with no consumer code → Firehose, which calls a Lambda transform per 1 MB / 60 s buffer (FH-LAMBDA-BUFFER); SELECT-GLUE: Spark ETL with the Glue Data Catalog → Glue streaming",
			why:  fmt.Sprintf("requirements.transformations with %s; the transform adds up to 60 s of Lambda buffering", latencyText(lat))}
	}
	c := consumerChoice{name: "Amazon Data Firehose", follow: selectFirehose,
		rule: "SELECT-FIREHOSE: load into S3, Redshift, OpenSearch (and more) with no consumer code — buffer, batch, compress, convert to Parquet → Amazon Data Firehose"}
	c.any = !delivers(selectFirehose, t)
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
		if !st.Service.EnhancedFanOut {
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
			if adviceOf(r).pollsOnly != nil {
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
			switch p := adviceOf(r).pollsOnly; {
			case p != nil:
				rec.Rule, rec.Why = p.rule, p.why
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
