package cmd

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/streamsim/streamsim/pipeline"
)

func newExplainCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "explain [ID]",
		Short: "Show a rule of the rule book: its numbers, AWS source and confidence",
		Long: `Show one rule of streamsim's rule book: the AWS limit, quota or price (or
streamsim's own assumption) that an advice message or a report cites by id,
with its numbers, the AWS page that publishes it, how sure the number is and
when it was checked. Without an ID, list every rule with its statement.

Prices are us-east-1. docs/aws-limits.md is the whole book.

Exit codes: 0, or 2 for an unknown id.`,
		Example: `  streamsim explain
  streamsim explain DDB-PARTITION-WCU`,
		Args:              cobra.MaximumNArgs(1),
		ValidArgsFunction: completeRule,
		RunE: func(c *cobra.Command, args []string) error {
			if len(args) == 0 {
				return listRules(c.OutOrStdout())
			}
			r, ok := pipeline.LookupRule(args[0])
			if !ok {
				return invalid(unknownRule(args[0]))
			}
			writeRule(c.OutOrStdout(), r)
			return nil
		},
	}
}

// unknownRule explains that id is not in the rule book.
func unknownRule(id string) error {
	msg := fmt.Sprintf("%s: no rule of that id", id)
	if m := pipeline.Suggest(strings.ToUpper(id), pipeline.RuleIDs()); m != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", m)
	}
	return errors.New(msg + "; 'streamsim explain' lists them")
}

func listRules(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tRULE")
	for _, r := range pipeline.Rules() {
		fmt.Fprintf(tw, "%s\t%s\n", r.ID, r.Statement)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, ruleHint)
	return nil
}

// ruleHint tells a reader of cited ids where to look them up.
const ruleHint = "'streamsim explain ID' shows a rule's numbers, AWS source and confidence; prices are us-east-1."

// writeRule prints one rule: id and service, statement, then labelled lines.
func writeRule(w io.Writer, r pipeline.Rule) {
	fmt.Fprintf(w, "%s · %s\n", r.ID, r.Service)
	fmt.Fprintln(w, wrapText(r.Statement, textWidth, ""))
	fmt.Fprintln(w)
	var numbers []string
	for _, n := range r.Numbers {
		numbers = append(numbers, r.NumberText(n))
	}
	writeLabelled(w, "numbers", numbers, "")
	for i, s := range r.Sources {
		label := ""
		if i == 0 {
			label = "source"
		}
		writeLabelled(w, label, []string{s.Title}, "")
		writeLabelled(w, "", []string{sourceURL(s), s.Note}, "  ")
	}
	writeLabelled(w, "confidence", []string{r.Conf.String()}, "")
	writeLabelled(w, "checked", []string{r.CheckedText()}, "")
}

// writeLabelled prints lines under a label, the label on the first only;
// empty lines are left out and sub indents the text.
func writeLabelled(w io.Writer, label string, lines []string, sub string) {
	pad := strings.Repeat(" ", 14) + sub
	for _, l := range lines {
		if l == "" {
			continue
		}
		fmt.Fprintf(w, "  %-10s  %s%s\n", label, sub, wrapText(l, textWidth-len(pad), pad))
		label = ""
	}
}

// sourceURL is a source's address, or says it has none.
func sourceURL(s pipeline.Source) string {
	if s.URL == "" && !s.Own {
		return "(no web address)"
	}
	return s.URL
}

// completeRule offers the rule ids for an ID argument.
func completeRule(_ *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	return pipeline.RuleIDs(), cobra.ShellCompDirectiveNoFileComp
}
