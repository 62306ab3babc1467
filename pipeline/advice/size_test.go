package advice

import (
	"errors"
	"fmt"
	"strings"
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
