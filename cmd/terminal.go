package cmd

import (
	"io"
	"os"
	"strings"
	"sync"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/mattn/go-isatty"

	"github.com/streamsim/streamsim/internal/textsafe"
)

// What the commands write to a terminal, and when.
//
// Nothing here, nor anything cmd imports, talks to the terminal when the
// program starts: no query, and no escape byte unless the output is a
// terminal that shows colour. Whether a stream shows colour is decided once,
// in ExecuteArgs, from the environment alone: a stream is plain (no escape
// code at all) when it is not a terminal, when the terminal is dumb
// (TERM=dumb or unset), or when the environment asks for plain output
// (NO_COLOR set to anything, CI set to anything but false or 0); otherwise it
// shows colour (CLICOLOR honoured). Its exact profile (ANSI, ANSI256 or
// TrueColor) is colorprofile.Detect's, asked only when something is styled:
// Detect may read the terminfo database and run `tmux info`, which a command
// that prints no colour should not pay for. The summary's colours are lipgloss
// styles rendered for that profile; the textsafe guard lets the program's
// decorations through only on a colour stream.

// termWriter is a command's stdout or stderr: the textsafe guard over the
// real writer, and the stream's colour profile.
type termWriter struct {
	*textsafe.Writer // its Unwrap gives the real writer, for isTerminal
	profile          func() colorprofile.Profile
}

func newTermWriter(w io.Writer, environ []string) *termWriter {
	colour := colourStream(w, environ)
	return &termWriter{Writer: textsafe.NewWriter(w, colour), profile: sync.OnceValue(func() colorprofile.Profile {
		if !colour {
			return colorprofile.NoTTY
		}
		f, _ := fileOf(w)
		return max(colorprofile.Detect(f, environ), colorprofile.ANSI)
	})}
}

// ColorProfile is the stream's profile, detected on the first call.
func (t *termWriter) ColorProfile() colorprofile.Profile { return t.profile() }

// colourStream reports whether w shows colour (see above).
func colourStream(w io.Writer, environ []string) bool {
	return isTerminal(w) && !plainEnv(getenvFrom(environ)) && colorprofile.Env(environ) >= colorprofile.ANSI
}

// detectProfile is the colour profile of w for the commands' own output: NoTTY
// for a plain stream.
func detectProfile(w io.Writer, environ []string) colorprofile.Profile {
	return newTermWriter(w, environ).ColorProfile()
}

// profileOf is the colour profile of a command's writer: the one detected
// when the command started, or detected now for a bare file; anything else
// (a buffer, a report file) is plain.
func profileOf(w io.Writer) colorprofile.Profile {
	for {
		switch v := w.(type) {
		case interface{ ColorProfile() colorprofile.Profile }:
			return v.ColorProfile()
		case *os.File:
			return detectProfile(v, os.Environ())
		case interface{ Unwrap() io.Writer }:
			w = v.Unwrap()
		default:
			return colorprofile.NoTTY
		}
	}
}

// tuiProfile is the colour profile the TUI draws with on stdout: what
// colorprofile.Detect finds, lowered to no colours (bold and reverse stay)
// when NO_COLOR is set to anything or CI asks for plain output. Bubble Tea
// lowers every colour to it, and the TUI asks the terminal for its background
// only when it shows colour.
func tuiProfile(w io.Writer, environ []string) colorprofile.Profile {
	p := colorprofile.Detect(w, environ)
	if plainEnv(getenvFrom(environ)) {
		p = min(p, colorprofile.ASCII)
	}
	return p
}

// dumbTerminal reports whether TERM names a terminal that cannot move the
// cursor, where the TUI cannot draw.
func dumbTerminal(environ []string) bool { return getenvFrom(environ)("TERM") == "dumb" }

// fileOf is the file under w, which may be wrapped (textsafe.Writer, termWriter).
func fileOf(w io.Writer) (*os.File, bool) {
	for {
		switch v := w.(type) {
		case *os.File:
			return v, true
		case interface{ Unwrap() io.Writer }:
			w = v.Unwrap()
		default:
			return nil, false
		}
	}
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := fileOf(w)
	if !ok {
		return false
	}
	return isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd())
}

// plainEnv reports whether the environment asks for plain output: CI set (to
// anything but false or 0), or NO_COLOR set to anything (no-color.org).
func plainEnv(getenv func(string) string) bool {
	ci := strings.ToLower(strings.TrimSpace(getenv("CI")))
	return (ci != "" && ci != "false" && ci != "0") || getenv("NO_COLOR") != ""
}

// getenvFrom looks variables up in an environment of KEY=value entries; the
// last entry of a key wins, as in os.Getenv.
func getenvFrom(environ []string) func(string) string {
	return func(key string) string {
		v := ""
		for _, e := range environ {
			if k, val, ok := strings.Cut(e, "="); ok && k == key {
				v = val
			}
		}
		return v
	}
}

// style decorates the summary: symbols and colours on a terminal that shows
// colour, plain words elsewhere.
type style struct {
	profile         colorprofile.Profile
	strong, ok, bad lipgloss.Style // bold headings, a green pass, a red failure
}

// newStyle is the style of what goes to w.
func newStyle(w io.Writer) style {
	base := lipgloss.NewStyle().TabWidth(lipgloss.NoTabConversion) // text keeps its tabs
	return style{profile: profileOf(w), strong: base.Bold(true),
		ok: base.Foreground(lipgloss.Green), bad: base.Foreground(lipgloss.Red)}
}

func (st style) fancy() bool { return st.profile >= colorprofile.ANSI }

// render is s applied to text for the stream's profile, or text as it is on
// a plain stream.
func (st style) render(s lipgloss.Style, text string) string {
	if !st.fancy() {
		return text
	}
	var b strings.Builder
	w := &colorprofile.Writer{Forward: &b, Profile: st.profile}
	_, _ = io.WriteString(w, s.Render(text)) // lipgloss renders full colour; w lowers it
	return b.String()
}

func (st style) bold(s string) string { return st.render(st.strong, s) }

// mark is ✓ / ✗ on a terminal and PASS / FAIL elsewhere.
func (st style) mark(ok bool) string {
	switch {
	case st.fancy() && ok:
		return st.render(st.ok, "✓")
	case st.fancy():
		return st.render(st.bad, "✗")
	case ok:
		return "PASS"
	}
	return "FAIL"
}

// verdict is the first word of the verdict line.
func (st style) verdict(ok bool) string {
	if ok {
		return st.render(st.ok.Bold(true), "PASS")
	}
	return st.failed("FAIL")
}

// failed is a word that says a run failed, bold and red on a terminal.
func (st style) failed(word string) string { return st.render(st.bad.Bold(true), word) }
