package cmd

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/pipeline/advice"
)

func newAdviseCmd() *cobra.Command {
	var asJSON, yes bool
	c := &cobra.Command{
		Use:   "advise SCENARIO",
		Short: "Recommend services and sizes with reasons, costs and a diagnosis of a simulated run",
		Long: `Advise on a scenario's architecture, in five parts:

  storage, consumers, read modes
      what to use (Kinesis Data Streams provisioned or on-demand, MSK Express
      or Standard, MSK Serverless, Kinesis Video Streams; Firehose, Lambda,
      Flink, Glue, EMR or an own application; polling or enhanced fan-out),
      the rule that decides it and the numbers behind it, marked "keep"
      when the scenario already follows it
  flags
      what cannot meet the scenario's own requirements: latency against
      buffers and windows, retention against service maximums, throughput
      against limits, budget, delivery targets missing from the graph,
      per-key ordering with random keys
  cost
      each node's monthly cost from a simulation of the scenario
  Kinesis provisioned vs on-demand
      both priced for the stream's load, and the throughput where they cross
  diagnosis
      what the simulated run shows: hot keys and shards, throttling, iterator
      age, lag, buffering, idle capacity, pushback, each with a fix

The scenario is simulated once with its own seed and duration. A simulation
estimated at more than about a minute or a gigabyte needs --yes.

Exit codes: 0, 2 when the scenario is invalid (or the run is above the bound
without --yes), 3 when the simulation needs more memory than there is.`,
		Example: `  streamsim advise seed-pipeline
  streamsim advise my-pipeline.yaml --json`,
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: completeScenario,
		RunE: func(c *cobra.Command, args []string) error {
			return runAdvise(c, args[0], asJSON, yes)
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "write the advice as JSON")
	c.Flags().BoolVar(&yes, "yes", false, "simulate even when the estimate is above about a minute or a gigabyte")
	return c
}

// adviseResult is everything `advise` reports.
type adviseResult struct {
	s         *pipeline.Scenario
	recs      []advice.Recommendation
	costs     []advice.NodeCost
	total     float64
	breakEven []advice.BreakEven
	findings  []pipeline.Advice
}

func runAdvise(c *cobra.Command, arg string, asJSON, yes bool) error {
	s, err := mustLoad(c, arg)
	if err != nil {
		return err
	}
	r := adviseResult{s: s, recs: advice.Select(s)}
	guard := newRunGuard(yes, hintOther)
	guard.prog = newProgress(c, s.Name, false) // a big scenario takes a while
	run, err := simulate(s, guard)
	if err != nil {
		if err, ok := passExit(err); ok {
			return err
		}
		return invalid(fmt.Errorf("%s: %w", s.Name, err))
	}
	r.findings = run.Advice
	r.costs, r.total = advice.Costs(s, run.Metrics)
	r.breakEven = advice.KinesisBreakEvens(s)
	if len(r.breakEven) == 0 && slices.ContainsFunc(r.recs, func(x advice.Recommendation) bool {
		return x.Kind == advice.KindStorage && strings.HasPrefix(x.Choice, "Kinesis Data Streams")
	}) {
		if b, ok := advice.KinesisBreakEven(s, ""); ok {
			r.breakEven = append(r.breakEven, b)
		}
	}
	if asJSON {
		return writeAdviseJSON(c.OutOrStdout(), r)
	}
	writeAdviseText(c.OutOrStdout(), newStyle(c.OutOrStdout()), r)
	return nil
}

// textWidth is where long advice lines wrap.
const textWidth = 100

func writeAdviseText(w io.Writer, st style, r adviseResult) {
	s := r.s
	fmt.Fprintln(w, st.bold("advise "+scenarioTitle(s)))
	fmt.Fprintln(w)
	head := &table{}
	if req := requirementsText(s.Requirements); req != "" {
		head.add("requirements", req)
	}
	ld := advice.IngestLoad(s)
	load := fmt.Sprintf("%s on average, %s at peak, records of %s", pipeline.ApproxSize(ld.AvgBytes)+"/s",
		pipeline.ApproxSize(ld.PeakBytes)+"/s", pipeline.ApproxSize(ld.RecordSize))
	if ld.FromRequirement {
		load += " (peak from requirements.throughput)"
	}
	head.add("load", load)
	head.write(w)

	sections := []struct {
		kind  advice.Kind
		title string
	}{
		{advice.KindStorage, "storage"}, {advice.KindConsumer, "consumers"}, {advice.KindReadMode, "read modes"},
	}
	for _, sec := range sections {
		var recs []advice.Recommendation
		for _, x := range r.recs {
			if x.Kind == sec.kind {
				recs = append(recs, x)
			}
		}
		if len(recs) == 0 {
			continue
		}
		fmt.Fprintln(w)
		fmt.Fprintln(w, st.bold(sec.title))
		for _, x := range recs {
			mark := "change"
			if x.Keep {
				mark = "keep"
			}
			node := x.Node
			if node == "" {
				node = "-"
			}
			writeBlock(w, fmt.Sprintf("  %-6s  ", mark), node+": "+x.Choice, [][2]string{
				{"now", x.Current}, {"rule", x.Rule}, {"why", x.Why},
			})
		}
	}

	fmt.Fprintln(w)
	fmt.Fprintln(w, st.bold("flags"))
	flags := 0
	for _, x := range r.recs {
		if x.Kind != advice.KindFlag {
			continue
		}
		flags++
		node := x.Node
		if node == "" {
			node = "pipeline"
		}
		writeBlock(w, fmt.Sprintf("  %-8s  ", x.Severity), node+": "+x.Choice, [][2]string{{"why", x.Why}, {"rule", x.Rule}})
	}
	if flags == 0 {
		fmt.Fprintln(w, "  none: the graph can meet its requirements")
	}

	fmt.Fprintln(w)
	fmt.Fprintln(w, st.bold(fmt.Sprintf("cost per month (simulated %s, seed %d)", pipeline.FormatDuration(s.Duration), s.Seed)))
	t := &table{indent: "  ", right: []bool{false, false, true, true}}
	t.add("NODE", "SERVICE", "COST/MONTH", "SHARE")
	for _, x := range r.costs {
		if n := s.Node(x.Node); x.Monthly == 0 && n != nil && n.Stage == pipeline.Producer {
			continue
		}
		t.add(x.Node, string(x.Service), usd(x.Monthly), percent(x.Share))
	}
	t.add("total", "", usd(r.total), "")
	if slices.Contains(s.Requirements.Set, "budget") {
		verdict := "within budget"
		if r.total > s.Requirements.Budget {
			verdict = "over by " + usd(r.total-s.Requirements.Budget)
		}
		t.add("budget", verdict, usd(s.Requirements.Budget), "")
	}
	t.write(w)
	if n := pricesNote(s.RegionOrDefault()); n != "" {
		fmt.Fprintln(w, "  "+n)
	}

	for _, b := range r.breakEven {
		fmt.Fprintln(w)
		what := b.Node
		if s.Node(what) == nil {
			what = "the pipeline's ingest"
		}
		fmt.Fprintln(w, st.bold("Kinesis provisioned vs on-demand: "+what))
		for _, l := range b.Lines() {
			fmt.Fprintln(w, "  "+wrapText(l, textWidth-4, "    "))
		}
	}

	fmt.Fprintln(w)
	fmt.Fprintln(w, st.bold("diagnosis of the simulated run"))
	if len(r.findings) == 0 {
		fmt.Fprintln(w, "  nothing found: no throttling, growing lag, hot keys or idle capacity")
	}
	for _, f := range r.findings {
		fmt.Fprintln(w, "  "+wrapText(fmt.Sprintf("%s  %s: %s", f.Severity, f.Node, f.Message), textWidth-2, "      "))
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, wrapText("Ids such as KDS-SHARD-WRITE name rules of the rule book: "+ruleHint, textWidth, ""))
}

// writeBlock prints a heading line (prefix, then the wrapped text) and
// labelled, wrapped lines under it, aligned with the text.
func writeBlock(w io.Writer, prefix, head string, rows [][2]string) {
	pad := strings.Repeat(" ", utf8.RuneCountInString(prefix))
	fmt.Fprintln(w, prefix+wrapText(head, textWidth-len(pad), pad))
	for _, r := range rows {
		if r[1] == "" {
			continue
		}
		fmt.Fprintf(w, "%s%-5s %s\n", pad, r[0], wrapText(r[1], textWidth-len(pad)-6, pad+"      "))
	}
}

// requirementsText writes the requirements that the file sets, in its order.
func requirementsText(r pipeline.Requirements) string {
	var parts []string
	for _, k := range r.Set {
		var v string
		switch k {
		case "latency":
			v = pipeline.FormatDuration(r.Latency)
		case "retention":
			v = pipeline.FormatDuration(r.Retention)
		case "throughput":
			v = r.Throughput.String()
		case "ordering":
			v = r.Ordering
		case "existing_kafka":
			v = strconv.FormatBool(r.ExistingKafka)
		case "transformations":
			v = strconv.FormatBool(r.Transformations)
		case "delivery":
			v = strings.Join(pipeline.NamesOf(r.Delivery), ", ")
		case "budget":
			v = usd(r.Budget)
		}
		parts = append(parts, k+" "+v)
	}
	return strings.Join(parts, " · ")
}

// usd writes dollars with cents and thousands separators: "$1,867.83".
func usd(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "-"
	}
	cents := int64(math.Round(math.Abs(v) * 100))
	s := "$" + formatCount(float64(cents/100)) + fmt.Sprintf(".%02d", cents%100)
	if v < 0 && cents != 0 {
		s = "-" + s
	}
	return s
}

