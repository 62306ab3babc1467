package cmd

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	awsb "github.com/streamsim/streamsim/backends/aws"
	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/pipeline/advice"
	"github.com/streamsim/streamsim/sim"
)

// awsRunFlags are the flags of `run --backend aws`.
type awsRunFlags struct {
	yes, keep, compareSim bool
	maxCost               float64
	maxDuration           string
	region                string
	kafkaBrokers          string
	kafkaAuth             string
	kafkaUser             string
	kafkaTLS              bool
	firehose              *enumValue
	firehoseRole          string
	drain                 string
	runID                 string
	s3PathStyle           bool
}

// addAWSRunFlags registers the flags of the aws backend on run.
func addAWSRunFlags(fl *pflag.FlagSet) *awsRunFlags {
	a := &awsRunFlags{firehose: &enumValue{value: "auto", allowed: []string{"auto", "service", "client"}, kind: "mode"}}
	fl.BoolVar(&a.yes, "yes", false, "aws: create the plan's resources and run (without it the plan is only printed); sim: run even when the estimate is above about a minute or a gigabyte")
	fl.BoolVar(&a.keep, "keep", false, "aws: leave the resources in place at the end (streamsim cleanup deletes them later)")
	fl.Float64Var(&a.maxCost, "max-cost", 1, "aws: refuse plans that cost more than this many dollars per hour")
	fl.StringVar(&a.maxDuration, "max-duration", "1h", "aws: refuse runs longer than this much real time")
	fl.BoolVar(&a.compareSim, "compare-sim", false, "aws: also simulate the scenario and show both side by side")
	fl.StringVar(&a.region, "region", "", "aws: the region (default: the AWS chain's, else the scenario's)")
	fl.StringVar(&a.kafkaBrokers, "kafka-brokers", "", "aws: bootstrap brokers of the cluster for MSK nodes, comma-separated (env STREAMSIM_KAFKA_BROKERS)")
	fl.StringVar(&a.kafkaAuth, "kafka-auth", "", "aws: none, scram-sha-512, scram-sha-256 or iam (env STREAMSIM_KAFKA_AUTH; SCRAM reads STREAMSIM_KAFKA_USER and STREAMSIM_KAFKA_PASSWORD)")
	fl.StringVar(&a.kafkaUser, "kafka-user", "", "aws: SCRAM user (env STREAMSIM_KAFKA_USER); the password only from STREAMSIM_KAFKA_PASSWORD")
	fl.BoolVar(&a.kafkaTLS, "kafka-tls", false, "aws: connect to Kafka with TLS (default on for scram and iam)")
	fl.Var(a.firehose, "firehose", "aws: auto, service (real delivery streams) or client (a client-side stand-in that writes to S3 itself)")
	fl.StringVar(&a.firehoseRole, "firehose-role", "", "aws: IAM role ARN real delivery streams use (env STREAMSIM_FIREHOSE_ROLE_ARN)")
	fl.StringVar(&a.drain, "drain", "30s", "aws: how long consumers may catch up after the producers stop")
	fl.StringVar(&a.runID, "run-id", "", "aws: the run id in resource names (default: random)")
	fl.BoolVar(&a.s3PathStyle, "s3-path-style", false, "aws: address buckets by path (default on when AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL is set)")
	return a
}

