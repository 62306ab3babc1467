package advice

import "github.com/streamsim/streamsim/pipeline"

// Amazon Redshift: nodes and their load capacity.

func init() {
	register(pipeline.Redshift, &serviceAdvice{
		monthly: func(n *pipeline.Node) float64 {
			return float64(n.Int("nodes")) * hours * pipeline.RedshiftNodeHour
		},
	})
}
