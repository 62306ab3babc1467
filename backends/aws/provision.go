package aws

import (
	"context"
	"errors"
	"fmt"
	"slices"
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

// teardown deletes everything created (see deleteAll), with a context of
// its own so that it also runs after the run's context was cancelled. It
// reports each deletion and returns what could not be deleted.
func (p *provisioner) teardown(ctx context.Context) error {
	list := p.Created()
	slices.Reverse(list) // newest first
	failed, err := deleteAll(context.WithoutCancel(ctx), p.c, p.kadm, list, p.poll, p.logf, p.deleted)
	if err != nil {
		var names []string
		for _, r := range failed {
			names = append(names, fmt.Sprintf("%s %s", r.Kind, r.Name))
		}
		return fmt.Errorf("could not delete %s (streamsim cleanup --run %s --yes tries again): %w",
			strings.Join(names, ", "), p.plan.RunID, err)
	}
	return nil
}

// deleted forgets a resource that is gone, and counts those that were gone
// before the teardown came to them.
func (p *provisioner) deleted(r Resource, already bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.created = slices.DeleteFunc(p.created, func(c Resource) bool { return c.Kind == r.Kind && c.Name == r.Name })
	if already {
		p.gone = append(p.gone, r)
	}
}

// Gone lists the resources the teardown found already gone.
func (p *provisioner) Gone() []Resource {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Resource(nil), p.gone...)
}

// resourceTimeout bounds the deletion of one resource, waiting until it is
// gone included. Each call in it has its own deadline (Deadlines.Call).
const resourceTimeout = 3 * time.Minute

// serviceOf is the service that holds resources of kind k.
func serviceOf(k Kind) Service {
	switch k {
	case KindStream, KindStreamConsumer:
		return SvcKinesis
	case KindBucket:
		return SvcS3
	case KindTable:
		return SvcDynamoDB
	case KindDeliveryStream:
		return SvcFirehose
	}
	return SvcKafka
}

// deleteAll deletes list: delivery streams first (they read streams and
// write buckets), then each service's resources in the order of list, the
// services side by side. Each resource has its own deadline, and a failure
// does not stop the others. A service whose endpoint is down gets one short
// try (Deadlines.Stall); once a resource of it failed for want of an
// answer, its other resources are not tried. gone is called for each
// resource deleted; the resources not deleted are returned.
func deleteAll(ctx context.Context, c *Clients, ka *kadm.Client, list []Resource, poll time.Duration,
	logf func(string, ...any), gone func(r Resource, already bool)) ([]Resource, error) {
	var first, rest []Resource
	for _, r := range list {
		if r.Kind == KindDeliveryStream {
			first = append(first, r)
		} else {
			rest = append(rest, r)
		}
	}
	var mu sync.Mutex
	var failed []Resource
	var errs []error
	group := func(rs []Resource) {
		var dead error // the service did not answer: the rest is not tried
		for _, r := range rs {
			var err error
			if dead != nil {
				err = dead
			} else {
				err = deleteOne(ctx, c, ka, r, poll)
			}
			if err == nil || errors.Is(err, errAlreadyGone) {
				if err == nil {
					logf("deleted %s %s", r.Kind, r.Name)
				} else {
					logf("%s %s was already gone (deleted by someone else, or never created)", r.Kind, r.Name)
				}
				if gone != nil {
					gone(r, err != nil)
				}
				continue
			}
			logf("could not delete %s %s: %s", r.Kind, r.Name, shortErr(err))
			if k, why := classify(err); dead == nil && (k == FaultNoAnswer || k == FaultUnreachable) {
				s := serviceOf(r.Kind)
				dead = &notTriedError{fmt.Sprintf("not tried: the %s endpoint %s gave no answer to the deletion of %s %s (%s)",
					s, c.Health.Shown(s), r.Kind, r.Name, why), err}
			}
			mu.Lock()
			failed = append(failed, r)
			errs = append(errs, fmt.Errorf("delete %s %s: %w", r.Kind, r.Name, err))
			mu.Unlock()
		}
	}
	bySvc := map[Service][]Resource{}
	var order []Service
	for _, r := range rest {
		s := serviceOf(r.Kind)
		if _, ok := bySvc[s]; !ok {
			order = append(order, s)
		}
		bySvc[s] = append(bySvc[s], r)
	}
	group(first)
	var wg sync.WaitGroup
	for _, s := range order {
		wg.Add(1)
		go func() {
			defer wg.Done()
			group(bySvc[s])
		}()
	}
	wg.Wait()
	return failed, errors.Join(errs...)
}

// notTriedError is a deletion not tried because the service had given no
// answer to an earlier one; it classifies as that answer did.
type notTriedError struct {
	msg   string
	cause error
}

func (e *notTriedError) Error() string { return e.msg }
func (e *notTriedError) Unwrap() error { return e.cause }

