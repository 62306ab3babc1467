package advice

import "github.com/streamsim/streamsim/pipeline"

// Amazon EMR: instances, and Spark Streaming's micro-batch.

func init() {
	register(pipeline.EMR, &serviceAdvice{
		window: func(n *pipeline.Node) (float64, string) {
			if n.Str("engine") == "spark-streaming" {
				return n.Dur("batch").Seconds(), n.ID + ".batch"
			}
			return 0, ""
		},
		stateful: func(*pipeline.Node) bool { return true },
		follows:  []string{selectFlink, selectLambda},
		monthly: func(n *pipeline.Node) float64 {
			return float64(n.Int("instances")) * hours * (pipeline.EC2M5XLargeHour + pipeline.EMRUpliftPerHour)
		},
		unitMonthly: func(*pipeline.Node) float64 { return hours * (pipeline.EC2M5XLargeHour + pipeline.EMRUpliftPerHour) },
	})
}
