package pipeline

// RuleOfThumb is a service's capacity where AWS publishes none: Units of the
// node, each carrying PerUnit bytes/s. The engine limits the node with it and
// the advisor sizes the node with it, so both read the same numbers; Rule is
// the rule-book id that documents them.
type RuleOfThumb struct {
	Key  string // the key that counts the units
	Noun string // one unit, for text: "KPU", "instance"
	Rule string
	// PerUnit is what one unit carries, bytes/s, given the node's other
	// settings (a Glue worker's type, an EMR cluster's engine).
	PerUnit func(n *Node) float64
}

// Units is the node's count of units.
func (r *RuleOfThumb) Units(n *Node) float64 { return float64(n.Int(r.Key)) }

// Capacity is the node's capacity by the rule, bytes/s.
func (r *RuleOfThumb) Capacity(n *Node) float64 { return r.Units(n) * r.PerUnit(n) }

// GlueDPU is the DPUs of one Glue worker of type t (GLUE-WORKER-TYPES).
func GlueDPU(t string) float64 {
	return map[string]float64{"G.025X": 0.25, "G.1X": 1, "G.2X": 2, "G.4X": 4, "G.8X": 8}[t]
}

// OpenSearchPerInstance is OS-INSTANCE-CAPACITY: bulk indexing per data
// node, bytes/s, by instance type.
func OpenSearchPerInstance(t string) float64 {
	switch t {
	case "t3.medium.search":
		return 2 * MiB
	case "m6g.large.search":
		return 4 * MiB
	case "r6g.xlarge.search":
		return 10 * MiB
	case "r6g.2xlarge.search":
		return 20 * MiB
	}
	return 5 * MiB // r6g.large.search
}

func perUnit(b float64) func(*Node) float64 { return func(*Node) float64 { return b } }

func emrPerInstance(n *Node) float64 {
	if n.Str("engine") == "storm" {
		return 4 * MiB // a per-record topology
	}
	return 8 * MiB // Spark or Flink on an m5.xlarge-class instance
}
