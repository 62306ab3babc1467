package advice

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// threshold holds from n upward and counts its evaluations.
func threshold(n int, calls *int) func([]int) (Outcome, error) {
	return func(v []int) (Outcome, error) {
		*calls++
		return Outcome{Holds: v[0] >= n}, nil
	}
}

func TestSmallestFindsThreshold(t *testing.T) {
	for _, n := range []int{1, 2, 3, 37, 1000, 19999, 20000} {
		calls := 0
		res, err := Smallest([]SizeKey{{Name: "s.shards", Min: 1, Max: 20000}}, threshold(n, &calls), nil)
		if err != nil || !res.Found || res.Values[0] != n {
			t.Errorf("threshold %d: found=%v values=%v err=%v", n, res.Found, res.Values, err)
		}
		// Doubling then bisection: about 2·log2(n) evaluations, each value once.
		if calls > 2*15+3 || calls != len(res.Probes) {
			t.Errorf("threshold %d: %d evaluations, %d probes", n, calls, len(res.Probes))
		}
		seen := map[string]bool{}
		for _, p := range res.Probes {
			k := fmt.Sprint(p.Values)
			if seen[k] {
				t.Errorf("threshold %d: %v evaluated twice", n, p.Values)
			}
			seen[k] = true
		}
		if len(res.NotMonotonic) > 0 {
			t.Errorf("threshold %d: %v", n, res.NotMonotonic)
		}
	}
}

func TestSmallestNoneWorks(t *testing.T) {
	calls := 0
	res, err := Smallest([]SizeKey{{Name: "s.shards", Min: 1, Max: 100}}, threshold(1000, &calls), nil)
	if err != nil || res.Found || res.Values[0] != 100 || res.Stopped != "" {
		t.Errorf("res = %+v, err %v", res, err)
	}
	// A stop rule ends the doubling early, with its reason.
	res, _ = Smallest([]SizeKey{{Name: "s.shards", Min: 1, Max: 20000}}, threshold(1<<30, &calls),
		func(v []int, probes []Probe) string {
			if v[0] >= 8 {
				return "one key alone exceeds a shard"
			}
			return ""
		})
	if res.Found || res.Stopped != "one key alone exceeds a shard" || res.Values[0] != 8 || len(res.Probes) != 4 {
		t.Errorf("stopped search = %+v", res)
	}
}

func TestSmallestNotMonotonic(t *testing.T) {
	// Holds only between 4 and 9: found 4 by doubling (1, 2, 4), then 5 is
	// checked and holds; but a search from 16 would fail. Make 5 fail too.
	eval := func(v []int) (Outcome, error) { return Outcome{Holds: v[0] == 4 || v[0] >= 9}, nil }
	res, _ := Smallest([]SizeKey{{Name: "s.shards", Min: 1, Max: 100}}, eval, nil)
	if !res.Found || res.Values[0] != 4 || len(res.NotMonotonic) == 0 ||
		!strings.Contains(res.NotMonotonic[0], "hold at s.shards = 4 but fail at 5") {
		t.Errorf("res = %+v", res)
	}
}

func TestSmallestSeveralKeys(t *testing.T) {
	// Holds when a ≥ 5 and b ≥ 3: doubling together reaches (8, 8), then
	// each key shrinks with the other fixed.
	eval := func(v []int) (Outcome, error) { return Outcome{Holds: v[0] >= 5 && v[1] >= 3}, nil }
	res, err := Smallest([]SizeKey{{Name: "a.shards", Min: 1, Max: 64}, {Name: "b.partitions", Min: 1, Max: 64}}, eval, nil)
	if err != nil || !res.Found || res.Values[0] != 5 || res.Values[1] != 3 {
		t.Errorf("res = %+v", res)
	}
}

func TestSmallestError(t *testing.T) {
	boom := errors.New("boom")
	_, err := Smallest([]SizeKey{{Min: 1, Max: 10}}, func([]int) (Outcome, error) { return Outcome{}, boom }, nil)
	if !errors.Is(err, boom) {
		t.Errorf("err = %v", err)
	}
}

func TestSmallestAllowedValues(t *testing.T) {
	// Brokers come in multiples of 2 or 3: 5 and 7 are never tried.
	allowed := []int{3, 4, 6, 8, 9, 10, 12, 14, 15, 16, 18}
	var tried []int
	eval := func(v []int) (Outcome, error) {
		tried = append(tried, v[0])
		return Outcome{Holds: v[0] >= 7}, nil
	}
	res, err := Smallest([]SizeKey{{Name: "t.brokers", Values: allowed}}, eval, nil)
	if err != nil || !res.Found || res.Values[0] != 8 {
		t.Fatalf("res = %+v", res)
	}
	for _, x := range tried {
		if x == 5 || x == 7 {
			t.Errorf("tried %d", x)
		}
	}
	if res.Probes[0].Values[0] != 3 {
		t.Errorf("first probe %v, want 3", res.Probes[0].Values)
	}
}

