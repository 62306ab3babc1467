// Package docs_test keeps the documentation in step with the code: the
// reference part of docs/scenario-format.md is generated from the service
// catalog and the metric list, its complete YAML examples must load, and
// README.md shows what .ci/run and `streamsim graph` really do.
package docs_test

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/streamsim/streamsim/internal/golden"
	"github.com/streamsim/streamsim/pipeline"
)

const (
	docFile       = "scenario-format.md"
	beginMark     = "<!-- BEGIN GENERATED: do not edit by hand; regenerate with `go test ./docs -update` -->\n"
	endMark       = "<!-- END GENERATED -->\n"
	unboundedRate = 1e9 // a rate maximum at least this large is shown as "no upper limit"
)

// keyNotes explain the keys whose catalog entry has no Doc yet. A Doc in
// pipeline/catalog.go wins; prefer adding it there (and deleting the note here).
var keyNotes = map[string]string{
	"producer.kind":             "a label for the TUI and the diagrams",
	"producer.pattern.shape":    "how the rate varies over time",
	"producer.pattern.peak":     "diurnal: the highest rate ÷ the mean",
	"producer.pattern.period":   "diurnal: the length of one cycle",
	"producer.pattern.to":       "ramp: the rate at the end",
	"producer.pattern.over":     "ramp: how long it takes",
	"producer.pattern.at":       "spike: when it starts",
	"producer.pattern.for":      "spike: how long it lasts",
	"producer.pattern.factor":   "spike: the rate multiplier",
	"producer.record_size.mean": "the mean record size",
	"producer.record_size.max":  "the largest record; checked against the target's record limit",
	"producer.record_size.dist": "fixed: every record has the mean size; lognormal: sizes vary up to max",
	"producer.keys.dist":        "how partition keys are drawn",
	"producer.keys.count":       "the number of distinct keys",
	"producer.keys.skew":        "zipf: the exponent; higher puts more traffic on fewer keys",
	"producer.keys.fraction":    "hot: the share of records that carry the one hot key",
	"producer.aggregation":      "pack user records into Kinesis records, as the KPL does",
	"producer.retries.max":      "retries of a throttled record before it is lost; 0 never retries",
	"producer.retries.backoff":  "the wait before the first retry; it doubles per retry, up to 10 s",

	"kinesis-data-streams.mode":            "capacity mode",
	"kinesis-data-streams.shards":          "provisioned: shards, each taking 1 MiB/s or 1,000 records/s",
	"kinesis-data-streams.retention":       "how long records stay readable",
	"kinesis-data-streams.max_record_size": "the largest record the stream accepts",
	"msk.brokers":                          "brokers in the cluster",
	"msk.broker_type":                      "broker instance type",
	"msk.partitions":                       "partitions of the topic",
	"msk.replication":                      "replication factor",
	"msk.retention":                        "how long records stay readable",
	"msk.storage":                          "EBS storage per broker",
	"msk-serverless.partitions":            "partitions of the topic",
	"msk-serverless.retention":             "how long records stay readable",
	"kinesis-video-streams.streams":        "video streams, usually one per device",
	"kinesis-video-streams.retention":      "how long media is kept; 0s keeps none",
	"kinesis-video-streams.fragment":       "the duration of one media fragment",

	"firehose.buffer.size":        "flush when the buffer holds this much",
	"firehose.buffer.interval":    "flush when the buffer is this old",
	"firehose.format":             "output format; parquet and orc convert the records",
	"firehose.transform.lambda":   "call a Lambda function on each batch before delivery",
	"firehose.transform.duration": "time the transform function takes per invocation",
	"flink.kpus":                  "Kinesis Processing Units (1 vCPU, 4 GB each)",
	"flink.window":                "tumbling window; 0s passes records on continuously",
	"flink.checkpoint":            "checkpoint interval; file sinks commit on checkpoints",
	"flink.autoscaling":           "let AWS change the KPUs with the CPU load",
	"glue-streaming.workers":      "number of workers",
	"glue-streaming.worker_type":  "worker size in DPUs: G.025X = ¼, G.1X = 1, G.2X = 2, …",
	"glue-streaming.window":       "micro-batch interval",
	"emr.engine":                  "the streaming engine on the cluster",
	"emr.instances":               "core instances",
	"emr.batch":                   "Spark Streaming micro-batch interval",
	"lambda.batch_size":           "the most records per invocation",
	"lambda.batch_window":         "how long to wait to fill a batch (MaximumBatchingWindowInSeconds)",
	"lambda.parallelization":      "concurrent batches per shard",
	"lambda.duration":             "function time per record",
	"lambda.bisect":               "split a failing batch in two before retrying it",
	"lambda.retries":              "retries of a failing batch; -1 retries until the records expire",
	"app.instances":               "instances of the application",

	"redshift.nodes":           "cluster nodes",
	"dynamodb.mode":            "capacity mode",
	"dynamodb.wcu":             "provisioned: write capacity units (1 KB writes per second)",
	"opensearch.instances":     "data nodes",
	"opensearch.instance_type": "data node instance type",
	"opensearch.refresh":       "refresh interval: how soon new documents become searchable",
}

