package room

import (
	"bytes"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
)

// TestRefusals: a command, port forwarding either way, sftp, agent and X11
// forwarding, a second session on one connection and a session without a
// terminal are each refused with a message, and logged; the connection
// that asked can still join the workshop afterwards.
func TestRefusals(t *testing.T) {
	tr := startRoom(t, nil)
	c, err := tr.dial("mallory", codeAuth(testCode, "mallory"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()

	t.Run("exec", func(t *testing.T) {
		s := newSession(t, c)
		var stderr bytes.Buffer
		s.Stderr = &stderr
		err = s.Run("cat /etc/passwd")
		var exit *gossh.ExitError
		if !errors.As(err, &exit) || exit.ExitStatus() != 1 {
			t.Errorf("exec: %v, want exit status 1", err)
		}
		if !strings.Contains(stderr.String(), "this room runs no commands") {
			t.Errorf("exec: the message is %q", stderr.String())
		}
		tr.log.waitLog(t, `reason="a command (exec)"`)
	})

	t.Run("sftp", func(t *testing.T) {
		s := newSession(t, c)
		stderr, err := s.StderrPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := s.RequestSubsystem("sftp"); err != nil {
			t.Fatalf("the subsystem request itself: %v", err)
		}
		msg, _ := io.ReadAll(stderr) // to the channel's end
		if !strings.Contains(string(msg), "sftp is off in this room") {
			t.Errorf("sftp: the message is %q", msg)
		}
		tr.log.waitLog(t, `reason="subsystem sftp"`)
	})

	t.Run("scp", func(t *testing.T) {
		s := newSession(t, c)
		var stderr bytes.Buffer
		s.Stderr = &stderr
		if err := s.Run("scp -t /tmp"); err == nil || !strings.Contains(stderr.String(), "runs no commands") {
			t.Errorf("legacy scp (an exec): %v, %q", err, stderr.String())
		}
	})

	t.Run("local forwarding", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		_, err = c.Dial("tcp", ln.Addr().String())
		var oc *gossh.OpenChannelError
		if !errors.As(err, &oc) || oc.Reason != gossh.Prohibited || !strings.Contains(oc.Message, "port forwarding is off") {
			t.Errorf("ssh -L: %v", err)
		}
		tr.log.waitLog(t, `reason="port forwarding (local)"`)
	})

	t.Run("remote forwarding", func(t *testing.T) {
		if ln, err := c.Listen("tcp", "127.0.0.1:0"); err == nil {
			ln.Close()
			t.Fatal("ssh -R was allowed")
		}
		tr.log.waitLog(t, `reason="port forwarding (remote)"`)
	})

	t.Run("other channels", func(t *testing.T) {
		_, _, err := c.OpenChannel("direct-streamlocal@openssh.com", nil)
		var oc *gossh.OpenChannelError
		if !errors.As(err, &oc) || !strings.Contains(oc.Message, "terminal session only") {
			t.Errorf("a unix socket forward: %v", err)
		}
	})

	t.Run("agent and X11", func(t *testing.T) {
		s := newSession(t, c)
		defer s.Close()
		if err := agent.RequestAgentForwarding(s); err == nil {
			t.Error("agent forwarding was accepted")
		}
		if ok, err := s.SendRequest("x11-req", true, gossh.Marshal(struct {
			Single           bool
			Protocol, Cookie string
			Screen           uint32
		}{false, "MIT-MAGIC-COOKIE-1", "00", 0})); ok || err != nil {
			t.Errorf("X11 forwarding: ok %v, %v", ok, err)
		}
		tr.log.waitLog(t, `reason="agent forwarding"`)
		tr.log.waitLog(t, `reason="X11 forwarding"`)
	})
}

// TestNoTerminalAndOneSession: a shell without a pty is told to use ssh -t;
// a connection has one session at a time, a second at once is refused.
func TestNoTerminalAndOneSession(t *testing.T) {
	tr := startRoom(t, nil)
	c, err := tr.dial("nopty", codeAuth(testCode, "nopty"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	s, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	s.Stderr = &stderr
	if err := s.Shell(); err != nil {
		t.Fatal(err)
	}
	if err := s.Wait(); err == nil || !strings.Contains(stderr.String(), "needs a terminal") {
		t.Errorf("a shell without a pty: %v, %q", err, stderr.String())
	}
	tr.log.waitLog(t, `reason="no terminal (ssh -T)"`)
	// That session is over: the next one gets the TUI, and while it runs a
	// second is refused.
	tm := open(t, c)
	tm.waitFor("lessons you do, checked as you go")
	if _, err := c.NewSession(); err == nil || !strings.Contains(err.Error(), "one session at a time") {
		t.Errorf("a second session at once: %v", err)
	}
	tr.log.waitLog(t, `reason="a second session on one connection"`)
}

// TestWrongCode: a wrong room code is refused, told so, and logged; the
// right one comes in.
func TestWrongCode(t *testing.T) {
	tr := startRoom(t, nil)
	var banner strings.Builder
	_, err := gossh.Dial("tcp", tr.addr, &gossh.ClientConfig{User: "guess",
		Auth:            []gossh.AuthMethod{gossh.RetryableAuthMethod(codeAuth("wrong-code", "guess"), 2)},
		HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: patience,
		BannerCallback: func(m string) error { banner.WriteString(m); return nil }})
	if err == nil || !strings.Contains(err.Error(), "unable to authenticate") {
		t.Fatalf("a wrong code: %v", err)
	}
	if !strings.Contains(banner.String(), "not this room's code") {
		t.Errorf("the client was not told: %q", banner.String())
	}
	if got := strings.Count(tr.log.String(), `reason="wrong room code"`); got != 2 {
		t.Errorf("%d refusals logged, want one per try (2):\n%s", got, tr.log.String())
	}
	if tr.Info().Learners != 0 {
		t.Error("someone got in")
	}
	// The code is compared without case, dashes or spaces.
	c, err := tr.dial("right", codeAuth(" TEST code ", "right"))
	if err != nil {
		t.Fatalf("the right code, typed loosely: %v", err)
	}
	c.Close()
}

// TestKeys: with an authorized_keys file and no code, a listed key comes in
// (its folder named by the key), an unknown key is refused and logged; an
// instructor's key gets the board.
func TestKeys(t *testing.T) {
	learner, learnerLine := newKey(t)
	teacher, teacherLine := newKey(t)
	stranger, _ := newKey(t)
	tr := startRoom(t, func(c *Config) {
		c.Code = ""
		c.AuthorizedKeys = writeKeys(t, []byte("# the class\n"), learnerLine)
		c.InstructorKeys = writeKeys(t, teacherLine)
	})

	var banner strings.Builder
	_, err := gossh.Dial("tcp", tr.addr, &gossh.ClientConfig{User: "stranger",
		Auth: []gossh.AuthMethod{gossh.PublicKeys(stranger)}, HostKeyCallback: gossh.InsecureIgnoreHostKey(),
		BannerCallback: func(m string) error { banner.WriteString(m); return nil }, Timeout: patience})
	if err == nil {
		t.Fatal("an unknown key came in")
	}
	tr.log.waitLog(t, `reason="unknown key SHA256:`)
	if !strings.Contains(banner.String(), "is not on this room's list") {
		t.Errorf("the client was not told: %q", banner.String())
	}
	// No code is asked when keys are the only way in.
	if _, err := tr.dial("guess", codeAuth(testCode, "guess")); err == nil {
		t.Fatal("a code let someone into a room of keys")
	}

	c, err := tr.dial("ada", gossh.PublicKeys(learner))
	if err != nil {
		t.Fatalf("a listed key: %v", err)
	}
	tm := open(t, c)
	tm.waitFor("lessons you do, checked as you go")
	rows := tr.Rows()
	if len(rows) != 1 || rows[0].Name != "ada" || !strings.HasPrefix(rows[0].ID, "key-") {
		t.Fatalf("rows %+v: want ada in a folder named by her key", rows)
	}

	ic, err := tr.dial("teacher", gossh.PublicKeys(teacher))
	if err != nil {
		t.Fatalf("the instructor's key: %v", err)
	}
	bt := open(t, ic)
	bt.waitFor("streamsim room")
	bt.waitFor("1/60 learners")
	bt.waitFor("ada")
	bt.send("\r") // watch ada's screen
	bt.waitFor("watching ada")
	bt.waitFor("lessons you do, checked as you go")
	if tr.Info().Learners != 1 {
		t.Errorf("the instructor counts as a learner: %d", tr.Info().Learners)
	}
	bt.send("q")
	bt.waitEnd()
}

// TestConnRate: more connections a minute from one address than the limit
// are closed before their handshake, and logged.
func TestConnRate(t *testing.T) {
	tr := startRoom(t, func(c *Config) { c.Limits.ConnRate = 2 })
	for i := range 2 {
		c, err := tr.dial("x", codeAuth(testCode, "x"))
		if err != nil {
			t.Fatalf("connection %d: %v", i+1, err)
		}
		c.Close()
	}
	if _, err := tr.dial("x", codeAuth(testCode, "x")); err == nil {
		t.Fatal("a third connection in a minute came in")
	}
	tr.log.waitLog(t, "more than 2 connections a minute from one address")
}

// TestFullRoom: past the most learners, one more is told the room is full.
func TestFullRoom(t *testing.T) {
	tr := startRoom(t, func(c *Config) { c.Limits.MaxLearners = 2 })
	tr.join(t, "one")
	tr.join(t, "two")
	c, err := tr.dial("three", codeAuth(testCode, "three"))
	if err != nil {
		t.Fatal(err)
	}
	tm := open(t, c)
	if out := tm.waitEnd(); !strings.Contains(out, "the room is full (2 learners)") {
		t.Errorf("the third learner read %q", out)
	}
	tr.log.waitLog(t, `reason="room full"`)
}

// TestSameName: a name in use is refused while its learner is active; a
// key's newer connection replaces the older one.
func TestSameName(t *testing.T) {
	key, line := newKey(t)
	tr := startRoom(t, func(c *Config) { c.AuthorizedKeys = writeKeys(t, line) })
	tr.join(t, "sam")
	c, err := tr.dial("sam", codeAuth(testCode, "sam"))
	if err != nil {
		t.Fatal(err)
	}
	if out := open(t, c).waitEnd(); !strings.Contains(out, "sam is in the room already") {
		t.Errorf("a second sam read %q", out)
	}

	c1, err := tr.dial("kim", gossh.PublicKeys(key))
	if err != nil {
		t.Fatal(err)
	}
	first := open(t, c1)
	first.waitFor("lessons you do, checked as you go")
	c2, err := tr.dial("kim", gossh.PublicKeys(key))
	if err != nil {
		t.Fatal(err)
	}
	second := open(t, c2)
	second.waitFor("lessons you do, checked as you go")
	if out := first.waitEnd(); !strings.Contains(out, "you connected again from elsewhere") {
		t.Errorf("the replaced session read %q", out)
	}
	deadline := time.Now().Add(patience)
	for {
		rows := tr.Rows()
		here := 0
		for _, r := range rows {
			if r.Here {
				here++
			}
		}
		if len(rows) == 2 && here == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("rows %+v: want sam and kim, both here", rows)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
