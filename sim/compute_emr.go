package sim

import "github.com/streamsim/streamsim/pipeline"

// emr is Amazon EMR running Spark Streaming (micro-batches), Flink or Storm on
// its instances.
type emr struct{}

func init() { computes[pipeline.EMR] = func() compute { return emr{} } }

func (emr) configure(_ *Engine, p *processor) {
	p.units = float64(p.n.Int("instances"))
	if p.n.Str("engine") == "spark-streaming" {
		p.window = p.n.Dur("batch").Seconds()
	}
}

func (emr) capUnits(p *processor) float64                { return unitsByRule(p) }
func (emr) perShard() bool                               { return false }
func (emr) wire(*Engine, *processor)                     {}
func (emr) beforeRead(*Engine, *processor, bool) float64 { return 0 }
func (emr) closing(p *processor) (runTime, fold float64) { return batchTime(p), 0 }
func (emr) metrics(*processor, map[string]float64)       {}

// cost: an m5.xlarge-class instance and EMR's uplift per instance-hour.
func (emr) cost(_ *Engine, p *processor, h float64) float64 {
	return p.units * h * (pipeline.EC2M5XLargeHour + pipeline.EMRUpliftPerHour)
}
