package pipeline

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/streamsim/streamsim/internal/textsafe"
)

func posOf(n *yaml.Node) Pos { return Pos{n.Line, n.Column} }

// kv is one key and value of a mapping.
type kv struct {
	key  string
	k, v *yaml.Node
}

// mapping checks that n is a mapping with scalar, distinct keys and returns its pairs.
func (l *loader) mapping(n *yaml.Node, path, what string) ([]kv, bool) {
	if n.Kind != yaml.MappingNode {
		if isNull(n) {
			return nil, true
		}
		l.add(posOf(n), path, "expected %s, got %s", what, describe(n))
		return nil, false
	}
	seen := make(map[string]Pos, len(n.Content)/2)
	out := make([]kv, 0, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			l.add(posOf(k), path, "expected a plain key, got %s", describe(k))
			continue
		}
		if i := textsafe.Bad(k.Value, false); i >= 0 {
			l.add(posOf(k), path, "key %s holds %s: expected a plain key", strconv.Quote(k.Value), badChar(k.Value, i))
			continue
		}
		if p, dup := seen[k.Value]; dup {
			l.add(posOf(k), join(path, k.Value), "duplicate key %q (first at line %d)", k.Value, p.Line)
			continue
		}
		seen[k.Value] = posOf(k)
		out = append(out, kv{k.Value, k, v})
	}
	return out, true
}

// list checks that n is a list (or empty) and returns its items.
func (l *loader) list(n *yaml.Node, path, what string) []*yaml.Node {
	if n.Kind == yaml.SequenceNode {
		return n.Content
	}
	if !isNull(n) {
		l.add(posOf(n), path, "expected %s, got %s", what, describe(n))
	}
	return nil
}

// scalar returns the text of a scalar, or reports what was expected instead.
// The text is one line of printable characters: a control, bidi or
// zero-width character would reach the terminal of whoever runs the file.
func (l *loader) scalar(n *yaml.Node, path, what string) (string, bool) {
	return l.text(n, path, what, false)
}

// block is scalar for text that may span lines (newlines and tabs allowed).
func (l *loader) block(n *yaml.Node, path, what string) (string, bool) {
	return l.text(n, path, what, true)
}

func (l *loader) text(n *yaml.Node, path, what string, block bool) (string, bool) {
	if n.Kind != yaml.ScalarNode {
		l.add(posOf(n), path, "expected %s, got %s", what, describe(n))
		return "", false
	}
	if isNull(n) {
		l.add(posOf(n), path, "missing value: expected %s", what)
		return "", false
	}
	if i := textsafe.Bad(n.Value, block); i >= 0 {
		l.add(posOf(n), path, "%s holds %s: expected %s", describe(n), badChar(n.Value, i), what)
		return "", false
	}
	return n.Value, true
}

// badChar names the character at byte i of s and where it is.
func badChar(s string, i int) string {
	r, size := utf8.DecodeRuneInString(s[i:])
	what := "a control character"
	switch {
	case r == utf8.RuneError && size == 1:
		what = "a byte that is not UTF-8"
	case r == '\n' || r == '\r':
		what = "a line break"
	case unicode.Is(unicode.Cf, r) || unicode.IsGraphic(r):
		what = "an invisible formatting character"
	}
	return fmt.Sprintf("%s (%s at character %d)", what, textsafe.Line(s[i:i+size]), utf8.RuneCountInString(s[:i])+1)
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" && n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) == 0
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	case yaml.ScalarNode:
		if isNull(n) {
			return "nothing"
		}
		return strconv.Quote(n.Value)
	}
	return "nothing"
}

// unknown reports a key that is not allowed, suggesting the nearest allowed one.
func (l *loader) unknown(p kv, path string, allowed []string) {
	if m := Suggest(p.key, allowed); m != "" {
		l.add(posOf(p.k), join(path, p.key), "unknown key %q; did you mean %q?", p.key, m)
		return
	}
	l.add(posOf(p.k), join(path, p.key), "unknown key %q; expected one of %s", p.key, strings.Join(allowed, ", "))
}
