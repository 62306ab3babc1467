package pipeline

import (
	"fmt"
	"slices"
	"strings"
)

// Editing the graph: which connections AWS offers between two nodes (and why
// not, when it does not), making and removing them, and removing or renaming a
// node with every reference to it. The builder calls these; Validate stays the
// judge of the whole scenario.

// ServiceName is a service's name in a sentence: its AWS label without
// "Amazon " or "AWS " ("Firehose", "MSK Serverless", "Kinesis Data Streams").
func (s *Service) ServiceName() string {
	switch s.Name {
	case "producer":
		return "a producer"
	case "firehose":
		return "Firehose"
	case "flink":
		return "Managed Flink"
	case "glue-streaming":
		return "Glue streaming"
	case "app":
		return "a KCL app"
	case "opensearch":
		return "OpenSearch"
	}
	return strings.TrimPrefix(strings.TrimPrefix(s.Label, "Amazon "), "AWS ")
}

func serviceNames[N ~string](names []N) string {
	var out []string
	for _, n := range names {
		if svc, ok := LookupService(string(n)); ok {
			out = append(out, svc.ServiceName())
		}
	}
	return strings.Join(out, ", ")
}

// Connected reports whether data flows from a to b in the file: b names a in
// its from, or a names b in its to.
func (s *Scenario) Connected(a, b *Node) bool {
	return a != nil && b != nil && (b.From != "" && b.From == a.ID || slices.Contains(a.To, b.ID))
}

// readsFrom reports whether a connection from a to b is written as b's from:
// a stream read by a consumer, or by a destination with streaming ingestion.
func readsFrom(a, b *Node) bool {
	return a.Stage == Storage && (b.Stage == Consumer || b.Stage == Destination && len(b.Service.ReadsFrom) > 0)
}

// CheckConnect says why data cannot flow from a to b, or returns nil when AWS
// offers that connection and the graph can take it (one source per consumer,
// one destination per Firehose stream, no cycle). The message starts with what
// cannot be done: "delivery (Firehose) cannot read from video (Kinesis Video
// Streams): Firehose reads from Kinesis Data Streams, MSK, MSK Serverless".
func (s *Scenario) CheckConnect(a, b *Node) error {
	if a == nil || b == nil || a.Service == nil || b.Service == nil {
		return fmt.Errorf("pick two nodes to connect")
	}
	an := fmt.Sprintf("%s (%s)", a.ID, a.Service.ServiceName())
	bn := fmt.Sprintf("%s (%s)", b.ID, b.Service.ServiceName())
	if a.Stage == Producer {
		an = a.ID + " (a producer)"
	}
	if b.Stage == Producer {
		bn = b.ID + " (a producer)"
	}
	refuse := func(verb, format string, args ...any) error {
		if verb == "read from" { // b reads a: b is the subject
			return fmt.Errorf("%s cannot read from %s: %s", bn, an, fmt.Sprintf(format, args...))
		}
		return fmt.Errorf("%s cannot %s %s: %s", an, verb, bn, fmt.Sprintf(format, args...))
	}
	switch {
	case a == b:
		return fmt.Errorf("%s cannot feed itself: pick another node", an)
	case b.Stage == Producer:
		return refuse("write to", "producers are where data starts; nothing writes to them")
	case a.Stage == Destination:
		return refuse("write to", "destinations are where data ends; they write nowhere")
	}
	if readsFrom(a, b) {
		if !b.Service.CanReadFrom(a.Service.Name) {
			if b.Stage == Destination {
				return refuse("read from", "%s reads streams directly from %s only (streaming ingestion)",
					b.Service.ServiceName(), serviceNames(b.Service.ReadsFrom))
			}
			return refuse("read from", "%s reads from %s", b.Service.ServiceName(), serviceNames(b.Service.ReadsFrom))
		}
		if b.From != "" && b.From != a.ID {
			return refuse("read from", "%s reads %s already and a consumer reads one stream; disconnect %s first", b.ID, b.From, b.From)
		}
		if w := s.Writers(b.ID); len(w) > 0 && !slices.Contains(w, a) {
			return refuse("read from", "%s takes Direct PUT from %s and has one source; disconnect %s first", b.ID, w[0].ID, w[0].ID)
		}
	} else {
		switch {
		case a.Stage == Storage && b.Stage == Destination:
			return refuse("write to", "%s does not read streams; a consumer (Firehose, Managed Flink, Glue streaming, …) must deliver to it", b.Service.ServiceName())
		case a.Stage == Storage:
			return refuse("write to", "a stream does not write anywhere; a consumer must read it and write on")
		case a.Stage == Producer && b.Stage == Destination:
			return refuse("write to", "producers write to a stream (%s) or to a Direct PUT consumer (%s)",
				serviceNames(ServiceNames(Storage)), serviceNames(directPutNames()))
		case b.Stage == Consumer && !b.Service.DirectPut:
			return refuse("write to", "%s takes no direct writes: it reads a stream, so write to that stream", b.Service.ServiceName())
		case !a.Service.CanWriteTo(b.Service.Name):
			return refuse("write to", "%s writes to %s", a.Service.ServiceName(), serviceNames(a.Service.WritesTo))
		case b.Stage == Consumer && b.From != "":
			return refuse("write to", "%s reads %s and a %s stream has one source; disconnect %s first", b.ID, b.From, b.Service.ServiceName(), b.From)
		case a.Service.Name == Firehose && len(a.To) > 0 && !slices.Contains(a.To, b.ID):
			return refuse("write to", "a Firehose stream delivers to exactly one destination and %s delivers to %s; disconnect it first", a.ID, a.To[0])
		}
	}
	if path := s.path(b, a); path != nil {
		return refuse("write to", "that would make a cycle (%s → %s): data would go round forever", strings.Join(path, " → "), b.ID)
	}
	return nil
}

