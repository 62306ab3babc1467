// Package randpipe writes random scenario files of every shape the format
// allows, for property tests: sim's totals test and the advisor's check of
// its suggestions share it. It imports the standard library only; callers
// pass the validator.
package randpipe

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

type stage int

const (
	producer stage = iota
	storage
	consumer
	destination
)

var stageNames = []string{"producers", "storage", "consumers", "destinations"}

// shapeNode is one node of a generated pipeline, before it is written out.
type shapeNode struct {
	id, svc string
	stage   stage
	from    string
	to      []string
	lines   []string // further `key: value` lines
}

// Shape writes a random pipeline of any shape docs/totals.md
// speaks of: one or two stores (Kinesis provisioned or on-demand, MSK, MSK
// Serverless, Kinesis Video Streams) and maybe a Direct PUT Firehose;
// producers writing to one or two targets (fan-out) and stores written by
// several (fan-in); every consumer kind reading by polling or enhanced
// fan-out and writing to one or two destinations, or into another stream or
// Firehose (chains); Redshift reading a stream itself; and a fault: a node
// failing for a while, an MSK broker lost, a Lambda poison record. Only
// shapes valid accepts (pipeline.Load, say) are returned.
func Shape(r *rand.Rand, seed int, valid func(src string) bool) string {
	for {
		if src := shapeOnce(r, seed); valid(src) {
			return src
		}
	}
}

