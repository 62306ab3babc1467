package advice

import (
	"math"
	"strings"
	"time"

	"github.com/streamsim/streamsim/pipeline"
)

// ---- outages ----

// inOutageNow reports whether a node is out of service in this snapshot:
// failed by the timeline (`fail:`), or an MSK cluster with brokers out of
// service (`brokers_down`).
func (d *Diagnoser) inOutageNow(ns *pipeline.NodeSnapshot) bool {
	if ns.Failed {
		return true
	}
	n := d.ix.Node(ns.ID)
	if n == nil {
		return false
	}
	f := adviceOf(n).partlyDown
	return f != nil && f(n)
}

// noteOutage follows a node's outage episodes: an episode starts when the
// node goes out of service and lasts until it is back and refuses nothing
// more (the writers' backlog it held back has been taken), or at most twice
// the outage and five minutes more: refusals that go on longer are a lack of
// capacity the outage only revealed. What the node refuses in an episode is
// the outage's doing.
func (d *Diagnoser) noteOutage(ns *pipeline.NodeSnapshot, now float64) {
	t := d.track(ns.ID)
	switch {
	case d.inOutageNow(ns):
		if !t.inOutage {
			t.downFrom = now
			if t.outageEnd == 0 {
				t.outageFrom = now
			}
		}
		t.inOutage = true
		t.outageEnd = now
	case t.inOutage && (ns.Throttled < 0.5 || now-t.outageEnd > 300+2*(t.outageEnd-t.downFrom)):
		t.inOutage = false
	}
	if t.inOutage {
		t.outagePeakThr = max(t.outagePeakThr, ns.Throttled)
		t.outageLost = max(t.outageLost, ns.LostWrites)
	}
}

// outageWhen says when a node was out of service, from the timeline when it
// has the entry ("from 20m for 4m"), else from the snapshots.
func (d *Diagnoser) outageWhen(n *pipeline.Node) string {
	for _, c := range d.orig.Timeline {
		if c.Fail == n.ID {
			if c.For > 0 {
				return "from " + pipeline.FormatDuration(c.At) + " for " + pipeline.FormatDuration(c.For) + " (the timeline's fail)"
			}
			return "from " + pipeline.FormatDuration(c.At) + " to the end (the timeline's fail)"
		}
	}
	var from, to string
	lost := 0.0
	for _, c := range d.orig.Timeline {
		for _, a := range c.Set {
			switch {
			case a.Node != n.ID || a.Key != "brokers_down":
			case a.Value.Num > 0 && from == "":
				from, lost = pipeline.FormatDuration(c.At), a.Value.Num
			case a.Value.Num == 0 && from != "" && to == "":
				to = pipeline.FormatDuration(c.At)
			}
		}
	}
	if from != "" {
		if to == "" {
			to = "the end"
		}
		return sprintf("from %s to %s (the timeline takes %s %s out of service)", from, to, count(lost), plural(int(lost), "broker", "brokers"))
	}
	t := d.track(n.ID)
	return sprintf("from about %s to %s", pipeline.FormatDuration(secondsDuration(t.outageFrom)), pipeline.FormatDuration(secondsDuration(t.outageEnd)))
}

// outageRule: a node refuses writes because it is (or was just) out of
// service. The refusals are the outage's, not a lack of capacity, so the fix
// is for the outage: retries that outlast it, a backup or a dead-letter
// queue, replicas.
func (d *Diagnoser) outageRule(s pipeline.Snapshot, n *pipeline.Node, ns *pipeline.NodeSnapshot) {
	t := d.track(n.ID)
	f := Finding{Rule: "outage", Severity: pipeline.SeverityWarning, Node: n.ID}
	var who []string
	for _, w := range d.ix.Writers(n.ID) {
		who = append(who, w.ID)
	}
	f.Problem = sprintf("Outage: %s was out of service %s and refused up to %s writes/s while it was down and while %s caught up after it",
		n.ID, d.outageWhen(n), count(max(ns.Throttled, t.outagePeakThr)), listAnd(who))
	if h := adviceOf(n).outage; h != nil {
		if why, _ := h(n); why != "" {
			f.Problem += why
		}
	}
	if l := max(t.outageLost, d.lostTo(s, n, ns)); l > 0 {
		f.Severity = pipeline.SeverityCritical
		f.lost = l
		f.Problem += sprintf("; %s records were lost when their writers' retries ran out", count(l))
	}
	f.Problem += ". These refusals come from the outage, not from a lack of capacity."
	f.Fix = d.outageFix(n)
	d.report(f)
}

