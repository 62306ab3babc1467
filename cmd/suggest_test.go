package cmd

import (
	"regexp"
	"strings"
	"testing"
)

// completion is a command like the others: listed in the help.
func TestCompletionIsListed(t *testing.T) {
	out, _ := wantCode(t, []string{"--help"}, 0)
	if !regexp.MustCompile(`(?m)^\s+completion\s+Generate the autocompletion script`).MatchString(out) {
		t.Errorf("completion is not listed in the help:\n%s", out)
	}
	out, _ = wantCode(t, []string{"completion", "bash"}, 0)
	if !strings.Contains(out, "bash completion") || !strings.Contains(out, "streamsim") {
		t.Errorf("completion bash:\n%.300s", out)
	}
}

// A mistyped command or flag exits 2 with the nearest one to try.
func TestDidYouMean(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string // "" = no suggestion
	}{
		{[]string{"rn", "seed-pipeline"}, "Did you mean this?\n\trun\n"},
		{[]string{"valdate", "seed-pipeline"}, "Did you mean this?\n\tvalidate\n"},
		{[]string{"vers"}, "Did you mean this?\n\tversion\n"},
		{[]string{"run", "seed-pipeline", "--sed", "3"}, "unknown flag: --sed\n\nDid you mean this?\n\t--seed\n"},
		{[]string{"run", "seed-pipeline", "--quite"}, "Did you mean this?\n\t--quiet\n"},
		{[]string{"run", "seed-pipeline", "--dur", "1h"}, "Did you mean this?\n\t--duration\n"}, // the only flag it starts
		{[]string{"graph", "seed-pipeline", "--fromat", "dot"}, "Did you mean this?\n\t--format\n"},
		{[]string{"--verison"}, "Did you mean this?\n\t--version\n"},
		{[]string{"run", "seed-pipeline", "--zzzz"}, ""},
		{[]string{"validate", "seed-pipeline", "--seed", "3"}, ""}, // a flag of another command
		{[]string{"run", "seed-pipeline", "-x"}, ""},
	} {
		_, stderr := wantCode(t, tc.args, 2)
		switch {
		case tc.want == "" && strings.Contains(stderr, "Did you mean"):
			t.Errorf("%v: a suggestion:\n%s", tc.args, stderr)
		case !strings.Contains(stderr, tc.want):
			t.Errorf("%v: stderr lacks %q:\n%s", tc.args, tc.want, stderr)
		case !strings.Contains(stderr, "--help' for usage."):
			t.Errorf("%v: no pointer to the help:\n%s", tc.args, stderr)
		}
	}
}
