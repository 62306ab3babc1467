package aws

import (
	"context"
	"fmt"
	"math/big"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	kintypes "github.com/aws/aws-sdk-go-v2/service/kinesis/types"
)

// shardRange is a shard's hash key range.
type shardRange struct {
	id         string
	start, end *big.Int
	closed     bool
}

// hashKey is a partition key's place in the hash key space: its MD5 as a
// 128-bit number (KDS-PARTITION-KEY).
func hashKey(key string) *big.Int { return new(big.Int).SetBytes(md5Sum(key)) }

// holds reports whether the shard's range holds the partition key.
func (s shardRange) holds(key string) bool {
	h := hashKey(key)
	return h.Cmp(s.start) >= 0 && h.Cmp(s.end) <= 0
}

// shardFor finds the open shard a partition key goes to, or -1.
func shardFor(key string, shards []shardRange) int {
	h := hashKey(key)
	for i, s := range shards {
		if !s.closed && h.Cmp(s.start) >= 0 && h.Cmp(s.end) <= 0 {
			return i
		}
	}
	return -1
}

func newShardRange(id string, r *kintypes.HashKeyRange) shardRange {
	sr := shardRange{id: id, start: new(big.Int), end: new(big.Int)}
	if r != nil {
		sr.start.SetString(aws.ToString(r.StartingHashKey), 10)
		sr.end.SetString(aws.ToString(r.EndingHashKey), 10)
	}
	return sr
}

// listShards lists a stream's shards with their hash key ranges.
func listShards(ctx context.Context, api RecordGetter, stream string) ([]shardRange, error) {
	var out []shardRange
	in := &kinesis.ListShardsInput{StreamName: aws.String(stream)}
	for {
		resp, err := api.ListShards(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("list shards of %s: %w", stream, err)
		}
		for _, s := range resp.Shards {
			sr := newShardRange(aws.ToString(s.ShardId), s.HashKeyRange)
			sr.closed = s.SequenceNumberRange != nil && s.SequenceNumberRange.EndingSequenceNumber != nil
			out = append(out, sr)
		}
		if resp.NextToken == nil {
			return out, nil
		}
		in = &kinesis.ListShardsInput{NextToken: resp.NextToken}
	}
}

// shardLister is what a shard map reads the stream with.
type shardLister interface {
	RecordGetter
	DescribeStreamSummary(ctx context.Context, in *kinesis.DescribeStreamSummaryInput, o ...func(*kinesis.Options)) (*kinesis.DescribeStreamSummaryOutput, error)
}

// shardMap is a stream's shards as the producers of this run last read them,
// shared by every sender into the stream. Records are aggregated only while
// the map is known to be current: after a reshard of the run's own, or when a
// put lands on a shard other than the map predicted, the map is stale, records
// are put one by one (each lands where its own key says, so nothing is ever
// on a shard whose range does not hold it), and the map is read again once
// the stream is ACTIVE with the shard count it is resharding to.
type shardMap struct {
	api    shardLister
	stream string
	every  time.Duration // between looks at a resharding stream

	mu         sync.Mutex
	shards     []shardRange
	gen        uint64 // counts the invalidations: what was packed under an older one is stale
	stale      bool
	want       int // open shards a reshard of our own goes to; 0 = any
	refreshing bool
}

func newShardMap(ctx context.Context, api shardLister, stream string) (*shardMap, error) {
	shards, err := listShards(ctx, api, stream)
	if err != nil {
		return nil, err
	}
	return &shardMap{api: api, stream: stream, shards: shards, every: time.Second}, nil
}

// current returns the shards and their generation while the map is current.
func (m *shardMap) current() ([]shardRange, uint64, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.shards, m.gen, !m.stale
}

// fresh reports whether what was packed under generation gen still holds.
func (m *shardMap) fresh(gen uint64) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return !m.stale && m.gen == gen
}

// invalidate marks the map stale and reads it again in the background until
// the stream is ACTIVE (with want open shards, when want > 0).
func (m *shardMap) invalidate(ctx context.Context, want int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.stale = true
	m.gen++
	if want > 0 {
		m.want = want
	}
	if m.refreshing {
		return
	}
	m.refreshing = true
	go m.refresh(ctx)
}

// settle drops the shard count a failed reshard was waiting for.
func (m *shardMap) settle() {
	m.mu.Lock()
	m.want = 0
	m.mu.Unlock()
}

func (m *shardMap) refresh(ctx context.Context) {
	defer func() {
		m.mu.Lock()
		m.refreshing = false
		m.mu.Unlock()
	}()
	for sleepCtx(ctx, m.every) {
		out, err := m.api.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String(m.stream)})
		if err != nil || out.StreamDescriptionSummary == nil || out.StreamDescriptionSummary.StreamStatus != kintypes.StreamStatusActive {
			continue
		}
		shards, err := listShards(ctx, m.api, m.stream)
		if err != nil {
			continue
		}
		m.mu.Lock()
		if m.want == 0 || openShards(shards) == m.want {
			m.shards, m.stale, m.want = shards, false, 0
			m.mu.Unlock()
			return
		}
		m.mu.Unlock()
	}
}

func openShards(shards []shardRange) int {
	n := 0
	for _, s := range shards {
		if !s.closed {
			n++
		}
	}
	return n
}
