package pipeline

import (
	"bytes"
	"errors"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	goccyyaml "github.com/goccy/go-yaml"
	goccy "github.com/goccy/go-yaml/parser"
	"go.yaml.in/yaml/v3"

	"github.com/streamsim/streamsim/internal/textsafe"
)

// parse turns the bytes into a YAML node tree, reporting syntax errors with a line.
func (l *loader) parse(data []byte) (*yaml.Node, bool) {
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	err := dec.Decode(&doc)
	if errors.Is(err, io.EOF) {
		l.add(Pos{1, 1}, "", "empty file: expected a scenario, a mapping that starts with version: 1")
		return nil, false
	}
	if err != nil {
		pos, msg := yamlErrorPos(data, err)
		l.add(pos, "", "invalid YAML: %s", textsafe.Line(msg))
		return nil, false
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		var pos Pos
		if err == nil {
			pos = posOf(&extra)
		} else {
			pos, _ = yamlErrorPos(data, err)
		}
		l.add(pos, "", "a scenario file holds one YAML document; found a second one (---)")
		return nil, false
	}
	return &doc, true
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// parserMessages are the yaml.v3 errors whose line number is counted from 0
// (the parser's, not the scanner's).
var parserMessages = []string{"did not find expected", "found duplicate %", "found incompatible YAML",
	"found undefined tag handle"}

// yamlErrorPos finds where a yaml.v3 error happened. yaml.v3 gives only a
// line, and for some errors not even that, so the file is parsed a second
// time by goccy/go-yaml, whose syntax errors carry the line and column of
// the token at fault; its message goes with its position. Where the second
// parser finds nothing (the two differ on a few corners of YAML), the line
// of yaml.v3 and the heuristics below give the place.
func yamlErrorPos(data []byte, err error) (Pos, string) {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if flowDepth(data, maxAskedDepth) <= maxAskedDepth {
		if pos, m, ok := syntaxErrorAt(data); ok && !strings.Contains(m, "\t") {
			return pos, m
		}
	}
	pos := Pos{1, 1}
	if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
		msg = m[2]
		n, _ := strconv.Atoi(m[1])
		for _, p := range parserMessages {
			if strings.HasPrefix(msg, p) {
				n++
				break
			}
		}
		pos.Line = max(n, 1)
	}
	lines := bytes.Split(data, []byte("\n"))
	switch {
	case strings.Contains(msg, "tab character") || strings.Contains(msg, "cannot start any token"):
		if pos.Line <= len(lines) {
			if i := bytes.IndexByte(lines[pos.Line-1], '\t'); i >= 0 {
				pos.Col = i + 1
				msg = "found a tab; indent with spaces only"
			}
		}
	case strings.Contains(msg, "control characters"), strings.Contains(msg, "UTF-8"):
		for ln, line := range lines {
			for i, r := range string(line) {
				if r == utf8.RuneError || r < ' ' && r != '\t' && r != '\r' || r == 0x7f {
					return Pos{ln + 1, i + 1}, msg
				}
			}
		}
	case strings.HasPrefix(msg, "unknown anchor"):
		name := strings.TrimSuffix(strings.TrimPrefix(msg, "unknown anchor '"), "' referenced")
		for ln, line := range lines {
			if i := bytes.Index(line, []byte("*"+name)); i >= 0 {
				return Pos{ln + 1, i + 1}, msg
			}
		}
	}
	return pos, msg
}

// maxAskedDepth is the deepest nesting of flow brackets for which goccy/go-yaml
// is asked where an error is: its parser copies the path of every level into
// the next, so 20,000 '[' took it 1.7 s (and 14 s under -race on a busy
// machine). Scenario files nest a few levels (MaxDepth).
const maxAskedDepth = 256

// flowDepth is the deepest nesting of [ and { in data, counted without
// regard to quotes or comments (so at least the flow nesting), up to just
// past limit.
func flowDepth(data []byte, limit int) int {
	depth, most := 0, 0
	for _, c := range data {
		switch c {
		case '[', '{':
			depth++
			if depth > most {
				most = depth
				if most > limit {
					return most
				}
			}
		case ']', '}':
			depth = max(0, depth-1)
		}
	}
	return most
}

// syntaxErrorAt asks goccy/go-yaml where the syntax error of data is.
func syntaxErrorAt(data []byte) (pos Pos, msg string, ok bool) {
	defer func() {
		if recover() != nil { // third-party code on untrusted input
			ok = false
		}
	}()
	_, err := goccy.ParseBytes(data, 0)
	var se *goccyyaml.SyntaxError
	if !errors.As(err, &se) || se.Token == nil || se.Token.Position == nil || se.Token.Position.Line < 1 {
		return Pos{}, "", false
	}
	p := se.Token.Position
	msg, _, _ = strings.Cut(se.Message, "\n")
	return Pos{p.Line, max(p.Column, 1)}, msg, msg != ""
}

// valueBound is an upper bound, roughly, on the number of YAML values in data:
// every value but the first needs a separator (, [ { or - : ? before a space).
func valueBound(data []byte) int {
	n := 1
	for i, c := range data {
		switch c {
		case ',', '[', '{':
			n++
		case '-', ':', '?':
			if i+1 == len(data) || data[i+1] == ' ' || data[i+1] == '\n' || data[i+1] == '\r' || data[i+1] == '\t' {
				n += 2
			}
		}
	}
	return n
}

// guard rejects what a scenario never needs and an attacker would use: aliases
// (exponential expansion), deep nesting and huge numbers of values.
func (l *loader) guard(root *yaml.Node) bool {
	type item struct {
		n     *yaml.Node
		depth int
	}
	stack := []item{{root, 0}}
	count, aliases := 0, 0
	for len(stack) > 0 {
		it := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		count++
		if count > maxYAMLValues {
			l.add(posOf(it.n), "", "more than %d values; scenario files are not that large", maxYAMLValues)
			return false
		}
		if it.depth > MaxDepth {
			l.add(posOf(it.n), "", "nested deeper than %d levels; scenario files need far less", MaxDepth)
			return false
		}
		if it.n.Kind == yaml.AliasNode {
			if aliases < 10 {
				l.add(posOf(it.n), "", "aliases (*%s) are not supported in scenario files; write the value out", textsafe.Line(it.n.Value))
			}
			aliases++
			continue
		}
		for i := len(it.n.Content) - 1; i >= 0; i-- {
			stack = append(stack, item{it.n.Content[i], it.depth + 1})
		}
	}
	return aliases == 0
}
