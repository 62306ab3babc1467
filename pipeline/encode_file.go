package pipeline

import (
	"bytes"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// EncodeFile writes the scenario as its file should read after a save: only
// what is set, as Encode(s, false) does. When s was loaded from YAML
// (s.Source), what still applies of that file is kept: its comments, the
// order of its keys, its blank lines, flow or block style of its lists and
// mappings, quoting, block texts (description, lesson steps) as they were
// wrapped, and the spelling of every value that did not change (1.5k/s stays
// 1.5k/s). An unchanged scenario is written back byte for byte, but for the
// spaces before a line comment where the file had more than one of them… and
// those are kept too.
//
// Whatever it keeps, the file loads as the scenario Encode(s, false) writes;
// should it not (a case the merge does not foresee), the plain encoding is
// returned instead.
func EncodeFile(s *Scenario) ([]byte, error) {
	plain, err := Encode(s, false)
	if err != nil || len(s.Source) == 0 {
		return plain, err
	}
	kept, ok := keepFile(s, s.Source)
	if !ok {
		return plain, nil
	}
	// The kept file must mean what the plain one does.
	want, errW := Load(s.File, plain)
	got, errG := Load(s.File, kept)
	switch {
	case errW != nil && errG != nil:
		if errW.Error() != errG.Error() {
			return plain, nil
		}
	case errW != nil || errG != nil:
		return plain, nil
	default:
		a, err1 := Encode(want, true)
		b, err2 := Encode(got, true)
		if err1 != nil || err2 != nil || !bytes.Equal(a, b) || !sameExtras(want, got) {
			return plain, nil
		}
	}
	return kept, nil
}

// sameExtras compares what the normalised form leaves out: node comments and
// the exact text of expectations.
func sameExtras(a, b *Scenario) bool {
	if len(a.Expect) != len(b.Expect) {
		return false
	}
	for i := range a.Expect {
		if a.Expect[i].Text != b.Expect[i].Text {
			return false
		}
	}
	return true
}

// gap is the spaces a line comment had before it in the file.
type gap struct{ comment, spaces string }

const (
	keepMark  = "streamsim-keep-"       // a block text written back as it was
	blankMark = "#streamsim-blank-line" // a blank line before a key or an item
)

// keeper merges a freshly encoded tree with the tree of the file.
type keeper struct {
	src    []string            // the file's lines
	blocks map[string][]string // placeholder → the block text's lines as written
	gaps   []gap               // line comments written with more than one space before them
	from   map[*yaml.Node]Pos  // where in the file a fresh list item came from
}

func keepFile(s *Scenario, source []byte) ([]byte, bool) {
	var doc yaml.Node
	if err := yaml.Unmarshal(source, &doc); err != nil || doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 {
		return nil, false
	}
	e := encoder{s: s, top: map[string]bool{}, from: map[*yaml.Node]Pos{}, token: "streamsim-list-"}
	if strings.Contains(string(source), e.token) {
		return nil, false
	}
	if root := doc.Content[0]; root.Kind == yaml.MappingNode {
		for i := 0; i < len(root.Content); i += 2 {
			e.top[root.Content[i].Value] = true
		}
	}
	fresh := e.scenario()
	text := strings.ReplaceAll(string(source), "\r\n", "\n")
	k := &keeper{src: strings.Split(text, "\n"), blocks: map[string][]string{}, from: e.from}
	k.merge(doc.Content[0], fresh)
	out := &yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{fresh},
		HeadComment: doc.HeadComment, LineComment: doc.LineComment, FootComment: doc.FootComment}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(k.indent())
	if err := enc.Encode(out); err != nil {
		return nil, false
	}
	if err := enc.Close(); err != nil {
		return nil, false
	}
	kept, ok := k.finish(buf.String())
	if !ok {
		return nil, false
	}
	return e.placeLists(kept)
}

// indent is the file's indentation step: that of its first indented line.
func (k *keeper) indent() int {
	for _, l := range k.src {
		t := strings.TrimLeft(l, " ")
		if n := len(l) - len(t); n > 0 && t != "" && !strings.HasPrefix(t, "#") {
			if n >= 2 && n <= 8 {
				return n
			}
			break
		}
	}
	return 2
}

func (k *keeper) line(n int) string {
	if n < 1 || n > len(k.src) {
		return ""
	}
	return k.src[n-1]
}

// blankBefore reports whether a blank line precedes the node (and its head
// comment) in the file.
func (k *keeper) blankBefore(n *yaml.Node) bool {
	first := n.Line
	if n.HeadComment != "" {
		first -= strings.Count(n.HeadComment, "\n") + 1
	}
	return first > 1 && strings.TrimSpace(k.line(first-1)) == ""
}

