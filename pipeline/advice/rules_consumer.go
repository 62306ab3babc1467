package advice

import (
	"math"

	"github.com/streamsim/streamsim/pipeline"
)

// Consumer rules: lag, capacity, Firehose buffering and Direct PUT, polling.

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
	if f := adviceOf(c).stuck; f != nil {
		if fix := f(d, c); fix != "" {
			return fix
		}
	}
	fix, short, known := d.capacity(s, c)
	if short {
		return fix
	}
	src := d.ix.Node(srcID)
	polling := c.Str("read") != efo && src != nil && src.Service.EnhancedFanOut
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
	if f := adviceOf(c).capacity; f != nil {
		return f(c, units, srcR)
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
	fix += autoscaling(c)
	return fix, true, true
}

// pollingRule: too many polling consumers on one Kinesis stream
// (KDS-SHARD-READ, KDS-READ-CAPACITY, KDS-POLL-LATENCY).
func (d *Diagnoser) pollingRule() {
	lat := d.sc.Requirements.Latency.Seconds()
	for _, st := range d.ix.Stage(pipeline.Storage) {
		if !st.Service.EnhancedFanOut {
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
