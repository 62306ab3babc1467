package pipeline

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/streamsim/streamsim/internal/textsafe"
)

// Diagram exports. Both formats draw the pipeline left to right with one group per
// stage (Producers, Stream storage, Consumers, Destinations), nodes in file order
// inside each group, and the edges in node order. Nothing depends on map order, so
// the same scenario always gives the same bytes.

// Mermaid renders the scenario as a Mermaid flowchart.
func Mermaid(s *Scenario) string {
	var b strings.Builder
	if t := diagramTitle(s); t != "" {
		fmt.Fprintf(&b, "---\ntitle: %s\n---\n", strconv.Quote(textsafe.Line(t)))
	}
	b.WriteString("flowchart LR\n")
	for _, st := range []Stage{Producer, Storage, Consumer, Destination} {
		nodes := s.Stage(st)
		if len(nodes) == 0 {
			continue
		}
		fmt.Fprintf(&b, "  subgraph %s[\"%s\"]\n", st, mermaidEscape(st.Title()))
		for _, n := range nodes {
			lines := s.NodeLabel(n)
			for i := range lines {
				lines[i] = mermaidEscape(lines[i])
			}
			fmt.Fprintf(&b, "    %s[\"%s\"]\n", mermaidID(n.ID), strings.Join(lines, "<br/>"))
		}
		b.WriteString("  end\n")
	}
	for _, e := range s.Edges() {
		fmt.Fprintf(&b, "  %s --> %s\n", mermaidID(e[0]), mermaidID(e[1]))
	}
	return b.String()
}

// Dot renders the scenario as a Graphviz digraph with one cluster per stage.
func Dot(s *Scenario) string {
	var b strings.Builder
	name := s.Name
	if name == "" {
		name = "pipeline"
	}
	fmt.Fprintf(&b, "digraph %s {\n", dotQuote(name))
	b.WriteString("  graph [rankdir=LR, newrank=true, fontname=\"Helvetica\"")
	if t := diagramTitle(s); t != "" {
		fmt.Fprintf(&b, ", label=%s, labelloc=t", dotQuote(t))
	}
	b.WriteString("];\n")
	b.WriteString("  node [shape=box, style=rounded, fontname=\"Helvetica\"];\n")
	b.WriteString("  edge [fontname=\"Helvetica\"];\n")
	for _, st := range []Stage{Producer, Storage, Consumer, Destination} {
		nodes := s.Stage(st)
		if len(nodes) == 0 {
			continue
		}
		fmt.Fprintf(&b, "  subgraph cluster_%s {\n", st)
		fmt.Fprintf(&b, "    label=%s;\n", dotQuote(st.Title()))
		for _, n := range nodes {
			lines := s.NodeLabel(n)
			for i := range lines {
				lines[i] = dotEscape(lines[i])
			}
			fmt.Fprintf(&b, "    %s [label=\"%s\"];\n", dotQuote(n.ID), strings.Join(lines, `\n`))
		}
		b.WriteString("  }\n")
	}
	for _, e := range s.Edges() {
		fmt.Fprintf(&b, "  %s -> %s;\n", dotQuote(e[0]), dotQuote(e[1]))
	}
	b.WriteString("}\n")
	return b.String()
}

func diagramTitle(s *Scenario) string {
	if s.Title != "" {
		return s.Title
	}
	return s.Name
}

// Edges lists the data flows: every node to the nodes in its `to`, and every
// storage node to the consumers that name it in `from`. Edges to nodes that do not
// exist are left out (validation reports them); duplicates are drawn once.
func (s *Scenario) Edges() [][2]string {
	var out [][2]string
	seen := map[[2]string]bool{}
	exists := make(map[string]bool, len(s.Nodes))
	readers := map[string][]string{} // from → readers, in file order
	for _, n := range s.Nodes {
		exists[n.ID] = true
		if n.From != "" {
			readers[n.From] = append(readers[n.From], n.ID)
		}
	}
	add := func(from, to string) {
		e := [2]string{from, to}
		if seen[e] || !exists[to] {
			return
		}
		seen[e] = true
		out = append(out, e)
	}
	for _, n := range s.Nodes {
		for _, t := range n.To {
			add(n.ID, t)
		}
		for _, r := range readers[n.ID] {
			add(n.ID, r)
		}
	}
	return out
}

// NodeLabel is the text of a node's box: its id, its service and, when there is
// anything to say, its key settings on one line.
func (s *Scenario) NodeLabel(n *Node) []string {
	service := ""
	if n.Service != nil {
		service = n.Service.Label
		if n.Stage == Producer {
			service = fmt.Sprintf("%s (%s)", n.Service.Label, n.Str("kind"))
		}
	}
	lines := []string{n.ID, service}
	if set := nodeSettings(s, n); len(set) > 0 {
		lines = append(lines, strings.Join(set, " · "))
	}
	return lines
}

// nodeSettings picks the few settings that say most about a node's capacity:
// its service's Settings, and how a consumer reads and what its capacity is per.
func nodeSettings(s *Scenario, n *Node) []string {
	if n.Service == nil {
		return nil
	}
	var out []string
	if n.Service.Settings != nil {
		out = n.Service.Settings(s, n)
	}
	if n.Stage == Consumer {
		if n.Has("capacity") {
			out = append(out, n.text("capacity")+" per "+n.Service.CapacityPer)
		}
		if src := s.Node(n.From); src != nil && src.Service != nil && src.Service.EnhancedFanOut &&
			n.Str("read") == "enhanced-fan-out" {
			out = append(out, "enhanced fan-out")
		}
	}
	return out
}

// isDefault reports whether a node's setting equals the catalog default, written
// or not.
func isDefault(n *Node, key string) bool {
	v, _ := n.Param(key)
	k, ok := n.Service.Key(key)
	if !ok || k.Default == "" {
		return !n.Has(key)
	}
	d, err := ParseValue(k.Kind, k.Default)
	return err == nil && d.String() == v.String()
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	if strings.HasSuffix(unit, "x") {
		return fmt.Sprintf("%d %ses", n, unit)
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

// mermaidID maps a node id ([a-z0-9-]+) to a Mermaid node id that can never be a
// keyword such as "end" nor start an edge arrow: "n_" + the id with - as _.
func mermaidID(id string) string { return "n_" + strings.ReplaceAll(id, "-", "_") }

var (
	mermaidReplacer = strings.NewReplacer(`#`, `#35;`, `"`, `#quot;`, `<`, `#lt;`, `>`, `#gt;`)
	dotReplacer     = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
)

// mermaidEscape makes text safe inside a quoted Mermaid label, using Mermaid's
// entity codes for the characters that would end the label or start markup.
func mermaidEscape(s string) string { return textsafe.Line(mermaidReplacer.Replace(s)) }

// dotEscape makes text safe inside a double-quoted DOT string.
func dotEscape(s string) string { return textsafe.Line(dotReplacer.Replace(s)) }

func dotQuote(s string) string { return `"` + dotEscape(s) + `"` }
