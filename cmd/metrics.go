package cmd

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/streamsim/streamsim/pipeline"
)

func newMetricsCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "metrics SCENARIO",
		Short: "List the metric names that expect can use for a scenario",
		Long: `List every metric an expect line of the scenario can name, as node.metric,
with its unit and meaning. Write values in the metric's unit:

  count     0, 1500, 10k, 2M
  bytes     512B, 5MiB, 1GB
  seconds   a duration: 500ms, 90s, 2m
  dollars   $800
  ratio     80% or 0.8`,
		Example:           "  streamsim metrics seed-pipeline",
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: completeScenario,
		RunE: func(c *cobra.Command, args []string) error {
			s, err := mustLoad(c, args[0])
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(c.OutOrStdout(), 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "METRIC\tUNIT\tMEANING")
			for _, m := range s.MetricNames() {
				fmt.Fprintf(tw, "%s\t%s\t%s\n", m.Name, unitName(m.Unit), m.Doc)
			}
			return tw.Flush()
		},
	}
}

// unitName is how the metrics listing names a unit.
func unitName(u pipeline.Unit) string {
	switch u {
	case pipeline.UnitCount:
		return "count"
	case pipeline.UnitBytes:
		return "bytes"
	case pipeline.UnitSeconds:
		return "seconds"
	case pipeline.UnitDollars:
		return "dollars"
	case pipeline.UnitRatio:
		return "ratio"
	}
	return "?"
}
