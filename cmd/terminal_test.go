package cmd

import (
	"bytes"
	"strings"
	"testing"

	"github.com/charmbracelet/colorprofile"

	"github.com/streamsim/streamsim/internal/textsafe"
)

// The summary's decorations are lipgloss styles rendered for the stream's
// profile: plain words on a plain stream, and on a colour terminal only
// colour sequences, which the textsafe guard lets through unchanged.
func TestStylesForTheProfile(t *testing.T) {
	for _, tc := range []struct {
		p                   colorprofile.Profile
		pass, fail, heading string
	}{
		{colorprofile.NoTTY, "PASS PASS", "FAIL FAIL", "expect"},
		{colorprofile.ANSI, "\x1b[1;32mPASS\x1b[m \x1b[32m✓\x1b[m", "\x1b[1;31mFAIL\x1b[m \x1b[31m✗\x1b[m", "\x1b[1mexpect\x1b[m"},
		{colorprofile.ANSI256, "\x1b[1;32mPASS\x1b[m \x1b[32m✓\x1b[m", "\x1b[1;31mFAIL\x1b[m \x1b[31m✗\x1b[m", "\x1b[1mexpect\x1b[m"},
		{colorprofile.TrueColor, "\x1b[1;32mPASS\x1b[m \x1b[32m✓\x1b[m", "\x1b[1;31mFAIL\x1b[m \x1b[31m✗\x1b[m", "\x1b[1mexpect\x1b[m"},
	} {
		st := newStyle(&bytes.Buffer{})
		st.profile = tc.p
		got := []string{st.verdict(true) + " " + st.mark(true), st.verdict(false) + " " + st.mark(false), st.bold("expect")}
		want := []string{tc.pass, tc.fail, tc.heading}
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("%v: %q, want %q", tc.p, got[i], want[i])
			}
			var buf bytes.Buffer
			w := textsafe.NewWriter(&buf, tc.p >= colorprofile.ANSI)
			_, _ = w.Write([]byte(got[i]))
			if buf.String() != got[i] {
				t.Errorf("%v: the guard changed %q into %q", tc.p, got[i], buf.String())
			}
		}
	}
	st := newStyle(&bytes.Buffer{})
	st.profile = colorprofile.ANSI
	if got := st.bold("a\tb"); !strings.Contains(got, "a\tb") {
		t.Errorf("bold changed a tab: %q", got)
	}
}

// A buffer is never a terminal: its profile is plain, whatever the environment.
func TestProfileOfABufferIsPlain(t *testing.T) {
	if p := profileOf(&bytes.Buffer{}); p != colorprofile.NoTTY {
		t.Errorf("buffer: %v", p)
	}
	tw := newTermWriter(&bytes.Buffer{}, []string{"TERM=xterm-256color", "COLORTERM=truecolor"})
	if p := profileOf(tw); p != colorprofile.NoTTY {
		t.Errorf("guarded buffer: %v", p)
	}
}

// The TUI's profile honours NO_COLOR (any value), CI and TERM=dumb.
// TTY_FORCE makes colorprofile take the buffer for a terminal.
func TestTUIProfile(t *testing.T) {
	for _, tc := range []struct {
		env  []string
		want colorprofile.Profile
	}{
		{[]string{"TERM=xterm-256color"}, colorprofile.ANSI256},
		{[]string{"TERM=xterm-256color", "NO_COLOR=1"}, colorprofile.ASCII},
		{[]string{"TERM=xterm-256color", "NO_COLOR=yes"}, colorprofile.ASCII}, // colorprofile alone reads only booleans
		{[]string{"TERM=xterm-256color", "CI=true"}, colorprofile.ASCII},
		{[]string{"TERM=xterm-256color", "CI=false"}, colorprofile.ANSI256},
		{[]string{"TERM=dumb"}, colorprofile.NoTTY},
	} {
		env := append([]string{"TTY_FORCE=1"}, tc.env...)
		if got := tuiProfile(&bytes.Buffer{}, env); got != tc.want {
			t.Errorf("%v: %v, want %v", tc.env, got, tc.want)
		}
	}
	if !dumbTerminal([]string{"TERM=xterm", "TERM=dumb"}) || dumbTerminal([]string{"TERM=xterm"}) {
		t.Error("dumbTerminal reads the last TERM")
	}
}
