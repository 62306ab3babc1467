package advice

import "github.com/streamsim/streamsim/pipeline"

// AWS Glue streaming ETL: workers (DPUs) and its window.

func init() {
	register(pipeline.GlueStreaming, &serviceAdvice{
		window: func(n *pipeline.Node) (float64, string) { return n.Dur("window").Seconds(), n.ID + ".window" },
		monthly: func(n *pipeline.Node) float64 {
			_, units, per := perUnit(n)
			return units * per / (4 * pipeline.MiB) * hours * pipeline.GlueDPUHour
		},
		unitMonthly: func(n *pipeline.Node) float64 {
			_, _, b := perUnit(n)
			return b / (4 * pipeline.MiB) * hours * pipeline.GlueDPUHour
		},
	})
}
