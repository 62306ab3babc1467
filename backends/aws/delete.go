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
