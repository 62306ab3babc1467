package pipeline

import (
	"fmt"
	"sort"
	"strings"

	"github.com/streamsim/streamsim/internal/textsafe"
)

// Problem is one thing wrong with a scenario file, with where it is.
type Problem struct {
	File string
	Pos  Pos
	Path string // key path such as producers[0].rate
	Msg  string // what is wrong and what was expected
}

// Error formats the problem as file:line:col: path: message. The file name
// came from the user and is escaped; the path and message are the loader's
// own and quote what they show from the file.
func (p Problem) Error() string {
	var b strings.Builder
	if p.File != "" {
		b.WriteString(textsafe.Line(p.File))
		b.WriteString(":")
	}
	if p.Pos.Line > 0 {
		fmt.Fprintf(&b, "%d:%d:", p.Pos.Line, p.Pos.Col)
	}
	if b.Len() > 0 {
		b.WriteString(" ")
	}
	if p.Path != "" {
		b.WriteString(p.Path)
		b.WriteString(": ")
	}
	b.WriteString(p.Msg)
	return b.String()
}

// Problems is every problem found in one file; it is returned as an error.
type Problems []Problem

// Error lists the problems one per line.
func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.Error()
	}
	return strings.Join(lines, "\n")
}

// Sort orders problems by position, so output is stable.
func (ps Problems) Sort() {
	sort.SliceStable(ps, func(i, j int) bool {
		a, b := ps[i].Pos, ps[j].Pos
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
}
