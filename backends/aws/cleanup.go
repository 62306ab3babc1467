package aws

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/firehose"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/twmb/franz-go/pkg/kadm"
)

// Leftovers of earlier runs (kept with --keep, or left by a run that could
// not finish its teardown) are found by the streamsim:run tag, and by the
// name prefix streamsim-<run id>- where tags cannot be listed (Kafka topics
// have none; some emulators do not keep them).

var leftoverName = regexp.MustCompile(`^streamsim-([a-z0-9]{1,12})-[a-z0-9.-]+$`)

// runOfName returns the run id in a resource name, or "".
func runOfName(name string) string {
	m := leftoverName.FindStringSubmatch(name)
	if m == nil {
		return ""
	}
	return m[1]
}

// LeftoverOptions narrow what FindLeftovers looks at.
type LeftoverOptions struct {
	RunID        string    // "" = every run
	SkipFirehose bool      // the endpoint has no Firehose (local emulators)
	Now          time.Time // leases are judged at this time (zero: now)
}

// FindLeftovers lists resources that runs of streamsim created: by tag where
// the service can list tags, by name otherwise. It deletes nothing.
func FindLeftovers(ctx context.Context, c *Clients, ka *kadm.Client, runID string) ([]Resource, error) {
	return FindLeftoversWith(ctx, c, ka, LeftoverOptions{RunID: runID})
}

// FindLeftoversWith is FindLeftovers with options.
func FindLeftoversWith(ctx context.Context, c *Clients, ka *kadm.Client, o LeftoverOptions) ([]Resource, error) {
	var out []Resource
	var errs []error
	now := time.Now()
	if !o.Now.IsZero() {
		now = o.Now
	}
	// Once an endpoint is down, its other resources' tags are not asked for:
	// each would cost a call's deadline, and say nothing.
	down := func(s Service) error {
		if c != nil && c.Health.Down(s) {
			return fmt.Errorf("not read: the %s endpoint %s is down", s, c.Health.Shown(s))
		}
		return nil
	}
	keep := func(kind Kind, name string, tags map[string]string, tagErr error) {
		byName := runOfName(name)
		if byName == "" {
			return
		}
		run, how := byName, "name"
		if tagErr == nil {
			if v, ok := tags[TagRun]; ok {
				run, how = v, "tag "+TagRun+"="+v
			}
		}
		if o.RunID != "" && run != o.RunID {
			return
		}
		r := Resource{Kind: kind, Name: name, Size: "found by " + how, Run: run}
		if err := down(serviceOf(kind)); err != nil && kind != KindTopic {
			r.Lease = Lease{Why: err.Error()}
			out = append(out, r)
			return
		}
		r.Lease = readLease(ctx, c, r, tags, tagErr, now)
		out = append(out, r)
	}
	if c != nil && c.Kinesis != nil {
		names, err := listStreamNames(ctx, c.Kinesis)
		if err != nil {
			errs = append(errs, fmt.Errorf("list Kinesis streams: %w", err))
		}
		for _, n := range names {
			if runOfName(n) == "" {
				continue
			}
			if err := down(SvcKinesis); err != nil {
				keep(KindStream, n, nil, err)
				continue
			}
			tags, err := c.Kinesis.ListTagsForStream(ctx, &kinesis.ListTagsForStreamInput{StreamName: aws.String(n)})
			m := map[string]string{}
			if err == nil {
				for _, t := range tags.Tags {
					m[aws.ToString(t.Key)] = aws.ToString(t.Value)
				}
			}
			keep(KindStream, n, m, err)
		}
	}
	if c != nil && c.DynamoDB != nil {
		names, err := listTableNames(ctx, c.DynamoDB)
		if err != nil {
			errs = append(errs, fmt.Errorf("list DynamoDB tables: %w", err))
		}
		for _, n := range names {
			if runOfName(n) == "" {
				continue
			}
			if err := down(SvcDynamoDB); err != nil {
				keep(KindTable, n, nil, err)
				continue
			}
			m := map[string]string{}
			d, err := c.DynamoDB.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(n)})
			if err == nil && d.Table != nil && d.Table.TableArn != nil {
				var tags *dynamodb.ListTagsOfResourceOutput
				tags, err = c.DynamoDB.ListTagsOfResource(ctx, &dynamodb.ListTagsOfResourceInput{ResourceArn: d.Table.TableArn})
				if err == nil {
					for _, t := range tags.Tags {
						m[aws.ToString(t.Key)] = aws.ToString(t.Value)
					}
				}
			}
			keep(KindTable, n, m, err)
		}
	}
	if c != nil && c.S3 != nil {
		bs, err := c.S3.ListBuckets(ctx, &s3.ListBucketsInput{})
		if err != nil {
			errs = append(errs, fmt.Errorf("list S3 buckets: %w", err))
		} else {
			for _, b := range bs.Buckets {
				n := aws.ToString(b.Name)
				if runOfName(n) == "" {
					continue
				}
				if err := down(SvcS3); err != nil {
					keep(KindBucket, n, nil, err)
					continue
				}
				m := map[string]string{}
				tags, err := c.S3.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: aws.String(n)})
				if err == nil {
					for _, t := range tags.TagSet {
						m[aws.ToString(t.Key)] = aws.ToString(t.Value)
					}
				}
				keep(KindBucket, n, m, err)
			}
		}
	}
	if c != nil && c.Firehose != nil && !o.SkipFirehose {
		names, err := listDeliveryNames(ctx, c.Firehose)
		if err != nil {
			errs = append(errs, fmt.Errorf("list Firehose delivery streams: %w", err))
		}
		for _, n := range names {
			if runOfName(n) == "" {
				continue
			}
			if err := down(SvcFirehose); err != nil {
				keep(KindDeliveryStream, n, nil, err)
				continue
			}
			m := map[string]string{}
			tags, err := c.Firehose.ListTagsForDeliveryStream(ctx, &firehose.ListTagsForDeliveryStreamInput{DeliveryStreamName: aws.String(n)})
			if err == nil {
				for _, t := range tags.Tags {
					m[aws.ToString(t.Key)] = aws.ToString(t.Value)
				}
			}
			keep(KindDeliveryStream, n, m, err)
		}
	}
	if ka != nil {
		topics, err := ka.ListTopics(ctx)
		if err != nil {
			errs = append(errs, fmt.Errorf("list Kafka topics: %w", err))
		}
		for _, n := range topics.Names() {
			keep(KindTopic, n, nil, errors.New("topics have no tags"))
		}
	}
	// Delete delivery streams before the streams and buckets they use.
	rank := map[Kind]int{KindDeliveryStream: 0, KindStream: 1, KindTopic: 2, KindTable: 3, KindBucket: 4}
	sort.SliceStable(out, func(i, j int) bool {
		if rank[out[i].Kind] != rank[out[j].Kind] {
			return rank[out[i].Kind] < rank[out[j].Kind]
		}
		return out[i].Name < out[j].Name
	})
	return out, errors.Join(errs...)
}

