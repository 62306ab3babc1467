package room

import (
	"fmt"
	"io"
	"log/slog"
	"net"
	"runtime/debug"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/ssh"
	"charm.land/wish/v2"
	"charm.land/wish/v2/bubbletea"
	gossh "golang.org/x/crypto/ssh"

	"github.com/streamsim/streamsim/internal/textsafe"
	"github.com/streamsim/streamsim/ui"
	"github.com/streamsim/streamsim/ui/common"
)

// handshakeTimeout is how long a connection may take to authenticate.
const handshakeTimeout = 30 * time.Second

// newServer builds the SSH server: authentication, the handlers of what is
// offered (a terminal session) and of what is refused (everything else).
func (r *Room) newServer(hostKey string) (*ssh.Server, error) {
	opts := []ssh.Option{
		wish.WithHostKeyPath(hostKey),
		wish.WithVersion("streamsim"),
		// Composed first to last: the last runs first.
		wish.WithMiddleware(
			bubbletea.MiddlewareWithProgramHandler(r.program),
			r.gate,
			r.recoverPanics,
		),
		wish.WithSubsystem("default", r.refuseSubsystem),
	}
	if r.cfg.Code != "" {
		opts = append(opts, wish.WithKeyboardInteractiveAuth(r.codeAuth),
			wish.WithBanner("streamsim workshop room: type the room code the instructor shows, then your name.\n"))
	}
	if r.keys != nil || r.staff != nil {
		opts = append(opts, wish.WithPublicKeyAuth(r.keyAuth))
	}
	srv, err := wish.NewServer(opts...)
	if err != nil {
		return nil, fmt.Errorf("room: %w", err)
	}
	if len(srv.HostSigners) > 0 {
		r.hostFP = gossh.FingerprintSHA256(srv.HostSigners[0].PublicKey())
	}
	srv.HandshakeTimeout = handshakeTimeout
	srv.ServerConfigCallback = func(ctx ssh.Context) *gossh.ServerConfig {
		return &gossh.ServerConfig{MaxAuthTries: 6, PreAuthConnCallback: func(c gossh.ServerPreAuthConn) {
			ctx.SetValue(preAuthKey, c)
		}}
	}
	srv.ConnCallback = r.admitConn
	srv.ConnectionCloseCallback = func(net.Conn) {
		r.mu.Lock()
		r.open--
		r.mu.Unlock()
	}
	srv.ConnectionFailedCallback = func(c net.Conn, err error) {
		r.log.Info("connection ended before a session", "addr", hostOf(c.RemoteAddr()), "err", textsafe.Line(clip(err.Error(), 300)))
	}
	srv.ChannelHandlers = map[string]ssh.ChannelHandler{
		"session":      r.sessionChannel,
		"direct-tcpip": r.refuseLocalForward,
		"default":      r.refuseChannel,
	}
	srv.RequestHandlers = map[string]ssh.RequestHandler{
		"tcpip-forward":                   r.refuseRemoteForward,
		"streamlocal-forward@openssh.com": r.refuseRemoteForward,
	}
	return srv, nil
}

// maxConns is the most connections open at once, authenticated or not.
func (r *Room) maxConns() int { return 2*r.lim.MaxLearners + 16 }

// admitConn takes or turns away a connection before its handshake: too
// many from one address in a minute, or too many open, are closed at once.
func (r *Room) admitConn(_ ssh.Context, c net.Conn) net.Conn {
	addr := hostOf(c.RemoteAddr())
	r.mu.Lock()
	closing, full := r.closing, r.open >= r.maxConns()
	if !closing && !full {
		r.open++
	}
	r.mu.Unlock()
	switch {
	case closing:
		return nil
	case full:
		r.refuse(addr, "", fmt.Sprintf("too many connections open (%d)", r.maxConns()))
		return nil
	case !r.conns.allow(addr):
		r.mu.Lock()
		r.open--
		r.mu.Unlock()
		r.refuse(addr, "", fmt.Sprintf("more than %d connections a minute from one address", r.lim.ConnRate))
		return nil
	}
	return c
}

