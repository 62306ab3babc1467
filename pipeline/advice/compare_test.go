package advice

import (
	"math"
	"testing"

	"github.com/streamsim/streamsim/pipeline"
)

func TestMetricDirection(t *testing.T) {
	for key, want := range map[string]Direction{
		"pipeline.lost_records":         WorseWhenUp,
		"clicks.throttled_records":      WorseWhenUp,
		"pipeline.latency_p99_s":        WorseWhenUp,
		"pipeline.cost_monthly_usd":     WorseWhenUp,
		"clicks.iterator_age_max_s":     WorseWhenUp,
		"clicks.lag_records":            WorseWhenUp,
		"clicks.max_shard_utilization":  WorseWhenUp,
		"pipeline.delivered_records":    BetterWhenUp,
		"pipeline.produced_records":     Neutral,
		"clicks.bytes_in":               Neutral,
		"delivery.objects":              Neutral,
		"pipeline.in_flight_records":    Neutral,
		"clicks.shards_end":             Neutral,
		"writer.failed_batches":         WorseWhenUp,
		"delivery.backup_records":       WorseWhenUp,
		"events.expired_records":        WorseWhenUp,
		"orders.retried_records":        WorseWhenUp,
		"clicks.read_throttled":         WorseWhenUp,
		"analytics.utilization_max":     WorseWhenUp,
		"topic.time_lag_max_s":          WorseWhenUp,
		"pipeline.throttled_records":    WorseWhenUp,
		"something.unknown_metric_here": Neutral,
	} {
		if got := MetricDirection(key); got != want {
			t.Errorf("MetricDirection(%s) = %v, want %v", key, got, want)
		}
	}
}

func report(passed bool, metrics map[string]float64, exp ...pipeline.ExpectationResult) *pipeline.Report {
	return &pipeline.Report{Scenario: "s", Backend: "sim", Passed: passed, Metrics: metrics, Expectations: exp}
}

func TestCompare(t *testing.T) {
	a := report(true, map[string]float64{
		"pipeline.lost_records": 0, "pipeline.delivered_records": 1000, "pipeline.latency_p99_s": 10,
		"pipeline.cost_monthly_usd": 100, "pipeline.produced_records": 1000, "x.objects": 5, "gone.records_in": 1,
	}, pipeline.ExpectationResult{Expr: "pipeline.lost_records == 0", Passed: true})
	b := report(false, map[string]float64{
		"pipeline.lost_records": 50, "pipeline.delivered_records": 950, "pipeline.latency_p99_s": 11,
		"pipeline.cost_monthly_usd": 80, "pipeline.produced_records": 1200, "x.objects": 5, "new.records_in": 2,
	}, pipeline.ExpectationResult{Expr: "pipeline.lost_records == 0", Passed: false})
	b.Advice = []pipeline.Advice{{Severity: pipeline.SeverityCritical}}
	d := Compare(a, b)
	want := []struct{ key, class string }{
		{"expect pipeline.lost_records == 0", Regression},
		{"passed", Regression},
		{"advice.critical", Regression},        // from 0: +Inf
		{"pipeline.lost_records", Regression},  // from 0: +Inf (sorted by key after advice)
		{"pipeline.latency_p99_s", Regression}, // +10%
		{"pipeline.delivered_records", Regression},
		{"pipeline.cost_monthly_usd", Improvement},
		{"pipeline.produced_records", Changed},
		{"new.records_in", Added},
		{"gone.records_in", Removed},
	}
	if len(d.Deltas) != len(want) {
		t.Fatalf("deltas = %+v", d.Deltas)
	}
	for i, w := range want {
		if d.Deltas[i].Key != w.key || d.Deltas[i].Class != w.class {
			t.Errorf("delta %d = %s (%s), want %s (%s)", i, d.Deltas[i].Key, d.Deltas[i].Class, w.key, w.class)
		}
	}
	if d.Unchanged != 1 || d.Count(Regression) != 6 {
		t.Errorf("unchanged %d regressions %d", d.Unchanged, d.Count(Regression))
	}
	// Same reports: nothing but unchanged.
	if d := Compare(a, a); len(d.Deltas) != 0 || d.Unchanged != len(a.Metrics) {
		t.Errorf("self compare = %+v", d)
	}
}

func TestDeltaText(t *testing.T) {
	for _, tc := range []struct {
		d         Delta
		a, b, chg string
	}{
		{Delta{Key: "pipeline.latency_p99_s", A: 10, B: 15, Class: Regression}, "10.0 s", "15.0 s", "+50%"},
		{Delta{Key: "pipeline.cost_monthly_usd", A: 1000, B: 990, Class: Improvement}, "$1,000.00", "$990.00", "-1%"},
		{Delta{Key: "clicks.max_shard_utilization", A: 0.5, B: 0.52, Class: Regression}, "50.0%", "52.0%", "+4%"},
		{Delta{Key: "lake.bytes_in", A: 1 << 30, B: 1 << 31, Class: Changed}, "1.0 GiB", "2.0 GiB", "+100%"},
		{Delta{Key: "pipeline.lost_records", A: 0, B: 1234, Class: Regression}, "0", "1,234", "from 0"},
		{Delta{Key: "passed", A: 1, B: 0, Class: Regression}, "PASS", "FAIL", ""},
		{Delta{Key: "x.records_in", A: math.NaN(), B: 3, Class: Added}, "-", "3", ""},
	} {
		if a, b, c := FormatValue(tc.d.Key, tc.d.A), FormatValue(tc.d.Key, tc.d.B), tc.d.Change(); a != tc.a || b != tc.b || c != tc.chg {
			t.Errorf("%s: %q → %q (%q), want %q → %q (%q)", tc.d.Key, a, b, c, tc.a, tc.b, tc.chg)
		}
	}
}
