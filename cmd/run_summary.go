package cmd

// The summary `run` prints: the per-stage table, totals, expectations,
// events and the verdict line.

import (
	"fmt"
	"io"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	simbackend "github.com/streamsim/streamsim/backends/sim"
	"github.com/streamsim/streamsim/internal/textsafe"
	"github.com/streamsim/streamsim/pipeline"
)

// maxEvents bounds the events listed in the summary.
const maxEvents = 50

// verdictLine is the last line of every run, e.g.
// "PASS seed-pipeline: 7/7 expectations hold (simulated 1h in 0.21s)".
func verdictLine(st style, rep *pipeline.Report, simulated, wall time.Duration) string {
	n, failed := len(rep.Expectations), rep.Failed()
	var what string
	switch {
	case n == 0:
		what = "no expectations to check"
	case failed == 0:
		what = fmt.Sprintf("%d/%d %s", n, n, plural(n, "expectation holds", "expectations hold"))
	default:
		what = fmt.Sprintf("%d of %d %s", failed, n, plural(n, "expectation failed", "expectations failed"))
	}
	return fmt.Sprintf("%s %s: %s (simulated %s in %.2fs)", st.verdict(rep.Passed), rep.Scenario, what,
		pipeline.FormatDuration(simulated), wall.Seconds())
}

// writeRunSummary prints the per-stage table, the pipeline totals, the
// expectations and the events of a run.
func writeRunSummary(w io.Writer, st style, s *pipeline.Scenario, res simbackend.Outcome, rep *pipeline.Report) {
	m, simulated := res.Metrics, res.Length
	fmt.Fprintln(w, st.bold(scenarioTitle(s)))
	fmt.Fprintf(w, "seed %d · %s simulated in ticks of %s · backend sim\n\n", s.Seed,
		pipeline.FormatDuration(simulated), pipeline.FormatDuration(s.Tick))

	t := &table{right: []bool{false, false, false, true, true, true, true, false, true}}
	t.add("STAGE", "NODE", "SERVICE", "RECORDS IN", "RECORDS OUT", "LOST", "THROTTLED", "KEY METRIC", "COST/MONTH")
	for _, stage := range []pipeline.Stage{pipeline.Producer, pipeline.Storage, pipeline.Consumer, pipeline.Destination} {
		label := stage.String()
		for _, n := range s.Stage(stage) {
			get := func(k string) (float64, bool) { v, ok := m[n.ID+"."+k]; return v, ok }
			num := func(k string) string {
				if v, ok := get(k); ok {
					return formatCount(v)
				}
				return "-"
			}
			cost := "-"
			if v, ok := get("cost_monthly"); ok {
				cost = pipeline.FormatMetric(pipeline.UnitDollars, v)
			}
			thr := "-"
			if refusesWrites(n) {
				thr = num("throttled_records")
			}
			t.add(label, n.ID, string(n.Service.Name), num("records_in"), num("records_out"), num("lost_records"),
				thr, keyMetric(n, m), cost)
			label = ""
		}
	}
	t.write(w)

	fmt.Fprintln(w)
	costNote := ""
	if n := pricesNote(s.RegionOrDefault()); n != "" {
		costNote = " (" + n + ")"
	}
	writeTotals(w, s, m, "", costNote)
	writeExpectations(w, st, rep)

	if len(res.Events) > 0 {
		fmt.Fprintln(w)
		fmt.Fprintln(w, st.bold("events"))
		t := &table{indent: "  "}
		for i, ev := range res.Events {
			if i == maxEvents {
				break
			}
			t.add(pipeline.FormatDuration(ev.At), ev.Node, ev.Text)
		}
		t.write(w)
		if more := len(res.Events) - maxEvents; more > 0 {
			fmt.Fprintf(w, "  … and %d more\n", more)
		}
	}
	fmt.Fprintln(w)
}

// refusesWrites reports whether a node's throttled_records are attempts it
// refused itself (a stream, a destination, a consumer that takes Direct PUT
// as Firehose does), so that the summary's THROTTLED column adds up to the
// pipeline's total. A producer's or a processing consumer's
// throttled_records are its attempts that its target refused, already in
// the target's row (docs/totals.md).
func refusesWrites(n *pipeline.Node) bool {
	switch n.Stage {
	case pipeline.Storage, pipeline.Destination:
		return true
	case pipeline.Consumer:
		return n.Service.DirectPut
	}
	return false
}

