package advice

import (
	"math"

	"github.com/streamsim/streamsim/pipeline"
)

// Storage rules: hot keys and units, write throttling, iterator age.

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
		if h := adviceOf(n).hotUnitFix; h != nil {
			f.Fix = h(idx)
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
	h := adviceOf(n).writeThrottle
	if h == nil {
		return
	}
	h(d, &f, n, throttled{thr: thr, recs: wr, bytes: wb, units: units, util: u, lost: lost})
	d.report(f)
}

// throttled is what writeThrottleRule has found of a store's refusals, for
// its service's text (serviceAdvice.writeThrottle).
type throttled struct {
	thr         float64 // write attempts refused per second, at the peak
	recs, bytes float64 // what the producers send at the peak, per second
	units       int     // its shards, partitions or streams now
	util        float64 // the busiest unit's peak share of its write limit
	lost        string  // "; N records lost …", or ""
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
