package aws

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/firehose"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go/logging"
)

// The SDK clients are used through these interfaces, each listing only the
// calls the backend makes, so tests can wrap a real client (to inject
// throttling or partial failures that an emulator never produces).

// StreamAdmin creates, describes, tags and deletes Kinesis streams.
type StreamAdmin interface {
	CreateStream(ctx context.Context, in *kinesis.CreateStreamInput, o ...func(*kinesis.Options)) (*kinesis.CreateStreamOutput, error)
	DescribeStreamSummary(ctx context.Context, in *kinesis.DescribeStreamSummaryInput, o ...func(*kinesis.Options)) (*kinesis.DescribeStreamSummaryOutput, error)
	DeleteStream(ctx context.Context, in *kinesis.DeleteStreamInput, o ...func(*kinesis.Options)) (*kinesis.DeleteStreamOutput, error)
	ListStreams(ctx context.Context, in *kinesis.ListStreamsInput, o ...func(*kinesis.Options)) (*kinesis.ListStreamsOutput, error)
	AddTagsToStream(ctx context.Context, in *kinesis.AddTagsToStreamInput, o ...func(*kinesis.Options)) (*kinesis.AddTagsToStreamOutput, error)
	ListTagsForStream(ctx context.Context, in *kinesis.ListTagsForStreamInput, o ...func(*kinesis.Options)) (*kinesis.ListTagsForStreamOutput, error)
	UpdateShardCount(ctx context.Context, in *kinesis.UpdateShardCountInput, o ...func(*kinesis.Options)) (*kinesis.UpdateShardCountOutput, error)
}

// RecordPutter writes records into a Kinesis stream.
type RecordPutter interface {
	PutRecords(ctx context.Context, in *kinesis.PutRecordsInput, o ...func(*kinesis.Options)) (*kinesis.PutRecordsOutput, error)
}

// RecordGetter reads a Kinesis stream by polling.
type RecordGetter interface {
	ListShards(ctx context.Context, in *kinesis.ListShardsInput, o ...func(*kinesis.Options)) (*kinesis.ListShardsOutput, error)
	GetShardIterator(ctx context.Context, in *kinesis.GetShardIteratorInput, o ...func(*kinesis.Options)) (*kinesis.GetShardIteratorOutput, error)
	GetRecords(ctx context.Context, in *kinesis.GetRecordsInput, o ...func(*kinesis.Options)) (*kinesis.GetRecordsOutput, error)
}

// FanOut reads a Kinesis stream with enhanced fan-out.
type FanOut interface {
	RegisterStreamConsumer(ctx context.Context, in *kinesis.RegisterStreamConsumerInput, o ...func(*kinesis.Options)) (*kinesis.RegisterStreamConsumerOutput, error)
	DescribeStreamConsumer(ctx context.Context, in *kinesis.DescribeStreamConsumerInput, o ...func(*kinesis.Options)) (*kinesis.DescribeStreamConsumerOutput, error)
	DeregisterStreamConsumer(ctx context.Context, in *kinesis.DeregisterStreamConsumerInput, o ...func(*kinesis.Options)) (*kinesis.DeregisterStreamConsumerOutput, error)
	SubscribeToShard(ctx context.Context, in *kinesis.SubscribeToShardInput, o ...func(*kinesis.Options)) (*kinesis.SubscribeToShardOutput, error)
}

// KinesisAPI is every Kinesis call the backend makes.
type KinesisAPI interface {
	StreamAdmin
	RecordPutter
	RecordGetter
	FanOut
}

// S3API is every S3 call the backend makes.
type S3API interface {
	CreateBucket(ctx context.Context, in *s3.CreateBucketInput, o ...func(*s3.Options)) (*s3.CreateBucketOutput, error)
	PutBucketTagging(ctx context.Context, in *s3.PutBucketTaggingInput, o ...func(*s3.Options)) (*s3.PutBucketTaggingOutput, error)
	GetBucketTagging(ctx context.Context, in *s3.GetBucketTaggingInput, o ...func(*s3.Options)) (*s3.GetBucketTaggingOutput, error)
	ListBuckets(ctx context.Context, in *s3.ListBucketsInput, o ...func(*s3.Options)) (*s3.ListBucketsOutput, error)
	DeleteBucket(ctx context.Context, in *s3.DeleteBucketInput, o ...func(*s3.Options)) (*s3.DeleteBucketOutput, error)
	PutObject(ctx context.Context, in *s3.PutObjectInput, o ...func(*s3.Options)) (*s3.PutObjectOutput, error)
	GetObject(ctx context.Context, in *s3.GetObjectInput, o ...func(*s3.Options)) (*s3.GetObjectOutput, error)
	ListObjectsV2(ctx context.Context, in *s3.ListObjectsV2Input, o ...func(*s3.Options)) (*s3.ListObjectsV2Output, error)
	DeleteObjects(ctx context.Context, in *s3.DeleteObjectsInput, o ...func(*s3.Options)) (*s3.DeleteObjectsOutput, error)
}

