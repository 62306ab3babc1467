package pipeline

import (
	"fmt"
	"slices"
	"strings"
)

func (v *validator) ids() []string {
	out := make([]string, 0, len(v.byID))
	for _, n := range v.s.Nodes {
		if v.byID[n.ID] == n {
			out = append(out, n.ID)
		}
	}
	return out
}

// target resolves a from/to reference, reporting it when it names no node.
func (v *validator) target(n *Node, ref, id string) *Node {
	if t, ok := v.byID[id]; ok {
		return t
	}
	if !v.o.skip[id] {
		v.add(v.ref(n, ref), join(v.path(n), ref), "no node %q%s", id, hint(id, v.ids()))
	}
	return nil
}

// connections checks every from and to against what AWS offers, and that every
// consumer has a source.
func (v *validator) connections() {
	writers := map[string][]*Node{}
	for _, n := range v.s.Nodes {
		if n.Service == nil {
			continue
		}
		path := v.path(n)
		streaming := n.Stage == Destination && len(n.Service.ReadsFrom) > 0
		if (n.Stage == Storage || n.Stage == Destination) && (n.From != "" && !streaming || len(n.To) > 0) {
			v.add(n.Pos, path, "%s have no from or to; %s", stageNodes(n.Stage), connectionHelp(n.Stage))
			continue
		}
		if n.Stage == Producer && len(n.To) == 0 {
			v.add(n.Pos, join(path, "to"), "producer %s writes nowhere: add to: with a stream or a Direct PUT consumer (%s)", n.ID, strings.Join(directPutNames(), ", "))
		}
		if (n.Stage == Consumer || streaming) && n.From != "" {
			if src := v.target(n, "from", n.From); src != nil {
				v.readFrom(n, src)
			}
		}
		seen := map[string]bool{}
		for i, id := range n.To {
			ref := fmt.Sprintf("to[%d]", i)
			if seen[id] {
				v.add(v.ref(n, ref), join(path, ref), "%s is listed twice", id)
				continue
			}
			seen[id] = true
			t := v.target(n, ref, id)
			if t == nil {
				continue
			}
			if v.writeTo(n, t, ref) {
				writers[t.ID] = append(writers[t.ID], n)
			}
		}
	}
	for _, n := range v.s.Nodes {
		if n.Service == nil || n.Stage != Consumer {
			continue
		}
		w := writers[n.ID]
		switch {
		case n.From == "" && (!n.Service.DirectPut || len(w) == 0):
			if n.Service.DirectPut {
				v.add(n.Pos, v.path(n), "consumer %s has no source: name a stream with from:, or have a producer write to it (to: [%s])", n.ID, n.ID)
			} else {
				v.add(n.Pos, v.path(n), "consumer %s has no source: name the stream it reads with from:", n.ID)
			}
		case n.From != "" && len(w) > 0:
			var names []string
			for _, x := range w {
				names = append(names, x.ID)
			}
			v.add(v.ref(n, "from"), join(v.path(n), "from"),
				"%s reads from %s and also takes Direct PUT from %s; a %s stream has one source: drop from: or move the writers to %s",
				n.ID, n.From, strings.Join(names, ", "), n.Service.Short, n.From)
		}
	}
}

func directPutNames() []string {
	var out []string
	for _, s := range ServicesAt(Consumer) {
		if s.DirectPut {
			out = append(out, string(s.Name))
		}
	}
	return out
}

func (v *validator) readFrom(n, src *Node) {
	pos, path := v.ref(n, "from"), join(v.path(n), "from")
	if src.Stage != Storage {
		v.add(pos, path, "%s is one of the %s: from names a stream (storage node)", src.ID, src.Stage)
		return
	}
	if !n.Service.CanReadFrom(src.Service.Name) {
		v.add(pos, path, "AWS does not offer %s reading from %s (%s): %s reads from %s",
			n.Service.Name, src.Service.Name, src.ID, n.Service.Name, joinNames(n.Service.ReadsFrom, ", "))
	}
}

// writeTo checks one to: reference and reports whether it is a legal connection.
func (v *validator) writeTo(n, t *Node, ref string) bool {
	pos, path := v.ref(n, ref), join(v.path(n), ref)
	switch {
	case n.Stage == Producer && t.Stage == Destination:
		v.add(pos, path, "%s cannot write to %s (%s): producers write to a stream (%s) or to a Direct PUT consumer (%s)",
			n.ID, t.ID, t.Service.Name, strings.Join(ServiceNames(Storage), ", "), strings.Join(directPutNames(), ", "))
		return false
	case t.Stage == Producer:
		v.add(pos, path, "%s is a producer; nothing writes to producers", t.ID)
		return false
	case t.Stage == Consumer && !t.Service.DirectPut:
		v.add(pos, path, "%s (%s) takes no direct writes: it reads a stream named in its from:; write to that stream instead", t.ID, t.Service.Name)
		return false
	case !n.Service.CanWriteTo(t.Service.Name):
		v.add(pos, path, "AWS does not offer %s writing into %s (%s): %s writes to %s",
			n.Service.Name, t.Service.Name, t.ID, n.Service.Name, joinNames(n.Service.WritesTo, ", "))
		return false
	}
	return true
}

// cycles finds loops in the data flow and names the nodes on each.
func (v *validator) cycles() {
	order := map[string]int{}
	next := map[string][]string{}
	for i, n := range v.s.Nodes {
		if v.byID[n.ID] != n {
			continue
		}
		order[n.ID] = i
		for _, t := range n.To {
			if _, ok := v.byID[t]; ok {
				next[n.ID] = append(next[n.ID], t)
			}
		}
		if n.Stage == Consumer && n.From != "" {
			if _, ok := v.byID[n.From]; ok {
				next[n.From] = append(next[n.From], n.ID)
			}
		}
	}
	const (
		white = iota
		grey
		black
	)
	colour := map[string]int{}
	seen := map[string]bool{}
	type frame struct {
		id string
		i  int
	}
	for _, root := range v.s.Nodes {
		if v.byID[root.ID] != root || colour[root.ID] != white {
			continue
		}
		stack := []frame{{root.ID, 0}}
		colour[root.ID] = grey
		for len(stack) > 0 {
			top := &stack[len(stack)-1]
			if top.i >= len(next[top.id]) {
				colour[top.id] = black
				stack = stack[:len(stack)-1]
				continue
			}
			to := next[top.id][top.i]
			top.i++
			switch colour[to] {
			case white:
				colour[to] = grey
				stack = append(stack, frame{to, 0})
			case grey:
				var cyc []string
				for j := len(stack) - 1; j >= 0; j-- {
					cyc = append(cyc, stack[j].id)
					if stack[j].id == to {
						break
					}
				}
				slices.Reverse(cyc)
				// Start at the node written first, so the report is stable.
				first := 0
				for j, id := range cyc {
					if order[id] < order[cyc[first]] {
						first = j
					}
				}
				cyc = append(cyc[first:], cyc[:first]...)
				key := strings.Join(cyc, " ")
				if seen[key] || len(seen) >= 10 {
					continue
				}
				seen[key] = true
				n := v.byID[cyc[0]]
				v.add(n.Pos, v.path(n), "cycle: %s → %s: data would go round forever", strings.Join(cyc, " → "), cyc[0])
			}
		}
	}
}
