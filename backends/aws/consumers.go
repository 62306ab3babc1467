package aws

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	kintypes "github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"github.com/streamsim/streamsim/pipeline"
)

// consumer is a consumer node run by this process: it hands what it reads
// (or what is sent to it) to its targets, or to a Firehose stand-in.
type consumer struct {
	n       *pipeline.Node
	outs    []sender
	standIn *standIn
	failed  atomic.Bool // a timeline `fail`: it stops taking records
}

// process hands records on. A failed consumer holds on until it works again.
func (c *consumer) process(ctx context.Context, recs []userRecord) {
	for c.failed.Load() && ctx.Err() == nil {
		sleepCtx(ctx, 100*time.Millisecond)
	}
	if c.standIn != nil {
		c.standIn.accept(recs)
		return
	}
	for _, o := range c.outs {
		_ = o.send(ctx, recs)
	}
}

// standInSender is a direct PUT into a Firehose stand-in.
type standInSender struct {
	e *edge
	s *standIn
}

func (s standInSender) send(_ context.Context, recs []userRecord) error {
	s.e.m.wrote(s.e.writer, s.e.target, len(recs), userBytes(recs))
	s.s.accept(recs)
	return nil
}
func (standInSender) close()           {}
func (s standInSender) pending() int64 { return 0 }

// standIn is the client-side stand-in for a Firehose delivery stream, for
// endpoints without Firehose (local emulators) or on request: it buffers
// records and writes one object to S3 when the buffer holds buffer.size bytes
// or its oldest record is buffer.interval old (FH-BUFFER-HINTS), named as Firehose names
// them. It is labelled as a stand-in wherever the run reports it.
type standIn struct {
	n        *pipeline.Node
	m        *meter
	c        S3API
	bucket   string
	out      *edge // firehose → bucket; nil without an S3 target
	skips    []*edge
	size     int
	interval time.Duration
	runID    string

	mu    sync.Mutex
	buf   []userRecord
	bytes int
	first time.Time
	seq   int64
	wg    sync.WaitGroup
}

func (s *standIn) accept(recs []userRecord) {
	s.mu.Lock()
	if len(s.buf) == 0 {
		s.first = time.Now()
	}
	s.buf = append(s.buf, recs...)
	s.bytes += userBytes(recs)
	s.m.setHeld(s.n.ID, float64(len(s.buf)))
	s.mu.Unlock()
}

// loop flushes by size or age until ctx ends; what is buffered then stays
// buffered (in flight), as in a delivery stream that is deleted.
func (s *standIn) loop(ctx context.Context) {
	t := time.NewTicker(50 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			s.wg.Wait()
			return
		case <-t.C:
		}
		s.mu.Lock()
		due := len(s.buf) > 0 && (s.bytes >= s.size || time.Since(s.first) >= s.interval)
		var recs []userRecord
		if due {
			recs, s.buf, s.bytes = s.buf, nil, 0
			s.seq++
		}
		seq := s.seq
		s.m.setHeld(s.n.ID, float64(len(s.buf)))
		s.mu.Unlock()
		if due {
			s.flush(ctx, recs, seq)
		}
	}
}

func (s *standIn) flush(ctx context.Context, recs []userRecord, seq int64) {
	for _, e := range s.skips {
		e.m.skip(e.writer, len(recs))
	}
	if s.out == nil {
		return
	}
	key := objectKey(s.n.ID, s.runID, seq, time.Now())
	if err := putObject(ctx, s.c, s.out, s.bucket, key, recs); err != nil {
		s.out.loseWith(ctx, err, len(recs))
		s.m.event(fmt.Sprintf("%s: could not write s3://%s/%s: %v", s.n.ID, s.bucket, key, shortErr(err)))
	}
}

// held is the records buffered now.
func (s *standIn) held() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.buf)
}

// kinesisReader reads one stream for one consumer: a goroutine per shard,
// GetRecords polling, or enhanced fan-out (SubscribeToShard) when asked for,
// falling back to polling when the endpoint cannot serve it.
type kinesisReader struct {
	c        *consumer
	api      KinesisAPI
	stream   string
	streamID string // the stream's node id
	runID    string
	m        *meter
	interval time.Duration // between GetRecords calls on a shard
	efo      bool
	prov     *provisioner

	paths int // deliveries a record read here is worth

	consumerARN string
	efoFailed   atomic.Bool
	efoOnce     sync.Once

	mu      sync.Mutex
	started map[string]bool
	wg      sync.WaitGroup
}

func (r *kinesisReader) start(ctx context.Context) error {
	r.started = map[string]bool{}
	shards, err := listShards(ctx, r.api, r.stream)
	if err != nil {
		return err
	}
	if r.efo {
		if err := r.register(ctx); err != nil {
			r.fallback(err)
		}
	}
	for _, s := range shards {
		r.startShard(ctx, s)
	}
	return nil
}

// wait returns once every shard reader has stopped.
func (r *kinesisReader) wait() { r.wg.Wait() }