// percent writes a share: "13.3%".
func percent(v float64) string { return strconv.FormatFloat(v*100, 'f', 1, 64) + "%" }

// The JSON form of `advise --json`; numbers are rounded to 6 significant
// digits so the output is the same on every machine.
type adviseJSON struct {
	Scenario        string          `json:"scenario"`
	Recommendations []recJSON       `json:"recommendations"`
	Costs           []costJSON      `json:"costs"`
	CostTotalUSD    float64         `json:"cost_total_usd"`
	BudgetUSD       *float64        `json:"budget_usd"`
	BreakEven       []breakEvenJSON `json:"break_even"`
	Advice          []adviceJSON    `json:"advice"`
}

type recJSON struct {
	Kind     string `json:"kind"`
	Node     string `json:"node"`
	Choice   string `json:"choice"`
	Current  string `json:"current"`
	Keep     bool   `json:"keep"`
	Rule     string `json:"rule"`
	Why      string `json:"why"`
	Severity string `json:"severity"`
}

type costJSON struct {
	Node       string  `json:"node"`
	Service    string  `json:"service"`
	MonthlyUSD float64 `json:"monthly_usd"`
	Share      float64 `json:"share"`
}

type breakEvenJSON struct {
	Node           string   `json:"node"`
	Shards         int      `json:"shards"`
	ProvisionedUSD float64  `json:"provisioned_usd"`
	OnDemandUSD    float64  `json:"on_demand_usd"`
	CrossAvgBps    *float64 `json:"cross_avg_bytes_per_s"`   // null: on-demand never cheaper; -1: always
	ScaleCrossBps  *float64 `json:"scale_cross_bytes_per_s"` // null: they never cross
	Summary        []string `json:"summary"`
}

