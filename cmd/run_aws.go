package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	awsb "github.com/streamsim/streamsim/backends/aws"
	"github.com/streamsim/streamsim/pipeline"
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
	awsServices           string
	callTimeout           string
	leaseTTL              string
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
	fl.BoolVar(&a.s3PathStyle, "s3-path-style", false, "aws: address buckets by path (default on when S3's endpoint is a local one)")
	fl.StringVar(&a.awsServices, "aws-services", "", "aws: services that may go to AWS while others go to local endpoints, e.g. s3,dynamodb (a mix is refused otherwise)")
	fl.StringVar(&a.callTimeout, "call-timeout", "20s", "aws: the longest one AWS call may take, retries included (an endpoint silent for a quarter of it is reported)")
	fl.StringVar(&a.leaseTTL, "lease-ttl", awsb.DefaultLeaseTTL.String(), "aws: how long the run's lease on its resources lasts unless renewed")
	_ = fl.MarkHidden("lease-ttl") // for tests of what cleanup does once a killed run's lease ran out
	return a
}

// parseDeadlines reads --call-timeout: one call's deadline, and from it how
// long an endpoint may be silent before it is reported (a quarter, at most 5 s).
func parseDeadlines(flag string) (awsb.Deadlines, error) {
	d, err := pipeline.ParseDuration(flag)
	if err != nil || d < time.Second {
		if err == nil {
			err = errors.New("is below 1s")
		}
		return awsb.Deadlines{}, invalid(fmt.Errorf("--call-timeout %v", err))
	}
	return awsb.Deadlines{Call: d, Attempt: min(8*time.Second, d/2), Stall: min(5*time.Second, d/4)}, nil
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
	allowAWS, err := awsb.ParseServices(a.awsServices)
	if err != nil {
		return invalid(fmt.Errorf("--aws-services: %w", err))
	}
	deadlines, err := parseDeadlines(a.callTimeout)
	if err != nil {
		return err
	}
	leaseTTL, err := pipeline.ParseDuration(a.leaseTTL)
	if err != nil || leaseTTL < 3*time.Second {
		return invalid(fmt.Errorf("--lease-ttl %s: give a duration of 3s or more", a.leaseTTL))
	}
	summary := outs.summary(c.ErrOrStderr())
	getenv := os.Getenv

	// The first Ctrl-C (or SIGTERM) stops the run, which then deletes what
	// it created; a second one leaves at once.
	ctx, cancel := context.WithCancel(contextOf(c))
	defer cancel()
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	first, second := make(chan os.Signal, 1), make(chan os.Signal, 1)
	quit := make(chan struct{})
	defer close(quit)
	go func() {
		for _, ch := range []chan os.Signal{first, second} {
			select {
			case sig := <-sigs:
				cancel()
				ch <- sig
			case <-quit:
				return
			}
		}
	}()

	cfgOpts := awsb.ConfigOptions{Region: a.region, FallbackRegion: s.Region, Deadlines: deadlines}
	cfg, err := awsb.LoadConfig(ctx, cfgOpts)
	if err != nil { // a profile that does not exist, a broken config file: even a plan would mislead
		return invalid(err)
	}
	region := cfg.Region
	eps := awsb.ResolveEndpoints(cfg)
	cfgOpts.S3PathStyle = a.s3PathStyle || eps.Local(awsb.SvcS3)
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
	mode, why := awsb.ResolveFirehoseMode(awsb.FirehoseMode(a.firehose.value), eps)
	opts := awsb.Options{
		Kafka: kafka, RunID: a.runID, Region: region, Duration: s.Duration,
		FirehoseMode: mode, FirehoseRoleARN: firstNonEmpty(a.firehoseRole, getenv("STREAMSIM_FIREHOSE_ROLE_ARN")),
		MaxCostPerHour: a.maxCost, Confirmed: a.yes, Keep: a.keep, Drain: drain, LeaseTTL: leaseTTL,
	}
	plan, err := awsb.New(opts).Plan(s)
	if err != nil {
		return invalid(err)
	}
	if !f.quiet {
		plan.Write(summary)
		if note := plan.FirehoseNote(s, why); note != "" {
			fmt.Fprintf(summary, "note: %s\n", note)
		}
		fmt.Fprintln(summary)
	}
	services := plan.Services()
	if err := eps.CheckMix(services, allowAWS); err != nil {
		return invalid(fmt.Errorf("%w; nothing was created", err))
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
			fmt.Fprintf(summary, "credentials from %s, region %s%s\n", orUnknown(cl.Credentials), cl.Region, eps.Note(services))
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
	prog := newProgress(c, s.Name, f.quiet)
	prog.start = start
	csvw := newAWSSeries(outs.csv, s)
	for snaps := run.Snapshots(); snaps != nil; {
		select {
		case snap, ok := <-snaps:
			if !ok {
				snaps = nil
				continue
			}
			if len(snap.Events) > 0 {
				prog.clear()
			}
			csvw.add(snap)
			prog.update(snap.Time, snap.Duration)
		case sig := <-first:
			prog.clear()
			what := "deleting what it created"
			if a.keep {
				what = "keeping what it created (--keep)"
			}
			fmt.Fprintf(c.ErrOrStderr(), "%s: stopping the run and %s; %s again leaves at once\n", signalName(sig), what, signalName(sig))
		case sig := <-second:
			prog.clear()
			return leaveAtOnce(c.ErrOrStderr(), sig, run, plan, a.keep, leaseTTL)
		}
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
	if runErr != nil {
		rep.Passed = false // the run failed: what it measured is incomplete
	}
	// The run's advisor read every snapshot it published, as the
	// simulator's reads its grid: the same findings from live measurements.
	rep.Advice = withPricesNote(res.Advice, plan.Region)
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
	if !f.quiet && !measured && len(rep.Expectations) > 0 {
		fmt.Fprintf(summary, "expectations not checked: the run measured nothing\n")
	}
	fmt.Fprintln(summary, awsVerdictLine(st, rep, res, wall, runErr, plan.RunID))
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

// signalName names a signal as people press it.
func signalName(sig os.Signal) string {
	if sig == os.Interrupt {
		return "Ctrl-C"
	}
	return sig.String()
}

// leaveAtOnce ends the command on a second signal, while the run is still
// stopping: it says what may be left and how to delete it.
func leaveAtOnce(w io.Writer, sig os.Signal, run *awsb.Run, plan *awsb.Plan, keep bool, ttl time.Duration) error {
	left := run.Remaining()
	if len(left) == 0 {
		fmt.Fprintf(w, "%s again: leaving at once; the run had created nothing that is left\n", signalName(sig))
		return &exitError{code: exitInvalid, err: errors.New("interrupted twice")}
	}
	fmt.Fprintf(w, "%s again: leaving at once; these may be left behind:\n", signalName(sig))
	for _, r := range left {
		fmt.Fprintf(w, "  %s %s\n", r.Kind, r.Name)
	}
	how := "kept (--keep)"
	if !keep {
		how = "not deleted"
	}
	fmt.Fprintf(w, "they are %s. Delete them with: streamsim cleanup --run %s --yes\n", how, plan.RunID)
	fmt.Fprintf(w, "(the run's lease on them runs out within %s of its last renewal; until then cleanup leaves them alone unless given --force)\n",
		pipeline.FormatDuration(ttl))
	return &exitError{code: exitInvalid, err: fmt.Errorf("interrupted twice: %d %s may be left behind", len(left), plural(len(left), "resource", "resources"))}
}
