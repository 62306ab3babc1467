package cmd

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestServeFlags: bad limits and missing key files stop serve before it
// listens, with exit status 2.
func TestServeFlags(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--max-learners", "0"}, "--max-learners: at least 1"},
		{[]string{"--max-scenario", "lots"}, "--max-scenario"},
		{[]string{"--max-scenario", "10B"}, "at least 1KiB"},
		{[]string{"--sim-rate", "-1"}, "--sim-rate"},
		{[]string{"--idle", "-5m"}, "--idle"},
		{[]string{"--conn-rate", "0"}, "--conn-rate"},
		{[]string{"--authorized-keys", filepath.Join(dir, "none")}, "--authorized-keys"},
		{[]string{"--listen", "256.0.0.1:x"}, "--listen"},
	} {
		args := append([]string{"serve", "--data", dir, "--no-board"}, c.args...)
		_, stderr := wantCode(t, args, exitInvalid)
		if !strings.Contains(stderr, c.want) {
			t.Errorf("%v: stderr %q lacks %q", c.args, stderr, c.want)
		}
	}
	code, _, stderr := run(t, "serve", "--data", dir, "--authorized-keys", writeFile(t, "not a key\n"), "--no-board")
	if code != exitInvalid || !strings.Contains(stderr, "line 1") {
		t.Errorf("a broken authorized_keys: exit %d, %q", code, stderr)
	}
}

// TestServeCollect: --collect gathers the learners' files into a folder and
// says how to replay them.
func TestServeCollect(t *testing.T) {
	dir := t.TempDir()
	learner := filepath.Join(dir, "learners", "ann")
	if err := os.MkdirAll(learner, 0o700); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(builtinCopy(t, "hot-partition-key"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(learner, "hot-partition-key-session.yaml"), data, 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "class")
	stdout, _ := wantCode(t, []string{"serve", "--data", dir, "--collect", out}, exitOK)
	for _, want := range []string{"collected 1 learner(s), 1 scenario file(s) into " + out,
		"streamsim run --lesson " + filepath.Join(out, "ann", "hot-partition-key-session.yaml")} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	// What it collected runs as a lesson.
	code, _, stderr := run(t, "run", "--lesson", "--quiet", filepath.Join(out, "ann", "hot-partition-key-session.yaml"))
	if code != exitOK && code != exitFailed {
		t.Errorf("run --lesson on the collected file: exit %d\n%s", code, stderr)
	}
	if code, _, _ := run(t, "serve", "--data", filepath.Join(dir, "none"), "--collect", out); code != exitFailed {
		t.Errorf("collecting from a folder without learners: exit %d, want %d", code, exitFailed)
	}
}

func writeFile(t *testing.T, data string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}
