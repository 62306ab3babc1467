package pipeline

import (
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// valueNode writes a setting: a scalar, or for the list kinds a placeholder
// that placeLists replaces with the list.
func (e *encoder) valueNode(v Value) *yaml.Node {
	if !v.Kind.IsList() || v.List == nil {
		return scalarOf(v)
	}
	e.lists = append(e.lists, listText(v.List))
	return &yaml.Node{Kind: yaml.ScalarNode, Value: e.placeholder(len(e.lists) - 1)}
}

// listText writes a list on one line in flow syntax, hash keys quoted so
// that no YAML reader takes them for floats.
func listText(l *List) string {
	var parts []string
	for _, it := range l.items() {
		if len(it) == 1 {
			parts = append(parts, it[0])
			continue
		}
		q := make([]string, len(it))
		for i, x := range it {
			q[i] = strconv.Quote(x)
		}
		parts = append(parts, "["+strings.Join(q, ", ")+"]")
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// blockGroups are the groups of a node written as blocks rather than on one
// line: those holding a list, or a comment on one of their keys.
func blockGroups(n *Node, keys []string, notes map[string]string) map[string]bool {
	out := map[string]bool{}
	for _, name := range keys {
		head, _, nested := strings.Cut(name, ".")
		if !nested {
			continue
		}
		if k, ok := n.Service.Key(name); ok && k.Kind.IsList() || notes[name] != "" {
			out[head] = true
		}
	}
	return out
}

// note is a setting's comment as YAML writes it.
func note(s string) string {
	if s == "" {
		return ""
	}
	return "# " + s
}

// wrapWidth is where a long list is broken over lines.
const wrapWidth = 100

// placeLists puts each list where its placeholder is, broken after an item
// before a line passes wrapWidth, continued two spaces deeper than its key.
// It fails when a placeholder is not found exactly once.
func (e *encoder) placeLists(out []byte) ([]byte, bool) {
	text := string(out)
	for i, l := range e.lists {
		ph := e.placeholder(i)
		at := strings.Index(text, ph)
		if at < 0 || strings.Count(text, ph) != 1 {
			return nil, false
		}
		lineStart := strings.LastIndexByte(text[:at], '\n') + 1
		line := text[lineStart:at]
		indent := strings.Repeat(" ", len(line)-len(strings.TrimLeft(line, " "))+2)
		text = text[:at] + wrapList(l, len(line), indent) + text[at+len(ph):]
	}
	return []byte(text), true
}

func (e *encoder) placeholder(i int) string { return e.token + strconv.Itoa(i) + "-end" }

// wrapList writes a one-line list starting at column col, breaking it
// after items so that lines stay within wrapWidth where an item allows.
func wrapList(list string, col int, indent string) string {
	items := splitItems(list[1 : len(list)-1])
	var b strings.Builder
	b.WriteByte('[')
	width := col + 1
	for k, it := range items {
		if k < len(items)-1 {
			it += ","
		}
		switch {
		case k == 0:
		case width+1+len(it) > wrapWidth:
			b.WriteString("\n" + indent)
			width = len(indent)
		default:
			b.WriteByte(' ')
			width++
		}
		b.WriteString(it)
		width += len(it)
	}
	b.WriteByte(']')
	return b.String()
}

// splitItems splits the inside of a flow list into its items.
func splitItems(s string) []string {
	var items []string
	depth, quoted, start := 0, false, 0
	for j := 0; j < len(s); j++ {
		switch c := s[j]; {
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == '[':
			depth++
		case c == ']':
			depth--
		case c == ',' && depth == 0:
			items = append(items, strings.TrimSpace(s[start:j]))
			start = j + 1
		}
	}
	return append(items, strings.TrimSpace(s[start:]))
}
