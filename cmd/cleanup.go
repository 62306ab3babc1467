package cmd

import (
	"fmt"
	"os"
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
	cfgOpts := awsb.ConfigOptions{Region: f.region, FallbackRegion: ""}
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
		fmt.Fprintf(c.ErrOrStderr(), "some services could not be listed: %v\n", findErr)
	}
	if len(found) == 0 {
		fmt.Fprintln(w, "nothing to clean up")
		if findErr != nil {
			return &exitError{code: exitInvalid}
		}
		return nil
	}
	for _, r := range found {
		fmt.Fprintf(w, "  %s\n", r.Describe())
	}
	if !f.yes {
		fmt.Fprintf(w, "%d %s found; nothing was deleted (dry run): run again with --yes to delete %s\n",
			len(found), plural(len(found), "resource", "resources"), plural(len(found), "it", "them"))
		return nil
	}
	err = awsb.DeleteLeftovers(ctx, cl, ka, found, time.Second, func(format string, args ...any) {
		fmt.Fprintf(w, format+"\n", args...)
	})
	if err != nil {
		return invalid(err)
	}
	fmt.Fprintf(w, "deleted %d %s\n", len(found), plural(len(found), "resource", "resources"))
	return nil
}