// outageFix is what makes an outage of n cost time rather than records,
// for the writers it has.
func (d *Diagnoser) outageFix(n *pipeline.Node) string {
	var parts []string
	if h := adviceOf(n).outage; h != nil {
		if _, fix := h(n); fix != "" {
			parts = append(parts, fix)
		}
	}
	outage := d.outageSeconds(n)
	var prods, firehoses, others []string
	for _, w := range d.ix.Writers(n.ID) {
		switch {
		case w.Stage == pipeline.Producer:
			if need := retriesFor(w.Dur("retries.backoff").Seconds(), outage); need > w.Int("retries.max") {
				parts = append(parts, sprintf("set %s.retries.max to at least %d so its retries (backoff %s, doubling up to 10 s) outlast a %s outage, or buffer records at the producer until the target is back",
					w.ID, need, secs(w.Dur("retries.backoff").Seconds()), secs(outage)))
			} else {
				prods = append(prods, w.ID)
			}
		case adviceOf(w).backsUp:
			firehoses = append(firehoses, w.ID)
		default:
			others = append(others, w.ID)
		}
	}
	if len(prods) > 0 {
		parts = append(parts, sprintf("%s already retry long enough to outlast it", listAnd(prods)))
	}
	if len(firehoses) > 0 {
		parts = append(parts, sprintf("%s retries for %s and then writes what it could not deliver to its S3 backup (FH-RETRY): keep the backup, alarm on backup_records and re-drive it after a longer outage",
			listAnd(firehoses), secs(retryWindowOf(n))))
	}
	if len(others) > 0 {
		parts = append(parts, sprintf("let %s retry its writes with backoff for longer than the outage and send what still fails to a dead-letter queue (for Lambda an on-failure destination) to re-drive later; the stream keeps the backlog meanwhile", listAnd(others)))
	}
	if len(parts) == 0 {
		return "nothing to add for capacity: make the writers retry for longer than the outage, or keep what fails in a backup or dead-letter queue."
	}
	return strings.Join(parts, "; ") + "."
}

// outageSeconds is how long n was out of service, from the timeline (or the
// snapshots).
func (d *Diagnoser) outageSeconds(n *pipeline.Node) float64 {
	var longest float64
	for _, c := range d.orig.Timeline {
		if c.Fail == n.ID {
			l := c.For.Seconds()
			if c.For <= 0 {
				l = (d.orig.Duration - c.At).Seconds()
			}
			longest = max(longest, l)
		}
	}
	if longest > 0 {
		return longest
	}
	t := d.track(n.ID)
	return max(1, t.outageEnd-t.outageFrom)
}

// retryWindowOf is how long Firehose retries a destination (FH-RETRY).
func retryWindowOf(n *pipeline.Node) float64 {
	if w := adviceOf(n).retryWindow; w > 0 {
		return w
	}
	return pipeline.FirehoseS3RetryS
}

// retriesFor is the retries a producer needs, with the backoff doubling from
// backoff up to 10 s, to keep trying for at least outage seconds.
func retriesFor(backoff, outage float64) int {
	backoff = max(backoff, 0.01)
	var waited float64
	n := 0
	for waited < outage && n < 1000 {
		waited += min(backoff*math.Pow(2, float64(n)), 10)
		n++
	}
	return n
}

// wcuFix asks for a provisioned table's write capacity: at most the 40,000
// WCU a table has by default (DDB-TABLE-QUOTA); beyond that, more tables or a
// quota increase.
func wcuFix(id string, need float64) string {
	if need = math.Ceil(need); need <= pipeline.DDBTableMaxWRU {
		return sprintf("set %s.wcu to at least %s", id, count(need))
	}
	return sprintf("spread the writes over several tables or ask AWS for more than a table's 40,000 WCU (DDB-TABLE-QUOTA): %s needs about %s", id, count(need))
}

