package aws

import (
	"sort"

	"github.com/streamsim/streamsim/pipeline"
)

// shardKeys are per-shard keys (keys.dist per-shard): the producer's keys
// grouped by the shard of keys.hash_ranges their MD5 falls in, and the
// cumulative shares of those shards. A record picks a shard by its share,
// then one of that shard's keys evenly, as the simulator weighs them.
type shardKeys struct {
	keys [][]int   // key numbers per shard
	cum  []float64 // cumulative share of the shards that have keys
	idx  []int     // the shard of each cum entry
}

// maxExtraNames bounds the key numbers tried beyond keys.count to give every
// shard with a share at least one key.
const maxExtraNames = 1 << 21

func newShardKeys(n *pipeline.Node, g *keyGen) *shardKeys {
	ranges := pipeline.KeyRanges(n)
	shares := n.Params["keys.shares"].List
	sk := &shardKeys{keys: make([][]int, len(ranges))}
	shardOf := func(name string) int {
		h := pipeline.HashKeyOf(md5Sum(name))
		return sort.Search(len(ranges), func(i int) bool { return h.Less(ranges[i].Start) }) - 1
	}
	add := func(i int) {
		s := shardOf(g.name(i))
		sk.keys[s] = append(sk.keys[s], i)
	}
	count := min(g.count, zipfTable) // as many keys as the simulator spreads
	for i := range count {
		add(i)
	}
	missing := func() bool {
		for s, k := range sk.keys {
			if len(k) == 0 && shares.Share(s) > 0 {
				return true
			}
		}
		return false
	}
	for i := count; i < count+maxExtraNames && missing(); i++ {
		add(i)
	}
	acc := 0.0
	for s, k := range sk.keys {
		if len(k) > 0 && shares.Share(s) > 0 {
			acc += shares.Share(s)
			sk.cum = append(sk.cum, acc)
			sk.idx = append(sk.idx, s)
		}
	}
	return sk
}

// next draws the number of a key.
func (sk *shardKeys) next(g *keyGen) int {
	if len(sk.cum) == 0 {
		return g.rng.IntN(g.count)
	}
	u := g.rng.Float64() * sk.cum[len(sk.cum)-1]
	j := min(sort.SearchFloat64s(sk.cum, u), len(sk.cum)-1)
	keys := sk.keys[sk.idx[j]]
	return keys[g.rng.IntN(len(keys))]
}
