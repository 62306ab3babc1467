//go:build !windows

package cmd_test

import (
	"bytes"
	"errors"
	"io"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
)

// The commands under a pseudo-terminal that never answers a query (as under
// `script`, `ssh -tt` to some clients, or a hook runner): they must finish at
// once and write no escape byte, except the colours of a run's verdict on a
// colour terminal. A terminal query at start (Bubble Tea v1's package init
// asked for the background colour) would write ESC ] 11 ; ? and wait 5 s for
// the answer.
//
// The test builds the binary once and runs it with an environment of its own
// (no CI, TMUX or COLORTERM from the machine running it), reading the pty's
// output and writing nothing to it.

// ptyBudget is how long a command may take; under the race detector the
// machine is busier (the binary itself is built without it), so the limit is
// looser there, still well under the 5 s a query would wait.
func ptyBudget() time.Duration {
	if raceEnabled {
		return 2 * time.Second
	}
	return 200 * time.Millisecond
}

// buildStreamsim builds the binary into a test directory.
func buildStreamsim(t *testing.T) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to build the binary with")
	}
	bin := filepath.Join(t.TempDir(), "streamsim")
	build := exec.Command(goBin, "build", "-o", bin, "github.com/streamsim/streamsim")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// ptyRun is one run of the binary on a pty.
type ptyRun struct {
	out  []byte
	took time.Duration
	code int
}

// runOnPty runs bin with args and env on a new 120×34 pty, never writing to
// it, and returns its output once it exits (killed after 10 s).
func runOnPty(t *testing.T, bin string, env []string, args ...string) ptyRun {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	cmd.Dir = t.TempDir()
	start := time.Now()
	master, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 34, Cols: 120})
	if err != nil {
		t.Fatalf("start on a pty: %v", err)
	}
	defer master.Close()
	var out bytes.Buffer
	read := make(chan struct{})
	go func() {
		defer close(read)
		_, _ = io.Copy(&out, master) // ends with EIO once the child and its tty are gone
	}()
	timer := time.AfterFunc(10*time.Second, func() { _ = cmd.Process.Kill() })
	defer timer.Stop()
	err = cmd.Wait()
	took := time.Since(start)
	<-read
	code := 0
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		code = exit.ExitCode()
	case err != nil:
		t.Fatalf("wait: %v", err)
	}
	return ptyRun{out: out.Bytes(), took: took, code: code}
}

// sgr is a colour sequence, the only escape the commands may write, and only
// on a colour terminal.
var sgr = regexp.MustCompile(`\x1b\[[0-9;]*m`)

// TestOnAPtyThatNeverAnswers builds the binary once for the checks below.
func TestOnAPtyThatNeverAnswers(t *testing.T) {
	bin := buildStreamsim(t)
	t.Run("commands", func(t *testing.T) { commandsOnAPty(t, bin) })
	t.Run("no arguments without a terminal", func(t *testing.T) { noArgumentsWithoutATerminal(t, bin) })
	t.Run("TUI", func(t *testing.T) { tuiStartsOnAPty(t, bin) })
}

// commandsOnAPty: version, run, validate and --help finish within the
// budget and write no escape byte (but a run's verdict colours on a colour
// terminal), with colours, NO_COLOR, TERM=dumb and CI.
func commandsOnAPty(t *testing.T, bin string) {
	base := []string{"HOME=" + t.TempDir(), "PATH=/usr/bin:/bin", "LANG=C.UTF-8"}
	envs := []struct {
		name   string
		vars   []string
		colour bool // a terminal that shows colour: a run's verdict is coloured
	}{
		{"xterm-256color", []string{"TERM=xterm-256color"}, true},
		{"NO_COLOR", []string{"TERM=xterm-256color", "NO_COLOR=1"}, false},
		{"TERM=dumb", []string{"TERM=dumb"}, false},
		{"CI", []string{"TERM=xterm-256color", "CI=true"}, false},
	}
	cmds := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"version", []string{"version"}, 0, "streamsim "},
		{"run", []string{"run", "firehose-buffering", "--quiet"}, 0, "firehose-buffering: 6/6 expectations hold"},
		{"validate", []string{"validate", "firehose-buffering"}, 0, "firehose-buffering.yaml: ok"},
		{"help", []string{"--help"}, 0, "Available Commands:"},
	}
	budget := ptyBudget()
	for _, e := range envs {
		env := append(append([]string(nil), base...), e.vars...)
		for _, c := range cmds {
			t.Run(e.name+"/"+c.name, func(t *testing.T) {
				// The best of three: a machine busy with other tests may
				// delay one start; a terminal query delays every one.
				var took []string
				for attempt := range 3 {
					r := runOnPty(t, bin, env, c.args...)
					took = append(took, r.took.Round(time.Millisecond).String())
					if r.code != c.code || !bytes.Contains(r.out, []byte(c.want)) {
						t.Fatalf("exit %d (want %d), output %q lacks %q", r.code, c.code, r.out, c.want)
					}
					rest := r.out
					if e.colour && c.name == "run" {
						rest = sgr.ReplaceAll(rest, nil)
					}
					if i := bytes.IndexByte(rest, 0x1b); i >= 0 {
						t.Fatalf("an escape byte in the output (took %s): %q", r.took, r.out)
					}
					if r.took <= budget {
						break
					}
					if attempt == 2 {
						t.Fatalf("took %s, over %s each time", strings.Join(took, ", "), budget)
					}
				}
				t.Logf("took %s (budget %s); no escape byte%s", strings.Join(took, ", "), budget,
					map[bool]string{true: " but the verdict's colours", false: ""}[e.colour && c.name == "run"])
			})
		}
	}
}

