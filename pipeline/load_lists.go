package pipeline

import (
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/streamsim/streamsim/internal/textsafe"
)

// maxNote bounds the comment kept with one setting.
const maxNote = 500

// listValue loads a list-valued setting, reporting a problem at the item it
// is about.
func (l *loader) listValue(n *Node, k Key, path string, v *yaml.Node) {
	val, probs := parseList(k.Kind, v)
	for _, p := range probs {
		pos, ppath := posOf(v), path
		if p.item >= 0 && p.item < len(v.Content) {
			it := v.Content[p.item]
			pos, ppath = posOf(it), index(path, p.item)
			if p.sub >= 0 && it.Kind == yaml.SequenceNode && p.sub < len(it.Content) {
				pos, ppath = posOf(it.Content[p.sub]), index(ppath, p.sub)
			}
		}
		l.add(pos, ppath, "%s", p.msg)
	}
	if len(probs) > 0 {
		return
	}
	if prev, dup := n.Params[k.Name]; dup {
		l.add(posOf(v), path, "%s is set twice (first at line %d)", k.Name, prev.Pos.Line)
		return
	}
	val.Pos = posOf(v)
	n.Params[k.Name] = val
}

// impliedKeys sets what a written list implies: series are a series
// pattern, shares are per-shard keys.
func impliedKeys(n *Node) {
	for _, x := range []struct{ list, key, value string }{
		{"pattern.series", "pattern.shape", "series"},
		{"keys.shares", "keys.dist", "per-shard"},
	} {
		if v, ok := n.Params[x.list]; ok && !n.Has(x.key) {
			n.Params[x.key] = Value{Kind: KindEnum, Str: x.value, Pos: v.Pos, Set: true}
		}
	}
}

// setNote keeps the line comment of a setting (on its value, or on its key
// when the value is a block), so that saving the file keeps it: an imported
// scenario says where each value came from.
func setNote(n *Node, key string, k, v *yaml.Node) {
	c := v.LineComment
	if v.Kind == yaml.MappingNode && v.Style&yaml.FlowStyle == 0 || c == "" {
		c = k.LineComment
	}
	c = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(c), "#"))
	if c == "" || len(c) > maxNote || textsafe.Bad(c, false) >= 0 {
		return
	}
	if n.Notes == nil {
		n.Notes = map[string]string{}
	}
	n.Notes[key] = c
}
