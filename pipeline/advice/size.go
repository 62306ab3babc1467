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
	Holds bool
	// Miss is how far from holding the targets are (0 when they hold), in
	// any unit that grows the further they are: the search uses it to guess
	// which values it will need next.
	Miss   float64
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

// Search tunes Smallest beyond the sequential search.
type Search struct {
	// Workers evaluates up to this many sets of values at once (eval must
	// then be safe for concurrent use): the set the search needs, and the
	// sets it may need next, over both outcomes of what it has not seen
	// yet, the outcome guessed from the misses it has (Outcome.Miss) first.
	// An evaluation that tells its outcome early (Call.Decided) lets the
	// search go on while it finishes; one no longer needed is stopped
	// (Call.Stopped). The probes reported, and so the answer, are the
	// one-worker search's whatever the workers: a set evaluated and not
	// needed only costs its evaluation. 0 or 1: one at a time.
	Workers int
	// EarlyFailures says that evaluations tell every failure early: then
	// the search guesses that a value holds (what it could not learn before
	// the evaluation ends), and a failure, learnt soon, costs little. It
	// starts a guess only once the value needed is likely to hold
	// (Call.Likely): most values fail in the first checks, and a guess made
	// for them would be wasted.
	EarlyFailures bool
	// Evaluating, when set, is told which values are evaluated now, before
	// they are (for a progress line).
	Evaluating func(values [][]int)
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
	return SmallestWith(keys, func(v []int, _ *Call) (Outcome, error) { return eval(v) }, stop, Search{})
}

// SmallestWith is Smallest with the evaluations spread over workers (Search).
// eval gets a Call when several run at once (nil with one worker).
func SmallestWith(keys []SizeKey, eval func([]int, *Call) (Outcome, error), stop func(v []int, probes []Probe) string, o Search) (SizeResult, error) {
	sp := newSpace(keys)
	if o.Workers > 1 {
		return sp.parallel(eval, stop, o)
	}
	known := map[string]evaluated{}
	for {
		res, need := sp.plan(known, stop)
		if need == nil {
			return res, nil
		}
		k := fmt.Sprint(need)
		if e, ok := known[k]; ok {
			return res, e.err
		}
		if o.Evaluating != nil {
			o.Evaluating([][]int{sp.value(need)})
		}
		oc, err := eval(sp.value(need), nil)
		known[k] = evaluated{need, oc, err}
	}
}

// evaluated is an evaluation made (or, while speculating, guessed).
type evaluated struct {
	pos []int
	o   Outcome
	err error
}

// space is the positions the search moves in: per key, an integer in its
// range, or an index into its Values.
type space struct {
	keys   []SizeKey
	lo, hi []int
}

func newSpace(keys []SizeKey) *space {
	sp := &space{keys: keys, lo: make([]int, len(keys)), hi: make([]int, len(keys))}
	for i, k := range keys {
		sp.lo[i], sp.hi[i] = k.Min, k.Max
		if len(k.Values) > 0 {
			sp.lo[i], sp.hi[i] = 0, len(k.Values)-1
		}
	}
	return sp
}

func (sp *space) value(pos []int) []int {
	out := make([]int, len(pos))
	for i, p := range pos {
		out[i] = p
		if vs := sp.keys[i].Values; len(vs) > 0 {
			out[i] = vs[p]
		}
	}
	return out
}

// speculate returns need and the positions the search may need after it,
// up to workers in all. It plays the search forward over both outcomes of
// each position not known yet, breadth first, the guessed outcome (predict,
// or that it holds when guessHolds) first: with one spare worker that is the likely next position; with three,
// the next position whatever need's outcome, so two steps of the search
// take one round.
func (sp *space) speculate(known map[string]evaluated, need []int, workers int, guessHolds bool) [][]int {
	type branch struct {
		guess map[string]evaluated
		pos   []int
	}
	batch := [][]int{need}
	seen := map[string]bool{fmt.Sprint(need): true}
	queue := []branch{{known, need}}
	for len(queue) > 0 && len(batch) < workers {
		b := queue[0]
		queue = queue[1:]
		likely := guessHolds || sp.predict(known, b.pos)
		for _, holds := range []bool{likely, !likely} {
			g := make(map[string]evaluated, len(b.guess)+1)
			for k, v := range b.guess {
				g[k] = v
			}
			g[fmt.Sprint(b.pos)] = evaluated{pos: b.pos, o: Outcome{Holds: holds}}
			_, n := sp.plan(g, nil)
			if n == nil || seen[fmt.Sprint(n)] {
				continue
			}
			if _, failed := known[fmt.Sprint(n)]; failed {
				continue
			}
			seen[fmt.Sprint(n)] = true
			batch = append(batch, n)
			queue = append(queue, branch{g, n})
			if len(batch) == workers {
				break
			}
		}
	}
	return batch
}

