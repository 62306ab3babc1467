// Package uitest helps test screens without a program: key messages from
// strings, running commands synchronously, a fixed colour profile, and the
// sizes every view is checked at.
package uitest

import (
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"
)

// Main is a TestMain that forces the ASCII colour profile, so views render
// the same bytes on every machine, with or without a terminal.
func Main(m *testing.M) {
	lipgloss.SetColorProfile(termenv.Ascii)
	os.Exit(m.Run())
}

// Key returns the message of one key as the terminal would send it:
// "enter", "esc", "up", "space", "ctrl+c", "tab" or a single character.
func Key(k string) tea.KeyMsg {
	switch k {
	case "enter":
		return tea.KeyMsg{Type: tea.KeyEnter}
	case "esc":
		return tea.KeyMsg{Type: tea.KeyEsc}
	case "up":
		return tea.KeyMsg{Type: tea.KeyUp}
	case "down":
		return tea.KeyMsg{Type: tea.KeyDown}
	case "left":
		return tea.KeyMsg{Type: tea.KeyLeft}
	case "right":
		return tea.KeyMsg{Type: tea.KeyRight}
	case "tab":
		return tea.KeyMsg{Type: tea.KeyTab}
	case "shift+tab":
		return tea.KeyMsg{Type: tea.KeyShiftTab}
	case "backspace":
		return tea.KeyMsg{Type: tea.KeyBackspace}
	case "space", " ":
		return tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}}
	case "ctrl+c":
		return tea.KeyMsg{Type: tea.KeyCtrlC}
	case "ctrl+u":
		return tea.KeyMsg{Type: tea.KeyCtrlU}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
}

// Type returns one key message per rune of s.
func Type(s string) []tea.Msg {
	var out []tea.Msg
	for _, r := range s {
		out = append(out, Key(string(r)))
	}
	return out
}

// RunCmd runs cmd and what it batches or sequences, and returns the messages
// they produce, in order for sequences. A command that has not answered
// within wait (a timer, a listener on an idle channel) is left behind.
func RunCmd(cmd tea.Cmd, wait time.Duration) []tea.Msg {
	if cmd == nil {
		return nil
	}
	ch := make(chan tea.Msg, 1)
	go func() { ch <- cmd() }()
	var msg tea.Msg
	select {
	case msg = <-ch:
	case <-time.After(wait):
		return nil
	}
	switch m := msg.(type) {
	case nil:
		return nil
	case tea.BatchMsg:
		var out []tea.Msg
		for _, c := range m {
			out = append(out, RunCmd(c, wait)...)
		}
		return out
	}
	// tea.Sequence's message type is unexported: a slice of commands.
	if v := reflect.ValueOf(msg); v.Kind() == reflect.Slice && v.Type().Elem() == reflect.TypeOf(tea.Cmd(nil)) {
		var out []tea.Msg
		for i := 0; i < v.Len(); i++ {
			c, _ := v.Index(i).Interface().(tea.Cmd)
			out = append(out, RunCmd(c, wait)...)
		}
		return out
	}
	return []tea.Msg{msg}
}

// Sizes are the terminal sizes the layout sweep checks, from the minimum up.
func Sizes() [][2]int {
	var out [][2]int
	for _, w := range []int{80, 81, 100, 120, 137, 160, 200} {
		for _, h := range []int{24, 25, 34, 40, 48, 60} {
			out = append(out, [2]int{w, h})
		}
	}
	return out
}

// CheckFits fails the test when a view has a line wider than w or more than h lines.
func CheckFits(t testing.TB, view string, w, h int) {
	t.Helper()
	lines := strings.Split(view, "\n")
	if len(lines) > h {
		t.Errorf("%d×%d: %d lines", w, h, len(lines))
	}
	for i, l := range lines {
		if lw := ansi.StringWidth(l); lw > w {
			t.Errorf("%d×%d: line %d is %d wide: %q", w, h, i+1, lw, ansi.Strip(l))
			return
		}
	}
}

// Plain strips escape codes from a view.
func Plain(view string) string { return ansi.Strip(view) }
