package aws

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/firehose"
	fhtypes "github.com/aws/aws-sdk-go-v2/service/firehose/types"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	kintypes "github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/twmb/franz-go/pkg/kadm"
)

// readyTimeout bounds the wait for one resource to become ready.
const readyTimeout = 10 * time.Minute

// teardownTimeout bounds the whole teardown.
const teardownTimeout = 10 * time.Minute

// provisioner creates a plan's resources and remembers what it created, so
// teardown deletes exactly that, in reverse order.
type provisioner struct {
	c       *Clients
	kadm    *kadm.Client // nil without Kafka
	plan    *Plan
	roleARN string
	logf    func(format string, args ...any)
	poll    time.Duration // between readiness checks

	mu      sync.Mutex
	created []Resource
	arns    map[string]string // stream name → ARN
}

func (p *provisioner) add(r Resource) {
	p.mu.Lock()
	p.created = append(p.created, r)
	p.mu.Unlock()
}

// Created lists what was created so far.
func (p *provisioner) Created() []Resource {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Resource(nil), p.created...)
}

// create makes every resource of the plan except EFO consumers (the readers
// register those), waiting until each is ready. On error what was created
// stays recorded for teardown.
func (p *provisioner) create(ctx context.Context) error {
	p.arns = map[string]string{}
	order := []Kind{KindBucket, KindTable, KindStream, KindTopic, KindDeliveryStream}
	for _, k := range order {
		for _, r := range p.plan.Resources {
			if r.Kind != k {
				continue
			}
			if err := p.createOne(ctx, r); err != nil {
				return fmt.Errorf("create %s %s: %w", r.Kind, r.Name, err)
			}
		}
	}
	return nil
}