type adviceJSON struct {
	Severity string `json:"severity"`
	Node     string `json:"node"`
	Message  string `json:"message"`
}

func round6(v float64) float64 { return pipeline.RoundMetric(pipeline.UnitDollars, v) }

func writeAdviseJSON(w io.Writer, r adviseResult) error {
	out := adviseJSON{Scenario: r.s.Name, Recommendations: []recJSON{}, Costs: []costJSON{},
		BreakEven: []breakEvenJSON{}, Advice: []adviceJSON{}, CostTotalUSD: round6(r.total)}
	if slices.Contains(r.s.Requirements.Set, "budget") {
		b := round6(r.s.Requirements.Budget)
		out.BudgetUSD = &b
	}
	for _, x := range r.recs {
		out.Recommendations = append(out.Recommendations, recJSON{string(x.Kind), x.Node, x.Choice, x.Current, x.Keep, x.Rule, x.Why, x.Severity})
	}
	for _, x := range r.costs {
		out.Costs = append(out.Costs, costJSON{x.Node, string(x.Service), round6(x.Monthly), round6(x.Share)})
	}
	for _, b := range r.breakEven {
		j := breakEvenJSON{Node: b.Node, Shards: b.Shards, ProvisionedUSD: round6(b.Provisioned), OnDemandUSD: round6(b.OnDemand), Summary: b.Lines()}
		switch {
		case math.IsInf(b.CrossAvg, 1):
			v := -1.0
			j.CrossAvgBps = &v
		case b.CrossAvg > 0:
			v := round6(b.CrossAvg)
			j.CrossAvgBps = &v
		}
		if b.ScaleCross > 0 {
			v := round6(b.ScaleCross)
			j.ScaleCrossBps = &v
		}
		out.BreakEven = append(out.BreakEven, j)
	}
	for _, f := range withPricesNote(r.findings, r.s.RegionOrDefault()) {
		out.Advice = append(out.Advice, adviceJSON(f))
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
