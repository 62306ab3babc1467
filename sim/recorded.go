package sim

import "github.com/streamsim/streamsim/pipeline"

// This file holds what the engine does with an imported (recorded) load:
// explicit hash-key ranges on a Kinesis stream, a series pattern, and keys
// spread to reproduce a per-shard split. Scenarios without them take none of
// these paths, so their results do not change.

// kinesisStarts are the starting hash keys of a stream node's shards: its
// hash_ranges when it has one per shard, else an even split.
func kinesisStarts(n *pipeline.Node, units int) []u128 {
	v, ok := n.Params["hash_ranges"]
	if !ok || v.List == nil || len(v.List.Ranges) != units {
		return evenStarts(units)
	}
	return startsOf(v.List.Ranges)
}

func startsOf(ranges []pipeline.HashRange) []u128 {
	starts := make([]u128, len(ranges))
	for i, r := range ranges {
		starts[i] = u128{r.Start.Hi, r.Start.Lo}
	}
	return starts
}

// producerKeys builds a producer's key space: per-shard keys here, every
// other distribution in newKeySpace.
func producerKeys(n *pipeline.Node, g *rng) keySpace {
	if n.Str("keys.dist") != "per-shard" {
		return newKeySpace(n, g)
	}
	return perShardKeySpace(n, g)
}

// maxExtraKeys bounds the keys drawn beyond keys.count to give every shard
// with a share at least one key (a shard owning 1/2^20 of the hash space
// needs about 2^20 draws).
const maxExtraKeys = 1 << 21

// perShardKeySpace draws keys.count keys (as newKeySpace does) and weighs
// them so that the shards of keys.hash_ranges (even ranges, one per share,
// by default) get keys.shares of the records: each shard's keys share its
// part evenly. A shard with a share but no key gets keys drawn until it has
// one; should that fail, its share goes to the other shards.
func perShardKeySpace(n *pipeline.Node, g *rng) keySpace {
	ranges := pipeline.KeyRanges(n)
	shares := n.Params["keys.shares"].List
	starts := startsOf(ranges)
	byShard := make([]int, len(ranges))
	ks := keySpace{prefix: keyPrefix, start: g.state(), dist: pipeline.KeyDist{Dist: "per-shard", Count: 1}}
	var shard []int
	buf := make([]byte, 0, len(keyPrefix)+17)
	draw := func() {
		s := shardOf(starts, md5Key(keyName(buf[:0], keyPrefix, g.uint64())))
		shard = append(shard, s)
		byShard[s]++
	}
	for range min(max(1, n.Int("keys.count")), explicitKeys) {
		draw()
	}
	missing := func() bool {
		for s, c := range byShard {
			if c == 0 && shares.Share(s) > 0 {
				return true
			}
		}
		return false
	}
	for extra := 0; extra < maxExtraKeys && missing(); extra += 64 {
		for range 64 {
			draw()
		}
	}
	var covered float64
	for s, c := range byShard {
		if c > 0 {
			covered += shares.Share(s)
		}
	}
	ks.k, ks.count = len(shard), len(shard)
	ks.w = make([]float64, len(shard))
	for i, s := range shard {
		if covered > 0 {
			ks.w[i] = shares.Share(s) / covered / float64(byShard[s])
		}
	}
	ks.hot = -1
	for i, w := range ks.w {
		if w > 0 && (ks.hot < 0 || w > ks.w[ks.hot]) {
			ks.hot = i
		}
	}
	if ks.hot >= 0 {
		src := ks.start
		for range ks.hot {
			src.Uint64()
		}
		ks.hotName = string(keyName(nil, keyPrefix, src.Uint64()))
	}
	return ks
}