func shapeOnce(r *rand.Rand, seed int) string {
	pick := func(xs ...string) string { return xs[r.IntN(len(xs))] }
	var nodes []*shapeNode
	add := func(n *shapeNode) *shapeNode { nodes = append(nodes, n); return n }

	var stores, streams []*shapeNode // streams: what consumers may write into
	nStores := 1 + r.IntN(2)
	for i := 0; i < nStores; i++ {
		svc := pick("kinesis-data-streams", "kinesis-data-streams", "msk", "msk-serverless", "kinesis-video-streams")
		if i > 0 && svc == "kinesis-video-streams" {
			svc = "kinesis-data-streams"
		}
		s := add(&shapeNode{id: fmt.Sprintf("s%d", i), svc: svc, stage: storage})
		switch svc {
		case "kinesis-data-streams":
			if r.IntN(4) == 0 {
				s.lines = append(s.lines, "mode: on-demand")
			} else {
				s.lines = append(s.lines, fmt.Sprintf("shards: %d", 1+r.IntN(6)))
			}
		case "msk":
			s.lines = append(s.lines, fmt.Sprintf("brokers: 3\npartitions: %d", 1+r.IntN(12)))
		case "msk-serverless":
			s.lines = append(s.lines, fmt.Sprintf("partitions: %d", 1+r.IntN(6)))
		case "kinesis-video-streams":
			s.lines = append(s.lines, fmt.Sprintf("streams: %d", 1+r.IntN(4)))
		}
		stores = append(stores, s)
		if svc != "kinesis-video-streams" {
			streams = append(streams, s)
		}
	}
	var direct *shapeNode
	if r.IntN(3) == 0 {
		direct = add(&shapeNode{id: "d", svc: "firehose", stage: consumer,
			lines: []string{fmt.Sprintf("buffer: {size: 1MiB, interval: %s}", pick("0s", "60s"))}})
	}
	// Every store gets at least one writer.
	producerTargets := append([]*shapeNode(nil), stores...)
	if direct != nil {
		producerTargets = append(producerTargets, direct)
	}
	nProd := 1 + r.IntN(3)
	for i := 0; i < nProd; i++ {
		p := add(&shapeNode{id: fmt.Sprintf("p%d", i), svc: "producer", stage: producer})
		p.lines = append(p.lines,
			fmt.Sprintf("rate: %d/s", 10+r.IntN(3000)),
			"record_size: "+pick("100B", "1KiB", "4KiB", "{mean: 2KiB, max: 8KiB, dist: lognormal}"),
			"pattern: "+pick("constant", "{shape: poisson}", "{shape: spike, at: 2m, for: 1m, factor: 4}", "{shape: diurnal, peak: 2x, period: 10m}", "{shape: ramp, to: 3000/s, over: 5m}"),
			"keys: "+pick("{dist: uniform, count: 5000}", "{dist: zipf, count: 1000, skew: 1.2}", "{dist: hot, count: 100, fraction: 50%}", "{dist: random}"),
			fmt.Sprintf("retries: {max: %d, backoff: %s}", r.IntN(4), pick("100ms", "1s")),
			fmt.Sprintf("aggregation: %v", r.IntN(4) == 0))
		first := producerTargets[i%len(producerTargets)]
		if i >= len(producerTargets) {
			first = producerTargets[r.IntN(len(producerTargets))]
		}
		p.to = []string{first.id}
		if r.IntN(2) == 0 { // fan-out: a second target
			if second := producerTargets[r.IntN(len(producerTargets))]; second != first {
				p.to = append(p.to, second.id)
			}
		}
	}
	dests := []string{"lake", "search", "table", "warehouse"}
	writes := map[string][]string{
		"firehose":       {"lake", "search", "warehouse"},
		"glue-streaming": {"lake", "table", "warehouse"},
		"emr":            dests, "flink": dests, "lambda": dests, "app": dests,
	}
	nCons := 1 + r.IntN(4)
	for i := 0; i < nCons; i++ {
		src := stores[r.IntN(len(stores))]
		svc := pick("firehose", "app", "lambda", "flink", "glue-streaming", "emr")
		if src.svc == "kinesis-video-streams" {
			svc = "app"
		}
		c := add(&shapeNode{id: fmt.Sprintf("c%d", i), svc: svc, stage: consumer, from: src.id})
		if src.svc == "kinesis-data-streams" && svc != "firehose" && r.IntN(2) == 0 {
			c.lines = append(c.lines, "read: enhanced-fan-out")
		}
		switch svc {
		case "firehose":
			c.lines = append(c.lines, fmt.Sprintf("buffer: {size: %s, interval: %s}", pick("1MiB", "5MiB"), pick("0s", "60s", "300s")))
		case "app":
			c.lines = append(c.lines, fmt.Sprintf("instances: %d", 1+r.IntN(3)))
		case "lambda":
			c.lines = append(c.lines, fmt.Sprintf("batch_size: %d\nparallelization: %d\nduration: %s", 1+r.IntN(500), 1+r.IntN(10), pick("1ms", "5ms", "20ms")))
		case "flink":
			c.lines = append(c.lines, fmt.Sprintf("kpus: %d\nwindow: %s", 1+r.IntN(4), pick("0s", "30s", "1m")))
		case "glue-streaming":
			c.lines = append(c.lines, fmt.Sprintf("workers: %d\nwindow: %s", 2+r.IntN(3), pick("10s", "100s")))
		case "emr":
			c.lines = append(c.lines, fmt.Sprintf("engine: %s\ninstances: %d", pick("spark-streaming", "flink", "storm"), 1+r.IntN(4)))
		}
		ws := writes[svc]
		c.to = []string{ws[r.IntN(len(ws))]}
		switch {
		case svc != "firehose" && svc != "glue-streaming" && r.IntN(4) == 0 && len(streams) > 1:
			// A chain: into the other stream (fan-in with its producers).
			for _, s := range streams {
				if s.id != src.id {
					c.to = []string{s.id}
				}
			}
		case (svc == "lambda" || svc == "app" || svc == "flink") && direct != nil && r.IntN(4) == 0:
			c.to = []string{direct.id}
		case r.IntN(3) == 0: // fan-out: a second destination
			if d := ws[r.IntN(len(ws))]; d != c.to[0] {
				c.to = append(c.to, d)
			}
		}
	}
	if direct != nil {
		direct.to = []string{pick("lake", "search")}
	}
	warehouse := &shapeNode{id: "warehouse", svc: "redshift", stage: destination}
	if len(streams) > 0 && r.IntN(4) == 0 {
		warehouse.from = streams[r.IntN(len(streams))].id
		warehouse.lines = append(warehouse.lines, "refresh: "+pick("0s", "10s", "1m"))
	}
	add(&shapeNode{id: "lake", svc: "s3", stage: destination})
	add(&shapeNode{id: "search", svc: "opensearch", stage: destination, lines: []string{fmt.Sprintf("instances: %d", 1+r.IntN(3))}})
	add(&shapeNode{id: "table", svc: "dynamodb", stage: destination,
		lines: []string{"mode: " + pick("provisioned", "on-demand"), fmt.Sprintf("wcu: %d", 100+r.IntN(3000))}})
	add(warehouse)

	var b strings.Builder
	fmt.Fprintf(&b, "version: 1\nname: shape-%d\nseed: %d\nduration: %dm\ntick: %s\n", seed, seed, 5+r.IntN(10), pick("1s", "2s"))
	for _, st := range []stage{producer, storage, consumer, destination} {
		b.WriteString(stageNames[st] + ":\n")
		for _, n := range nodes {
			if n.stage != st {
				continue
			}
			fmt.Fprintf(&b, "  - id: %s\n", n.id)
			if st != producer {
				fmt.Fprintf(&b, "    service: %s\n", n.svc)
			}
			if n.from != "" {
				fmt.Fprintf(&b, "    from: %s\n", n.from)
			}
			for _, l := range n.lines {
				for _, x := range strings.Split(l, "\n") {
					b.WriteString("    " + x + "\n")
				}
			}
			if len(n.to) > 0 {
				fmt.Fprintf(&b, "    to: [%s]\n", strings.Join(n.to, ", "))
			}
		}
	}
	b.WriteString("timeline:\n")
	fmt.Fprintf(&b, "  - at: 1m\n    set: {p0.rate: %d/s}\n", 10+r.IntN(5000))
	victim := nodes[r.IntN(len(nodes))]
	switch {
	case victim.svc == "msk":
		fmt.Fprintf(&b, "  - at: 2m\n    set: {%s.brokers_down: 1}\n  - at: 4m\n    set: {%s.brokers_down: 0}\n", victim.id, victim.id)
	case victim.svc == "lambda" && r.IntN(2) == 0:
		fmt.Fprintf(&b, "  - at: 2m\n    set: {%s.poison_records: 1}\n", victim.id)
	default:
		fmt.Fprintf(&b, "  - at: 2m\n    fail: %s\n    for: %s\n", victim.id, pick("30s", "2m"))
	}
	return b.String()
}
