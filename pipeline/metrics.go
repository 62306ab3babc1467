package pipeline

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/streamsim/streamsim/internal/textsafe"
)

// Unit says how a metric's value is written in `expect` and reported in JSON.
type Unit int

// Metric units.
const (
	UnitCount   Unit = iota // records, objects, calls
	UnitBytes               // bytes
	UnitSeconds             // durations; JSON key gets _s
	UnitDollars             // money; JSON key gets _usd
	UnitRatio               // fractions such as utilisation
)

// MetricDef describes one metric `expect` can use.
type MetricDef struct {
	Name string
	Unit Unit
	Doc  string
}

var pipelineMetrics = []MetricDef{
	{"produced_records", UnitCount, "records the producers generated, once however many targets each is sent to"},
	{"delivered_records", UnitCount, "records that reached a destination (once per destination): the destinations' records_in"},
	{"lost_records", UnitCount, "records dropped, at the node that dropped them: retries exhausted, retention expired, failed delivery"},
	{"in_flight_records", UnitCount, "records still inside at the end (buffered, unread, waiting to retry)"},
	{"throttled_records", UnitCount, "write attempts refused, each once, at the node that refused it (streams, Firehose, destinations)"},
	{"latency_p50", UnitSeconds, "median producer-to-destination time of delivered records"},
	{"latency_p99", UnitSeconds, "99th percentile producer-to-destination time"},
	{"latency_max", UnitSeconds, "largest producer-to-destination time"},
	{"cost_monthly", UnitDollars, "estimated monthly cost at the run's average load"},
}

var nodeCommon = []MetricDef{
	{"records_in", UnitCount, "records received over the run"},
	{"bytes_in", UnitBytes, "bytes received over the run"},
	{"records_out", UnitCount, "records passed on over the run"},
	{"bytes_out", UnitBytes, "bytes passed on over the run"},
	{"lost_records", UnitCount, "records dropped at this node"},
	{"cost_monthly", UnitDollars, "estimated monthly cost of this node"},
}

// NodeMetrics lists the metrics of one node.
func NodeMetrics(n *Node) []MetricDef {
	out := append([]MetricDef(nil), nodeCommon...)
	add := func(name string, u Unit, doc string) { out = append(out, MetricDef{name, u, doc}) }
	svc := n.Service.Name
	switch n.Stage {
	case Producer:
		add("throttled_records", UnitCount, "its write attempts its targets refused (counted there too, not again in the pipeline's total)")
		add("retried_records", UnitCount, "records sent again after a throttle")
	case Storage:
		add("throttled_records", UnitCount, "write attempts refused for exceeding a limit (each attempt counts)")
		add("lag_records", UnitCount, "records written but not yet read by the slowest reader, at the end")
		add("expired_records", UnitCount, "records that aged out of retention before every reader had them")
		add("max_shard_utilization", UnitRatio, "peak offered write load ÷ the shard's (partition's) write limit")
		add("held_records", UnitCount, "records stored at the end")
		if svc == KinesisDataStreams {
			add("read_throttled", UnitCount, "read calls refused")
			add("iterator_age_max", UnitSeconds, "largest age of the oldest unread record over consumers")
			add("shards_end", UnitCount, "open shards at the end")
		}
		if svc == MSK || svc == MSKServerless {
			add("offset_lag_max", UnitCount, "largest partition offset lag over consumer groups, at the end")
			add("time_lag_max", UnitSeconds, "estimated time the slowest consumer group needs to drain its lag (EstimatedMaxTimeLag)")
		}
	case Consumer:
		add("lag_records", UnitCount, "records not yet read from its source, at the end")
		add("held_records", UnitCount, "records buffered or in process at the end")
		add("iterator_age_max", UnitSeconds, "largest age of the oldest unread record")
		add("throttled_records", UnitCount, "Firehose: Direct PUT attempts it refused; others: their writes a stream or Firehose refused (counted there)")
		add("utilization_max", UnitRatio, "peak processing demand ÷ capacity")
		if svc == Firehose {
			add("objects", UnitCount, "objects (flushes) delivered")
			add("backup_records", UnitCount, "records given up after the destination's retry window and written to the S3 backup")
		}
		if svc == Lambda {
			add("invocations", UnitCount, "function invocations")
			add("failed_batches", UnitCount, "batches that failed and were retried")
		}
	case Destination:
		add("throttled_records", UnitCount, "write attempts refused for exceeding a limit")
		if n.From != "" {
			add("lag_records", UnitCount, "streaming ingestion: records not yet read from its stream, at the end")
			add("iterator_age_max", UnitSeconds, "streaming ingestion: largest age of the oldest unread record")
		}
		if svc == S3 {
			add("objects", UnitCount, "objects written")
		}
	}
	return out
}