func (p *provisioner) createOne(ctx context.Context, r Resource) error {
	switch r.Kind {
	case KindBucket:
		in := &s3.CreateBucketInput{Bucket: aws.String(r.Name)}
		if p.c.Region != "" && p.c.Region != "us-east-1" {
			in.CreateBucketConfiguration = &s3types.CreateBucketConfiguration{
				LocationConstraint: s3types.BucketLocationConstraint(p.c.Region)}
		}
		if _, err := p.c.S3.CreateBucket(ctx, in); err != nil {
			return err
		}
		p.add(r)
		p.logf("created %s %s", r.Kind, r.Name)
		var tags []s3types.Tag
		for _, k := range p.plan.sortedTags() {
			tags = append(tags, s3types.Tag{Key: aws.String(k), Value: aws.String(p.plan.Tags[k])})
		}
		if _, err := p.c.S3.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{Bucket: aws.String(r.Name),
			Tagging: &s3types.Tagging{TagSet: tags}}); err != nil {
			p.logf("could not tag bucket %s (%v); cleanup finds it by its name", r.Name, shortErr(err))
		}
		return nil
	case KindTable:
		in := &dynamodb.CreateTableInput{
			TableName: aws.String(r.Name),
			AttributeDefinitions: []ddbtypes.AttributeDefinition{
				{AttributeName: aws.String("pk"), AttributeType: ddbtypes.ScalarAttributeTypeS},
				{AttributeName: aws.String("sk"), AttributeType: ddbtypes.ScalarAttributeTypeS},
			},
			KeySchema: []ddbtypes.KeySchemaElement{
				{AttributeName: aws.String("pk"), KeyType: ddbtypes.KeyTypeHash},
				{AttributeName: aws.String("sk"), KeyType: ddbtypes.KeyTypeRange},
			},
		}
		for _, k := range p.plan.sortedTags() {
			in.Tags = append(in.Tags, ddbtypes.Tag{Key: aws.String(k), Value: aws.String(p.plan.Tags[k])})
		}
		if r.WCU > 0 {
			in.BillingMode = ddbtypes.BillingModeProvisioned
			in.ProvisionedThroughput = &ddbtypes.ProvisionedThroughput{
				ReadCapacityUnits: aws.Int64(1), WriteCapacityUnits: aws.Int64(int64(r.WCU))}
		} else {
			in.BillingMode = ddbtypes.BillingModePayPerRequest
		}
		if _, err := p.c.DynamoDB.CreateTable(ctx, in); err != nil {
			return err
		}
		p.add(r)
		p.logf("created %s %s, waiting until it is active", r.Kind, r.Name)
		return p.waitFor(ctx, r, func() (bool, error) {
			out, err := p.c.DynamoDB.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(r.Name)})
			if err != nil {
				return false, err
			}
			return out.Table != nil && out.Table.TableStatus == ddbtypes.TableStatusActive, nil
		})
	case KindStream:
		in := &kinesis.CreateStreamInput{StreamName: aws.String(r.Name), Tags: p.plan.Tags}
		if r.OnDemand {
			in.StreamModeDetails = &kintypes.StreamModeDetails{StreamMode: kintypes.StreamModeOnDemand}
		} else {
			in.ShardCount = aws.Int32(int32(r.Shards))
			in.StreamModeDetails = &kintypes.StreamModeDetails{StreamMode: kintypes.StreamModeProvisioned}
		}
		if _, err := p.c.Kinesis.CreateStream(ctx, in); err != nil {
			return err
		}
		p.add(r)
		p.logf("created %s %s (%s), waiting until it is active", r.Kind, r.Name, r.Size)
		err := p.waitFor(ctx, r, func() (bool, error) {
			out, err := p.c.Kinesis.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String(r.Name)})
			if err != nil {
				return false, err
			}
			d := out.StreamDescriptionSummary
			if d != nil && d.StreamStatus == kintypes.StreamStatusActive {
				p.mu.Lock()
				p.arns[r.Name] = aws.ToString(d.StreamARN)
				p.mu.Unlock()
				return true, nil
			}
			return false, nil
		})
		if err != nil {
			return err
		}
		// Some endpoints ignore tags given to CreateStream: tag again, and say
		// so if that fails too.
		if _, err := p.c.Kinesis.AddTagsToStream(ctx, &kinesis.AddTagsToStreamInput{StreamName: aws.String(r.Name), Tags: p.plan.Tags}); err != nil {
			p.logf("could not tag stream %s (%v); cleanup finds it by its name", r.Name, shortErr(err))
		}
		return nil
	case KindTopic:
		if p.kadm == nil {
			return errors.New("no Kafka connection")
		}
		resp, err := p.kadm.CreateTopic(ctx, int32(r.Partitions), int16(r.Replication), nil, r.Name)
		if err == nil {
			err = resp.Err
		}
		if err != nil {
			return err
		}
		p.add(r)
		p.logf("created %s %s (%s)", r.Kind, r.Name, r.Size)
		return nil
	case KindDeliveryStream:
		if p.roleARN == "" {
			return errors.New("a Firehose delivery stream needs an IAM role that Firehose can assume (to read the stream and write the bucket): give it with --firehose-role ARN, or run Firehose client-side with --firehose client")
		}
		dst := &fhtypes.ExtendedS3DestinationConfiguration{
			BucketARN: aws.String("arn:aws:s3:::" + r.Bucket),
			RoleARN:   aws.String(p.roleARN),
			Prefix:    aws.String(r.Node + "/"),
			BufferingHints: &fhtypes.BufferingHints{
				SizeInMBs:         aws.Int32(int32(max(1, r.BufferBytes/(1<<20)))),
				IntervalInSeconds: aws.Int32(int32(r.BufferInterval / time.Second)),
			},
		}
		in := &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String(r.Name),
			ExtendedS3DestinationConfiguration: dst}
		for _, k := range p.plan.sortedTags() {
			in.Tags = append(in.Tags, fhtypes.Tag{Key: aws.String(k), Value: aws.String(p.plan.Tags[k])})
		}
		if r.SourceStream != "" {
			p.mu.Lock()
			arn := p.arns[r.SourceStream]
			p.mu.Unlock()
			in.DeliveryStreamType = fhtypes.DeliveryStreamTypeKinesisStreamAsSource
			in.KinesisStreamSourceConfiguration = &fhtypes.KinesisStreamSourceConfiguration{
				KinesisStreamARN: aws.String(arn), RoleARN: aws.String(p.roleARN)}
		} else {
			in.DeliveryStreamType = fhtypes.DeliveryStreamTypeDirectPut
		}
		if _, err := p.c.Firehose.CreateDeliveryStream(ctx, in); err != nil {
			return err
		}
		p.add(r)
		p.logf("created %s %s (%s), waiting until it is active", r.Kind, r.Name, r.Size)
		return p.waitFor(ctx, r, func() (bool, error) {
			out, err := p.c.Firehose.DescribeDeliveryStream(ctx, &firehose.DescribeDeliveryStreamInput{DeliveryStreamName: aws.String(r.Name)})
			if err != nil {
				return false, err
			}
			d := out.DeliveryStreamDescription
			if d != nil && d.DeliveryStreamStatus == fhtypes.DeliveryStreamStatusCreatingFailed {
				return false, fmt.Errorf("creation failed: %v", d.FailureDescription)
			}
			return d != nil && d.DeliveryStreamStatus == fhtypes.DeliveryStreamStatusActive, nil
		})
	}
	return fmt.Errorf("unknown resource kind %s", r.Kind)
}

func (p *provisioner) waitFor(ctx context.Context, r Resource, ready func() (bool, error)) error {
	ctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	poll := p.poll
	if poll <= 0 {
		poll = time.Second
	}
	for {
		ok, err := ready()
		if err != nil {
			return fmt.Errorf("wait for %s: %w", r.Name, err)
		}
		if ok {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("wait for %s: %w", r.Name, ctx.Err())
		case <-time.After(poll):
		}
	}
}

// streamARN returns the ARN of a stream this run created.
func (p *provisioner) streamARN(name string) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.arns[name]
}

