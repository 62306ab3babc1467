package scenarios

import (
	"slices"
	"testing"

	"github.com/streamsim/streamsim/pipeline"
)

// TestEveryServiceHasABuiltin checks that the library shows every service of
// the catalog, both Kinesis capacity modes, the main EMR engine, and every
// producer kind.
func TestEveryServiceHasABuiltin(t *testing.T) {
	used := map[string][]string{} // feature → built-ins using it
	add := func(feature, name string) {
		if !slices.Contains(used[feature], name) {
			used[feature] = append(used[feature], name)
		}
	}
	for _, name := range Names() {
		s := mustLoad(t, name)
		for _, n := range s.Nodes {
			add(string(n.Service.Name), name)
			switch n.Service.Name {
			case "producer":
				add("producer kind "+n.Str("kind"), name)
			case "kinesis-data-streams":
				add("kinesis-data-streams mode "+n.Str("mode"), name)
			case "emr":
				add("emr engine "+n.Str("engine"), name)
			}
			if n.Str("read") == "enhanced-fan-out" {
				add("enhanced fan-out", name)
			}
		}
		for _, c := range s.Timeline {
			if c.Fail != "" {
				add("fail", name)
			}
		}
	}
	var want []string
	for _, svc := range pipeline.Services() {
		want = append(want, string(svc.Name))
	}
	prod, _ := pipeline.LookupService("producer")
	kind, _ := prod.Key("kind")
	for _, k := range kind.Enum {
		want = append(want, "producer kind "+k)
	}
	want = append(want,
		"kinesis-data-streams mode provisioned", "kinesis-data-streams mode on-demand",
		"emr engine spark-streaming", "enhanced fan-out", "fail")
	for _, f := range want {
		if len(used[f]) == 0 {
			t.Errorf("no built-in scenario uses %s", f)
		}
	}
}

// useCases are the use cases of AWS's streaming overview and the teaching
// scenarios the workshop needs, with the built-in that shows each.
var useCases = []struct{ useCase, name string }{
	{"the seed pipeline: KDS → Firehose → S3 and KDS → Flink → OpenSearch", "seed-pipeline"},
	{"retail clickstream analytics: Glue streaming ETL into a data lake", "retail-clickstream"},
	{"fraud detection on MSK for a bank", "fraud-detection-msk"},
	{"stock-market analysis with EMR Spark Streaming", "stock-market-emr"},
	{"security-log threat detection into OpenSearch with a dashboard", "security-log-analytics"},
	{"IoT telemetry through Kinesis and Firehose into S3", "iot-telemetry"},
	{"video ingestion with Kinesis Video Streams", "video-ingestion-kvs"},
	{"teaching: the hot partition key", "hot-partition-key"},
	{"teaching: Firehose buffering vs latency", "firehose-buffering"},
	{"teaching: polling vs enhanced fan-out", "polling-vs-enhanced-fan-out"},
	{"teaching: provisioned vs on-demand under a spike", "provisioned-vs-on-demand"},
	{"teaching: Lambda consumer with a poison record", "lambda-poison-record"},
	{"teaching: retention and a long consumer outage", "retention-consumer-outage"},
}

// TestUseCasesHaveBuiltins checks each use case's built-in exists and uses the
// services the use case names.
func TestUseCasesHaveBuiltins(t *testing.T) {
	needs := map[string][]string{
		"seed-pipeline":               {"kinesis-data-streams", "firehose", "s3", "flink", "opensearch"},
		"retail-clickstream":          {"glue-streaming", "s3"},
		"fraud-detection-msk":         {"msk"},
		"stock-market-emr":            {"emr"},
		"security-log-analytics":      {"opensearch"},
		"iot-telemetry":               {"kinesis-data-streams", "firehose", "s3"},
		"video-ingestion-kvs":         {"kinesis-video-streams"},
		"hot-partition-key":           {"kinesis-data-streams"},
		"firehose-buffering":          {"firehose"},
		"polling-vs-enhanced-fan-out": {"kinesis-data-streams"},
		"provisioned-vs-on-demand":    {"kinesis-data-streams"},
		"lambda-poison-record":        {"lambda"},
		"retention-consumer-outage":   {"kinesis-data-streams"},
	}
	names := Names()
	if len(names) < 12 {
		t.Errorf("%d built-ins; the library needs at least 12", len(names))
	}
	for _, uc := range useCases {
		if !slices.Contains(names, uc.name) {
			t.Errorf("%s: no built-in %s", uc.useCase, uc.name)
			continue
		}
		s := mustLoad(t, uc.name)
		var svcs []string
		for _, svc := range s.Services() {
			svcs = append(svcs, string(svc.Name))
		}
		for _, want := range needs[uc.name] {
			if !slices.Contains(svcs, want) {
				t.Errorf("%s (%s) does not use %s", uc.name, uc.useCase, want)
			}
		}
	}
}
