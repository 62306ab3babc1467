package cmd

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/streamsim/streamsim/internal/textsafe"
	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/ui"
)

// Exit codes of the CLI contract.
const (
	exitOK      = 0 // success
	exitFailed  = 1 // the run worked but an expectation (or target) does not hold
	exitInvalid = 2 // invalid input or usage
	exitMemory  = 3 // a simulation needs more memory than the process may use
)

// exitError ends a command with an exit code. A nil err means the command has
// already said everything it had to say.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// invalid ends a command with exit code 2 and the message of err.
func invalid(err error) error { return &exitError{code: exitInvalid, err: err} }

// Execute runs streamsim with the process's arguments and returns the exit code.
func Execute() int {
	return ExecuteArgs(os.Args[1:], os.Stdout, os.Stderr)
}

// ExecuteArgs runs streamsim with args (without the program name), writing to
// stdout and stderr, and returns the exit code. Tests call it in-process.
func ExecuteArgs(args []string, stdout, stderr io.Writer) int {
	// Everything a command prints passes one guard: text from a file, an
	// argument, a report or AWS that reached a print unescaped still cannot
	// act on the terminal. Colours pass only where the summary uses them: on
	// a terminal that shows colour (terminal.go).
	env := os.Environ()
	out, errw := newTermWriter(stdout, env), newTermWriter(stderr, env)
	defer out.Flush()
	defer errw.Flush()
	return execute(args, out, errw)
}

func execute(args []string, stdout, stderr io.Writer) int {
	root := newRootCmd()
	if args == nil {
		args = []string{} // cobra reads os.Args when given nil
	}
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	c, err := root.ExecuteC()
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintf(stderr, "streamsim: %s\n", textsafe.Block(ee.err.Error()))
		}
		return ee.code
	}
	// Anything else comes from cobra before a command ran: a usage error.
	fmt.Fprintf(stderr, "streamsim: %s\n", textsafe.Block(err.Error()))
	if c == nil {
		c = root
	}
	fmt.Fprintf(stderr, "Run '%s --help' for usage.\n", c.CommandPath())
	return exitInvalid
}

// newRootCmd builds the command tree. It holds no state between runs, so every
// ExecuteArgs starts afresh.
func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "streamsim",
		Short: "Design and simulate AWS streaming pipelines",
		Long: `streamsim designs and simulates streaming pipelines on AWS:
producers → Kinesis / MSK → Firehose / Flink / Lambda / … → S3 / OpenSearch / …

A SCENARIO argument is a path to a YAML file or the name of a built-in
scenario (see 'streamsim scenarios'); a file of that name wins.`,
		Version:       versionLine(),
		SilenceErrors: true,
		SilenceUsage:  true,
		RunE:          runDefault,
	}
	root.SetVersionTemplate("{{.Version}}\n")
	// A mistyped command gets "Did you mean this?" with the commands at most
	// two edits away (or starting with what was typed); a mistyped flag gets
	// the same from suggestFlag. `completion` is listed like any command.
	root.SuggestionsMinimumDistance = 2
	root.SetFlagErrorFunc(suggestFlag)
	root.AddCommand(
		newRunCmd(),
		newOpenCmd(),
		newValidateCmd(),
		newGraphCmd(),
		newScenariosCmd(),
		newMetricsCmd(),
		newAdviseCmd(),
		newSizeCmd(),
		newCompareCmd(),
		newTestCmd(),
		newSweepCmd(),
		newExplainCmd(),
		newVersionCmd(),
		newCleanupCmd(),
		newImportCmd(),
		newWorkshopCmd(),
		newServeCmd(),
	)
	return root
}

// suggestFlag adds the nearest flag of the command to an unknown-flag
// error, in cobra's words for a mistyped command:
//
//	unknown flag: --sed
//
//	Did you mean this?
//		--seed
//
// The nearest is the one within pipeline.Suggest's edit distance, else the
// only flag that starts with what was typed. pflag gives no suggestion of its
// own; other flag errors (a bad value, a missing one) pass unchanged.
func suggestFlag(c *cobra.Command, err error) error {
	var ne *pflag.NotExistError
	if !errors.As(err, &ne) {
		return err
	}
	typed := ne.GetSpecifiedName()
	if typed == "" { // a shorthand such as -x: too short to guess from
		return err
	}
	var names, prefixed []string
	c.Flags().VisitAll(func(f *pflag.Flag) {
		if f.Hidden || f.Deprecated != "" {
			return
		}
		names = append(names, f.Name)
		if len(typed) >= 2 && strings.HasPrefix(f.Name, typed) {
			prefixed = append(prefixed, f.Name)
		}
	})
	best := pipeline.Suggest(typed, names)
	if best == "" && len(prefixed) == 1 {
		best = prefixed[0]
	}
	if best == "" {
		return err
	}
	return fmt.Errorf("%w\n\nDid you mean this?\n\t--%s", err, best)
}

// runDefault is what `streamsim` without a command does: the TUI on the
// scenario picker when stdin and stdout are terminals (and TERM is not dumb),
// the help otherwise (so CI, pipes and dumb terminals get text and exit 0).
func runDefault(c *cobra.Command, _ []string) error {
	if !interactive(c) {
		return c.Help()
	}
	return runTUI(c.Context(), ui.Options{})
}