// TestSmallestOnWorkersIsTheSameSearch: with any number of workers the
// search reports the probes, in the order, of the one-worker search (the
// guesses only add evaluations), for thresholds over the range, misses
// that guide the guesses well, badly or not at all, and a stop rule.
func TestSmallestOnWorkersIsTheSameSearch(t *testing.T) {
	misses := map[string]func(v, n int) float64{
		"linear":     func(v, n int) float64 { return float64(n - v) },
		"inverse":    func(v, n int) float64 { return float64(n)/float64(v) - 1 },
		"misleading": func(v, n int) float64 { return float64(v) }, // grows with capacity
		"none":       func(int, int) float64 { return 0 },
	}
	stopAt := func(v []int, probes []Probe) string {
		if v[0] >= 4096 {
			return "stopped"
		}
		return ""
	}
	for name, miss := range misses {
		for _, n := range []int{1, 2, 3, 37, 500, 683, 1000, 19999, 20000, 1 << 20} {
			for _, stop := range []func([]int, []Probe) string{nil, stopAt} {
				eval := func(v []int) (Outcome, error) {
					if v[0] >= n {
						return Outcome{Holds: true}, nil
					}
					return Outcome{Miss: miss(v[0], n)}, nil
				}
				keys := []SizeKey{{Name: "s.shards", Min: 1, Max: 20000}}
				want, err := Smallest(keys, eval, stop)
				if err != nil {
					t.Fatal(err)
				}
				for _, w := range []int{2, 3, 4, 8, -2, -3} { // -w: w workers, failures told early
					var mu sync.Mutex
					calls := 0
					counted := func(v []int, c *Call) (Outcome, error) {
						mu.Lock()
						calls++
						mu.Unlock()
						oc, err := eval(v)
						switch {
						case !oc.Holds && (w < 0 || v[0]%3 == 0): // some tell their failure early
							c.Decided(false)
						case oc.Holds && v[0]%2 == 0:
							c.Likely()
						}
						return oc, err
					}
					got, err := SmallestWith(keys, counted, stop, Search{Workers: max(w, -w), EarlyFailures: w < 0})
					w = max(w, -w)
					if err != nil {
						t.Fatal(err)
					}
					if fmt.Sprint(got) != fmt.Sprint(want) {
						t.Fatalf("%s, threshold %d, %d workers:\n got %v\nwant %v", name, n, w, got, want)
					}
					// Each value the search needs starts at most w evaluations,
					// twice when a guess stopped for a while is needed again.
					if calls < len(want.Probes) || calls > 2*w*len(want.Probes) {
						t.Errorf("%s, threshold %d, %d workers: %d evaluations for %d probes", name, n, w, calls, len(want.Probes))
					}
				}
			}
		}
	}
}

// replay is the one-worker search's positions in order, with what the search
// knew before each.
func replay(t *testing.T, keys []SizeKey, eval func([]int) (Outcome, error)) (*space, [][]int, []map[string]evaluated) {
	t.Helper()
	sp := newSpace(keys)
	known := map[string]evaluated{}
	var needs [][]int
	var before []map[string]evaluated
	for {
		_, need := sp.plan(known, nil)
		if need == nil {
			return sp, needs, before
		}
		snap := make(map[string]evaluated, len(known))
		for k, e := range known {
			snap[k] = e
		}
		needs, before = append(needs, need), append(before, snap)
		oc, err := eval(sp.value(need))
		known[fmt.Sprint(need)] = evaluated{need, oc, err}
	}
}

// TestSmallestOnWorkersSpeculates: with two workers and misses that say
// where the threshold is, the value evaluated beside the one the search
// needs is mostly the one it needs next.
func TestSmallestOnWorkersSpeculates(t *testing.T) {
	const n = 683
	eval := func(v []int) (Outcome, error) {
		if v[0] >= n {
			return Outcome{Holds: true}, nil
		}
		return Outcome{Miss: float64(n)/float64(v[0]) - 1}, nil
	}
	sp, needs, before := replay(t, []SizeKey{{Name: "s.shards", Min: 1, Max: 20000}}, eval)
	hits := 0
	for i := 0; i+1 < len(needs); i++ {
		batch := sp.speculate(before[i], needs[i], 2, false)
		if len(batch) == 2 && fmt.Sprint(batch[1]) == fmt.Sprint(needs[i+1]) {
			hits++
		}
	}
	if hits < (len(needs)-1)*2/3 {
		t.Errorf("%d of %d guesses hit", hits, len(needs)-1)
	}
	t.Logf("%d of %d guesses hit", hits, len(needs)-1)
}

