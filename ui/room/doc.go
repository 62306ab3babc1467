// Package room is a workshop room served over SSH: learners join with
// `ssh`, each gets the streamsim TUI of their own, and the instructor sees
// the class on a board (package room/board).
//
// The server is charm.land/wish (v2) with its Bubble Tea middleware. A
// connection comes in with a room code (keyboard-interactive) or with a key
// from an authorized_keys file; keys of the instructor's file get the board
// instead of the TUI. Everything else a client may ask for is refused with a
// message and logged: a command (exec), a subsystem (sftp, and scp with it),
// port forwarding either way, agent and X11 forwarding, a second session on
// one connection.
//
// Each learner's session has its own program, its own copy of the built-in
// scenarios, a Store rooted in the learner's own folder (os.Root: no path
// leads out of it), a simulator whose speed and scenario size are capped,
// an input rate limit and resize coalescing (a learner who floods keys,
// pastes megabytes or resizes in a loop slows only their own session), and
// a guard that turns a panic in the TUI into a logged end of that session.
//
// Layout of the room's folder (Config.Dir):
//
//	host_ed25519, host_ed25519.pub   the host key, made once and reused
//	learners/<folder>/               a learner's files: what their TUI saves
//	progress/<folder>.json           a learner's name and lesson progress
//
// Imports: the standard library, wish and its SSH server (charm.land),
// golang.org/x/crypto/ssh, golang.org/x/time/rate, bubbletea, ui (ui.New and
// ui/common), backends, pipeline and internal/. Only cmd imports it.
package room
