package advice

import (
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/streamsim/streamsim/pipeline"
)

// Finish applies the rules that need the whole run: idle capacity, lag that
// never drained, read throttling, expired records, budget and latency against
// the requirements. metrics are the run's final metrics ("node.metric" in base
// units, as sim.Result has them) or nil; where they are missing the last
// snapshot is used. Call it once, after the last Observe; later Observe calls
// are ignored.
func (d *Diagnoser) Finish(metrics map[string]float64) {
	if d.finished {
		return
	}
	d.finished = true
	d.final = metrics
	s := d.last
	get := func(k string) (float64, bool) {
		v, ok := metrics[k]
		return v, ok && !math.IsNaN(v)
	}
	for i := range s.Nodes {
		ns := &s.Nodes[i]
		n := d.ix.Node(ns.ID)
		if n == nil {
			continue
		}
		id := n.ID
		switch n.Stage {
		case pipeline.Storage:
			if v, ok := get(id + ".throttled_records"); ok && v > 0 &&
				!d.has("write-throttling", id) && !d.has("hot-key", id) && !d.has("hot-shard", id) && !d.has("outage", id) {
				d.throttledOverRun(n, v, get)
			}
			if v, ok := get(id + ".expired_records"); ok && v > 0 && ns.Lost < v {
				ns.Lost = v
				d.iteratorAgeRule(s, n, ns)
			}
			if v, ok := get(id + ".read_throttled"); ok && v > 0 {
				d.readThrottleRule(n, v)
			}
			d.idleStorage(n, ns, get)
		case pipeline.Consumer:
			d.lagRule(s, n, ns, true)
			if f := adviceOf(n).bufferRule; f != nil {
				f(d, s, n, ns, true)
			}
			d.idleConsumer(n, get)
		case pipeline.Destination:
			// Refusals an outage explains are its finding's (outageRule).
			if v, ok := get(id + ".throttled_records"); ok && v > 0 && !d.has("pushback", id) && !d.has("outage", id) {
				d.pushbackRule(s, n, -v)
			}
		}
	}
	d.budgetRule(s, get)
	d.latencyRule(s, get)
	d.refreshFixes(s)
	d.pastLag(s, get)
	d.rejudge(s)
}

// pastLag rewrites a "Lag growing" finding whose consumer caught up by the
// end: it happened, but it is not the state the run ends in.
func (d *Diagnoser) pastLag(s pipeline.Snapshot, get func(string) (float64, bool)) {
	for i, f := range d.list {
		if f.Rule != "lag" || !strings.HasPrefix(f.Problem, "Lag growing") {
			continue
		}
		n := d.ix.Node(f.Node)
		end, ok := get(f.Node + ".lag_records")
		if !ok {
			if ns := d.snap(s, f.Node); ns != nil {
				end, ok = ns.Lag, true
			}
		}
		if n == nil || !ok || end > 0.5 {
			continue
		}
		var worst float64
		for _, p := range d.track(f.Node).lag {
			worst = max(worst, p.v)
		}
		d.list[i].Severity = pipeline.SeverityInfo
		d.list[i].Past = true
		when := "growing at times from " + pipeline.FormatDuration(f.From.Truncate(time.Second)) + " to " + pipeline.FormatDuration(f.Until.Truncate(time.Second))
		if f.Until-f.From < time.Second {
			when = "growing at " + pipeline.FormatDuration(f.From.Truncate(time.Second))
		}
		d.list[i].Problem = sprintf("Lag during the run (%s): %s fell up to %s records behind %s and caught up by the end.",
			when, f.Node, count(worst), n.From)
	}
}

// refreshFixes recomputes the fixes of consumer findings made during the
// run: the whole run (outages, failed batches, read throttling) may now
// point at a different cause.
func (d *Diagnoser) refreshFixes(s pipeline.Snapshot) {
	for i, f := range d.list {
		n := d.ix.Node(f.Node)
		if n == nil || n.Stage != pipeline.Consumer {
			continue
		}
		switch f.Rule {
		case "lag":
			d.list[i].Fix = d.consumerFix(s, n)
		case "iterator-age":
			d.list[i].Fix = d.consumerFix(s, n) + sprintf(" Raising %s.retention only buys time.", n.From)
		}
	}
}