// keyMetric is the one figure that says most about a node (its service's
// Figure).
func keyMetric(n *pipeline.Node, m map[string]float64) string {
	f := n.Service.Figure()
	v, ok := m[n.ID+"."+f.Metric]
	if !ok {
		return ""
	}
	switch f.Unit {
	case pipeline.UnitCount:
		return f.Label + " " + formatCount(v)
	case pipeline.UnitBytes:
		return f.Label + " " + formatBytes(v)
	}
	return f.Label + " " + pipeline.FormatMetric(f.Unit, v)
}

// formatCount writes a count rounded to a whole number with thousands
// separators; a value that is not a number shows as "-".
func formatCount(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "-"
	}
	return pipeline.FormatCount(v)
}

// formatBytes writes a byte count for the summary: "790.9 MiB".
func formatBytes(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "-"
	}
	return pipeline.ApproxSize(v)
}

// table lays out rows in columns two spaces apart, measuring in runes.
type table struct {
	indent string
	right  []bool // right-align column i
	rows   [][]string
}

// add adds a row; the cells are escaped, as some quote files and reports.
func (t *table) add(cells ...string) {
	for i, c := range cells {
		cells[i] = textsafe.Line(c)
	}
	t.rows = append(t.rows, cells)
}

func (t *table) write(w io.Writer) {
	var widths []int
	for _, r := range t.rows {
		for i, c := range r {
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], utf8.RuneCountInString(c))
		}
	}
	for _, r := range t.rows {
		var b strings.Builder
		b.WriteString(t.indent)
		for i, c := range r {
			pad := strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c))
			if i > 0 {
				b.WriteString("  ")
			}
			if i < len(t.right) && t.right[i] {
				b.WriteString(pad + c)
			} else {
				b.WriteString(c + pad)
			}
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
}

// writeTotals prints the pipeline's totals, latency and cost; the notes (may be
// empty) say how a backend measured latency and cost. Delivered counts a
// record once per destination it reached (docs/totals.md), so it says to how many.
func writeTotals(w io.Writer, s *pipeline.Scenario, m map[string]float64, latencyNote, costNote string) {
	p := func(k string) float64 { return m["pipeline."+k] }
	sec := func(k string) string { return pipeline.FormatMetric(pipeline.UnitSeconds, p(k)) }
	dests := len(s.Stage(pipeline.Destination))
	fmt.Fprintf(w, "pipeline  produced %s · delivered %s to %d %s · lost %s · in flight %s · throttled %s\n",
		formatCount(p("produced_records")), formatCount(p("delivered_records")), dests, plural(dests, "destination", "destinations"),
		formatCount(p("lost_records")), formatCount(p("in_flight_records")), formatCount(p("throttled_records")))
	fmt.Fprintf(w, "latency   p50 %s · p99 %s · max %s%s\n", sec("latency_p50"), sec("latency_p99"), sec("latency_max"), latencyNote)
	fmt.Fprintf(w, "cost      %s per month%s\n", pipeline.FormatMetric(pipeline.UnitDollars, p("cost_monthly")), costNote)
}

// pricesNote says that costs are priced at us-east-1's list prices when the
// scenario runs elsewhere ("" in us-east-1 or an unknown region): the fact
// sheet has no other Region's prices.
func pricesNote(region string) string {
	if region == "" || region == pipeline.DefaultRegion {
		return ""
	}
	return "prices are us-east-1 list prices; " + region + " may differ"
}

// withPricesNote adds pricesNote to a report's advice as an info line for the
// whole pipeline, so that the JSON report says it too.
func withPricesNote(list []pipeline.Advice, region string) []pipeline.Advice {
	if n := pricesNote(region); n != "" {
		list = append(list, pipeline.Advice{Severity: pipeline.SeverityInfo, Node: "pipeline", Message: n})
	}
	return list
}

// writeExpectations prints each expect line with its mark and measured value;
// a value the backend could not measure (NaN) says so.
func writeExpectations(w io.Writer, st style, rep *pipeline.Report) {
	if len(rep.Expectations) == 0 {
		return
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, st.bold("expect"))
	width := 0
	for _, e := range rep.Expectations {
		width = max(width, utf8.RuneCountInString(e.Expr))
	}
	for _, e := range rep.Expectations {
		val := e.Measured()
		if math.IsNaN(e.Value) {
			val = "not measured on " + rep.Backend
		}
		fmt.Fprintf(w, "  %s %s%s  %s\n", st.mark(e.Passed), e.Expr,
			strings.Repeat(" ", width-utf8.RuneCountInString(e.Expr)), val)
	}
}
