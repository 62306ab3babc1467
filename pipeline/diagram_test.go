package pipeline

import (
	"sort"
	"strings"
	"testing"
)

// diagramNode builds a node without the loader: service by name, params as the
// file would write them (full dotted keys), then `from` and `to`.
func diagramNode(t *testing.T, id, service string, params map[string]string, from string, to ...string) *Node {
	t.Helper()
	svc, ok := LookupService(service)
	if !ok {
		t.Fatalf("no service %q", service)
	}
	n := &Node{ID: id, Stage: svc.Stage, Service: svc, From: from, To: to, Params: map[string]Value{}}
	keys := make([]string, 0, len(params))
	for k := range params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		def, ok := svc.Key(k)
		if !ok {
			t.Fatalf("%s: no key %q", service, k)
		}
		v, err := ParseValue(def.Kind, params[k])
		if err != nil {
			t.Fatalf("%s.%s: %v", id, k, err)
		}
		n.Params[k] = v
	}
	return n
}

// seedDiagramScenario is the seed pipeline of the scenario format: web and IoT
// producers into one Kinesis stream, read by Firehose into S3 and by Flink into
// OpenSearch.
func seedDiagramScenario(t *testing.T) *Scenario {
	return &Scenario{
		Name:  "seed-pipeline",
		Title: "Clickstream into a data lake and a search index",
		Nodes: []*Node{
			diagramNode(t, "web", "producer", map[string]string{"kind": "web", "rate": "1500/s", "record_size.mean": "1KiB"}, "", "clicks"),
			diagramNode(t, "iot", "producer", map[string]string{"kind": "iot", "rate": "500/s", "pattern.shape": "poisson"}, "", "clicks"),
			diagramNode(t, "clicks", "kinesis-data-streams", map[string]string{"mode": "provisioned", "shards": "4"}, ""),
			diagramNode(t, "delivery", "firehose", map[string]string{"buffer.size": "5MiB", "buffer.interval": "300s"}, "clicks", "lake"),
			diagramNode(t, "analytics", "flink", map[string]string{"kpus": "2", "read": "enhanced-fan-out", "window": "1m"}, "clicks", "search"),
			diagramNode(t, "lake", "s3", nil, ""),
			diagramNode(t, "search", "opensearch", map[string]string{"instances": "3"}, ""),
		},
	}
}

// everyServiceScenario uses every service of the catalog once, with settings that
// exercise each branch of the labels.
func everyServiceScenario(t *testing.T) *Scenario {
	return &Scenario{
		Name: "every-service",
		Nodes: []*Node{
			diagramNode(t, "devices", "producer", map[string]string{"kind": "iot", "rate": "5MiB/s", "record_size.mean": "512B",
				"pattern.shape": "diurnal", "pattern.peak": "3x", "keys.dist": "zipf", "keys.skew": "1.2", "aggregation": "true"}, "", "events"),
			diagramNode(t, "shop", "producer", map[string]string{"rate": "200/s", "pattern.shape": "spike", "pattern.at": "10m",
				"pattern.for": "2m", "pattern.factor": "5", "keys.dist": "hot", "keys.fraction": "60%"}, "", "payments"),
			diagramNode(t, "batch", "producer", map[string]string{"kind": "logs", "rate": "100/s", "pattern.shape": "ramp",
				"pattern.to": "2000/s", "pattern.over": "30m", "keys.dist": "random"}, "", "direct", "stream-2"),
			diagramNode(t, "cams", "producer", map[string]string{"kind": "custom", "rate": "30/s", "record_size.mean": "64KiB"}, "", "cameras"),
			diagramNode(t, "events", "kinesis-data-streams", map[string]string{"mode": "on-demand", "retention": "7d"}, ""),
			diagramNode(t, "stream-2", "kinesis-data-streams", map[string]string{"shards": "1"}, ""),
			diagramNode(t, "payments", "msk", map[string]string{"brokers": "3", "partitions": "12"}, ""),
			diagramNode(t, "serverless", "msk-serverless", map[string]string{"partitions": "24"}, ""),
			diagramNode(t, "cameras", "kinesis-video-streams", map[string]string{"streams": "10"}, ""),
			diagramNode(t, "direct", "firehose", map[string]string{"format": "parquet", "transform.lambda": "true"}, "", "warehouse"),
			diagramNode(t, "agg", "flink", map[string]string{"kpus": "1", "capacity": "4MiB/s"}, "events", "serverless"),
			diagramNode(t, "etl", "glue-streaming", nil, "payments", "lake"),
			diagramNode(t, "spark", "emr", map[string]string{"instances": "5"}, "serverless", "warehouse"),
			diagramNode(t, "fn", "lambda", map[string]string{"read": "enhanced-fan-out"}, "stream-2", "table"),
			diagramNode(t, "reader", "app", map[string]string{"instances": "2"}, "cameras", "lake"),
			diagramNode(t, "lake", "s3", map[string]string{"prefixes": "16"}, ""),
			diagramNode(t, "warehouse", "redshift", nil, ""),
			diagramNode(t, "table", "dynamodb", map[string]string{"mode": "on-demand"}, ""),
			diagramNode(t, "search", "opensearch", map[string]string{"instance_type": "m6g.large.search", "instances": "2"}, ""),
		},
	}
}

