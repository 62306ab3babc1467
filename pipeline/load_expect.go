package pipeline

import (
	"strings"

	"go.yaml.in/yaml/v3"
)

// expect loads the expectations, once the nodes are known.
func (l *loader) expect(n *yaml.Node) {
	items := l.list(n, "expect", `a list of lines such as - pipeline.lost_records == 0`)
	if l.tooMany(items, "expect", "expectations") {
		return
	}
	for i, it := range items {
		if l.full {
			return
		}
		path := index("expect", i)
		t, ok := l.scalar(it, path, "METRIC OP VALUE such as pipeline.lost_records == 0")
		if !ok {
			continue
		}
		// Parse against a scenario holding only the node named, so that a file
		// with thousands of nodes and expectations stays linear; the full
		// scenario is used when the node is unknown, for its suggestions.
		probe := l.s
		if node, _ := SplitRef(firstField(t)); node != "" {
			if nd, ok := l.byID[node]; ok {
				probe = &Scenario{Nodes: []*Node{nd}}
			} else if l.broken[node] {
				continue
			} else if node == "pipeline" {
				probe = &Scenario{}
			}
		}
		e, err := probe.ParseExpect(t)
		if err != nil {
			l.add(posOf(it), path, "%s", err)
			continue
		}
		e.Pos = posOf(it)
		l.s.Expect = append(l.s.Expect, e)
	}
}

func firstField(s string) string {
	f := strings.Fields(s)
	if len(f) == 0 {
		return ""
	}
	return f[0]
}
