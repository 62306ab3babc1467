package cmd

import (
	"errors"
	"fmt"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	awsb "github.com/streamsim/streamsim/backends/aws"
	"github.com/streamsim/streamsim/internal/textsafe"
	"github.com/streamsim/streamsim/pipeline"
)

type importFlags struct {
	region, profile, since, output, name string
	streams, clusters, tables            []string
	printPolicy, force                   bool
}

func newImportCmd() *cobra.Command {
	f := &importFlags{}
	c := &cobra.Command{
		Use:   "import --stream NAME... -o FILE.yaml",
		Short: "Write a scenario from the pipeline you run on AWS: streams, consumers, destinations and their recorded load",
		Long: `Read what exists in an AWS account, with read-only calls, and write a
scenario that reproduces it:

  - Kinesis streams (--stream): capacity mode, the open shards and their
    hash-key ranges (uneven ranges after splits and merges are kept),
    retention, registered enhanced fan-out consumers;
  - who reads them: Lambda event source mappings (batch size, window,
    parallelization, bisect, retries), Firehose delivery streams (buffer
    hints, format, transform, destination);
  - destinations as far as their APIs tell: the S3 bucket, the OpenSearch
    domain's data nodes, DynamoDB tables named with --table (capacity mode
    and WCU);
  - MSK clusters (--cluster ARN): brokers, broker type, storage, topics;
  - the load: CloudWatch's IncomingRecords and IncomingBytes per period over
    --since become the producer's recorded rate (pattern: {series: […]}) and
    record size; with shard-level metrics on, the split over the shards
    becomes per-shard keys that reproduce it.

Every imported value carries a comment saying where it came from, and the
scenario's description lists what could not be imported and why (a refused
call, a KCL application on EC2 that no API names). Credentials, region and
endpoints come from the standard AWS chain; --print-policy prints the IAM
policy of the calls it makes, all reads.

Exit codes: 0 imported (perhaps with parts missing, as listed), 2 nothing
could be imported, no credentials, or invalid flags.`,
		Example: `  streamsim import --region eu-west-1 --stream orders -o orders.yaml
  streamsim import --profile prod --stream orders --stream clicks --since 14d --table orders-by-user -o shop.yaml
  streamsim import --cluster arn:aws:kafka:us-east-1:123456789012:cluster/payments/1a2b -o payments.yaml
  streamsim import --print-policy`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error { return runImport(c, f) },
	}
	fl := c.Flags()
	fl.StringVar(&f.region, "region", "", "the region (default: the AWS chain's)")
	fl.StringVar(&f.profile, "profile", "", "the profile of the shared config files (default: AWS_PROFILE or default)")
	fl.StringArrayVar(&f.streams, "stream", nil, "a Kinesis stream to import, by name or ARN (repeatable, or comma-separated)")
	fl.StringArrayVar(&f.clusters, "cluster", nil, "an MSK cluster to import, by ARN (repeatable)")
	fl.StringArrayVar(&f.tables, "table", nil, "a DynamoDB table the consumers write to (repeatable): no API links a function to what it writes")
	fl.StringVar(&f.since, "since", "7d", "how far back the load is read from CloudWatch (at most 455d)")
	fl.StringVarP(&f.output, "output", "o", "", "the scenario file to write (- for stdout)")
	fl.StringVar(&f.name, "name", "", "the scenario's name (default: the first stream's)")
	fl.BoolVar(&f.printPolicy, "print-policy", false, "print the IAM policy of the calls import makes (all reads) and exit")
	fl.BoolVar(&f.force, "force", false, "overwrite the output file if it exists")
	return c
}

