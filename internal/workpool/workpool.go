// Package workpool runs independent jobs on a fixed number of goroutines and
// hands their results back in the order of the jobs, whatever order they
// finish in, so that output made from them is the same with one worker or
// many. It is the one pool that commands which run many simulations share.
// It imports the standard library only.
package workpool

import (
	"context"
	"runtime"
	"sync"
)

// Workers is n, or every core when n < 1.
func Workers(n int) int {
	if n < 1 {
		return runtime.GOMAXPROCS(0)
	}
	return n
}

// Run calls job(i) for i in [0, n) on Workers(workers) goroutines and done(i,
// result) in order of i, from the calling goroutine, as soon as every job
// before i has finished too. Jobs not yet started when ctx ends are skipped
// (done is not called for them) and Run returns ctx's error.
func Run[T any](ctx context.Context, n, workers int, job func(i int) T, done func(i int, r T)) error {
	w := min(Workers(workers), max(n, 1))
	type result struct {
		i int
		r T
	}
	next := make(chan int)
	results := make(chan result, w)
	var wg sync.WaitGroup
	for range w {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results <- result{i, job(i)}
			}
		}()
	}
	go func() {
		defer close(next)
		for i := range n {
			select {
			case next <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() { wg.Wait(); close(results) }()
	held := map[int]T{}
	want := 0
	for res := range results {
		held[res.i] = res.r
		for {
			r, ok := held[want]
			if !ok {
				break
			}
			delete(held, want)
			done(want, r)
			want++
		}
	}
	if want < n {
		return ctx.Err()
	}
	return nil
}

// Map is Run collecting the results in a slice.
func Map[T any](ctx context.Context, n, workers int, job func(i int) T) ([]T, error) {
	out := make([]T, 0, n)
	err := Run(ctx, n, workers, job, func(_ int, r T) { out = append(out, r) })
	return out, err
}
