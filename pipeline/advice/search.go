package advice

import (
	"errors"
	"fmt"
	"sync/atomic"
)

// Call is one evaluation a search with several workers has started. An
// evaluation that knows its outcome before it ends (a target on a running
// total is already missed) says so with Decided, and the search moves on
// while it finishes; one the search no longer needs is Stopped and should
// return ErrStopped soon. A nil Call does neither.
type Call struct {
	decide  func(holds bool)
	hint    func()
	decided bool // Decided was called (by the evaluation's goroutine only)
	hinted  bool // Likely was called (likewise)
	stopped atomic.Bool
}

// Likely tells the search that the evaluation has gone past where its
// failures usually show (with Search.EarlyFailures): the search then starts
// what it needs if the value holds, which it holds back until then. Only
// the first call counts.
func (c *Call) Likely() {
	if c == nil || c.hinted || c.decided {
		return
	}
	c.hinted = true
	c.hint()
}

// Decided tells the search the outcome before the evaluation ends; the
// final Outcome must agree. Only the first call counts.
func (c *Call) Decided(holds bool) {
	if c == nil || c.decided {
		return
	}
	c.decided = true
	c.decide(holds)
}

// Stopped reports whether the search no longer needs the evaluation.
func (c *Call) Stopped() bool { return c != nil && c.stopped.Load() }

// ErrStopped is what an evaluation returns when it ends because it was
// Stopped; the search drops it.
var ErrStopped = errors.New("evaluation stopped: the search no longer needs it")

// flight is an evaluation under way.
type flight struct {
	pos     []int
	call    *Call
	decided bool
	likely  bool // it said it will likely hold (Call.Likely)
}

// event is an evaluation's early outcome, its hint that it will likely
// hold, or its end (done).
type event struct {
	key    string
	done   bool
	likely bool
	holds  bool
	e      evaluated
}

// parallel is SmallestWith on several workers. It plays the search through
// with the final outcomes (what it reports) and, to choose what to evaluate,
// with the early ones too: the evaluations the search needs or may need
// next run, up to o.Workers undecided at once and twice that in all (an
// evaluation that has decided early still runs to its end for its Outcome,
// while the search may come to need it); the others are stopped.
func (sp *space) parallel(eval func([]int, *Call) (Outcome, error), stop func(v []int, probes []Probe) string, o Search) (SizeResult, error) {
	r := &searchRun{sp: sp, eval: eval, o: o, known: map[string]evaluated{}, early: map[string]bool{},
		flying: map[string]*flight{}, events: make(chan event)}
	for {
		res, need := sp.plan(r.known, stop)
		if need == nil || r.known[fmt.Sprint(need)].err != nil {
			r.stopAll()
			if need == nil {
				return res, nil
			}
			return res, r.known[fmt.Sprint(need)].err
		}
		view := r.view()
		_, vneed, visited := sp.walk(view, nil)
		var wanted [][]int
		if vneed != nil {
			wanted = sp.speculate(view, vneed, o.Workers, o.EarlyFailures)
		}
		r.stopUnneeded(view, visited, vneed, wanted)
		r.startWanted(wanted)
		r.receive(<-r.events)
	}
}

// searchRun is the state of a search on several workers.
type searchRun struct {
	sp     *space
	eval   func([]int, *Call) (Outcome, error)
	o      Search
	known  map[string]evaluated // final outcomes
	early  map[string]bool      // outcomes decided before their evaluation ended
	flying map[string]*flight
	order  []string // flying's keys in the order they started
	events chan event
}

func (r *searchRun) start(pos []int) {
	k := fmt.Sprint(pos)
	c := &Call{
		decide: func(holds bool) { r.events <- event{key: k, holds: holds} },
		hint:   func() { r.events <- event{key: k, likely: true} },
	}
	r.flying[k] = &flight{pos: pos, call: c}
	r.order = append(r.order, k)
	go func() {
		oc, err := r.eval(r.sp.value(pos), c)
		r.events <- event{key: k, done: true, e: evaluated{pos, oc, err}}
	}()
}

func (r *searchRun) receive(ev event) {
	f := r.flying[ev.key]
	switch {
	case ev.likely:
		f.likely = true
		return
	case !ev.done:
		r.early[ev.key], f.decided = ev.holds, true
		return
	}
	delete(r.flying, ev.key)
	r.order = without(r.order, ev.key)
	if errors.Is(ev.e.err, ErrStopped) {
		delete(r.early, ev.key) // to be evaluated again if it is needed after all
		return
	}
	r.known[ev.key] = ev.e
}

