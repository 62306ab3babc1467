package cmd

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	simbackend "github.com/streamsim/streamsim/backends/sim"
	"github.com/streamsim/streamsim/internal/textsafe"
	"github.com/streamsim/streamsim/internal/workpool"
	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/pipeline/advice"
)

type sizeFlags struct {
	vary    []string
	targets []string
	yes     bool
	workers int
}

func newSizeCmd() *cobra.Command {
	f := &sizeFlags{}
	c := &cobra.Command{
		Use:   "size SCENARIO [--vary node.key] [--target EXPR]...",
		Short: "Find the smallest capacity for which the targets hold, by simulation",
		Long: `Find the smallest value of an integer capacity key for which every target
holds, by simulating the scenario.

--vary node.key names the key (repeatable: several keys are searched together).
By default each storage node's capacity key is varied: shards of a provisioned
Kinesis stream, brokers of MSK, partitions of MSK Serverless, streams of
Kinesis Video Streams. --target EXPR is an expect line (repeatable); by default
the scenario's expect lines are the targets.

The search doubles the keys from the bottom of their catalog range until the
targets hold, then bisects each key down with the others fixed. Every value
is simulated once. It stops early, and says why, when more capacity cannot
help: when one partition key alone exceeds what a shard or partition takes,
or when the targets stop improving over three doublings. The timeline's own
changes of a varied key are ignored. After the answer it checks one value
above it and says so if the targets fail there (they are not monotonic).

The search uses every core (--workers): beside the value it needs, it
simulates the values it may need next (the likelier first, guessed from how
far the targets were from holding; with three workers, the next value
whatever the outcome). A simulation that passes a bound on a running total
(throttled_records == 0, lost_records <= 10: the totals only grow) fails
for good, so it tells the search at once and the search moves on while it
finishes; when every target is such a bound, the search guesses that values
hold. Simulations running at once share the memory the process may use.
The values it reports, and its answer, are the same whatever --workers is.
On a terminal a line says which values are being simulated.

Every simulation is estimated first: one above about a minute or a gigabyte
stops the search unless --yes.

Exit codes: 0 a value was found, 1 no value works (the output says why),
2 invalid input (or a simulation above the bound without --yes), 3 a
simulation needs more memory than there is.`,
		Example: `  streamsim size seed-pipeline
  streamsim size seed-pipeline --vary clicks.shards --target "clicks.max_shard_utilization < 70%"
  streamsim size hot-partition-key --target "events.throttled_records == 0"`,
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: completeScenario,
		RunE: func(c *cobra.Command, args []string) error {
			return runSize(c, args[0], f)
		},
	}
	c.Flags().StringArrayVar(&f.vary, "vary", nil, "the integer key to search, as node.key (repeatable; default: each storage node's shards, partitions, brokers or streams)")
	c.Flags().StringArrayVar(&f.targets, "target", nil, "an expect line that must hold (repeatable; default: the scenario's expect lines)")
	c.Flags().BoolVar(&f.yes, "yes", false, "simulate values even when the estimate is above about a minute or a gigabyte")
	c.Flags().IntVar(&f.workers, "workers", 0, "simulations at once, besides those finishing after an early failure (default: every core)")
	return c
}

// sizeVar is one key the search varies.
type sizeVar struct {
	node   *pipeline.Node
	key    pipeline.Key
	ref    string // node.key
	values []int  // the values allowed, when not every integer in the range is
}

// sizeRun is one simulation of the search.
type sizeRun struct {
	metrics map[string]float64
	snap    pipeline.Snapshot
	holds   []bool // per target
}