// path finds a way data flows from a to b and lists the ids on it.
func (s *Scenario) path(a, b *Node) []string {
	prev := map[string]string{a.ID: ""}
	queue := []string{a.ID}
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		if id == b.ID {
			var out []string
			for x := id; x != ""; x = prev[x] {
				out = append(out, x)
			}
			slices.Reverse(out)
			return out
		}
		n := s.Node(id)
		if n == nil {
			continue
		}
		next := append([]string(nil), n.To...)
		for _, r := range s.Readers(id) {
			next = append(next, r.ID)
		}
		for _, t := range next {
			if _, seen := prev[t]; !seen {
				prev[t] = id
				queue = append(queue, t)
			}
		}
	}
	return nil
}

// Connect makes data flow from a to b where CheckConnect allows it: a stream
// read by a consumer (or by Redshift's streaming ingestion) sets the reader's
// from; every other connection adds b to a's to. It says what it did.
func (s *Scenario) Connect(a, b *Node) (string, error) {
	if err := s.CheckConnect(a, b); err != nil {
		return "", err
	}
	if s.Connected(a, b) {
		return fmt.Sprintf("%s → %s is there already", a.ID, b.ID), nil
	}
	if readsFrom(a, b) {
		b.From = a.ID
		return fmt.Sprintf("%s now reads %s", b.ID, a.ID), nil
	}
	a.To = append(a.To, b.ID)
	return fmt.Sprintf("%s → %s", a.ID, b.ID), nil
}

// Disconnect removes the flow from a to b and reports whether there was one.
func (s *Scenario) Disconnect(a, b *Node) bool {
	if !s.Connected(a, b) {
		return false
	}
	if b.From == a.ID {
		b.From = ""
	}
	a.To = slices.DeleteFunc(a.To, func(t string) bool { return t == b.ID })
	return true
}

// Removed says what RemoveNode took out besides the node.
type Removed struct {
	Connections int // from and to references to the node
	Timeline    int // assignments and failures that named it (entries left empty are dropped)
	Expect      int // expectations on its metrics
	Lesson      int // lesson steps' checks, actions and predictions that named it (their text stays)
}

