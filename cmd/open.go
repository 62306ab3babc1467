package cmd

import (
	"context"
	"errors"
	"fmt"
	"os"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	simbackend "github.com/streamsim/streamsim/backends/sim"
	"github.com/streamsim/streamsim/internal/textsafe"
	"github.com/streamsim/streamsim/scenarios"
	"github.com/streamsim/streamsim/ui"
	"github.com/streamsim/streamsim/ui/common"
)

func newOpenCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "open SCENARIO",
		Short: "Open a scenario in the TUI's pipeline builder",
		Long: `open loads SCENARIO (a YAML file or a built-in name) and shows it in the
builder: edit it, save it, and press r to watch it run.

The scenario is checked first: if it is not valid, every problem is printed
and open exits with status 2 before the TUI starts. Without a terminal (or
on a dumb one, TERM=dumb) it only checks the scenario.`,
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: completeScenario,
		RunE: func(c *cobra.Command, args []string) error {
			sc, err := mustLoad(c, args[0])
			if err != nil {
				return err
			}
			path := ""
			if fi, err := os.Stat(args[0]); err == nil && !fi.IsDir() {
				path = args[0] // a file: s saves back to it; a built-in asks where
			}
			if !interactive(c) {
				fmt.Fprintf(c.ErrOrStderr(), "%s is valid; the builder needs a terminal (try 'streamsim run %[1]s')\n", textsafe.Line(args[0]))
				return nil
			}
			return runTUI(c.Context(), ui.Options{Open: sc, OpenPath: path})
		},
	}
}

// interactive reports whether the TUI can run: stdin and the command's stdout
// (under the textsafe guard) are both terminals, and TERM does not say the
// terminal is dumb (it could not draw a screen).
func interactive(c *cobra.Command) bool {
	out, ok := fileOf(c.OutOrStdout())
	return ok && term.IsTerminal(os.Stdin.Fd()) && term.IsTerminal(out.Fd()) && !dumbTerminal(os.Environ())
}

// runTUI runs the TUI full-screen until the user quits.
func runTUI(ctx context.Context, o ui.Options) error {
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // stops a run still going when the program ends
	if o.Builtins == nil {
		builtins, err := loadBuiltins()
		if err != nil {
			return err
		}
		o.Builtins = builtins
	}
	o.Ctx = ctx
	// Runs start paused: the dashboard sets the speed, then resumes. A run
	// nearing the memory the process may use stops with "out of memory".
	mem := detectMemLimit(realMemProbe())
	applyGoMemLimit(mem, os.Getenv)
	o.Backend = simbackend.New(simbackend.Options{Paused: true, MemoryLimit: mem.bytes, MemorySource: mem.source})
	// The view asks for the alternate screen. The profile honours NO_COLOR and
	// CI as the rest of the commands do.
	p := tea.NewProgram(ui.New(o), tea.WithContext(ctx), tea.WithColorProfile(tuiProfile(os.Stdout, os.Environ())))
	if _, err := p.Run(); err != nil && !errors.Is(err, tea.ErrProgramKilled) {
		return fmt.Errorf("tui: %w", err)
	}
	return nil
}

// loadBuiltins loads every built-in scenario for the picker.
func loadBuiltins() ([]common.Builtin, error) {
	var out []common.Builtin
	for _, name := range scenarios.Names() {
		sc, err := scenarios.Load(name)
		if err != nil {
			return nil, fmt.Errorf("built-in scenario %s: %w", name, err)
		}
		out = append(out, common.Builtin{Name: name, Scenario: sc})
	}
	return out, nil
}
