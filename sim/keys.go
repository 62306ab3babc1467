package sim

import (
	"crypto/md5"
	"encoding/binary"
	"fmt"
	"math"
	"math/bits"
	"sort"

	"github.com/streamsim/streamsim/pipeline"
)

// keyPrefix starts every partition key's name. Names are hashed (MD5,
// murmur2) and their bytes count toward Kinesis' write limit, so they must
// not depend on what a user calls a node.
const keyPrefix = "key"

// explicitKeys bounds how many partition keys are hashed one by one; the tail of a
// larger key space is spread evenly, which is what so many keys do on average.
const explicitKeys = 100_000

// keySpace is a producer's partition keys: explicit keys with their share of the
// traffic, plus an evenly spread remainder.
type keySpace struct {
	names   []string
	weights []float64 // share of records per explicit key
	even    float64   // share spread evenly over the hash space
	hot     int       // index of the heaviest key (-1: none)
}

// newKeySpace builds the key distribution of a producer. Key names come from the
// seeded generator, so a different seed gives a different key → shard mapping.
// They do not carry the producer's id: producers draw their keys in file
// order, so a key depends on the seed and the producer's position only, and
// renaming a node changes nothing a run measures (keyPrefix).
func newKeySpace(p *pipeline.Node, g *rng) keySpace {
	dist := p.Str("keys.dist")
	count := max(1, p.Int("keys.count"))
	if dist == "random" {
		return keySpace{even: 1, hot: -1}
	}
	k := min(count, explicitKeys)
	ks := keySpace{names: make([]string, k), weights: make([]float64, k)}
	for i := range ks.names {
		ks.names[i] = fmt.Sprintf("%s-%016x", keyPrefix, g.uint64())
	}
	switch dist {
	case "zipf":
		s := p.Num("keys.skew")
		var total float64
		for i := 1; i <= count; i++ {
			total += math.Pow(float64(i), -s)
		}
		var explicit float64
		for i := range ks.weights {
			ks.weights[i] = math.Pow(float64(i+1), -s) / total
			explicit += ks.weights[i]
		}
		ks.even = max(0, 1-explicit)
	case "hot":
		f := p.Num("keys.fraction")
		if count == 1 {
			f = 1
		}
		ks.weights[0] = f
		rest := (1 - f) / float64(max(1, count-1))
		for i := 1; i < k; i++ {
			ks.weights[i] = rest
		}
		ks.even = max(0, 1-f-rest*float64(k-1))
	default: // uniform
		for i := range ks.weights {
			ks.weights[i] = 1 / float64(count)
		}
		ks.even = max(0, 1-float64(k)/float64(count))
	}
	return ks
}

// hotKey returns the name and share of the busiest key ("" when keys are random).
func (ks keySpace) hotKey() (string, float64) {
	if ks.hot < 0 || ks.hot >= len(ks.names) {
		return "", 0
	}
	return ks.names[ks.hot], ks.weights[ks.hot]
}

// findHot records the heaviest key once, so snapshots need not scan the keys.
func (ks *keySpace) findHot() {
	ks.hot = -1
	w := 0.0
	for i, x := range ks.weights {
		if x > w {
			ks.hot, w = i, x
		}
	}
}

// u128 is a 128-bit hash key.
type u128 struct{ hi, lo uint64 }

func (a u128) less(b u128) bool { return a.hi < b.hi || a.hi == b.hi && a.lo < b.lo }

func md5Key(name string) u128 {
	sum := md5.Sum([]byte(name))
	return u128{binary.BigEndian.Uint64(sum[:8]), binary.BigEndian.Uint64(sum[8:])}
}

// evenStarts returns the starting hash keys of n shards that split 0..2^128-1
// evenly, as CreateStream and UpdateShardCount (uniform scaling) do: shard i
// starts at floor(i × 2^128 / n).
func evenStarts(n int) []u128 {
	starts := make([]u128, n)
	for i := 1; i < n; i++ {
		// floor(i × 2^128 / n) = (i × 2^128) / n computed as a 192-bit division.
		// i < n, so the quotient fits in 128 bits.
		qhi, r := bits.Div64(uint64(i), 0, uint64(n))
		qlo, _ := bits.Div64(r, 0, uint64(n))
		starts[i] = u128{qhi, qlo}
	}
	return starts
}

// shardOf finds the shard whose hash range holds h.
func shardOf(starts []u128, h u128) int {
	return sort.Search(len(starts), func(i int) bool { return h.less(starts[i]) }) - 1
}

// kinesisWeights spreads a key space over shards by MD5 and returns each shard's
// share of the records and the share of its single heaviest key.
func kinesisWeights(ks keySpace, starts []u128) (share, hot []float64) {
	n := len(starts)
	share, hot = make([]float64, n), make([]float64, n)
	for i, name := range ks.names {
		s := shardOf(starts, md5Key(name))
		share[s] += ks.weights[i]
		hot[s] = max(hot[s], ks.weights[i])
	}
	if ks.even > 0 {
		for s := range share {
			share[s] += ks.even * rangeFraction(starts, s)
		}
	}
	return share, hot
}

// rangeFraction is the fraction of the hash space shard s owns.
func rangeFraction(starts []u128, s int) float64 {
	lo := float64(starts[s].hi) + float64(starts[s].lo)/(1<<64)
	hi := float64(1 << 64)
	if s+1 < len(starts) {
		hi = float64(starts[s+1].hi) + float64(starts[s+1].lo)/(1<<64)
	}
	return (hi - lo) / float64(1<<64)
}

// murmur2 is Kafka's default partitioner hash (org.apache.kafka.common.utils.Utils.murmur2).
func murmur2(data []byte) int32 {
	const seed, m, r = uint32(0x9747b28c), uint32(0x5bd1e995), 24
	length := len(data)
	h := seed ^ uint32(length)
	for i := 0; i+4 <= length; i += 4 {
		k := binary.LittleEndian.Uint32(data[i:])
		k *= m
		k ^= k >> r
		k *= m
		h *= m
		h ^= k
	}
	tail := length &^ 3
	switch length & 3 {
	case 3:
		h ^= uint32(data[tail+2]) << 16
		fallthrough
	case 2:
		h ^= uint32(data[tail+1]) << 8
		fallthrough
	case 1:
		h ^= uint32(data[tail])
		h *= m
	}
	h ^= h >> 13
	h *= m
	h ^= h >> 15
	return int32(h)
}

// kafkaWeights spreads keys over partitions as Kafka's default partitioner does:
// (murmur2(key) & 0x7fffffff) % partitions.
func kafkaWeights(ks keySpace, partitions int) (share, hot []float64) {
	share, hot = make([]float64, partitions), make([]float64, partitions)
	for i, name := range ks.names {
		p := int(uint32(murmur2([]byte(name))&0x7fffffff) % uint32(partitions))
		share[p] += ks.weights[i]
		hot[p] = max(hot[p], ks.weights[i])
	}
	for p := range share {
		share[p] += ks.even / float64(partitions)
	}
	return share, hot
}

// moduloWeights maps key i to unit i mod n (Kinesis Video Streams: one stream per device).
func moduloWeights(ks keySpace, n int) (share, hot []float64) {
	share, hot = make([]float64, n), make([]float64, n)
	for i, w := range ks.weights {
		share[i%n] += w
		hot[i%n] = max(hot[i%n], w)
	}
	for s := range share {
		share[s] += ks.even / float64(n)
	}
	return share, hot
}
