// Package emulator starts private local AWS stand-ins for tests that stop,
// kill or slow them: a kinesis-local of a test's own, on a free port, which
// the test may SIGSTOP, SIGCONT or SIGKILL without touching the shared
// servers that .ci/run starts.
//
// The npm packages are found in STREAMSIM_TEST_EMULATOR_DIR (the
// node_modules folder .ci/run installs into), else beside
// STREAMSIM_TEST_KINESIS_AGG, else in
// ${STREAMSIM_EMULATOR_DIR:-/tmp/streamsim-emulators}/node_modules. A test
// whose emulator or node is missing is skipped, saying so.
//
// Imports: the standard library only.
package emulator

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Dir is the node_modules folder that holds the npm emulators, or "".
func Dir() string {
	if d := os.Getenv("STREAMSIM_TEST_EMULATOR_DIR"); d != "" {
		return d
	}
	if a := os.Getenv("STREAMSIM_TEST_KINESIS_AGG"); a != "" {
		return filepath.Dir(a)
	}
	base := os.Getenv("STREAMSIM_EMULATOR_DIR")
	if base == "" {
		base = filepath.Join(os.TempDir(), "streamsim-emulators")
	}
	return filepath.Join(base, "node_modules")
}

// Process is one emulator started by a test.
type Process struct {
	Name     string
	Endpoint string // http://127.0.0.1:PORT
	cmd      *exec.Cmd
	log      string

	mu      sync.Mutex
	stopped bool
	dead    bool
	exited  chan struct{}
}

// FreePort returns a port nothing listens on now.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// KinesisLocal starts kinesis-local on free ports with the extra environment
// given (such as CREATE_STREAM_DURATION=3s), waits until it answers, and
// ends it when the test ends.
func KinesisLocal(t testing.TB, env ...string) *Process {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not on PATH: this test starts a kinesis-local of its own (bash .ci/run installs node)")
	}
	dir := filepath.Join(Dir(), "kinesis-local")
	if _, err := os.Stat(filepath.Join(dir, "main.js")); err != nil {
		t.Skipf("no kinesis-local in %s: this test starts one of its own (bash .ci/run installs it, or set STREAMSIM_TEST_EMULATOR_DIR)", Dir())
	}
	port, tls := FreePort(t), FreePort(t)
	p := &Process{Name: "kinesis-local", Endpoint: "http://127.0.0.1:" + strconv.Itoa(port), exited: make(chan struct{}),
		log: filepath.Join(t.TempDir(), "kinesis-local.log")}
	logf, err := os.Create(p.log)
	if err != nil {
		t.Fatal(err)
	}
	p.cmd = exec.Command(node, "main.js")
	p.cmd.Dir = dir // it reads server.json from its working directory
	p.cmd.Env = append(os.Environ(), "KINESIS_MOCK_PLAIN_PORT="+strconv.Itoa(port), "KINESIS_MOCK_TLS_PORT="+strconv.Itoa(tls),
		"CREATE_STREAM_DURATION=200ms", "DELETE_STREAM_DURATION=200ms", "REGISTER_STREAM_CONSUMER_DURATION=200ms",
		"UPDATE_SHARD_COUNT_DURATION=500ms")
	p.cmd.Env = append(p.cmd.Env, env...)
	p.cmd.Stdout, p.cmd.Stderr = logf, logf
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start kinesis-local: %v", err)
	}
	go func() {
		_ = p.cmd.Wait()
		logf.Close()
		close(p.exited)
	}()
	t.Cleanup(p.end)
	if err := p.waitReady(60 * time.Second); err != nil {
		log, _ := os.ReadFile(p.log)
		t.Fatalf("kinesis-local on port %d: %v\n%s", port, err, log)
	}
	return p
}

func (p *Process) waitReady(limit time.Duration) error {
	deadline := time.Now().Add(limit)
	cl := &http.Client{Timeout: time.Second}
	for time.Now().Before(deadline) {
		select {
		case <-p.exited:
			return fmt.Errorf("it exited while starting")
		default:
		}
		if resp, err := cl.Get(p.Endpoint + "/"); err == nil {
			resp.Body.Close()
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("it did not answer within %s", limit)
}

// Pid is the emulator's process id.
func (p *Process) Pid() int { return p.cmd.Process.Pid }

// Stop freezes the emulator (SIGSTOP): connections are still accepted by the
// kernel, and nothing answers.
func (p *Process) Stop(t testing.TB) {
	t.Helper()
	p.signal(t, syscall.SIGSTOP)
	p.mu.Lock()
	p.stopped = true
	p.mu.Unlock()
}

// Cont lets a stopped emulator go on (SIGCONT).
func (p *Process) Cont(t testing.TB) {
	t.Helper()
	p.signal(t, syscall.SIGCONT)
	p.mu.Lock()
	p.stopped = false
	p.mu.Unlock()
}

// Kill kills the emulator (SIGKILL) and waits until it is gone: its port
// then refuses connections, and what it held is lost.
func (p *Process) Kill(t testing.TB) {
	t.Helper()
	p.signal(t, syscall.SIGKILL)
	<-p.exited
	p.mu.Lock()
	p.dead = true
	p.mu.Unlock()
}

func (p *Process) signal(t testing.TB, sig syscall.Signal) {
	t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatalf("%s: signal %v: %v", p.Name, sig, err)
	}
}

// end kills the emulator at the end of the test (it is the test's own).
func (p *Process) end() {
	p.mu.Lock()
	dead := p.dead
	p.mu.Unlock()
	if dead {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGCONT)
	_ = p.cmd.Process.Kill()
	select {
	case <-p.exited:
	case <-time.After(10 * time.Second):
	}
}
