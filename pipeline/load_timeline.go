package pipeline

import (
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// timeline loads the changes; each needs at and set or fail.
func (l *loader) timeline(n *yaml.Node) {
	items := l.list(n, "timeline", "a list of changes such as - {at: 10m, set: {web.rate: 6000/s}}")
	if l.tooMany(items, "timeline", "timeline entries") {
		return
	}
	for i, item := range items {
		if l.full {
			return
		}
		path := index("timeline", i)
		pairs, ok := l.mapping(item, path, "a change: a mapping with at and set or fail")
		if !ok {
			continue
		}
		c := Change{Pos: posOf(item)}
		hasAt, hasFor, valid := false, false, true
		var forPos Pos
		for _, p := range pairs {
			switch p.key {
			case "at":
				hasAt = true
				if d, ok := l.duration(p.v, join(path, "at")); ok {
					c.At = d
					l.beforeEnd(p.v, join(path, "at"), d, "this change would never happen")
				} else {
					valid = false
				}
			case "for":
				hasFor, forPos = true, posOf(p.k)
				if d, ok := l.duration(p.v, join(path, "for")); ok {
					if d <= 0 {
						l.add(posOf(p.v), join(path, "for"), "%s: expected a duration longer than 0s (omit for: to fail until the end)", p.v.Value)
					}
					c.For = d
				} else {
					valid = false
				}
			case "fail":
				t, ok := l.scalar(p.v, join(path, "fail"), "a node id")
				if !ok {
					valid = false
					continue
				}
				if _, ok := l.byID[t]; !ok {
					if !l.broken[t] {
						l.add(posOf(p.v), join(path, "fail"), "no node %q%s", t, hint(t, l.idList()))
					}
					valid = false
					continue
				}
				c.Fail = t
			case "set":
				sp, ok := l.mapping(p.v, join(path, "set"), "a mapping of node.key: value, such as {web.rate: 6000/s}")
				if !ok {
					valid = false
					continue
				}
				for _, a := range sp {
					asg, ok := l.assignment(join(path, "set"), a)
					if ok {
						c.Set = append(c.Set, asg)
					} else {
						valid = false
					}
				}
			default:
				l.unknown(p, path, []string{"at", "set", "fail", "for"})
				valid = false
			}
		}
		if !hasAt {
			l.add(posOf(item), path, "missing at: when the change happens, such as at: 10m")
			valid = false
		}
		if len(c.Set) == 0 && c.Fail == "" && valid {
			l.add(posOf(item), path, "the change does nothing: expected set: or fail:")
		}
		if hasFor && c.Fail == "" && valid {
			l.add(forPos, join(path, "for"), "for: applies to fail: (how long the node stays down)")
		}
		slices.SortStableFunc(c.Set, func(a, b Assignment) int {
			if c := strings.Compare(a.Node, b.Node); c != 0 {
				return c
			}
			return strings.Compare(a.Key, b.Key)
		})
		if valid {
			l.s.Timeline = append(l.s.Timeline, c)
		}
	}
}

func (l *loader) idList() []string {
	out := make([]string, 0, len(l.ids))
	for id := range l.ids {
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}

// assignment loads one node.key: value of a timeline set.
func (l *loader) assignment(path string, p kv) (Assignment, bool) {
	path = join(path, p.key)
	node, key := SplitRef(p.key)
	if key == "" {
		l.add(posOf(p.k), path, "%q: expected node.key such as web.rate", p.key)
		return Assignment{}, false
	}
	n, ok := l.byID[node]
	if !ok {
		if !l.broken[node] {
			l.add(posOf(p.k), path, "no node %q%s", node, hint(node, l.idList()))
		}
		return Assignment{}, false
	}
	k, err := settableKey(n, key)
	if err != nil {
		l.add(posOf(p.k), path, "%s", err)
		return Assignment{}, false
	}
	t, ok := l.scalar(p.v, path, k.Kind.String())
	if !ok {
		return Assignment{}, false
	}
	v, err := ParseParam(n.Service, k.Name, t)
	if err != nil {
		l.add(posOf(p.v), path, "%s", err)
		return Assignment{}, false
	}
	v.Pos = posOf(p.v)
	return Assignment{Node: node, Key: k.Name, Value: v}, true
}

// settableKey finds the key a timeline `set` or `--set` may change on n: a numeric
// key, or mode and read. record_size means record_size.mean.
func settableKey(n *Node, key string) (Key, error) {
	svc := n.Service
	name := key
	if sub, ok := svc.ScalarOf[key]; ok {
		name = key + "." + sub
	}
	k, ok := svc.Key(name)
	if !ok {
		var names []string
		for _, k := range svc.SettableKeys() {
			names = append(names, k.Name)
		}
		return Key{}, fmt.Errorf("%s has no key %q%s", n.ID, key, hint(key, names))
	}
	if !k.Settable() {
		return Key{}, fmt.Errorf("%s cannot change while running: only numeric keys (and mode, read) can be set", k.Name)
	}
	return k, nil
}

// ParseAssignment reads a `--set node.key=value` override (ref is node.key) the way
// a timeline `set` is read: the key must be numeric or mode/read, the value in range.
func (s *Scenario) ParseAssignment(ref, text string) (Assignment, error) {
	node, key := SplitRef(ref)
	if key == "" {
		return Assignment{}, fmt.Errorf("%q: expected node.key such as web.rate", ref)
	}
	n := s.Node(node)
	if n == nil || n.Service == nil {
		var ids []string
		for _, n := range s.Nodes {
			ids = append(ids, n.ID)
		}
		return Assignment{}, fmt.Errorf("no node %q%s", node, hint(node, ids))
	}
	k, err := settableKey(n, key)
	if err != nil {
		return Assignment{}, err
	}
	v, err := ParseParam(n.Service, k.Name, text)
	if err != nil {
		return Assignment{}, fmt.Errorf("%s: %w", ref, err)
	}
	return Assignment{Node: node, Key: k.Name, Value: v}, nil
}