// ---- numbers of the node a finding is about ----

// lostTo is the records lost because node n refused them: what its writers
// gave up on after its refusals (LostWrites). Without that figure (another
// backend), the loss of producers that write only to n.
func (d *Diagnoser) lostTo(s pipeline.Snapshot, n *pipeline.Node, ns *pipeline.NodeSnapshot) float64 {
	if ns.LostWrites > 0 {
		return ns.LostWrites
	}
	var l float64
	for _, w := range d.ix.Writers(n.ID) {
		if w.Stage != pipeline.Producer || len(w.To) != 1 {
			continue
		}
		if ws := s.Node(w.ID); ws != nil {
			l += ws.Lost
		}
	}
	return l
}

// shardsForPeak is the provisioned shards a peak of recs records/s and bytes
// bytes/s needs with 25% headroom, and why: every finding that sizes a
// Kinesis stream for its peak sizes it the same way.
func shardsForPeak(recs, bytes float64) (int, string) {
	return kdsShardsFor(recs/idleTarget, bytes/idleTarget, 0)
}

// ---- judging again at the end ----

// pastAfter is how long a live finding must have stopped holding before the
// end of the run to count as past: a minute and three snapshots; for one
// that came and went again and again (bursts at every window), also half
// again the longest pause it had, so that recurring bursts are not called
// over.
func (d *Diagnoser) pastAfter(f Finding) time.Duration {
	after := max(time.Minute, 3*d.interval)
	if f.pause >= 2 {
		after = max(after, f.gap*3/2)
	}
	return after
}

// rejudge looks at every finding the live rules made again at the end of the
// run: one whose condition no longer held at the end is past, and says when
// it held; its severity drops a step unless records were lost. A
// write-throttling finding on a stream with a hot key, or one asking for
// shards the stream has by the end, gets a fix that says so.
func (d *Diagnoser) rejudge(s pipeline.Snapshot) {
	end := s.Time
	for i := range d.list {
		f := &d.list[i]
		if h := adviceOf(d.ix.Node(f.Node)); f.Rule == "write-throttling" && h.rejudgeThrottle != nil {
			h.rejudgeThrottle(d, f)
		}
		d.finalLoss(s, f)
		if f.Past || !f.live || end-f.Until <= d.pastAfter(*f) {
			continue
		}
		f.Past = true
		when := "from " + pipeline.FormatDuration(f.From.Truncate(time.Second)) + " to " + pipeline.FormatDuration(f.Until.Truncate(time.Second))
		switch {
		case f.Rule == "iterator-age" && strings.HasPrefix(f.Problem, "Iterator age rising"):
			f.Problem = d.pastIteratorAge(s, f, when)
			if strings.HasSuffix(f.Problem, "caught up by the end.") {
				f.Fix = strings.TrimSuffix(f.Fix, sprintf(" Raising %s.retention only buys time.", d.sourceOf(f.Node)))
			}
		case f.Rule == "lag" && strings.HasPrefix(f.Problem, "Lag growing"):
			f.Problem = d.pastLagGrowing(s, f, when)
		default:
			f.Problem = "Over by the end (it held " + when + "). " + f.Problem
		}
		if f.lost <= 0 {
			switch f.Severity {
			case pipeline.SeverityCritical:
				f.Severity = pipeline.SeverityWarning
			case pipeline.SeverityWarning:
				f.Severity = pipeline.SeverityInfo
			}
		}
	}
}

// sourceOf is the stream a consumer reads, or id itself.
func (d *Diagnoser) sourceOf(id string) string {
	if c := d.ix.Node(id); c != nil && c.From != "" {
		return c.From
	}
	return id
}

// finalLoss updates the loss a write-throttling or outage finding quotes to
// the end of the run: writers give up on records after the last snapshot
// the finding was made on, and the finding quotes its own node's loss
// (LostWrites), so the findings of two targets add up to what was lost.
func (d *Diagnoser) finalLoss(s pipeline.Snapshot, f *Finding) {
	if f.lost <= 0 || (f.Rule != "write-throttling" && f.Rule != "outage") {
		return
	}
	n, ns := d.ix.Node(f.Node), s.Node(f.Node)
	if n == nil || ns == nil {
		return
	}
	end := d.lostTo(s, n, ns)
	if end <= f.lost {
		return
	}
	f.Problem = strings.Replace(f.Problem, count(f.lost)+" records", count(end)+" records", 1)
	f.lost = end
}

