package cmd

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	awsb "github.com/streamsim/streamsim/backends/aws"
)

// cleanupFlags are the flags of `cleanup`.
type cleanupFlags struct {
	yes          bool
	runID        string
	region       string
	kafkaBrokers string
	kafkaAuth    string
	kafkaUser    string
	kafkaTLS     bool
	s3PathStyle  bool
	awsServices  string
	force        bool
	callTimeout  string
}

func newCleanupCmd() *cobra.Command {
	f := &cleanupFlags{}
	c := &cobra.Command{
		Use:   "cleanup",
		Short: "Find resources that aws runs left behind, and delete them with --yes",
		Long: `Find what runs of 'streamsim run --backend aws' created and did not delete
(runs with --keep, or runs whose teardown failed): Kinesis streams, Firehose
delivery streams, S3 buckets and DynamoDB tables tagged streamsim:run=<id>, or
named streamsim-<id>-<node> where the service cannot list tags; Kafka topics
named so on the cluster of --kafka-brokers.

Without --yes it only lists them (a dry run). With --yes it deletes them,
emptying buckets first. --run ID limits it to one run.

A run holds a lease on its resources while it goes on (a streamsim:lease tag,
or a streamsim-lease object in buckets), renewed every half minute. Cleanup
deletes the resources of a run only when their leases prove the run is over:
it ended and said so, or it stopped renewing and the lease ran out. It leaves
alone, and says so, a run whose lease is live and a run whose leases cannot
be read (an older streamsim, Kafka topics only, tags that could not be read);
--force deletes those too.

Every call has a deadline (--call-timeout); a service whose endpoint does
not answer is named, and the others are still cleaned up.

Credentials, region and endpoints come from the standard AWS chain
(AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL_<SERVICE>, the config file's
[services], …). When some services resolve to local endpoints and others to
AWS, cleanup refuses (exit 2) before it calls any of them: an endpoint left
unset would otherwise list, and with --yes delete, real resources. Name the
services meant to be on AWS with --aws-services to go ahead.`,
		Example: `  streamsim cleanup
  streamsim cleanup --run 1a2b3c4d --yes`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error { return runCleanup(c, f) },
	}
	fl := c.Flags()
	fl.BoolVar(&f.yes, "yes", false, "delete what is found (without it, only list)")
	fl.StringVar(&f.runID, "run", "", "only the resources of this run id")
	fl.StringVar(&f.region, "region", "", "the region (default: the AWS chain's)")
	fl.StringVar(&f.kafkaBrokers, "kafka-brokers", "", "also look for topics on this cluster (env STREAMSIM_KAFKA_BROKERS)")
	fl.StringVar(&f.kafkaAuth, "kafka-auth", "", "none, scram-sha-512, scram-sha-256 or iam (env STREAMSIM_KAFKA_AUTH)")
	fl.StringVar(&f.kafkaUser, "kafka-user", "", "SCRAM user (env STREAMSIM_KAFKA_USER; password from STREAMSIM_KAFKA_PASSWORD)")
	fl.BoolVar(&f.kafkaTLS, "kafka-tls", false, "connect to Kafka with TLS (default on for scram and iam)")
	fl.BoolVar(&f.s3PathStyle, "s3-path-style", false, "address buckets by path (default on when S3's endpoint is a local one)")
	fl.StringVar(&f.awsServices, "aws-services", "", "services that may go to AWS while others go to local endpoints, e.g. s3 (a mix is refused otherwise)")
	fl.BoolVar(&f.force, "force", false, "also delete the resources of runs that may still be going (a live lease, or none that can be read)")
	fl.StringVar(&f.callTimeout, "call-timeout", "20s", "the longest one AWS call may take, retries included")
	return c
}

