package builder

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/streamsim/streamsim/pipeline"
)

// nodeForm edits a node's id and every key of its service. A key that a
// choice makes meaningless (keys.count when keys.dist is random) is shown
// off, with the reason, and dropped when the form applies.
func (m *Model) nodeForm(n *pipeline.Node) *form {
	st := m.c.Styles
	f := &form{title: "edit " + n.ID, note: n.Service.Label + " · values in the format's units · empty = the default"}
	id := newField(st, "id", n.ID, "", "a-z, 0-9 and - · renaming updates every reference")
	id.check = func(_ *form, t string) string {
		if err := pipeline.CheckID(t); err != nil {
			return errText(err)
		}
		if t != n.ID && m.sc.Node(t) != nil {
			return fmt.Sprintf("%q is taken", t)
		}
		return ""
	}
	f.fields = append(f.fields, id)
	for _, k := range n.Service.Keys {
		if k.Kind.IsList() {
			continue // a recorded series or hash ranges: kept as loaded, not typed in a field
		}
		value := ""
		if v, ok := n.Params[k.Name]; ok {
			value = v.String()
		}
		ph := "default " + k.Default
		if k.Default == "" {
			ph = "(not set)"
		}
		fl := newField(st, k.Name, value, ph, keyHint(k))
		key := k
		fl.check = func(_ *form, t string) string {
			if t == "" {
				if key.Required {
					return "required: " + key.Kind.String()
				}
				return ""
			}
			_, err := pipeline.ParseParam(n.Service, key.Name, t)
			return errText(err)
		}
		if c, ok := n.Service.Condition(k.Name); ok {
			fl.off = func(f *form) string {
				v := f.value(c.Key)
				if v == "" {
					dk, _ := n.Service.Key(c.Key)
					v = dk.Default
				}
				if slices.Contains(c.Values, v) {
					return ""
				}
				return fmt.Sprintf("not used while %s is %s (only for %s)", c.Key, v, strings.Join(c.Values, ", "))
			}
		}
		if k.Name == "read" {
			fl.off = func(*form) string { return readOff(m.sc, n) }
		}
		if k.Kind == pipeline.KindEnum || k.Kind == pipeline.KindBool {
			choices := k.Enum
			if k.Kind == pipeline.KindBool {
				choices = []string{"true", "false"}
			}
			fl.options = func(_ *form, t string) ([]string, int) { return prefixOptions(choices, t, "", 8) }
		}
		f.fields = append(f.fields, fl)
	}
	f.preview = func(f *form) string {
		probe := m.sc.Clone()
		pn := probe.Node(n.ID)
		if pn == nil || len(f.errors()) > 0 {
			return ""
		}
		pn.Params, _ = formParams(f, pn)
		var out []string
		for _, p := range probe.Validate() {
			if strings.Contains(p.Msg, n.ID) || m.pathOf(n) != "" && strings.HasPrefix(p.Path, m.pathOf(n)) {
				out = append(out, problemText(p))
			}
		}
		if len(out) == 0 {
			return ""
		}
		more := ""
		if len(out) > 1 {
			more = fmt.Sprintf(" (+%d more)", len(out)-1)
		}
		return out[0] + more
	}
	f.apply = func(m *Model, f *form) tea.Cmd {
		newID := f.value("id")
		dropped := f.dropped()
		return m.edit("edited "+n.ID, func(sc *pipeline.Scenario) (string, error) {
			node := sc.Node(n.ID)
			if node == nil {
				return "", fmt.Errorf("%s is gone", n.ID)
			}
			node.Params, _ = formParams(f, node)
			msg := "updated " + n.ID
			if newID != n.ID {
				sc.RenameNode(n.ID, newID)
				msg = fmt.Sprintf("renamed %s to %s (and every reference)", n.ID, newID)
				m.selID = newID
			}
			if len(dropped) > 0 {
				msg += "; cleared " + strings.Join(dropped, ", ") + ": meaningless with the other choices"
			}
			return msg, nil
		})
	}
	f.setWidth(m.w)
	f.validate()
	return f
}

// readOff says why read means nothing for n: it applies to consumers of a
// Kinesis data stream.
func readOff(sc *pipeline.Scenario, n *pipeline.Node) string {
	src := sc.Node(n.From)
	switch {
	case src == nil:
		return "not used until it reads a Kinesis data stream (connect one)"
	case !src.Service.EnhancedFanOut:
		return fmt.Sprintf("not used: %s is %s; polling or enhanced fan-out is a Kinesis choice", src.ID, src.Service.ServiceName())
	}
	return ""
}

// formParams reads a node form's keys (those that apply) into params,
// keeping each unchanged value's place in the file, and the lists the form
// does not show. A changed value loses its comment (it said where the old
// value came from); hash ranges of another shard count are dropped (even
// ranges, as UpdateShardCount makes).
func formParams(f *form, n *pipeline.Node) (map[string]pipeline.Value, []string) {
	params := map[string]pipeline.Value{}
	for name, v := range n.Params {
		if v.Kind.IsList() {
			params[name] = v
		}
	}
	var bad []string
	for _, fl := range f.fields[1:] {
		text := f.value(fl.name)
		if text == "" {
			continue
		}
		v, err := pipeline.ParseParam(n.Service, fl.name, text)
		if err != nil {
			bad = append(bad, fl.name)
			continue
		}
		if old, ok := n.Params[fl.name]; ok && old.String() == v.String() {
			v.Pos = old.Pos
		} else {
			delete(n.Notes, fl.name)
		}
		params[fl.name] = v
	}
	if r, ok := params["hash_ranges"]; ok {
		after := *n
		after.Params = params
		if after.Int("shards") != r.List.Len() || after.Str("mode") == "on-demand" {
			delete(params, "hash_ranges")
		}
	}
	return params, bad
}

// pathOf is a node's path in problems ("consumers[1]").
func (m *Model) pathOf(n *pipeline.Node) string {
	i := 0
	for _, o := range m.sc.Nodes {
		if o == n {
			return fmt.Sprintf("%s[%d]", n.Stage, i)
		}
		if o.Stage == n.Stage {
			i++
		}
	}
	return ""
}

// keyHint says what a key accepts: its values or its range, and its meaning.
func keyHint(k pipeline.Key) string {
	var parts []string
	switch {
	case k.Kind == pipeline.KindEnum:
		parts = append(parts, strings.Join(k.Enum, " | "))
	case k.Kind == pipeline.KindBool:
		parts = append(parts, "true | false")
	case k.Kind == pipeline.KindInt && (k.Min != 0 || k.Max != 0):
		parts = append(parts, fmt.Sprintf("integer %s..%s", trim(k.Min), trim(k.Max)))
	default:
		parts = append(parts, kindWord(k.Kind))
	}
	if k.Doc != "" {
		parts = append(parts, k.Doc)
	}
	return strings.Join(parts, " · ")
}

func kindWord(k pipeline.Kind) string {
	return strings.TrimPrefix(strings.TrimPrefix(k.String(), "a "), "an ")
}

func trim(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
