// Package cmd is streamsim's command line: one cobra command per verb of the
// CLI contract (shared/cli-contract.md), and the exit codes it promises.
//
// cmd is the only package that reads flags, environment and files on behalf of
// the user. It may import ui, backends, pipeline and scenarios; nothing imports
// it except main.
//
// Commands return errors from RunE and never call os.Exit: an *exitError carries
// the code (0 success, 1 an expectation failed, 2 invalid input or usage, 3
// out of memory: a simulation needs more than the process may use), and
// any other error is a usage error from cobra (unknown command or flag, wrong
// number of arguments), which also exits 2.
package cmd
