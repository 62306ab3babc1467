package advice

import "github.com/streamsim/streamsim/pipeline"

// Amazon S3: prefixes and their request rates.

func init() {
	register(pipeline.S3, &serviceAdvice{
		pushback: (*Diagnoser).s3Pushback,
	})
}

// s3Pushback is a bucket's pushback: a prefix's PUT rate.
func (d *Diagnoser) s3Pushback(f *Finding, n *pipeline.Node, p pushback) {
	rate := p.rate
	f.Problem = sprintf("S3 pushback: %s %s (503 Slow Down): a prefix takes 3,500 PUT/s (S3-PREFIX-RATE).", n.ID, rate)
	f.Fix = sprintf("spread objects over more prefixes (set %s.prefixes), or write fewer, larger objects (bigger buffers or batches).", n.ID)
}