// deleteOne deletes a resource within its own deadline; a service whose
// endpoint is down gets a short one.
func deleteOne(ctx context.Context, c *Clients, ka *kadm.Client, r Resource, poll time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, resourceTimeout)
	defer cancel()
	if c != nil && c.Health.Down(serviceOf(r.Kind)) {
		ctx = withCallTimeout(ctx, c.Health.Deadlines().Stall)
	}
	return deleteResource(ctx, c, ka, r, poll)
}

// deleteResource deletes one resource and waits until it is gone (streams
// and tables), so that "deleted" is true when it is said. A resource that is
// already gone returns errAlreadyGone. A stream or table still being created (or
// updated) is waited for first: AWS refuses to delete it until then.
func deleteResource(ctx context.Context, c *Clients, ka *kadm.Client, r Resource, poll time.Duration) error {
	if poll <= 0 {
		poll = time.Second
	}
	var err error
	switch r.Kind {
	case KindDeliveryStream:
		err = whileInUse(ctx, poll, func() error {
			_, err := c.Firehose.DeleteDeliveryStream(ctx, &firehose.DeleteDeliveryStreamInput{DeliveryStreamName: aws.String(r.Name)})
			return err
		})
		if isNotFound(err) {
			return errAlreadyGone
		}
	case KindStreamConsumer:
		_, err = c.Kinesis.DeregisterStreamConsumer(ctx, &kinesis.DeregisterStreamConsumerInput{
			StreamARN: aws.String(r.Stream), ConsumerName: aws.String(r.Name)})
		if isNotFound(err) {
			return errAlreadyGone
		}
	case KindStream:
		describe := func() (bool, error) {
			out, err := c.Kinesis.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String(r.Name)})
			if err != nil {
				return false, err
			}
			st := kintypes.StreamStatus("")
			if out.StreamDescriptionSummary != nil {
				st = out.StreamDescriptionSummary.StreamStatus
			}
			return st == kintypes.StreamStatusCreating || st == kintypes.StreamStatusUpdating, nil
		}
		if err = waitSettled(ctx, poll, describe); isNotFound(err) {
			return errAlreadyGone
		}
		if err == nil {
			err = whileInUse(ctx, poll, func() error {
				_, err := c.Kinesis.DeleteStream(ctx, &kinesis.DeleteStreamInput{StreamName: aws.String(r.Name),
					EnforceConsumerDeletion: aws.Bool(true)})
				return err
			})
		}
		if isNotFound(err) {
			return errAlreadyGone
		}
		if err == nil {
			err = waitGone(ctx, poll, func() error {
				_, err := c.Kinesis.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String(r.Name)})
				return err
			})
		}
	case KindTable:
		err = whileInUse(ctx, poll, func() error {
			_, err := c.DynamoDB.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String(r.Name)})
			return err
		})
		if isNotFound(err) {
			return errAlreadyGone
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
			return errAlreadyGone
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

// errAlreadyGone says a resource to delete was not there any more: someone
// else deleted it (cleanup --force, a person), or it never came to be.
var errAlreadyGone = errors.New("already gone")

// isInUse reports whether err says the resource cannot be changed yet (it
// is being created or updated).
func isInUse(err error) bool {
	var k *kintypes.ResourceInUseException
	var d *ddbtypes.ResourceInUseException
	var f *fhtypes.ResourceInUseException
	return errors.As(err, &k) || errors.As(err, &d) || errors.As(err, &f)
}

// whileInUse calls del until it is not refused as in use, or ctx ends.
func whileInUse(ctx context.Context, poll time.Duration, del func() error) error {
	for {
		err := del()
		if !isInUse(err) {
			return err
		}
		if !sleepCtx(ctx, poll) {
			return fmt.Errorf("still in use when the deadline came: %w", err)
		}
	}
}

// waitSettled polls busy until it says the resource is neither being
// created nor updated.
func waitSettled(ctx context.Context, poll time.Duration, busy func() (bool, error)) error {
	for {
		b, err := busy()
		if err != nil || !b {
			return err
		}
		if !sleepCtx(ctx, poll) {
			return fmt.Errorf("still being created or updated when the deadline came: %w", ctx.Err())
		}
	}
}

// waitGone polls describe until it reports the resource missing. An answer
// that is neither the resource nor "not found" three times over (junk, no
// answer, an error) means nobody can tell whether it is gone, and says so.
func waitGone(ctx context.Context, poll time.Duration, describe func() error) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	bad := 0
	for {
		err := describe()
		if isNotFound(err) {
			return nil
		}
		if err != nil && !isInUse(err) {
			if k, _ := classify(err); k != FaultNone {
				if bad++; bad >= 3 || ctx.Err() != nil {
					return fmt.Errorf("asked to delete it, but could not tell whether it is gone: %w", err)
				}
			}
		} else {
			bad = 0
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
