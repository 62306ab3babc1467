package sim

import "github.com/streamsim/streamsim/pipeline"

func init() { dests[pipeline.S3] = func() destKind { return s3{} } }

// s3 is an S3 bucket: each prefix takes so many PUTs a second
// (S3-PREFIX-RATE); the records come in objects (Firehose's, a file sink's).
type s3 struct{ destBase }

func (s3) budget(_ *Engine, d *dest, dt float64) {
	d.budO, d.limO = pipeline.S3PutPerPrefix*d.cfg.prefixes*dt, true // S3-PREFIX-RATE
}

func (s3) metrics(d *dest, m map[string]float64) { m["objects"] = d.objects }

func (s3) cost(e *Engine, d *dest, _, gbIn float64) float64 {
	return e.monthly(d.objects)/1000*pipeline.S3PutPer1000 + gbIn*pipeline.S3StoragePerGBMo
}

func (s3) objectStore() bool { return true }
