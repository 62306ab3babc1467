package cmd

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

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
			fmt.Fprintf(stderr, "streamsim: %v\n", ee.err)
		}
		return ee.code
	}
	// Anything else comes from cobra before a command ran: a usage error.
	fmt.Fprintf(stderr, "streamsim: %v\n", err)
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
	root.CompletionOptions.HiddenDefaultCmd = true
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
		newExplainCmd(),
		newVersionCmd(),
		newCleanupCmd(),
	)
	return root
}

// runDefault is what `streamsim` without a command does: the TUI on the
// scenario picker when stdin and stdout are terminals, the help otherwise (so
// CI and pipes get text and exit 0).
func runDefault(c *cobra.Command, _ []string) error {
	if !interactive(c) {
		return c.Help()
	}
	return runTUI(c.Context(), ui.Options{})
}
