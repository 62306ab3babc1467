package sim

import (
	"crypto/md5"
	"encoding/binary"
	"math/bits"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"

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
//
// The names and weights are not stored: 10,000 producers of 1,000 keys would
// hold ten million strings. A name is drawn again from a copy of the
// generator's state when the keys are spread over shards (at the start and
// after a reshard), and a weight is computed from its rank; both come out
// exactly as they were first made.
type keySpace struct {
	prefix  string           // keyPrefix: key i is named prefix-%016x of the i-th draw
	start   rand.PCG         // the generator's state before the first key's draw
	k       int              // explicit keys
	dist    pipeline.KeyDist // each key's share, as the aws backend's producers draw them
	count   int              // keys in all
	even    float64          // share spread evenly over the hash space
	hot     int              // index of the heaviest key (-1: none)
	hotName string           // its name
	// w, when set, is each explicit key's share (per-shard keys, weighed to
	// reproduce a recorded split); otherwise dist says it.
	w []float64
}

// newKeySpace builds the key distribution of a producer. Key names come from the
// seeded generator, so a different seed gives a different key → shard mapping.
// They do not carry the producer's id: producers draw their keys in file
// order, so a key depends on the seed and the producer's position only, and
// renaming a node changes nothing a run measures (keyPrefix).
func newKeySpace(p *pipeline.Node, g *rng) keySpace {
	kd := pipeline.KeyDistOf(p)
	if kd.Dist == "random" {
		return keySpace{even: 1, hot: -1}
	}
	count := kd.Count
	k := min(count, explicitKeys)
	ks := keySpace{prefix: keyPrefix, start: g.state(), k: k, dist: kd, count: count}
	buf := make([]byte, 0, len(keyPrefix)+17)
	for i := range k {
		v := g.uint64()
		if i == 0 {
			ks.hotName = string(keyName(buf, keyPrefix, v))
		}
	}
	switch kd.Dist {
	case "zipf":
		var explicit float64
		for i := range k {
			explicit += ks.weight(i)
		}
		ks.even = max(0, 1-explicit)
	case "hot":
		ks.even = max(0, 1-kd.Weight(0)-kd.Weight(1)*float64(k-1))
	default: // uniform
		ks.even = max(0, 1-float64(k)/float64(count))
	}
	return ks
}

// weight is the share of the producer's records that carry key i (i < k).
func (ks *keySpace) weight(i int) float64 {
	if ks.w != nil {
		return ks.w[i]
	}
	return ks.dist.Weight(i)
}

// each calls fn for every explicit key, in order, with its name (valid only
// during the call) and weight.
func (ks *keySpace) each(fn func(name []byte, w float64)) {
	src := ks.start // a copy: the names come out as they were first drawn
	buf := make([]byte, 0, len(ks.prefix)+17)
	for i := range ks.k {
		buf = keyName(buf[:0], ks.prefix, src.Uint64())
		fn(buf, ks.weight(i))
	}
}

// keyName appends the name of a key drawn as v: fmt's "%s-%016x".
func keyName(buf []byte, prefix string, v uint64) []byte {
	const hex = "0123456789abcdef"
	buf = append(buf, prefix...)
	buf = append(buf, '-')
	for shift := 60; shift >= 0; shift -= 4 {
		buf = append(buf, hex[v>>uint(shift)&0xf])
	}
	return buf
}

// nameBytes is the length of the producer's key names (0 when keys are random).
func (ks keySpace) nameBytes() int {
	if ks.k == 0 {
		return 0
	}
	return len(ks.prefix) + 17
}

// hotKey returns the name and share of the busiest key ("" when keys are random).
func (ks keySpace) hotKey() (string, float64) {
	if ks.hot < 0 || ks.hot >= ks.k {
		return "", 0
	}
	return ks.hotName, ks.weight(ks.hot)
}

// u128 is a 128-bit hash key.
type u128 struct{ hi, lo uint64 }

func (a u128) less(b u128) bool { return a.hi < b.hi || a.hi == b.hi && a.lo < b.lo }

func md5Key(name []byte) u128 {
	sum := md5.Sum(name)
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

// shardOf finds the shard whose hash range holds h: the last start not
// above it. It runs for every key of every simulation of a size search, so
// it first tries where an even split puts h (h.hi × n / 2^64 is that shard
// or the one before it), and searches only when the starts are not even.
func shardOf(starts []u128, h u128) int {
	n := len(starts)
	if g, _ := bits.Mul64(h.hi, uint64(n)); !h.less(starts[g]) {
		s := int(g)
		if s+1 == n || h.less(starts[s+1]) {
			return s
		}
		if s+2 == n || h.less(starts[s+2]) {
			return s + 1
		}
	}
	return searchShard(starts, h)
}

// searchShard is shardOf for any starts: a binary search written out.
func searchShard(starts []u128, h u128) int {
	lo, hi := 0, len(starts) // the first start above h is in [lo, hi]
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if h.less(starts[m]) {
			hi = m
		} else {
			lo = m + 1
		}
	}
	return lo - 1
}

// kinesisWeights spreads a key space over shards by MD5 and returns each shard's
// share of the records and the share of its single heaviest key.
func kinesisWeights(ks keySpace, starts []u128) (share, hot []float64) {
	n := len(starts)
	share, hot = make([]float64, n), make([]float64, n)
	add := func(h u128, w float64) {
		s := shardOf(starts, h)
		share[s] += w
		hot[s] = max(hot[s], w)
	}
	if ks.k >= hashMemoMin {
		for i, h := range ks.md5Keys() {
			add(h, ks.weight(i))
		}
	} else {
		ks.each(func(name []byte, w float64) { add(md5Key(name), w) })
	}
	if ks.even > 0 {
		for s := range share {
			share[s] += ks.even * rangeFraction(starts, s)
		}
	}
	return share, hot
}

// hashMemoMin is the fewest keys whose MD5 sums are kept for the next
// simulation of the same producer: hashing 100,000 names takes about 15 ms,
// and a size search, a sweep or advice simulates the same producers again
// and again, at other shard counts.
const hashMemoMin = 10_000

// hashMemoKeep is how many key spaces' sums are kept (at most 1.6 MB each).
const hashMemoKeep = 4

// hashMemo keeps the MD5 sums of the last large key spaces hashed, each in
// key order; a kept slice is never written again.
var hashMemo struct {
	sync.Mutex
	kept []memoHashes // least recently used first
}

type memoHashes struct {
	start  rand.PCG
	prefix string
	k      int
	sums   []u128
}

// md5Keys returns the MD5 sum of each explicit key's name, in key order.
func (ks *keySpace) md5Keys() []u128 {
	if sums := memoUse(ks, nil); sums != nil {
		return sums
	}
	return memoUse(ks, ks.hashNames())
}

// hashPart is the fewest keys hashed on a core of their own: 100,000 names
// take about 15 ms on one, and a search's first simulation hashes them
// while the other cores wait for it.
const hashPart = 25_000

// hashNames is the MD5 sum of each explicit key's name, in key order, the
// names split into runs hashed side by side on the process's cores. A run
// draws its names from a copy of the generator stepped past the runs
// before it, so every sum is the one a single pass makes.
func (ks *keySpace) hashNames() []u128 {
	sums := make([]u128, ks.k)
	parts := min(runtime.GOMAXPROCS(0), ks.k/hashPart)
	if parts <= 1 {
		ks.hashRun(sums, 0)
		return sums
	}
	var wg sync.WaitGroup
	for p := range parts {
		lo, hi := ks.k*p/parts, ks.k*(p+1)/parts
		wg.Go(func() { ks.hashRun(sums[lo:hi], lo) })
	}
	wg.Wait()
	return sums
}

// hashRun writes the sums of the names of keys lo to lo+len(out)-1.
func (ks *keySpace) hashRun(out []u128, lo int) {
	src := ks.start
	for range lo {
		src.Uint64()
	}
	buf := make([]byte, 0, len(ks.prefix)+17)
	for i := range out {
		buf = keyName(buf[:0], ks.prefix, src.Uint64())
		out[i] = md5Key(buf)
	}
}

// same reports whether m holds the sums of ks's names.
func (m *memoHashes) same(ks *keySpace) bool {
	return m.start == ks.start && m.prefix == ks.prefix && m.k == ks.k
}

// memoUse returns ks's kept sums, marking them used last. When none are
// kept it keeps sums (nil: none to keep) in place of the least recently
// used, and returns them. A simulation beside this one may have kept the
// same sums meanwhile; then those are returned and sums is dropped.
func memoUse(ks *keySpace, sums []u128) []u128 {
	hashMemo.Lock()
	defer hashMemo.Unlock()
	for i, m := range hashMemo.kept {
		if m.same(ks) {
			hashMemo.kept = append(slices.Delete(hashMemo.kept, i, i+1), m)
			return m.sums
		}
	}
	if sums == nil {
		return nil
	}
	if len(hashMemo.kept) == hashMemoKeep {
		hashMemo.kept = slices.Delete(hashMemo.kept, 0, 1)
	}
	hashMemo.kept = append(hashMemo.kept, memoHashes{ks.start, ks.prefix, ks.k, sums})
	return sums
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
	ks.each(func(name []byte, w float64) {
		p := int(uint32(murmur2(name)&0x7fffffff) % uint32(partitions))
		share[p] += w
		hot[p] = max(hot[p], w)
	})
	for p := range share {
		share[p] += ks.even / float64(partitions)
	}
	return share, hot
}

// moduloWeights maps key i to unit i mod n (Kinesis Video Streams: one stream per device).
func moduloWeights(ks keySpace, n int) (share, hot []float64) {
	share, hot = make([]float64, n), make([]float64, n)
	for i := range ks.k {
		w := ks.weight(i)
		share[i%n] += w
		hot[i%n] = max(hot[i%n], w)
	}
	for s := range share {
		share[s] += ks.even / float64(n)
	}
	return share, hot
}