type getter func(string) (float64, bool)

// throttledOverRun reports write throttling the snapshots did not catch, from
// the run's totals.
func (d *Diagnoser) throttledOverRun(n *pipeline.Node, refused float64, get getter) {
	ld := StreamLoad(d.orig, n.ID)
	f := Finding{Rule: "write-throttling", Severity: pipeline.SeverityWarning, Node: n.ID}
	peak, _ := get(n.ID + ".max_shard_utilization")
	f.Problem = sprintf("Write throttling: %s refused %s write attempts over the run; its busiest unit peaked at %s of its write limit.",
		n.ID, count(refused), pct(peak))
	if h := adviceOf(n).throttleFix; h != nil {
		f.Fix = h(n, ld)
	} else {
		f.Fix = "add capacity (partitions, brokers or streams) for the peak."
	}
	d.report(f)
}

// readThrottleRule: polling reads refused (KDS-SHARD-READ and
// KDS-GETRECORDS-RATE: 2 MB/s and 5 calls/s per shard shared by every
// polling consumer).
func (d *Diagnoser) readThrottleRule(n *pipeline.Node, refused float64) {
	var polling []string
	var readers []*pipeline.Node
	for _, r := range d.ix.Readers(n.ID) {
		if r.Str("read") != efo {
			polling = append(polling, r.ID)
			readers = append(readers, r)
		}
	}
	if len(polling) >= 2 {
		fix := efoFix(readers, ": 2 MB/s per shard each (KDS-EFO-THROUGHPUT), $0.015 per consumer-shard-hour plus $0.013 per GB (PRICE-KDS-EFO-SHARD-HOUR, PRICE-KDS-EFO-GB)")
		if fix == "" {
			fix = sprintf("add shards to %s (each adds 2 MB/s and 5 reads/s), or read with fewer consumers: none of these can use enhanced fan-out.", n.ID)
		}
		d.report(Finding{Rule: "polling-consumers", Severity: pipeline.SeverityWarning, Node: n.ID,
			Problem: sprintf("Too many polling consumers: %s share the 2 MB/s and 5 reads/s of each shard of %s (KDS-SHARD-READ, KDS-GETRECORDS-RATE), and %s read calls were refused over the run.",
				listAnd(polling), n.ID, count(refused)),
			Fix: fix})
		return
	}
	if len(polling) == 1 {
		// A reader short of processing capacity asks for its backlog; its
		// capacity, not the read budget, is what to fix (see its lag).
		if _, short, _ := d.capacity(d.last, d.ix.Node(polling[0])); short {
			return
		}
	}
	who := "its consumer"
	fix := sprintf("add shards to %s, or read with enhanced fan-out (its own 2 MB/s per shard, KDS-EFO-THROUGHPUT).", n.ID)
	if len(polling) == 1 {
		who = polling[0]
		c := d.ix.Node(who)
		if !c.Service.CanUseEFO() {
			fix = sprintf("add shards to %s: %s reads by polling only and cannot use enhanced fan-out.", n.ID, who)
		}
		if t := d.tracks[who]; t != nil && t.failedSecs > 0 {
			who += " (catching up after its outage)"
			faster := "more shards"
			if c.Service.CanUseEFO() {
				faster = "more shards or enhanced fan-out"
			}
			fix = sprintf("nothing to add for the outage's sake: a reader catching up reads as fast as a shard allows. Keep %s.retention longer than the outage plus the catch-up (see %s's finding); %s only make the catch-up shorter.",
				n.ID, polling[0], faster)
		}
	}
	d.report(Finding{Rule: "read-throttling", Severity: pipeline.SeverityWarning, Node: n.ID,
		Problem: sprintf("Read throttling: %s read calls to %s were refused over the run; %s wants more than a shard's 2 MB/s or 5 reads/s (KDS-SHARD-READ, KDS-GETRECORDS-RATE).",
			count(refused), n.ID, who),
		Fix: fix})
}