// pastIteratorAge rewrites an "Iterator age rising" finding whose age stopped
// rising before the end: no projection to the retention, what it reached and
// where it ended.
func (d *Diagnoser) pastIteratorAge(s pipeline.Snapshot, f *Finding, when string) string {
	c := d.ix.Node(f.Node)
	src := f.Node
	if c != nil && c.From != "" {
		src = c.From
	}
	var peak, endAge float64
	for _, id := range []string{f.Node, src} {
		t := d.track(id)
		for _, p := range t.age {
			peak = max(peak, p.v)
		}
	}
	if ns := s.Node(f.Node); ns != nil {
		endAge = ns.IterAge
	}
	if v, ok := d.final[f.Node+".iterator_age_max"]; ok {
		peak = max(peak, v)
	}
	ret := ""
	if st := d.ix.Node(src); st != nil && st.Dur("retention") > 0 {
		ret = sprintf(", well within its %s retention", secs(st.Dur("retention").Seconds()))
	}
	out := sprintf("Iterator age rose %s: %s fell up to %s behind on %s%s", when, f.Node, secs(peak), src, ret)
	if endAge < 60 {
		return out + ", and caught up by the end."
	}
	return out + sprintf("; it no longer rises, and ends %s behind.", secs(endAge))
}

// pastLagGrowing rewrites a "Lag growing" finding whose lag stopped growing
// before the end but did not drain (pastLag handles lag that drained).
func (d *Diagnoser) pastLagGrowing(s pipeline.Snapshot, f *Finding, when string) string {
	c := d.ix.Node(f.Node)
	src := ""
	if c != nil {
		src = c.From
	}
	var worst, end float64
	for _, p := range d.track(f.Node).lag {
		worst = max(worst, p.v)
	}
	if ns := s.Node(f.Node); ns != nil {
		end = ns.Lag
	}
	if v, ok := d.final[f.Node+".lag_records"]; ok {
		end = v
	}
	return sprintf("Lag grew %s: %s fell up to %s records behind %s; it no longer grows, and ends %s behind.", when, f.Node, count(worst), src, count(end))
}

// ---- what shrink advice is judged over ----

// judgedOver says over what a run's peak was seen, for advice that capacity
// can shrink. A run that covered the whole scenario saw its peaks: 1 and "".
// One that stopped early (the builder's estimate simulates the first
// minutes) may have missed them, so it returns how much higher the
// scenario's own load into id peaks over its whole duration (its producers'
// patterns and the timeline's rate changes, StreamLoad) than over the part
// simulated, and words that say so: the peak utilisation seen, times that
// factor, is what a smaller setup must carry.
func (d *Diagnoser) judgedOver(id string) (float64, string) {
	seen, whole := d.last.Time, d.orig.Duration
	if !d.seen || seen >= whole-d.orig.Tick {
		return 1, ""
	}
	if d.loadsSeen == nil {
		part := d.orig.Clone()
		part.Duration = seen
		all := d.orig.Clone()
		all.Requirements.Throughput = pipeline.Rate{} // the load the producers make, not the requirement
		part.Requirements.Throughput = pipeline.Rate{}
		d.loadsSeen, d.loadsAll = newLoads(part), newLoads(all)
	}
	upto, ever := d.loadsSeen.of(id), d.loadsAll.of(id)
	over := sprintf(", judged over the first %s of the scenario's %s", pipeline.FormatDuration(seen), pipeline.FormatDuration(whole))
	if upto.PeakBytes <= 0 || ever.PeakBytes <= upto.PeakBytes*(1+1e-6) {
		return 1, over + " (its load peaks no higher later)"
	}
	ratio := ever.PeakBytes / upto.PeakBytes
	return ratio, over + sprintf(", with the load scaled up %s× to the scenario's later peak (%s, from its pattern and timeline)",
		trim1(ratio), bytesRate(ever.PeakBytes))
}
