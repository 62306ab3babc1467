package advice

import (
	"math"
	"slices"
	"time"

	"github.com/streamsim/streamsim/pipeline"
)

// Finding is one diagnosis: a rule that fired on a node, what is wrong (with
// its numbers) and one line of what to change.
type Finding struct {
	Rule     string // hot-key, hot-shard, write-throttling, read-throttling, iterator-age, lag, firehose-buffer, polling-consumers, idle, pushback, outage, budget, latency, refused-change
	Severity string
	Node     string
	Problem  string
	Fix      string
	// From and Until are the first and the last snapshot at which a rule
	// judged live found this. Past says its condition no longer held at the
	// end of the run; Problem then says when it held.
	From, Until time.Duration
	Past        bool

	live  bool          // found by a live rule (re-judged at the end)
	gap   time.Duration // the longest pause between two times it was found
	pause int           // how many pauses longer than a minute it had
	lost  float64       // records the finding reports lost
}

// Advice is the finding in the report's shape: the message is the problem
// followed by "Fix: " and the fix.
func (f Finding) Advice() pipeline.Advice {
	msg := f.Problem
	if f.Fix != "" {
		msg += " Fix: " + f.Fix
	}
	return pipeline.Advice{Severity: f.Severity, Node: f.Node, Message: msg}
}

// Diagnoser watches one run through its snapshots and says what is wrong.
// Feed it the snapshots of a single run in time order with Observe, call
// Finish once at the end, and read Findings at any time. It is not safe for
// concurrent use.
type Diagnoser struct {
	sc       *pipeline.Scenario // a copy, with the timeline's settings applied as time passes
	ix       *pipeline.Index    // sc's graph: rules ask it for every node of every snapshot
	pos      map[string]int     // where a node's snapshot sits in a snapshot of sc (file order)
	next     int                // next timeline entry to apply
	tracks   map[string]*track
	list     []Finding
	index    map[string]int // rule + node → position in list
	last     pipeline.Snapshot
	seen     bool
	finished bool
	spacing  float64            // seconds between kept history points
	hotNow   map[string]bool    // storage nodes whose throttling a hot key explains
	final    map[string]float64 // the metrics given to Finish
	// orig is the scenario as written, before the timeline changed it: what
	// load estimates over the whole run read.
	orig      *pipeline.Scenario
	now       time.Duration // time of the snapshot being judged
	interval  time.Duration // the longest time between two snapshots
	observing bool          // the live rules are running
	// loadsSeen and loadsAll are the scenario's load over the part a short
	// run simulated and over its whole duration (judgedOver), once needed.
	loadsSeen, loadsAll *loads
}

// track is what the diagnoser remembers about one node.
type track struct {
	peakUnit   float64 // highest unit utilisation seen
	peakIn     float64 // records/s
	peakInB    float64 // bytes/s
	peakThr    float64 // refused writes per second
	peakUtil   float64
	peakFlowR  float64 // stores: highest new records/s written in
	peakFlowB  float64 // stores: highest new bytes/s written in
	age, lag   []point
	keptAt     float64
	lastSeen   float64 // time of the previous snapshot
	failedSecs float64 // how long the node was seen failed

	// An outage (a timeline `fail`, an MSK broker lost) and what follows it
	// until the node's refusals stop: an episode of it.
	inOutage              bool
	outageFrom, outageEnd float64 // seconds: when the first outage began, the last one ended
	downFrom              float64 // seconds: when the latest outage began
	outagePeakThr         float64 // refused writes/s during outage episodes
	outageLost            float64 // records lost by writers during them
}

type point struct{ t, v float64 }

// NewDiagnoser returns a diagnoser for runs of sc. The scenario is copied;
// timeline `set` entries are applied to the copy as snapshots pass their time.
func NewDiagnoser(sc *pipeline.Scenario) *Diagnoser {
	c := sc.Clone()
	c.SortTimeline()
	pos := make(map[string]int, len(c.Nodes))
	for i, n := range c.Nodes {
		if _, dup := pos[n.ID]; !dup {
			pos[n.ID] = i
		}
	}
	return &Diagnoser{sc: c, orig: c.Clone(), ix: pipeline.NewIndex(c), pos: pos, tracks: map[string]*track{}, index: map[string]int{}, hotNow: map[string]bool{}}
}

