package pipeline

import "fmt"

// validation says what the caller already checked and where things are.
type validation struct {
	paths  map[*Node]string // "consumers[1]" of each node; computed when nil
	skip   map[string]bool  // ids of nodes that failed to load: references to them are not dangling
	top    map[string]Pos   // positions of top-level keys ("" = where producers go)
	loaded bool             // the loader checked values, ids, services and the timeline
	// triedProducers: the file lists producers that could not be loaded (already reported).
	triedProducers bool
}

type validator struct {
	s     *Scenario
	o     validation
	probs Problems
	byID  map[string]*Node
}

// Validate checks the whole scenario and returns every problem: the graph
// (sources, targets, connections AWS offers, cycles), limits that involve more
// than one key or node, and, for a scenario built or changed in code, every
// value against the catalog. Load calls it; call it again after changing a scenario.
func (s *Scenario) Validate() Problems {
	return s.validate(validation{})
}

func (s *Scenario) validate(o validation) Problems {
	v := &validator{s: s, o: o, byID: make(map[string]*Node, len(s.Nodes))}
	if v.o.paths == nil {
		v.o.paths = make(map[*Node]string, len(s.Nodes))
		count := map[Stage]int{}
		for _, n := range s.Nodes {
			v.o.paths[n] = index(n.Stage.String(), count[n.Stage])
			count[n.Stage]++
		}
	}
	if !o.loaded {
		v.basics()
	}
	for _, n := range s.Nodes {
		if n.Service != nil && n.ID != "" {
			if _, dup := v.byID[n.ID]; !dup {
				v.byID[n.ID] = n
			}
		}
	}
	if len(s.Stage(Producer)) == 0 && !v.o.triedProducers {
		v.add(v.o.top[""], "producers", "at least one producer is required: add producers: with - id: …, rate: …, to: […]")
	}
	if s.Tick > s.Duration && s.Duration > 0 {
		pos, path := v.o.top["tick"], "tick"
		if pos.Line == 0 && v.o.top["duration"].Line > 0 {
			pos, path = v.o.top["duration"], "duration" // the default tick
		}
		v.add(pos, path, "tick %s is longer than the run (duration %s)", FormatDuration(s.Tick), FormatDuration(s.Duration))
	}
	v.connections()
	v.cycles()
	for _, n := range s.Nodes {
		if n.Service != nil {
			v.limits(n)
		}
	}
	v.efo()
	v.probs.Sort()
	return v.probs
}

func (v *validator) add(pos Pos, path, format string, args ...any) {
	v.probs = append(v.probs, Problem{File: v.s.File, Pos: pos, Path: path, Msg: fmt.Sprintf(format, args...)})
}

func (v *validator) path(n *Node) string { return v.o.paths[n] }

// at is where a node's key is written, or the node when the key is a default.
func (v *validator) at(n *Node, key string) (Pos, string) {
	if p, ok := n.Params[key]; ok && p.Pos.Line > 0 {
		return p.Pos, join(v.path(n), key)
	}
	return n.Pos, join(v.path(n), key)
}

func (v *validator) ref(n *Node, ref string) Pos {
	if p, ok := n.RefPos[ref]; ok {
		return p
	}
	return n.Pos
}
