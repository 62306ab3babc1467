package room

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/vt"
	gossh "golang.org/x/crypto/ssh"

	"github.com/streamsim/streamsim/scenarios"
	"github.com/streamsim/streamsim/ui/common"
)

// The tests drive the room with a real SSH client (golang.org/x/crypto/ssh)
// over a real TCP socket on the loopback, in-process. Each learner's
// terminal is a virtual terminal (x/vt) fed with what the server sends.

const (
	testCode   = "test-code"
	cols, rows = 100, 30
)

// patience is how long a test waits for a screen. The machine the tests run
// on may be shared and busy: generous, but a hang still fails.
var patience = 60 * time.Second

// logBuf is a log the tests read.
type logBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// waitLog waits until the log has text.
func (l *logBuf) waitLog(t *testing.T, text string) {
	t.Helper()
	deadline := time.Now().Add(patience)
	for !strings.Contains(l.String(), text) {
		if time.Now().After(deadline) {
			t.Fatalf("the log never said %q:\n%s", text, l.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

var builtinsOnce = sync.OnceValues(func() ([]common.Builtin, error) {
	var out []common.Builtin
	for _, name := range scenarios.Names() {
		sc, err := scenarios.Load(name)
		if err != nil {
			return nil, err
		}
		out = append(out, common.Builtin{Name: name, Scenario: sc})
	}
	return out, nil
})

// testRoom is a room serving on the loopback.
type testRoom struct {
	*Room
	addr string
	log  *logBuf
	dir  string
}

// startRoom starts a room with the built-ins and the code testCode; edit
// changes the config first.
func startRoom(t *testing.T, edit func(*Config)) *testRoom {
	t.Helper()
	bs, err := builtinsOnce()
	if err != nil {
		t.Fatal(err)
	}
	lb := &logBuf{}
	cfg := Config{Dir: t.TempDir(), Code: testCode, Builtins: bs, Limits: DefaultLimits(),
		Log: slog.New(slog.NewTextHandler(lb, &slog.HandlerOptions{Level: slog.LevelDebug}))}
	if edit != nil {
		edit(&cfg)
	}
	r, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- r.Serve(ln) }()
	t.Cleanup(func() {
		_ = r.Close(t.Context(), "the test is over.")
		if err := <-served; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return &testRoom{Room: r, addr: ln.Addr().String(), log: lb, dir: cfg.Dir}
}

// codeAuth answers the room's questions: the code, then the name.
func codeAuth(code, name string) gossh.AuthMethod {
	return gossh.KeyboardInteractive(func(_, _ string, qs []string, _ []bool) ([]string, error) {
		ans := make([]string, len(qs))
		for i, q := range qs {
			switch {
			case strings.Contains(q, "code"):
				ans[i] = code
			case strings.Contains(q, "name"):
				ans[i] = name
			}
		}
		return ans, nil
	})
}

// dial connects as user with the given ways to authenticate.
func (tr *testRoom) dial(user string, auth ...gossh.AuthMethod) (*gossh.Client, error) {
	return gossh.Dial("tcp", tr.addr, &gossh.ClientConfig{User: user, Auth: auth,
		HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: patience})
}

// newKey makes a key pair: the signer, and its authorized_keys line.
func newKey(t *testing.T) (gossh.Signer, []byte) {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return s, gossh.MarshalAuthorizedKey(s.PublicKey())
}

func writeKeys(t *testing.T, lines ...[]byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "authorized_keys")
	if err := os.WriteFile(p, bytes.Join(lines, nil), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// tb is what the terminal helpers need of a test.
type tb interface {
	Helper()
	Fatalf(format string, args ...any)
	Errorf(format string, args ...any)
	Logf(format string, args ...any)
	Cleanup(func())
}

// inGoroutine is a test for a goroutine of its own: Fatalf marks the test
// failed and ends that goroutine only (testing.T.FailNow belongs to the
// test's own goroutine).
type inGoroutine struct{ *testing.T }

func (g inGoroutine) Fatalf(format string, args ...any) {
	g.T.Helper()
	g.T.Errorf(format, args...)
	runtime.Goexit()
}

// term is one learner's terminal: an SSH session with a pty, its output
// drawn on a virtual terminal.
type term struct {
	t      tb
	client *gossh.Client
	sess   *gossh.Session
	stdin  io.WriteCloser

	mu     sync.Mutex
	emu    *vt.Emulator
	raw    bytes.Buffer // output not yet drawn
	all    bytes.Buffer // everything, for the lines after the TUI
	closed chan struct{}
}

// newSession opens a session on c, waiting for the one before to be over:
// the room has one session at a time per connection, and a session the
// client has seen end may not have ended on the server yet.
func newSession(t tb, c *gossh.Client) *gossh.Session {
	t.Helper()
	deadline := time.Now().Add(patience)
	for {
		s, err := c.NewSession()
		if err == nil {
			return s
		}
		if !strings.Contains(err.Error(), "one session at a time") || time.Now().After(deadline) {
			t.Fatalf("new session: %v", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// open starts a shell session with a pty on a connected client.
func open(t tb, c *gossh.Client) *term {
	t.Helper()
	s := newSession(t, c)
	if err := s.RequestPty("xterm-256color", rows, cols, gossh.TerminalModes{}); err != nil {
		t.Fatalf("%v", err)
	}
	in, err := s.StdinPipe()
	if err != nil {
		t.Fatalf("%v", err)
	}
	out, err := s.StdoutPipe()
	if err != nil {
		t.Fatalf("%v", err)
	}
	errOut, err := s.StderrPipe()
	if err != nil {
		t.Fatalf("%v", err)
	}
	tm := &term{t: t, client: c, sess: s, stdin: in, emu: vt.NewEmulator(cols, rows), closed: make(chan struct{})}
	go func() { _, _ = io.Copy(io.Discard, tm.emu) }() // the emulator's answers to queries
	var wg sync.WaitGroup
	wg.Add(2)
	for _, r := range []io.Reader{out, errOut} {
		go func() {
			defer wg.Done()
			buf := make([]byte, 32<<10)
			for {
				n, err := r.Read(buf)
				tm.mu.Lock()
				tm.raw.Write(buf[:n])
				tm.all.Write(buf[:n])
				tm.mu.Unlock()
				if err != nil {
					return
				}
			}
		}()
	}
	go func() { wg.Wait(); close(tm.closed) }()
	if err := s.Shell(); err != nil {
		t.Fatalf("%v", err)
	}
	t.Cleanup(tm.close)
	return tm
}

func (tm *term) close() {
	// The connection first: a write blocked on a full window holds the
	// channel's lock, which closing the session alone would wait for.
	_ = tm.client.Close()
	_ = tm.sess.Close()
	if c, ok := tm.emu.InputPipe().(io.Closer); ok {
		_ = c.Close()
	}
}

// screen is the terminal's text now.
func (tm *term) screen() string {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	if tm.raw.Len() > 0 {
		_, _ = tm.emu.Write(tm.raw.Bytes())
		tm.raw.Reset()
	}
	return tm.emu.String()
}

// output is everything the session sent, as text.
func (tm *term) output() string {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	return tm.all.String()
}

// waitFor waits until the screen shows text.
func (tm *term) waitFor(text string) {
	tm.t.Helper()
	deadline := time.Now().Add(patience)
	for {
		s := tm.screen()
		if strings.Contains(s, text) {
			return
		}
		if time.Now().After(deadline) {
			tm.t.Fatalf("waited %s for %q; the screen:\n%s", patience, text, s)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// waitEnd waits for the session to end and returns what it printed last.
func (tm *term) waitEnd() string {
	tm.t.Helper()
	select {
	case <-tm.closed:
	case <-time.After(patience):
		tm.t.Fatalf("the session did not end; the screen:\n%s", tm.screen())
	}
	return tm.output()
}

// send types keys (bytes as a terminal sends them).
func (tm *term) send(keys ...string) {
	tm.t.Helper()
	for _, k := range keys {
		if _, err := io.WriteString(tm.stdin, k); err != nil {
			tm.t.Fatalf("typing %q: %v", k, err)
		}
		time.Sleep(15 * time.Millisecond) // keys sent together arrive as one message
	}
}

// typeText types text one key at a time.
func (tm *term) typeText(s string) {
	tm.t.Helper()
	for _, r := range s {
		tm.send(string(r))
	}
}

// join connects a learner with the room code and opens their terminal on
// the picker.
func (tr *testRoom) join(t tb, name string) *term {
	t.Helper()
	c, err := tr.dial(name, codeAuth(testCode, name))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	tm := open(t, c)
	tm.waitFor("lessons you do, checked as you go")
	return tm
}