// teardown deletes everything created, newest first, with its own context so
// that it also runs after the run's context was cancelled. It reports each
// deletion and returns what could not be deleted.
func (p *provisioner) teardown(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), teardownTimeout)
	defer cancel()
	list := p.Created()
	var failed []string
	var errs []error
	for i := len(list) - 1; i >= 0; i-- {
		r := list[i]
		if err := deleteResource(ctx, p.c, p.kadm, r, p.poll); err != nil {
			failed = append(failed, fmt.Sprintf("%s %s", r.Kind, r.Name))
			errs = append(errs, fmt.Errorf("delete %s %s: %w", r.Kind, r.Name, err))
			continue
		}
		p.logf("deleted %s %s", r.Kind, r.Name)
	}
	p.mu.Lock()
	p.created = nil
	p.mu.Unlock()
	if len(errs) > 0 {
		return fmt.Errorf("could not delete %s (streamsim cleanup --run %s --yes tries again): %w",
			strings.Join(failed, ", "), p.plan.RunID, errors.Join(errs...))
	}
	return nil
}

// deleteResource deletes one resource and waits until it is gone (streams
// and tables), so that "deleted" is true when it is said. A resource that is
// already gone counts as deleted.
func deleteResource(ctx context.Context, c *Clients, ka *kadm.Client, r Resource, poll time.Duration) error {
	if poll <= 0 {
		poll = time.Second
	}
	var err error
	switch r.Kind {
	case KindDeliveryStream:
		_, err = c.Firehose.DeleteDeliveryStream(ctx, &firehose.DeleteDeliveryStreamInput{DeliveryStreamName: aws.String(r.Name)})
		if isNotFound(err) {
			return nil
		}
	case KindStreamConsumer:
		_, err = c.Kinesis.DeregisterStreamConsumer(ctx, &kinesis.DeregisterStreamConsumerInput{
			StreamARN: aws.String(r.Stream), ConsumerName: aws.String(r.Name)})
		if isNotFound(err) {
			return nil
		}
	case KindStream:
		_, err = c.Kinesis.DeleteStream(ctx, &kinesis.DeleteStreamInput{StreamName: aws.String(r.Name),
			EnforceConsumerDeletion: aws.Bool(true)})
		if isNotFound(err) {
			return nil
		}
		if err == nil {
			err = waitGone(ctx, poll, func() error {
				_, err := c.Kinesis.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String(r.Name)})
				return err
			})
		}
	case KindTable:
		_, err = c.DynamoDB.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String(r.Name)})
		if isNotFound(err) {
			return nil
		}
		if err == nil {
			err = waitGone(ctx, poll, func() error {
				_, err := c.DynamoDB.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(r.Name)})
				return err
			})
		}
	case KindBucket:
		err = emptyBucket(ctx, c.S3, r.Name)
		if err == nil {
			_, err = c.S3.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String(r.Name)})
		}
		if isNotFound(err) {
			return nil
		}
	case KindTopic:
		if ka == nil {
			return errors.New("no Kafka connection")
		}
		var resp kadm.DeleteTopicResponses
		resp, err = ka.DeleteTopics(ctx, r.Name)
		if err == nil {
			if one, e := resp.On(r.Name, nil); e == nil && one.Err != nil && !isNotFound(one.Err) {
				err = one.Err
			}
		}
	default:
		err = fmt.Errorf("unknown resource kind %s", r.Kind)
	}
	return err
}

// waitGone polls describe until it reports the resource missing.
func waitGone(ctx context.Context, poll time.Duration, describe func() error) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	for {
		err := describe()
		if isNotFound(err) {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("still there after deletion: %w", ctx.Err())
		case <-time.After(poll):
		}
	}
}

// emptyBucket deletes every object of a bucket: it lists the first page and
// deletes it until the bucket is empty.
func emptyBucket(ctx context.Context, c S3API, bucket string) error {
	for {
		out, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(bucket)})
		if err != nil {
			return err
		}
		if len(out.Contents) == 0 {
			return nil
		}
		var ids []s3types.ObjectIdentifier
		for _, o := range out.Contents {
			ids = append(ids, s3types.ObjectIdentifier{Key: o.Key})
		}
		if _, err := c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String(bucket),
			Delete: &s3types.Delete{Objects: ids, Quiet: aws.Bool(true)}}); err != nil {
			return err
		}
		if !aws.ToBool(out.IsTruncated) {
			return nil
		}
	}
}

// isNotFound reports whether err says the resource does not exist.
func isNotFound(err error) bool {
	if err == nil {
		return false
	}
	var k *kintypes.ResourceNotFoundException
	var d *ddbtypes.ResourceNotFoundException
	var f *fhtypes.ResourceNotFoundException
	var b *s3types.NoSuchBucket
	if errors.As(err, &k) || errors.As(err, &d) || errors.As(err, &f) || errors.As(err, &b) {
		return true
	}
	s := err.Error()
	return strings.Contains(s, "NoSuchBucket") || strings.Contains(s, "ResourceNotFound") ||
		strings.Contains(s, "UNKNOWN_TOPIC_OR_PARTITION") || strings.Contains(s, "StatusCode: 404")
}

// shortErr keeps the first line of an error.
func shortErr(err error) string {
	s := err.Error()
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}
