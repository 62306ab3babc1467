package advice

import "github.com/streamsim/streamsim/pipeline"

// A consumer application (KCL) on instances of its own.

func init() {
	register(pipeline.App, &serviceAdvice{
		follows: []string{selectLambda},
		monthly: func(n *pipeline.Node) float64 {
			return float64(n.Int("instances")) * hours * pipeline.AppInstanceHour
		},
		unitMonthly: func(*pipeline.Node) float64 { return hours * pipeline.AppInstanceHour },
	})
}
