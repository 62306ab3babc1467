package aws

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/firehose"
	fhtypes "github.com/aws/aws-sdk-go-v2/service/firehose/types"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	kintypes "github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/twmb/franz-go/pkg/kgo"
)

// sender carries records from one node (a producer or a consumer) to one
// target. send queues records and returns at once unless the queue is full
// (then it waits: back-pressure on the writer); close flushes what is queued
// and waits for calls in flight.
type sender interface {
	send(ctx context.Context, recs []userRecord) error
	close()
	pending() int64
}

// edge is one writer → target connection and what it reports to.
type edge struct {
	writer, target string
	paths          int // destination deliveries each record is worth from the target on
	m              *meter
	maxRetries     int
	backoff        time.Duration
	// svc is the target's service, h its endpoint's health (nil: Kafka, or none).
	svc Service
	h   *Health
}

// admit says whether to call the target's service now: not while its
// endpoint is down (but for a probe now and then), so a dead endpoint costs
// records, not the run's end.
//
// closing says the writer is flushing at the end of the run: no probes then.
// It returns the context to call with (a probe's has a short deadline).
func (e *edge) admit(ctx context.Context, closing bool) (context.Context, bool) {
	ok, probe := e.h.admit(e.svc, !closing)
	if probe {
		ctx = withCallTimeout(ctx, e.h.Deadlines().Stall)
	}
	return ctx, ok
}

// lose counts n records the writer could not hand to the target: their
// writes failed, or were cut off when the run stopped (ctx ended).
func (e *edge) lose(ctx context.Context, n int) {
	if ctx.Err() != nil {
		e.m.gaveUp(e.writer, fmt.Sprintf("writes %s → %s cut off when the run stopped", e.writer, e.target), n, e.paths)
		return
	}
	e.m.gaveUp(e.writer, fmt.Sprintf("writes %s → %s that failed", e.writer, e.target), n, e.paths)
}

// loseDown counts n records not sent because the target's endpoint is down.
func (e *edge) loseDown(n int) {
	e.m.gaveUp(e.writer, fmt.Sprintf("not sent %s → %s: the %s endpoint %s was down", e.writer, e.target, e.svc, e.h.Shown(e.svc)), n, e.paths)
}

// backoffFor returns the wait before retry attempt (1, 2, …): exponential
// from the writer's backoff, capped at 5 s, with jitter.
func (e *edge) backoffFor(attempt int) time.Duration {
	b := e.backoff
	if b <= 0 {
		b = 100 * time.Millisecond
	}
	d := b << min(attempt-1, 10)
	d = min(d, 5*time.Second)
	return d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
}

func sleepCtx(ctx context.Context, d time.Duration) bool {
	select {
	case <-ctx.Done():
		return false
	case <-time.After(d):
		return true
	}
}

// entry is one record as a service takes it: a user record, or a KPL
// aggregate of several.
type entry struct {
	key   string
	data  []byte
	recs  []userRecord
	shard string // an aggregate: the shard its records were packed for
	gen   uint64 // and the generation of the shard map it was packed under
}

func userBytes(recs []userRecord) int {
	n := 0
	for _, r := range recs {
		n += len(r.data)
	}
	return n
}

func entriesUsers(es []entry) []userRecord {
	var out []userRecord
	for _, e := range es {
		out = append(out, e.recs...)
	}
	return out
}

// pipe is the queue and batching machinery shared by the senders: a
// collector turns queued records into batches of at most maxRecs entries and
// maxBytes bytes, flushed when full or after linger; workers send batches.
type pipe struct {
	in       chan []userRecord
	batches  chan []entry
	pend     atomic.Int64
	wg       sync.WaitGroup
	linger   time.Duration
	maxRecs  int
	maxBytes int
	pack     func(recs []userRecord) []entry // user records → entries (aggregation)
	flush    func(ctx context.Context, batch []entry)
	ctx      context.Context
	closeOne sync.Once
	closing  atomic.Bool // close was called: what is left is flushed, not probed with
}