func (r *kinesisReader) fallback(err error) {
	r.efoOnce.Do(func() {
		r.efoFailed.Store(true)
		r.m.event(fmt.Sprintf("%s: enhanced fan-out is not available here (%s); reading by GetRecords polling instead", r.c.n.ID, shortErr(err)))
	})
}

// register creates the EFO consumer (recorded for teardown) and waits until active.
func (r *kinesisReader) register(ctx context.Context) error {
	arn := r.prov.streamARN(r.stream)
	if arn == "" {
		out, err := r.api.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String(r.stream)})
		if err != nil {
			return err
		}
		arn = aws.ToString(out.StreamDescriptionSummary.StreamARN)
	}
	name := ResourceName(r.runID, r.c.n.ID, maxConsumerName)
	out, err := r.api.RegisterStreamConsumer(ctx, &kinesis.RegisterStreamConsumerInput{StreamARN: aws.String(arn), ConsumerName: aws.String(name)})
	if err != nil {
		return fmt.Errorf("register stream consumer: %w", err)
	}
	r.prov.add(Resource{Kind: KindStreamConsumer, Node: r.c.n.ID, Name: name, Stream: arn, Size: "enhanced fan-out consumer"})
	r.consumerARN = aws.ToString(out.Consumer.ConsumerARN)
	r.prov.logf("registered %s %s on %s", KindStreamConsumer, name, r.stream)
	return r.prov.waitFor(ctx, Resource{Name: name}, func() (bool, error) {
		d, err := r.api.DescribeStreamConsumer(ctx, &kinesis.DescribeStreamConsumerInput{ConsumerARN: aws.String(r.consumerARN)})
		if err != nil {
			return false, err
		}
		return d.ConsumerDescription != nil && d.ConsumerDescription.ConsumerStatus == kintypes.ConsumerStatusActive, nil
	})
}

func (r *kinesisReader) startShard(ctx context.Context, s shardRange) {
	r.mu.Lock()
	if r.started[s.id] {
		r.mu.Unlock()
		return
	}
	r.started[s.id] = true
	r.mu.Unlock()
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		r.readShard(ctx, s)
	}()
}

// startChildren starts reading the shards a closed shard split or merged into.
func (r *kinesisReader) startChildren(ctx context.Context, children []kintypes.ChildShard) {
	for _, ch := range children {
		r.startShard(ctx, newShardRange(aws.ToString(ch.ShardId), ch.HashKeyRange))
	}
}

func (r *kinesisReader) readShard(ctx context.Context, s shardRange) {
	shard := s.id
	var last string // sequence number of the last record read
	if r.efo && !r.efoFailed.Load() {
		var got bool
		var err error
		last, got, err = r.subscribe(ctx, s)
		if err == nil || ctx.Err() != nil {
			return
		}
		if got {
			r.m.event(fmt.Sprintf("%s: enhanced fan-out on %s stopped (%s); polling from where it was", r.c.n.ID, shard, shortErr(err)))
		} else {
			r.fallback(err)
		}
	}
	r.poll(ctx, s, last)
}

// subscribe reads a shard by SubscribeToShard, renewing the subscription
// (every 5 minutes, KDS-EFO-SUBSCRIPTION) until ctx ends or the shard closes. got says
// whether any event arrived before an error.
func (r *kinesisReader) subscribe(ctx context.Context, s shardRange) (last string, got bool, err error) {
	shard := s.id
	for ctx.Err() == nil {
		pos := &kintypes.StartingPosition{Type: kintypes.ShardIteratorTypeTrimHorizon}
		if last != "" {
			pos = &kintypes.StartingPosition{Type: kintypes.ShardIteratorTypeAfterSequenceNumber, SequenceNumber: aws.String(last)}
		}
		out, err := ownEventStreamClient(r.api).SubscribeToShard(ctx, &kinesis.SubscribeToShardInput{ConsumerARN: aws.String(r.consumerARN),
			ShardId: aws.String(shard), StartingPosition: pos})
		if err != nil {
			return last, got, err
		}
		es := out.GetStream()
		closed := false
		for ev := range es.Events() {
			e, ok := ev.(*kintypes.SubscribeToShardEventStreamMemberSubscribeToShardEvent)
			if !ok {
				continue
			}
			got = true
			if n := len(e.Value.Records); n > 0 {
				last = aws.ToString(e.Value.Records[n-1].SequenceNumber)
			}
			if e.Value.ContinuationSequenceNumber != nil {
				last = aws.ToString(e.Value.ContinuationSequenceNumber)
			}
			r.m.iterAge(r.c.n.ID, shard, float64(aws.ToInt64(e.Value.MillisBehindLatest))/1000)
			r.handle(ctx, s, e.Value.Records)
			if len(e.Value.ChildShards) > 0 && e.Value.ContinuationSequenceNumber == nil {
				closed = true
				r.startChildren(ctx, e.Value.ChildShards)
			}
		}
		_ = es.Close()
		if err := es.Err(); err != nil && ctx.Err() == nil {
			return last, got, err
		}
		if closed {
			return last, got, nil
		}
	}
	return last, got, nil
}