// DeleteLeftovers deletes what FindLeftovers found, reporting each through
// logf, and returns what could not be deleted.
func DeleteLeftovers(ctx context.Context, c *Clients, ka *kadm.Client, list []Resource, poll time.Duration, logf func(string, ...any)) error {
	_, err := deleteAll(ctx, c, ka, list, poll, logf, nil)
	return err
}

func listStreamNames(ctx context.Context, c StreamAdmin) ([]string, error) {
	var names []string
	in := &kinesis.ListStreamsInput{}
	for {
		out, err := c.ListStreams(ctx, in)
		if err != nil {
			return names, err
		}
		names = append(names, out.StreamNames...)
		if !aws.ToBool(out.HasMoreStreams) || len(out.StreamNames) == 0 {
			return names, nil
		}
		if out.NextToken != nil {
			in = &kinesis.ListStreamsInput{NextToken: out.NextToken}
		} else {
			in = &kinesis.ListStreamsInput{ExclusiveStartStreamName: aws.String(out.StreamNames[len(out.StreamNames)-1])}
		}
	}
}

func listTableNames(ctx context.Context, c DynamoDBAPI) ([]string, error) {
	var names []string
	in := &dynamodb.ListTablesInput{}
	for {
		out, err := c.ListTables(ctx, in)
		if err != nil {
			return names, err
		}
		names = append(names, out.TableNames...)
		if out.LastEvaluatedTableName == nil {
			return names, nil
		}
		in = &dynamodb.ListTablesInput{ExclusiveStartTableName: out.LastEvaluatedTableName}
	}
}

func listDeliveryNames(ctx context.Context, c FirehoseAPI) ([]string, error) {
	var names []string
	in := &firehose.ListDeliveryStreamsInput{}
	for {
		out, err := c.ListDeliveryStreams(ctx, in)
		if err != nil {
			return names, err
		}
		names = append(names, out.DeliveryStreamNames...)
		if !aws.ToBool(out.HasMoreDeliveryStreams) || len(out.DeliveryStreamNames) == 0 {
			return names, nil
		}
		in = &firehose.ListDeliveryStreamsInput{ExclusiveStartDeliveryStreamName: aws.String(out.DeliveryStreamNames[len(out.DeliveryStreamNames)-1])}
	}
}

// Describe writes a found resource for people.
func (r Resource) Describe() string {
	return strings.TrimSpace(fmt.Sprintf("%s %s (%s; lease: %s)", r.Kind, r.Name, r.Size, r.Lease))
}