func newPipe(ctx context.Context, workers, maxRecs, maxBytes int, linger time.Duration,
	pack func([]userRecord) []entry, flush func(context.Context, []entry)) *pipe {
	p := &pipe{in: make(chan []userRecord, 1024), batches: make(chan []entry, workers),
		linger: linger, maxRecs: maxRecs, maxBytes: maxBytes, pack: pack, flush: flush, ctx: ctx}
	if p.pack == nil {
		p.pack = func(recs []userRecord) []entry {
			out := make([]entry, len(recs))
			for i, r := range recs {
				out[i] = entry{key: r.key, data: r.data, recs: recs[i : i+1]}
			}
			return out
		}
	}
	var wwg sync.WaitGroup
	for range workers {
		wwg.Add(1)
		go func() {
			defer wwg.Done()
			for b := range p.batches {
				n := int64(len(entriesUsers(b)))
				p.flush(ctx, b)
				p.pend.Add(-n)
			}
		}()
	}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		defer func() { close(p.batches); wwg.Wait() }()
		p.collect()
	}()
	return p
}

func (p *pipe) collect() {
	var batch []entry
	var held []userRecord
	size := 0
	timer := time.NewTimer(p.linger)
	defer timer.Stop()
	out := func() {
		if len(held) > 0 {
			for _, e := range p.pack(held) {
				if len(batch) == p.maxRecs || size+len(e.data) > p.maxBytes && len(batch) > 0 {
					p.batches <- batch
					batch, size = nil, 0
				}
				batch = append(batch, e)
				size += len(e.data) + len(e.key)
			}
			held = nil
		}
		if len(batch) > 0 {
			p.batches <- batch
			batch, size = nil, 0
		}
	}
	for {
		select {
		case recs, ok := <-p.in:
			if !ok {
				out()
				return
			}
			held = append(held, recs...)
			if len(held) >= p.maxRecs*4 {
				out()
			}
		case <-timer.C:
			out()
			timer.Reset(p.linger)
		}
	}
}

func (p *pipe) send(ctx context.Context, recs []userRecord) error {
	p.pend.Add(int64(len(recs)))
	select {
	case p.in <- recs:
		return nil
	case <-ctx.Done():
		p.pend.Add(-int64(len(recs)))
		return ctx.Err()
	}
}

func (p *pipe) close() {
	p.closing.Store(true)
	p.closeOne.Do(func() { close(p.in) })
	p.wg.Wait()
}

func (p *pipe) pending() int64 { return p.pend.Load() }

// kinesisSender writes into a Kinesis stream with PutRecords: batches of up
// to 500 records and 5 MiB (KDS-PUTRECORDS-MAX), failed records retried one by one with
// exponential backoff up to the writer's retries.max, then counted lost.
// With aggregation (shards not nil), user records bound for the same shard
// are packed into KPL aggregates of up to 51,200 bytes first, while the
// stream's shard map is current; an aggregate that lands on another shard
// than it was packed for makes the map stale.
type kinesisSender struct {
	*pipe
	e      *edge
	c      RecordPutter
	stream string
	shards *shardMap
}

func newKinesisSender(ctx context.Context, e *edge, c RecordPutter, stream string, shards *shardMap, workers int) *kinesisSender {
	s := &kinesisSender{e: e, c: c, stream: stream, shards: shards}
	var pack func([]userRecord) []entry
	if shards != nil {
		pack = func(recs []userRecord) []entry {
			if cur, gen, ok := shards.current(); ok {
				out := aggregateByShard(recs, cur)
				for i := range out {
					out[i].gen = gen
				}
				return out
			}
			return oneByOne(recs)
		}
	}
	s.pipe = newPipe(ctx, workers, 500, 5<<20, 100*time.Millisecond, pack, s.put)
	return s
}

// unpackStale puts the records of aggregates packed under a shard map that
// a reshard has made stale since (they waited in the queue) one by one, so
// none lands on a shard whose range does not hold it.
func (s *kinesisSender) unpackStale(todo []entry) []entry {
	if s.shards == nil {
		return todo
	}
	var out []entry
	for i, en := range todo {
		if en.shard != "" && !s.shards.fresh(en.gen) {
			if out == nil {
				out = append(out, todo[:i]...)
			}
			out = append(out, oneByOne(en.recs)...)
			continue
		}
		if out != nil {
			out = append(out, en)
		}
	}
	if out == nil {
		return todo
	}
	return out
}

func entriesBytes(es []entry) int {
	n := 0
	for _, e := range es {
		n += len(e.data) + len(e.key)
	}
	return n
}

