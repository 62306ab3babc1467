package advice

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
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
				for _, w := range []int{2, 3, 4, 8} {
					var mu sync.Mutex
					calls := 0
					counted := func(v []int) (Outcome, error) {
						mu.Lock()
						calls++
						mu.Unlock()
						return eval(v)
					}
					got, err := SmallestWith(keys, counted, stop, Search{Workers: w})
					if err != nil {
						t.Fatal(err)
					}
					if fmt.Sprint(got) != fmt.Sprint(want) {
						t.Fatalf("%s, threshold %d, %d workers:\n got %v\nwant %v", name, n, w, got, want)
					}
					if calls < len(want.Probes) || calls > w*len(want.Probes) {
						t.Errorf("%s, threshold %d, %d workers: %d evaluations for %d probes", name, n, w, calls, len(want.Probes))
					}
				}
			}
		}
	}
}

// TestSmallestOnWorkersSpeculates: with two workers and misses that say
// where the threshold is, most rounds evaluate two values the search needs.
func TestSmallestOnWorkersSpeculates(t *testing.T) {
	const n = 683
	rounds := 0
	eval := func(v []int) (Outcome, error) {
		if v[0] >= n {
			return Outcome{Holds: true}, nil
		}
		return Outcome{Miss: float64(n)/float64(v[0]) - 1}, nil
	}
	res, err := SmallestWith([]SizeKey{{Name: "s.shards", Min: 1, Max: 20000}}, eval, nil,
		Search{Workers: 2, Evaluating: func([][]int) { rounds++ }})
	if err != nil || !res.Found || res.Values[0] != n {
		t.Fatalf("res %+v err %v", res, err)
	}
	if rounds > len(res.Probes)*2/3+1 {
		t.Errorf("%d rounds for %d probes: the guesses rarely hit", rounds, len(res.Probes))
	}
	t.Logf("%d probes in %d rounds of two", len(res.Probes), rounds)
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
	res, err := SmallestWith([]SizeKey{{Name: "s.shards", Min: 1, Max: 20000}}, eval, nil, Search{Workers: 4})
	if err != nil || res.Values[0] != 40 {
		t.Fatalf("res %v err %v", res.Values, err)
	}
	_, err = SmallestWith([]SizeKey{{Name: "s.shards", Min: 1, Max: 20000}}, func(v []int) (Outcome, error) {
		if v[0] > 64 {
			return Outcome{}, errors.New("too big to simulate")
		}
		return Outcome{}, nil
	}, nil, Search{Workers: 4})
	if err == nil || !strings.Contains(err.Error(), "too big") {
		t.Fatalf("err %v", err)
	}
}

// TestSmallestOnThreeWorkersTwoSteps: with three workers the search takes
// two of its steps a round whatever the outcomes, even with no misses to
// guess from.
func TestSmallestOnThreeWorkersTwoSteps(t *testing.T) {
	for _, n := range []int{3, 37, 683, 1218, 19999} {
		rounds := 0
		eval := func(v []int) (Outcome, error) { return Outcome{Holds: v[0] >= n}, nil }
		res, err := SmallestWith([]SizeKey{{Name: "s.shards", Min: 1, Max: 20000}}, eval, nil,
			Search{Workers: 3, Evaluating: func([][]int) { rounds++ }})
		if err != nil || res.Values[0] != n {
			t.Fatalf("threshold %d: %v %v", n, res.Values, err)
		}
		if rounds > (len(res.Probes)+1)/2+1 {
			t.Errorf("threshold %d: %d rounds for %d probes", n, rounds, len(res.Probes))
		}
	}
}