func runImport(c *cobra.Command, f *importFlags) error {
	if f.printPolicy {
		fmt.Fprint(c.OutOrStdout(), awsb.ImportPolicy())
		return nil
	}
	streams := splitFlagList(f.streams)
	clusters := splitFlagList(f.clusters)
	if len(streams) == 0 && len(clusters) == 0 {
		return invalid(errors.New("name what to import: --stream NAME (a Kinesis stream) or --cluster ARN (an MSK cluster)"))
	}
	if f.output == "" {
		return invalid(errors.New("say where to write the scenario: -o FILE.yaml (or -o - for stdout)"))
	}
	since, err := pipeline.ParseDuration(f.since)
	if err != nil || since <= 0 {
		return invalid(fmt.Errorf("--since %q: expected a duration such as 7d, 36h or 90m", f.since))
	}
	if since > awsb.MaxImportSince {
		return invalid(fmt.Errorf("--since %s: CloudWatch keeps metrics for at most 455 days", f.since))
	}
	if f.name != "" && !validName(f.name) {
		return invalid(fmt.Errorf("--name %q: expected lower-case letters, digits and dashes", f.name))
	}
	if f.output != "-" && !f.force {
		if _, err := os.Stat(f.output); err == nil {
			return invalid(fmt.Errorf("%s exists; give --force to overwrite it", f.output))
		}
	}
	ctx, stop := signal.NotifyContext(contextOf(c), os.Interrupt, syscall.SIGTERM)
	defer stop()
	errw := c.ErrOrStderr()
	cfg, err := awsb.LoadImportConfig(ctx, f.region, f.profile)
	if err != nil {
		return invalid(err)
	}
	cl, err := awsb.NewImportClients(ctx, cfg, awsb.ImportClientOptions{})
	if err != nil {
		return invalid(err)
	}
	fmt.Fprintf(errw, "reading %s with credentials from %s%s\n", textsafe.Line(cl.Region), textsafe.Line(orUnknown(cl.Credentials)), endpointNote(cl.Endpoints))
	res, err := awsb.Import(ctx, cl, awsb.ImportOptions{Streams: streams, Clusters: clusters, Tables: splitFlagList(f.tables),
		Since: since, Name: f.name})
	if ctx.Err() != nil {
		return &exitError{code: exitInvalid, err: errors.New("interrupted; nothing written")}
	}
	if res != nil {
		printImport(errw, res)
	}
	if err != nil {
		return invalid(err)
	}
	data, err := pipeline.Encode(res.Scenario, false)
	if err != nil {
		return invalid(err)
	}
	header := fmt.Sprintf("# Imported by streamsim import from %s: the load is CloudWatch's from %s to %s, per %s.\n"+
		"# Every imported value says where it came from; the description lists what could not be imported.\n",
		res.Scenario.Region, res.Start.UTC().Format(time.RFC3339), res.End.UTC().Format(time.RFC3339), pipeline.FormatDuration(res.Period))
	data = append([]byte(header), data...)
	if f.output == "-" {
		_, err = c.OutOrStdout().Write(data)
		return err
	}
	if err := os.WriteFile(f.output, data, 0o644); err != nil {
		return invalid(fmt.Errorf("write %s: %w", f.output, err))
	}
	fmt.Fprintf(errw, "wrote %s: %d nodes. Next: streamsim validate %s; streamsim open %s\n", textsafe.Line(f.output),
		len(res.Scenario.Nodes), textsafe.Line(f.output), textsafe.Line(f.output))
	return nil
}

func printImport(w interface{ Write([]byte) (int, error) }, res *awsb.ImportResult) {
	for _, l := range res.Imported {
		fmt.Fprintf(w, "  %s\n", textsafe.Line(l))
	}
	if len(res.Missing) > 0 {
		fmt.Fprintln(w, "not imported:")
		for _, m := range res.Missing {
			fmt.Fprintf(w, "  - %s\n", textsafe.Line(m))
		}
	}
}

func endpointNote(eps map[string]string) string {
	if len(eps) == 0 {
		return ""
	}
	var parts []string
	for svc, e := range eps {
		parts = append(parts, svc+" "+textsafe.Line(e))
	}
	sort.Strings(parts)
	return " (endpoints: " + strings.Join(parts, ", ") + ")"
}

// splitFlagList reads repeated and comma-separated flag values.
func splitFlagList(vals []string) []string {
	var out []string
	for _, v := range vals {
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

func validName(s string) bool {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return s != ""
}