// chunks splits entries into calls of at most n entries and b bytes.
func chunks(es []entry, n, b int) [][]entry {
	var out [][]entry
	start, size := 0, 0
	for i, e := range es {
		sz := len(e.data) + len(e.key)
		if i > start && (i-start == n || size+sz > b) {
			out = append(out, es[start:i])
			start, size = i, 0
		}
		size += sz
	}
	if start < len(es) {
		out = append(out, es[start:])
	}
	return out
}

// oneByOne is each user record as an entry of its own.
func oneByOne(recs []userRecord) []entry {
	out := make([]entry, len(recs))
	for i, r := range recs {
		out[i] = entry{key: r.key, data: r.data, recs: recs[i : i+1]}
	}
	return out
}

func (s *kinesisSender) put(ctx context.Context, batch []entry) {
	todo := s.unpackStale(batch)
	if len(todo) != len(batch) && (len(todo) > 500 || entriesBytes(todo) > 5<<20) {
		for _, c := range chunks(todo, 500, 5<<20) {
			s.put(ctx, c)
		}
		return
	}
	for attempt := 0; len(todo) > 0; attempt++ {
		if attempt > 0 {
			users := len(entriesUsers(todo))
			if attempt > s.e.maxRetries {
				s.e.lose(ctx, users)
				return
			}
			s.e.m.retried(s.e.writer, users)
			if !sleepCtx(ctx, s.e.backoffFor(attempt)) {
				s.e.lose(ctx, users)
				return
			}
		}
		cctx, ok := s.e.admit(ctx, s.closing.Load())
		if !ok {
			s.e.loseDown(len(entriesUsers(todo)))
			return
		}
		if fresh := s.unpackStale(todo); len(fresh) != len(todo) {
			s.put(ctx, fresh) // resharded while waiting to retry: one by one, in calls of the right size
			return
		}
		in := &kinesis.PutRecordsInput{StreamName: aws.String(s.stream)}
		for _, en := range todo {
			in.Records = append(in.Records, kintypes.PutRecordsRequestEntry{PartitionKey: aws.String(en.key), Data: en.data})
		}
		out, err := s.c.PutRecords(cctx, in)
		if err != nil {
			var pte *kintypes.ProvisionedThroughputExceededException
			if errors.As(err, &pte) {
				s.e.m.refused(s.e.writer, s.e.target, len(entriesUsers(todo)))
			}
			if ctx.Err() != nil {
				s.e.lose(ctx, len(entriesUsers(todo)))
				return
			}
			continue // the whole call failed: every record is retried
		}
		var failed []entry
		now := time.Now()
		for i, rr := range out.Records {
			if i >= len(todo) {
				break
			}
			en := todo[i]
			if rr.ErrorCode != nil {
				failed = append(failed, en)
				if aws.ToString(rr.ErrorCode) == "ProvisionedThroughputExceededException" {
					s.e.m.refused(s.e.writer, s.e.target, len(en.recs))
				}
				continue
			}
			if en.shard != "" && aws.ToString(rr.ShardId) != en.shard && s.shards != nil {
				// The stream was resharded under us: what this aggregate holds
				// may belong to other shards (a reader discards those, as the
				// KCL does). Stop aggregating until the map is read again.
				s.shards.invalidate(ctx, 0)
			}
			s.e.m.wrote(s.e.writer, s.e.target, len(en.recs), userBytes(en.recs))
			s.e.m.shardLoad(s.e.target, aws.ToString(rr.ShardId), 1, float64(len(en.data)+len(en.key)), now)
		}
		todo = failed
	}
}