// meaning is a key's explanation: its catalog Doc, else its note here.
func meaning(svc *pipeline.Service, k pipeline.Key) string {
	if k.Doc != "" {
		return k.Doc
	}
	return keyNotes[string(svc.Name)+"."+k.Name]
}

// TestEveryKeyHasAMeaning keeps the reference's meaning column filled, and the
// notes free of keys that no longer exist.
func TestEveryKeyHasAMeaning(t *testing.T) {
	seen := map[string]bool{}
	for _, svc := range pipeline.Services() {
		for _, k := range svc.Keys {
			seen[string(svc.Name)+"."+k.Name] = true
			if meaning(svc, k) == "" {
				t.Errorf("%s.%s has no Doc in the catalog and no note in docs_test.go", svc.Name, k.Name)
			}
		}
	}
	for k := range keyNotes {
		if !seen[k] {
			t.Errorf("note for %s, which the catalog does not have", k)
		}
	}
}

// TestReferenceIsGenerated fails when the generated part of the page differs
// from what the catalog says now. `go test ./docs -update` rewrites it.
func TestReferenceIsGenerated(t *testing.T) {
	checkGenerated(t, docFile, reference())
}

// checkGenerated compares the part of file between the generated-section
// markers with section, or writes section there when running with -update.
func checkGenerated(t *testing.T, file, section string) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	begin, end := strings.Index(doc, beginMark), strings.Index(doc, endMark)
	if begin < 0 || end < begin {
		t.Fatalf("%s lacks the generated-section markers", file)
	}
	want := doc[:begin+len(beginMark)] + section + doc[end:]
	if golden.Updating() {
		if err := os.WriteFile(file, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if doc != want {
		t.Errorf("the generated part of docs/%s is out of date; run `go test ./docs -update`\n%s",
			file, golden.FirstDifference(doc, want))
	}
}

// TestEveryKeyIsDocumented states the point of the generated section plainly,
// so that a failure names the key that is missing.
func TestEveryKeyIsDocumented(t *testing.T) {
	data, err := os.ReadFile(docFile)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	for _, svc := range pipeline.Services() {
		heading := "#### `" + string(svc.Name) + "`"
		i := strings.Index(doc, heading)
		if i < 0 {
			t.Errorf("no section %q", heading)
			continue
		}
		section := doc[i+len(heading):]
		if j := strings.Index(section, "\n#### "); j >= 0 {
			section = section[:j]
		}
		for _, k := range svc.Keys {
			if !strings.Contains(section, "| `"+k.Name+"` |") {
				t.Errorf("%s: key %s is not documented", svc.Name, k.Name)
			}
		}
	}
}

// TestCompleteExamplesLoad loads every YAML example of the page that is a whole
// scenario (one that starts with `version: 1`).
func TestCompleteExamplesLoad(t *testing.T) {
	data, err := os.ReadFile(docFile)
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```yaml\n(.*?)```").FindAllStringSubmatch(string(data), -1)
	n := 0
	for _, b := range blocks {
		if !strings.HasPrefix(b[1], "version: 1\n") {
			continue
		}
		n++
		if _, err := pipeline.Load(fmt.Sprintf("%s example %d", docFile, n), []byte(b[1])); err != nil {
			t.Errorf("example %d does not load:\n%v", n, err)
		}
	}
	if n == 0 {
		t.Error("no complete example found")
	}
}

// reference renders the generated section: connections, keys and metrics.
func reference() string {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }

	w("\n## Reference: services, keys and metrics\n\n")
	w("Generated from `pipeline/catalog.go` and `pipeline/metrics.go`.\n\n")

	w("### Connections\n\n")
	w("Which services a node may name in `from` and `to`. A producer (`service` left out) may write to the\n")
	w("storage services and to consumers that take Direct PUT.\n\n")
	w("| service | stage | AWS name | `from` may name | `to` may name |\n|---|---|---|---|---|\n")
	for _, svc := range pipeline.Services() {
		from := codeList(pipeline.NamesOf(svc.ReadsFrom))
		if svc.DirectPut {
			from += " (or none: Direct PUT)"
		}
		w("| `%s` | %s | %s | %s | %s |\n", svc.Name, svc.Stage, svc.Label, dash(from), dash(codeList(pipeline.NamesOf(svc.WritesTo))))
	}

	w("\n### Keys per service\n\n")
	w("Dotted keys are nested mappings (`buffer.size` is written `buffer: {size: …}`). Ranges are inclusive.\n")
	for _, st := range []pipeline.Stage{pipeline.Producer, pipeline.Storage, pipeline.Consumer, pipeline.Destination} {
		w("\n<a id=\"keys-%s\"></a>\n", st)
		for _, svc := range pipeline.ServicesAt(st) {
			w("\n#### `%s`\n\n", svc.Name)
			if svc.Stage == pipeline.Producer {
				w("%s: an entry of `producers` (no `service` key).", svc.Label)
			} else {
				w("%s, in `%s`.", svc.Label, svc.Stage)
			}
			var short []string
			for _, k := range sortedKeys(svc.ScalarOf) {
				short = append(short, fmt.Sprintf("`%s: X` is short for `%s: {%s: X}`", k, k, svc.ScalarOf[k]))
			}
			if len(short) > 0 {
				w(" %s.", strings.Join(short, "; "))
			}
			w("\n\n| key | type | default | allowed | meaning |\n|---|---|---|---|---|\n")
			for _, k := range svc.Keys {
				def := "`" + k.Default + "`"
				switch {
				case k.Required:
					def = "required"
				case k.Default == "":
					def = "–"
				}
				w("| `%s` | %s | %s | %s | %s |\n", k.Name, kindName(k.Kind), def, allowed(k), cell(meaning(svc, k)))
			}
		}
	}

	w("\n### Metrics\n\n")
	w("Names usable in `expect`, as `pipeline.NAME` or `NODE-ID.NAME`. Units: counts are producer records;\n")
	w("seconds are written as durations (`2m`), dollars as `$800`, ratios as `85%%` or `0.85`.\n\n")
	w("#### `pipeline`\n\n| metric | unit | meaning |\n|---|---|---|\n")
	for _, m := range (&pipeline.Scenario{}).MetricNames() {
		w("| `%s` | %s | %s |\n", strings.TrimPrefix(m.Name, "pipeline."), unitName(m.Unit), cell(m.Doc))
	}
	common := commonMetrics(pipeline.Services())
	w("\n#### Every node\n\n| metric | unit | meaning |\n|---|---|---|\n")
	for _, m := range common {
		w("| `%s` | %s | %s |\n", m.Name, unitName(m.Unit), cell(m.Doc))
	}
	for _, st := range []pipeline.Stage{pipeline.Producer, pipeline.Storage, pipeline.Consumer, pipeline.Destination} {
		w("\n#### %s, in addition\n\n| metric | services | unit | meaning |\n|---|---|---|---|\n", st.Title())
		svcs := pipeline.ServicesAt(st)
		shared := commonMetrics(svcs)
		for _, m := range shared {
			if !slices.Contains(common, m) {
				w("| `%s` | all | %s | %s |\n", m.Name, unitName(m.Unit), cell(m.Doc))
			}
		}
		for _, svc := range svcs {
			for _, m := range serviceMetrics(svc) {
				if !slices.Contains(shared, m) {
					w("| `%s` | `%s` | %s | %s |\n", m.Name, svc.Name, unitName(m.Unit), cell(m.Doc))
				}
			}
		}
	}
	w("\n")
	return b.String()
}

