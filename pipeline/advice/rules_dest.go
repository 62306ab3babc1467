package advice

import "github.com/streamsim/streamsim/pipeline"

// Destination rules: a destination that pushes back on its writers.

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
	h := adviceOf(n).pushback
	if h == nil {
		return
	}
	h(d, &f, n, pushback{rate: rate, who: who, verb: verb, hold: hold, recsIn: recsIn, bytesIn: bytesIn})
	d.report(f)
}

// pushback is what pushbackRule has found of a destination's refusals, for
// its service's text (serviceAdvice.pushback).
type pushback struct {
	rate            string  // "refuses up to N writes/s", or the run's total
	who, verb, hold string  // its writers, and "falls"/"fall", "holds"/"hold" to agree
	recsIn, bytesIn float64 // what arrives, per second
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