// aggregateByShard packs records into KPL aggregates, one group per shard, each
// at most maxAggregate bytes; the aggregate is put with its first record's
// key, which lands on the same shard as every record in it (as long as the
// map is current). A record no open shard holds goes on its own.
func aggregateByShard(recs []userRecord, shards []shardRange) []entry {
	groups := map[int][]userRecord{}
	var order []int
	var out []entry
	for _, r := range recs {
		s := shardFor(r.key, shards)
		if s < 0 {
			out = append(out, entry{key: r.key, data: r.data, recs: []userRecord{r}})
			continue
		}
		if _, ok := groups[s]; !ok {
			order = append(order, s)
		}
		groups[s] = append(groups[s], r)
	}
	sort.Ints(order)
	for _, s := range order {
		g, id := groups[s], shards[s].id
		start, size, keys := 0, 0, 0
		for i, r := range g {
			if i > start && aggregatedSize(size+len(r.data), keys+len(r.key), i-start+1) > maxAggregate {
				out = append(out, entry{key: g[start].key, data: aggregate(g[start:i]), recs: g[start:i], shard: id})
				start, size, keys = i, 0, 0
			}
			size += len(r.data)
			keys += len(r.key)
		}
		out = append(out, entry{key: g[start].key, data: aggregate(g[start:]), recs: g[start:], shard: id})
	}
	return out
}

// firehoseSender writes into a Firehose delivery stream with PutRecordBatch
// (500 records, 4 MiB per call, FH-PUTRECORDBATCH-MAX), retrying failed records like kinesisSender.
type firehoseSender struct {
	*pipe
	e    *edge
	c    FirehoseAPI
	name string
}

func newFirehoseSender(ctx context.Context, e *edge, c FirehoseAPI, name string) *firehoseSender {
	s := &firehoseSender{e: e, c: c, name: name}
	s.pipe = newPipe(ctx, 2, 500, 4<<20, 100*time.Millisecond, nil, s.put)
	return s
}

func (s *firehoseSender) put(ctx context.Context, batch []entry) {
	todo := batch
	for attempt := 0; len(todo) > 0; attempt++ {
		if attempt > 0 {
			users := len(entriesUsers(todo))
			if attempt > s.e.maxRetries || !sleepCtx(ctx, s.e.backoffFor(attempt)) {
				s.e.lose(ctx, users)
				return
			}
			s.e.m.retried(s.e.writer, users)
		}
		cctx, ok := s.e.admit(ctx, s.closing.Load())
		if !ok {
			s.e.loseDown(len(entriesUsers(todo)))
			return
		}
		in := &firehose.PutRecordBatchInput{DeliveryStreamName: aws.String(s.name)}
		for _, en := range todo {
			in.Records = append(in.Records, fhtypes.Record{Data: en.data})
		}
		out, err := s.c.PutRecordBatch(cctx, in)
		if err != nil {
			var su *fhtypes.ServiceUnavailableException
			if errors.As(err, &su) {
				s.e.m.refused(s.e.writer, s.e.target, len(todo))
			}
			if ctx.Err() != nil {
				s.e.lose(ctx, len(entriesUsers(todo)))
				return
			}
			continue
		}
		var failed []entry
		for i, rr := range out.RequestResponses {
			if i >= len(todo) {
				break
			}
			if rr.ErrorCode != nil {
				failed = append(failed, todo[i])
				if aws.ToString(rr.ErrorCode) == "ServiceUnavailableException" {
					s.e.m.refused(s.e.writer, s.e.target, 1)
				}
				continue
			}
			s.e.m.wrote(s.e.writer, s.e.target, 1, len(todo[i].data))
		}
		todo = failed
	}
}

// kafkaSender produces into a Kafka topic; franz-go batches and retries, and
// a record it finally fails is counted lost.
type kafkaSender struct {
	e     *edge
	cl    *kgo.Client
	topic string
	pend  atomic.Int64
	wg    sync.WaitGroup
}

func (s *kafkaSender) send(ctx context.Context, recs []userRecord) error {
	for _, r := range recs {
		s.pend.Add(1)
		s.wg.Add(1)
		size := len(r.data)
		s.cl.Produce(ctx, &kgo.Record{Topic: s.topic, Key: []byte(r.key), Value: r.data}, func(_ *kgo.Record, err error) {
			defer s.wg.Done()
			defer s.pend.Add(-1)
			if err != nil {
				if !errors.Is(err, context.Canceled) {
					s.e.h.Observe(SvcKafka, "Produce", err)
				}
				s.e.lose(ctx, 1)
				return
			}
			s.e.m.wrote(s.e.writer, s.e.target, 1, size)
		})
	}
	return ctx.Err()
}

// kafkaFlushTimeout bounds the wait for a topic's last records: a broker that
// stopped answering costs those records (purged, counted lost), not the run's end.
const kafkaFlushTimeout = 30 * time.Second