// idleFloor is the peak utilisation below which capacity counts as idle, and
// idleTarget the utilisation a smaller setup should peak at.
const (
	idleFloor  = 0.20
	idleTarget = 0.80
)

// idleStorage: shards or brokers that stay mostly unused, with what removing
// them saves (the PRICE-KDS and PRICE-MSK rules).
func (d *Diagnoser) idleStorage(n *pipeline.Node, ns *pipeline.NodeSnapshot, get getter) {
	t := d.track(n.ID)
	peak := t.peakUnit
	if v, ok := get(n.ID + ".max_shard_utilization"); ok {
		peak = max(peak, v)
	}
	scale, over := d.judgedOver(n.ID)
	peak *= scale
	peakInB := t.peakInB * scale
	if h := adviceOf(n).idle; h != nil {
		h(d, n, ns, idleAt{peak: peak, peakInB: peakInB, over: over})
	}
}

// idleConsumer: compute units that stay mostly unused (Flink KPUs, Glue
// workers, EMR or app instances), with what removing them saves (their PRICE rules).
func (d *Diagnoser) idleConsumer(n *pipeline.Node, get getter) {
	key, units, _ := perUnit(n)
	if key == "" || units < 2 || autoscaling(n) != "" {
		return
	}
	// A consumer that fell behind, or that its targets held back, did less
	// than it was asked to: its utilisation says nothing about its size.
	if d.has("lag", n.ID) || d.has("iterator-age", n.ID) {
		return
	}
	for _, t := range n.To {
		if tt := d.tracks[t]; tt != nil && tt.peakThr > 0 {
			return
		}
	}
	util := d.track(n.ID).peakUtil
	if v, ok := get(n.ID + ".utilization_max"); ok {
		util = max(util, v)
	}
	scale, over := d.judgedOver(n.ID)
	util *= scale
	if util >= idleFloor || util <= 0 {
		return
	}
	need := max(1, ceilDiv(units*util, idleTarget, 1))
	if float64(need) >= units {
		return
	}
	var per float64
	if f := adviceOf(n).unitMonthly; f != nil {
		per = f(n)
	}
	d.report(Finding{Rule: "idle", Severity: pipeline.SeverityInfo, Node: n.ID,
		Problem: sprintf("Idle capacity: %s's %s %s peak at %s of their processing capacity%s.", n.ID, trim1(units), key, pct(util), over),
		Fix:     sprintf("set %s.%s to %d: saves about %s per month (%s each).", n.ID, key, need, money((units-float64(need))*per), money(per))})
}

// budgetRule: the estimated monthly cost against requirements.budget.
func (d *Diagnoser) budgetRule(s pipeline.Snapshot, get getter) {
	req := d.sc.Requirements
	if !slices.Contains(req.Set, "budget") {
		return
	}
	total, ok := get("pipeline.cost_monthly")
	if !ok {
		total = s.Pipeline.CostMonthly
	}
	if total <= req.Budget {
		return
	}
	type item struct {
		id   string
		cost float64
		pos  int
	}
	var items []item
	for i, n := range d.sc.Nodes {
		c, ok := get(n.ID + ".cost_monthly")
		if !ok {
			if ns := d.snap(s, n.ID); ns != nil {
				c = ns.CostMonthly
			}
		}
		if c > 0 {
			items = append(items, item{n.ID, c, i})
		}
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i].cost > items[j].cost })
	var top []string
	for i, it := range items {
		if i == 3 {
			break
		}
		top = append(top, it.id+" "+money(it.cost))
	}
	f := Finding{Rule: "budget", Severity: pipeline.SeverityWarning, Node: "pipeline",
		Problem: sprintf("Over budget: the estimated %s per month exceeds the %s budget by %s; the largest items are %s.",
			money(total), money(req.Budget), money(total-req.Budget), listAnd(top))}
	f.Fix = "cut the largest item first"
	if len(items) > 0 {
		f.Fix += " (" + items[0].id + ")"
	}
	f.Fix += "; the idle-capacity findings, if any, say what can go."
	d.report(f)
}

