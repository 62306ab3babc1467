package cmd

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/streamsim/streamsim/internal/textsafe"
)

func newValidateCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "validate SCENARIO...",
		Short: "Check scenario files and print every problem with file:line:col",
		Long: `Check scenario files against the scenario format.

Every problem is printed on its own line as FILE:LINE:COL: PATH: MESSAGE, and
each valid file as FILE: ok. The exit code is 0 when every file is valid and 2
otherwise.`,
		Example:           "  streamsim validate my-pipeline.yaml seed-pipeline",
		Args:              cobra.MinimumNArgs(1),
		ValidArgsFunction: completeScenario,
		RunE: func(c *cobra.Command, args []string) error {
			out := c.OutOrStdout()
			bad := 0
			for _, arg := range args {
				_, src, err := loadScenario(arg)
				if err != nil {
					writeLoadError(out, src, err)
					bad++
					continue
				}
				fmt.Fprintf(out, "%s: ok\n", textsafe.Line(src.file))
			}
			if bad > 0 {
				return invalid(fmt.Errorf("%d of %d %s invalid", bad, len(args), plural(len(args), "scenario", "scenarios")))
			}
			return nil
		},
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