// RemoveNode takes the node id out of the scenario with every reference to
// it: connections, timeline changes, expectations and what lesson steps ask
// of it (a saved file must load again).
func (s *Scenario) RemoveNode(id string) Removed {
	var r Removed
	s.Nodes = slices.DeleteFunc(s.Nodes, func(o *Node) bool { return o.ID == id })
	for _, o := range s.Nodes {
		if o.From == id {
			o.From = ""
			r.Connections++
		}
		before := len(o.To)
		o.To = slices.DeleteFunc(o.To, func(t string) bool { return t == id })
		r.Connections += before - len(o.To)
	}
	var tl []Change
	for _, c := range s.Timeline {
		before := len(c.Set)
		c.Set = slices.DeleteFunc(slices.Clone(c.Set), func(a Assignment) bool { return a.Node == id })
		r.Timeline += before - len(c.Set)
		if c.Fail == id {
			c.Fail, c.For = "", 0
			r.Timeline++
		}
		if len(c.Set) > 0 || c.Fail != "" {
			tl = append(tl, c)
		}
	}
	s.Timeline = tl
	before := len(s.Expect)
	s.Expect = slices.DeleteFunc(s.Expect, func(e Expectation) bool {
		node, _ := SplitRef(e.Metric)
		return node == id
	})
	r.Expect = before - len(s.Expect)
	for i := range s.Lesson {
		st := &s.Lesson[i]
		if st.Check != nil && refNode(st.Check.Ref) == id {
			st.Check, r.Lesson = nil, r.Lesson+1
		}
		if st.Did != nil && st.Did.Node == id {
			st.Did, r.Lesson = nil, r.Lesson+1
		}
		if st.Predict != nil && refNode(st.Predict.Metric) == id {
			st.Predict, r.Lesson = nil, r.Lesson+1
		}
	}
	return r
}

// refNode is the node of a node.metric or node.key reference.
func refNode(ref string) string {
	node, _ := SplitRef(ref)
	return node
}

// RenameNode changes a node's id and every reference to it: connections,
// timeline entries, expectations and lesson steps.
func (s *Scenario) RenameNode(old, id string) {
	for _, n := range s.Nodes {
		if n.ID == old {
			n.ID = id
		}
		if n.From == old {
			n.From = id
		}
		for i, t := range n.To {
			if t == old {
				n.To[i] = id
			}
		}
	}
	for i := range s.Timeline {
		c := &s.Timeline[i]
		if c.Fail == old {
			c.Fail = id
		}
		for j := range c.Set {
			if c.Set[j].Node == old {
				c.Set[j].Node = id
			}
		}
	}
	for i := range s.Expect {
		e := &s.Expect[i]
		if node, rest, ok := strings.Cut(e.Metric, "."); ok && node == old {
			e.Metric = id + "." + rest
			if t, ok := strings.CutPrefix(e.Text, old+"."); ok {
				e.Text = id + "." + t
			}
		}
	}
	s.renameInLesson(old, id)
}

// renameInLesson renames the node in what the lesson's steps ask. Steps hold
// their parts by pointer, shared with clones of the scenario: a renamed part
// is a copy.
func (s *Scenario) renameInLesson(old, id string) {
	for i := range s.Lesson {
		st := &s.Lesson[i]
		if c := st.Check; c != nil && refNode(c.Ref) == old {
			cp := *c
			_, rest := SplitRef(c.Ref)
			cp.Ref = id + "." + rest
			if t, ok := strings.CutPrefix(c.Text, old+"."); ok {
				cp.Text = id + "." + t
			}
			st.Check = &cp
		}
		if a := st.Did; a != nil && a.Node == old {
			cp := *a
			cp.Node = id
			ref := id
			if a.Key != "" {
				ref += "." + a.Key
			}
			cp.Text = a.Kind + " " + ref
			st.Did = &cp
		}
		if p := st.Predict; p != nil && refNode(p.Metric) == old {
			cp := *p
			_, rest := SplitRef(p.Metric)
			cp.Metric = id + "." + rest
			st.Predict = &cp
		}
	}
}

// Condition says when a key of a service means something: only while another
// key of the node has one of Values (pattern.peak only for a diurnal pattern,
// keys.count not for random keys).
type Condition struct {
	Key    string
	Values []string
	Strict bool // setting the key anyway is a validation error
}

// Condition returns the condition under which key means something on a node
// of s, if there is one.
func (s *Service) Condition(key string) (Condition, bool) {
	c, ok := conditions[key]
	if !ok {
		return Condition{}, false
	}
	if _, has := s.Key(c.key); !has {
		return Condition{}, false
	}
	return Condition{Key: c.key, Values: slices.Clone(c.values), Strict: c.strict}, true
}

// Applies reports whether key means something on n given its other settings,
// and when it does not, why ("keys.count does not apply when keys.dist is
// random").
func (n *Node) Applies(key string) (bool, string) {
	c, ok := n.Service.Condition(key)
	if !ok {
		return true, ""
	}
	v, _ := n.Param(c.Key)
	if slices.Contains(c.Values, v.String()) {
		return true, ""
	}
	return false, fmt.Sprintf("%s does not apply when %s is %s (only for %s)", key, c.Key, v.String(), strings.Join(c.Values, ", "))
}