// DynamoDBAPI is every DynamoDB call the backend makes.
type DynamoDBAPI interface {
	CreateTable(ctx context.Context, in *dynamodb.CreateTableInput, o ...func(*dynamodb.Options)) (*dynamodb.CreateTableOutput, error)
	DescribeTable(ctx context.Context, in *dynamodb.DescribeTableInput, o ...func(*dynamodb.Options)) (*dynamodb.DescribeTableOutput, error)
	DeleteTable(ctx context.Context, in *dynamodb.DeleteTableInput, o ...func(*dynamodb.Options)) (*dynamodb.DeleteTableOutput, error)
	ListTables(ctx context.Context, in *dynamodb.ListTablesInput, o ...func(*dynamodb.Options)) (*dynamodb.ListTablesOutput, error)
	ListTagsOfResource(ctx context.Context, in *dynamodb.ListTagsOfResourceInput, o ...func(*dynamodb.Options)) (*dynamodb.ListTagsOfResourceOutput, error)
	BatchWriteItem(ctx context.Context, in *dynamodb.BatchWriteItemInput, o ...func(*dynamodb.Options)) (*dynamodb.BatchWriteItemOutput, error)
	TagResource(ctx context.Context, in *dynamodb.TagResourceInput, o ...func(*dynamodb.Options)) (*dynamodb.TagResourceOutput, error)
}

// FirehoseAPI is every Firehose call the backend makes.
type FirehoseAPI interface {
	CreateDeliveryStream(ctx context.Context, in *firehose.CreateDeliveryStreamInput, o ...func(*firehose.Options)) (*firehose.CreateDeliveryStreamOutput, error)
	DescribeDeliveryStream(ctx context.Context, in *firehose.DescribeDeliveryStreamInput, o ...func(*firehose.Options)) (*firehose.DescribeDeliveryStreamOutput, error)
	DeleteDeliveryStream(ctx context.Context, in *firehose.DeleteDeliveryStreamInput, o ...func(*firehose.Options)) (*firehose.DeleteDeliveryStreamOutput, error)
	ListDeliveryStreams(ctx context.Context, in *firehose.ListDeliveryStreamsInput, o ...func(*firehose.Options)) (*firehose.ListDeliveryStreamsOutput, error)
	ListTagsForDeliveryStream(ctx context.Context, in *firehose.ListTagsForDeliveryStreamInput, o ...func(*firehose.Options)) (*firehose.ListTagsForDeliveryStreamOutput, error)
	PutRecordBatch(ctx context.Context, in *firehose.PutRecordBatchInput, o ...func(*firehose.Options)) (*firehose.PutRecordBatchOutput, error)
	TagDeliveryStream(ctx context.Context, in *firehose.TagDeliveryStreamInput, o ...func(*firehose.Options)) (*firehose.TagDeliveryStreamOutput, error)
}

// Clients are the service clients of one account and region.
type Clients struct {
	Kinesis  KinesisAPI
	S3       S3API
	DynamoDB DynamoDBAPI
	Firehose FirehoseAPI
	// Region the clients talk to.
	Region string
	// Credentials says where the credentials came from (a provider name,
	// never a key).
	Credentials string
	// Config is the loaded AWS configuration (for the MSK IAM signer).
	Config aws.Config
	// Health follows how each endpoint answers; every call of the clients
	// above has the deadlines it holds.
	Health *Health
}

// ConfigOptions choose the region and S3 addressing.
type ConfigOptions struct {
	// Region wins over the AWS chain when set.
	Region string
	// Profile, when set, is the shared config profile to use (as
	// AWS_PROFILE); one that does not exist is an error.
	Profile string
	// FallbackRegion is used when neither Region nor the chain give one
	// (the scenario's region).
	FallbackRegion string
	// S3PathStyle addresses buckets as http://host/bucket, which local S3
	// servers need unless their endpoint is an IP address.
	S3PathStyle bool
	// Deadlines bound every call (zero: the defaults).
	Deadlines Deadlines
	// Endpoints set in code win over the configuration's (tests use them).
	Endpoints Endpoints
}