// noArgumentsWithoutATerminal: with neither stdin nor stdout a terminal, and
// on a dumb terminal, streamsim prints its help and exits 0.
func noArgumentsWithoutATerminal(t *testing.T, bin string) {
	env := []string{"HOME=" + t.TempDir(), "PATH=/usr/bin:/bin", "TERM=xterm-256color"}
	cmd := exec.Command(bin)
	cmd.Env = env
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb // stdin: /dev/null
	if err := cmd.Run(); err != nil {
		t.Fatalf("streamsim without a terminal: %v\n%s", err, errb.String())
	}
	if !strings.Contains(out.String(), "Usage:") || bytes.IndexByte(out.Bytes(), 0x1b) >= 0 {
		t.Fatalf("stdout: %q", out.String())
	}
	r := runOnPty(t, bin, []string{"HOME=" + t.TempDir(), "PATH=/usr/bin:/bin", "TERM=dumb"})
	if r.code != 0 || !bytes.Contains(r.out, []byte("Usage:")) || bytes.IndexByte(r.out, 0x1b) >= 0 {
		t.Fatalf("streamsim on a dumb terminal: exit %d, %q", r.code, r.out)
	}
}

// tuiStartsOnAPty: on a terminal streamsim opens the TUI (the alternate
// screen), asks the terminal for its background only when it shows colour,
// draws without an answer, and q quits.
func tuiStartsOnAPty(t *testing.T, bin string) {
	for _, tc := range []struct {
		name  string
		vars  []string
		query bool // whether the TUI may ask for the background colour
	}{
		{"colour", []string{"TERM=xterm-256color"}, true},
		{"NO_COLOR", []string{"TERM=xterm-256color", "NO_COLOR=1"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.Command(bin)
			cmd.Env = append([]string{"HOME=" + t.TempDir(), "PATH=/usr/bin:/bin", "LANG=C.UTF-8"}, tc.vars...)
			master, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 34, Cols: 120})
			if err != nil {
				t.Fatal(err)
			}
			defer master.Close()
			var mu sync.Mutex
			var out bytes.Buffer
			read := make(chan struct{})
			go func() {
				defer close(read)
				buf := make([]byte, 4096)
				for {
					n, err := master.Read(buf)
					mu.Lock()
					out.Write(buf[:n])
					mu.Unlock()
					if err != nil {
						return
					}
				}
			}()
			output := func() []byte { mu.Lock(); defer mu.Unlock(); return bytes.Clone(out.Bytes()) }
			timer := time.AfterFunc(20*time.Second, func() { _ = cmd.Process.Kill() })
			defer timer.Stop()
			// Once the picker is drawn, the program reads the keys raw.
			deadline := time.Now().Add(15 * time.Second)
			for !bytes.Contains(output(), []byte("scenarios")) {
				if time.Now().After(deadline) {
					_ = cmd.Process.Kill()
					t.Fatalf("the picker never showed: %q", output())
				}
				time.Sleep(20 * time.Millisecond)
			}
			if _, err := master.Write([]byte("q")); err != nil {
				t.Fatal(err)
			}
			if err := cmd.Wait(); err != nil {
				t.Fatalf("after q: %v\n%q", err, output())
			}
			<-read
			got := output()
			if !bytes.Contains(got, []byte("\x1b[?1049h")) {
				t.Errorf("no alternate screen: %q", got)
			}
			if asked := bytes.Contains(got, []byte("\x1b]11;?")); asked != tc.query {
				t.Errorf("asked for the background colour: %v, want %v", asked, tc.query)
			}
		})
	}
}
