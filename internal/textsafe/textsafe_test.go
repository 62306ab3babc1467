package textsafe

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestLine(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"plain title — naïve ✓ 日本", "plain title — naïve ✓ 日本"},
		{"a\\b", "a\\b"},
		{"evil \x1b]52;c;aGk=\a", `evil \x1b]52;c;aGk=\x07`},
		{"x\nPASS\r", `x\nPASS\r`},
		{"tab\there", `tab\there`},
		{"del\x7f", `del\x7f`},
		{"c1 \u0085 \u009b2J", `c1 \x85 \x9b2J`},
		{"bidi \u202egnp.exe\u202c", `bidi \u202egnp.exe\u202c`},
		{"iso \u2066x\u2069 \u200e\u200f\u061c", `iso \u2066x\u2069 \u200e\u200f\u061c`},
		{"zw\u200b\u200c\u200d\u2060\ufeff", `zw\u200b\u200c\u200d\u2060\ufeff`},
		{"sep\u2028\u2029", `sep\u2028\u2029`},
		{"filler\u3164\u2800", `filler\u3164\u2800`},
		{"bad \xff\xfe utf8", `bad \xff\xfe utf8`},
		{"nbsp\u00a0ok", "nbsp\u00a0ok"},
		{"private \U000f0000", `private \U000f0000`},
	} {
		if got := Line(c.in); got != c.want {
			t.Errorf("Line(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestBlock(t *testing.T) {
	in := "line one\r\n\tline two\x1b[2J\rend"
	want := "line one\n\tline two\\x1b[2J\\rend"
	if got := Block(in); got != want {
		t.Errorf("Block = %q, want %q", got, want)
	}
	if Bad("a\nb", true) != -1 || Bad("a\nb", false) != 1 {
		t.Error("Bad: a newline is fine in a block only")
	}
}

// Every rune and every byte: what Line returns is printable and valid UTF-8,
// and text that was safe comes back unchanged.
func TestLineClass(t *testing.T) {
	for r := rune(0); r <= utf8.MaxRune; r++ {
		if r >= 0xd800 && r <= 0xdfff {
			continue
		}
		s := "a" + string(r) + "b"
		got := Line(s)
		if !utf8.ValidString(got) || !Safe(got) {
			t.Fatalf("Line(%q) = %q is not safe", s, got)
		}
		if Safe(s) != (got == s) {
			t.Fatalf("Line(%q) = %q: changed safe text or kept unsafe text", s, got)
		}
		for _, b := range []byte(got) {
			if b < 0x20 || b == 0x7f {
				t.Fatalf("Line(%q) has byte %#x", s, b)
			}
		}
		if strings.Contains(got, "\u0085") {
			t.Fatalf("Line(%q) keeps NEL", s)
		}
	}
	for b := 0; b < 256; b++ {
		if got := Line(string([]byte{byte(b)})); !utf8.ValidString(got) || !Safe(got) {
			t.Fatalf("Line(byte %#x) = %q", b, got)
		}
	}
}

func FuzzLine(f *testing.F) {
	for _, s := range []string{"", "ok", "\x1b[31m", "\u202e", "\xff", "a\r\nb"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, got := range []string{Line(s), Block(s)} {
			if !utf8.ValidString(got) {
				t.Fatalf("invalid UTF-8 from %q: %q", s, got)
			}
		}
		if !Safe(Line(s)) || Bad(Block(s), true) >= 0 {
			t.Fatalf("unsafe output for %q", s)
		}
	})
}

func TestWriter(t *testing.T) {
	var b strings.Builder
	w := NewWriter(&b, false)
	for _, p := range []string{"ok ✓\n", "\x1b]0;title\a", "\r\x1b[K", "\xe2\x9c", "\x93 split", "\u202e\n"} {
		if n, err := w.Write([]byte(p)); err != nil || n != len(p) {
			t.Fatalf("Write(%q) = %d, %v", p, n, err)
		}
	}
	want := "ok ✓\n\\x1b]0;title\\x07\\r\\x1b[K✓ split\\u202e\n"
	if b.String() != want {
		t.Errorf("plain: %q, want %q", b.String(), want)
	}
	b.Reset()
	w = NewWriter(&b, true)
	w.Write([]byte("\x1b[1;32mPASS\x1b[0m\r\x1b[K\x1b[2J\x1b]52;c;x\a"))
	if want := "\x1b[1;32mPASS\x1b[0m\r\x1b[K\\x1b[2J\\x1b]52;c;x\\x07"; b.String() != want {
		t.Errorf("terminal: %q, want %q", b.String(), want)
	}
}