func runSize(c *cobra.Command, arg string, f *sizeFlags) error {
	s, err := mustLoad(c, arg)
	if err != nil {
		return err
	}
	targets, err := sizeTargets(s, f.targets)
	if err != nil {
		return invalid(err)
	}
	vars, notes, err := sizeVars(s, f.vary)
	if err != nil {
		return invalid(err)
	}
	base, ignored := withoutTimelineSets(s, vars)
	w := c.OutOrStdout()

	var refs []string
	keys := make([]advice.SizeKey, len(vars))
	for i, v := range vars {
		refs = append(refs, v.ref)
		keys[i] = advice.SizeKey{Name: v.ref, Min: int(v.key.Min), Max: int(v.key.Max), Values: v.values}
	}
	fmt.Fprintf(w, "size %s: searching %s for %d %s\n", s.Name, rangesText(vars), len(targets), plural(len(targets), "target", "targets"))
	for _, t := range targets {
		fmt.Fprintln(w, "  "+t.Text)
	}
	for _, n := range notes {
		fmt.Fprintln(w, "  ("+n+")")
	}
	for _, g := range ignored {
		fmt.Fprintf(w, "  (the timeline's change of %s is ignored: the search sets it)\n", g)
	}
	fmt.Fprintln(w)

	if f.workers < 0 {
		return invalid(fmt.Errorf("--workers %d: expected 1 or more (0 = every core)", f.workers))
	}
	start := time.Now()
	guard := newRunGuard(f.yes, hintOther)
	batchMode(os.Getenv)
	budget := newMemBudget(guard.mem.bytes)
	eval := func(vals []int, call *advice.Call) (advice.Outcome, error) {
		run, err := sizeEval(base, vars, vals, targets, guard, call, budget)
		if err != nil {
			return advice.Outcome{}, err
		}
		holds := !slices.Contains(run.holds, false)
		return advice.Outcome{Holds: holds, Miss: distance(targets, run), Detail: run}, nil
	}
	stop := func(vals []int, probes []advice.Probe) string { return sizeStop(base, vars, targets, probes) }
	status := newStatusLine(c)
	res, err := advice.SmallestWith(keys, eval, stop, advice.Search{Workers: workpool.Workers(f.workers), EarlyFailures: failEarly(targets),
		Evaluating: func(vals [][]int) { status.show(evaluatingText(refs, vals)) }})
	status.clear()
	if err != nil {
		if err, ok := passExit(err); ok {
			return err
		}
		return invalid(fmt.Errorf("%s: %w", s.Name, err))
	}
	wall := time.Since(start)

	writeProbes(w, s, refs, targets, res.Probes)
	fmt.Fprintln(w)
	if res.Found {
		var parts []string
		for i, v := range vars {
			part := fmt.Sprintf("%s = %d", v.ref, res.Values[i])
			if cur := v.node.Int(v.key.Name); cur != res.Values[i] {
				part += fmt.Sprintf(" (the file has %d)", cur)
			}
			if v.key.Name == "brokers" && res.Values[i]%3 != 0 {
				part += fmt.Sprintf("; with 3 AZs, %d (brokers are a multiple of the AZ count, MSK-BROKER-COUNT)", (res.Values[i]+2)/3*3)
			}
			parts = append(parts, part)
		}
		fmt.Fprintf(w, "smallest: %s\n", strings.Join(parts, ", "))
		for _, m := range res.NotMonotonic {
			fmt.Fprintf(w, "not monotonic: %s, so the answer may not hold for every larger value\n", m)
		}
		fmt.Fprintf(w, "searched %d %s in %.2fs\n", len(res.Probes), plural(len(res.Probes), "value", "values"), wall.Seconds())
		return nil
	}
	last := res.Probes[len(res.Probes)-1]
	fmt.Fprintf(w, "no value of %s up to %s meets the targets", strings.Join(refs, ", "), valuesText(last.Values))
	if res.Stopped == "" {
		fmt.Fprint(w, " (the top of the range)")
	}
	fmt.Fprintf(w, "; searched %d %s in %.2fs\n", len(res.Probes), plural(len(res.Probes), "value", "values"), wall.Seconds())
	fmt.Fprintln(w, "why:")
	for _, why := range sizeWhy(base, vars, targets, last, res.Stopped) {
		fmt.Fprintln(w, "  - "+wrapText(why, textWidth-4, "    "))
	}
	return &exitError{code: exitFailed}
}

// sizeVars resolves --vary, or picks each storage node's capacity key, with
// the range to search.
func sizeVars(s *pipeline.Scenario, refs []string) ([]sizeVar, []string, error) {
	vars, notes, err := pickVars(s, refs)
	for i, v := range vars {
		// Some services take only some counts (MSK-BROKER-COUNT).
		if f := v.node.Service.SizeValues; f != nil {
			vars[i].values = f(v.node, v.key)
		}
	}
	return vars, notes, err
}

