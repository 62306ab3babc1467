package pipeline

// RatesSince fills the snapshot's per-second rates from the change of its
// running totals since prev, an earlier snapshot of the same run (nil: its
// start). A snapshot is a pure read of the run; whoever reads a run's
// snapshots keeps its own previous one, so the screen's pace never changes
// what the advisor or a report sees. Over no time (prev at the same tick)
// the rates stay prev's, and refused reads are 0.
func (s *Snapshot) RatesSince(prev *Snapshot) {
	var start Snapshot
	if prev == nil {
		prev = &start
	}
	el := float64(s.Tick-prev.Tick) * s.TickLen.Seconds()
	if el <= 0 {
		for i := range s.Nodes {
			n := &s.Nodes[i]
			if i < len(prev.Nodes) {
				p := &prev.Nodes[i]
				n.InRate, n.OutRate, n.InBytesRate, n.Throttled = p.InRate, p.OutRate, p.InBytesRate, p.Throttled
			}
			n.ReadThrottled = 0
		}
		s.Pipeline.ThrottledRate = prev.Pipeline.ThrottledRate
		return
	}
	var own float64
	for i := range s.Nodes {
		n := &s.Nodes[i]
		var p NodeSnapshot
		if i < len(prev.Nodes) {
			p = prev.Nodes[i]
		}
		n.InRate = (n.RecordsIn - p.RecordsIn) / el
		n.OutRate = (n.RecordsOut - p.RecordsOut) / el
		n.InBytesRate = (n.BytesIn - p.BytesIn) / el
		n.Throttled = (n.Refused - p.Refused) / el
		n.ReadThrottled = (n.ReadsRefused - p.ReadsRefused) / el
		own += (n.OwnRefused - p.OwnRefused) / el
	}
	s.Pipeline.ThrottledRate = own
}

// Rater gives a run's snapshots their rates, each over the time since the
// snapshot given before it.
type Rater struct {
	prev Snapshot
	has  bool
}

// Next fills s's rates since the snapshot given before (or the run's start)
// and returns it.
func (r *Rater) Next(s Snapshot) Snapshot {
	if r.has {
		s.RatesSince(&r.prev)
	} else {
		s.RatesSince(nil)
	}
	r.prev, r.has = s, true
	return s
}
