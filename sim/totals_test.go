package sim_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/streamsim/streamsim/internal/randpipe"
	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/sim"
)

// loads reports whether a scenario file is valid.
func loads(src string) bool {
	_, err := pipeline.Load("shape.yaml", []byte(src))
	return err == nil
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
		src := randpipe.Shape(r, i+1, loads)
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
	var rt pipeline.Rater
	for !e.Done() {
		e.Step()
		if err := e.CheckInvariants(); err != nil {
			fail("%v", err)
			return false
		}
		if e.Tick()%7 != 0 {
			continue
		}
		s := rt.Next(e.Snapshot())
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
	s := rt.Next(e.Snapshot())
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