// delay is a fixed delay on the way a record takes, for latencyRule.
type delay struct {
	node, what, fix string
	secs            float64
}

// idleAt is what idleStorage judged a store's use over.
type idleAt struct {
	peak    float64 // the busiest unit's peak share of its write limit
	peakInB float64 // the peak bytes/s in
	over    string  // what the peak is judged over (judgedOver), for the text
}

// latencyRule: the p99 misses requirements.latency; name the largest fixed
// delay on the way (a Firehose buffer, a window, polling, retries, lag).
func (d *Diagnoser) latencyRule(s pipeline.Snapshot, get getter) {
	req := d.sc.Requirements.Latency.Seconds()
	if req <= 0 {
		return
	}
	p99, ok := get("pipeline.latency_p99")
	if !ok {
		p99 = s.Pipeline.LatencyP99
	}
	if p99 <= req {
		return
	}
	for _, f := range d.list {
		if f.Rule == "firehose-buffer" {
			return // that finding already says where the time goes
		}
	}
	var ds []delay
	for i := range s.Nodes {
		ns := &s.Nodes[i]
		n := d.ix.Node(ns.ID)
		if n == nil {
			continue
		}
		if w, what := windowOf(n); w > 0 {
			ds = append(ds, delay{n.ID, "the " + secs(w) + " " + what, "shorten " + what + ", or emit early results.", w})
		}
		if f := adviceOf(n).delay; f != nil {
			if dl, ok := f(d, s, n, ns); ok {
				ds = append(ds, dl)
			}
		}
		if t := d.tracks[n.ID]; n.Stage == pipeline.Consumer && t != nil && t.failedSecs > 0 {
			ds = append(ds, delay{n.ID, "the " + secs(t.failedSecs) + " outage of " + n.ID, d.consumerFix(s, n), t.failedSecs})
		}
		if t := d.tracks[n.ID]; n.Stage != pipeline.Consumer && t != nil && t.failedSecs > 0 {
			ds = append(ds, delay{n.ID, "the " + secs(t.failedSecs) + " outage of " + n.ID, d.outageFix(n), t.failedSecs})
		}
		if n.Stage == pipeline.Consumer {
			age := ns.IterAge
			if t := d.tracks[n.ID]; t != nil {
				for _, p := range t.age {
					age = max(age, p.v)
				}
			}
			if age > 0 {
				ds = append(ds, delay{n.ID, n.ID + " reading up to " + secs(age) + " behind", d.consumerFix(s, n), age})
			}
		}
		if n.Stage == pipeline.Producer {
			if r, ok := get(n.ID + ".retried_records"); ok && r > 0 {
				ds = append(ds, delay{n.ID, "retries of throttled writes from " + n.ID + " (backoff doubles up to 10 s)", "stop the throttling (see the write-throttling or hot-key finding).", n.Dur("retries.backoff").Seconds() * 8})
			}
		}
	}
	f := Finding{Rule: "latency", Severity: pipeline.SeverityWarning, Node: "pipeline"}
	if len(ds) == 0 {
		f.Problem = sprintf("Latency: the p99 is %s against the required %s.", secs(p99), secs(req))
		f.Fix = "look for queues that grow (lag, iterator age) along the slowest path."
		d.report(f)
		return
	}
	sort.SliceStable(ds, func(i, j int) bool { return ds[i].secs > ds[j].secs })
	f.Node = ds[0].node
	f.Problem = sprintf("Latency: the p99 is %s against the required %s; the largest delay on the way is %s.", secs(p99), secs(req), ds[0].what)
	f.Fix = ds[0].fix
	d.report(f)
}
