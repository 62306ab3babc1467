package aws

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/firehose"
	fhtypes "github.com/aws/aws-sdk-go-v2/service/firehose/types"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// A run holds a lease on what it creates, so that `cleanup` never deletes
// the resources of a run that is still going. The lease is a tag
// (streamsim:lease) on streams, tables and delivery streams, and a marker
// object (streamsim-lease) in buckets, since S3 replaces a bucket's tags
// wholesale and some S3 stand-ins keep none. Its value is the time it runs
// out (RFC 3339, UTC): the run renews it while it runs, every sixth of its
// length. When the run ends and leaves resources behind (--keep, or a
// deletion that failed) it writes "ended". A run killed without a word stops
// renewing, and its lease runs out.
//
// Kafka topics carry no tags: a run's topics are judged by its other
// resources, and a run of topics only cannot be proven dead.

// TagLease is the tag key of the lease.
const TagLease = "streamsim:lease"

// LeaseObject is the key of a bucket's lease marker.
const LeaseObject = "streamsim-lease"

// leaseEnded is the lease value of a run that has ended.
const leaseEnded = "ended"

// DefaultLeaseTTL is how long a lease lasts unless renewed.
const DefaultLeaseTTL = 3 * time.Minute

// LeaseState says what a resource's lease tells of the run that created it.
type LeaseState int

// Lease states, from the least to the most telling: a run that wrote
// "ended" on any of its resources is over, whatever the others say (it
// writes it last, and could not reach them, or they were gone); else one
// live lease means it may be going; else leases that ran out prove it dead.
const (
	// LeaseUnknown: no lease could be read (an older streamsim, a Kafka
	// topic, a service that keeps no tags, or a resource whose tags could
	// not be read).
	LeaseUnknown LeaseState = iota
	// LeaseExpired: the run stopped renewing it: it is dead.
	LeaseExpired
	// LeaseLive: the run renewed it lately: it is going, or died less than
	// a lease ago.
	LeaseLive
	// LeaseEnded: the run ended and said so.
	LeaseEnded
)

// Lease is what a resource's lease says.
type Lease struct {
	State LeaseState
	Until time.Time // LeaseLive and LeaseExpired
	Why   string    // LeaseUnknown: why nothing could be read
}

// parseLease reads a lease value at time now.
func parseLease(v string, now time.Time) Lease {
	v = strings.TrimSpace(v)
	if v == leaseEnded {
		return Lease{State: LeaseEnded}
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return Lease{Why: fmt.Sprintf("a lease that does not read as a time (%q)", v)}
	}
	if now.Before(t) {
		return Lease{State: LeaseLive, Until: t}
	}
	return Lease{State: LeaseExpired, Until: t}
}

// String says what the lease tells, for people.
func (l Lease) String() string {
	switch l.State {
	case LeaseLive:
		return "live until " + l.Until.UTC().Format(time.RFC3339)
	case LeaseExpired:
		return "ran out at " + l.Until.UTC().Format(time.RFC3339)
	case LeaseEnded:
		return "the run ended"
	}
	if l.Why != "" {
		return "unknown: " + l.Why
	}
	return "unknown"
}

// leaseValue is the value of a lease that lasts ttl from now.
func leaseValue(now time.Time, ttl time.Duration) string {
	return now.Add(ttl).UTC().Truncate(time.Second).Format(time.RFC3339)
}

// setLease writes a lease value on one resource.
func (p *provisioner) setLease(ctx context.Context, r Resource, value string) error {
	switch r.Kind {
	case KindStream:
		_, err := p.c.Kinesis.AddTagsToStream(ctx, &kinesis.AddTagsToStreamInput{StreamName: aws.String(r.Name),
			Tags: map[string]string{TagLease: value}})
		return err
	case KindTable:
		arn := p.tableARN(r.Name)
		if arn == "" {
			out, err := p.c.DynamoDB.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(r.Name)})
			if err != nil {
				return err
			}
			if out.Table == nil || out.Table.TableArn == nil {
				return fmt.Errorf("no ARN for table %s", r.Name)
			}
			arn = aws.ToString(out.Table.TableArn)
		}
		_, err := p.c.DynamoDB.TagResource(ctx, &dynamodb.TagResourceInput{ResourceArn: aws.String(arn),
			Tags: []ddbtypes.Tag{{Key: aws.String(TagLease), Value: aws.String(value)}}})
		return err
	case KindDeliveryStream:
		_, err := p.c.Firehose.TagDeliveryStream(ctx, &firehose.TagDeliveryStreamInput{DeliveryStreamName: aws.String(r.Name),
			Tags: []fhtypes.Tag{{Key: aws.String(TagLease), Value: aws.String(value)}}})
		return err
	case KindBucket:
		_, err := p.c.S3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(r.Name), Key: aws.String(LeaseObject),
			Body: bytes.NewReader([]byte(value)), ContentType: aws.String("text/plain")})
		return err
	}
	return nil // EFO consumers go with their stream; Kafka topics carry no lease
}

