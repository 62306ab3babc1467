package cmd

// What `run --backend aws` prints and writes: the summary, the verdict, the
// losses, the comparison with a simulation, the CSV time series.

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"time"

	awsb "github.com/streamsim/streamsim/backends/aws"
	simbackend "github.com/streamsim/streamsim/backends/sim"
	"github.com/streamsim/streamsim/pipeline"
)

// awsVerdictLine is the last line of an aws run.
func awsVerdictLine(st style, rep *pipeline.Report, res awsb.Result, wall time.Duration, runErr error, runID string) string {
	n, failed := len(rep.Expectations), rep.Failed()
	var what string
	switch {
	case n == 0:
		what = "no expectations to check"
	case res.Elapsed <= 0:
		what = fmt.Sprintf("%d %s not checked", n, plural(n, "expectation", "expectations"))
	case failed == 0:
		what = fmt.Sprintf("%d/%d %s", n, n, plural(n, "expectation holds", "expectations hold"))
	default:
		what = fmt.Sprintf("%d of %d %s", failed, n, plural(n, "expectation failed", "expectations failed"))
	}
	verdict := st.verdict(rep.Passed && runErr == nil)
	if runErr != nil {
		verdict = st.failed("ERROR")
	}
	var left string
	switch {
	case len(res.Created) == 0:
		left = "nothing was created"
	case res.Kept:
		left = fmt.Sprintf("kept %d resources (--keep)", len(res.Created))
	case len(res.Left) > 0:
		left = fmt.Sprintf("could not delete %d of the %d resources it created: streamsim cleanup --run %s --yes", len(res.Left), len(res.Created), runID)
	case len(res.Gone) > 0:
		left = fmt.Sprintf("of the %d resources it created, deleted %d and found %d already gone", len(res.Created), len(res.Created)-len(res.Gone), len(res.Gone))
	default:
		left = fmt.Sprintf("deleted all %d resources it created", len(res.Created))
	}
	how := fmt.Sprintf("ran %s of real time against aws in %.0fs", pipeline.FormatDuration(res.Elapsed.Round(time.Second)), wall.Seconds())
	if res.Interrupted {
		how = "interrupted after " + pipeline.FormatDuration(res.Elapsed.Round(time.Second))
	}
	return fmt.Sprintf("%s %s: %s (%s; %s)", verdict, rep.Scenario, what, how, left)
}

// writeAWSSummary prints the per-node table, totals, expectations, what was
// not measured, and the run's events.
func writeAWSSummary(w io.Writer, st style, s *pipeline.Scenario, plan *awsb.Plan, res awsb.Result, rep *pipeline.Report) {
	m := res.Metrics
	fmt.Fprintln(w)
	fmt.Fprintln(w, st.bold(scenarioTitle(s)))
	fmt.Fprintf(w, "run %s · %s of real time · backend aws\n\n", plan.RunID, pipeline.FormatDuration(res.Elapsed.Round(time.Second)))
	t := &table{right: []bool{false, false, false, true, true, true, true, false}}
	t.add("STAGE", "NODE", "RUNS AS", "RECORDS IN", "RECORDS OUT", "LOST", "THROTTLED", "KEY METRIC")
	for _, stage := range []pipeline.Stage{pipeline.Producer, pipeline.Storage, pipeline.Consumer, pipeline.Destination} {
		label := stage.String()
		for _, n := range s.Stage(stage) {
			num := func(k string) string {
				if v, ok := m[n.ID+"."+k]; ok && !math.IsNaN(v) {
					return formatCount(v)
				}
				return "-"
			}
			thr := "-"
			if refusesWrites(n) {
				thr = num("throttled_records")
			}
			t.add(label, n.ID, runsAs(plan, n), num("records_in"), num("records_out"), num("lost_records"),
				thr, keyMetric(n, finite(m)))
			label = ""
		}
	}
	t.write(w)
	fmt.Fprintln(w)
	costNote := " at the measured load (resources created here only"
	if n := pricesNote(plan.Region); n != "" {
		costNote += "; " + n
	}
	writeTotals(w, s, m, " (from each record's timestamp to its write into a destination)", costNote+")")
	writeLosses(w, res)
	if len(res.Faults) > 0 {
		fmt.Fprintln(w)
		fmt.Fprintln(w, st.bold("endpoint faults (the run fails: what it measured is incomplete)"))
		for _, l := range res.Faults {
			fmt.Fprintf(w, "  %s\n", l)
		}
	}
	writeExpectations(w, st, rep)
	if len(res.Left) > 0 {
		fmt.Fprintln(w)
		fmt.Fprintln(w, st.bold("not deleted"))
		for _, r := range res.Left {
			fmt.Fprintf(w, "  %s %s\n", r.Kind, r.Name)
		}
	}
	if len(res.Unmeasured) > 0 {
		fmt.Fprintf(w, "\nnot measured on aws (null in the JSON report): %s\n", strings.Join(res.Unmeasured, ", "))
	}
	fmt.Fprintln(w)
	if len(rep.Advice) > 0 {
		fmt.Fprintln(w, st.bold("advice"))
		writeAdvice(w, rep.Advice)
		fmt.Fprintln(w)
	}
}

