package sim

import (
	"container/heap"
	"fmt"
	"math"
	"time"

	"github.com/streamsim/streamsim/pipeline"
)

// nodeStats are the running totals every node keeps, in producer records.
//
// throttled is the write attempts this node refused (a stream, a
// destination, Firehose's Direct PUT): what the pipeline's total adds up.
// writeRefused is the attempts of this node, as a writer, that its targets
// refused; they count there, so it is never added to a total.
type nodeStats struct {
	id                       string
	in, inB, out, outB, lost float64
	throttled                float64
	writeRefused             float64
	failedUntil              float64 // seconds; failure ends then (math.Inf = never)
	failedFrom               float64
}

func (s *nodeStats) failed(now float64) bool { return now >= s.failedFrom && now < s.failedUntil }

// model is one simulated node.
type model interface {
	stats() *nodeStats
	node() *pipeline.Node
	// step advances the node by one tick; upstream nodes have already stepped.
	step(e *Engine)
	// held is what the node holds at the end of the tick (buffered, unread, waiting to retry),
	// counted once per reader or target as records_out is.
	held() float64
	// reconfigure re-reads the node's settings after a timeline `set`.
	reconfigure(e *Engine)
	// metrics adds the node's own metrics (beyond the common ones) to m.
	metrics(e *Engine, m map[string]float64)
}

// Engine simulates one scenario tick by tick. It is not safe for concurrent use;
// backends run it on one goroutine and read Snapshots.
type Engine struct {
	sc        *pipeline.Scenario
	dt        float64 // seconds per tick
	tick      int64   // ticks done
	ticks     int64   // ticks in the run
	rng       *rng
	models    []model // in topological order
	fileOrder []model // in the scenario's order, as snapshots list them
	byID      map[string]model
	ix        *pipeline.Index // sc's nodes, for changes
	prods     []*producer
	lat       *pipeline.Histogram
	tickDeliv float64 // records delivered this tick, for snapshots
	nextChg   int
	events    []Event
	produced  float64
	deliv     float64
	// unitsCache memoises unitsPerRecord; a timeline change may change sizes or rates.
	unitsCache unitsMemo
	// generalReads makes every stream share its reads the general way
	// (allocateReads), never its service's one-reader pass (readOne): the
	// tests hold each readOne to the general way with it.
	generalReads bool
	// generalAdmission makes every stream admit writes through the general
	// passes (offer, limits, settle), never settleBytes or settleSingle: the
	// tests hold the fused pass to them with it.
	generalAdmission bool
	// everyShard makes a Kinesis stream's one keeping-up reader work out
	// its allowances shard by shard (no reader.keepsUp) and sum accepted
	// retries over every shard (no admission.retOrdered), and leaves the
	// retries refused on their last attempt to schedule to count lost:
	// the tests hold those shortcuts to the full passes with it.
	everyShard bool
	// generalTakes makes every reader take through its general loop, piece
	// by piece (reader.stepwise): the tests hold takeBacklog, take's loop
	// for a reader whose every queue holds a backlog, to it.
	generalTakes bool
	// queuedHandOn makes every processor queue its reads for flush, never
	// hand them straight on (processor.handOnNow): the tests hold the one
	// to the other.
	queuedHandOn bool
	// scanFronts makes every reader find its iterator age from every
	// queue's front, never from the front its take found (reader.front):
	// the tests hold the one to the other.
	scanFronts bool
	// keys memoises producerKeys while the engine is wired.
	keys      float64
	keysKnown bool
}

// Event is something that happened during the run (pipeline.Event).
type Event = pipeline.Event

// Options tune a run beyond the scenario file.
type Options struct {
	_ struct{}
}

// New builds an engine for a validated scenario. The scenario is cloned, so the
// caller's copy is never changed by timeline entries.
func New(sc *pipeline.Scenario) (*Engine, error) {
	sc = sc.Clone()
	sc.SortTimeline()
	dt := sc.Tick.Seconds()
	if dt <= 0 {
		return nil, fmt.Errorf("tick must be positive")
	}
	e := &Engine{
		sc:    sc,
		dt:    dt,
		ticks: int64(math.Ceil(sc.Duration.Seconds()/dt - 1e-9)),
		rng:   newRNG(sc.Seed),
		byID:  make(map[string]model, len(sc.Nodes)),
		lat:   pipeline.NewHistogram(),
	}
	order, err := topoOrder(sc)
	if err != nil {
		return nil, err
	}
	for _, n := range order {
		m, err := e.build(n)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", n.ID, err)
		}
		e.models = append(e.models, m)
		e.byID[n.ID] = m
	}
	for _, n := range sc.Nodes {
		e.fileOrder = append(e.fileOrder, e.byID[n.ID])
	}
	e.ix = pipeline.NewIndex(sc)
	for _, m := range e.models {
		if w, ok := m.(wirer); ok {
			if err := w.wire(e); err != nil {
				return nil, fmt.Errorf("%s: %w", m.node().ID, err)
			}
		}
	}
	return e, nil
}