// stopAll stops every evaluation and waits for them to end.
func (r *searchRun) stopAll() {
	for _, f := range r.flying {
		f.call.stopped.Store(true)
	}
	for len(r.flying) > 0 {
		r.receive(<-r.events)
	}
}

// view is what the search knows, final outcomes and early ones.
func (r *searchRun) view() map[string]evaluated {
	v := make(map[string]evaluated, len(r.known)+len(r.early))
	for k, e := range r.known {
		v[k] = e
	}
	for k, holds := range r.early {
		if _, ok := r.known[k]; !ok {
			v[k] = evaluated{pos: r.flying[k].pos, o: Outcome{Holds: holds}}
		}
	}
	return v
}

// stopUnneeded stops the evaluations the search can no longer come to need:
// not on its way so far (visited), not wanted, and not within reachDepth
// outcomes ahead.
func (r *searchRun) stopUnneeded(view map[string]evaluated, visited [][]int, need []int, wanted [][]int) {
	keep := map[string]bool{}
	mark := func(ps [][]int) {
		for _, p := range ps {
			keep[fmt.Sprint(p)] = true
		}
	}
	mark(visited)
	mark(wanted)
	for k := range r.flying {
		if !keep[k] { // look further ahead only when it matters
			keep = r.sp.reach(view, visited, need, reachDepth)
			mark(wanted)
			break
		}
	}
	for k, f := range r.flying {
		if !keep[k] {
			f.call.stopped.Store(true)
		}
	}
}

// startWanted starts the wanted positions not known or under way, the
// first (the one needed) first, within the workers; with EarlyFailures,
// the guesses only once the one needed is likely to hold.
func (r *searchRun) startWanted(wanted [][]int) {
	undecided := 0
	for _, f := range r.flying {
		if !f.decided {
			undecided++
		}
	}
	started := false
	for i, pos := range wanted {
		k := fmt.Sprint(pos)
		if i > 0 && r.o.EarlyFailures && !promising(r.flying[fmt.Sprint(wanted[0])]) {
			break // the value needed may still fail soon, and need no guess
		}
		if _, ok := r.known[k]; ok {
			continue
		}
		if _, ok := r.flying[k]; ok {
			continue
		}
		if undecided >= r.o.Workers || len(r.flying) >= 2*r.o.Workers {
			break
		}
		r.start(pos)
		undecided++
		started = true
	}
	if started && r.o.Evaluating != nil {
		r.o.Evaluating(r.undecided())
	}
}

// undecided is the values under way that have not decided, in the order
// they started.
func (r *searchRun) undecided() [][]int {
	var vals [][]int
	for _, k := range r.order {
		if f := r.flying[k]; !f.decided && !f.call.Stopped() {
			vals = append(vals, r.sp.value(f.pos))
		}
	}
	return vals
}

// promising reports whether an evaluation under way has said it will
// likely hold, or has decided.
func promising(f *flight) bool { return f != nil && (f.likely || f.decided) }

// reachDepth is how many outcomes ahead reach looks.
const reachDepth = 4

// reach is the positions the search may go through from what it knows
// (visited, up to need), over both outcomes of the next depth positions it
// does not know: an evaluation elsewhere is not needed.
func (sp *space) reach(known map[string]evaluated, visited [][]int, need []int, depth int) map[string]bool {
	out := map[string]bool{}
	for _, p := range visited {
		out[fmt.Sprint(p)] = true
	}
	if need == nil {
		return out
	}
	out[fmt.Sprint(need)] = true
	if depth == 0 {
		return out
	}
	for _, holds := range []bool{true, false} {
		g := make(map[string]evaluated, len(known)+1)
		for k, v := range known {
			g[k] = v
		}
		g[fmt.Sprint(need)] = evaluated{pos: need, o: Outcome{Holds: holds}}
		_, n, vis := sp.walk(g, nil)
		for k := range sp.reach(g, vis, n, depth-1) {
			out[k] = true
		}
	}
	return out
}

func without(keys []string, k string) []string {
	for i, x := range keys {
		if x == k {
			return append(keys[:i], keys[i+1:]...)
		}
	}
	return keys
}
