package aws

import (
	"context"
	"errors"
	"fmt"
	"slices"
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

// provisioner creates a plan's resources and remembers what it created, so
// teardown deletes exactly that, in reverse order.
type provisioner struct {
	c       *Clients
	kadm    *kadm.Client // nil without Kafka
	plan    *Plan
	roleARN string
	logf    func(format string, args ...any)
	poll    time.Duration // between readiness checks
	// leaseTTL is how long the lease written at creation lasts (the run
	// renews it).
	leaseTTL time.Duration

	mu      sync.Mutex
	created []Resource
	arns    map[string]string // stream name → ARN
	tables  map[string]string // table name → ARN
	gone    []Resource        // found already gone by the teardown
}

// tableARN returns the ARN of a table this run created, or "".
func (p *provisioner) tableARN(name string) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.tables[name]
}

// tags are the plan's tags and a fresh lease.
func (p *provisioner) tags() map[string]string {
	out := map[string]string{TagLease: leaseValue(time.Now(), p.ttl())}
	for k, v := range p.plan.Tags {
		out[k] = v
	}
	return out
}

func (p *provisioner) ttl() time.Duration {
	if p.leaseTTL > 0 {
		return p.leaseTTL
	}
	return DefaultLeaseTTL
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
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
	p.mu.Lock()
	p.arns, p.tables = map[string]string{}, map[string]string{}
	p.mu.Unlock()
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
		if err := p.setLease(ctx, r, leaseValue(time.Now(), p.ttl())); err != nil {
			p.logf("could not put the lease marker in bucket %s (%v): cleanup leaves the bucket alone unless the run's other resources show it has ended, or given --force", r.Name, shortErr(err))
		}
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
		tags := p.tags()
		for _, k := range sortedKeys(tags) {
			in.Tags = append(in.Tags, ddbtypes.Tag{Key: aws.String(k), Value: aws.String(tags[k])})
		}
		if r.WCU > 0 {
			in.BillingMode = ddbtypes.BillingModeProvisioned
			in.ProvisionedThroughput = &ddbtypes.ProvisionedThroughput{
				ReadCapacityUnits: aws.Int64(1), WriteCapacityUnits: aws.Int64(int64(r.WCU))}
		} else {
			in.BillingMode = ddbtypes.BillingModePayPerRequest
		}
		out, err := p.c.DynamoDB.CreateTable(ctx, in)
		if err != nil {
			return err
		}
		p.add(r)
		if out.TableDescription != nil && out.TableDescription.TableArn != nil {
			p.mu.Lock()
			p.tables[r.Name] = aws.ToString(out.TableDescription.TableArn)
			p.mu.Unlock()
		}
		p.logf("creating %s %s, waiting until it is active", r.Kind, r.Name)
		err = p.waitFor(ctx, r, func() (bool, error) {
			out, err := p.c.DynamoDB.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(r.Name)})
			if err != nil {
				return false, err
			}
			return out.Table != nil && out.Table.TableStatus == ddbtypes.TableStatusActive, nil
		})
		if err != nil {
			return err
		}
		p.logf("created %s %s", r.Kind, r.Name)
		// Some endpoints ignore tags given to CreateTable: tag again.
		if arn := p.tableARN(r.Name); arn != "" {
			var tags []ddbtypes.Tag
			for k, v := range p.tags() {
				tags = append(tags, ddbtypes.Tag{Key: aws.String(k), Value: aws.String(v)})
			}
			if _, err := p.c.DynamoDB.TagResource(ctx, &dynamodb.TagResourceInput{ResourceArn: aws.String(arn), Tags: tags}); err != nil {
				p.logf("could not tag table %s (%v); cleanup finds it by its name", r.Name, shortErr(err))
			}
		}
		return nil
	case KindStream:
		in := &kinesis.CreateStreamInput{StreamName: aws.String(r.Name), Tags: p.tags()}
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
		p.logf("creating %s %s (%s), waiting until it is active", r.Kind, r.Name, r.Size)
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
		p.logf("created %s %s", r.Kind, r.Name)
		// Some endpoints ignore tags given to CreateStream: tag again, and say
		// so if that fails too.
		if _, err := p.c.Kinesis.AddTagsToStream(ctx, &kinesis.AddTagsToStreamInput{StreamName: aws.String(r.Name), Tags: p.tags()}); err != nil {
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
		tags := p.tags()
		for _, k := range sortedKeys(tags) {
			in.Tags = append(in.Tags, fhtypes.Tag{Key: aws.String(k), Value: aws.String(tags[k])})
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
		p.logf("creating %s %s (%s), waiting until it is active", r.Kind, r.Name, r.Size)
		err := p.waitFor(ctx, r, func() (bool, error) {
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
		if err == nil {
			p.logf("created %s %s", r.Kind, r.Name)
		}
		return err
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
