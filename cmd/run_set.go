package cmd

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/streamsim/streamsim/internal/textsafe"
	"github.com/streamsim/streamsim/pipeline"
)

// applyOverrides applies --seed, --duration and --set to s, then validates the
// result. Every bad flag is reported, not just the first. A --set is made
// before the run starts, through pipeline's ApplyChange like every other
// change: everything that validation allows.
func applyOverrides(c *cobra.Command, s *pipeline.Scenario, f *runFlags) error {
	var bad []string
	changed := false
	if c.Flags().Changed("seed") {
		s.Seed = f.seed
	}
	if c.Flags().Changed("duration") {
		d, err := pipeline.ParseDuration(f.duration)
		switch {
		case err != nil:
			bad = append(bad, fmt.Sprintf("--duration %v", err))
		case d <= 0:
			bad = append(bad, fmt.Sprintf("--duration %q: the run must last longer than 0s", f.duration))
		default:
			s.Duration, changed = d, true
		}
	}
	for _, set := range f.sets {
		ref, text, ok := strings.Cut(set, "=")
		ref, text = strings.TrimSpace(ref), strings.TrimSpace(text)
		if !ok || ref == "" || text == "" {
			bad = append(bad, fmt.Sprintf("--set %q: expected node.key=value such as clicks.shards=8", set))
			continue
		}
		if err := checkSetKey(s, ref); err != nil {
			bad = append(bad, textsafe.Line(fmt.Sprintf("--set %s: %v", set, err)))
			continue
		}
		a, err := s.ParseAssignment(ref, text)
		if err != nil {
			bad = append(bad, textsafe.Line(fmt.Sprintf("--set %s: %s", set, strings.TrimPrefix(err.Error(), ref+": "))))
			continue
		}
		applied, err := s.ApplyChange(pipeline.Change{Set: []pipeline.Assignment{a}}, pipeline.ChangeOptions{})
		if err != nil {
			bad = append(bad, textsafe.Line(fmt.Sprintf("--set %s: %v", set, err)))
			continue
		}
		changed = true
		for _, o := range applied.Set {
			for _, key := range o.Dropped {
				fmt.Fprintf(c.ErrOrStderr(), "--set %s: %s's %s are dropped: its shards split the hash-key space evenly\n", textsafe.Line(set), o.Node, key)
			}
		}
	}
	w := c.ErrOrStderr()
	if len(bad) > 0 {
		for _, b := range bad {
			fmt.Fprintln(w, b)
		}
		return &exitError{code: exitInvalid}
	}
	if changed {
		if ps := s.Validate(); len(ps) > 0 {
			for _, p := range ps {
				fmt.Fprintln(w, p.Error())
			}
			return invalid(errors.New("the scenario is not valid with these overrides"))
		}
	}
	return nil
}

// checkSetKey checks the node.key of a --set or --vary against the scenario
// and the catalog (pipeline's CheckSetRef): the node must exist and the key
// must be one that a change may set (a numeric key, or mode and read).
func checkSetKey(s *pipeline.Scenario, ref string) error { return s.CheckSetRef(ref) }