func runCleanup(c *cobra.Command, f *cleanupFlags) error {
	ctx := contextOf(c)
	getenv := os.Getenv
	w := c.OutOrStdout()
	allowAWS, err := awsb.ParseServices(f.awsServices)
	if err != nil {
		return invalid(fmt.Errorf("--aws-services: %w", err))
	}
	deadlines, err := parseDeadlines(f.callTimeout)
	if err != nil {
		return err
	}
	cfgOpts := awsb.ConfigOptions{Region: f.region, FallbackRegion: "", Deadlines: deadlines}
	cfg, err := awsb.LoadConfig(ctx, cfgOpts)
	if err != nil {
		return invalid(err)
	}
	eps := awsb.ResolveEndpoints(cfg)
	cfgOpts.S3PathStyle = f.s3PathStyle || eps.Local(awsb.SvcS3)
	// Firehose is left alone where runs used the stand-in (other services
	// local, Firehose not): it holds nothing of theirs.
	mode, why := awsb.ResolveFirehoseMode(awsb.FirehoseAuto, eps)
	services := []awsb.Service{awsb.SvcKinesis, awsb.SvcS3, awsb.SvcDynamoDB}
	if mode == awsb.FirehoseService {
		services = append(services, awsb.SvcFirehose)
	}
	if err := eps.CheckMix(services, allowAWS); err != nil {
		return invalid(fmt.Errorf("%w; nothing was listed or deleted", err))
	}
	cl, err := awsb.NewClients(ctx, cfg, cfgOpts)
	if err != nil {
		return invalid(err)
	}
	fmt.Fprintf(w, "looking for leftovers in %s (credentials from %s)%s\n", cl.Region, orUnknown(cl.Credentials), eps.Note(services))
	var mu sync.Mutex // services are cleaned side by side
	say := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(w, "  "+format+"\n", args...)
	}
	cl.Health.SetSink(func(e string) { say("%s", e) }) // an endpoint that stops answering is named at once
	var ka *awsb.KafkaAdmin
	brokers := splitList(firstNonEmpty(f.kafkaBrokers, getenv("STREAMSIM_KAFKA_BROKERS")))
	if len(brokers) > 0 {
		k := awsb.KafkaOptions{Brokers: brokers, Auth: awsb.KafkaAuth(firstNonEmpty(f.kafkaAuth, getenv("STREAMSIM_KAFKA_AUTH"), "none")),
			User: firstNonEmpty(f.kafkaUser, getenv("STREAMSIM_KAFKA_USER")), Password: getenv("STREAMSIM_KAFKA_PASSWORD"), TLS: f.kafkaTLS, AWS: cfg}
		if !c.Flags().Changed("kafka-tls") && k.Auth != awsb.KafkaAuthNone {
			k.TLS = true
		}
		kc, adm, err := k.Admin(ctx)
		if err != nil {
			return invalid(err)
		}
		defer kc.Close()
		ka = adm
	}
	if mode == awsb.FirehoseClient {
		fmt.Fprintf(w, "not looking at Firehose: %s\n", why)
	}
	found, findErr := awsb.FindLeftoversWith(ctx, cl, ka, awsb.LeftoverOptions{RunID: f.runID, SkipFirehose: mode == awsb.FirehoseClient})
	if findErr != nil {
		fmt.Fprintf(c.ErrOrStderr(), "could not list everything: %s\n", strings.ReplaceAll(findErr.Error(), "\n", "; "))
	}
	if len(found) == 0 {
		if findErr != nil {
			fmt.Fprintln(w, "found nothing on the services that could be listed; those that could not may still hold leftovers")
			return &exitError{code: exitInvalid}
		}
		fmt.Fprintln(w, "nothing to clean up")
		return nil
	}
	var doomed, spared []awsb.Resource
	for _, g := range awsb.ByRun(found) {
		fmt.Fprintf(w, "run %s: %s\n", g.RunID, runState(g, f.force))
		for _, r := range g.Resources {
			fmt.Fprintf(w, "  %s\n", r.Describe())
		}
		if g.Dead() || f.force {
			doomed = append(doomed, g.Resources...)
		} else {
			spared = append(spared, g.Resources...)
		}
	}
	if !f.yes {
		fmt.Fprintf(w, "%d %s found; nothing was deleted (dry run): run again with --yes to delete %s\n",
			len(found), plural(len(found), "resource", "resources"), theOnes(len(doomed), len(found)))
		return listErr(findErr)
	}
	if len(doomed) > 0 {
		err = awsb.DeleteLeftovers(ctx, cl, ka, doomed, time.Second, say)
	}
	if len(spared) > 0 {
		fmt.Fprintf(w, "left alone: %d %s of runs that may still be going (--force deletes them)\n",
			len(spared), plural(len(spared), "resource", "resources"))
	}
	if err != nil {
		return invalid(err)
	}
	if len(doomed) > 0 {
		fmt.Fprintf(w, "deleted %d %s\n", len(doomed), plural(len(doomed), "resource", "resources"))
	}
	return listErr(findErr)
}

// listErr is the exit of a cleanup that could not list every service: 2,
// having said so already.
func listErr(err error) error {
	if err != nil {
		return &exitError{code: exitInvalid}
	}
	return nil
}

// theOnes says which of the found resources --yes would delete.
func theOnes(doomed, found int) string {
	switch {
	case doomed == found:
		return plural(found, "it", "them")
	case doomed == 0:
		return "none of them (their runs may still be going; --force deletes them anyway)"
	}
	return fmt.Sprintf("the %d of runs that are over (--force deletes the others too)", doomed)
}

// runState says what the leases tell of a run, and what cleanup does with it.
func runState(g awsb.RunLeftovers, force bool) string {
	spare := "left alone (--force deletes it anyway)"
	if force {
		spare = "deleted anyway (--force)"
	}
	l := g.Lease
	switch l.State {
	case awsb.LeaseLive:
		return fmt.Sprintf("still going: its lease is live until %s; %s", l.Until.UTC().Format(time.RFC3339), spare)
	case awsb.LeaseEnded:
		return "ended (its lease says so)"
	case awsb.LeaseExpired:
		return fmt.Sprintf("stopped renewing its lease, which ran out at %s: it is over", l.Until.UTC().Format(time.RFC3339))
	}
	why := l.Why
	if why == "" {
		why = "no lease"
	}
	return fmt.Sprintf("cannot tell whether it is still going (%s); %s", why, spare)
}
