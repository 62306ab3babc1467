package sim

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/streamsim/streamsim/pipeline"
)

// TestBoundedQueueKeepsPercentiles: a queue that may keep only 32 cohorts
// takes 300 one-second cohorts (a Firehose buffer open for five minutes) and
// loses no records, bytes or birth-weighted time, and the latency
// percentiles of its records delivered at once stay within 1% of the truth.
func TestBoundedQueueKeepsPercentiles(t *testing.T) {
	limit, spread := queueLimit(100_000)
	if limit != minPerQueue || !spread {
		t.Fatalf("queueLimit(100,000) = %d, %v; want %d, true", limit, spread, minPerQueue)
	}
	bounded := fifo{limit: 32, spread: true}
	exact := fifo{}
	var bornN float64
	for i := range 300 {
		c := cohort{at: float64(i), born: float64(i), n: 1 + float64(i%7), b: 100}
		bornN += c.born * c.n
		bounded.push(c)
		exact.push(c)
	}
	if bounded.size > 32 || exact.size != 300 {
		t.Fatalf("sizes %d and %d", bounded.size, exact.size)
	}
	got, want := &Engine{lat: pipeline.NewHistogram()}, &Engine{lat: pipeline.NewHistogram()}
	var n, b, gotBornN float64
	bounded.drain(func(c cohort) {
		n += c.n
		b += c.b
		gotBornN += c.born * c.n
		got.deliver(c, 300)
	})
	exact.drain(func(c cohort) { want.deliver(c, 300) })
	if math.Abs(n-want.deliv) > 1e-9 || math.Abs(b-30000) > 1e-6 || math.Abs(gotBornN-bornN) > 1e-6*bornN {
		t.Errorf("bounded queue: %v records, %v bytes, Σ born·n %v; want %v, 30000, %v", n, b, gotBornN, want.deliv, bornN)
	}
	for _, q := range []float64{0.5, 0.9, 0.99} {
		g, w := got.lat.Quantile(q), want.lat.Quantile(q)
		if math.Abs(g-w) > 0.01*w {
			t.Errorf("p%v: %.2f s, exact %.2f s", q*100, g, w)
		}
	}
	if got.lat.Max() != want.lat.Max() {
		t.Errorf("max %.2f s, exact %.2f s", got.lat.Max(), want.lat.Max())
	}
}

// TestSmallQueuesStayExact: with a few shards nothing spreads, so results are
// what they were before queues were bounded this way.
func TestSmallQueuesStayExact(t *testing.T) {
	for _, n := range []int{1, 4, 24, 1000, 4096} {
		if limit, spread := queueLimit(n); spread || limit < 64 {
			t.Errorf("queueLimit(%d) = %d, %v: a small pipeline's queues should not spread", n, limit, spread)
		}
	}
}