func (k *keeper) comments(o, f *yaml.Node) {
	f.HeadComment, f.LineComment, f.FootComment = o.HeadComment, o.LineComment, o.FootComment
	if o.LineComment != "" {
		l := k.line(o.Line)
		if i := strings.LastIndex(l, o.LineComment); i > 0 {
			before := l[:i]
			spaces := before[len(strings.TrimRight(before, " \t")):]
			if len(spaces) > 1 {
				k.gaps = append(k.gaps, gap{comment: o.LineComment, spaces: spaces})
			}
		}
	}
}

// markBlank puts a marker in the head comment of f that finish turns into a
// blank line.
func (k *keeper) markBlank(o, f *yaml.Node) {
	if k.blankBefore(o) {
		if f.HeadComment == "" {
			f.HeadComment = blankMark
		} else {
			f.HeadComment = blankMark + "\n" + f.HeadComment
		}
	}
}

func (k *keeper) merge(o, f *yaml.Node) {
	k.comments(o, f)
	if o.Kind == yaml.MappingNode && f.Kind == yaml.ScalarNode && len(o.Content) == 2 && o.Content[1].Kind == yaml.ScalarNode &&
		(o.Content[1].Value == f.Value || sameScalar(o.Content[1].Value, f.Value)) {
		// {shape: poisson} where the format also allows the scalar poisson:
		// keep the file's mapping.
		key := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: o.Content[0].Value}
		val := &yaml.Node{Kind: yaml.ScalarNode, Tag: f.Tag, Value: f.Value, Style: f.Style}
		f.Kind, f.Tag, f.Value, f.Style, f.Content = yaml.MappingNode, "!!map", "", 0, []*yaml.Node{key, val}
	}
	if o.Kind != f.Kind {
		return
	}
	switch f.Kind {
	case yaml.ScalarNode:
		k.scalar(o, f)
	case yaml.MappingNode:
		k.mapping(o, f)
	case yaml.SequenceNode:
		k.sequence(o, f)
	}
}

func (k *keeper) scalar(o, f *yaml.Node) {
	same := o.Value == f.Value
	if !same && sameScalar(o.Value, f.Value) {
		f.Value, same = o.Value, true
	}
	if !same {
		if o.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 && strings.Contains(f.Value, "\n") {
			f.Style = o.Style
		}
		return
	}
	f.Tag = o.Tag
	f.Style = o.Style
	if o.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		if body, ok := k.block(o); ok {
			mark := keepMark + strconv.Itoa(len(k.blocks))
			k.blocks[mark] = body
			f.Value, f.Style, f.Tag = mark, 0, "!!str"
		}
	}
}

// block returns a block scalar as the file writes it: the indicator line's
// rest, then the text's lines.
func (k *keeper) block(o *yaml.Node) ([]string, bool) {
	head := k.line(o.Line)
	if o.Column < 1 || o.Column > len(head) {
		return nil, false
	}
	ind := head[o.Column-1:]
	if !strings.HasPrefix(ind, "|") && !strings.HasPrefix(ind, ">") {
		return nil, false
	}
	out := []string{ind}
	parent := len(head) - len(strings.TrimLeft(head, " "))
	text := -1 // the indentation of the text: that of its first line
	for n := o.Line + 1; n <= len(k.src); n++ {
		l := k.line(n)
		if strings.TrimSpace(l) != "" {
			in := len(l) - len(strings.TrimLeft(l, " "))
			if text < 0 {
				text = in
			}
			if in < text || in <= parent {
				break
			}
		}
		out = append(out, l)
	}
	for len(out) > 1 && strings.TrimSpace(out[len(out)-1]) == "" {
		out = out[:len(out)-1]
	}
	// The lines are stored relative to the indicator line's indentation.
	for i := 1; i < len(out); i++ {
		if len(out[i]) >= parent {
			out[i] = out[i][parent:]
		} else {
			out[i] = strings.TrimLeft(out[i], " ")
		}
	}
	return out, len(out) > 1
}

// sameScalar reports whether two spellings mean one value: the same
// duration, size, rate, percent, money or number.
func sameScalar(a, b string) bool {
	for _, k := range []Kind{KindDuration, KindSize, KindRate, KindPercent, KindMoney, KindFactor, KindFloat} {
		va, errA := ParseValue(k, a)
		vb, errB := ParseValue(k, b)
		if errA == nil && errB == nil && va.Num == vb.Num && va.Dur == vb.Dur && va.Rate == vb.Rate {
			return true
		}
	}
	return false
}

