package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"syscall"
	"time"

	tea "charm.land/bubbletea/v2"
	charmlog "charm.land/log/v2"
	"github.com/spf13/cobra"

	"github.com/streamsim/streamsim/internal/textsafe"
	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/ui/room"
	"github.com/streamsim/streamsim/ui/room/board"
)

type serveFlags struct {
	listen, dir, code, keys, staff, logPath, collect string
	maxScenario                                      string
	noBoard                                          bool
	lim                                              room.Limits
}

// closeGrace is how long the room's sessions have to end when it closes.
const closeGrace = 10 * time.Second

func newServeCmd() *cobra.Command {
	f := serveFlags{lim: room.DefaultLimits()}
	c := &cobra.Command{
		Use:   "serve",
		Short: "Run a workshop room: learners join over SSH, the instructor sees the class",
		Long: `serve starts an SSH server (a workshop room). Everyone joins with the ssh
they already have, no install:

  ssh -p 2222 NAME@HOST

and gets the streamsim TUI of their own: their own copies of the built-in
scenarios, their own folder on this machine for what they save. Nothing else
is offered: commands, sftp/scp, port and agent forwarding are refused.

Who may come in: everyone who types the room code (keyboard-interactive;
printed at start, made up unless --code sets it), or, with --authorized-keys,
the keys in that file (then no code is asked unless --code is given too).
Keys in --instructor-keys get the instructor's board instead of the TUI.

In its own terminal serve shows the board: one row per learner with their
lesson, step n/N, ✓/✗ of each step, best prediction and idle time; enter
shows a learner's screen, read-only. Without a terminal (or with --no-board)
it logs to stderr. SIGTERM or SIGINT closes the room: every session ends with
a message, and everything the learners saved stays in --data.

  streamsim serve --collect OUT     gathers every learner's files and
                                     progress into OUT, ready for run --lesson.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if f.dir == "" {
				d, err := defaultRoomDir()
				if err != nil {
					return invalid(fmt.Errorf("no folder for the room's files: %w (give --data)", err))
				}
				f.dir = d
			}
			if f.collect != "" {
				return collectRoom(c, f.dir, f.collect)
			}
			return serve(c, f)
		},
	}
	fl := c.Flags()
	fl.StringVar(&f.listen, "listen", ":2222", "address to listen on")
	fl.StringVar(&f.dir, "data", "", "the room's folder: host key, learners' files, progress (default: streamsim/room in the user's data folder)")
	fl.StringVar(&f.code, "code", "", "the room code learners type (default: made up at start, unless --authorized-keys is given)")
	fl.StringVar(&f.keys, "authorized-keys", "", "let in the keys of this authorized_keys file")
	fl.StringVar(&f.staff, "instructor-keys", "", "keys of this authorized_keys file get the board over SSH")
	fl.StringVar(&f.logPath, "log", "", "write the log to this file (default: stderr; with the board on screen, serve.log in --data)")
	fl.StringVar(&f.collect, "collect", "", "gather every learner's work from --data into this folder, then exit")
	fl.BoolVar(&f.noBoard, "no-board", false, "log to stderr instead of showing the board, even in a terminal")
	fl.IntVar(&f.lim.MaxLearners, "max-learners", f.lim.MaxLearners, "learners in the room at once")
	fl.DurationVar(&f.lim.Idle, "idle", f.lim.Idle, "let a learner go after this long without a key (0: never)")
	fl.IntVar(&f.lim.ConnRate, "conn-rate", f.lim.ConnRate, "new connections a minute from one address")
	fl.StringVar(&f.maxScenario, "max-scenario", pipeline.FormatSize(float64(f.lim.MaxScenario)), "the largest scenario file a learner may open")
	fl.IntVar(&f.lim.MaxUnits, "max-units", f.lim.MaxUnits, "the largest scenario a learner may run: nodes + shards + partitions")
	fl.IntVar(&f.lim.SimRate, "sim-rate", f.lim.SimRate, "simulation ticks a second for one learner's run (0: no limit)")
	return c
}

// defaultRoomDir is streamsim/room in the user's data folder: XDG_DATA_HOME
// or ~/.local/share on Unix, the config folder on macOS and Windows.
func defaultRoomDir() (string, error) {
	if d := os.Getenv("XDG_DATA_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "streamsim", "room"), nil
	}
	if runtime.GOOS == "darwin" || runtime.GOOS == "windows" {
		d, err := os.UserConfigDir()
		if err != nil {
			return "", err
		}
		return filepath.Join(d, "streamsim", "room"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(home, ".local", "share", "streamsim", "room"), nil
}

func collectRoom(c *cobra.Command, dir, out string) error {
	got, err := room.Collect(dir, out)
	if err != nil {
		return &exitError{code: exitFailed, err: fmt.Errorf("collect: %w", err)}
	}
	w := c.OutOrStdout()
	fmt.Fprintf(w, "collected %d learner(s), %d scenario file(s) into %s\n", got.Learners, len(got.Files), textsafe.Line(out))
	fmt.Fprintf(w, "%s lists them with the command that replays each lesson\n", textsafe.Line(filepath.Join(out, "README.md")))
	if len(got.Files) > 0 {
		fmt.Fprintf(w, "e.g. streamsim run --lesson %s\n", textsafe.Line(filepath.Join(out, got.Files[0])))
	}
	return nil
}

// check validates the flags before anything starts.
func (f *serveFlags) check() error {
	size, err := pipeline.ParseSize(f.maxScenario)
	if err != nil {
		return fmt.Errorf("--max-scenario: %w", err)
	}
	f.lim.MaxScenario = int64(size)
	switch {
	case f.lim.MaxLearners < 1:
		return errors.New("--max-learners: at least 1")
	case f.lim.Idle < 0:
		return errors.New("--idle: 0 (never) or a duration such as 45m")
	case f.lim.ConnRate < 1:
		return errors.New("--conn-rate: at least 1")
	case f.lim.MaxScenario < 1<<10:
		return errors.New("--max-scenario: at least 1KiB")
	case f.lim.MaxUnits < 1:
		return errors.New("--max-units: at least 1")
	case f.lim.SimRate < 0:
		return errors.New("--sim-rate: 0 (no limit) or more")
	}
	for _, p := range []struct{ flag, path string }{{"--authorized-keys", f.keys}, {"--instructor-keys", f.staff}} {
		if p.path == "" {
			continue
		}
		if _, err := os.Stat(p.path); err != nil {
			return fmt.Errorf("%s: %w", p.flag, err)
		}
	}
	if f.code == "" && f.keys == "" {
		f.code = room.NewCode()
	}
	return nil
}

func serve(c *cobra.Command, f serveFlags) error {
	if err := f.check(); err != nil {
		return invalid(err)
	}
	builtins, err := loadBuiltins()
	if err != nil {
		return err
	}
	useBoard := !f.noBoard && interactive(c)
	logPath := f.logPath
	if logPath == "" && useBoard {
		logPath = filepath.Join(f.dir, "serve.log")
	}
	var logW io.Writer = c.ErrOrStderr()
	if logPath != "" {
		if err := os.MkdirAll(filepath.Dir(logPath), 0o700); err != nil {
			return invalid(fmt.Errorf("--log: %w", err))
		}
		lf, err := os.OpenFile(logPath, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
		if err != nil {
			return invalid(fmt.Errorf("--log: %w", err))
		}
		defer lf.Close()
		logW = lf
	}
	logger := slog.New(slog.NewTextHandler(logW, &slog.HandlerOptions{Level: slog.LevelInfo}))
	// The SSH server logs its own recovered panics with slog's default, and
	// wish with charm's log: both go where the room's log goes, never onto
	// the board's screen.
	prevSlog := slog.Default()
	slog.SetDefault(logger)
	defer slog.SetDefault(prevSlog)
	charmlog.SetOutput(logW)
	defer charmlog.SetOutput(os.Stderr)

	r, err := room.New(room.Config{Dir: f.dir, Code: f.code, AuthorizedKeys: f.keys, InstructorKeys: f.staff,
		Builtins: builtins, Limits: f.lim, Log: logger})
	if err != nil {
		return invalid(err)
	}
	ln, err := net.Listen("tcp", f.listen)
	if err != nil {
		return invalid(fmt.Errorf("--listen: %w", err))
	}
	out := c.OutOrStdout()
	fmt.Fprintf(out, "streamsim room open on %s\n", ln.Addr())
	join := "  learners join with: ssh -p " + portOfAddr(ln.Addr()) + " NAME@" + hostName()
	if f.code != "" {
		join += "   room code: " + textsafe.Line(f.code)
	}
	fmt.Fprintln(out, join)
	if f.keys != "" {
		fmt.Fprintf(out, "  keys let in: %s\n", textsafe.Line(f.keys))
	}
	fmt.Fprintf(out, "  host key:  %s\n  files:     %s\n", r.HostKey(), textsafe.Line(f.dir))
	if logPath != "" {
		fmt.Fprintf(out, "  log:       %s\n", textsafe.Line(logPath))
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	served := make(chan error, 1)
	go func() { served <- r.Serve(ln) }()

	note := "The room is closing: its server was stopped."
	if useBoard {
		b := board.New(board.Options{Source: r, Local: true})
		p := tea.NewProgram(b, tea.WithContext(ctx), tea.WithoutSignalHandler(),
			tea.WithColorProfile(tuiProfile(os.Stdout, os.Environ())))
		_, perr := p.Run()
		b.Close()
		if b.CloseAsked() {
			note = "The instructor closed the room."
		}
		if perr != nil && !errors.Is(perr, tea.ErrProgramKilled) {
			logger.Error("the board stopped", "err", perr)
		}
	} else {
		select {
		case <-ctx.Done():
		case err := <-served:
			if err != nil {
				return &exitError{code: exitFailed, err: fmt.Errorf("serve: %w", err)}
			}
		}
	}
	fmt.Fprintln(out, "closing the room…")
	cctx, cancel := context.WithTimeout(context.Background(), closeGrace)
	defer cancel()
	if err := r.Close(cctx, note); err != nil {
		logger.Warn("closing", "err", err)
	}
	if err := <-served; err != nil {
		logger.Warn("serve", "err", err)
	}
	fmt.Fprintf(out, "room closed; the learners' work is in %s\ngather it with: streamsim serve --collect OUT --data %s\n",
		textsafe.Line(f.dir), textsafe.Line(shellArg(f.dir)))
	return nil
}

func portOfAddr(a net.Addr) string {
	if t, ok := a.(*net.TCPAddr); ok {
		return fmt.Sprint(t.Port)
	}
	return "2222"
}

// hostName is this machine's name, for the line that says how to join.
func hostName() string {
	if h, err := os.Hostname(); err == nil && h != "" {
		return h
	}
	return "HOST"
}

// shellArg quotes a path for a shell when it needs it.
func shellArg(s string) string {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '/' || r == '.' || r == '-' || r == '_') {
			return "'" + s + "'"
		}
	}
	return s
}
