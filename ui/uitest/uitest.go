// Package uitest helps test screens without a program: key messages from
// strings, running commands synchronously, and the sizes every view is
// checked at. lipgloss v2 renders the same bytes on every machine, with or
// without a terminal (the program, not lipgloss, lowers colours for the
// terminal), so views need no fixed colour profile; goldens strip the codes.
package uitest

import (
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// Key returns the message of one key press as Bubble Tea v2 decodes it from
// a terminal: "enter", "esc", "up", "down", "left", "right", "tab",
// "shift+tab", "backspace", "space" (or " "), "ctrl+" and a letter, or a
// single character (an upper-case letter comes as shift and the letter).
func Key(k string) tea.KeyPressMsg {
	switch k {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "left":
		return tea.KeyPressMsg{Code: tea.KeyLeft}
	case "right":
		return tea.KeyPressMsg{Code: tea.KeyRight}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "shift+tab":
		return tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
	case "backspace":
		return tea.KeyPressMsg{Code: tea.KeyBackspace}
	case "space", " ":
		return tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	case "ctrl+c":
		return tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	case "ctrl+u":
		return tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl}
	}
	if l, ok := strings.CutPrefix(k, "ctrl+"); ok && len(l) == 1 {
		return tea.KeyPressMsg{Code: rune(l[0]), Mod: tea.ModCtrl}
	}
	r, _ := utf8.DecodeRuneInString(k)
	if utf8.RuneCountInString(k) == 1 && unicode.IsUpper(r) {
		return tea.KeyPressMsg{Code: unicode.ToLower(r), ShiftedCode: r, Mod: tea.ModShift, Text: k}
	}
	return tea.KeyPressMsg{Code: r, Text: k}
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