// writeLosses says where lost records were lost, and what a kept run
// leaves in flight.
func writeLosses(w io.Writer, res awsb.Result) {
	m := res.Metrics
	if len(res.Losses) > 0 {
		fmt.Fprintf(w, "lost      %s records, by where they were:\n", formatCount(m["pipeline.lost_records"]))
		for _, l := range res.Losses {
			fmt.Fprintf(w, "          %s %s\n", formatCount(l.Records), l.Where)
		}
	}
	if v := m["pipeline.in_flight_records"]; v > 0 {
		fmt.Fprintf(w, "in flight %s records still in the kept resources (or buffered by their services)\n", formatCount(v))
	}
}

// runsAs says how a node ran.
func runsAs(plan *awsb.Plan, n *pipeline.Node) string {
	switch {
	case plan.IsSkipped(n.ID):
		return "left out"
	case plan.IsClientSide(n.ID):
		return plan.RunsHere(n.ID) + " (here)"
	case n.Stage == pipeline.Producer:
		return "producer (here)"
	}
	for _, r := range plan.Resources {
		if r.Node == n.ID && r.Kind != awsb.KindStreamConsumer {
			return string(r.Kind)
		}
	}
	return string(n.Service.Name)
}

// finite drops NaN metrics, for helpers that format whatever they find.
func finite(m map[string]float64) map[string]float64 {
	out := make(map[string]float64, len(m))
	for k, v := range m {
		if !math.IsNaN(v) {
			out[k] = v
		}
	}
	return out
}

// writeCompareSim simulates the scenario and prints the simulator's and the
// real run's metrics side by side.
func writeCompareSim(w io.Writer, s *pipeline.Scenario, real map[string]float64) error {
	res, err := simbackend.RunToEnd(s, simbackend.RunnerOptions{NoAdvice: true})
	if err != nil {
		return err
	}
	var keys []string
	for k := range real {
		if _, ok := res.Metrics[k]; ok {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		pi, pj := strings.HasPrefix(keys[i], "pipeline."), strings.HasPrefix(keys[j], "pipeline.")
		if pi != pj {
			return pi
		}
		return keys[i] < keys[j]
	})
	units := map[string]pipeline.Unit{}
	for _, d := range s.MetricNames() {
		units[d.Name] = d.Unit
	}
	fmt.Fprintln(w, "compare with the simulator (same scenario, seed and duration)")
	t := &table{indent: "  ", right: []bool{false, true, true, true}}
	t.add("METRIC", "SIM", "AWS", "AWS − SIM")
	for _, k := range keys {
		a, b := res.Metrics[k], real[k]
		u := units[k]
		diff := "-"
		if !math.IsNaN(a) && !math.IsNaN(b) {
			diff = pipeline.FormatMetric(u, b-a)
		}
		sv, av := pipeline.FormatMetric(u, a), pipeline.FormatMetric(u, b)
		if math.IsNaN(b) {
			av = "not measured"
		}
		t.add(k, sv, av, diff)
	}
	t.write(w)
	fmt.Fprintln(w)
	return nil
}

// awsSeries writes the CSV time series from the run's snapshots, one row per
// snapshot, in the columns of the sim's series.
type awsSeries struct {
	w *csv.Writer
}

func newAWSSeries(out *output, s *pipeline.Scenario) *awsSeries {
	if out == nil {
		return &awsSeries{}
	}
	sr := &awsSeries{w: csv.NewWriter(out.w)}
	header := []string{"time_s"}
	for _, n := range s.Nodes {
		header = append(header, n.ID+".in_per_s", n.ID+".out_per_s", n.ID+".throttled_per_s",
			n.ID+".lag_records", n.ID+".iterator_age_s")
	}
	header = append(header, "pipeline.latency_p99_s")
	_ = sr.w.Write(header)
	return sr
}

func (sr *awsSeries) add(snap pipeline.Snapshot) {
	if sr.w == nil {
		return
	}
	row := []string{csvNum(math.Round(snap.Time.Seconds()*1000) / 1000)}
	for _, n := range snap.Nodes {
		row = append(row,
			csvNum(pipeline.RoundMetric(pipeline.UnitCount, n.InRate)),
			csvNum(pipeline.RoundMetric(pipeline.UnitCount, n.OutRate)),
			csvNum(pipeline.RoundMetric(pipeline.UnitCount, n.Throttled)),
			csvNum(pipeline.RoundMetric(pipeline.UnitCount, n.Lag)),
			csvNum(pipeline.RoundMetric(pipeline.UnitSeconds, n.IterAge)))
	}
	row = append(row, csvNum(pipeline.RoundMetric(pipeline.UnitSeconds, snap.Pipeline.LatencyP99)))
	_ = sr.w.Write(row)
}

func (sr *awsSeries) flush() error {
	if sr.w == nil {
		return nil
	}
	sr.w.Flush()
	return sr.w.Error()
}
