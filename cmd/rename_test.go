package cmd

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/scenarios"
)

// TestRenameChangesNothing renames every node of every built-in and runs
// both: the JSON reports must be the same but for the names. Partition keys,
// hashing, timeline order, findings: nothing a user calls a node may change
// what the run gives, or two designs that differ only in names would read
// as different.
func TestRenameChangesNothing(t *testing.T) {
	plainRunEnv(t)
	for _, name := range scenarios.Names() {
		t.Run(name, func(t *testing.T) {
			orig := builtinCopy(t, name)
			data, _ := scenarios.Read(name)
			s, err := pipeline.Load(name+".yaml", data)
			if err != nil {
				t.Fatal(err)
			}
			renamed, back := renameNodes(s)
			text, err := pipeline.Encode(renamed, false)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), name+".yaml")
			if err := os.WriteFile(path, text, 0o644); err != nil {
				t.Fatal(err)
			}
			a := canonical(t, runJSON(t, orig))
			b := canonical(t, back.Replace(runJSON(t, path)))
			if a != b {
				t.Errorf("renaming the nodes changed the report:\n%s", firstDiff(a, b))
			}
		})
	}
}

// runJSON runs a scenario file and returns its JSON report.
func runJSON(t *testing.T, path string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "report.json")
	code, stdout, stderr := run(t, "run", path, "--json", out, "--quiet")
	if code > 1 {
		t.Fatalf("run %s: exit %d\n%s%s", path, code, stdout, stderr)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// renameNodes gives every node of s a new id ("rn0q", "rn1q", …, in the
// reverse of file order so that no name keeps its place in any sorted
// order) everywhere it is referred to, and returns the copy and a replacer
// from the new names back to the old.
func renameNodes(s *pipeline.Scenario) (*pipeline.Scenario, *strings.Replacer) {
	c := s.Clone()
	to := map[string]string{}
	var pairs []string
	for i, n := range c.Nodes {
		id := fmt.Sprintf("rn%dq", len(c.Nodes)-1-i)
		to[n.ID] = id
		pairs = append(pairs, id, n.ID)
	}
	for _, n := range c.Nodes {
		n.ID = to[n.ID]
		if n.From != "" {
			n.From = to[n.From]
		}
		for i, x := range n.To {
			n.To[i] = to[x]
		}
	}
	for i := range c.Timeline {
		ch := &c.Timeline[i]
		for j := range ch.Set {
			ch.Set[j].Node = to[ch.Set[j].Node]
		}
		sort.SliceStable(ch.Set, func(a, b int) bool {
			if ch.Set[a].Node != ch.Set[b].Node {
				return ch.Set[a].Node < ch.Set[b].Node
			}
			return ch.Set[a].Key < ch.Set[b].Key
		})
		if ch.Fail != "" {
			ch.Fail = to[ch.Fail]
		}
	}
	for i := range c.Expect {
		x := &c.Expect[i]
		node, key := pipeline.SplitRef(x.Metric)
		if id, ok := to[node]; ok {
			x.Metric = id + "." + key
			x.Text = strings.Replace(x.Text, node+".", id+".", 1)
		}
	}
	// The lesson's checks, actions and predictions name nodes too.
	ref := func(r string) string {
		node, key := pipeline.SplitRef(r)
		if id, ok := to[node]; ok {
			return id + "." + key
		}
		return r
	}
	for i := range c.Lesson {
		st := &c.Lesson[i]
		if st.Check != nil {
			ch := *st.Check
			old := ch.Ref
			ch.Ref = ref(ch.Ref)
			ch.Text = strings.Replace(ch.Text, old, ch.Ref, 1)
			st.Check = &ch
		}
		if st.Did != nil && st.Did.Node != "" {
			a := *st.Did
			a.Text = strings.Replace(a.Text, a.Node, to[a.Node], 1)
			a.Node = to[a.Node]
			st.Did = &a
		}
		if st.Predict != nil {
			p := *st.Predict
			p.Metric = ref(p.Metric)
			st.Predict = &p
		}
	}
	return c, strings.NewReplacer(pairs...)
}

// canonical re-encodes a JSON report with sorted keys, one value a line.
func canonical(t *testing.T, text string) string {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(text), &v); err != nil {
		t.Fatal(err)
	}
	out, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// firstDiff shows the first line where a and b differ.
func firstDiff(a, b string) string {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < min(len(la), len(lb)); i++ {
		if la[i] != lb[i] {
			return fmt.Sprintf("line %d:\n  before: %s\n  after:  %s", i+1, la[i], lb[i])
		}
	}
	return fmt.Sprintf("lengths differ: %d and %d lines", len(la), len(lb))
}
