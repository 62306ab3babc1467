package sim

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"sync"
	"testing"

	"github.com/streamsim/streamsim/pipeline"
)

// refKinesisWeights is kinesisWeights as it was before the MD5 sums were
// kept: every name hashed, the shard found by sort.Search.
func refKinesisWeights(ks keySpace, starts []u128) (share, hot []float64) {
	share, hot = make([]float64, len(starts)), make([]float64, len(starts))
	ks.each(func(name []byte, w float64) {
		h := md5Key(name)
		s := sort.Search(len(starts), func(i int) bool { return h.less(starts[i]) }) - 1
		share[s] += w
		hot[s] = max(hot[s], w)
	})
	if ks.even > 0 {
		for s := range share {
			share[s] += ks.even * rangeFraction(starts, s)
		}
	}
	return share, hot
}

// unevenStarts is n shards with random hash ranges, as splits and merges leave them.
func unevenStarts(r *rand.Rand, n int) []u128 {
	starts := []u128{{}}
	for len(starts) < n {
		starts = append(starts, u128{r.Uint64(), r.Uint64()})
	}
	slices.SortFunc(starts, func(a, b u128) int {
		switch {
		case a.less(b):
			return -1
		case b.less(a):
			return 1
		}
		return 0
	})
	return slices.CompactFunc(starts, func(a, b u128) bool { return a == b })
}

// TestKinesisWeightsKeepHashes: kept MD5 sums spread keys over shards
// exactly as hashing each name does, for key spaces above and below the
// size that is kept, even and uneven shard ranges, first use and reuse,
// after other key spaces pushed them out, and from simulations at once.
func TestKinesisWeightsKeepHashes(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var spaces []keySpace
	for i, count := range []int{50, hashMemoMin - 1, hashMemoMin, 25_000, 150_000, 12_000, 40_000} {
		keys := fmt.Sprintf("{dist: uniform, count: %d}", count)
		if i%2 == 1 {
			keys = fmt.Sprintf("{dist: zipf, count: %d, skew: 1.1}", count)
		}
		src := "version: 1\nname: k\nduration: 1m\nproducers:\n  - id: p\n    rate: 10/s\n    keys: " + keys +
			"\n    to: [s]\nstorage:\n  - id: s\n    service: kinesis-data-streams\n    shards: 1\n"
		sc, err := pipeline.Load("k.yaml", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		spaces = append(spaces, newKeySpace(sc.Node("p"), newRNG(int64(i+1))))
	}
	layouts := [][]u128{evenStarts(1), evenStarts(7), evenStarts(1000), unevenStarts(r, 300)}
	check := func(ks keySpace, starts []u128) error {
		ws, wh := kinesisWeights(ks, starts)
		rs, rh := refKinesisWeights(ks, starts)
		for s := range rs {
			if ws[s] != rs[s] || wh[s] != rh[s] {
				return fmt.Errorf("%d keys, %d shards: shard %d has %v/%v, hashing each name gives %v/%v", ks.k, len(starts), s, ws[s], wh[s], rs[s], rh[s])
			}
		}
		return nil
	}
	for round := range 2 { // the second round finds some sums kept and some pushed out
		for _, ks := range spaces {
			for _, starts := range layouts {
				if err := check(ks, starts); err != nil {
					t.Fatalf("round %d: %v", round, err)
				}
			}
		}
	}
	if len(hashMemo.kept) > hashMemoKeep {
		t.Errorf("%d key spaces kept, want at most %d", len(hashMemo.kept), hashMemoKeep)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := range 16 {
		wg.Go(func() {
			if err := check(spaces[3+i%4], layouts[i%len(layouts)]); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for i := range hashMemo.kept {
		for j := range i {
			if hashMemo.kept[j].same(&keySpace{start: hashMemo.kept[i].start, prefix: hashMemo.kept[i].prefix, k: hashMemo.kept[i].k}) {
				t.Errorf("the sums of %d keys are kept twice", hashMemo.kept[i].k)
			}
		}
	}
}

// TestShardOfBoundaries: a hash on a shard's starting key belongs to that
// shard, one below it to the shard before, and any other hash to the shard
// a search of the starts finds, whether they split the space evenly (where
// shardOf guesses) or not (where its guess is wrong).
func TestShardOfBoundaries(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	layouts := [][]u128{unevenStarts(r, 77), unevenStarts(r, 2), unevenStarts(r, 1500)}
	for _, n := range []int{1, 2, 3, 7, 64, 1000, 1217, 1218, 4096, 10_000, 100_003} {
		layouts = append(layouts, evenStarts(n))
	}
	for _, starts := range layouts {
		var hs []u128
		for _, s := range starts {
			hs = append(hs, s, u128{s.hi, s.lo + 1}, u128{s.hi - 1, s.lo}, u128{s.hi, s.lo - 1})
		}
		for range 1000 {
			hs = append(hs, u128{r.Uint64(), r.Uint64()})
		}
		hs = append(hs, u128{}, u128{^uint64(0), ^uint64(0)})
		for _, h := range hs {
			want := sort.Search(len(starts), func(i int) bool { return h.less(starts[i]) }) - 1
			if want < 0 {
				continue // below the first start (0): not a hash key
			}
			if got := shardOf(starts, h); got != want {
				t.Errorf("%d shards, hash %x%016x: shard %d, want %d", len(starts), h.hi, h.lo, got, want)
			}
		}
	}
}

// BenchmarkKinesisWeights spreads 100,000 keys (their sums kept, as from the
// second simulation of a size search on) over 1,218 even shards: each
// simulation of a search near 1,000 shards does this once.
func BenchmarkKinesisWeights(b *testing.B) {
	src := "version: 1\nname: k\nduration: 1m\nproducers:\n  - id: p\n    rate: 10/s\n    keys: {dist: uniform, count: 100000}" +
		"\n    to: [s]\nstorage:\n  - id: s\n    service: kinesis-data-streams\n    shards: 1\n"
	sc, err := pipeline.Load("k.yaml", []byte(src))
	if err != nil {
		b.Fatal(err)
	}
	ks := newKeySpace(sc.Node("p"), newRNG(1))
	starts := evenStarts(1218)
	kinesisWeights(ks, starts)
	for b.Loop() {
		kinesisWeights(ks, starts)
	}
}
