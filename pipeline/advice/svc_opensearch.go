package advice

import "github.com/streamsim/streamsim/pipeline"

// Amazon OpenSearch Service: instances and their indexing capacity.

func init() {
	register(pipeline.OpenSearch, &serviceAdvice{
		monthly: func(n *pipeline.Node) float64 {
			return float64(n.Int("instances")) * hours * pipeline.OpenSearchInstanceH
		},
	})
}