// sessionChannel opens a session (one at a time per connection) with the
// requests the room refuses taken out first.
func (r *Room) sessionChannel(srv *ssh.Server, conn *gossh.ServerConn, nc gossh.NewChannel, ctx ssh.Context) {
	ctx.Lock()
	n, _ := ctx.Value(sessionsKey).(int)
	if n == 0 {
		ctx.SetValue(sessionsKey, 1)
	}
	ctx.Unlock()
	if n >= 1 {
		r.refuse(hostOf(conn.RemoteAddr()), conn.User(), "a second session on one connection")
		_ = nc.Reject(gossh.Prohibited, "streamsim: one session at a time per connection in this room; open another ssh")
		return
	}
	defer func() {
		ctx.Lock()
		ctx.SetValue(sessionsKey, 0)
		ctx.Unlock()
	}()
	// Returns when the channel closes.
	ssh.DefaultSessionHandler(srv, conn, &filteredChannel{NewChannel: nc, r: r, ctx: ctx}, ctx)
}

// maxEnv is the most environment variables a session may send.
const maxEnv = 64

// filteredChannel is a session channel whose requests pass the room first:
// agent and X11 forwarding are refused (OpenSSH asks for the agent without
// waiting for the answer, so the learner is told in the terminal too), and
// environment variables are kept to a few.
type filteredChannel struct {
	gossh.NewChannel
	r   *Room
	ctx ssh.Context
}

// Accept implements gossh.NewChannel.
func (f *filteredChannel) Accept() (gossh.Channel, <-chan *gossh.Request, error) {
	ch, reqs, err := f.NewChannel.Accept()
	if err != nil {
		return ch, reqs, err
	}
	out := make(chan *gossh.Request)
	go func() {
		defer close(out)
		env := 0
		for req := range reqs {
			switch req.Type {
			case "auth-agent-req@openssh.com":
				f.ctx.SetValue(agentKey, true)
				f.r.refuse(hostOf(f.ctx.RemoteAddr()), f.ctx.User(), "agent forwarding")
				_ = req.Reply(false, nil)
				continue
			case "x11-req":
				f.r.refuse(hostOf(f.ctx.RemoteAddr()), f.ctx.User(), "X11 forwarding")
				_ = req.Reply(false, nil)
				continue
			case "env":
				if env++; env > maxEnv {
					_ = req.Reply(false, nil)
					continue
				}
			}
			out <- req
		}
	}()
	return ch, out, nil
}

// refuseLocalForward answers ssh -L.
func (r *Room) refuseLocalForward(_ *ssh.Server, conn *gossh.ServerConn, nc gossh.NewChannel, _ ssh.Context) {
	r.refuse(hostOf(conn.RemoteAddr()), conn.User(), "port forwarding (local)")
	_ = nc.Reject(gossh.Prohibited, "streamsim: port forwarding is off in this room")
}

// refuseChannel answers any other channel type.
func (r *Room) refuseChannel(_ *ssh.Server, conn *gossh.ServerConn, nc gossh.NewChannel, _ ssh.Context) {
	r.refuse(hostOf(conn.RemoteAddr()), conn.User(), "a channel of type "+textsafe.Line(clip(nc.ChannelType(), 64)))
	_ = nc.Reject(gossh.Prohibited, "streamsim: this room offers a terminal session only")
}

// refuseRemoteForward answers ssh -R (a global request has no message:
// OpenSSH says "remote port forwarding failed").
func (r *Room) refuseRemoteForward(ctx ssh.Context, _ *ssh.Server, req *gossh.Request) (bool, []byte) {
	r.refuse(hostOf(ctx.RemoteAddr()), ctx.User(), "port forwarding (remote)")
	return false, nil
}