// runAWS is `streamsim run SCENARIO --backend aws`: print the plan; with
// --yes create, run in real time, measure, report and delete.
func runAWS(c *cobra.Command, arg string, f *runFlags) error {
	a := f.aws
	outs, s, err := prepareRun(c, arg, f)
	if err != nil {
		return err
	}
	maxDur, err := pipeline.ParseDuration(a.maxDuration)
	if err != nil {
		return invalid(fmt.Errorf("--max-duration %v", err))
	}
	drain, err := pipeline.ParseDuration(a.drain)
	if err != nil {
		return invalid(fmt.Errorf("--drain %v", err))
	}
	summary := outs.summary(c.ErrOrStderr())
	getenv := os.Getenv

	ctx, stop := signal.NotifyContext(contextOf(c), os.Interrupt, syscall.SIGTERM)
	defer stop()

	cfgOpts := awsb.ConfigOptions{Region: a.region, FallbackRegion: s.Region,
		S3PathStyle: a.s3PathStyle || getenv("AWS_ENDPOINT_URL_S3") != "" || getenv("AWS_ENDPOINT_URL") != ""}
	cfg, cfgErr := awsb.LoadConfig(ctx, cfgOpts)
	region := cfg.Region
	if cfgErr != nil {
		region = firstNonEmpty(a.region, s.Region)
	}
	kafka := awsb.KafkaOptions{
		Brokers:  splitList(firstNonEmpty(a.kafkaBrokers, getenv("STREAMSIM_KAFKA_BROKERS"))),
		Auth:     awsb.KafkaAuth(firstNonEmpty(a.kafkaAuth, getenv("STREAMSIM_KAFKA_AUTH"), "none")),
		User:     firstNonEmpty(a.kafkaUser, getenv("STREAMSIM_KAFKA_USER")),
		Password: getenv("STREAMSIM_KAFKA_PASSWORD"),
		TLS:      a.kafkaTLS,
		AWS:      cfg,
	}
	if !c.Flags().Changed("kafka-tls") && kafka.Auth != awsb.KafkaAuthNone {
		kafka.TLS = true
	}
	mode, why := awsb.ResolveFirehoseMode(awsb.FirehoseMode(a.firehose.value), getenv)
	opts := awsb.Options{
		Kafka: kafka, RunID: a.runID, Region: region, Duration: s.Duration,
		FirehoseMode: mode, FirehoseRoleARN: firstNonEmpty(a.firehoseRole, getenv("STREAMSIM_FIREHOSE_ROLE_ARN")),
		MaxCostPerHour: a.maxCost, Confirmed: a.yes, Keep: a.keep, Drain: drain,
	}
	plan, err := awsb.New(opts).Plan(s)
	if err != nil {
		return invalid(err)
	}
	if !f.quiet {
		plan.Write(summary)
		if why != "" {
			fmt.Fprintf(summary, "note: %s\n", why)
		}
		fmt.Fprintln(summary)
	}
	if a.maxCost > 0 && plan.CostPerHour > a.maxCost {
		return invalid(fmt.Errorf("cost guard: about $%.4f per hour is above --max-cost $%.2f; nothing was created (raise --max-cost if that is intended)",
			plan.CostPerHour, a.maxCost))
	}
	if s.Duration > maxDur {
		return invalid(fmt.Errorf("the run would take %s of real time, longer than --max-duration %s; nothing was created (shorten it with --duration or raise --max-duration)",
			pipeline.FormatDuration(s.Duration), pipeline.FormatDuration(maxDur)))
	}
	if !a.yes {
		fmt.Fprintf(summary, "nothing was created: this was the plan. Run again with --yes to create these resources, run for %s of real time and delete them at the end.\n",
			pipeline.FormatDuration(s.Duration))
		return nil
	}
	if cfgErr != nil {
		return invalid(cfgErr)
	}

	needAWS := false
	for _, r := range plan.Resources {
		if r.Kind != awsb.KindTopic {
			needAWS = true
		}
	}
	if needAWS {
		cl, err := awsb.NewClients(ctx, cfg, cfgOpts)
		if err != nil {
			return invalid(err)
		}
		opts.Clients = cl
		if !f.quiet {
			fmt.Fprintf(summary, "credentials from %s, region %s%s\n", orUnknown(cl.Credentials), cl.Region, endpointNote(getenv))
		}
	}
	if len(kafka.Brokers) > 0 && !f.quiet {
		fmt.Fprintf(summary, "kafka: %s\n", kafka)
	}
	if err := outs.open(arg); err != nil {
		return invalid(err)
	}
	defer outs.abort() // a no-op once the reports are written
	if !f.quiet {
		opts.Log = &prefixWriter{w: summary, prefix: "  "}
	}
	b := awsb.New(opts)
	start := time.Now()
	run, err := b.StartPlan(ctx, s, plan)
	if err != nil {
		outs.abort()
		return invalid(err)
	}
	prog := &progress{w: c.ErrOrStderr(), name: s.Name,
		on: !f.quiet && isTerminal(c.OutOrStdout()) && isTerminal(c.ErrOrStderr()) && !plainEnv(os.Getenv)}
	prog.start = start
	csvw := newAWSSeries(outs.csv, s)
	diag := advice.NewDiagnoser(s) // the same findings as a simulated run, from live measurements
	for snap := range run.Snapshots() {
		if len(snap.Events) > 0 {
			prog.clear()
		}
		csvw.add(snap)
		diag.Observe(snap)
		prog.update(snap.Time, snap.Duration)
	}
	prog.clear()
	wall := time.Since(start)
	res := run.Result()
	runErr := run.Err()

	rep, err := pipeline.NewReport(s, "aws", res.Elapsed, res.Metrics)
	if err != nil {
		outs.abort()
		return invalid(fmt.Errorf("internal error: %w", errors.Join(err, runErr)))
	}
	diag.Finish(res.Metrics)
	rep.Advice = withPricesNote(diag.Findings(), plan.Region)
	if err := csvw.flush(); err != nil {
		outs.abort()
		return invalid(fmt.Errorf("--csv %s: %w", f.csvPath, err))
	}
	measured := res.Elapsed > 0
	if measured {
		if err := outs.write(rep); err != nil {
			return invalid(err)
		}
	} else {
		outs.abort()
	}
	st := newStyle(summary)
	if !f.quiet && measured {
		writeAWSSummary(summary, st, s, plan, res, rep)
		if a.compareSim {
			if err := writeCompareSim(summary, s, res.Metrics); err != nil {
				fmt.Fprintf(summary, "compare-sim: %v\n", err)
			}
		}
	}
	fmt.Fprintln(summary, awsVerdictLine(st, rep, res, wall, runErr))
	if runErr != nil {
		return &exitError{code: exitInvalid, err: runErr}
	}
	if !rep.Passed {
		return &exitError{code: exitFailed}
	}
	return nil
}

