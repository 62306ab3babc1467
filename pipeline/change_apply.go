package pipeline

import (
	"errors"
	"fmt"
	"strings"
)

// This file is the one way a change reaches a scenario's settings: a
// timeline `set` as a run reaches it, a --set before a run, a TUI steering
// key and a change to a run on AWS all go through ApplyChange (or
// CheckChange, to judge without writing). It checks each assignment (the
// node exists, the key is one a change may set, the value is valid in the
// key's unit and range), says whether it can be made now — before a run
// everything valid can; during a run only what the running pipeline takes
// (the catalog's Key.NotLive, or a backend's own LiveKeys) — and writes the
// assignments that can.

// ChangeOptions say when a change is made and who makes it.
type ChangeOptions struct {
	// Live says the change is made while a run goes on (a timeline entry as
	// the run reaches it, a steering key), not before it starts (--set, the
	// builder): only keys the running pipeline can take are changed.
	Live bool
	// Backend is what the backend running the pipeline can change while it
	// runs, when that is not what the catalog says (the simulator can make
	// every change the catalog calls live). Nil: the catalog's.
	Backend *LiveKeys
	// Index finds nodes in constant time (nil: a scan of the scenario's
	// nodes). It must index the scenario the change is applied to.
	Index *Index
}

// LiveKeys is what a backend can change while a run goes on: per service,
// the settable keys it can change, and why it cannot change the others.
type LiveKeys struct {
	// Keys lists, per service, the keys a run can change; a service listed
	// with no keys can change every settable key. Services not listed can
	// change none.
	Keys map[ServiceName][]string
	// Why is the reason given for every other key.
	Why string
}

// refuses says why the backend cannot change k of n while it runs, or "".
func (l *LiveKeys) refuses(n *Node, k Key) string {
	keys, ok := l.Keys[n.Service.Name]
	if ok && len(keys) == 0 {
		return ""
	}
	for _, name := range keys {
		if name == k.Name {
			return ""
		}
	}
	return l.Why
}

// Outcome is what became of one assignment of a change.
type Outcome struct {
	// Assignment is the assignment with the key as the catalog names it
	// (record_size is record_size.mean) and Value.Set true.
	Assignment
	// Err says why the assignment is not valid: no such node, a key a
	// change cannot set, a value out of range. Nothing was written.
	Err error
	// Refused says why the running pipeline cannot take it now (a key
	// that only takes effect from the start of a run, a key the backend
	// cannot change). Nothing was written.
	Refused string
	// Dropped lists the node's other keys the change removed: a Kinesis
	// stream of another shard count (or mode) has its hash_ranges made
	// again, evenly, as UpdateShardCount does.
	Dropped []string
}

// Made reports whether the assignment was (or, from CheckChange, would be) written.
func (o Outcome) Made() bool { return o.Err == nil && o.Refused == "" }

// Ref is the assignment's node.key.
func (o Outcome) Ref() string { return o.Node + "." + o.Key }

// Problem says, in one line, why the assignment was not made ("" when it was):
// "set web.keys.count = 10 refused: …".
func (o Outcome) Problem() string {
	switch {
	case o.Err != nil:
		return o.Err.Error()
	case o.Refused != "":
		return fmt.Sprintf("set %s = %s refused: %s; %s", o.Ref(), o.Value, o.Refused, o.Fix())
	}
	return ""
}

// Fix says how to have a refused assignment after all: from the start of a
// run ("" when it was not refused).
func (o Outcome) Fix() string {
	if o.Refused == "" {
		return ""
	}
	return fmt.Sprintf("set %s in the scenario, or run with --set %s=%s, to have it from the start", o.Key, o.Ref(), o.Value)
}

// Applied is what became of a change: one Outcome per assignment, in the
// change's order.
type Applied struct {
	Set []Outcome
	// FailErr says why the change's `fail` is not valid (no such node).
	FailErr error
}

// NotMade lists the outcomes of assignments that were not made.
func (a Applied) NotMade() []Outcome {
	var out []Outcome
	for _, o := range a.Set {
		if !o.Made() {
			out = append(out, o)
		}
	}
	return out
}

// Err is nil when every part of the change was made; otherwise a
// *ChangeError saying what was not, and why.
func (a Applied) Err() error {
	bad := a.NotMade()
	if len(bad) == 0 && a.FailErr == nil {
		return nil
	}
	return &ChangeError{NotMade: bad, FailErr: a.FailErr}
}

// ChangeError is the error of a change that was not (wholly) made.
type ChangeError struct {
	NotMade []Outcome
	FailErr error
}

// Error says what was not made, and why, in one line.
func (e *ChangeError) Error() string {
	var parts []string
	for _, o := range e.NotMade {
		parts = append(parts, o.Problem())
	}
	if e.FailErr != nil {
		parts = append(parts, e.FailErr.Error())
	}
	return strings.Join(parts, "; ")
}

// Refused reports whether the change was valid but the running pipeline
// could not take (part of) it, rather than being invalid.
func (e *ChangeError) Refused() bool {
	for _, o := range e.NotMade {
		if o.Err != nil {
			return false
		}
	}
	return e.FailErr == nil && len(e.NotMade) > 0
}

