package pipeline

// Index answers a scenario's graph questions in constant time: a node by id,
// the nodes that read or write a node, the nodes of a stage. Scenario's own
// Node, Readers, Writers and Stage scan every node, which is fine once but
// quadratic when asked for every node of a large pipeline (the advisor on a
// 10,000-node scenario); such code builds an Index once.
//
// An Index reflects the scenario's nodes and connections when it was built.
// Settings may change afterwards (they live in the nodes it points to);
// adding, removing or renaming nodes, or changing from/to, needs a new Index.
// The answers are the same, in the same order, as Scenario's methods give.
type Index struct {
	byID    map[string]*Node
	readers map[string][]*Node
	writers map[string][]*Node
	stages  [Destination + 1][]*Node
}

// NewIndex indexes s's nodes and connections.
func NewIndex(s *Scenario) *Index {
	x := &Index{
		byID:    make(map[string]*Node, len(s.Nodes)),
		readers: map[string][]*Node{},
		writers: map[string][]*Node{},
	}
	for _, n := range s.Nodes {
		if _, dup := x.byID[n.ID]; !dup {
			x.byID[n.ID] = n // Scenario.Node finds the first of a duplicated id
		}
		if n.Stage >= Producer && n.Stage <= Destination {
			x.stages[n.Stage] = append(x.stages[n.Stage], n)
		}
		if n.From != "" {
			x.readers[n.From] = append(x.readers[n.From], n)
		}
		for i, t := range n.To {
			dup := false
			for _, u := range n.To[:i] {
				if u == t {
					dup = true
					break
				}
			}
			if !dup {
				x.writers[t] = append(x.writers[t], n)
			}
		}
	}
	return x
}

// Node finds a node by id (nil when there is none), as Scenario.Node does.
func (x *Index) Node(id string) *Node { return x.byID[id] }

// Readers lists the nodes whose `from` is id, in file order, as Scenario.Readers does.
func (x *Index) Readers(id string) []*Node { return x.readers[id] }

// Writers lists the nodes that name id in their `to`, in file order, as
// Scenario.Writers does.
func (x *Index) Writers(id string) []*Node { return x.writers[id] }

// Stage lists the nodes of one stage in file order, as Scenario.Stage does.
// The slice belongs to the index: do not modify it.
func (x *Index) Stage(st Stage) []*Node {
	if st < Producer || st > Destination {
		return nil
	}
	return x.stages[st]
}
