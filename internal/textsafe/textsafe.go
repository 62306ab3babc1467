// Package textsafe is the one way to print text that came from outside the
// program: scenario files, arguments, reports, AWS. A terminal obeys the
// control characters in such text (a clipboard write, a title change, a
// screen clear, a forged verdict line), and bidi and zero-width characters
// make it read other than it is, so every writer escapes them here. It
// imports the standard library only.
package textsafe

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Line is s for one line of output: every character a terminal could act on
// or that hides what the text says is written as a Go escape (\n, \x1b,
// \u202e), and so is a byte that is not UTF-8. A backslash stays as it is.
func Line(s string) string { return escape(s, false) }

// Block is s for text that may span lines (a description, a lesson step):
// as Line, but newlines and tabs stay, and CRLF becomes a newline.
func Block(s string) string {
	return escape(strings.ReplaceAll(s, "\r\n", "\n"), true)
}

// Safe reports whether s prints as it is on one line.
func Safe(s string) bool { return Bad(s, false) < 0 }

// Bad is the byte offset of the first character of s that Line (block
// false) or Block (block true) would escape, or -1.
func Bad(s string, block bool) int {
	for i, r := range s {
		if r == utf8.RuneError {
			if _, n := utf8.DecodeRuneInString(s[i:]); n == 1 {
				return i
			}
		}
		if !printable(r, block) {
			return i
		}
	}
	return -1
}

func escape(s string, block bool) string {
	if Bad(s, block) < 0 {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case printable(r, block):
			b.WriteString(s[i : i+n])
		default:
			b.WriteString(code(r))
		}
		i += n
	}
	return b.String()
}

// printable: letters, marks, numbers, punctuation, symbols and spaces, minus
// the invisible ones; in a block also newline and tab.
func printable(r rune, block bool) bool {
	if block && (r == '\n' || r == '\t') {
		return true
	}
	return unicode.IsGraphic(r) && !invisible(r)
}

// invisible are graphic by Unicode's tables but change how the text around
// them reads: the Hangul fillers and the interlinear annotation marks show as
// nothing, the braille blank as a space.
func invisible(r rune) bool {
	switch r {
	case '\u115f', '\u1160', '\u3164', '\uffa0', '\u2800':
		return true
	}
	return r >= '\ufff9' && r <= '\ufffb'
}

func code(r rune) string {
	switch r {
	case '\n':
		return `\n`
	case '\r':
		return `\r`
	case '\t':
		return `\t`
	}
	if r < 0x100 {
		return fmt.Sprintf(`\x%02x`, r)
	}
	if r < 0x10000 {
		return fmt.Sprintf(`\u%04x`, r)
	}
	return fmt.Sprintf(`\U%08x`, r)
}