func serviceMetrics(svc *pipeline.Service) []pipeline.MetricDef {
	return pipeline.NodeMetrics(&pipeline.Node{ID: "x", Stage: svc.Stage, Service: svc})
}

// commonMetrics are the metrics all of svcs have, with the same meaning.
func commonMetrics(all []*pipeline.Service) []pipeline.MetricDef {
	var out []pipeline.MetricDef
	for _, m := range serviceMetrics(all[0]) {
		everywhere := true
		for _, svc := range all[1:] {
			if !slices.Contains(serviceMetrics(svc), m) {
				everywhere = false
				break
			}
		}
		if everywhere {
			out = append(out, m)
		}
	}
	return out
}

func kindName(k pipeline.Kind) string {
	switch k {
	case pipeline.KindInt:
		return "integer"
	case pipeline.KindFloat:
		return "number"
	case pipeline.KindDuration:
		return "duration"
	case pipeline.KindSize:
		return "size"
	case pipeline.KindRate:
		return "rate"
	case pipeline.KindMoney:
		return "money"
	case pipeline.KindPercent:
		return "percent"
	case pipeline.KindFactor:
		return "factor"
	case pipeline.KindBool:
		return "boolean"
	case pipeline.KindEnum:
		return "one of"
	case pipeline.KindSeries:
		return "list of rates"
	case pipeline.KindShares:
		return "list of percents"
	case pipeline.KindRanges:
		return "list of ranges"
	}
	return "text"
}

