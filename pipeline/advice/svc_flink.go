package advice

import "github.com/streamsim/streamsim/pipeline"

// Managed Service for Apache Flink: KPUs, windows, autoscaling.

func init() {
	register(pipeline.Flink, &serviceAdvice{
		window:   func(n *pipeline.Node) (float64, string) { return n.Dur("window").Seconds(), n.ID + ".window" },
		stateful: func(n *pipeline.Node) bool { return n.Dur("window") > 0 },
		autoscaling: func(n *pipeline.Node) string {
			if n.Bool("autoscaling") {
				return " Autoscaling adds KPUs only after 15 minutes at 75% CPU (FLINK-AUTOSCALING)."
			}
			return ""
		},
		follows: []string{selectFlink, selectLambda},
		monthly: func(n *pipeline.Node) float64 {
			k := float64(n.Int("kpus"))
			return (k+1)*hours*pipeline.FlinkKPUHour + k*pipeline.FlinkStoragePerKPUMo
		},
		unitMonthly: func(*pipeline.Node) float64 { return hours*pipeline.FlinkKPUHour + pipeline.FlinkStoragePerKPUMo },
	})
}
