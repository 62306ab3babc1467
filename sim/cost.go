package sim

import (
	"github.com/streamsim/streamsim/pipeline"
)

const secondsPerMonth = pipeline.HoursPerMonth * 3600

// monthly converts a run total into a monthly amount at the run's average rate.
func (e *Engine) monthly(total float64) float64 {
	el := e.elapsed()
	if el <= 0 {
		return 0
	}
	return total / el * secondsPerMonth
}

func (e *Engine) elapsed() float64 { return float64(e.tick) * e.dt }

// cost is a node's estimated monthly cost at the run's average load, from the
// prices of shared/aws-facts.md (rows cited in pipeline/facts.go).
func (e *Engine) cost(m model) float64 {
	n := m.node()
	st := m.stats()
	h := float64(pipeline.HoursPerMonth)
	gbIn := e.monthly(st.inB) / pipeline.GB
	switch x := m.(type) {
	case *stream:
		return e.streamCost(x, gbIn)
	case *firehose:
		// PRICE-FH-INGEST: each record billed rounded up to 5 KB (not for an MSK source).
		billed := gbIn
		if x.src == nil || x.src.kind.firehoseRoundsRecords() {
			billed = e.monthly(st.in) * e.unitsPerRecord(n.ID, pipeline.FirehoseBillUnit, x.src != nil) * pipeline.FirehoseBillUnit / pipeline.GB
		}
		c := billed * pipeline.FirehosePerGB
		if f := n.Str("format"); f == "parquet" || f == "orc" {
			c += gbIn * pipeline.FirehoseConvertPerGB
		}
		return c
	case *processor:
		return x.kind.cost(e, x, h)
	case *dest:
		return x.kind.cost(e, x, h, gbIn)
	}
	return 0
}

func (e *Engine) streamCost(s *stream, gbIn float64) float64 {
	gbOut := 0.0
	efo := 0
	var efoGB float64
	for _, r := range s.readers {
		gb := e.monthly(r.outB) / pipeline.GB
		gbOut += gb
		if r.efo {
			efo++
			efoGB += gb
		}
	}
	return s.kind.cost(e, s, streamTraffic{gbIn: gbIn, gbOut: gbOut, efoGB: efoGB, efo: efo})
}