// ownEventStreamClient returns a client of its own for one SubscribeToShard
// call. The SDK (kinesis v1.56, smithy-go v1.28) keeps one event-stream
// decoder per client, so concurrent subscriptions on one client race on it
// (the race detector shows it); a client made from the same options gets its
// own. Other implementations (test decorators) are used as they are.
func ownEventStreamClient(api FanOut) FanOut {
	if c, ok := api.(*kinesis.Client); ok {
		return kinesis.New(c.Options())
	}
	return api
}

// poll reads a shard with GetRecords (≤ 10,000 records a call, KDS-GETRECORDS-MAX),
// waiting the reader's interval between calls, and a second after a
// throttled read.
func (r *kinesisReader) poll(ctx context.Context, s shardRange, after string) {
	shard := s.id
	var said string // the last error said, so a failing endpoint is not reported every second
	say := func(what string, err error) {
		if key := what + " " + errorKey(err); key != said {
			said = key
			r.m.event(fmt.Sprintf("%s: %s on %s: %s", r.c.n.ID, what, shard, shortErr(err)))
		}
	}
	iter, err := r.iterator(ctx, shard, after)
	for err != nil {
		if ctx.Err() != nil {
			return
		}
		say("GetShardIterator", err)
		if !sleepCtx(ctx, time.Second) {
			return
		}
		iter, err = r.iterator(ctx, shard, after)
	}
	for ctx.Err() == nil {
		out, err := r.api.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: aws.String(iter), Limit: aws.Int32(pipeline.KDSGetRecordsMaxRec)})
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			var pte *kintypes.ProvisionedThroughputExceededException
			var exp *kintypes.ExpiredIteratorException
			switch {
			case errors.As(err, &pte):
				r.m.readThrottled(r.streamID)
			case errors.As(err, &exp):
				if it, e := r.iterator(ctx, shard, after); e == nil {
					iter = it
				}
			default:
				say("GetRecords", err)
			}
			sleepCtx(ctx, time.Second)
			continue
		}
		said = ""
		if n := len(out.Records); n > 0 {
			after = aws.ToString(out.Records[n-1].SequenceNumber)
		}
		r.m.iterAge(r.c.n.ID, shard, float64(aws.ToInt64(out.MillisBehindLatest))/1000)
		r.handle(ctx, s, out.Records)
		if out.NextShardIterator == nil {
			r.startChildren(ctx, out.ChildShards)
			return // the shard is closed and read to its end
		}
		iter = aws.ToString(out.NextShardIterator)
		sleepCtx(ctx, r.interval)
	}
}

func (r *kinesisReader) iterator(ctx context.Context, shard, after string) (string, error) {
	in := &kinesis.GetShardIteratorInput{StreamName: aws.String(r.stream), ShardId: aws.String(shard),
		ShardIteratorType: kintypes.ShardIteratorTypeTrimHorizon}
	if after != "" {
		in.ShardIteratorType = kintypes.ShardIteratorTypeAfterSequenceNumber
		in.StartingSequenceNumber = aws.String(after)
	}
	out, err := r.api.GetShardIterator(ctx, in)
	if err != nil {
		return "", err
	}
	return aws.ToString(out.ShardIterator), nil
}

// handle de-aggregates and decodes records read from shard s and hands them
// on. A user record in an aggregate whose partition key s's hash range does
// not hold is discarded, as the KCL discards it, and counted lost: a
// producer aggregated it for a shard map that a reshard had changed.
func (r *kinesisReader) handle(ctx context.Context, s shardRange, records []kintypes.Record) {
	if len(records) == 0 {
		return
	}
	var recs []userRecord
	size, outside, outsideBytes := 0, 0, 0
	for _, kr := range records {
		datas, err := deaggregate(kr.Data)
		if err != nil {
			continue
		}
		for _, d := range datas {
			p, err := decodePayload(d)
			if err != nil || p.Run != r.runID {
				continue
			}
			if len(datas) > 1 || isAggregate(kr.Data) {
				if !s.holds(p.Key) {
					outside++
					outsideBytes += len(d)
					continue
				}
			}
			recs = append(recs, userRecord{key: p.Key, data: d, ts: p.TS, src: p.Src})
			size += len(d)
		}
	}
	if outside > 0 {
		r.m.discarded(r.c.n.ID, r.streamID, outside, outsideBytes, r.paths)
		r.m.event(fmt.Sprintf("%s: %d aggregated record(s) on %s lie outside its hash key range: discarded as the KCL does, and counted lost",
			r.c.n.ID, outside, s.id))
	}
	if len(recs) == 0 {
		return
	}
	r.m.readBy(r.c.n.ID, r.streamID, len(recs), size)
	r.c.process(ctx, recs)
}
