package cmd

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/streamsim/streamsim/internal/textsafe"
	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/scenarios"
)

// scenarioSource says where a SCENARIO argument was found.
type scenarioSource struct {
	arg  string // as given on the command line
	file string // the name problems are reported under
}

// loadScenario resolves a SCENARIO argument, a path or a built-in name (a file
// that exists wins), and loads it. The error is pipeline.Problems when the file
// was read but is not a valid scenario.
func loadScenario(arg string) (*pipeline.Scenario, scenarioSource, error) {
	src := scenarioSource{arg: arg, file: arg}
	fi, statErr := os.Stat(arg)
	if statErr == nil && !fi.IsDir() {
		s, err := pipeline.LoadFile(arg)
		return s, src, err
	}
	if _, ok := scenarios.Read(arg); ok {
		src.file = scenarios.FileName(arg)
		s, err := scenarios.Load(arg)
		return s, src, err
	}
	if !errors.Is(statErr, fs.ErrNotExist) {
		// A directory, or a path we may not look at: let the loader say why.
		s, err := pipeline.LoadFile(arg)
		return s, src, err
	}
	return nil, src, notFound(arg)
}

// notFound explains that arg is neither a file nor a built-in scenario.
func notFound(arg string) error {
	msg := fmt.Sprintf("%s: no such file, and no built-in scenario of that name", textsafe.Line(arg))
	if m := pipeline.Suggest(strings.TrimSuffix(arg, ".yaml"), scenarios.Names()); m != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", m)
	}
	return errors.New(msg + "; 'streamsim scenarios' lists the built-ins")
}

// writeLoadError prints why a scenario did not load: every problem on its own
// line as file:line:col: path: message, or the one error prefixed by the file.
func writeLoadError(w io.Writer, src scenarioSource, err error) {
	var ps pipeline.Problems
	if errors.As(err, &ps) {
		for _, p := range ps {
			fmt.Fprintln(w, p.Error())
		}
		return
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, src.arg+":") {
		msg = src.file + ": " + msg
	}
	fmt.Fprintln(w, textsafe.Line(msg))
}

// mustLoad loads the scenario of a command that needs exactly one valid file:
// on failure it reports to stderr and returns the exit error for code 2.
func mustLoad(c *cobra.Command, arg string) (*pipeline.Scenario, error) {
	s, src, err := loadScenario(arg)
	if err != nil {
		writeLoadError(c.ErrOrStderr(), src, err)
		return nil, &exitError{code: exitInvalid}
	}
	return s, nil
}

// scenarioTitle is "name — title" for a heading, escaped.
func scenarioTitle(s *pipeline.Scenario) string {
	if s.Title == "" {
		return s.Name
	}
	return s.Name + " — " + textsafe.Line(s.Title)
}

// completeScenario offers the built-in names and YAML files for a SCENARIO argument.
func completeScenario(_ *cobra.Command, _ []string, _ string) ([]string, cobra.ShellCompDirective) {
	return scenarios.Names(), cobra.ShellCompDirectiveDefault
}
