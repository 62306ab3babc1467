package pipeline

// recorded checks a producer's recorded load: a series pattern needs its
// points in the rate's unit, and per-shard keys need shares (and as many
// hash ranges as shares, when they are given).
func (v *validator) recorded(n *Node) {
	if n.Str("pattern.shape") == "series" {
		if !n.Has("pattern.series") {
			pos, _ := v.at(n, "pattern.shape")
			v.add(pos, join(v.path(n), "pattern"), "a series pattern needs series: the recorded rate, such as {series: [1200/s, 1350/s], every: 1m}")
		} else if s := n.Params["pattern.series"]; s.List != nil && s.List.Bytes != n.Rate("rate").Bytes {
			pos, path := v.at(n, "pattern.series")
			v.add(pos, path, "the series' points and rate %s must both be records or both bytes per second", n.Params["rate"].String())
		}
	}
	if n.Str("keys.dist") != "per-shard" {
		return
	}
	shares, ok := n.Params["keys.shares"]
	if !ok || shares.List == nil {
		pos, _ := v.at(n, "keys.dist")
		v.add(pos, join(v.path(n), "keys"), "per-shard keys need shares: each shard's share of the records, such as {dist: per-shard, shares: [50%%, 30%%, 20%%]}")
		return
	}
	if r, ok := n.Params["keys.hash_ranges"]; ok && r.List != nil && r.List.Len() != shares.List.Len() {
		pos, path := v.at(n, "keys.hash_ranges")
		v.add(pos, path, "%d hash ranges for %d shares: give the range of each share's shard", r.List.Len(), shares.List.Len())
	}
}

// hashRanges checks, in a file, that a stream with explicit hash-key ranges
// is provisioned and has one range per shard (the loader checked that they
// are contiguous and cover the space). A scenario changed after loading
// (--set, size, sweep, the TUI) may give the stream another shard count or
// make it on-demand: its shards then split the space evenly, as
// UpdateShardCount makes them, and Encode leaves the ranges out.
func (v *validator) hashRanges(n *Node) {
	r, ok := n.Params["hash_ranges"]
	if !ok || r.List == nil || !v.o.loaded {
		return
	}
	pos, path := v.at(n, "hash_ranges")
	if n.Str("mode") != "provisioned" {
		v.add(pos, path, "hash_ranges apply to a provisioned stream; %s is %s (it splits its shards itself)", n.ID, n.Str("mode"))
		return
	}
	if got, want := r.List.Len(), n.Int("shards"); got != want {
		v.add(pos, path, "%d hash ranges for %d shards: give one range per shard, or leave hash_ranges out to split the shards evenly", got, want)
	}
}

// HashRangesApply reports whether a stream's hash_ranges are in force: it
// is provisioned and has one range per shard.
func HashRangesApply(n *Node) bool {
	r, ok := n.Params["hash_ranges"]
	return ok && r.List != nil && n.Str("mode") == "provisioned" && r.List.Len() == n.Int("shards")
}
