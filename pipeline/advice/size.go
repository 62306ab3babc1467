package advice

import (
	"fmt"
	"slices"
)

// SizeKey is one integer capacity key that Smallest varies.
type SizeKey struct {
	Name     string // node.key, for messages
	Min, Max int    // the catalog's range
}

// Outcome is one evaluation: whether every target holds at some values, and
// whatever the caller wants to keep about it (such as the run's metrics).
type Outcome struct {
	Holds  bool
	Detail any
}

// Probe is one evaluation the search made.
type Probe struct {
	Values []int
	Outcome
}

// SizeResult is what Smallest found.
type SizeResult struct {
	Found        bool
	Values       []int    // the smallest values when Found; the last values tried otherwise
	Probes       []Probe  // every evaluation, in order; each set of values once
	Stopped      string   // why the search gave up before the keys' maximum, if it did
	NotMonotonic []string // where the targets fail above the answer
}

// Smallest searches the smallest values of keys for which eval holds.
//
// It doubles every key together from its minimum (capped at its maximum)
// until the targets hold, then shrinks each key in turn by bisection with the
// others fixed, so the answer is minimal in each key. Every set of values is
// evaluated once (results are cached). After a failing evaluation during the
// doubling, stop (if not nil) may end the search with a reason (say, when more
// capacity provably cannot help). Finally it evaluates each key one above its
// answer: a failure there means the targets are not monotonic in that key,
// and NotMonotonic says so.
func Smallest(keys []SizeKey, eval func([]int) (Outcome, error), stop func(v []int, probes []Probe) string) (SizeResult, error) {
	var res SizeResult
	cache := map[string]int{} // values → index in res.Probes
	run := func(v []int) (bool, error) {
		k := fmt.Sprint(v)
		if i, ok := cache[k]; ok {
			return res.Probes[i].Holds, nil
		}
		o, err := eval(slices.Clone(v))
		if err != nil {
			return false, err
		}
		cache[k] = len(res.Probes)
		res.Probes = append(res.Probes, Probe{Values: slices.Clone(v), Outcome: o})
		return o.Holds, nil
	}
	v := make([]int, len(keys))
	for i, k := range keys {
		v[i] = k.Min
	}
	for {
		ok, err := run(v)
		if err != nil {
			return res, err
		}
		if ok {
			break
		}
		atMax := true
		for i, k := range keys {
			atMax = atMax && v[i] >= k.Max
		}
		res.Values = slices.Clone(v)
		if atMax {
			return res, nil
		}
		if stop != nil {
			if why := stop(slices.Clone(v), res.Probes); why != "" {
				res.Stopped = why
				return res, nil
			}
		}
		for i, k := range keys {
			v[i] = min(k.Max, max(2*v[i], v[i]+1))
		}
	}
	// Shrink each key with the others fixed.
	for i, k := range keys {
		hi := v[i]
		lo := k.Min - 1 // below the range: fails by definition
		for _, p := range res.Probes {
			if !p.Holds && p.Values[i] < hi && p.Values[i] > lo && sameExcept(p.Values, v, i) {
				lo = p.Values[i]
			}
		}
		for hi-lo > 1 {
			mid := lo + (hi-lo)/2
			w := slices.Clone(v)
			w[i] = mid
			ok, err := run(w)
			if err != nil {
				return res, err
			}
			if ok {
				hi = mid
			} else {
				lo = mid
			}
		}
		v[i] = hi
	}
	res.Found, res.Values = true, slices.Clone(v)
	// Monotonicity: one above the answer, and anything tried above it.
	for i, k := range keys {
		if v[i]+1 <= k.Max {
			w := slices.Clone(v)
			w[i]++
			if _, err := run(w); err != nil {
				return res, err
			}
		}
		for _, p := range res.Probes {
			if !p.Holds && p.Values[i] > v[i] && sameExcept(p.Values, v, i) {
				res.NotMonotonic = append(res.NotMonotonic,
					fmt.Sprintf("the targets hold at %s = %d but fail at %d", k.Name, v[i], p.Values[i]))
			}
		}
	}
	return res, nil
}

// sameExcept reports whether a and b agree on every key but i.
func sameExcept(a, b []int, i int) bool {
	for j := range a {
		if j != i && a[j] != b[j] {
			return false
		}
	}
	return true
}
