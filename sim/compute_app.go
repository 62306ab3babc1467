package sim

import "github.com/streamsim/streamsim/pipeline"

// app is a consumer application (KCL) on instances of its own.
type app struct{}

func init() { computes[pipeline.App] = func() compute { return app{} } }

func (app) configure(_ *Engine, p *processor) {
	p.units = float64(p.n.Int("instances"))
}

func (app) capUnits(p *processor) float64                { return unitsByRule(p) }
func (app) perShard() bool                               { return false }
func (app) wire(*Engine, *processor)                     {}
func (app) beforeRead(*Engine, *processor, bool) float64 { return 0 }
func (app) closing(p *processor) (runTime, fold float64) { return batchTime(p), 0 }
func (app) metrics(*processor, map[string]float64)       {}

// cost: an instance-hour each.
func (app) cost(_ *Engine, p *processor, h float64) float64 {
	return p.units * h * pipeline.AppInstanceHour
}