func TestDiagramGoldens(t *testing.T) {
	for _, tc := range []struct {
		name string
		s    *Scenario
	}{
		{"seed", seedDiagramScenario(t)},
		{"every-service", everyServiceScenario(t)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			goldenCheck(t, "graph/"+tc.name+".mermaid", Mermaid(tc.s))
			goldenCheck(t, "graph/"+tc.name+".dot", Dot(tc.s))
		})
	}
}

func TestDiagramsCoverEveryService(t *testing.T) {
	s := everyServiceScenario(t)
	used := map[ServiceName]bool{}
	for _, n := range s.Nodes {
		used[n.Service.Name] = true
	}
	for _, svc := range Services() {
		if !used[svc.Name] {
			t.Errorf("everyServiceScenario does not use %s; add it so its label is covered", svc.Name)
		}
	}
}

func TestDiagramsAreDeterministic(t *testing.T) {
	s := everyServiceScenario(t)
	m, d := Mermaid(s), Dot(s)
	for range 20 {
		if Mermaid(s) != m || Dot(s) != d {
			t.Fatal("two renderings of the same scenario differ")
		}
	}
}

func TestDiagramEdges(t *testing.T) {
	s := seedDiagramScenario(t)
	var got []string
	for _, e := range s.Edges() {
		got = append(got, e[0]+">"+e[1])
	}
	want := "web>clicks iot>clicks clicks>delivery clicks>analytics delivery>lake analytics>search"
	if strings.Join(got, " ") != want {
		t.Errorf("edges = %v, want %s", got, want)
	}
}

func TestDiagramStagesAndEmptyStages(t *testing.T) {
	// Direct PUT: no stream storage, so no empty "Stream storage" group.
	s := &Scenario{Name: "direct", Nodes: []*Node{
		diagramNode(t, "app", "producer", map[string]string{"rate": "10/s"}, "", "fh"),
		diagramNode(t, "fh", "firehose", nil, "", "lake"),
		diagramNode(t, "lake", "s3", nil, ""),
	}}
	m, d := Mermaid(s), Dot(s)
	for _, want := range []string{`subgraph producers["Producers"]`, `subgraph consumers["Consumers"]`, `subgraph destinations["Destinations"]`, "Direct PUT"} {
		if !strings.Contains(m, want) {
			t.Errorf("mermaid lacks %q:\n%s", want, m)
		}
	}
	if strings.Contains(m, "Stream storage") || strings.Contains(d, "Stream storage") {
		t.Errorf("empty stage drawn:\n%s\n%s", m, d)
	}
	if !strings.Contains(d, `label="Destinations";`) || !strings.Contains(d, "rankdir=LR") {
		t.Errorf("dot lacks the destination cluster or LR layout:\n%s", d)
	}
}

func TestDiagramEscaping(t *testing.T) {
	s := &Scenario{Name: "esc", Title: `Say "hi" <b>#1</b> \ back`, Nodes: []*Node{
		diagramNode(t, "end", "producer", map[string]string{"rate": "1/s"}, "", "lake"),
		diagramNode(t, "lake", "s3", nil, ""),
	}}
	m := Mermaid(s)
	if !strings.Contains(m, `title: "Say \"hi\" <b>#1</b> \\ back"`) {
		t.Errorf("mermaid title not quoted:\n%s", m)
	}
	if !strings.Contains(m, "n_end[") || strings.Contains(m, "\n    end[") {
		t.Errorf("node id %q must not be written as the Mermaid keyword:\n%s", "end", m)
	}
	if got := mermaidEscape(`a "b" <c> #d`); got != `a #quot;b#quot; #lt;c#gt; #35;d` {
		t.Errorf("mermaidEscape = %s", got)
	}
	d := Dot(s)
	if !strings.Contains(d, `label="Say \"hi\" <b>#1</b> \\ back"`) {
		t.Errorf("dot title not escaped:\n%s", d)
	}
	if got := dotEscape("a \"b\" \\ c\nd"); got != `a \"b\" \\ c\nd` {
		t.Errorf("dotEscape = %s", got)
	}
}