func pickVars(s *pipeline.Scenario, refs []string) ([]sizeVar, []string, error) {
	var out []sizeVar
	var notes []string
	if len(refs) == 0 {
		for _, n := range s.Stage(pipeline.Storage) {
			name := n.Service.Size.Key
			if name == "" {
				continue
			}
			if n.Service.IsOnDemand(n) {
				notes = append(notes, n.ID+" is on-demand: AWS sizes it, so it is not varied")
				continue
			}
			k, _ := n.Service.Key(name)
			out = append(out, sizeVar{node: n, key: k, ref: n.ID + "." + name})
		}
		if len(out) == 0 {
			return nil, nil, errors.New("nothing to vary: the scenario has no provisioned storage node; name a key with --vary node.key")
		}
		return out, notes, nil
	}
	for _, ref := range refs {
		id, name := pipeline.SplitRef(ref)
		n := s.Node(id)
		if n == nil {
			var ids []string
			for _, x := range s.Nodes {
				ids = append(ids, x.ID)
			}
			msg := fmt.Sprintf("--vary %s: no node %q", ref, id)
			if m := pipeline.Suggest(id, ids); m != "" {
				msg += fmt.Sprintf("; did you mean %q?", m)
			}
			return nil, nil, errors.New(msg)
		}
		k, ok := n.Service.Key(name)
		if !ok || k.Kind != pipeline.KindInt {
			var ints []string
			for _, x := range n.Service.Keys {
				if x.Kind == pipeline.KindInt {
					ints = append(ints, x.Name)
				}
			}
			return nil, nil, fmt.Errorf("--vary %s: %s (%s) has no integer key %q; it has %s", ref, id, n.Service.Name, name, strings.Join(ints, ", "))
		}
		if name == n.Service.Size.Key && n.Service.IsOnDemand(n) {
			return nil, nil, fmt.Errorf("--vary %s: %s is on-demand, where AWS sets the %s count; set mode: provisioned to size it", ref, id, n.Service.Size.Noun)
		}
		for _, v := range out {
			if v.ref == id+"."+name {
				return nil, nil, fmt.Errorf("--vary %s is given twice", ref)
			}
		}
		out = append(out, sizeVar{node: n, key: k, ref: id + "." + name})
	}
	return out, notes, nil
}

// sizeTargets parses --target lines, or takes the scenario's expect lines.
func sizeTargets(s *pipeline.Scenario, texts []string) ([]pipeline.Expectation, error) {
	if len(texts) == 0 {
		if len(s.Expect) == 0 {
			return nil, errors.New("no targets: the scenario has no expect lines; give --target EXPR such as \"pipeline.lost_records == 0\"")
		}
		return s.Expect, nil
	}
	var out []pipeline.Expectation
	for _, t := range texts {
		e, err := s.ParseExpect(t)
		if err != nil {
			return nil, fmt.Errorf("--target %v", err)
		}
		out = append(out, e)
	}
	return out, nil
}

// withoutTimelineSets drops the timeline's changes of the varied keys and
// names what it dropped.
func withoutTimelineSets(s *pipeline.Scenario, vars []sizeVar) (*pipeline.Scenario, []string) {
	c := s.Clone()
	var dropped []string
	var tl []pipeline.Change
	for _, ch := range c.Timeline {
		var keep []pipeline.Assignment
		for _, a := range ch.Set {
			if slices.ContainsFunc(vars, func(v sizeVar) bool { return v.node.ID == a.Node && v.key.Name == a.Key }) {
				dropped = append(dropped, fmt.Sprintf("%s.%s at %s", a.Node, a.Key, pipeline.FormatDuration(ch.At)))
				continue
			}
			keep = append(keep, a)
		}
		ch.Set = keep
		if len(ch.Set) > 0 || ch.Fail != "" {
			tl = append(tl, ch)
		}
	}
	c.Timeline = tl
	return c, dropped
}

// sizeEval simulates base with the varied keys set to vals and checks the targets.
func sizeEval(base *pipeline.Scenario, vars []sizeVar, vals []int, targets []pipeline.Expectation, guard *runGuard, call *advice.Call, budget *memBudget) (*sizeRun, error) {
	sc := base.Clone()
	for i, v := range vars {
		n := sc.Node(v.node.ID)
		if n.Params == nil {
			n.Params = map[string]pipeline.Value{}
		}
		n.Params[v.key.Name] = pipeline.Value{Kind: pipeline.KindInt, Num: float64(vals[i]), Set: true}
	}
	if ps := sc.Validate(); len(ps) > 0 {
		return nil, fmt.Errorf("%s: %s", valuesText(vals), ps[0].Msg)
	}
	rn, err := simbackend.NewRunner(sc, simbackend.RunnerOptions{NoAdvice: true})
	if err != nil {
		return nil, err
	}
	cost := rn.Estimate()
	var step func(*simbackend.Runner) error
	if call != nil {
		step = searchStep(targets, call)
		// Runs at once share the process's memory: wait for room.
		if !budget.take(cost.Bytes, call.Stopped) {
			return nil, advice.ErrStopped
		}
		defer budget.give(cost.Bytes)
	}
	if err := guard.runEstimated(fmt.Sprintf("%s at %s", sc.Name, valuesText(vals)), rn, cost, step); err != nil {
		return nil, err
	}
	out := rn.Finish() // its Last has the whole run's averages
	rn.Release()
	r := &sizeRun{metrics: out.Metrics, snap: out.Last}
	for _, t := range targets {
		v, ok := r.metrics[t.Metric]
		if !ok {
			return nil, fmt.Errorf("internal error: %v", &pipeline.MissingMetricError{Metric: t.Metric, Expr: t.Text})
		}
		r.holds = append(r.holds, t.Holds(v))
	}
	return r, nil
}

