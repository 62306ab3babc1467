package advice

import "github.com/streamsim/streamsim/pipeline"

// Amazon OpenSearch Service: instances and their indexing capacity.

func init() {
	register(pipeline.OpenSearch, &serviceAdvice{
		monthly: func(n *pipeline.Node) float64 {
			return float64(n.Int("instances")) * hours * pipeline.OpenSearchInstanceH
		},
		pushback:    (*Diagnoser).openSearchPushback,
		retryWindow: pipeline.FirehoseOSRetryS,
	})
}

// openSearchPushback is an OpenSearch domain's pushback: its instances against the documents arriving.
func (d *Diagnoser) openSearchPushback(f *Finding, n *pipeline.Node, p pushback) {
	rate, who, hold, bytesIn := p.rate, p.who, p.hold, p.bytesIn
	th := n.Service.Thumb
	per, have := th.PerUnit(n), th.Capacity(n)
	arrive := sprintf("%s arrive", bytesRate(bytesIn))
	if bytesIn < have {
		arrive = sprintf("%s arrive on average but in bursts (window results and Firehose flushes land at once)", bytesRate(bytesIn))
	}
	f.Problem = sprintf("OpenSearch pushback: %s %s; %d × %s index about %s (rule of thumb, OS-INSTANCE-CAPACITY) and %s. %s %s the refused documents (Firehose retries for 300 s, then backs up to S3, FH-RETRY).",
		n.ID, rate, n.Int("instances"), n.Str("instance_type"), bytesRate(have), arrive, who, hold)
	need := ceilDiv(bytesIn, 0.8*per, n.Int("instances")+1)
	f.Fix = sprintf("set %s.instances to at least %d or a larger instance_type, and raise refresh_interval to 60 s or more for heavy ingest (OS-REFRESH).", n.ID, need)
}
