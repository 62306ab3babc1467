package builder

import (
	"fmt"
	"regexp"
	"strings"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/streamsim/streamsim/internal/textsafe"
	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/ui/common"
	"github.com/streamsim/streamsim/ui/styles"
)

var idPattern = regexp.MustCompile(`^[a-z0-9-]+$`)

// field is one row of the settings form: the node's id or one catalog key.
type field struct {
	key   pipeline.Key // zero Name: the id row
	input textinput.Model
	err   string
}

// form edits one node's id and settings. Values are typed in the scenario
// format's units (2000/s, 5MiB, 300s); an empty field means the default.
type form struct {
	node   *pipeline.Node
	sc     *pipeline.Scenario
	fields []field
	focus  int
	typed  []string // each field's text when the form opened
}

// changed reports whether any field differs from what the form opened with.
func (f *form) changed() bool {
	for i, fl := range f.fields {
		if fl.input.Value() != f.typed[i] {
			return true
		}
	}
	return false
}

func newForm(st *styles.Styles, sc *pipeline.Scenario, n *pipeline.Node, width int) *form {
	f := &form{node: n, sc: sc}
	mk := func(k pipeline.Key, value, placeholder string) field {
		in := common.NewInput(st)
		in.Prompt = ""
		in.CharLimit = 64
		in.SetValue(value)
		in.Placeholder = placeholder
		return field{key: k, input: in}
	}
	f.fields = append(f.fields, mk(pipeline.Key{}, n.ID, ""))
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
		f.fields = append(f.fields, mk(k, value, ph))
	}
	for _, fl := range f.fields {
		f.typed = append(f.typed, fl.input.Value())
	}
	f.setWidth(width)
	f.validateAll()
	return f
}

func (f *form) setWidth(w int) {
	for i := range f.fields {
		f.fields[i].input.SetWidth(max(8, min(24, w/4)))
	}
}

// setStyles gives every field the styles' input look.
func (f *form) setStyles(st *styles.Styles) {
	for i := range f.fields {
		f.fields[i].input.SetStyles(st.Input)
	}
}

func (f *form) focusCmd() tea.Cmd {
	for i := range f.fields {
		f.fields[i].input.Blur()
	}
	return f.fields[f.focus].input.Focus()
}

func (f *form) move(d int) tea.Cmd {
	f.focus = (f.focus + d + len(f.fields)) % len(f.fields)
	return f.focusCmd()
}

func (f *form) update(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	fl := &f.fields[f.focus]
	fl.input, cmd = fl.input.Update(msg)
	f.validate(f.focus)
	return cmd
}

func (f *form) validateAll() {
	for i := range f.fields {
		f.validate(i)
	}
}

// validate checks one field as the loader would: ParseParam parses the text in
// the key's kind and checks the enum and the range AWS allows.
func (f *form) validate(i int) {
	fl := &f.fields[i]
	text := strings.TrimSpace(fl.input.Value())
	fl.err = ""
	if fl.key.Name == "" {
		switch {
		case text == "":
			fl.err = "an id is required"
		case !idPattern.MatchString(text):
			fl.err = "use a-z, 0-9 and -"
		case text != f.node.ID && f.sc.Node(text) != nil:
			fl.err = fmt.Sprintf("%q is taken", text)
		}
		return
	}
	if text == "" {
		if fl.key.Required {
			fl.err = "required: " + fl.key.Kind.String()
		}
		return
	}
	if _, err := pipeline.ParseParam(f.node.Service, fl.key.Name, text); err != nil {
		fl.err = textsafe.Line(err.Error())
	}
}

// errors counts the fields with a problem.
func (f *form) errors() int {
	n := 0
	for _, fl := range f.fields {
		if fl.err != "" {
			n++
		}
	}
	return n
}

// apply writes the form into the node and renames references to it. It
// returns the new id.
func (f *form) apply() string {
	n := f.node
	params := map[string]pipeline.Value{}
	for name, v := range n.Params {
		if v.Kind.IsList() {
			params[name] = v // not in the form: kept
		}
	}
	for _, fl := range f.fields[1:] {
		text := strings.TrimSpace(fl.input.Value())
		if text == "" {
			continue
		}
		v, err := pipeline.ParseParam(n.Service, fl.key.Name, text)
		if err != nil {
			continue // apply is only called without errors
		}
		if old, ok := n.Params[fl.key.Name]; ok && old.String() == v.String() {
			v.Pos = old.Pos
		} else {
			delete(n.Notes, fl.key.Name) // its comment said where the old value came from
		}
		params[fl.key.Name] = v
	}
	n.Params = params
	if r, ok := params["hash_ranges"]; ok && (n.Int("shards") != r.List.Len() || n.Str("mode") == "on-demand") {
		delete(params, "hash_ranges") // another shard count: even ranges, as UpdateShardCount makes
	}
	newID := strings.TrimSpace(f.fields[0].input.Value())
	if newID != n.ID {
		rename(f.sc, n.ID, newID)
	}
	return newID
}

// rename changes a node's id and every reference to it: connections,
// timeline entries and expectations.
func rename(sc *pipeline.Scenario, old, id string) {
	for _, n := range sc.Nodes {
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
	for i := range sc.Timeline {
		c := &sc.Timeline[i]
		if c.Fail == old {
			c.Fail = id
		}
		for j := range c.Set {
			if c.Set[j].Node == old {
				c.Set[j].Node = id
			}
		}
	}
	for i := range sc.Expect {
		e := &sc.Expect[i]
		if node, rest, ok := strings.Cut(e.Metric, "."); ok && node == old {
			e.Metric = id + "." + rest
			e.Text = strings.Replace(e.Text, old+".", id+".", 1)
		}
	}
}