// contextOf is the command's context, or a background one.
func contextOf(c *cobra.Command) context.Context {
	if ctx := c.Context(); ctx != nil {
		return ctx
	}
	return context.Background()
}

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if strings.TrimSpace(v) != "" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func orUnknown(s string) string {
	if s == "" {
		return "an unnamed provider"
	}
	return s
}

// endpointNote names the custom endpoints in use (URLs only, never secrets).
func endpointNote(getenv func(string) string) string {
	var parts []string
	for _, svc := range []string{"", "KINESIS", "S3", "DYNAMODB", "FIREHOSE"} {
		name := "AWS_ENDPOINT_URL"
		if svc != "" {
			name += "_" + svc
		}
		if v := getenv(name); v != "" {
			parts = append(parts, name+"="+v)
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

// prefixWriter indents every line written to it.
type prefixWriter struct {
	w      io.Writer
	prefix string
}

func (p *prefixWriter) Write(b []byte) (int, error) {
	lines := strings.SplitAfter(string(b), "\n")
	for _, l := range lines {
		if l == "" {
			continue
		}
		if _, err := io.WriteString(p.w, p.prefix+l); err != nil {
			return 0, err
		}
	}
	return len(b), nil
}

// awsVerdictLine is the last line of an aws run.
func awsVerdictLine(st style, rep *pipeline.Report, res awsb.Result, wall time.Duration, runErr error) string {
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
	verdict := st.verdict(rep.Passed && runErr == nil)
	if runErr != nil {
		verdict = st.ansi("1;31", "ERROR")
	}
	var left string
	switch {
	case len(res.Created) == 0:
		left = "nothing was created"
	case res.Kept:
		left = fmt.Sprintf("kept %d resources (--keep)", len(res.Created))
	case runErr != nil && strings.Contains(runErr.Error(), "could not delete"):
		left = "some resources could not be deleted: run streamsim cleanup"
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
	title := s.Name
	if s.Title != "" {
		title += " — " + s.Title
	}
	fmt.Fprintln(w, st.bold(title))
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
			t.add(label, n.ID, runsAs(plan, n), num("records_in"), num("records_out"), num("lost_records"),
				num("throttled_records"), keyMetric(n, finite(m)))
			label = ""
		}
	}
	t.write(w)
	fmt.Fprintln(w)
	costNote := " at the measured load (resources created here only"
	if n := pricesNote(plan.Region); n != "" {
		costNote += "; " + n
	}
	writeTotals(w, m, " (from each record's timestamp to its write into a destination)", costNote+")")
	writeExpectations(w, st, rep)
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

// runsAs says how a node ran.
func runsAs(plan *awsb.Plan, n *pipeline.Node) string {
	switch {
	case plan.IsSkipped(n.ID):
		return "left out"
	case plan.IsClientSide(n.ID):
		if n.Service.Name == "firehose" {
			return "firehose stand-in (here)"
		}
		return n.Service.Name + " (here)"
	case n.Stage == pipeline.Producer:
		return "producer (here)"
	}
	for _, r := range plan.Resources {
		if r.Node == n.ID && r.Kind != awsb.KindStreamConsumer {
			return string(r.Kind)
		}
	}
	return n.Service.Name
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
	res, err := sim.Run(s.Clone())
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