// MetricNames lists every `node.metric` name expect can use for the scenario, in a stable order.
func (s *Scenario) MetricNames() []MetricDef {
	var out []MetricDef
	for _, m := range pipelineMetrics {
		out = append(out, MetricDef{"pipeline." + m.Name, m.Unit, m.Doc})
	}
	for _, n := range s.Nodes {
		for _, m := range NodeMetrics(n) {
			out = append(out, MetricDef{n.ID + "." + m.Name, m.Unit, m.Doc})
		}
	}
	return out
}

// LookupMetric finds the definition of a `node.metric` name.
func (s *Scenario) LookupMetric(name string) (MetricDef, bool) {
	for _, m := range s.MetricNames() {
		if m.Name == name {
			return m, true
		}
	}
	return MetricDef{}, false
}

// totals are the metrics that count up from the start of the run; the
// others are levels now (lag, held) or the highest so far.
var totals = map[string]bool{"records_in": true, "records_out": true, "bytes_in": true, "bytes_out": true,
	"lost_records": true, "throttled_records": true, "retried_records": true, "expired_records": true,
	"backup_records": true, "failed_batches": true, "invocations": true, "objects": true, "read_throttled": true,
	"produced_records": true, "delivered_records": true}

// Cumulative reports whether a metric is a running total, so that "over the
// last 5m" means what it added in those 5 minutes.
func Cumulative(name string) bool {
	_, m := SplitRef(name)
	return totals[m]
}

// ReportKey is the JSON report's key for a metric: durations get _s, money _usd.
func ReportKey(name string, u Unit) string {
	switch u {
	case UnitSeconds:
		return name + "_s"
	case UnitDollars:
		return name + "_usd"
	}
	return name
}

// Expectation is one `expect` line: METRIC OP VALUE.
type Expectation struct {
	Text   string
	Metric string // node.metric
	Op     string
	Value  float64 // in the metric's base unit
	Pos    Pos
}

var expectOps = []string{"<=", ">=", "==", "!=", "<", ">"}

// ParseExpect reads one `expect` line against the scenario's metrics. Unknown
// metrics are errors, so a misspelt threshold never passes silently.
func (s *Scenario) ParseExpect(text string) (Expectation, error) {
	e := Expectation{Text: strings.Trim(text, " \t")}
	if i := textsafe.Bad(strings.ReplaceAll(e.Text, "\t", " "), false); i >= 0 {
		return e, fmt.Errorf("%q: %s at character %d: expected METRIC OP VALUE such as \"pipeline.lost_records == 0\"",
			text, "a character that is not printable", utf8.RuneCountInString(e.Text[:i])+1)
	}
	// Fields are split at spaces and tabs only: other separators (a vertical
	// tab, NEL, no-break space) would make a line read other than it runs.
	fields := strings.FieldsFunc(e.Text, func(r rune) bool { return r == ' ' || r == '\t' })
	if len(fields) < 3 {
		return e, fmt.Errorf("%q: expected METRIC OP VALUE such as \"pipeline.lost_records == 0\"", text)
	}
	e.Metric, e.Op = fields[0], fields[1]
	valText := strings.Join(fields[2:], "")
	if !contains(expectOps, e.Op) {
		return e, fmt.Errorf("%q: operator %q: expected one of < <= > >= == !=", text, e.Op)
	}
	def, ok := s.LookupMetric(e.Metric)
	if !ok {
		return e, fmt.Errorf("%q: unknown metric %q%s", text, e.Metric, s.metricHint(e.Metric))
	}
	v, err := parseMetricValue(def.Unit, valText)
	if err != nil {
		return e, fmt.Errorf("%q: %v", text, err)
	}
	e.Value = v
	return e, nil
}

