package textsafe

import (
	"io"
	"unicode/utf8"
)

// Writer is the last guard of a command's output: it writes what it is given
// as Block would, so text from outside that a caller forgot to escape still
// cannot act on the terminal. On a terminal (term true) the program's own
// decorations pass: a carriage return, and the CSI sequences that set colours
// (ESC [ … m) or clear to the end of the line (ESC [ K).
type Writer struct {
	w    io.Writer
	term bool
	tail []byte // an incomplete UTF-8 character held for the next Write
}

// NewWriter returns a Writer that writes to w.
func NewWriter(w io.Writer, term bool) *Writer { return &Writer{w: w, term: term} }

// Unwrap is the writer underneath, to ask whether it is a terminal.
func (x *Writer) Unwrap() io.Writer { return x.w }

func (x *Writer) Write(p []byte) (int, error) {
	buf := append(x.tail, p...)
	x.tail = nil
	if n := incomplete(buf); n > 0 {
		x.tail = append([]byte(nil), buf[len(buf)-n:]...)
		buf = buf[:len(buf)-n]
	}
	out := make([]byte, 0, len(buf))
	for i := 0; i < len(buf); {
		if x.term {
			if n := decoration(buf[i:]); n > 0 {
				out = append(out, buf[i:i+n]...)
				i += n
				continue
			}
		}
		r, n := utf8.DecodeRune(buf[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			out = append(out, escape(string(buf[i:i+1]), true)...)
		case printable(r, true):
			out = append(out, buf[i:i+n]...)
		default:
			out = append(out, code(r)...)
		}
		i += n
	}
	if _, err := x.w.Write(out); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Flush writes a character left incomplete by the last Write, escaped.
func (x *Writer) Flush() error {
	if len(x.tail) == 0 {
		return nil
	}
	_, err := io.WriteString(x.w, escape(string(x.tail), true))
	x.tail = nil
	return err
}

// incomplete is the length of a UTF-8 character cut off at the end of b.
func incomplete(b []byte) int {
	for n := 1; n <= 3 && n <= len(b); n++ {
		c := b[len(b)-n]
		if c < 0x80 {
			return 0
		}
		if c >= 0xc0 { // a lead byte: is its character complete?
			need := 2
			if c >= 0xf0 {
				need = 4
			} else if c >= 0xe0 {
				need = 3
			}
			if need > n {
				return n
			}
			return 0
		}
	}
	return 0
}

// decoration is the length of the program's own terminal sequence at the
// start of b: \r, ESC [ digits/semicolons m, or ESC [ K; else 0.
func decoration(b []byte) int {
	if b[0] == '\r' {
		return 1
	}
	if len(b) < 3 || b[0] != 0x1b || b[1] != '[' {
		return 0
	}
	for i := 2; i < len(b) && i < 32; i++ {
		switch c := b[i]; {
		case c >= '0' && c <= '9' || c == ';':
		case c == 'm':
			return i + 1
		case c == 'K' && i == 2:
			return 3
		default:
			return 0
		}
	}
	return 0
}