// snap finds a node's snapshot in s, as s.Node does: in constant time when s
// lists the nodes in the scenario's order (the engine's snapshots do),
// otherwise by a scan.
func (d *Diagnoser) snap(s pipeline.Snapshot, id string) *pipeline.NodeSnapshot {
	if i, ok := d.pos[id]; ok && i < len(s.Nodes) && s.Nodes[i].ID == id {
		return &s.Nodes[i]
	}
	return s.Node(id)
}

// Findings returns what has been found so far, deduplicated by rule and node,
// in the order the findings first appeared.
func (d *Diagnoser) Findings() []pipeline.Advice {
	out := make([]pipeline.Advice, len(d.list))
	for i, f := range d.list {
		out[i] = f.Advice()
	}
	return out
}

// List returns the findings with their rule names and fixes apart.
func (d *Diagnoser) List() []Finding { return slices.Clone(d.list) }

// Snapshot returns the findings as a run's snapshot carries them, in the
// order they first appeared.
func (d *Diagnoser) Snapshot() []pipeline.Finding {
	if len(d.list) == 0 {
		return nil
	}
	out := make([]pipeline.Finding, len(d.list))
	for i, f := range d.list {
		out[i] = pipeline.Finding{Rule: f.Rule, Severity: f.Severity, Node: f.Node, Problem: f.Problem, Fix: f.Fix}
	}
	return out
}

var severityRank = map[string]int{pipeline.SeverityInfo: 0, pipeline.SeverityWarning: 1, pipeline.SeverityCritical: 2}

// report adds a finding or updates the one with the same rule and node: the
// newer text, the higher severity, the first position. It notes when the
// finding held, for rejudge.
func (d *Diagnoser) report(f Finding) {
	key := f.Rule + "\x00" + f.Node
	f.From, f.Until = d.now, d.now
	f.live = d.observing && f.Rule != "polling-consumers" && f.Rule != "refused-change"
	if i, ok := d.index[key]; ok {
		old := d.list[i]
		if severityRank[old.Severity] > severityRank[f.Severity] {
			f.Severity = old.Severity
		}
		f.From, f.gap, f.pause = old.From, old.gap, old.pause
		if f.live && old.live {
			f.gap = max(f.gap, d.now-old.Until)
			if d.now-old.Until > time.Minute {
				f.pause++
			}
		}
		f.lost = max(f.lost, old.lost)
		d.list[i] = f
		return
	}
	d.index[key] = len(d.list)
	d.list = append(d.list, f)
}

func (d *Diagnoser) has(rule, node string) bool {
	_, ok := d.index[rule+"\x00"+node]
	return ok
}

func (d *Diagnoser) track(id string) *track {
	t := d.tracks[id]
	if t == nil {
		t = &track{keptAt: math.Inf(-1)}
		d.tracks[id] = t
	}
	return t
}