// TestSmallestOnThreeWorkersTwoSteps: with three workers the values
// evaluated together hold the search's next one whatever the outcomes, even
// with no misses to guess from.
func TestSmallestOnThreeWorkersTwoSteps(t *testing.T) {
	for _, n := range []int{3, 37, 683, 1218, 19999} {
		eval := func(v []int) (Outcome, error) { return Outcome{Holds: v[0] >= n}, nil }
		sp, needs, before := replay(t, []SizeKey{{Name: "s.shards", Min: 1, Max: 20000}}, eval)
		for i := 0; i+1 < len(needs); i++ {
			batch := sp.speculate(before[i], needs[i], 3, false)
			found := false
			for _, p := range batch {
				found = found || fmt.Sprint(p) == fmt.Sprint(needs[i+1])
			}
			if !found {
				t.Errorf("threshold %d, step %d: %v does not hold the next value %v", n, i, batch, needs[i+1])
			}
		}
	}
}

// TestSmallestMovesOnAfterEarlyFailures: an evaluation that tells its
// failure early lets the search start the next one before it ends. Here a
// failing evaluation does not end until the search has started the value
// it needs next (or gives up after a while, which fails the test).
func TestSmallestMovesOnAfterEarlyFailures(t *testing.T) {
	const n = 1218
	var mu sync.Mutex
	started := map[int]bool{}
	waited := 0
	eval := func(v []int, c *Call) (Outcome, error) {
		mu.Lock()
		started[v[0]] = true
		mu.Unlock()
		if v[0] >= n {
			return Outcome{Holds: true}, nil
		}
		c.Decided(false)
		for i := 0; i < 2000; i++ { // until a larger value starts: the search moved on
			mu.Lock()
			moved := false
			for x := range started {
				moved = moved || x > v[0]
			}
			mu.Unlock()
			if moved || c.Stopped() {
				return Outcome{}, nil
			}
			time.Sleep(time.Millisecond)
		}
		mu.Lock()
		waited++
		mu.Unlock()
		return Outcome{}, nil
	}
	want, err := Smallest([]SizeKey{{Name: "s.shards", Min: 1, Max: 20000}}, func(v []int) (Outcome, error) {
		return Outcome{Holds: v[0] >= n}, nil
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, early := range []bool{false, true} {
		got, err := SmallestWith([]SizeKey{{Name: "s.shards", Min: 1, Max: 20000}}, eval, nil, Search{Workers: 2, EarlyFailures: early})
		if err != nil || fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("got %v (%v)\nwant %v", got, err, want)
		}
	}
	if waited > 0 {
		t.Errorf("%d failing evaluations waited for the search to move on in vain", waited)
	}
}

// TestSmallestStopsWhatItDoesNotNeed: a guessed evaluation the search turns
// out not to need is stopped, and the search does not wait for it to end.
func TestSmallestStopsWhatItDoesNotNeed(t *testing.T) {
	const n = 1218
	var stopped atomic.Int32
	eval := func(v []int, c *Call) (Outcome, error) {
		if v[0] < n {
			c.Decided(false)
			return Outcome{}, nil
		}
		// A holding evaluation takes until it is stopped or a while has passed.
		for i := 0; i < 50; i++ {
			if c.Stopped() {
				stopped.Add(1)
				return Outcome{}, ErrStopped
			}
			time.Sleep(time.Millisecond)
		}
		return Outcome{Holds: true}, nil
	}
	want, _ := Smallest([]SizeKey{{Name: "s.shards", Min: 1, Max: 20000}}, func(v []int) (Outcome, error) {
		return Outcome{Holds: v[0] >= n}, nil
	}, nil)
	got, err := SmallestWith([]SizeKey{{Name: "s.shards", Min: 1, Max: 20000}}, eval, nil, Search{Workers: 2})
	if err != nil || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("got %v (%v)\nwant %v", got, err, want)
	}
	t.Logf("%d evaluations stopped", stopped.Load())
}

// TestSmallestSpeculativeErrorsWait: an evaluation that fails while only
// guessed is an error only if the search comes to need it.
func TestSmallestSpeculativeErrorsWait(t *testing.T) {
	eval := func(v []int) (Outcome, error) {
		if v[0] > 64 {
			return Outcome{}, errors.New("too big to simulate")
		}
		return Outcome{Holds: v[0] >= 40}, nil
	}
	res, err := SmallestWith([]SizeKey{{Name: "s.shards", Min: 1, Max: 20000}}, func(v []int, _ *Call) (Outcome, error) { return eval(v) }, nil, Search{Workers: 4})
	if err != nil || res.Values[0] != 40 {
		t.Fatalf("res %v err %v", res.Values, err)
	}
	_, err = SmallestWith([]SizeKey{{Name: "s.shards", Min: 1, Max: 20000}}, func(v []int, _ *Call) (Outcome, error) {
		if v[0] > 64 {
			return Outcome{}, errors.New("too big to simulate")
		}
		return Outcome{}, nil
	}, nil, Search{Workers: 4})
	if err == nil || !strings.Contains(err.Error(), "too big") {
		t.Fatalf("err %v", err)
	}
}