func (k *keeper) mapping(o, f *yaml.Node) {
	f.Style = o.Style
	origAt := map[string]int{}
	for i := 0; i+1 < len(o.Content); i += 2 {
		origAt[o.Content[i].Value] = i
	}
	type pair struct{ k, v *yaml.Node }
	var pairs []pair
	for i := 0; i+1 < len(f.Content); i += 2 {
		pairs = append(pairs, pair{f.Content[i], f.Content[i+1]})
	}
	// Keys of the file in its order; new keys after the key that precedes
	// them in the format's order.
	var out []pair
	for _, p := range pairs {
		if _, ok := origAt[p.k.Value]; ok {
			out = append(out, p)
		}
	}
	slices.SortStableFunc(out, func(a, b pair) int { return origAt[a.k.Value] - origAt[b.k.Value] })
	for i, p := range pairs {
		if _, ok := origAt[p.k.Value]; ok {
			continue
		}
		at := 0
		for j := i - 1; j >= 0; j-- {
			if x := slices.IndexFunc(out, func(q pair) bool { return q.k == pairs[j].k }); x >= 0 {
				at = x + 1
				break
			}
		}
		out = slices.Insert(out, at, p)
	}
	f.Content = f.Content[:0]
	for _, p := range out {
		if i, ok := origAt[p.k.Value]; ok {
			okey, oval := o.Content[i], o.Content[i+1]
			k.merge(okey, p.k)
			k.merge(oval, p.v)
			// The first key of a list item starts on the item's line: the
			// item carries its blank line.
			if o.Style&yaml.FlowStyle == 0 && okey.Line != o.Line {
				k.markBlank(okey, p.k)
			}
		}
		f.Content = append(f.Content, p.k, p.v)
	}
}

// identity names a list item so that it is found again after edits: a node
// by its id, a timeline change by its time and what it changes, a lesson
// step by its text, a scalar by its value.
func identity(n *yaml.Node) string {
	switch n.Kind {
	case yaml.ScalarNode:
		return "v:" + n.Value
	case yaml.MappingNode:
		get := func(key string) (*yaml.Node, bool) {
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == key {
					return n.Content[i+1], true
				}
			}
			return nil, false
		}
		if v, ok := get("id"); ok {
			return "id:" + v.Value
		}
		if v, ok := get("at"); ok {
			at := v.Value
			if d, err := ParseDuration(at); err == nil {
				at = d.String()
			}
			id := "at:" + at
			if f, ok := get("fail"); ok {
				id += "|fail:" + f.Value
			}
			if s, ok := get("set"); ok {
				for i := 0; i < len(s.Content); i += 2 {
					id += "|" + s.Content[i].Value
				}
			}
			if say, ok := get("say"); ok {
				id += "|say:" + say.Value
			}
			return id
		}
		if v, ok := get("say"); ok {
			return "say:" + v.Value
		}
	}
	return ""
}

func (k *keeper) sequence(o, f *yaml.Node) {
	f.Style = o.Style
	used := make([]bool, len(o.Content))
	for i, item := range f.Content {
		match := k.find(o, item, i, used)
		if match < 0 {
			continue
		}
		used[match] = true
		k.merge(o.Content[match], item)
		if o.Style&yaml.FlowStyle == 0 {
			k.markBlank(o.Content[match], item)
		}
	}
}

// find picks the item of the file's list o that the fresh item (at index i)
// stands for: the same identity (id, time and keys, text); else the item it
// was loaded from (a renamed node, an edited change); else, for items with
// no identity, the one at the same index.
func (k *keeper) find(o, item *yaml.Node, i int, used []bool) int {
	id := identity(item)
	if id != "" {
		for j, c := range o.Content {
			if !used[j] && identity(c) == id {
				return j
			}
		}
	}
	if p, ok := k.from[item]; ok {
		kind, _, _ := strings.Cut(id, ":")
		for j, c := range o.Content {
			ck, _, _ := strings.Cut(identity(c), ":")
			if !used[j] && ck == kind && (posOf(c) == p || idPos(c) == p) {
				return j
			}
		}
	}
	if id == "" && i < len(o.Content) && !used[i] && identity(o.Content[i]) == "" {
		return i
	}
	return -1
}

// idPos is where a node's id is written.
func idPos(n *yaml.Node) Pos {
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == "id" {
				return posOf(n.Content[i+1])
			}
		}
	}
	return Pos{}
}

// finish turns the markers into blank lines and block texts, and puts back
// the spaces before line comments.
func (k *keeper) finish(out string) ([]byte, bool) {
	lines := strings.Split(out, "\n")
	var b strings.Builder
	for i, l := range lines {
		t := strings.TrimSpace(l)
		if t == blankMark {
			b.WriteString("\n")
			continue
		}
		if j := strings.Index(l, keepMark); j >= 0 {
			mark := l[j:]
			body, ok := k.blocks[mark]
			if !ok {
				return nil, false
			}
			indent := len(l) - len(strings.TrimLeft(l, " "))
			b.WriteString(l[:j] + body[0] + "\n")
			pad := strings.Repeat(" ", indent)
			for _, bl := range body[1:] {
				if strings.TrimSpace(bl) == "" {
					b.WriteString("\n")
				} else {
					b.WriteString(pad + bl + "\n")
				}
			}
			continue
		}
		for _, g := range k.gaps {
			if strings.HasSuffix(l, " "+g.comment) && !strings.HasSuffix(l, g.spaces+g.comment) {
				l = strings.TrimSuffix(l, " "+g.comment) + g.spaces + g.comment
				break
			}
		}
		b.WriteString(l)
		if i < len(lines)-1 {
			b.WriteString("\n")
		}
	}
	return []byte(b.String()), true
}
