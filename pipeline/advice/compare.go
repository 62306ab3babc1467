package advice

import (
	"math"
	"sort"
	"strings"

	"github.com/streamsim/streamsim/pipeline"
)

// Direction says which way a metric gets worse.
type Direction int

// Directions of metrics for report diffs.
const (
	Neutral      Direction = iota // a change is neither better nor worse (traffic volumes, counts of objects)
	WorseWhenUp                   // lost, throttled, retried, expired, lag, latency, iterator age, cost, utilisation
	BetterWhenUp                  // delivered records
)

// worseUp lists the metric names (the part after "node.", without the _s or
// _usd suffix) that are worse when they grow. Utilisation counts as worse:
// less headroom before throttling.
var worseUp = []string{
	"lost_records", "throttled_records", "retried_records", "expired_records", "read_throttled",
	"lag_records", "offset_lag_max", "iterator_age_max", "time_lag_max",
	"latency_p50", "latency_p99", "latency_max", "cost_monthly",
	"max_shard_utilization", "utilization_max", "failed_batches", "backup_records",
}

// MetricDirection says which way a report metric (its JSON key, such as
// "pipeline.latency_p99_s") gets worse.
func MetricDirection(key string) Direction {
	_, name := pipeline.SplitRef(key)
	name = strings.TrimSuffix(strings.TrimSuffix(name, "_usd"), "_s")
	switch {
	case name == "delivered_records":
		return BetterWhenUp
	case contains(worseUp, name):
		return WorseWhenUp
	}
	return Neutral
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Change classes of a Delta, in the order Compare sorts them.
const (
	Regression  = "regression"
	Improvement = "improvement"
	Changed     = "changed" // a neutral metric moved
	Added       = "added"   // only in B
	Removed     = "removed" // only in A
)

// Delta is one difference between two reports.
type Delta struct {
	Key   string  // the metric's report key, or "expect <expr>" / "passed" / "advice.<severity>"
	A, B  float64 // values (NaN when absent); expectations and passed are 1 (holds) or 0
	Class string
}

// Rel is the relative change (B − A) ÷ |A|; ±Inf when A is 0.
func (d Delta) Rel() float64 {
	if d.A == 0 {
		return math.Copysign(math.Inf(1), d.B)
	}
	return (d.B - d.A) / math.Abs(d.A)
}

// Diff is the comparison of two reports.
type Diff struct {
	A, B      *pipeline.Report
	Deltas    []Delta // regressions, improvements, neutral changes, added, removed
	Unchanged int     // metrics equal in both
}

// Count returns how many deltas have class c.
func (d Diff) Count(c string) int {
	n := 0
	for _, x := range d.Deltas {
		if x.Class == c {
			n++
		}
	}
	return n
}

// Compare diffs two reports: every metric, the verdict, each expectation
// (matched by its text) and the number of advice findings per severity.
// Regressions come first, then improvements, then neutral changes, then
// metrics only one report has; within a class the largest relative change
// first, then by key.
func Compare(a, b *pipeline.Report) Diff {
	d := Diff{A: a, B: b}
	same := func(x, y float64) bool {
		if math.IsNaN(x) || math.IsNaN(y) {
			return math.IsNaN(x) && math.IsNaN(y)
		}
		return math.Abs(x-y) <= 1e-9*math.Max(1, math.Max(math.Abs(x), math.Abs(y)))
	}
	classify := func(key string, x, y float64, dir Direction) {
		if same(x, y) {
			d.Unchanged++
			return
		}
		c := Changed
		up := y > x || (math.IsNaN(x) && !math.IsNaN(y))
		switch {
		case dir == WorseWhenUp && up, dir == BetterWhenUp && !up:
			c = Regression
		case dir != Neutral:
			c = Improvement
		}
		d.Deltas = append(d.Deltas, Delta{Key: key, A: x, B: y, Class: c})
	}
	b2f := func(v bool) float64 {
		if v {
			return 1
		}
		return 0
	}
	if a.Passed != b.Passed {
		classify("passed", b2f(a.Passed), b2f(b.Passed), BetterWhenUp)
	}
	exp := map[string]bool{}
	for _, e := range a.Expectations {
		exp[e.Expr] = e.Passed
	}
	seen := map[string]bool{}
	for _, e := range b.Expectations {
		seen[e.Expr] = true
		if pa, ok := exp[e.Expr]; ok && pa != e.Passed {
			classify("expect "+e.Expr, b2f(pa), b2f(e.Passed), BetterWhenUp)
		}
	}
	keys := map[string]bool{}
	for k := range a.Metrics {
		keys[k] = true
	}
	for k := range b.Metrics {
		keys[k] = true
	}
	sorted := make([]string, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	for _, k := range sorted {
		x, inA := a.Metrics[k]
		y, inB := b.Metrics[k]
		switch {
		case inA && inB:
			classify(k, x, y, MetricDirection(k))
		case inB:
			d.Deltas = append(d.Deltas, Delta{Key: k, A: math.NaN(), B: y, Class: Added})
		default:
			d.Deltas = append(d.Deltas, Delta{Key: k, A: x, B: math.NaN(), Class: Removed})
		}
	}
	for _, sev := range []string{pipeline.SeverityCritical, pipeline.SeverityWarning} {
		na, nb := 0, 0
		for _, x := range a.Advice {
			if x.Severity == sev {
				na++
			}
		}
		for _, x := range b.Advice {
			if x.Severity == sev {
				nb++
			}
		}
		if na != nb {
			classify("advice."+sev, float64(na), float64(nb), WorseWhenUp)
		}
	}
	rank := map[string]int{Regression: 0, Improvement: 1, Changed: 2, Added: 3, Removed: 4}
	sort.SliceStable(d.Deltas, func(i, j int) bool {
		x, y := d.Deltas[i], d.Deltas[j]
		if rank[x.Class] != rank[y.Class] {
			return rank[x.Class] < rank[y.Class]
		}
		// Verdict and expectations lead their class.
		if px, py := headKey(x.Key), headKey(y.Key); px != py {
			return px
		}
		rx, ry := math.Abs(x.Rel()), math.Abs(y.Rel())
		if !math.IsNaN(rx) && !math.IsNaN(ry) && rx != ry {
			return rx > ry
		}
		return x.Key < y.Key
	})
	return d
}

func headKey(k string) bool { return k == "passed" || strings.HasPrefix(k, "expect ") }

// FormatValue writes a report value by its key's unit: seconds for _s,
// dollars for _usd, percentages for utilisation, sizes for bytes_, counts
// otherwise; "-" when absent.
func FormatValue(key string, v float64) string {
	if math.IsNaN(v) {
		return "-"
	}
	_, name := pipeline.SplitRef(key)
	switch {
	case key == "passed" || strings.HasPrefix(key, "expect "):
		if v == 1 {
			return "PASS"
		}
		return "FAIL"
	case strings.HasSuffix(key, "_s"):
		return pipeline.FormatMetric(pipeline.UnitSeconds, v)
	case strings.HasSuffix(key, "_usd"):
		return money(v)
	case strings.Contains(name, "utilization"):
		return pipeline.FormatMetric(pipeline.UnitRatio, v)
	case strings.HasPrefix(name, "bytes_"):
		return pipeline.ApproxSize(v)
	}
	return count(v)
}

// Change writes how a delta moved: "+1,234 (+5.2%)", "+51%", "new".
func (d Delta) Change() string {
	switch {
	case d.Class == Added || d.Class == Removed || headKey(d.Key):
		return ""
	case d.A == 0:
		return "from 0"
	}
	rel := d.Rel() * 100
	sign := "+"
	if rel < 0 {
		sign = "-"
	}
	r := math.Abs(rel)
	txt := trim1(r)
	if r >= 10 {
		txt = strings.TrimSuffix(strings.TrimSuffix(trim1(math.Round(r)), ".0"), ".")
	}
	return sign + txt + "%"
}
