package cmd

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/streamsim/streamsim/internal/textsafe"
	"github.com/streamsim/streamsim/scenarios"
)

func newScenariosCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "scenarios",
		Short: "List the built-in scenarios with titles and the services they use",
		Long: `List the built-in scenarios. Use a NAME wherever a SCENARIO is expected, for
example 'streamsim graph seed-pipeline'.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			tw := tabwriter.NewWriter(c.OutOrStdout(), 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tTITLE\tSERVICES")
			for _, name := range scenarios.Names() {
				s, err := scenarios.Load(name)
				if err != nil {
					// A broken built-in is a bug in this program; still list the rest.
					fmt.Fprintf(c.ErrOrStderr(), "streamsim: built-in scenario %s does not load:\n%v\n", name, err)
					fmt.Fprintf(tw, "%s\t(does not load)\t\n", name)
					continue
				}
				var services []string
				for _, svc := range s.Services() {
					services = append(services, string(svc.Name))
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\n", name, textsafe.Line(s.Title), strings.Join(services, ", "))
			}
			return tw.Flush()
		},
	}
}