func (s *kafkaSender) close() {
	ctx, cancel := context.WithTimeout(context.Background(), kafkaFlushTimeout)
	defer cancel()
	if err := s.cl.Flush(ctx); err != nil {
		s.e.m.event(fmt.Sprintf("%s: records for %s not acknowledged within %s: given up", s.e.writer, s.topic, kafkaFlushTimeout))
		s.cl.PurgeTopicsFromProducing(s.topic) // fails what is buffered, which the promises count lost
	}
	s.wg.Wait()
}

func (s *kafkaSender) pending() int64 { return s.pend.Load() }

// s3Sender writes what a client-side consumer sends to a bucket: one object
// per second (or per 5 MiB), newline-delimited records.
type s3Sender struct {
	*pipe
	e      *edge
	c      S3API
	bucket string
	seq    atomic.Int64
	runID  string
}

func newS3Sender(ctx context.Context, e *edge, c S3API, bucket, runID string) *s3Sender {
	s := &s3Sender{e: e, c: c, bucket: bucket, runID: runID}
	s.pipe = newPipe(ctx, 2, 1<<20, 5<<20, time.Second, nil, s.put)
	return s
}

func (s *s3Sender) put(ctx context.Context, batch []entry) {
	recs := entriesUsers(batch)
	key := objectKey(s.e.writer, s.runID, s.seq.Add(1), time.Now())
	err := putObject(ctx, s.c, s.e, s.bucket, key, recs)
	if err != nil {
		s.e.loseWith(ctx, err, len(recs))
		s.e.m.event(fmt.Sprintf("%s: could not write s3://%s/%s: %v", s.e.writer, s.bucket, key, shortErr(err)))
	}
}

// objectKey names an object the way Firehose does: prefix/YYYY/MM/DD/HH/name.
func objectKey(writer, runID string, seq int64, t time.Time) string {
	t = t.UTC()
	return fmt.Sprintf("%s/%04d/%02d/%02d/%02d/%s%s-%s-%d-%06d", writer, t.Year(), t.Month(), t.Day(), t.Hour(),
		NamePrefix, runID, writer, t.Unix(), seq)
}

// putObject writes recs as one object, retrying refused or failed PUTs, and
// reports the delivery.
func putObject(ctx context.Context, c S3API, e *edge, bucket, key string, recs []userRecord) error {
	var buf bytes.Buffer
	tss := make([]int64, len(recs))
	for i, r := range recs {
		buf.Write(r.data)
		tss[i] = r.ts
	}
	body := buf.Bytes()
	var err error
	for attempt := 0; ; attempt++ {
		if attempt > 0 {
			if attempt > max(3, e.maxRetries) || !sleepCtx(ctx, e.backoffFor(attempt)) {
				return err
			}
			e.m.retried(e.writer, len(recs))
		}
		cctx, ok := e.admit(ctx, false)
		if !ok {
			return errDown
		}
		_, err = c.PutObject(cctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key),
			Body: bytes.NewReader(body), ContentType: aws.String("application/x-ndjson")})
		if err == nil {
			now := time.Now()
			e.m.wrote(e.writer, e.target, len(recs), len(body))
			e.m.deliver(e.target, tss, len(body), now)
			e.m.object(e.target)
			e.m.object(e.writer)
			return nil
		}
		if isSlowDown(err) {
			e.m.refused(e.writer, e.target, len(recs))
		}
		if ctx.Err() != nil {
			return err
		}
	}
}

// errDown says a write was not sent because its endpoint is down.
var errDown = errors.New("not sent: the endpoint is down")

// loseWith counts n records lost by a write that ended with err.
func (e *edge) loseWith(ctx context.Context, err error, n int) {
	if errors.Is(err, errDown) {
		e.loseDown(n)
		return
	}
	e.lose(ctx, n)
}

func isSlowDown(err error) bool {
	return err != nil && (bytes.Contains([]byte(err.Error()), []byte("SlowDown")) || bytes.Contains([]byte(err.Error()), []byte("StatusCode: 503")))
}

// dynamoSender writes each record as one item (pk = partition key, sk =
// producer#seq) with BatchWriteItem, 25 items a call (DDB-BATCH-WRITE); unprocessed
// items are refused writes, retried with backoff.
type dynamoSender struct {
	*pipe
	e     *edge
	c     DynamoDBAPI
	table string
}