// distance is how far a run is from meeting the targets: the sum over the
// failing targets of how far the measured value is from the threshold,
// relative to the threshold.
func distance(targets []pipeline.Expectation, r *sizeRun) float64 {
	var d float64
	for i, t := range targets {
		if r.holds[i] {
			continue
		}
		v := r.metrics[t.Metric]
		scale := math.Max(1, math.Abs(t.Value))
		switch t.Op {
		case "<", "<=":
			d += math.Max(0, v-t.Value) / scale
		case ">", ">=":
			d += math.Max(0, t.Value-v) / scale
		case "==":
			d += math.Abs(v-t.Value) / scale
		default:
			d++
		}
	}
	return d
}

// sizeStop ends the doubling early when more capacity cannot help.
func sizeStop(base *pipeline.Scenario, vars []sizeVar, targets []pipeline.Expectation, probes []advice.Probe) string {
	last := probes[len(probes)-1].Detail.(*sizeRun)
	dist := func(i int) float64 { return distance(targets, probes[i].Detail.(*sizeRun)) }
	n := len(probes)
	improved := func(back int) bool {
		return n > back && dist(n-1) < dist(n-1-back)*(1-0.01)
	}
	for _, v := range vars {
		if why, over := hotKeyOver(base, last.snap, v.node); over && n >= 2 && !improved(1) {
			return why
		}
	}
	// Far below the capacity needed, three doublings cut a count-like miss
	// (throttled records) by well under 1%, though each cuts it by about
	// twice the one before, as capacity the targets need does: that is
	// progress, not a plateau.
	accelerating := func() bool {
		if n < 4 {
			return false
		}
		d1, d2, d3 := dist(n-4)-dist(n-3), dist(n-3)-dist(n-2), dist(n-2)-dist(n-1)
		return d1 > 0 && d2 >= 1.5*d1 && d3 >= 1.5*d2
	}
	if n >= 4 && !improved(3) && !accelerating() {
		return fmt.Sprintf("the targets stopped improving over the last three doublings (from %s to %s): more %s is not what they need",
			valuesText(probes[n-4].Values), valuesText(probes[n-1].Values), keyNames(vars))
	}
	return ""
}

// hotKeyOver says whether the heaviest key written to a store alone exceeds
// what one of its units takes (the service's HotKeyLimit: KDS-SHARD-WRITE
// and KDS-HOT-KEY for Kinesis, MSK-SERVERLESS-PARTITION,
// MSK-EXPRESS-PARTITION on Express), using the run's snapshot.
func hotKeyOver(s *pipeline.Scenario, snap pipeline.Snapshot, n *pipeline.Node) (string, bool) {
	ns := snap.Node(n.ID)
	if ns == nil || ns.HotKey == "" || n.Stage != pipeline.Storage || n.Service.HotKeyLimit == nil {
		return "", false
	}
	var prod *pipeline.Node
	for _, w := range s.Writers(n.ID) {
		if w.Stage == pipeline.Producer && (prod == nil || strings.HasPrefix(ns.HotKey, w.ID+"-")) {
			prod = w
		}
	}
	ps := snap.Node(prodID(prod))
	if ps == nil {
		return "", false
	}
	keyRecs := ns.HotShare * ps.InRate / float64(max(1, len(prod.To)))
	keyBytes := ns.HotShare * ps.InBytesRate
	recLimit, byteLimit := n.Service.HotKeyLimit(n)
	unit := n.Service.Parts.Noun
	switch {
	case recLimit > 0 && keyRecs > recLimit:
		return fmt.Sprintf("one key alone (%s, %s of %s's records) carries %s records/s; a %s takes %s/s whatever the count. Resharding will not help a single hot key; salting it over %d keys will",
			ns.HotKey, pctText(ns.HotShare), prod.ID, formatCount(keyRecs), unit, formatCount(recLimit), int(math.Ceil(keyRecs/(0.8*recLimit)))), true
	case byteLimit > 0 && keyBytes > byteLimit:
		return fmt.Sprintf("one key alone (%s, %s of %s's records) carries %s/s; a %s takes %s/s whatever the count. More %ss will not help a single hot key; salting it over %d keys will",
			ns.HotKey, pctText(ns.HotShare), prod.ID, pipeline.ApproxSize(keyBytes), unit, pipeline.ApproxSize(byteLimit), unit, int(math.Ceil(keyBytes/(0.8*byteLimit)))), true
	}
	return "", false
}