// TestTakeWholeIsNextEntry: a take that takes the whole front entries
// into a gather (takeWhole) before each nextEntry, as a Firehose flush does,
// gathers the same cohorts and leaves the queue and the take in the same
// state, bit for bit, as nextEntry alone with addEntry for each piece: over
// whole and partial entries, dust below 1e-12, entries without bytes, byte
// limits that bind, miss or fall on the 1e-12 margin, no byte limit, takes
// that empty the queue, arrivals before and after the object's, and a
// gather that already holds cohorts (some with a fold or a range of
// births). A drain (all) gathers every entry, dust too, and empties the queue.
func TestTakeWholeIsNextEntry(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	pick := func(xs ...float64) float64 { return xs[r.IntN(len(xs))] }
	for trial := range 20_000 {
		var a fifo
		for i := range 1 + r.IntN(12) {
			n := pick(1e-13, 0.5, 1, 3, 1000*r.Float64(), 1e6)
			b := pick(0, n*100, n*1000, n*r.Float64()*2000)
			// Births a trace off the grid are the same time to the gather,
			// and widen a range of births that ends at the grid's.
			born := float64(i) - pick(0, 5e-10)
			a.pushEntry(entry{at: float64(i) + r.Float64(), born: born, n: n, b: b})
		}
		bq := a
		bq.buf = append([]entry(nil), a.buf...)
		var ga, gb gather
		now := 12.0
		ga.reset(now, pick(1, 0.5))
		gb.reset(now, ga.dt)
		for range r.IntN(4) {
			c := cohort{at: pick(5.5, 20), born: float64(r.IntN(12)), n: 7, b: 7000}
			switch r.IntN(3) {
			case 0:
				c.fold = 0.25
			case 1:
				c.lo, c.hi = c.born-pick(0, 1), c.born+1
			}
			ga.add(c)
			gb.add(c)
		}
		at, obj := pick(0, 5.5, 20), pick(0, 1)
		if r.IntN(8) == 0 { // a drain
			objA := obj
			for i := range a.size {
				e := a.buf[a.slot(i)]
				ga.addEntry(later(e.at, at), e.born, e.n, e.b, objA)
				objA = 0
			}
			var tb taking
			gb.takeWhole(&bq, &tb, true, at, obj)
			if !slices.Equal(ga.cs, gb.cs) || bq.size != 0 || bq.n != 0 || bq.b != 0 {
				t.Fatalf("trial %d: a drain gathered %v and left n %v b %v size %d; want %v and nothing left",
					trial, gb.cs, bq.n, bq.b, bq.size, ga.cs)
			}
			continue
		}
		front := a.buf[a.head]
		limit := pick(-1, front.b, front.b*(1+1e-12), front.b*(1+2e-12), front.b*(1-1e-12), 2.5*front.b, 1e9*r.Float64())
		ta := a.taker(pick(front.n, 2*front.n, 1e-13, 1e9, 10*r.Float64()), limit)
		tb := ta // the same take twice
		objA := obj
		for {
			e, _, ok := a.nextEntry(&ta)
			if !ok {
				break
			}
			ga.addEntry(later(e.at, at), e.born, e.n, e.b, objA)
			objA = 0
		}
		for {
			obj = gb.takeWhole(&bq, &tb, false, at, obj)
			e, _, ok := bq.nextEntry(&tb)
			if !ok {
				break
			}
			gb.addEntry(later(e.at, at), e.born, e.n, e.b, obj)
			obj = 0
		}
		if !slices.Equal(ga.cs, gb.cs) || ta != tb || a.n != bq.n || a.b != bq.b || a.size != bq.size ||
			a.head != bq.head || a.frontAt != bq.frontAt || !slices.Equal(a.buf, bq.buf) {
			t.Fatalf("trial %d: takeWhole then nextEntry gathered %v (take %+v, queue n %v b %v size %d), nextEntry alone %v (take %+v, queue n %v b %v size %d)",
				trial, gb.cs, tb, bq.n, bq.b, bq.size, ga.cs, ta, a.n, a.b, a.size)
		}
	}
}

// TestDoneTakesNothing: when nextEntry says a take is done, another call
// takes nothing and changes nothing, over entries of many sizes and byte
// weights, takes bounded by records or bytes (limits that bind inside an
// entry, fall on its edge or sit within roundings of it) and partial
// fronts. Most takes that end inside an entry must be told done, or the
// flag spares no call.
func TestDoneTakesNothing(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	pick := func(xs ...float64) float64 { return xs[r.IntN(len(xs))] }
	var partial, done int
	for trial := range 50_000 {
		var q fifo
		for i := range 1 + r.IntN(6) {
			n := pick(1e-13, 2e-12, 0.5, 3, 1000*r.Float64(), 1e6, 1e12*r.Float64())
			per := pick(0, 1e-9, 1, 100, 1000*r.Float64(), 1e6, 1e-300)
			q.pushEntry(entry{at: float64(i), born: float64(i), n: n, b: n * per})
		}
		front := q.buf[q.head]
		bytes := pick(-1, front.b*r.Float64(), front.b, front.b*(1+1e-12), 2.5*front.b,
			front.b*0.5+1e-9, math.Nextafter(front.b*0.3, 0), 3e6*r.Float64())
		tk := q.taker(pick(front.n*r.Float64(), front.n, 1e9, 10*r.Float64(), 1e-12*(1+r.Float64())), bytes)
		for {
			e, _, ok := q.nextEntry(&tk)
			if !ok {
				break
			}
			if q.size > 0 && q.buf[q.head].born == e.born && e.n > 0 {
				partial++
			}
			if !tk.done {
				continue
			}
			done++
			q2, t2 := q, tk
			q2.buf = slices.Clone(q.buf)
			if e, _, ok := q2.nextEntry(&t2); ok || t2 != tk || q2.n != q.n || q2.b != q.b ||
				q2.size != q.size || q2.head != q.head || !slices.Equal(q2.buf, q.buf) {
				t.Fatalf("trial %d: done, but the next nextEntry took %+v (ok %v), take %+v → %+v",
					trial, e, ok, tk, t2)
			}
			break
		}
	}
	if done < partial*3/4 {
		t.Errorf("done told after %d of %d takes that ended inside an entry", done, partial)
	}
}
