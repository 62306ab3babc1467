package aws

import (
	"context"
	"errors"
	"fmt"
	"net"
	"regexp"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/firehose"
	"github.com/aws/aws-sdk-go-v2/service/kafka"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/opensearch"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
)

// The importer reads what exists with read-only calls, each service through
// an interface listing only those calls (tests point the real SDK clients at
// local servers).

// StreamReader reads a Kinesis stream's description, shards and consumers.
type StreamReader interface {
	DescribeStreamSummary(ctx context.Context, in *kinesis.DescribeStreamSummaryInput, o ...func(*kinesis.Options)) (*kinesis.DescribeStreamSummaryOutput, error)
	ListShards(ctx context.Context, in *kinesis.ListShardsInput, o ...func(*kinesis.Options)) (*kinesis.ListShardsOutput, error)
	ListStreamConsumers(ctx context.Context, in *kinesis.ListStreamConsumersInput, o ...func(*kinesis.Options)) (*kinesis.ListStreamConsumersOutput, error)
}

// MetricReader reads CloudWatch metrics.
type MetricReader interface {
	GetMetricData(ctx context.Context, in *cloudwatch.GetMetricDataInput, o ...func(*cloudwatch.Options)) (*cloudwatch.GetMetricDataOutput, error)
}

// MappingReader lists Lambda event source mappings.
type MappingReader interface {
	ListEventSourceMappings(ctx context.Context, in *lambda.ListEventSourceMappingsInput, o ...func(*lambda.Options)) (*lambda.ListEventSourceMappingsOutput, error)
}

// DeliveryReader lists and describes Firehose delivery streams.
type DeliveryReader interface {
	ListDeliveryStreams(ctx context.Context, in *firehose.ListDeliveryStreamsInput, o ...func(*firehose.Options)) (*firehose.ListDeliveryStreamsOutput, error)
	DescribeDeliveryStream(ctx context.Context, in *firehose.DescribeDeliveryStreamInput, o ...func(*firehose.Options)) (*firehose.DescribeDeliveryStreamOutput, error)
}

// BucketReader checks a bucket.
type BucketReader interface {
	HeadBucket(ctx context.Context, in *s3.HeadBucketInput, o ...func(*s3.Options)) (*s3.HeadBucketOutput, error)
	GetBucketLocation(ctx context.Context, in *s3.GetBucketLocationInput, o ...func(*s3.Options)) (*s3.GetBucketLocationOutput, error)
}

// TableReader describes a DynamoDB table.
type TableReader interface {
	DescribeTable(ctx context.Context, in *dynamodb.DescribeTableInput, o ...func(*dynamodb.Options)) (*dynamodb.DescribeTableOutput, error)
}

// DomainReader describes an OpenSearch domain.
type DomainReader interface {
	DescribeDomain(ctx context.Context, in *opensearch.DescribeDomainInput, o ...func(*opensearch.Options)) (*opensearch.DescribeDomainOutput, error)
}

// ClusterReader describes an MSK cluster and its topics.
type ClusterReader interface {
	DescribeClusterV2(ctx context.Context, in *kafka.DescribeClusterV2Input, o ...func(*kafka.Options)) (*kafka.DescribeClusterV2Output, error)
	ListTopics(ctx context.Context, in *kafka.ListTopicsInput, o ...func(*kafka.Options)) (*kafka.ListTopicsOutput, error)
}

// ImportClients are the read-only clients of one account and region.
type ImportClients struct {
	Kinesis    StreamReader
	CloudWatch MetricReader
	Lambda     MappingReader
	Firehose   DeliveryReader
	S3         BucketReader
	DynamoDB   TableReader
	OpenSearch DomainReader
	MSK        ClusterReader
	Region     string
	// Credentials says where the credentials came from (a provider name,
	// never a key).
	Credentials string
	// Endpoints are the custom endpoints in use, by service, without user
	// info ("" or absent: AWS's own).
	Endpoints map[string]string
}

// ImportPolicyActions are every IAM action the importer calls, all of them
// reads (what --print-policy prints).
var ImportPolicyActions = []string{
	"kinesis:DescribeStreamSummary",
	"kinesis:ListShards",
	"kinesis:ListStreamConsumers",
	"cloudwatch:GetMetricData",
	"lambda:ListEventSourceMappings",
	"firehose:ListDeliveryStreams",
	"firehose:DescribeDeliveryStream",
	"s3:ListBucket",
	"s3:GetBucketLocation",
	"dynamodb:DescribeTable",
	"es:DescribeDomain",
	"kafka:DescribeClusterV2",
	"kafka:ListTopics",
}

// ImportPolicy is an IAM policy document that allows the importer's calls
// and nothing else.
func ImportPolicy() string {
	var b strings.Builder
	b.WriteString("{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n")
	b.WriteString("      \"Sid\": \"StreamsimImportReadOnly\",\n      \"Effect\": \"Allow\",\n      \"Action\": [\n")
	for i, a := range ImportPolicyActions {
		sep := ","
		if i == len(ImportPolicyActions)-1 {
			sep = ""
		}
		fmt.Fprintf(&b, "        %q%s\n", a, sep)
	}
	b.WriteString("      ],\n      \"Resource\": \"*\"\n    }\n  ]\n}\n")
	return b.String()
}