// leased reports whether a kind of resource carries a lease.
func leased(k Kind) bool {
	return k == KindStream || k == KindTable || k == KindDeliveryStream || k == KindBucket
}

// setLeases writes value on every resource created and not deleted, skipping
// services whose endpoint is down. It returns the resources it could not
// write, with why.
func (p *provisioner) setLeases(ctx context.Context, value string) map[string]error {
	failed := map[string]error{}
	for _, r := range p.Created() {
		if !leased(r.Kind) || p.c == nil {
			continue
		}
		if s := serviceOf(r.Kind); p.c.Health.Down(s) {
			failed[string(r.Kind)+" "+r.Name] = fmt.Errorf("the %s endpoint %s is down", s, p.c.Health.Shown(s))
			continue
		}
		if err := p.setLease(ctx, r, value); err != nil {
			failed[string(r.Kind)+" "+r.Name] = err
		}
	}
	return failed
}

// leaseLoop renews the run's lease every ttl/6 until ctx ends. Each
// resource's first failure to renew is said once.
func (r *Run) leaseLoop(ctx context.Context, ttl time.Duration) {
	said := map[string]bool{}
	every := max(time.Second, ttl/6)
	for sleepCtx(ctx, every) {
		for name, err := range r.prov.setLeases(ctx, leaseValue(time.Now(), ttl)) {
			if ctx.Err() == nil && !said[name] {
				said[name] = true
				r.logf("could not renew the lease on %s (%s): cleanup may take it for a dead run's once the lease runs out", name, shortErr(err))
			}
		}
	}
}

// endLeases says on what the run leaves behind that the run has ended, so
// cleanup may delete it at once.
func (r *Run) endLeases(ctx context.Context) {
	failed := r.prov.setLeases(ctx, leaseEnded)
	names := make([]string, 0, len(failed))
	for n := range failed {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		r.logf("could not mark %s as ended (%s): cleanup goes by the run's other resources, else waits until its lease runs out", n, shortErr(failed[n]))
	}
}

// readLease reads a found resource's lease.
func readLease(ctx context.Context, c *Clients, r Resource, tags map[string]string, tagErr error, now time.Time) Lease {
	switch r.Kind {
	case KindTopic:
		return Lease{Why: "Kafka topics carry no lease"}
	case KindBucket:
		out, err := c.S3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(r.Name), Key: aws.String(LeaseObject)})
		if err != nil {
			if isNotFound(err) || strings.Contains(err.Error(), "NoSuchKey") {
				return Lease{Why: "no lease marker in the bucket"}
			}
			return Lease{Why: "the lease marker could not be read: " + shortErr(err)}
		}
		body, err := io.ReadAll(io.LimitReader(out.Body, 256))
		_ = out.Body.Close()
		if err != nil {
			return Lease{Why: "the lease marker could not be read: " + shortErr(err)}
		}
		return parseLease(string(body), now)
	}
	if tagErr != nil {
		return Lease{Why: "its tags could not be read: " + shortErr(tagErr)}
	}
	v, ok := tags[TagLease]
	if !ok {
		return Lease{Why: "no " + TagLease + " tag"}
	}
	return parseLease(v, now)
}

// RunLeftovers are the leftovers of one run and what their leases say of it.
type RunLeftovers struct {
	RunID     string
	Resources []Resource
	// Lease is the most telling lease among the resources': ended if any
	// says so; else live if any is; else expired if any is; else unknown.
	Lease Lease
}

// Dead reports whether the leases prove the run is no longer going.
func (g RunLeftovers) Dead() bool {
	return g.Lease.State == LeaseEnded || g.Lease.State == LeaseExpired
}

// ByRun groups found leftovers by run, in the order of list, and judges
// each run by its resources' leases.
func ByRun(list []Resource) []RunLeftovers {
	var out []RunLeftovers
	idx := map[string]int{}
	for _, r := range list {
		i, ok := idx[r.Run]
		if !ok {
			i = len(out)
			idx[r.Run] = i
			out = append(out, RunLeftovers{RunID: r.Run, Lease: r.Lease})
		}
		g := &out[i]
		g.Resources = append(g.Resources, r)
		switch {
		case r.Lease.State > g.Lease.State:
			g.Lease = r.Lease
		case r.Lease.State == g.Lease.State && r.Lease.Until.After(g.Lease.Until):
			g.Lease.Until = r.Lease.Until
		case g.Lease.State == LeaseUnknown && g.Lease.Why == "" && r.Lease.Why != "":
			g.Lease.Why = r.Lease.Why
		}
	}
	return out
}