// refuseSubsystem answers sftp (and scp, which uses it) and any other
// subsystem.
func (r *Room) refuseSubsystem(s ssh.Session) {
	r.refuse(hostOf(s.RemoteAddr()), s.User(), "subsystem "+textsafe.Line(clip(s.Subsystem(), 64)))
	say(s.Stderr(), "streamsim: "+textsafe.Line(clip(s.Subsystem(), 64))+
		" is off in this room: no file transfer. Your instructor collects what you save.")
	_ = s.Exit(1)
}

// say writes one line to a session.
func say(w io.Writer, text string) {
	_, _ = io.WriteString(w, text+"\r\n")
}

// recoverPanics ends a session whose handler panicked, with a log entry:
// one learner's crash never ends the server.
func (r *Room) recoverPanics(next ssh.Handler) ssh.Handler {
	return func(s ssh.Session) {
		defer func() {
			if p := recover(); p != nil {
				r.note(slog.LevelError, "panic", "a session's handler failed (logged)",
					"addr", hostOf(s.RemoteAddr()), "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
				say(s.Stderr(), "streamsim: the room hit a bug in your session; the instructor's log has it.")
				_ = s.Exit(1)
			}
		}()
		next(s)
	}
}

// gate turns away what the room does not run (a command, a session
// without a terminal), then hands the session to the board (instructors) or
// to the TUI (learners).
func (r *Room) gate(next ssh.Handler) ssh.Handler {
	return func(s ssh.Session) {
		addr := hostOf(s.RemoteAddr())
		if s.RawCommand() != "" {
			r.refuse(addr, s.User(), "a command (exec)", "command", textsafe.Line(clip(s.RawCommand(), 200)))
			say(s.Stderr(), "streamsim: this room runs no commands. Connect without one to join the workshop: ssh -p "+
				portOf(s.LocalAddr())+" NAME@HOST")
			_ = s.Exit(1)
			return
		}
		if _, _, ok := s.Pty(); !ok {
			r.refuse(addr, s.User(), "no terminal (ssh -T)")
			say(s.Stderr(), "streamsim: the room needs a terminal: connect with ssh -t, or without -T.")
			_ = s.Exit(1)
			return
		}
		if s.Context().Value(agentKey) == true {
			say(s.Stderr(), "streamsim: agent forwarding is refused in this room; your keys stay on your machine.")
		}
		if r.instructor(s) {
			r.serveBoard(s, next)
			return
		}
		r.serveLearner(s, next)
	}
}

// portOf is the port of an address, for the messages that say how to connect.
func portOf(a net.Addr) string {
	if t, ok := a.(*net.TCPAddr); ok {
		return fmt.Sprint(t.Port)
	}
	return "22"
}

// program builds the program of a session: the board for an instructor,
// the guarded TUI for a learner. It returns nil for a session already told
// to end (the middleware then goes on at once).
func (r *Room) program(s ssh.Session) *tea.Program {
	sess, ok := s.(*session)
	if !ok {
		return nil
	}
	sess.mu.Lock()
	defer sess.mu.Unlock()
	if sess.why != "" {
		return nil
	}
	opts := append(bubbletea.MakeOptions(sess), tea.WithoutSignalHandler(), tea.WithFPS(r.lim.FPS))
	var m tea.Model = sess.board
	if sess.board == nil {
		m = r.newModel(sess)
	}
	sess.prog = tea.NewProgram(guarded{inner: m, s: sess}, opts...)
	return sess.prog
}

// newModel is a learner's TUI: their own copies of the built-ins, their own
// folder, a capped simulator, and their progress going to the board.
func (r *Room) newModel(s *session) tea.Model {
	o := ui.Options{
		Ctx:       s.ctx,
		Backend:   newLimitedBackend(r.lim),
		Store:     s.store,
		Builtins:  cloneBuiltins(r.cfg.Builtins),
		Estimator: r.est,
		Progress:  func(p common.LessonProgress) { r.progress(s, p) },
		// Workshop mode: the picker lists the lessons and a lesson is
		// followed, so every step the learner does reaches the board.
		Workshop: &common.Workshop{},
	}
	if r.cfg.NewModel != nil {
		return r.cfg.NewModel(o)
	}
	return ui.New(o)
}
