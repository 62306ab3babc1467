package keysheet

import (
	"strings"
	"testing"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

func b(k, desc string) key.Binding { return key.NewBinding(key.WithKeys(k), key.WithHelp(k, desc)) }

func TestColumnsFitTheWidth(t *testing.T) {
	off := b("x", "x")
	off.SetEnabled(false)
	groups := []Group{
		{Title: "clock", Keys: []key.Binding{b("space", "pause"), b("+", "faster"), off}},
		{Title: "steer", Keys: []key.Binding{b("f", "fail node"), b("t", "reshard")}},
		{Title: "everywhere", Keys: []key.Binding{b("?", "help"), b("q", "quit"), b("ctrl+c", "quit")}},
		{Title: "empty", Keys: []key.Binding{off}},
	}
	wide := strings.Join(Lines(help.Styles{}, lipgloss.NewStyle(), groups, 80), "\n")
	// x is disabled: shown, marked; listed again under "empty", it shows once.
	want := "clock                 steer           everywhere\n" +
		"space  pause          f  fail node    ?       help\n" +
		"+      faster         t  reshard      q       quit\n" +
		"x      x (not now)                    ctrl+c  quit"
	if got := ansi.Strip(wide); got != want {
		t.Fatalf("80 wide:\n%s\nwant\n%s", got, want)
	}
	narrow := Lines(help.Styles{}, lipgloss.NewStyle(), groups, 30)
	got := ansi.Strip(strings.Join(narrow, "\n"))
	if !strings.Contains(got, "ctrl+c  quit") {
		t.Fatalf("30 wide:\n%s", got)
	}
	for _, l := range narrow {
		if ansi.StringWidth(l) > 30 {
			t.Fatalf("%q is wider than 30", l)
		}
	}
}

// A sheet longer than its rect scrolls: every key can be brought into
// view, the last line says what is below, and it never scrolls past the end.
func TestSheetScrolls(t *testing.T) {
	var groups []Group
	for g := range 12 {
		var ks []key.Binding
		for i := range 4 {
			k := string(rune('a'+g)) + string(rune('0'+i))
			ks = append(ks, b(k, "does "+k))
		}
		groups = append(groups, Group{Keys: ks})
	}
	s := &Sheet{Title: "keys", Groups: groups}
	s.SetSize(80, 10)
	if !s.Scrolls() {
		t.Fatal("48 keys fit 80×10")
	}
	seen := map[string]bool{}
	for range 40 {
		v := ansi.Strip(s.View(help.Styles{}, lipgloss.NewStyle(), lipgloss.NewStyle()))
		if n := strings.Count(v, "\n") + 1; n != 10 {
			t.Fatalf("%d lines:\n%s", n, v)
		}
		for _, f := range strings.Fields(v) {
			seen[f] = true
		}
		s.Scroll(1)
	}
	for g := range 12 {
		for i := range 4 {
			if k := string(rune('a'+g)) + string(rune('0'+i)); !seen[k] {
				t.Errorf("%s never came into view", k)
			}
		}
	}
	last := ansi.Strip(s.View(help.Styles{}, lipgloss.NewStyle(), lipgloss.NewStyle()))
	if !strings.Contains(last, "line(s) above") || strings.Contains(last, "more line(s)") {
		t.Fatalf("at the end:\n%s", last)
	}
	top := s.Top()
	s.Scroll(s.Page())
	if s.Top() != top {
		t.Fatal("scrolled past the end")
	}
	s.Scroll(-1000)
	if first := ansi.Strip(s.View(help.Styles{}, lipgloss.NewStyle(), lipgloss.NewStyle())); !strings.Contains(first, "more line(s)") || s.Top() != 0 {
		t.Fatalf("back at the top:\n%s", first)
	}
}