// wirer is a model that connects to its neighbours once all models exist.
type wirer interface{ wire(e *Engine) error }

// build makes a node's model: its service's own (firehose), or its stage's
// with the service's kind, each registered by the service's file (storages,
// computes, dests).
func (e *Engine) build(n *pipeline.Node) (model, error) {
	name := n.Service.Name
	if b, ok := models[name]; ok {
		return b(e, n), nil
	}
	switch n.Stage {
	case pipeline.Producer:
		p := newProducer(e, n)
		e.prods = append(e.prods, p)
		return p, nil
	case pipeline.Storage:
		if _, ok := storages[name]; ok {
			return newStream(e, n), nil
		}
	case pipeline.Consumer:
		if _, ok := computes[name]; ok {
			return newProcessor(e, n), nil
		}
	case pipeline.Destination:
		if kind, ok := dests[name]; ok {
			return newDest(e, n, kind()), nil
		}
	}
	return nil, fmt.Errorf("service %q is not simulated", name)
}

// models makes the model of a service that has one of its own rather than
// its stage's (Firehose: a consumer that buffers and delivers itself).
var models = map[pipeline.ServiceName]func(e *Engine, n *pipeline.Node) model{}

// topoOrder orders nodes so every node comes after those that feed it, keeping
// file order among independent nodes.
func topoOrder(sc *pipeline.Scenario) ([]*pipeline.Node, error) {
	indeg := make([]int, len(sc.Nodes))
	idx := make(map[string]int, len(sc.Nodes))
	for i, n := range sc.Nodes {
		idx[n.ID] = i
	}
	succ := make([][]int, len(sc.Nodes))
	link := func(a, b string) {
		ia, ok1 := idx[a]
		ib, ok2 := idx[b]
		if ok1 && ok2 {
			succ[ia] = append(succ[ia], ib)
			indeg[ib]++
		}
	}
	for _, n := range sc.Nodes {
		if n.From != "" {
			link(n.From, n.ID)
		}
		for _, t := range n.To {
			link(n.ID, t)
		}
	}
	// Always the first node in file order whose inputs are placed: a heap of
	// the ready nodes' indexes (a scan for each would be quadratic).
	ready := &intHeap{}
	for i := range sc.Nodes {
		if indeg[i] == 0 {
			heap.Push(ready, i)
		}
	}
	var out []*pipeline.Node
	for ready.Len() > 0 {
		i := heap.Pop(ready).(int)
		out = append(out, sc.Nodes[i])
		for _, j := range succ[i] {
			if indeg[j]--; indeg[j] == 0 {
				heap.Push(ready, j)
			}
		}
	}
	if len(out) < len(sc.Nodes) {
		return nil, fmt.Errorf("the pipeline has a cycle")
	}
	return out, nil
}

// intHeap is a min-heap of ints (container/heap).
type intHeap []int

