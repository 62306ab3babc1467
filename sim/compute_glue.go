package sim

import "github.com/streamsim/streamsim/pipeline"

// glue is AWS Glue streaming ETL: workers of a type (DPUs each, GLUE-WORKER-TYPES)
// and a micro-batch window.
type glue struct{}

func init() { computes[pipeline.GlueStreaming] = func() compute { return glue{} } }

func (glue) configure(_ *Engine, p *processor) {
	p.units = float64(p.n.Int("workers")) * pipeline.GlueDPU(p.n.Str("worker_type")) // DPUs
	p.window = p.n.Dur("window").Seconds()
}

func (glue) capUnits(p *processor) float64                { return unitsByRule(p) }
func (glue) perShard() bool                               { return false }
func (glue) wire(*Engine, *processor)                     {}
func (glue) beforeRead(*Engine, *processor, bool) float64 { return 0 }
func (glue) closing(p *processor) (runTime, fold float64) { return batchTime(p), 0 }
func (glue) metrics(*processor, map[string]float64)       {}

// cost: PRICE-GLUE-DPU-HOUR per DPU.
func (glue) cost(_ *Engine, p *processor, h float64) float64 {
	return p.units * h * pipeline.GlueDPUHour
}