func unitName(u pipeline.Unit) string {
	switch u {
	case pipeline.UnitBytes:
		return "bytes"
	case pipeline.UnitSeconds:
		return "seconds"
	case pipeline.UnitDollars:
		return "dollars"
	case pipeline.UnitRatio:
		return "ratio"
	}
	return "count"
}

// allowed writes a key's values or range in the key's own unit syntax.
func allowed(k pipeline.Key) string {
	switch k.Kind {
	case pipeline.KindEnum:
		return codeList(k.Enum)
	case pipeline.KindBool:
		return "`true`, `false`"
	case pipeline.KindString:
		return "–"
	case pipeline.KindSeries:
		return fmt.Sprintf("1 … %d points, each ≥ `0/s`", pipeline.MaxSeriesPoints)
	case pipeline.KindShares:
		return "one per shard, adding up to `100%`"
	case pipeline.KindRanges:
		return "one per shard, contiguous, `0` … `2^128−1`"
	}
	if k.Min == 0 && k.Max == 0 {
		return "–"
	}
	lo := bound(k.Kind, k.Min)
	if k.Kind == pipeline.KindRate && k.Max >= unboundedRate {
		return "≥ " + lo
	}
	return lo + " … " + bound(k.Kind, k.Max)
}

func bound(kind pipeline.Kind, x float64) string {
	num := strconv.FormatFloat(x, 'f', -1, 64)
	switch kind {
	case pipeline.KindDuration:
		return "`" + pipeline.FormatDuration(time.Duration(x*float64(time.Second))) + "`"
	case pipeline.KindSize:
		return "`" + pipeline.FormatSize(x) + "`"
	case pipeline.KindRate:
		return "`" + num + "/s`"
	case pipeline.KindMoney:
		return "`$" + num + "`"
	case pipeline.KindPercent:
		return "`" + strconv.FormatFloat(x*100, 'f', -1, 64) + "%`"
	case pipeline.KindFactor:
		return "`" + num + "x`"
	}
	return "`" + num + "`"
}

func codeList(xs []string) string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = "`" + x + "`"
	}
	return strings.Join(out, ", ")
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// cell makes text safe inside a Markdown table cell.
func cell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

func dash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}
