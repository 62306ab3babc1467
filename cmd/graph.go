package cmd

import (
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/streamsim/streamsim/pipeline"
)

func newGraphCmd() *cobra.Command {
	format := &enumValue{value: "mermaid", allowed: []string{"mermaid", "dot"}, kind: "format"}
	c := &cobra.Command{
		Use:   "graph SCENARIO",
		Short: "Print the pipeline as a Mermaid or Graphviz diagram",
		Long: `Print the pipeline as a diagram: producers, stream storage, consumers and
destinations as four groups, left to right, each node with its service and
key settings.

Mermaid renders in GitHub and GitLab Markdown inside a "mermaid" code block;
DOT renders with Graphviz: streamsim graph seed-pipeline --format dot | dot -Tsvg > pipeline.svg`,
		Example:           "  streamsim graph seed-pipeline\n  streamsim graph my-pipeline.yaml --format dot",
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: completeScenario,
		RunE: func(c *cobra.Command, args []string) error {
			s, err := mustLoad(c, args[0])
			if err != nil {
				return err
			}
			out := pipeline.Mermaid(s)
			if format.value == "dot" {
				out = pipeline.Dot(s)
			}
			_, err = fmt.Fprint(c.OutOrStdout(), out)
			return err
		},
	}
	c.Flags().VarP(format, "format", "f", "diagram format: mermaid or dot")
	_ = c.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(format.allowed, cobra.ShellCompDirectiveNoFileComp))
	return c
}

// enumValue is a flag that accepts one of a fixed list of words.
type enumValue struct {
	value   string
	allowed []string
	kind    string // shown as the flag's type in help
}

func (e *enumValue) String() string { return e.value }

func (e *enumValue) Set(v string) error {
	if !slices.Contains(e.allowed, v) {
		return fmt.Errorf("expected %s", strings.Join(e.allowed, " or "))
	}
	e.value = v
	return nil
}

func (e *enumValue) Type() string { return e.kind }
