package advice

import (
	"math"
	"slices"
	"strings"
	"time"

	"github.com/streamsim/streamsim/pipeline"
)

// Finding is one diagnosis: a rule that fired on a node, what is wrong (with
// its numbers) and one line of what to change.
type Finding struct {
	Rule     string // hot-key, hot-shard, write-throttling, read-throttling, iterator-age, lag, firehose-buffer, polling-consumers, idle, pushback, outage, budget, latency
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

var severityRank = map[string]int{pipeline.SeverityInfo: 0, pipeline.SeverityWarning: 1, pipeline.SeverityCritical: 2}

// report adds a finding or updates the one with the same rule and node: the
// newer text, the higher severity, the first position. It notes when the
// finding held, for rejudge.
func (d *Diagnoser) report(f Finding) {
	key := f.Rule + "\x00" + f.Node
	f.From, f.Until = d.now, d.now
	f.live = d.observing && f.Rule != "polling-consumers"
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

// Apply tells the diagnoser about a change made to the running pipeline
// outside its timeline (a UI's live edit), so that rules read the new
// settings. Timeline entries are applied by Observe.
func (d *Diagnoser) Apply(c pipeline.Change) {
	for _, a := range c.Set {
		if n := d.ix.Node(a.Node); n != nil {
			if n.Params == nil {
				n.Params = map[string]pipeline.Value{}
			}
			n.Params[a.Key] = a.Value
		}
	}
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
		d.Apply(d.sc.Timeline[d.next])
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
			d.firehoseRule(s, n, ns, false)
			if n.From == "" && ns.Throttled > 0 {
				if d.track(n.ID).inOutage {
					d.outageRule(s, n, ns)
				} else {
					d.directPutRule(s, n, ns)
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

// ---- rates from the snapshot ----

// flowInto is the new records (and bytes) per second written into a node by
// its producers and consumers, from the snapshot: retries are not counted.
func (d *Diagnoser) flowInto(s pipeline.Snapshot, id string) (recs, bytes float64) {
	for _, w := range d.ix.Writers(id) {
		ws := d.snap(s, w.ID)
		if ws == nil {
			continue
		}
		switch w.Stage {
		case pipeline.Producer:
			// A producer sends every record it makes to each of its targets.
			recs += ws.InRate
			bytes += ws.InBytesRate
		case pipeline.Consumer:
			r := ws.OutRate / float64(max(1, len(w.To)))
			recs += r
			if ws.InRate > 0 {
				bytes += r * ws.InBytesRate / ws.InRate
			}
		}
	}
	return recs, bytes
}

// sourceFlow is the new records (and bytes) per second that reach a node from
// the producers, following consumers back to their sources: what the node
// would take if nothing on the way held records back.
func (d *Diagnoser) sourceFlow(s pipeline.Snapshot, id string, depth int) (recs, bytes float64) {
	n := d.ix.Node(id)
	if n == nil || depth > len(d.sc.Nodes) {
		return 0, 0
	}
	if n.Stage == pipeline.Consumer && n.From != "" {
		return d.sourceFlow(s, n.From, depth+1)
	}
	for _, w := range d.ix.Writers(id) {
		ws := d.snap(s, w.ID)
		if ws == nil {
			continue
		}
		switch w.Stage {
		case pipeline.Producer:
			recs += ws.InRate
			bytes += ws.InBytesRate
		case pipeline.Consumer:
			r, b := d.sourceFlow(s, w.ID, depth+1)
			recs += r
			bytes += b
		}
	}
	return recs, bytes
}

// keyProducer finds the producer whose key space holds the stream's hot key:
// the one the snapshot names (HotProducer); otherwise the busiest writer.
func (d *Diagnoser) keyProducer(s pipeline.Snapshot, stream, producer string) (*pipeline.Node, *pipeline.NodeSnapshot) {
	var best *pipeline.Node
	var bestS *pipeline.NodeSnapshot
	for _, w := range d.ix.Writers(stream) {
		ws := d.snap(s, w.ID)
		if w.Stage != pipeline.Producer || ws == nil {
			continue
		}
		if producer != "" && w.ID == producer {
			return w, ws
		}
		if bestS == nil || ws.InRate > bestS.InRate {
			best, bestS = w, ws
		}
	}
	return best, bestS
}

// unitLimit is what one shard, partition or stream of a store takes per
// second (records, bytes; 0 = no limit of that kind) and its name.
func unitLimit(n *pipeline.Node) (recs, bytes float64, unit string) {
	switch n.Service.Name {
	case kds:
		return pipeline.KDSShardWriteRecs, pipeline.KDSShardWriteBytes, "shard"
	case msk:
		return 0, perPartitionMax(n), "partition"
	case mss:
		return 0, pipeline.MSKServerlessPartIn, "partition"
	case kvs:
		return pipeline.KVSPutMediaTPS, pipeline.KVSStreamBytes, "stream"
	}
	return 0, 0, "unit"
}

func limitText(recLimit, byteLimit float64) string {
	var parts []string
	if recLimit > 0 {
		parts = append(parts, recs(recLimit))
	}
	if byteLimit > 0 {
		parts = append(parts, bytesRate(byteLimit))
	}
	return strings.Join(parts, " and ")
}

// ---- storage rules ----

// hotKeyRule: a unit runs hot while the others idle. When one key dominates
// the hot unit it is a hot key (resharding will not help it; salting will),
// otherwise keys hash unevenly. A key that alone exceeds a unit's limit
// cannot be carried by any unit count (KDS-SHARD-WRITE, KDS-HOT-KEY).
func (d *Diagnoser) hotKeyRule(s pipeline.Snapshot, n *pipeline.Node, ns *pipeline.NodeSnapshot) {
	if len(ns.Units) == 0 {
		return
	}
	idx, u := maxUnit(ns.Units)
	if u < 1 {
		return
	}
	recLimit, byteLimit, unit := unitLimit(n)
	p, ps := d.keyProducer(s, n.ID, ns.HotProducer)
	var keyRecs, keyBytes float64
	if p != nil && ns.HotKey != "" {
		keyRecs = ns.HotShare * ps.InRate
		keyBytes = ns.HotShare * ps.InBytesRate
	}
	var keyUtil float64
	if recLimit > 0 {
		keyUtil = keyRecs / recLimit
	}
	if byteLimit > 0 {
		keyUtil = max(keyUtil, keyBytes/byteLimit)
	}
	t := d.track(n.ID)
	others := meanOthers(ns.Units, idx)
	unitNo := idx
	if ns.HotUnit >= 0 && ns.HotUnit < len(ns.Units) && keyUtil > 0 {
		unitNo = ns.HotUnit
	}
	peak := max(u, t.peakUnit)
	// Units count retries too, so a dominant key is one that alone fills at
	// least half a unit, or half of what the unit is offered.
	if keyUtil > 1 || (len(ns.Units) >= 2 && (keyUtil >= 0.5 || keyUtil >= 0.5*u)) {
		d.hotNow[n.ID] = true
		salt := max(2, int(math.Ceil(keyUtil/0.8)))
		f := Finding{Rule: "hot-key", Severity: pipeline.SeverityWarning, Node: n.ID}
		f.Problem = sprintf("Hot key: partition key %s carries %s of the records from %s (about %s, %s) on %s %d of %d, which runs at %s of its write limit (up to %s, retries included)",
			shortKey(ns.HotKey), pct(ns.HotShare), p.ID, recs(keyRecs), bytesRate(keyBytes), unit, unitNo, len(ns.Units), pct(u), pct(peak))
		if len(ns.Units) >= 2 {
			f.Problem += sprintf(" while the other %ss average %s", unit, pct(others))
		}
		if keyUtil > 1 {
			f.Severity = pipeline.SeverityCritical
			f.Problem += sprintf(". That key alone exceeds a %s's %s, so no %s count can fix it: resharding will not help a single hot key.",
				unit, limitText(recLimit, byteLimit), unit)
		} else {
			f.Problem += sprintf(". Resharding will not help a single hot key: it always hashes to one %s.", unit)
		}
		f.Fix = sprintf("salt the key — write it as key + \"-\" + (record id mod %d) so it spreads over %d %ss — and merge per-key order downstream if it matters.", salt, salt, unit)
		d.report(f)
		return
	}
	if len(ns.Units) >= 2 && u >= 2*others {
		d.hotNow[n.ID] = true
		if d.has("hot-key", n.ID) {
			return // the hot key found before explains this unit
		}
		f := Finding{Rule: "hot-shard", Severity: pipeline.SeverityWarning, Node: n.ID}
		f.Problem = sprintf("Hot %s: %s %d of %d runs at %s of its write limit (up to %s) while the others average %s; no single key dominates (the heaviest carries %s), so its keys hash unevenly.",
			unit, unit, idx, len(ns.Units), pct(u), pct(peak), pct(others), pct(ns.HotShare))
		if n.Service.Name == kds {
			f.Fix = sprintf("split shard %d (provisioned streams allow uneven splits, SELECT-KDS-PROVISIONED) or use more, finer-grained partition keys.", idx)
		} else {
			f.Fix = sprintf("use more, finer-grained keys so they spread over the %ss, or add %ss.", unit, unit)
		}
		d.report(f)
	}
}

// writeThrottleRule: the store refuses writes (KDS-SHARD-WRITE;
// KDS-ONDEMAND-SCALING; MSK-CLUSTER-THROUGHPUT and MSK-EXPRESS-THROUGHPUT;
// MSK-SERVERLESS-PARTITION; KVS-INGEST).
func (d *Diagnoser) writeThrottleRule(s pipeline.Snapshot, n *pipeline.Node, ns *pipeline.NodeSnapshot) {
	if ns.Throttled <= 0 || d.hotNow[n.ID] {
		return
	}
	tr := d.track(n.ID)
	if tr.inOutage {
		d.outageRule(s, n, ns)
		return
	}
	wr, wb := tr.peakFlowR, tr.peakFlowB
	thr := max(ns.Throttled, tr.peakThr)
	f := Finding{Rule: "write-throttling", Severity: pipeline.SeverityWarning, Node: n.ID}
	l := d.lostTo(s, n, ns)
	if l > 0 {
		f.Severity = pipeline.SeverityCritical
		f.lost = l
	}
	units := len(ns.Units)
	_, u := maxUnit(ns.Units)
	u = max(u, tr.peakUnit)
	lost := ""
	if l > 0 {
		lost = sprintf("; %s records lost after their retries ran out", count(l))
	}
	switch n.Service.Name {
	case kds:
		if n.Str("mode") == "on-demand" {
			f.Problem = sprintf("Write throttling: %s refuses up to %s write attempts/s; producers send up to %s (%s), above the on-demand capacity it has grown to (%d shards' worth)%s. On-demand takes 4 MB/s at first and doubles only after about 15 minutes of throttling (KDS-ONDEMAND-START, KDS-ONDEMAND-SCALING).",
				n.ID, count(thr), recs(wr), bytesRate(wb), units, lost)
			need, why := shardsForPeak(wr, wb)
			f.Fix = sprintf("pre-warm the stream (On-demand Advantage WarmThroughput) before the surge, or switch to provisioned with at least %d shards (%s, the peak plus 25%% headroom).", need, why)
			break
		}
		need, why := shardsForPeak(wr, wb)
		f.Problem = sprintf("Write throttling: %s refuses up to %s write attempts/s; %d %s take %s and %s, but producers send up to %s (%s); the busiest shard peaks at %s of its limit%s.",
			n.ID, count(thr), units, plural(units, "shard", "shards"), recs(float64(units)*pipeline.KDSShardWriteRecs),
			bytesRate(float64(units)*pipeline.KDSShardWriteBytes), recs(wr), bytesRate(wb), pct(u), lost)
		need = max(need, units+1)
		f.Fix = sprintf("set %s.shards to at least %d (%s, the peak plus 25%% headroom), or mode: on-demand.", n.ID, need, why)
	case msk:
		b, _ := pipeline.Broker(n.Str("broker_type"))
		brokers := n.Int("brokers") - n.Int("brokers_down")
		f.Problem = sprintf("Write throttling: %s refuses up to %s write attempts/s; %d %s × %s sustain about %s in (MSK-CLUSTER-THROUGHPUT) and producers send up to %s%s.",
			n.ID, count(thr), brokers, plural(brokers, "broker", "brokers"), b.Name,
			bytesRate(pipeline.MSKClusterThroughput(b, max(1, brokers), n.Int("replication"), max(1, len(d.ix.Readers(n.ID))))), bytesRate(wb), lost)
		f.Fix = "add brokers (a multiple of the AZ count) or choose a larger broker type; check that partitions spread over all brokers."
	case mss:
		if wb > pipeline.MSKServerlessIn {
			f.Problem = sprintf("Write throttling: %s refuses writes; producers send %s, above MSK Serverless's 200 MB/s per cluster (MSK-SERVERLESS-THROUGHPUT)%s.", n.ID, bytesRate(wb), lost)
			f.Fix = "move to MSK provisioned (Express brokers): no partition count lifts the cluster limit."
		} else {
			need := ceilDiv(wb, 0.8*pipeline.MSKServerlessPartIn, units+1)
			f.Problem = sprintf("Write throttling: %s refuses up to %s write attempts/s; %d partitions take 5 MB/s each (MSK-SERVERLESS-PARTITION) and producers send up to %s%s.",
				n.ID, count(thr), units, bytesRate(wb), lost)
			f.Fix = sprintf("set %s.partitions to at least %d.", n.ID, need)
		}
	case kvs:
		need := max(ceilDiv(wb, 0.8*pipeline.KVSStreamBytes, units+1), ceilDiv(wr, 0.8*pipeline.KVSPutMediaTPS, units+1))
		f.Problem = sprintf("Write throttling: %s refuses up to %s fragments/s; a stream takes 12.5 MB/s and 5 fragments/s (KVS-INGEST) and devices send up to %s (%s fragments/s)%s.",
			n.ID, count(thr), bytesRate(wb), count(wr), lost)
		f.Fix = sprintf("set %s.streams to at least %d.", n.ID, need)
	default:
		return
	}
	d.report(f)
}

// iteratorAgeRule: the oldest unread record keeps getting older; project when
// it reaches the retention period and records start to expire (KDS-RETENTION).
func (d *Diagnoser) iteratorAgeRule(s pipeline.Snapshot, n *pipeline.Node, ns *pipeline.NodeSnapshot) {
	ret := n.Dur("retention").Seconds()
	if ret <= 0 {
		return
	}
	slope, ok := rising(d.track(n.ID).age, 10)
	expired := ns.Lost
	if !(ok && ns.IterAge >= 60 && slope > 0.05) && expired <= 0 {
		return
	}
	slow := d.slowestReader(s, n.ID)
	f := Finding{Rule: "iterator-age", Severity: pipeline.SeverityWarning, Node: n.ID}
	who := "its slowest consumer"
	if slow != nil {
		f.Node = slow.ID
		who = slow.ID
	}
	if expired > 0 {
		f.Severity = pipeline.SeverityCritical
		peakAge := ns.IterAge
		for _, p := range d.track(n.ID).age {
			peakAge = max(peakAge, p.v)
		}
		if v, ok := d.final[n.ID+".iterator_age_max"]; ok {
			peakAge = max(peakAge, v)
		}
		f.Problem = sprintf("Records expiring: %s records of %s aged past its %s retention before %s read them; the iterator age reached %s.",
			count(expired), n.ID, secs(ret), who, secs(peakAge))
	} else {
		left := (ret - ns.IterAge) / slope
		f.Problem = sprintf("Iterator age rising: %s is %s behind on %s and falls further behind by %.2f s every second; at this pace it reaches the %s retention in about %s, and records start to expire.",
			who, secs(ns.IterAge), n.ID, slope, secs(ret), secs(left))
		if remaining := (s.Duration - s.Time).Seconds(); left <= remaining || left <= 6*3600 {
			f.Severity = pipeline.SeverityCritical
		}
	}
	f.Fix = d.consumerFix(s, slow) + sprintf(" Raising %s.retention only buys time.", n.ID)
	d.report(f)
}

// slowestReader is the consumer of a stream with the oldest unread record.
func (d *Diagnoser) slowestReader(s pipeline.Snapshot, id string) *pipeline.Node {
	var best *pipeline.Node
	age := -1.0
	for _, c := range d.ix.Readers(id) {
		if cs := d.snap(s, c.ID); cs != nil && cs.IterAge > age {
			best, age = c, cs.IterAge
		}
	}
	return best
}

// ---- consumer rules ----

// lagRule: a consumer's lag keeps growing (live), or never drained (at the end).
func (d *Diagnoser) lagRule(s pipeline.Snapshot, n *pipeline.Node, ns *pipeline.NodeSnapshot, final bool) {
	t := d.track(n.ID)
	if final {
		if len(t.lag) < 10 {
			return
		}
		half := s.Time.Seconds() / 2
		low := math.Inf(1)
		for _, p := range t.lag {
			if p.t >= half {
				low = min(low, p.v)
			}
		}
		threshold := max(1000, 60*t.peakIn)
		if math.IsInf(low, 1) || low < threshold || ns.Lag < low {
			return
		}
		f := Finding{Rule: "lag", Severity: pipeline.SeverityWarning, Node: n.ID,
			Problem: sprintf("Lag never drains: %s ends %s records behind %s and was never below %s in the second half of the run.",
				n.ID, count(ns.Lag), n.From, count(low))}
		f.Fix = d.consumerFix(s, n)
		d.report(f)
		return
	}
	slope, ok := rising(t.lag, 10)
	if !ok || ns.Lag < max(1000, 10*ns.InRate) {
		return
	}
	f := Finding{Rule: "lag", Severity: pipeline.SeverityWarning, Node: n.ID,
		Problem: sprintf("Lag growing: %s is %s records behind %s and falls behind by about %s more.",
			n.ID, count(ns.Lag), n.From, recs(slope))}
	f.Fix = d.consumerFix(s, n)
	d.report(f)
}

// consumerFix says what would let a consumer keep up: fix a target that
// pushes back, ride out an outage, unblock a failing Lambda batch, add
// processing units when it has too few, or read with enhanced fan-out when
// the shard's shared read budget is what limits it.
func (d *Diagnoser) consumerFix(s pipeline.Snapshot, c *pipeline.Node) string {
	if c == nil {
		return "add consumer capacity."
	}
	for _, t := range c.To {
		if tt := d.tracks[t]; tt != nil && tt.peakThr > 0 {
			if d.has("outage", t) && !d.has("pushback", t) && !d.has("write-throttling", t) {
				return sprintf("%s's target %s was out of service %s and held it back: see %s's outage finding; %s catches up once it is back.",
					c.ID, t, d.outageWhen(d.ix.Node(t)), t, c.ID)
			}
			return sprintf("%s's target %s refuses writes and holds it back: fix %s first (see its finding).", c.ID, t, t)
		}
	}
	srcID := c.From
	if t := d.tracks[c.ID]; t != nil && t.failedSecs > 0 {
		return sprintf("%s was down for about %s: keep %s.retention longer than the longest outage plus the time to catch up, and give %s spare capacity to catch up.",
			c.ID, secs(t.failedSecs), srcID, c.ID)
	}
	if v := d.final[c.ID+".failed_batches"]; c.Service.Name == "lambda" && v > 0 {
		return sprintf("a failing batch blocks its shard (%s failed invocations): set %s.bisect: true and a finite %s.retries (LAMBDA-ESM-ERRORS: BisectBatchOnFunctionError, MaximumRetryAttempts) with an on-failure destination.",
			count(v), c.ID, c.ID)
	}
	fix, short, known := d.capacity(s, c)
	if short {
		return fix
	}
	src := d.ix.Node(srcID)
	polling := c.Str("read") != efo && src != nil && src.Service.Name == kds
	if polling && !c.Service.CanUseEFO() && (d.has("polling-consumers", srcID) || d.has("read-throttling", srcID) || len(d.ix.Readers(srcID)) > 1) {
		// Firehose reads by polling (FH-KDS-POLLING): the others can make room.
		var others []string
		for _, r := range d.ix.Readers(srcID) {
			if r.ID != c.ID && r.Str("read") != efo && r.Service.CanUseEFO() {
				others = append(others, r.ID)
			}
		}
		if len(others) > 0 {
			return sprintf("read %s with enhanced fan-out (read: enhanced-fan-out) so %s, which reads by polling only (FH-KDS-POLLING), gets more of each shard's 2 MB/s and 5 reads/s (KDS-SHARD-READ, KDS-GETRECORDS-RATE).",
				listAnd(others), c.ID)
		}
		return sprintf("add shards to %s: %s reads by polling only (FH-KDS-POLLING) and shares each shard's 2 MB/s and 5 reads/s (KDS-SHARD-READ).", srcID, c.ID)
	}
	switch {
	case polling && d.has("polling-consumers", srcID):
		return sprintf("read %s with enhanced fan-out (read: enhanced-fan-out): the polling consumers split each shard's 2 MB/s and 5 reads/s (KDS-SHARD-READ, KDS-EFO-THROUGHPUT).", c.ID)
	case polling && d.has("read-throttling", srcID):
		return sprintf("read with enhanced fan-out (its own 2 MB/s per shard, KDS-EFO-THROUGHPUT) or add shards to %s: reads are throttled (KDS-SHARD-READ).", srcID)
	case known:
		return fix
	}
	return sprintf("add capacity to %s, or check its reads and its target.", c.ID)
}

// capacity compares what a consumer can process with what its source
// receives (rules of thumb of docs/scenario-format.md, or its capacity
// setting; Lambda: parallelization ÷ duration per shard, LAMBDA-ESM-PARALLEL). short says
// it needs more; fix says how many, or, when it has enough, that something
// else holds it back. known is false when there is no capacity to compare.
func (d *Diagnoser) capacity(s pipeline.Snapshot, c *pipeline.Node) (fix string, short, known bool) {
	src := d.ix.Node(c.From)
	if src == nil {
		return "", false, false
	}
	srcR, srcB := d.flowInto(s, src.ID)
	units := 1
	if t := d.tracks[src.ID]; t != nil {
		srcR, srcB = max(srcR, t.peakFlowR), max(srcB, t.peakFlowB)
	}
	if ss := d.snap(s, src.ID); ss != nil && len(ss.Units) > 0 {
		units = len(ss.Units)
	}
	switch c.Service.Name {
	case "lambda":
		dur := c.Dur("duration").Seconds()
		if dur <= 0 || srcR <= 0 || c.Has("capacity") {
			return "", false, false
		}
		need := ceilDiv(srcR/float64(units)*dur, 0.8, 1)
		switch {
		case need > pipeline.LambdaMaxParallel:
			return sprintf("add shards or make the function faster: even 10 concurrent batches per shard (LAMBDA-ESM-PARALLEL) process only %s at %s per record, and %s arrive.",
				recs(float64(units)*pipeline.LambdaMaxParallel/dur), secs(dur), recs(srcR)), true, true
		case need > c.Int("parallelization"):
			return sprintf("set %s.parallelization to %d (each shard runs that many concurrent batches, LAMBDA-ESM-PARALLEL).", c.ID, need), true, true
		}
		return sprintf("%s has concurrency to spare for %s: look at what holds its batches (errors, its reads, its target).", c.ID, recs(srcR)), false, true
	case "firehose":
		return "", false, false
	}
	key, have, per := perUnit(c)
	if c.Has("capacity") {
		r := c.Rate("capacity")
		switch {
		case r.Bytes:
			per = r.PerSec
		case srcR > 0:
			per = r.PerSec * srcB / srcR
		}
	}
	if per <= 0 || srcB <= 0 || key == "" {
		return "", false, false
	}
	need := ceilDiv(srcB, 0.8*per, 1)
	if float64(need) <= have {
		return sprintf("%s can process about %s and %s arrive: look at what holds it back (its reads, its target, failures).", c.ID, bytesRate(have*per), bytesRate(srcB)), false, true
	}
	fix = sprintf("set %s.%s to at least %d: up to %s arrive and one unit processes about %s (rule of thumb %s; measure and set capacity).",
		c.ID, key, need, bytesRate(srcB), bytesRate(per), unitRule(c))
	if c.Service.Name == "flink" && c.Bool("autoscaling") {
		fix += " Autoscaling adds KPUs only after 15 minutes at 75% CPU (FLINK-AUTOSCALING)."
	}
	return fix, true, true
}

// bufferDelay is how long records wait in a Firehose's buffers at the rate of
// the snapshot: the time to fill a buffer or the interval, whichever is first.
func (d *Diagnoser) bufferDelay(s pipeline.Snapshot, n *pipeline.Node, ns *pipeline.NodeSnapshot) (float64, string) {
	units := 1
	if src := d.snap(s, n.From); src != nil && len(src.Units) > 0 {
		units = len(src.Units)
	}
	per := ns.InBytesRate / float64(units)
	size := n.Num("buffer.size")
	if f := n.Str("format"); (f == "parquet" || f == "orc") && size < pipeline.FirehoseConvertMinBuf {
		size = pipeline.FirehoseConvertMinBuf
	}
	interval := n.Dur("buffer.interval").Seconds()
	fill := math.Inf(1)
	if per > 0 {
		fill = size / per
	}
	if fill < interval {
		return fill, sprintf("at %s per buffer (%d %s) its %s buffers fill in %s", bytesRate(per), units, plural(units, "buffer", "buffers"),
			pipeline.ApproxSize(size), secs(fill))
	}
	return interval, sprintf("at %s per buffer (%d %s) its %s buffers would take %s to fill, so they flush on the %s interval",
		bytesRate(per), units, plural(units, "buffer", "buffers"), pipeline.ApproxSize(size), secs(fill), secs(interval))
}

// firehoseRule: Firehose's buffering makes up most of the latency (FH-BUFFER-HINTS).
// Live, when the p99 misses the requirement; at the end also as information
// when there is no requirement and the p99 is a minute or more.
func (d *Diagnoser) firehoseRule(s pipeline.Snapshot, n *pipeline.Node, ns *pipeline.NodeSnapshot, final bool) {
	if n.Service.Name != "firehose" || ns.InBytesRate <= 0 {
		return
	}
	p99 := s.Pipeline.LatencyP99
	req := d.sc.Requirements.Latency.Seconds()
	delay, why := d.bufferDelay(s, n, ns)
	if p99 <= 0 || delay < 0.5*p99 {
		return
	}
	f := Finding{Rule: "firehose-buffer", Node: n.ID}
	switch {
	case req > 0 && p99 > req:
		f.Severity = pipeline.SeverityWarning
		f.Problem = sprintf("Firehose buffering dominates latency: the p99 is %s against the required %s, and %s's buffers hold records for about %s of it: %s.",
			secs(p99), secs(req), n.ID, secs(min(delay, p99)), why)
	case final && req <= 0 && p99 >= 60:
		f.Severity = pipeline.SeverityInfo
		f.Problem = sprintf("Firehose buffering sets the latency: the p99 is %s and %s's buffers hold records for about %s of it: %s.", secs(p99), n.ID, secs(min(delay, p99)), why)
	default:
		return
	}
	target := 60.0
	if req > 0 {
		target = max(1, math.Floor(req/2))
	}
	if req > 0 && req < 60 {
		f.Fix = sprintf("deliver with Lambda or Flink for seconds of latency (SELECT-LOW-LATENCY: sub-second or seconds → KDS + Lambda/Flink); Firehose's buffers hold records for %s here.", secs(delay))
	} else if delay < n.Dur("buffer.interval").Seconds() {
		f.Fix = sprintf("lower %s.buffer.size so buffers flush sooner (more, smaller objects), or deliver with Lambda or Flink for seconds of latency (SELECT-LOW-LATENCY).", n.ID)
	} else {
		f.Fix = sprintf("lower %s.buffer.interval to about %s (below 60 s Firehose uses multipart uploads, so S3 requests cost more, FH-BUFFER-HINTS), or deliver with Lambda or Flink for seconds of latency (SELECT-LOW-LATENCY).",
			n.ID, pipeline.FormatDuration(secondsDuration(target)))
	}
	d.report(f)
}

// directPutRule: Firehose refuses Direct PUT writes beyond its quota (FH-DIRECT-PUT-QUOTA).
func (d *Diagnoser) directPutRule(s pipeline.Snapshot, n *pipeline.Node, ns *pipeline.NodeSnapshot) {
	if n.Service.Name != "firehose" {
		return
	}
	_, offered := d.flowInto(s, n.ID)
	d.report(Finding{Rule: "write-throttling", Severity: pipeline.SeverityWarning, Node: n.ID,
		Problem: sprintf("Write throttling: %s refuses up to %s Direct PUT records/s; a stream takes 5 MiB/s, 2,000 requests/s and 500,000 records/s (FH-DIRECT-PUT-QUOTA) and producers send %s.",
			n.ID, count(max(ns.Throttled, d.track(n.ID).peakThr)), bytesRate(offered)),
		Fix: "ask AWS to raise the Direct PUT quota (it rises while throttled, FH-DIRECT-PUT-QUOTA), or write to a Kinesis stream that Firehose reads (no quota then, FH-KDS-SOURCE)."})
}

// pollingRule: too many polling consumers on one Kinesis stream
// (KDS-SHARD-READ, KDS-READ-CAPACITY, KDS-POLL-LATENCY).
func (d *Diagnoser) pollingRule() {
	lat := d.sc.Requirements.Latency.Seconds()
	for _, st := range d.ix.Stage(pipeline.Storage) {
		if st.Service.Name != kds {
			continue
		}
		var polling []string
		var readers []*pipeline.Node
		for _, r := range d.ix.Readers(st.ID) {
			if r.Str("read") != efo {
				polling = append(polling, r.ID)
				readers = append(readers, r)
			}
		}
		p := len(polling)
		if p < 3 && !(p >= 2 && lat > 0 && lat < pollDelay(p)) {
			continue
		}
		fix := efoFix(readers, ": 2 MB/s per shard each and about 70 ms (KDS-EFO-THROUGHPUT, KDS-EFO-LATENCY), for $0.015 per consumer-shard-hour plus $0.013 per GB (PRICE-KDS-EFO-SHARD-HOUR, PRICE-KDS-EFO-GB)")
		if fix == "" {
			fix = sprintf("add shards to %s (each adds 2 MB/s and 5 reads/s), or read with fewer consumers: none of these can use enhanced fan-out.", st.ID)
		}
		d.report(Finding{Rule: "polling-consumers", Severity: pipeline.SeverityWarning, Node: st.ID,
			Problem: sprintf("Too many polling consumers: %s (%d) share the 2 MB/s and 5 reads/s of each shard of %s (KDS-SHARD-READ, KDS-GETRECORDS-RATE), and a record takes about %s to reach them (KDS-POLL-LATENCY).",
				listAnd(polling), p, st.ID, secs(pollDelay(p))),
			Fix: fix})
	}
}

// pushbackRule: a destination refuses writes, so its writers hold records and
// their lag grows (DDB-PARTITION-WCU, OS-INSTANCE-CAPACITY, S3-PREFIX-RATE, RS-NODE-CAPACITY).
func (d *Diagnoser) pushbackRule(s pipeline.Snapshot, n *pipeline.Node, refused float64) {
	var writers []string
	for _, w := range d.ix.Writers(n.ID) {
		writers = append(writers, w.ID)
	}
	who := listAnd(writers)
	recsIn, bytesIn := d.sourceFlow(s, n.ID, 0)
	verb := plural(len(writers), "falls", "fall")
	hold := plural(len(writers), "holds", "hold")
	f := Finding{Rule: "pushback", Severity: pipeline.SeverityWarning, Node: n.ID}
	rate := "refuses up to " + count(max(refused, d.track(n.ID).peakThr)) + " writes/s"
	if refused < 0 {
		rate = "refused " + count(-refused) + " write attempts over the run"
	}
	switch n.Service.Name {
	case "dynamodb":
		size := 1024.0
		if recsIn > 0 {
			size = bytesIn / recsIn
		}
		wcu := math.Ceil(math.Max(size, 1)/pipeline.DDBItemUnit - 1e-9)
		need := recsIn * wcu
		hot := d.hotShareUpstream()
		key := hot * need
		switch {
		case key > pipeline.DDBPartitionWCU:
			f.Severity = pipeline.SeverityCritical
			f.Problem = sprintf("DynamoDB pushback: %s %s; the busiest key carries %s of the writes, about %s write units/s on one partition, which takes 1,000 (DDB-PARTITION-WCU). %s %s the refused records and %s behind.",
				n.ID, rate, pct(hot), count(key), who, hold, verb)
			f.Fix = "write-shard the hot key (add a suffix and read with a scatter-gather) or aggregate its writes: no table capacity lifts the partition limit."
		case n.Str("mode") == "on-demand":
			f.Problem = sprintf("DynamoDB pushback: %s %s; the writers need about %s write units/s and a new on-demand table serves 4,000, doubling its headroom only 30 minutes after a new peak (DDB-ONDEMAND-START, DDB-ONDEMAND-SCALING). %s %s behind.",
				n.ID, rate, count(need), who, verb)
			f.Fix = sprintf("pre-warm the table (warm throughput) to at least %s write units/s, or use provisioned mode with that many WCU.", count(math.Ceil(need*1.25)))
			if need*1.25 > pipeline.DDBTableMaxWRU {
				f.Fix = "spread the writes over several tables, or ask AWS for more than a table's 40,000 write units/s (DDB-TABLE-QUOTA)."
			}
		case n.Num("wcu") >= need*1.1:
			// Enough capacity on average: the refusals are bursts (window results,
			// checkpoint pauses, catch-up) above what the partitions take.
			t := d.track(n.ID)
			have := n.Num("wcu")
			peak := max(need, (t.peakIn+t.peakThr)*wcu)
			burst := sprintf("writes arrive at up to about %s/s", count(peak))
			fix := sprintf("smooth the writes (Lambda batching window, smaller or staggered windows) or %s.", wcuFix(n.ID, peak*1.1))
			if peak <= have*1.05 {
				burst = sprintf("within single seconds writes arrive above %s/s (window results, checkpoint pauses, catch-up)", count(have))
				fix = "smooth the writes (Lambda batching window, smaller or staggered windows, spreading a window's results over a few seconds); more WCU only helps as far as it adds partitions."
			}
			f.Problem = sprintf("DynamoDB pushback in bursts: %s %s; its %s WCU cover the average %s write units/s, but %s, and a partition takes at most 1,000 WCU, so burst capacity cannot absorb them (DDB-PARTITION-WCU, DDB-BURST-CAPACITY). %s %s behind meanwhile.",
				n.ID, rate, count(have), count(need), burst, who, verb)
			f.Fix = fix
		default:
			f.Problem = sprintf("DynamoDB pushback: %s %s; %s WCU for about %s write units/s (items of %s). %s %s behind.",
				n.ID, rate, count(n.Num("wcu")), count(need), pipeline.ApproxSize(size), who, verb)
			f.Fix = wcuFix(n.ID, need*1.25) + ", or mode: on-demand."
		}
	case "opensearch":
		per := openSearchPerInstance(n.Str("instance_type"))
		have := float64(n.Int("instances")) * per
		arrive := sprintf("%s arrive", bytesRate(bytesIn))
		if bytesIn < have {
			arrive = sprintf("%s arrive on average but in bursts (window results and Firehose flushes land at once)", bytesRate(bytesIn))
		}
		f.Problem = sprintf("OpenSearch pushback: %s %s; %d × %s index about %s (rule of thumb, OS-INSTANCE-CAPACITY) and %s. %s %s the refused documents (Firehose retries for 300 s, then backs up to S3, FH-RETRY).",
			n.ID, rate, n.Int("instances"), n.Str("instance_type"), bytesRate(have), arrive, who, hold)
		need := ceilDiv(bytesIn, 0.8*per, n.Int("instances")+1)
		f.Fix = sprintf("set %s.instances to at least %d or a larger instance_type, and raise refresh_interval to 60 s or more for heavy ingest (OS-REFRESH).", n.ID, need)
	case "s3":
		f.Problem = sprintf("S3 pushback: %s %s (503 Slow Down): a prefix takes 3,500 PUT/s (S3-PREFIX-RATE).", n.ID, rate)
		f.Fix = sprintf("spread objects over more prefixes (set %s.prefixes), or write fewer, larger objects (bigger buffers or batches).", n.ID)
	case "redshift":
		f.Problem = sprintf("Redshift pushback: %s %s; %d nodes load about %s (rule of thumb, RS-NODE-CAPACITY) and %s arrive.",
			n.ID, rate, n.Int("nodes"), bytesRate(float64(n.Int("nodes"))*10*pipeline.MiB), bytesRate(bytesIn))
		f.Fix = sprintf("set %s.nodes to at least %d, or load fewer, larger files (RS-COPY-FILES).", n.ID, ceilDiv(bytesIn, 8*pipeline.MiB, n.Int("nodes")+1))
	default:
		return
	}
	d.report(f)
}

// openSearchPerInstance is OS-INSTANCE-CAPACITY, streamsim's bulk-indexing
// rule of thumb (AWS publishes none), bytes/s per instance.
func openSearchPerInstance(t string) float64 {
	switch t {
	case "t3.medium.search":
		return 2 * pipeline.MiB
	case "m6g.large.search":
		return 4 * pipeline.MiB
	case "r6g.xlarge.search":
		return 10 * pipeline.MiB
	case "r6g.2xlarge.search":
		return 20 * pipeline.MiB
	}
	return 5 * pipeline.MiB
}

// hotShareUpstream is the heaviest key's share among the producers (what a
// DynamoDB table keyed like the stream sees on its busiest partition).
func (d *Diagnoser) hotShareUpstream() float64 {
	var h float64
	for _, p := range d.ix.Stage(pipeline.Producer) {
		h = max(h, hotShare(p))
	}
	return h
}
