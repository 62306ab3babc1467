package advice

import "github.com/streamsim/streamsim/pipeline"

// Amazon Redshift: nodes and their load capacity.

func init() {
	register(pipeline.Redshift, &serviceAdvice{
		monthly: func(n *pipeline.Node) float64 {
			return float64(n.Int("nodes")) * hours * pipeline.RedshiftNodeHour
		},
		pushback:    (*Diagnoser).redshiftPushback,
		retryWindow: pipeline.FirehoseRSRetryS,
	})
}

// redshiftPushback is a Redshift cluster's pushback: its nodes against what they load.
func (d *Diagnoser) redshiftPushback(f *Finding, n *pipeline.Node, p pushback) {
	rate, bytesIn := p.rate, p.bytesIn
	f.Problem = sprintf("Redshift pushback: %s %s; %d nodes load about %s (rule of thumb, RS-NODE-CAPACITY) and %s arrive.",
		n.ID, rate, n.Int("nodes"), bytesRate(n.Service.Thumb.Capacity(n)), bytesRate(bytesIn))
	f.Fix = sprintf("set %s.nodes to at least %d, or load fewer, larger files (RS-COPY-FILES).", n.ID, ceilDiv(bytesIn, 0.8*n.Service.Thumb.PerUnit(n), n.Int("nodes")+1))
}
