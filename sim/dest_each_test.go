package sim

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/streamsim/streamsim/pipeline"
)

// TestAcceptEachIsAccept holds dest.acceptEach (accept, land and deliver
// written out for a batch of cohorts) to accept called for each cohort as
// flush calls it, over destinations that leave writes to their budget (S3
// with one prefix, DynamoDB's write units) or take them their own way
// (OpenSearch, Redshift), working or failed, × cohorts with objects,
// folds, ranges of births, no records, and arrivals that commit at
// different checkpoints. Both must leave the destination, the latency
// histogram and the sums the same to the bit, and stop at the same cohort.
func TestAcceptEachIsAccept(t *testing.T) {
	dests := []string{
		"{id: d, service: s3, prefixes: 1}",
		"{id: d, service: dynamodb, mode: provisioned, wcu: 300}",
		"{id: d, service: dynamodb, mode: on-demand}",
		"{id: d, service: opensearch, instances: 1, instance_type: t3.medium.search}",
		"{id: d, service: redshift, nodes: 1}",
	}
	r := rand.New(rand.NewPCG(5, 6))
	pick := func(xs ...float64) float64 { return xs[r.IntN(len(xs))] }
	var partial, refused, commits int
	for trial := range 3000 {
		de := dests[trial%len(dests)]
		failed := trial%7 == 3
		a, b := acceptEngine(t, de, failed), acceptEngine(t, de, failed)
		cs := make([]cohort, 1+r.IntN(40))
		now := a.nowSec()
		for i := range cs {
			n := pick(0, 1, 50, 400*r.Float64(), 5000)
			c := cohort{at: now + pick(0, 0.2, 1.5, 7.3), born: now - pick(0, 3, 100*r.Float64()), n: n, b: n * pick(100, 1000, 5000)}
			c.obj = pick(0, 0, 0, 1, 400)
			c.fold = pick(0, 0, 0.1)
			if r.IntN(5) == 0 {
				c.lo, c.hi = c.born-10, c.born+0.5
			}
			cs[i] = c
		}
		var commit func(float64) float64
		if trial%2 == 0 {
			every := pick(1, 3, 60)
			commit = func(t float64) float64 { return math.Ceil(t/every) * every }
		}
		da, db := a.byID["d"].(*dest), b.byID["d"].(*dest)
		var outA, outBA, outB, outBB float64
		ia, oka := da.acceptEach(a, cs, commit, &outA, &outBA)
		ib, okb := db.acceptEachCall(b, cs, commit, &outB, &outBB)
		if ia < len(cs) {
			if oka > 0 {
				partial++
			} else {
				refused++
			}
		}
		if commit != nil {
			commits++
		}
		if ia != ib || !same(oka, okb) || !same(outA, outB) || !same(outBA, outBB) ||
			!reflect.DeepEqual(da.nodeStats, db.nodeStats) || !reflect.DeepEqual(acceptFigures(da), acceptFigures(db)) ||
			!reflect.DeepEqual(a.lat, b.lat) || a.deliv != b.deliv || a.tickDeliv != b.tickDeliv {
			t.Fatalf("trial %d (%s, failed %v): acceptEach stopped at %d (took %v), accept at %d (took %v)\n%+v\n%+v",
				trial, de, failed, ia, oka, ib, okb, acceptFigures(da), acceptFigures(db))
		}
	}
	if partial == 0 || refused == 0 || commits == 0 {
		t.Fatalf("cases not reached: %d partly taken, %d refused, %d with commits", partial, refused, commits)
	}
}

// same is == that holds NaN equal to NaN.
func same(x, y float64) bool { return x == y || (x != x && y != y) }

// acceptFigures are a destination's figures that accept changes.
func acceptFigures(d *dest) string {
	return fmt.Sprint(d.budN, d.budB, d.budO, d.limN, d.limB, d.limO, d.objects, d.rows, d.used, d.copyFree, d.budTick)
}

// acceptEngine is an engine one tick into a run that writes to the
// destination de, failed or not, before its writes of the tick.
func acceptEngine(t *testing.T, de string, failed bool) *Engine {
	t.Helper()
	src := fmt.Sprintf(`version: 1
name: accept-each
duration: 1m
producers:
  - {id: p, rate: 10/s, record_size: 1KiB, to: [s]}
storage:
  - {id: s, service: kinesis-data-streams, shards: 1}
consumers:
  - {id: c, service: app, from: s, instances: 1, to: [d]}
destinations:
  - %s
`, de)
	sc, err := pipeline.Load("accept.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	e, err := New(sc)
	if err != nil {
		t.Fatal(err)
	}
	e.Step()
	if failed {
		e.byID["d"].stats().failedFrom, e.byID["d"].stats().failedUntil = 0, math.Inf(1)
	}
	return e
}

// TestMax0IsBuiltinMax holds max0 to the builtin max(0, x), to the bit,
// over the values where the two could part: NaN, both zeros, infinities,
// the smallest numbers either side of zero.
func TestMax0IsBuiltinMax(t *testing.T) {
	xs := []float64{math.NaN(), 0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1),
		5e-324, -5e-324, 1, -1, math.MaxFloat64, -math.MaxFloat64, 1e-300}
	for _, x := range xs {
		if got, want := max0(x), max(0, x); math.Float64bits(got) != math.Float64bits(want) && !(got != got && want != want) {
			t.Errorf("max0(%v) = %v, builtin max(0, x) = %v", x, got, want)
		}
	}
}
