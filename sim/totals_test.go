package sim_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/sim"
)

// shapeNode is one node of a generated pipeline, before it is written out.
type shapeNode struct {
	id, svc string
	stage   pipeline.Stage
	from    string
	to      []string
	lines   []string // further `key: value` lines
}

// randomShape writes a random valid pipeline of any shape docs/totals.md
// speaks of: one or two stores (Kinesis provisioned or on-demand, MSK, MSK
// Serverless, Kinesis Video Streams) and maybe a Direct PUT Firehose;
// producers writing to one or two targets (fan-out) and stores written by
// several (fan-in); every consumer kind reading by polling or enhanced
// fan-out and writing to one or two destinations, or into another stream or
// Firehose (chains); Redshift reading a stream itself; and a fault: a node
// failing for a while, an MSK broker lost, a Lambda poison record. Only
// shapes the validator accepts are returned.
func randomShape(r *rand.Rand, seed int) string {
	for {
		src := randomShapeOnce(r, seed)
		if _, err := pipeline.Load("shape.yaml", []byte(src)); err == nil {
			return src
		}
	}
}

func randomShapeOnce(r *rand.Rand, seed int) string {
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
		s := add(&shapeNode{id: fmt.Sprintf("s%d", i), svc: svc, stage: pipeline.Storage})
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
		direct = add(&shapeNode{id: "d", svc: "firehose", stage: pipeline.Consumer,
			lines: []string{fmt.Sprintf("buffer: {size: 1MiB, interval: %s}", pick("0s", "60s"))}})
	}
	// Every store gets at least one writer.
	producerTargets := append([]*shapeNode(nil), stores...)
	if direct != nil {
		producerTargets = append(producerTargets, direct)
	}
	nProd := 1 + r.IntN(3)
	for i := 0; i < nProd; i++ {
		p := add(&shapeNode{id: fmt.Sprintf("p%d", i), svc: "producer", stage: pipeline.Producer})
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
		c := add(&shapeNode{id: fmt.Sprintf("c%d", i), svc: svc, stage: pipeline.Consumer, from: src.id})
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
	warehouse := &shapeNode{id: "warehouse", svc: "redshift", stage: pipeline.Destination}
	if len(streams) > 0 && r.IntN(4) == 0 {
		warehouse.from = streams[r.IntN(len(streams))].id
		warehouse.lines = append(warehouse.lines, "refresh: "+pick("0s", "10s", "1m"))
	}
	add(&shapeNode{id: "lake", svc: "s3", stage: pipeline.Destination})
	add(&shapeNode{id: "search", svc: "opensearch", stage: pipeline.Destination, lines: []string{fmt.Sprintf("instances: %d", 1+r.IntN(3))}})
	add(&shapeNode{id: "table", svc: "dynamodb", stage: pipeline.Destination,
		lines: []string{"mode: " + pick("provisioned", "on-demand"), fmt.Sprintf("wcu: %d", 100+r.IntN(3000))}})
	add(warehouse)

	var b strings.Builder
	fmt.Fprintf(&b, "version: 1\nname: shape-%d\nseed: %d\nduration: %dm\ntick: %s\n", seed, seed, 5+r.IntN(10), pick("1s", "2s"))
	for _, st := range []pipeline.Stage{pipeline.Producer, pipeline.Storage, pipeline.Consumer, pipeline.Destination} {
		b.WriteString(st.String() + ":\n")
		for _, n := range nodes {
			if n.stage != st {
				continue
			}
			fmt.Fprintf(&b, "  - id: %s\n", n.id)
			if st != pipeline.Producer {
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

// TestTotalsAreTheSumOfTheirParts: for random pipelines of every shape, each
// pipeline total is the sum of its parts as docs/totals.md defines them, in
// the final metrics and in every snapshot; fan-out never inflates produced
// records; without fan-out produced = delivered + lost + in flight.
func TestTotalsAreTheSumOfTheirParts(t *testing.T) {
	n := 60
	if testing.Short() || raceEnabled {
		n = 12
	}
	r := rand.New(rand.NewPCG(19, 23))
	for i := 0; i < n; i++ {
		src := randomShape(r, i+1)
		sc, err := pipeline.Load(fmt.Sprintf("shape-%d.yaml", i), []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		if !checkTotals(t, sc) {
			t.Fatalf("scenario %d:\n%s", i, src)
		}
	}
}

// checkTotals runs sc, checking conservation every tick and the totals of
// snapshots along the way and of the final metrics.
func checkTotals(t *testing.T, sc *pipeline.Scenario) bool {
	t.Helper()
	ok := true
	fail := func(format string, args ...any) {
		t.Helper()
		t.Errorf(format, args...)
		ok = false
	}
	near := func(what string, got, want float64) {
		t.Helper()
		if math.Abs(got-want) > 1e-6*max(1, math.Abs(want)) {
			fail("%s = %.6f, the sum of its parts is %.6f", what, got, want)
		}
	}
	e, err := sim.New(sc)
	if err != nil {
		t.Fatal(err)
	}
	for !e.Done() {
		e.Step()
		if err := e.CheckInvariants(); err != nil {
			fail("%v", err)
			return false
		}
		if e.Tick()%7 != 0 {
			continue
		}
		s := e.Snapshot()
		var inFlight, refusedRate float64
		for _, ns := range s.Nodes {
			n := sc.Node(ns.ID)
			if n.Stage != pipeline.Destination {
				inFlight += ns.Held
			}
			if refuses(n) {
				refusedRate += ns.Throttled
			}
		}
		near(fmt.Sprintf("snapshot %v: in flight", s.Time), s.Pipeline.InFlight, inFlight)
		near(fmt.Sprintf("snapshot %v: throttled/s", s.Time), s.Pipeline.ThrottledRate, refusedRate)
	}
	m := e.Result().Metrics
	s := e.Snapshot()
	sum := func(metric string, keep func(*pipeline.Node) bool) float64 {
		var v float64
		for _, n := range sc.Nodes {
			if keep(n) {
				v += m[n.ID+"."+metric]
			}
		}
		return v
	}
	stage := func(st pipeline.Stage) func(*pipeline.Node) bool {
		return func(n *pipeline.Node) bool { return n.Stage == st }
	}
	all := func(*pipeline.Node) bool { return true }
	writer := func(n *pipeline.Node) bool { return !refuses(n) }

	produced := sum("records_in", stage(pipeline.Producer))
	near("produced_records", m["pipeline.produced_records"], produced)
	near("delivered_records", m["pipeline.delivered_records"], sum("records_in", stage(pipeline.Destination)))
	near("lost_records", m["pipeline.lost_records"], sum("lost_records", all))
	near("throttled_records", m["pipeline.throttled_records"], sum("throttled_records", refuses))
	// Every refusal a writer saw is one a stream or Firehose counted.
	near("writers' refused attempts", sum("throttled_records", writer),
		sum("throttled_records", func(n *pipeline.Node) bool { return refuses(n) && n.Stage != pipeline.Destination }))
	for k, v := range map[string]float64{
		"produced": s.Pipeline.Produced, "delivered": s.Pipeline.Delivered, "lost": s.Pipeline.Lost,
		"in_flight": s.Pipeline.InFlight, "throttled": s.Pipeline.Throttled,
	} {
		near("the last snapshot's "+k, v, m["pipeline."+k+"_records"])
	}

	// Fan-out never inflates what was produced: the same producers with
	// only their first target produce the same records.
	single := sc.Clone()
	for _, n := range single.Nodes {
		if n.Stage == pipeline.Producer {
			n.To = n.To[:1]
		}
	}
	if _, err := pipeline.Load("x.yaml", mustEncode(t, single)); err == nil {
		res, err := sim.Run(single)
		if err != nil {
			t.Fatal(err)
		}
		near("produced_records with each producer's first target only", m["pipeline.produced_records"], res.Metrics["pipeline.produced_records"])
	}
	// Nor does it inflate any destination: it gets each record at most once
	// per path to it.
	for _, d := range sc.Stage(pipeline.Destination) {
		var most float64
		for _, p := range sc.Stage(pipeline.Producer) {
			most += m[p.ID+".records_in"] * float64(paths(sc, p.ID, d.ID))
		}
		if got := m[d.ID+".records_in"]; got > most*(1+1e-9)+1e-6 {
			fail("%s took %.3f records; its producers made %.3f counted once per path", d.ID, got, most)
		}
	}
	if !fansOut(sc) {
		near("delivered + lost + in flight", m["pipeline.delivered_records"]+m["pipeline.lost_records"]+m["pipeline.in_flight_records"], produced)
	}
	return ok
}

// refuses reports whether a node's throttled_records are refusals of its own.
func refuses(n *pipeline.Node) bool {
	return n.Stage == pipeline.Storage || n.Stage == pipeline.Destination || n.Service.Name == "firehose"
}

// paths counts the paths from node a to node b (the graph has no cycles).
func paths(sc *pipeline.Scenario, a, b string) int {
	if a == b {
		return 1
	}
	k := 0
	for _, n := range sc.Nodes {
		if slices.Contains(sc.Node(a).To, n.ID) || n.From == a {
			k += paths(sc, n.ID, b)
		}
	}
	return k
}

// fansOut reports whether some node hands a record on to more than one node.
func fansOut(sc *pipeline.Scenario) bool {
	for _, n := range sc.Nodes {
		next := len(n.To)
		for _, m := range sc.Nodes {
			if m.From == n.ID {
				next++
			}
		}
		if next > 1 {
			return true
		}
	}
	return false
}

func mustEncode(t *testing.T, sc *pipeline.Scenario) []byte {
	t.Helper()
	data, err := pipeline.Encode(sc, false)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
