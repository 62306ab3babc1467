package workpool

import (
	"context"
	"math/rand/v2"
	"slices"
	"sync/atomic"
	"testing"
	"time"
)

// Results come back in job order whatever the workers and finishing order.
func TestOrder(t *testing.T) {
	for _, workers := range []int{1, 2, 3, 8, 0} {
		var running, most atomic.Int64
		got, err := Map(context.Background(), 50, workers, func(i int) int {
			n := running.Add(1)
			for {
				m := most.Load()
				if n <= m || most.CompareAndSwap(m, n) {
					break
				}
			}
			time.Sleep(time.Duration(rand.IntN(300)) * time.Microsecond)
			running.Add(-1)
			return i * i
		})
		if err != nil {
			t.Fatal(err)
		}
		want := make([]int, 50)
		for i := range want {
			want[i] = i * i
		}
		if !slices.Equal(got, want) {
			t.Errorf("%d workers: %v", workers, got)
		}
		if most.Load() > int64(Workers(workers)) {
			t.Errorf("%d workers: %d jobs ran at once", workers, most.Load())
		}
	}
}

// A cancelled context stops handing out jobs; what finished is delivered in order.
func TestCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var seen []int
	err := Run(ctx, 1000, 2, func(i int) int {
		if i == 10 {
			cancel()
		}
		return i
	}, func(i, r int) { seen = append(seen, r) })
	if err == nil || len(seen) >= 1000 {
		t.Fatalf("err %v after %d results", err, len(seen))
	}
	for i, r := range seen {
		if r != i {
			t.Fatalf("result %d is %d", i, r)
		}
	}
}

func TestNoJobs(t *testing.T) {
	got, err := Map(context.Background(), 0, 4, func(int) int { return 1 })
	if err != nil || len(got) != 0 {
		t.Fatalf("%v %v", got, err)
	}
}
