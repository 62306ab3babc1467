package aws

import (
	"math"
	"sort"
	"testing"

	"github.com/streamsim/streamsim/pipeline"
)

// TestPerShardKeysGiveTheShares: the keys a per-shard producer draws land on
// the shards of its hash ranges in its shares.
func TestPerShardKeysGiveTheShares(t *testing.T) {
	s, err := pipeline.Load("k.yaml", []byte(`version: 1
name: k
producers:
  - id: p
    rate: 100/s
    keys:
      count: 300
      shares: [5%, 60%, 35%]
    to: [k]
storage:
  - id: k
    service: kinesis-data-streams
    shards: 3
`))
	if err != nil {
		t.Fatal(err)
	}
	n := s.Node("p")
	g := newKeyGen(n, 7)
	ranges := pipeline.EvenHashRanges(3)
	got := make([]float64, 3)
	const draws = 200_000
	for range draws {
		h := pipeline.HashKeyOf(md5Sum(g.next()))
		got[sort.Search(3, func(i int) bool { return h.Less(ranges[i].Start) })-1]++
	}
	for i, want := range []float64{0.05, 0.60, 0.35} {
		if math.Abs(got[i]/draws-want) > 0.01 {
			t.Errorf("shard %d got %.4f of the records, want %.2f", i, got[i]/draws, want)
		}
	}
}

// TestSeriesFactorOnAWS: the real-time producer plays a series as the
// simulator does.
func TestSeriesFactorOnAWS(t *testing.T) {
	s, err := pipeline.Load("k.yaml", []byte(`version: 1
name: k
producers:
  - id: p
    rate: 200/s
    pattern: {series: [100/s, 300/s], every: 5s}
    to: [k]
storage:
  - id: k
    service: kinesis-data-streams
`))
	if err != nil {
		t.Fatal(err)
	}
	p := newProducerRun(s.Node("p"), 1, "run", nil)
	for _, c := range []struct{ t, want float64 }{{1, 0.5}, {6, 1.5}, {11, 0.5}} {
		if got := p.factor(c.t); got != c.want {
			t.Errorf("factor(%v) = %v, want %v", c.t, got, c.want)
		}
	}
}
