package sim

import (
	"math"
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