// predict guesses whether the targets hold at pos from what is known on
// the lines through pos along each key: they hold above a holding value and
// fail below a failing one (the search assumes as much), and between, the
// misses of the two highest failing values below pos are extrapolated to
// where they reach zero. While nothing above pos is known to hold (the
// doubling), or without two misses to go by, it guesses a failure: more
// capacity is needed.
func (sp *space) predict(known map[string]evaluated, pos []int) bool {
	type point struct {
		x    int
		miss float64
	}
	fails := make([][]point, len(pos)) // per key, the failures below pos on its line
	above := make([]bool, len(pos))    // per key, a value above pos holds
	for _, e := range known {
		i, ok := oneApart(e.pos, pos)
		if e.err != nil || !ok {
			continue
		}
		switch {
		case e.o.Holds && e.pos[i] <= pos[i]:
			return true
		case !e.o.Holds && e.pos[i] >= pos[i]:
			return false
		case e.o.Holds:
			above[i] = true
		default:
			fails[i] = append(fails[i], point{e.pos[i], e.o.Miss})
		}
	}
	for i, f := range fails {
		slices.SortFunc(f, func(a, b point) int { return b.x - a.x })
		if !above[i] || len(f) < 2 || f[0].miss <= 0 || f[1].miss <= f[0].miss {
			continue // doubling still: more capacity is needed
		}
		a, b := f[1], f[0]
		slope := (b.miss - a.miss) / float64(b.x-a.x)
		return float64(pos[i]) >= float64(b.x)-b.miss/slope
	}
	return false
}

// oneApart reports the one key in which a and b differ, if there is exactly one.
func oneApart(a, b []int) (int, bool) {
	at := -1
	for j := range a {
		if a[j] != b[j] {
			if at >= 0 {
				return 0, false
			}
			at = j
		}
	}
	return at, at >= 0
}

// plan plays the search through with the outcomes known: it returns the
// result when the search is over, or the first position it needs that is
// not known. stop is asked only about real outcomes (nil while speculating).
func (sp *space) plan(known map[string]evaluated, stop func(v []int, probes []Probe) string) (SizeResult, []int) {
	res, need, _ := sp.walk(known, stop)
	return res, need
}

// walk is plan that also returns the positions it went through, in order.
func (sp *space) walk(known map[string]evaluated, stop func(v []int, probes []Probe) string) (SizeResult, []int, [][]int) {
	var res SizeResult
	var trace []tried
	seen := map[string]bool{}
	var need []int
	// run is the outcome at pos, once per position; ok is false when it is
	// not known (need says where).
	run := func(pos []int) (holds, ok bool) {
		k := fmt.Sprint(pos)
		e, has := known[k]
		if !has || e.err != nil {
			need = slices.Clone(pos)
			return false, false
		}
		if seen[k] {
			return e.o.Holds, true
		}
		seen[k] = true
		trace = append(trace, tried{slices.Clone(pos), e.o.Holds})
		res.Probes = append(res.Probes, Probe{Values: sp.value(pos), Outcome: e.o})
		return e.o.Holds, true
	}
	keys, lo, hi := sp.keys, sp.lo, sp.hi
	v := slices.Clone(lo)
	for {
		holds, ok := run(v)
		if !ok {
			return res, need, positions(trace)
		}
		if holds {
			break
		}
		atMax := true
		for i := range keys {
			atMax = atMax && v[i] >= hi[i]
		}
		res.Values = sp.value(v)
		if atMax {
			return res, nil, positions(trace)
		}
		if stop != nil {
			if why := stop(sp.value(v), res.Probes); why != "" {
				res.Stopped = why
				return res, nil, positions(trace)
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
			holds, ok := run(w)
			if !ok {
				return res, need, positions(trace)
			}
			if holds {
				top = mid
			} else {
				bottom = mid
			}
		}
		v[i] = top
	}
	res.Found, res.Values = true, sp.value(v)
	// Monotonicity: one step above the answer, and anything tried above it.
	for i := range keys {
		if v[i]+1 <= hi[i] {
			w := slices.Clone(v)
			w[i]++
			if _, ok := run(w); !ok {
				return res, need, positions(trace)
			}
		}
	}
	for i, k := range keys {
		for _, p := range trace {
			if !p.holds && p.pos[i] > v[i] && sameExcept(p.pos, v, i) {
				res.NotMonotonic = append(res.NotMonotonic,
					fmt.Sprintf("the targets hold at %s = %d but fail at %d", k.Name, sp.value(v)[i], sp.value(p.pos)[i]))
			}
		}
	}
	return res, nil, positions(trace)
}

// tried is a position the search went through, and its outcome.
type tried struct {
	pos   []int
	holds bool
}

func positions(trace []tried) [][]int {
	out := make([][]int, len(trace))
	for i, t := range trace {
		out[i] = t.pos
	}
	return out
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