// CheckChange judges every assignment of c as ApplyChange would, without
// writing anything; the error (a *ChangeError) says what would not be made.
func (s *Scenario) CheckChange(c Change, o ChangeOptions) (Applied, error) {
	a := s.judge(c, o)
	return a, a.Err()
}

// ApplyChange applies the assignments of c to the scenario's settings: each
// is checked (node, key, value), judged against when it is made (o.Live:
// only what the running pipeline can take), and written with Value.Set
// true when it can be. Assignments that cannot are left out and said in the
// Applied and in the error (a *ChangeError); the others are written all the
// same, as a timeline entry is made in part. A caller that must make all or
// nothing asks CheckChange first. `fail` is checked, not applied: stopping a
// node is the running backend's.
func (s *Scenario) ApplyChange(c Change, o ChangeOptions) (Applied, error) {
	a := s.judge(c, o)
	for i := range a.Set {
		out := &a.Set[i]
		if !out.Made() {
			continue
		}
		n := s.nodeFor(out.Node, o)
		if n.Params == nil {
			n.Params = map[string]Value{}
		}
		n.Params[out.Key] = out.Value
		if n.Has("hash_ranges") && (out.Key == "shards" || out.Key == "mode") {
			// A stream of another shard count (or on-demand) has its
			// ranges made again, evenly, as UpdateShardCount would.
			delete(n.Params, "hash_ranges")
			out.Dropped = append(out.Dropped, "hash_ranges")
		}
	}
	return a, a.Err()
}

// judge checks every assignment of c and says what can be made.
func (s *Scenario) judge(c Change, o ChangeOptions) Applied {
	a := Applied{Set: make([]Outcome, len(c.Set))}
	for i, as := range c.Set {
		out := Outcome{Assignment: as}
		out.Value.Set = true
		n := s.nodeFor(as.Node, o)
		if n == nil || n.Service == nil {
			out.Err = fmt.Errorf("no node %q", as.Node)
			a.Set[i] = out
			continue
		}
		k, err := settableKey(n, as.Key)
		if err == nil {
			out.Key = k.Name
			err = CheckParam(n.Service, k.Name, out.Value)
			if err != nil {
				err = fmt.Errorf("%s: %w", out.Ref(), err)
			}
		}
		if err != nil {
			out.Err = err
			a.Set[i] = out
			continue
		}
		if o.Live {
			out.Refused = liveRefusal(n, k, o.Backend)
		}
		a.Set[i] = out
	}
	if c.Fail != "" {
		if n := s.nodeFor(c.Fail, o); n == nil {
			a.FailErr = fmt.Errorf("no node %q", c.Fail)
		}
	}
	return a
}

// liveRefusal says why a running pipeline cannot take a change of k on n,
// or "": the backend's own rules when it has them, else the catalog's.
func liveRefusal(n *Node, k Key, b *LiveKeys) string {
	why := k.NotLive
	if b != nil {
		why = b.refuses(n, k)
	}
	if why == "" {
		return ""
	}
	return fmt.Sprintf("%s cannot change while the pipeline runs (%s)", k.Name, why)
}

func (s *Scenario) nodeFor(id string, o ChangeOptions) *Node {
	if o.Index != nil {
		return o.Index.Node(id)
	}
	return s.Node(id)
}

// CheckSetRef checks the node.key of a --set (or --vary) against the
// scenario and the catalog: the node must exist and the key must be one a
// change may set (Key.Settable). Its errors suggest the nearest node or key.
func (s *Scenario) CheckSetRef(ref string) error {
	id, key := SplitRef(ref)
	if id == "" || key == "" {
		return errors.New("expected node.key=value such as clicks.shards=8")
	}
	n := s.Node(id)
	if n == nil || n.Service == nil {
		var ids []string
		for _, n := range s.Nodes {
			ids = append(ids, n.ID)
		}
		msg := fmt.Sprintf("no node %q", id)
		if m := Suggest(id, ids); m != "" {
			return fmt.Errorf("%s; did you mean %q?", msg, m)
		}
		return fmt.Errorf("%s; the nodes are %s", msg, strings.Join(ids, ", "))
	}
	svc := n.Service
	name := key
	if sub, ok := svc.ScalarOf[key]; ok {
		name = key + "." + sub // record_size means record_size.mean
	}
	k, ok := svc.Key(name)
	if !ok {
		var names []string
		for _, k := range svc.SettableKeys() {
			names = append(names, k.Name)
		}
		msg := fmt.Sprintf("%s (%s) has no key %q", id, svc.Name, key)
		if m := Suggest(key, names); m != "" {
			return fmt.Errorf("%s; did you mean %q?", msg, m)
		}
		return fmt.Errorf("%s; it can set %s", msg, strings.Join(names, ", "))
	}
	if !k.Settable() {
		return fmt.Errorf("%s is not numeric: --set changes numeric keys (and mode, read); edit the file to change %s", k.Name, k.Name)
	}
	return nil
}
