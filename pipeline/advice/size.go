package advice

import (
	"fmt"
	"slices"
)

// SizeKey is one integer capacity key that Smallest varies.
type SizeKey struct {
	Name     string // node.key, for messages
	Min, Max int    // the catalog's range
	// Values, when set, are the only values allowed, ascending (such as
	// broker counts that are multiples of the AZ count); Min and Max are
	// then ignored.
	Values []int
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
// capacity provably cannot help). Finally it evaluates each key one step above
// its answer: a failure there means the targets are not monotonic in that
// key, and NotMonotonic says so. Keys with Values are searched over the
// positions of their values.
func Smallest(keys []SizeKey, eval func([]int) (Outcome, error), stop func(v []int, probes []Probe) string) (SizeResult, error) {
	var res SizeResult
	lo, hi := make([]int, len(keys)), make([]int, len(keys))
	for i, k := range keys {
		lo[i], hi[i] = k.Min, k.Max
		if len(k.Values) > 0 {
			lo[i], hi[i] = 0, len(k.Values)-1
		}
	}
	value := func(pos []int) []int {
		out := make([]int, len(pos))
		for i, p := range pos {
			out[i] = p
			if vs := keys[i].Values; len(vs) > 0 {
				out[i] = vs[p]
			}
		}
		return out
	}
	type tried struct {
		pos   []int
		holds bool
	}
	var trace []tried
	cache := map[string]bool{}
	run := func(pos []int) (bool, error) {
		k := fmt.Sprint(pos)
		if ok, hit := cache[k]; hit {
			return ok, nil
		}
		v := value(pos)
		o, err := eval(v)
		if err != nil {
			return false, err
		}
		cache[k] = o.Holds
		trace = append(trace, tried{slices.Clone(pos), o.Holds})
		res.Probes = append(res.Probes, Probe{Values: v, Outcome: o})
		return o.Holds, nil
	}
	v := slices.Clone(lo)
	for {
		ok, err := run(v)
		if err != nil {
			return res, err
		}
		if ok {
			break
		}
		atMax := true
		for i := range keys {
			atMax = atMax && v[i] >= hi[i]
		}
		res.Values = value(v)
		if atMax {
			return res, nil
		}
		if stop != nil {
			if why := stop(value(v), res.Probes); why != "" {
				res.Stopped = why
				return res, nil
			}
		}
		for i := range keys {
			v[i] = min(hi[i], max(2*v[i], v[i]+1))
		}
	}
	// Shrink each key with the others fixed.
	for i := range keys {
		top := v[i]
		bottom := lo[i] - 1 // below the range: fails by definition
		for _, p := range trace {
			if !p.holds && p.pos[i] < top && p.pos[i] > bottom && sameExcept(p.pos, v, i) {
				bottom = p.pos[i]
			}
		}
		for top-bottom > 1 {
			mid := bottom + (top-bottom)/2
			w := slices.Clone(v)
			w[i] = mid
			ok, err := run(w)
			if err != nil {
				return res, err
			}
			if ok {
				top = mid
			} else {
				bottom = mid
			}
		}
		v[i] = top
	}
	res.Found, res.Values = true, value(v)
	// Monotonicity: one step above the answer, and anything tried above it.
	for i, k := range keys {
		if v[i]+1 <= hi[i] {
			w := slices.Clone(v)
			w[i]++
			if _, err := run(w); err != nil {
				return res, err
			}
		}
		for _, p := range trace {
			if !p.holds && p.pos[i] > v[i] && sameExcept(p.pos, v, i) {
				res.NotMonotonic = append(res.NotMonotonic,
					fmt.Sprintf("the targets hold at %s = %d but fail at %d", k.Name, value(v)[i], value(p.pos)[i]))
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