// Observe takes the next snapshot of the run and applies the live rules.
func (d *Diagnoser) Observe(s pipeline.Snapshot) {
	if d.finished {
		return
	}
	now := s.Time.Seconds()
	if d.seen {
		d.interval = max(d.interval, s.Time-d.now)
	}
	d.now = s.Time
	d.observing = true
	defer func() { d.observing = false }()
	for d.next < len(d.sc.Timeline) && d.sc.Timeline[d.next].At <= s.Time {
		d.applyTimeline(d.sc.Timeline[d.next])
		d.next++
	}
	if d.spacing == 0 {
		d.spacing = 10
		if s.Duration > 0 {
			d.spacing = s.Duration.Seconds() / 400
		}
	}
	first := !d.seen
	d.seen = true
	d.last = s
	for i := range s.Nodes {
		d.remember(&s.Nodes[i], now)
		d.noteOutage(&s.Nodes[i], now)
		if s.Nodes[i].Stage == pipeline.Storage {
			t := d.track(s.Nodes[i].ID)
			r, b := d.flowInto(s, s.Nodes[i].ID)
			t.peakFlowR, t.peakFlowB = max(t.peakFlowR, r), max(t.peakFlowB, b)
		}
	}
	if first {
		d.pollingRule()
	}
	clear(d.hotNow)
	for i := range s.Nodes {
		ns := &s.Nodes[i]
		n := d.ix.Node(ns.ID)
		if n == nil {
			continue
		}
		switch ns.Stage {
		case pipeline.Storage:
			d.hotKeyRule(s, n, ns)
			d.writeThrottleRule(s, n, ns)
			d.iteratorAgeRule(s, n, ns)
		case pipeline.Consumer:
			d.lagRule(s, n, ns, false)
			if f := adviceOf(n).bufferRule; f != nil {
				f(d, s, n, ns, false)
			}
			if n.From == "" && ns.Throttled > 0 {
				if d.track(n.ID).inOutage {
					d.outageRule(s, n, ns)
				} else {
					if f := adviceOf(n).directPut; f != nil {
						f(d, s, n, ns)
					}
				}
			}
		case pipeline.Destination:
			switch {
			case ns.Throttled >= 0.5 && d.track(n.ID).inOutage: // fractions of a record are the fluid model's rounding
				d.outageRule(s, n, ns)
			case ns.Throttled >= 0.5:
				d.pushbackRule(s, n, ns.Throttled)
			}
		}
	}
}

// remember updates a node's peaks and history.
func (d *Diagnoser) remember(ns *pipeline.NodeSnapshot, now float64) {
	t := d.track(ns.ID)
	t.peakIn = max(t.peakIn, ns.InRate)
	t.peakInB = max(t.peakInB, ns.InBytesRate)
	t.peakThr = max(t.peakThr, ns.Throttled)
	t.peakUtil = max(t.peakUtil, ns.Util)
	if ns.Failed && t.lastSeen > 0 {
		t.failedSecs += now - t.lastSeen
	}
	t.lastSeen = now
	if len(ns.Units) > 0 {
		_, u := maxUnit(ns.Units)
		t.peakUnit = max(t.peakUnit, u)
	}
	if now-t.keptAt >= d.spacing*(1-1e-9) {
		t.keptAt = now
		t.age = appendPoint(t.age, point{now, ns.IterAge})
		t.lag = appendPoint(t.lag, point{now, ns.Lag})
	}
}

// appendPoint keeps at most 2,000 points, thinning the older half when full,
// so an open-ended run keeps bounded memory.
func appendPoint(h []point, p point) []point {
	if len(h) >= 2000 {
		half := h[:0]
		for i := 0; i < len(h); i += 2 {
			half = append(half, h[i])
		}
		h = half
	}
	return append(h, p)
}

func maxUnit(u []float64) (int, float64) {
	best, v := -1, math.Inf(-1)
	for i, x := range u {
		if x > v {
			best, v = i, x
		}
	}
	return best, v
}

func meanOthers(u []float64, skip int) float64 {
	if len(u) < 2 {
		return 0
	}
	var s float64
	for i, x := range u {
		if i != skip {
			s += x
		}
	}
	return s / float64(len(u)-1)
}

// rising reports whether the last w points of h climb (at least 80% of the
// steps not down, and higher at the end) and the slope per second.
func rising(h []point, w int) (float64, bool) {
	if len(h) < w {
		return 0, false
	}
	win := h[len(h)-w:]
	ups := 0
	for i := 1; i < len(win); i++ {
		// Not falling counts: an iterator age climbs in steps of a tick.
		if win[i].v >= win[i-1].v {
			ups++
		}
	}
	a, b := win[0], win[len(win)-1]
	if ups*10 < (w-1)*8 || b.t <= a.t || b.v <= a.v {
		return 0, false
	}
	return (b.v - a.v) / (b.t - a.t), true
}