func (s *Scenario) metricHint(name string) string {
	node, metric := SplitRef(name)
	if node != "pipeline" && s.Node(node) == nil {
		ids := []string{"pipeline"}
		for _, n := range s.Nodes {
			ids = append(ids, n.ID)
		}
		if m := Suggest(node, ids); m != "" {
			return fmt.Sprintf(" (no node %q; did you mean %q?)", node, m)
		}
		return fmt.Sprintf(" (no node %q)", node)
	}
	var names []string
	for _, m := range s.MetricNames() {
		if n, k := SplitRef(m.Name); n == node {
			names = append(names, k)
		}
	}
	if m := Suggest(metric, names); m != "" {
		return fmt.Sprintf(" (did you mean %q?)", node+"."+m)
	}
	return "; `streamsim metrics` lists them"
}

func parseMetricValue(u Unit, t string) (float64, error) {
	switch u {
	case UnitSeconds:
		d, err := ParseDuration(t)
		return d.Seconds(), err
	case UnitDollars:
		return ParseMoney(t)
	case UnitRatio:
		return ParsePercent(t)
	case UnitBytes:
		return ParseSize(t)
	}
	mult := 1.0
	switch {
	case strings.HasSuffix(t, "k"):
		mult, t = 1e3, strings.TrimSuffix(t, "k")
	case strings.HasSuffix(t, "M"):
		mult, t = 1e6, strings.TrimSuffix(t, "M")
	}
	n, err := parsePlainNumber(t)
	if err != nil {
		return 0, fmt.Errorf("%q: expected a count such as 0, 1500 or 10k", t)
	}
	return n * mult, nil
}

// Holds evaluates the expectation against a measured value, within a millionth.
func (e Expectation) Holds(v float64) bool {
	// Counts are fractional inside the simulator's fluid model; a millionth of
	// a record (or of a second, a dollar) is equality, as the report rounds.
	tol := max(1e-6, 1e-9*math.Abs(e.Value))
	switch e.Op {
	case "<":
		return v < e.Value-tol
	case "<=":
		return v <= e.Value+tol
	case ">":
		return v > e.Value+tol
	case ">=":
		return v >= e.Value-tol
	case "==":
		return math.Abs(v-e.Value) <= tol
	case "!=":
		return math.Abs(v-e.Value) > tol
	}
	return false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Suggest returns the closest candidate to s within a small edit distance, or "".
func Suggest(s string, candidates []string) string {
	best, bestD := "", 1<<30
	for _, c := range candidates {
		d := editDistance(s, c)
		if d < bestD {
			best, bestD = c, d
		}
	}
	if bestD <= max(2, len(s)/3) && bestD < len(s) {
		return best
	}
	return ""
}

func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 1 << 20
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := 1
			if a[i-1] == b[j-1] {
				c = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+c)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// FormatMetric writes a metric value in its unit for summaries.
func FormatMetric(u Unit, v float64) string {
	switch u {
	case UnitSeconds:
		if v < 1 {
			return strconv.FormatFloat(v*1000, 'f', 0, 64) + " ms"
		}
		return strconv.FormatFloat(v, 'f', 1, 64) + " s"
	case UnitDollars:
		return "$" + strconv.FormatFloat(v, 'f', 2, 64)
	case UnitRatio:
		return strconv.FormatFloat(v*100, 'f', 1, 64) + "%"
	case UnitBytes:
		return ApproxSize(v)
	}
	return FormatCount(v)
}

// FormatCount writes a count rounded to a whole number with thousands separators
// (counts are fractional inside the simulator's fluid model).
func FormatCount(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	s := strconv.FormatFloat(math.Abs(math.Round(v)), 'f', 0, 64)
	var b strings.Builder
	if v < -0.5 {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
