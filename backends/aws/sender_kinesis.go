package aws

import (
	"context"
	"errors"
	"sort"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	kintypes "github.com/aws/aws-sdk-go-v2/service/kinesis/types"
)

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
