package scenarios

import (
	"math"
	"testing"

	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/sim"
)

// TestTotalsOfTheBuiltins pins the built-in cases where totals once
// disagreed with each other (docs/totals.md defines each):
//
//   - hot-partition-key: the pipeline's refused attempts added the
//     producer's view of the stream's refusals to the stream's own (9.38 M for
//     4.49 M + 0.40 M refused), and the dashboard's throughput pane did the
//     same with the rates;
//   - provisioned-vs-on-demand: a producer writing to two streams counted
//     each record twice as produced (36.48 M for 18.24 M generated).
func TestTotalsOfTheBuiltins(t *testing.T) {
	near := func(what string, got, want float64) {
		t.Helper()
		if math.Abs(got-want) > 1e-6*max(1, math.Abs(want)) {
			t.Errorf("%s = %.3f, want %.3f", what, got, want)
		}
	}

	m := simulate(t, mustLoad(t, "hot-partition-key")).Metrics
	near("pipeline.throttled_records", m["pipeline.throttled_records"], m["events.throttled_records"]+m["table.throttled_records"])
	near("orders.throttled_records (the producer's view of events')", m["orders.throttled_records"], m["events.throttled_records"])

	e, err := sim.New(mustLoad(t, "hot-partition-key"))
	if err != nil {
		t.Fatal(err)
	}
	e.Advance(20 * 60)
	var rt pipeline.Rater
	rt.Next(e.Snapshot())
	e.Advance(30)
	s := rt.Next(e.Snapshot())
	events, table := s.Node("events"), s.Node("table")
	if events.Throttled <= 0 {
		t.Fatalf("events refuses nothing at 20m30s")
	}
	near("the throughput pane's refusals/s", s.Pipeline.ThrottledRate, events.Throttled+table.Throttled)

	m = simulate(t, mustLoad(t, "provisioned-vs-on-demand")).Metrics
	near("pipeline.produced_records", m["pipeline.produced_records"], 18_240_000)
	near("checkout.records_in", m["checkout.records_in"], 18_240_000)
	near("pipeline.delivered_records", m["pipeline.delivered_records"], m["fixed-lake.records_in"]+m["elastic-lake.records_in"])
	near("pipeline.throttled_records", m["pipeline.throttled_records"], m["fixed.throttled_records"]+m["elastic.throttled_records"])
	near("pipeline.lost_records", m["pipeline.lost_records"], m["checkout.lost_records"])
}
