package layout

import (
	"strings"
	"testing"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

func TestSplit(t *testing.T) {
	for _, tc := range []struct {
		total   int
		weights []int
		want    []int
	}{
		{10, []int{1, 1}, []int{5, 5}},
		{11, []int{1, 1}, []int{5, 6}},
		{80, []int{1, 1, 1}, []int{26, 27, 27}},
		{7, []int{3, 1}, []int{5, 2}},
		{0, []int{1, 2}, []int{0, 0}},
	} {
		got := Split(tc.total, tc.weights...)
		sum := 0
		for i := range got {
			sum += got[i]
			if got[i] != tc.want[i] {
				t.Errorf("Split(%d, %v) = %v, want %v", tc.total, tc.weights, got, tc.want)
				break
			}
		}
		if tc.total > 0 && sum != tc.total {
			t.Errorf("Split(%d, %v) adds up to %d", tc.total, tc.weights, sum)
		}
	}
}

func TestFitAndPad(t *testing.T) {
	got := Fit("abcdef\nxy", 4, 3)
	want := "abc…\nxy  \n    "
	if got != want {
		t.Fatalf("Fit = %q, want %q", got, want)
	}
	if got := PadLeft("42", 5); got != "   42" {
		t.Fatalf("PadLeft = %q", got)
	}
	if got := PadRight("█▇▆", 2); ansi.StringWidth(got) != 2 {
		t.Fatalf("PadRight width %d", ansi.StringWidth(got))
	}
}

func TestInnerUsesTheStylesFrame(t *testing.T) {
	s := lipgloss.NewStyle().Border(lipgloss.NormalBorder()).Padding(0, 1)
	w, h := Inner(s, 20, 10)
	if w != 16 || h != 8 {
		t.Fatalf("Inner = %d×%d, want 16×8", w, h)
	}
	if w, h := Inner(s, 1, 1); w != 0 || h != 0 {
		t.Fatalf("Inner of a tiny rect = %d×%d", w, h)
	}
}

func TestPaneIsExactlyItsSize(t *testing.T) {
	plain := lipgloss.NewStyle()
	for _, sz := range [][2]int{{2, 2}, {10, 4}, {40, 12}} {
		p := Pane(plain, plain, "a long title that will not fit", []string{"one", strings.Repeat("x", 100)}, sz[0], sz[1])
		lines := strings.Split(p, "\n")
		if len(lines) != sz[1] {
			t.Fatalf("%v: %d lines", sz, len(lines))
		}
		for _, l := range lines {
			if ansi.StringWidth(l) != sz[0] {
				t.Fatalf("%v: line %q is %d wide", sz, l, ansi.StringWidth(l))
			}
		}
	}
}

func TestWrapWords(t *testing.T) {
	got := WrapWords("aws kinesis update-shard-count --stream-name clicks", 20)
	want := []string{"aws kinesis", "update-shard-count", "--stream-name clicks"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("%q", got)
	}
	if got := WrapWords("abcdefgh", 3); strings.Join(got, "|") != "abc|def|gh" {
		t.Fatalf("%q", got)
	}
}

func TestFocusedPaneIsHeavyAndTheSameSize(t *testing.T) {
	plain := lipgloss.NewStyle()
	a := Pane(plain, plain, "events", []string{"x"}, 20, 4)
	b := FocusedPane(plain, plain, "events", []string{"x"}, 20, 4)
	if !strings.HasPrefix(b, "┏ events ━") || !strings.HasSuffix(b, "━┛") || !strings.Contains(b, "┃x") {
		t.Fatalf("focused pane:\n%s", b)
	}
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	if len(al) != len(bl) {
		t.Fatalf("%d lines vs %d", len(al), len(bl))
	}
	for i := range al {
		if ansi.StringWidth(al[i]) != 20 || ansi.StringWidth(bl[i]) != 20 {
			t.Fatalf("line %d: %q %q", i, al[i], bl[i])
		}
	}
}