func prodID(n *pipeline.Node) string {
	if n == nil {
		return ""
	}
	return n.ID
}

func pctText(v float64) string { return strings.TrimSuffix(fmt.Sprintf("%.1f", v*100), ".0") + "%" }

// sizeWhy explains why no value works: the stop reason, what still fails at
// the last value tried, and the diagnosis of that run.
func sizeWhy(base *pipeline.Scenario, vars []sizeVar, targets []pipeline.Expectation, last advice.Probe, stopped string) []string {
	var out []string
	run := last.Detail.(*sizeRun)
	if stopped != "" {
		out = append(out, stopped+".")
	} else {
		for _, v := range vars {
			if why, over := hotKeyOver(base, run.snap, v.node); over {
				out = append(out, why+".")
			}
		}
	}
	var failing []string
	for i, t := range targets {
		if !run.holds[i] {
			def, _ := base.LookupMetric(t.Metric)
			failing = append(failing, fmt.Sprintf("%s (measured %s)", t.Text, pipeline.FormatMetric(def.Unit, run.metrics[t.Metric])))
		}
	}
	out = append(out, fmt.Sprintf("at %s these still fail: %s.", valuesText(last.Values), strings.Join(failing, "; ")))
	sc := base.Clone()
	for i, v := range vars {
		n := sc.Node(v.node.ID)
		if n.Params == nil {
			n.Params = map[string]pipeline.Value{}
		}
		n.Params[v.key.Name] = pipeline.Value{Kind: pipeline.KindInt, Num: float64(last.Values[i]), Set: true}
	}
	if run, err := simulate(sc, &runGuard{yes: true}); err == nil { // this value was simulated already
		for i, f := range run.Advice {
			if i == 3 {
				break
			}
			out = append(out, fmt.Sprintf("%s %s: %s", f.Severity, f.Node, f.Message))
		}
	}
	return out
}

// writeProbes lists every simulated value with the targets' measured values.
func writeProbes(w io.Writer, s *pipeline.Scenario, refs []string, targets []pipeline.Expectation, probes []advice.Probe) {
	sorted := slices.Clone(probes)
	slices.SortStableFunc(sorted, func(a, b advice.Probe) int { return slices.Compare(a.Values, b.Values) })
	t := &table{indent: "  "}
	head := append(slices.Clone(refs), "RESULT")
	for _, tg := range targets {
		head = append(head, tg.Metric)
	}
	t.add(head...)
	for _, p := range sorted {
		run := p.Detail.(*sizeRun)
		var row []string
		for _, v := range p.Values {
			row = append(row, fmt.Sprint(v))
		}
		verdict := "hold"
		if !p.Holds {
			verdict = "fail"
		}
		row = append(row, verdict)
		for i, tg := range targets {
			def, _ := s.LookupMetric(tg.Metric)
			cell := pipeline.FormatMetric(def.Unit, run.metrics[tg.Metric])
			if !run.holds[i] {
				cell += " (fails)"
			}
			row = append(row, cell)
		}
		t.add(row...)
	}
	t.write(w)
}

func rangesText(vars []sizeVar) string {
	var parts []string
	for _, v := range vars {
		p := fmt.Sprintf("%s (%s to %s)", v.ref, formatCount(v.key.Min), formatCount(v.key.Max))
		if len(v.values) > 0 {
			p = fmt.Sprintf("%s (%d to %d, multiples of 2 or 3)", v.ref, v.values[0], v.values[len(v.values)-1])
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, ", ")
}

func valuesText(v []int) string {
	parts := make([]string, len(v))
	for i, x := range v {
		parts[i] = fmt.Sprint(x)
	}
	return strings.Join(parts, "/")
}

func keyNames(vars []sizeVar) string {
	var names []string
	for _, v := range vars {
		names = append(names, v.ref)
	}
	return strings.Join(names, " and ")
}

// evaluatingText says which values a size search simulates now:
// "simulating stream.shards = 683, 853".
func evaluatingText(refs []string, vals [][]int) string {
	var parts []string
	for _, v := range vals {
		parts = append(parts, valuesText(v))
	}
	return textsafe.Line("simulating " + strings.Join(refs, ", ") + " = " + strings.Join(parts, "; "))
}