// LoadImportConfig loads the standard AWS configuration chain, as the AWS
// CLI does, with the region and the profile given on the command line
// winning ("" takes the chain's). It calls no AWS API. A profile that does
// not exist is an error.
func LoadImportConfig(ctx context.Context, region, profile string) (aws.Config, error) {
	return LoadConfig(ctx, ConfigOptions{Region: region, Profile: profile})
}

// ImportClientOptions tune the import clients.
type ImportClientOptions struct {
	// MaxAttempts is the most attempts of one call (throttled calls are
	// retried with exponential backoff and jitter); default 10.
	MaxAttempts int
	// MaxBackoff caps the wait between attempts; default 20s.
	MaxBackoff time.Duration
}

// NewImportClients makes the read-only clients of a loaded configuration.
// It checks that credentials can be had, without printing them, and retries
// throttled calls with backoff, with no retry quota: an import makes few
// calls, and a throttled one is worth waiting for.
func NewImportClients(ctx context.Context, cfg aws.Config, o ImportClientOptions) (*ImportClients, error) {
	if cfg.Region == "" {
		return nil, errors.New("no AWS region: give --region, or set AWS_REGION or a profile's region")
	}
	if cfg.Credentials == nil {
		return nil, errors.New("no AWS credentials from the standard chain (environment, profile, SSO, instance role)")
	}
	creds, err := cfg.Credentials.Retrieve(ctx)
	if err != nil {
		return nil, fmt.Errorf("no AWS credentials from the standard chain (environment, profile, SSO, instance role): %s", cleanError(err))
	}
	attempts, backoff := o.MaxAttempts, o.MaxBackoff
	if attempts <= 0 {
		attempts = 10
	}
	if backoff <= 0 {
		backoff = 20 * time.Second
	}
	cfg.Retryer = func() aws.Retryer {
		return retry.NewStandard(func(so *retry.StandardOptions) {
			so.MaxAttempts = attempts
			so.MaxBackoff = backoff
			so.RateLimiter = ratelimit.None
		})
	}
	c := &ImportClients{
		Kinesis:     kinesis.NewFromConfig(cfg),
		CloudWatch:  cloudwatch.NewFromConfig(cfg),
		Lambda:      lambda.NewFromConfig(cfg),
		Firehose:    firehose.NewFromConfig(cfg),
		DynamoDB:    dynamodb.NewFromConfig(cfg),
		OpenSearch:  opensearch.NewFromConfig(cfg),
		MSK:         kafka.NewFromConfig(cfg),
		Region:      cfg.Region,
		Credentials: creds.Source,
		Endpoints:   map[string]string{},
	}
	ends := map[string]string{
		"kinesis":    aws.ToString(c.Kinesis.(*kinesis.Client).Options().BaseEndpoint),
		"cloudwatch": aws.ToString(c.CloudWatch.(*cloudwatch.Client).Options().BaseEndpoint),
		"lambda":     aws.ToString(c.Lambda.(*lambda.Client).Options().BaseEndpoint),
		"firehose":   aws.ToString(c.Firehose.(*firehose.Client).Options().BaseEndpoint),
		"dynamodb":   aws.ToString(c.DynamoDB.(*dynamodb.Client).Options().BaseEndpoint),
		"opensearch": aws.ToString(c.OpenSearch.(*opensearch.Client).Options().BaseEndpoint),
		"kafka":      aws.ToString(c.MSK.(*kafka.Client).Options().BaseEndpoint),
		"s3":         aws.ToString(s3.NewFromConfig(cfg).Options().BaseEndpoint),
	}
	for svc, e := range ends {
		if e != "" {
			c.Endpoints[svc] = RedactURL(e)
		}
	}
	// A local S3 server is addressed by path unless its endpoint is an IP.
	local := Endpoints{SvcS3: ends["s3"]}.Local(SvcS3)
	c.S3 = s3.NewFromConfig(cfg, func(so *s3.Options) { so.UsePathStyle = local })
	return c, nil
}

// callFailure is why a read failed, in words for the import's notes.
type callFailure int

const (
	failOther       callFailure = iota
	failDenied                  // the identity may not make the call
	failNotFound                // the resource does not exist
	failUnreachable             // the endpoint could not be reached
)

// whyFailed says why a read of the import failed (classify, in faults.go, is
// about a run's endpoint faults).
func whyFailed(err error) callFailure {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		code := ae.ErrorCode()
		switch {
		case strings.Contains(code, "AccessDenied"), code == "UnauthorizedOperation", code == "AuthorizationError",
			code == "Forbidden", code == "UnrecognizedClientException", code == "InvalidClientTokenId",
			code == "ExpiredToken", code == "ExpiredTokenException", code == "AuthFailure":
			return failDenied
		case strings.Contains(code, "NotFound"), code == "NoSuchBucket", code == "ResourceNotFoundException":
			return failNotFound
		}
	}
	var ne net.Error
	var oe *net.OpError
	var de *net.DNSError
	if errors.As(err, &de) || errors.As(err, &oe) || errors.As(err, &ne) && !ne.Timeout() {
		return failUnreachable
	}
	return failOther
}

var userInfo = regexp.MustCompile(`//[^/@\s"]+@`)

// cleanError is an error's message without user names or passwords an
// endpoint URL may carry.
func cleanError(err error) string {
	return userInfo.ReplaceAllString(err.Error(), "//")
}
