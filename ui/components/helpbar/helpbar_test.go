package helpbar

import (
	"strings"
	"testing"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"github.com/charmbracelet/x/ansi"
)

func b(k, desc string) key.Binding { return key.NewBinding(key.WithKeys(k), key.WithHelp(k, desc)) }

func TestPinnedKeysAlwaysShow(t *testing.T) {
	off := b("x", "disabled")
	off.SetEnabled(false)
	bar := Bar{
		Lead: []key.Binding{b("space", "pause")},
		Rest: []key.Binding{b("+", "faster"), b("-", "slower"), off, b("tab", "events"), b("f", "fail node"), b("k", "set key"), b("t", "reshard")},
		Tail: []key.Binding{b("esc", "builder"), b("?", "help"), b("q", "quit")},
	}
	for _, tc := range []struct {
		w    int
		want string
	}{
		{200, "space pause · + faster · - slower · tab events · f fail node · k set key · t reshard · esc builder · ? help · q quit"},
		{80, "space pause · + faster · - slower · tab events · esc builder · ? help · q quit"},
		{70, "space pause · + faster · - slower · esc builder · ? help · q quit"},
		{60, "space pause · + faster · esc builder · ? help · q quit"},
		{45, "space pause · esc builder · ? help · q quit"},
		{36, "space · esc bu… · ? help · q quit"}, // the pinned keys alone do not fit: descriptions are cut
	} {
		got := ansi.Strip(bar.Render(help.Styles{}, tc.w))
		if got != tc.want {
			t.Errorf("%d wide:\n got %q\nwant %q", tc.w, got, tc.want)
		}
		if ansi.StringWidth(got) > tc.w {
			t.Errorf("%d wide: %d cells", tc.w, ansi.StringWidth(got))
		}
		if strings.Contains(got, "disabled") {
			t.Error("a disabled key shows")
		}
	}
}

// A key kept by priority keeps its place: a later, shorter key may fill the
// room an earlier, longer one leaves.
func TestPriorityThenOrder(t *testing.T) {
	bar := Bar{Rest: []key.Binding{b("a", "a long description here"), b("b", "bee"), b("c", "sea")}, Tail: []key.Binding{b("q", "quit")}}
	if got := ansi.Strip(bar.Render(help.Styles{}, 22)); got != "b bee · c sea · q quit" {
		t.Fatalf("%q", got)
	}
}