// LoadConfig loads the standard AWS configuration chain (environment,
// shared config and credentials files, profiles, SSO, instance roles;
// AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> for endpoints). It calls
// no AWS API and does not resolve credentials.
func LoadConfig(ctx context.Context, o ConfigOptions) (aws.Config, error) {
	// The SDK's own log lines ("falling back to IMDSv1") would reach the
	// terminal unescaped and say nothing the errors do not.
	opts := []func(*config.LoadOptions) error{config.WithLogger(logging.Nop{})}
	if o.Region != "" {
		opts = append(opts, config.WithRegion(o.Region))
	}
	if o.Profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(o.Profile))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return cfg, fmt.Errorf("load AWS configuration: %s", cleanError(err))
	}
	if cfg.Region == "" {
		cfg.Region = o.FallbackRegion
	}
	return cfg, nil
}

// NewClients makes the clients of a loaded configuration. It checks that
// credentials can be had, without printing them.
func NewClients(ctx context.Context, cfg aws.Config, o ConfigOptions) (*Clients, error) {
	if cfg.Region == "" {
		return nil, errors.New("no AWS region: set AWS_REGION, a profile's region, --region, or the scenario's region")
	}
	if cfg.Credentials == nil {
		return nil, errors.New("no AWS credentials from the standard chain (environment, profile, SSO, instance role)")
	}
	creds, err := cfg.Credentials.Retrieve(ctx)
	if err != nil {
		return nil, fmt.Errorf("no AWS credentials from the standard chain (environment, profile, SSO, instance role): %w", err)
	}
	c := newClients(cfg, o)
	c.Credentials = creds.Source
	return c, nil
}

// newClients makes the clients of cfg, each call bounded by o.Deadlines and
// followed by the clients' Health. It calls nothing.
func newClients(cfg aws.Config, o ConfigOptions) *Clients {
	d := o.Deadlines.withDefaults()
	cfg.HTTPClient = d.httpClient(cfg.HTTPClient)
	base := func(s Service) *string {
		if v := o.Endpoints[s]; v != "" {
			return aws.String(v)
		}
		return nil
	}
	kc := kinesis.NewFromConfig(cfg, func(ko *kinesis.Options) {
		if v := base(SvcKinesis); v != nil {
			ko.BaseEndpoint = v
		}
	})
	dc := dynamodb.NewFromConfig(cfg, func(do *dynamodb.Options) {
		if v := base(SvcDynamoDB); v != nil {
			do.BaseEndpoint = v
		}
	})
	fc := firehose.NewFromConfig(cfg, func(fo *firehose.Options) {
		if v := base(SvcFirehose); v != nil {
			fo.BaseEndpoint = v
		}
	})
	sc := s3.NewFromConfig(cfg, func(so *s3.Options) {
		so.UsePathStyle = o.S3PathStyle
		if v := base(SvcS3); v != nil {
			so.BaseEndpoint = v
		}
	})
	eps := Endpoints{
		SvcKinesis:  aws.ToString(kc.Options().BaseEndpoint),
		SvcDynamoDB: aws.ToString(dc.Options().BaseEndpoint),
		SvcFirehose: aws.ToString(fc.Options().BaseEndpoint),
		SvcS3:       aws.ToString(sc.Options().BaseEndpoint),
	}
	shown := map[Service]string{}
	for _, s := range AllServices {
		shown[s] = eps.Shown(s)
		if eps[s] == "" {
			shown[s] = "AWS " + cfg.Region
		}
	}
	h := NewHealth(d, shown)
	return &Clients{
		Kinesis: kinesis.New(kc.Options(), func(ko *kinesis.Options) {
			ko.Retryer = d.retryer(ko.Retryer)
			ko.APIOptions = append(ko.APIOptions, h.middleware(SvcKinesis))
		}),
		DynamoDB: dynamodb.New(dc.Options(), func(do *dynamodb.Options) {
			do.Retryer = d.retryer(do.Retryer)
			do.APIOptions = append(do.APIOptions, h.middleware(SvcDynamoDB))
		}),
		Firehose: firehose.New(fc.Options(), func(fo *firehose.Options) {
			fo.Retryer = d.retryer(fo.Retryer)
			fo.APIOptions = append(fo.APIOptions, h.middleware(SvcFirehose))
		}),
		S3: s3.New(sc.Options(), func(so *s3.Options) {
			so.Retryer = d.retryer(so.Retryer)
			so.APIOptions = append(so.APIOptions, h.middleware(SvcS3))
		}),
		Region: cfg.Region,
		Config: cfg,
		Health: h,
	}
}
