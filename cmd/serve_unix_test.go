//go:build !windows

package cmd

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// served is `streamsim serve` running as a subprocess, without a terminal.
type served struct {
	cmd        *exec.Cmd
	addr, code string
	dir        string
	out        *syncBuf
	done       chan error
}

type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) { s.mu.Lock(); defer s.mu.Unlock(); return s.b.Write(p) }
func (s *syncBuf) String() string              { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

var (
	openLine = regexp.MustCompile(`streamsim room open on (\S+)`)
	codeLine = regexp.MustCompile(`room code: (\S+)`)
)

// startServe starts the binary's serve on a free port of the loopback and
// reads where it listens and its room code.
func startServe(t *testing.T, args ...string) *served {
	t.Helper()
	bin := streamsimBinary(t)
	s := &served{dir: t.TempDir(), out: &syncBuf{}, done: make(chan error, 1)}
	s.cmd = exec.Command(bin, append([]string{"serve", "--listen", "127.0.0.1:0", "--data", s.dir}, args...)...)
	s.cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
	s.cmd.Stdout = s.out
	s.cmd.Stderr = s.out
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { s.done <- s.cmd.Wait() }()
	t.Cleanup(func() {
		_ = s.cmd.Process.Kill()
		select {
		case <-s.done:
		case <-time.After(5 * time.Second):
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for s.addr == "" || s.code == "" {
		if m := openLine.FindStringSubmatch(s.out.String()); m != nil {
			s.addr = m[1]
		}
		if m := codeLine.FindStringSubmatch(s.out.String()); m != nil {
			s.code = m[1]
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not start:\n%s", s.out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	return s
}

// learnerConn is one learner of a subprocess room: output counted and kept.
type learnerConn struct {
	c     *gossh.Client
	s     *gossh.Session
	in    io.WriteCloser
	out   syncBuf
	bytes atomic.Int64
	ended chan struct{}
}

func (s *served) join(t *testing.T, name string) *learnerConn {
	t.Helper()
	ki := gossh.KeyboardInteractive(func(_, _ string, qs []string, _ []bool) ([]string, error) {
		ans := make([]string, len(qs))
		for i, q := range qs {
			if strings.Contains(q, "code") {
				ans[i] = s.code
			} else {
				ans[i] = name
			}
		}
		return ans, nil
	})
	c, err := gossh.Dial("tcp", s.addr, &gossh.ClientConfig{User: name, Auth: []gossh.AuthMethod{ki},
		HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: 30 * time.Second})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	if err := sess.RequestPty("xterm-256color", 34, 120, gossh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	l := &learnerConn{c: c, s: sess, ended: make(chan struct{})}
	if l.in, err = sess.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	out, err := sess.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		defer close(l.ended)
		buf := make([]byte, 32<<10)
		for {
			n, err := out.Read(buf)
			l.bytes.Add(int64(n))
			if l.out.b.Len() < 1<<20 || n > 0 && bytes.Contains(buf[:n], []byte("streamsim:")) {
				_, _ = l.out.Write(buf[:n])
			}
			if err != nil {
				return
			}
		}
	}()
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return l
}

func (l *learnerConn) waitOut(t *testing.T, text string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !strings.Contains(l.out.String(), text) {
		if time.Now().After(deadline) {
			t.Fatalf("waited for %q", text)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

func (l *learnerConn) keys(ks ...string) {
	for _, k := range ks {
		_, _ = io.WriteString(l.in, k)
		time.Sleep(20 * time.Millisecond)
	}
}

// TestServeSIGTERM: the real binary serves a learner over SSH; SIGTERM ends
// the session with a message, keeps the learner's saved work, and exits 0.
func TestServeSIGTERM(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	s := startServe(t, "--no-board")
	l := s.join(t, "ann")
	l.waitOut(t, "lessons you do, checked as you go")
	l.keys("/", "s", "e", "e", "d", "-", "p", "i", "p", "e", "\r", "r")
	l.waitOut(t, "your guess") // a room is a workshop: the lesson asks first
	l.keys("5", "0", "%", "\r")
	l.waitOut(t, "running")
	l.keys("R")
	l.waitOut(t, "save session as:")
	l.keys("\r")
	l.waitOut(t, "saved the session to")
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-s.done:
		if err != nil {
			t.Fatalf("serve after SIGTERM: %v\n%s", err, s.out.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("serve did not stop:\n%s", s.out.String())
	}
	<-l.ended
	if !strings.Contains(l.out.String(), "The room is closing: its server was stopped. What you saved stays") {
		t.Errorf("the learner was not told: %q", tail(l.out.String(), 400))
	}
	for _, want := range []string{"msg=join learner=ann", "msg=\"room closing\"", "reason=closing", "room closed; the learners' work is in"} {
		if !strings.Contains(s.out.String(), want) {
			t.Errorf("serve's output lacks %q:\n%s", want, s.out.String())
		}
	}
	if _, err := os.Stat(filepath.Join(s.dir, "learners", "ann", "seed-pipeline-session.yaml")); err != nil {
		t.Errorf("the saved work is gone: %v", err)
	}
}

func tail(s string, n int) string { return s[max(0, len(s)-n):] }

// procStat is the memory and processor time of a process, from /proc.
type procStat struct {
	rssKiB int64
	cpu    time.Duration // user + system
}

func readProc(t *testing.T, pid int) procStat {
	t.Helper()
	var st procStat
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			st.rssKiB, _ = strconv.ParseInt(strings.Fields(v)[0], 10, 64)
		}
	}
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		t.Fatal(err)
	}
	fields := strings.Fields(string(data[bytes.LastIndexByte(data, ')')+2:]))
	utime, _ := strconv.ParseInt(fields[11], 10, 64) // field 14 of stat
	stime, _ := strconv.ParseInt(fields[12], 10, 64)
	st.cpu = time.Duration(utime+stime) * time.Second / 100 // USER_HZ is 100 on Linux
	return st
}

func loadavg() string {
	data, _ := os.ReadFile("/proc/loadavg")
	return strings.Join(strings.Fields(string(data))[:3], " ")
}

// TestServeLoad measures the server with thirty learners: its memory per
// learner, and its processor time with every learner's simulation running
// at the default speed (×60) and at the room's cap (600 ticks/s). It runs
// only with STREAMSIM_ROOM_LOAD=1; the figures go in docs/room.md.
func TestServeLoad(t *testing.T) {
	if os.Getenv("STREAMSIM_ROOM_LOAD") == "" {
		t.Skip("set STREAMSIM_ROOM_LOAD=1 to measure the room under load")
	}
	const n = 30
	s := startServe(t, "--no-board", "--log", filepath.Join(t.TempDir(), "serve.log"))
	pid := s.cmd.Process.Pid
	time.Sleep(2 * time.Second)
	idle := readProc(t, pid)
	t.Logf("machine: %d CPUs, load average %s before", runtime.NumCPU(), loadavg())
	t.Logf("empty room: RSS %.1f MiB", float64(idle.rssKiB)/1024)

	ls := make([]*learnerConn, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ls[i] = s.join(t, fmt.Sprintf("learner-%02d", i))
		}()
	}
	wg.Wait()
	for _, l := range ls {
		l.waitOut(t, "lessons you do, checked as you go")
	}
	time.Sleep(3 * time.Second)
	picker := readProc(t, pid)
	t.Logf("%d learners on the picker: RSS %.1f MiB, %.2f MiB a learner",
		n, float64(picker.rssKiB)/1024, float64(picker.rssKiB-idle.rssKiB)/1024/n)

	for _, l := range ls {
		go l.keys("/", "s", "e", "e", "d", "-", "p", "i", "p", "e", "\r", "r")
	}
	for _, l := range ls {
		l.waitOut(t, "your guess") // the lesson asks before the run goes on
		go l.keys("5", "0", "%", "\r")
	}
	for _, l := range ls {
		l.waitOut(t, "running")
	}
	measure := func(label string, d time.Duration) {
		before, wall := readProc(t, pid), time.Now()
		var sent int64
		for _, l := range ls {
			sent -= l.bytes.Load()
		}
		time.Sleep(d)
		after := readProc(t, pid)
		for _, l := range ls {
			sent += l.bytes.Load()
		}
		el := time.Since(wall)
		t.Logf("%s: CPU %.0f%% of one core (%.1f%% a learner), RSS %.1f MiB (%.2f MiB a learner), output %.1f KiB/s a learner, load average %s",
			label, 100*after.cpu.Seconds()/el.Seconds()-100*before.cpu.Seconds()/el.Seconds(),
			100*(after.cpu-before.cpu).Seconds()/el.Seconds()/n,
			float64(after.rssKiB)/1024, float64(after.rssKiB-idle.rssKiB)/1024/n,
			float64(sent)/1024/el.Seconds()/n, loadavg())
	}
	measure(fmt.Sprintf("%d learners running seed-pipeline at ×60", n), 20*time.Second)

	// As fast as the room lets them: r to run again from the start (a new
	// run starts at ×60), the guess the lesson asks for, l so that the run
	// no longer waits at the lesson's steps, then + to the top speed, which
	// the room caps at --sim-rate (an hour of seed-pipeline in 6 s);
	// measured over 4 s of it.
	for _, l := range ls {
		go l.keys("r")
	}
	time.Sleep(time.Second)
	for _, l := range ls {
		go l.keys(append([]string{"5", "0", "%", "\r", "l"}, strings.Split(strings.Repeat("+", 12), "")...)...)
	}
	time.Sleep(time.Second)
	measure(fmt.Sprintf("%d learners running at the cap (600 ticks/s each)", n), 4*time.Second)
}