// maxItemData bounds the payload kept in an item (items are at most 400 KB).
const maxItemData = 350_000

func newDynamoSender(ctx context.Context, e *edge, c DynamoDBAPI, table string) *dynamoSender {
	s := &dynamoSender{e: e, c: c, table: table}
	s.pipe = newPipe(ctx, 4, 25, 16<<20, 100*time.Millisecond, nil, s.put)
	return s
}

func (s *dynamoSender) put(ctx context.Context, batch []entry) {
	type item struct {
		req ddbtypes.WriteRequest
		rec userRecord
	}
	var todo []item
	for _, en := range batch {
		for _, r := range en.recs {
			p, _ := decodePayload(r.data)
			data := r.data
			if len(data) > maxItemData {
				data = data[:maxItemData]
			}
			todo = append(todo, item{rec: r, req: ddbtypes.WriteRequest{PutRequest: &ddbtypes.PutRequest{Item: map[string]ddbtypes.AttributeValue{
				"pk":   &ddbtypes.AttributeValueMemberS{Value: r.key},
				"sk":   &ddbtypes.AttributeValueMemberS{Value: fmt.Sprintf("%s#%d", p.Src, p.Seq)},
				"ts":   &ddbtypes.AttributeValueMemberN{Value: fmt.Sprint(r.ts)},
				"data": &ddbtypes.AttributeValueMemberB{Value: data},
			}}}})
		}
	}
	maxAttempts := max(10, s.e.maxRetries)
	for attempt := 0; len(todo) > 0; attempt++ {
		if attempt > 0 {
			if attempt > maxAttempts || !sleepCtx(ctx, s.e.backoffFor(attempt)) {
				s.e.lose(ctx, len(todo))
				return
			}
			s.e.m.retried(s.e.writer, len(todo))
		}
		cctx, ok := s.e.admit(ctx, s.closing.Load())
		if !ok {
			s.e.loseDown(len(todo))
			return
		}
		reqs := make([]ddbtypes.WriteRequest, len(todo))
		for i, it := range todo {
			reqs[i] = it.req
		}
		out, err := s.c.BatchWriteItem(cctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]ddbtypes.WriteRequest{s.table: reqs}})
		if err != nil {
			var pte *ddbtypes.ProvisionedThroughputExceededException
			if errors.As(err, &pte) {
				s.e.m.refused(s.e.writer, s.e.target, len(todo))
			}
			if ctx.Err() != nil {
				s.e.lose(ctx, len(todo))
				return
			}
			continue
		}
		unproc := map[string]bool{}
		for _, u := range out.UnprocessedItems[s.table] {
			if u.PutRequest != nil {
				if sk, ok := u.PutRequest.Item["sk"].(*ddbtypes.AttributeValueMemberS); ok {
					pk, _ := u.PutRequest.Item["pk"].(*ddbtypes.AttributeValueMemberS)
					if pk != nil {
						unproc[pk.Value+"\x00"+sk.Value] = true
					}
				}
			}
		}
		var left []item
		var done []userRecord
		for _, it := range todo {
			pk := it.req.PutRequest.Item["pk"].(*ddbtypes.AttributeValueMemberS).Value
			sk := it.req.PutRequest.Item["sk"].(*ddbtypes.AttributeValueMemberS).Value
			if unproc[pk+"\x00"+sk] {
				left = append(left, it)
			} else {
				done = append(done, it.rec)
			}
		}
		if len(left) > 0 {
			s.e.m.refused(s.e.writer, s.e.target, len(left))
		}
		if len(done) > 0 {
			tss := make([]int64, len(done))
			for i, r := range done {
				tss[i] = r.ts
			}
			b := userBytes(done)
			s.e.m.wrote(s.e.writer, s.e.target, len(done), b)
			s.e.m.deliver(s.e.target, tss, b, time.Now())
		}
		todo = left
	}
}

// skipSender counts records sent towards a node the run leaves out.
type skipSender struct{ e *edge }

func (s skipSender) send(_ context.Context, recs []userRecord) error {
	s.e.m.skip(s.e.writer, len(recs))
	return nil
}
func (skipSender) close()         {}
func (skipSender) pending() int64 { return 0 }