func (h intHeap) Len() int           { return len(h) }
func (h intHeap) Less(i, j int) bool { return h[i] < h[j] }
func (h intHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *intHeap) Push(x any)        { *h = append(*h, x.(int)) }
func (h *intHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// Now is the simulated time reached.
func (e *Engine) Now() time.Duration {
	return time.Duration(float64(e.tick) * e.dt * float64(time.Second))
}

// Duration is the simulated length of the run.
func (e *Engine) Duration() time.Duration {
	return time.Duration(float64(e.ticks) * e.dt * float64(time.Second))
}

// Done reports whether the run has reached its duration.
func (e *Engine) Done() bool { return e.tick >= e.ticks }

// Scenario is the engine's working copy (with timeline changes applied so far).
func (e *Engine) Scenario() *pipeline.Scenario { return e.sc }

// Events lists what happened so far.
func (e *Engine) Events() []Event { return e.events }

func (e *Engine) nowSec() float64 { return float64(e.tick) * e.dt }

func (e *Engine) event(node, format string, args ...any) {
	e.events = append(e.events, Event{At: e.Now(), Node: node, Text: fmt.Sprintf(format, args...)})
}

// Step advances the simulation by one tick.
func (e *Engine) Step() {
	if e.Done() {
		return
	}
	now := e.nowSec()
	for e.nextChg < len(e.sc.Timeline) && e.sc.Timeline[e.nextChg].At.Seconds() <= now+1e-9 {
		e.apply(e.sc.Timeline[e.nextChg])
		e.nextChg++
	}
	e.tickDeliv = 0
	for _, m := range e.models {
		m.step(e)
	}
	e.tick++
}

// Advance runs n ticks (or to the end).
func (e *Engine) Advance(n int) {
	for i := 0; i < n && !e.Done(); i++ {
		e.Step()
	}
}

// RunToEnd runs the remaining ticks.
func (e *Engine) RunToEnd() {
	for !e.Done() {
		e.Step()
	}
}

// Apply applies a change now (from the UI); it is also what timeline entries
// do. The change goes through pipeline's Scenario.ApplyChange, as every
// change does: an assignment that is not valid, or that a running pipeline
// cannot take (a key the catalog says takes effect from the start of a run
// only, Key.NotLive), is an error and changes nothing; so is a change of a
// stream's shards or partitions that the service refuses
// (pipeline.CheckResize, as the stream itself judges it): on AWS the call
// fails. A refusal is also an event of the run ("set x.k = v refused: …").
// In a timeline the same changes are refused as events, and the rest of the
// entry is made.
func (e *Engine) Apply(c pipeline.Change) error {
	applied, err := e.sc.CheckChange(c, e.changeOptions())
	if err != nil {
		for _, o := range applied.Set {
			if o.Err == nil && o.Refused != "" {
				e.event(o.Node, "set %s = %s refused: %s; %s", o.Key, o.Value.String(), o.Refused, o.Fix())
			}
		}
		return err
	}
	for _, a := range c.Set {
		if err := e.checkResize(e.byID[a.Node], a, c); err != nil {
			return err
		}
	}
	e.apply(c)
	return nil
}

// changeOptions are how the engine applies changes: during the run, with
// what the catalog says the running pipeline can take.
func (e *Engine) changeOptions() pipeline.ChangeOptions {
	return pipeline.ChangeOptions{Live: true, Index: e.ix}
}

// checkResize says why the service refuses a's change of a stream's unit count now, or nil.
func (e *Engine) checkResize(m model, a pipeline.Assignment, c pipeline.Change) error {
	s, ok := m.(*stream)
	if !ok {
		return nil
	}
	return s.kind.checkResize(e, s, a.Key, int(math.Round(a.Value.Num)), c)
}

// apply makes a change: the settings through pipeline's ApplyChange, then
// every node it touched reconfigures itself. What ApplyChange does not make
// is an event.
func (e *Engine) apply(c pipeline.Change) {
	now := e.nowSec()
	e.unitsCache.reset()
	applied, _ := e.sc.ApplyChange(c, e.changeOptions())
	touched := map[string]bool{}
	var order []string
	for _, o := range applied.Set {
		if !o.Made() {
			if o.Err != nil {
				e.event(o.Node, "set %s = %s refused: %v", o.Key, o.Value.String(), o.Err)
			} else {
				e.event(o.Node, "set %s = %s refused: %s; %s", o.Key, o.Value.String(), o.Refused, o.Fix())
			}
			continue
		}
		e.event(o.Node, "set %s = %s", o.Key, o.Value.String())
		if !touched[o.Node] {
			touched[o.Node] = true
			order = append(order, o.Node)
		}
	}
	for _, id := range order {
		e.byID[id].reconfigure(e)
	}
	if c.Fail != "" {
		if m := e.byID[c.Fail]; m != nil {
			st := m.stats()
			st.failedFrom = now
			st.failedUntil = math.Inf(1)
			if c.For > 0 {
				st.failedUntil = now + c.For.Seconds()
				e.event(c.Fail, "fails for %s", pipeline.FormatDuration(c.For))
			} else {
				e.event(c.Fail, "fails until the end")
			}
		}
	}
}

// deliver records that reached a destination: they count as delivered and
// their latency is recorded.
func (e *Engine) deliver(c cohort, at float64) {
	if lo, hi := c.births(); hi > lo {
		// Records merged by a bounded queue: spread evenly over their births,
		// at the middles of spreadPoints equal slices; the oldest sets the max.
		w := c.n / spreadPoints
		for i := range spreadPoints {
			born := lo + (hi-lo)*(float64(i)+0.5)/spreadPoints
			e.lat.Add(max0(at-born), w)
		}
		if c.n > 0 {
			e.lat.RaiseMax(at - lo)
		}
	} else {
		e.lat.Add(max0(at-c.born), c.n)
	}
	e.tickDeliv += c.n
	e.deliv += c.n
}

// spreadPoints is how many evenly spaced births stand for a merged cohort's
// records when their latency is recorded.
const spreadPoints = 16

// readMode follows a change of a consumer's `read` while it runs: the
// reader switches between polling (sharing each shard's reads with the
// other polling readers) and enhanced fan-out (reads of its own), as a
// consumer registered for SubscribeToShard does, and the stream's readers'
// delays follow the new count of polling readers. A stream without
// enhanced fan-out (MSK, KVS) keeps every reader as it is.
func readMode(rd *reader, n *pipeline.Node) {
	if rd == nil {
		return
	}
	if efo := n.Str("read") == "enhanced-fan-out" && rd.s.kind.efo(); efo != rd.efo {
		rd.efo = efo
		rd.s.setDelays()
	}
}
