package pipeline

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Encode writes the scenario as YAML in the format's key order. normalised=true
// writes every default that applies (the normalised form the golden tests of the
// built-in scenarios compare); false writes only what is set, as a saved file
// should read. Either way Load gives back an equal scenario.
func Encode(s *Scenario, normalised bool) ([]byte, error) {
	for _, n := range s.Nodes {
		if n.Service == nil {
			return nil, fmt.Errorf("encode scenario %s: node %q has no service", s.Name, n.ID)
		}
	}
	// Lists are written in place of a placeholder, so that they can be
	// broken over lines (the YAML encoder writes a flow list on one line);
	// the placeholder must be found nowhere else in the file.
	for try := 0; ; try++ {
		e := encoder{s: s, norm: normalised, token: fmt.Sprintf("streamsim-list-%d-", try)}
		root := e.scenario()
		var buf bytes.Buffer
		enc := yaml.NewEncoder(&buf)
		enc.SetIndent(2)
		if err := enc.Encode(root); err != nil {
			return nil, fmt.Errorf("encode scenario %s: %w", s.Name, err)
		}
		if err := enc.Close(); err != nil {
			return nil, fmt.Errorf("encode scenario %s: %w", s.Name, err)
		}
		if out, ok := e.placeLists(buf.Bytes()); ok {
			return out, nil
		}
	}
}

type encoder struct {
	s     *Scenario
	norm  bool
	byID  map[string]*Node
	top   map[string]bool // top-level keys to write even at their default (the file had them)
	token string          // placeholder prefix of lists
	lists []string        // each list on one line, in the order of the placeholders
	// from records where in the loaded file each list item came from (a
	// node's id, a change, an expectation); nil when not needed.
	from map[*yaml.Node]Pos
}

// item notes that y was written for something at pos in the file.
func (e *encoder) item(y *yaml.Node, pos Pos) *yaml.Node {
	if e.from != nil && pos.Line > 0 {
		e.from[y] = pos
	}
	return y
}

func mapNode(flow bool) *yaml.Node {
	n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	if flow {
		n.Style = yaml.FlowStyle
	}
	return n
}

func seqNode(flow bool) *yaml.Node {
	n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
	if flow {
		n.Style = yaml.FlowStyle
	}
	return n
}

func str(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }

func put(m *yaml.Node, key string, v *yaml.Node) {
	m.Content = append(m.Content, str(key), v)
}

// scalarOf writes a value so that reading it back gives the same value: Value.String
// where that is exact, another spelling of the unit where it is not.
func scalarOf(v Value) *yaml.Node {
	n := str(formatValue(v))
	if v.Kind != KindString && v.Kind != KindEnum {
		n.Tag = "" // plain: 5, true, 2000/s; Load reads the text whatever YAML thinks it is
	}
	return n
}

func formatValue(v Value) string {
	text := v.String()
	if sameValue(v, text) {
		return text
	}
	var alts []string
	switch v.Kind {
	case KindRate:
		per := FormatSize
		if !v.Rate.Bytes {
			per = trimFloat
		}
		alts = []string{per(v.Rate.PerSec*60) + "/m", per(v.Rate.PerSec*3600) + "/h"}
	case KindPercent:
		alts = []string{trimFloat(v.Num)}
	case KindSize:
		alts = []string{trimFloat(v.Num)}
	}
	for _, a := range alts {
		if sameValue(v, a) {
			return a
		}
	}
	return text
}

func sameValue(v Value, text string) bool {
	w, err := ParseValue(v.Kind, text)
	return err == nil && w.Num == v.Num && w.Dur == v.Dur && w.Rate == v.Rate && w.Str == v.Str && w.Bool == v.Bool
}

func durNode(d time.Duration) *yaml.Node { return str(FormatDuration(d)) }

func (e *encoder) scenario() *yaml.Node {
	s := e.s
	m := mapNode(false)
	put(m, "version", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: "1"})
	put(m, "name", str(s.Name))
	if s.Title != "" {
		put(m, "title", str(s.Title))
	}
	if s.Description != "" {
		d := str(s.Description)
		if strings.Contains(s.Description, "\n") {
			d.Style = yaml.LiteralStyle
		}
		put(m, "description", d)
	}
	if e.norm || s.Seed != DefaultSeed || e.top["seed"] {
		put(m, "seed", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.FormatInt(s.Seed, 10)})
	}
	if e.norm || s.Duration != DefaultDuration || e.top["duration"] {
		put(m, "duration", durNode(s.Duration))
	}
	if e.norm || s.Tick != DefaultTick || e.top["tick"] {
		put(m, "tick", durNode(s.Tick))
	}
	if e.norm || s.Region != DefaultRegion || e.top["region"] {
		region := s.Region
		if region == "" {
			region = DefaultRegion
		}
		put(m, "region", str(region))
	}
	if r := e.requirements(); r != nil {
		put(m, "requirements", r)
	}
	for st := Producer; st <= Destination; st++ {
		nodes := s.Stage(st)
		if len(nodes) == 0 {
			continue
		}
		list := seqNode(false)
		for _, n := range nodes {
			list.Content = append(list.Content, e.item(e.node(n), n.Pos))
		}
		put(m, st.String(), list)
	}
	if len(s.Timeline) > 0 {
		list := seqNode(false)
		for _, c := range s.Timeline {
			list.Content = append(list.Content, e.item(change(c), c.Pos))
		}
		put(m, "timeline", list)
	}
	if len(s.Expect) > 0 {
		list := seqNode(false)
		for _, x := range s.Expect {
			list.Content = append(list.Content, e.item(str(e.expectText(x)), x.Pos))
		}
		put(m, "expect", list)
	}
	if len(s.Lesson) > 0 {
		steps := seqNode(false)
		for _, st := range s.Lesson {
			steps.Content = append(steps.Content, lessonStepNode(st))
		}
		lesson := mapNode(false)
		put(lesson, "steps", steps)
		put(m, "lesson", lesson)
	}
	return m
}

func (e *encoder) requirements() *yaml.Node {
	r := e.s.Requirements
	set := map[string]bool{}
	for _, k := range r.Set {
		set[k] = true
	}
	if len(r.Set) == 0 {
		// Built in code: write what is not zero.
		set["latency"] = r.Latency != 0
		set["throughput"] = r.Throughput.PerSec != 0
		set["ordering"] = r.Ordering != ""
		set["retention"] = r.Retention != 0
		set["existing_kafka"] = r.ExistingKafka
		set["transformations"] = r.Transformations
		set["delivery"] = len(r.Delivery) > 0
		set["budget"] = r.Budget != 0
	}
	m := mapNode(false)
	for _, k := range requirementKeys {
		if !set[k] {
			continue
		}
		switch k {
		case "latency":
			put(m, k, durNode(r.Latency))
		case "retention":
			put(m, k, durNode(r.Retention))
		case "throughput":
			put(m, k, scalarOf(Value{Kind: KindRate, Rate: r.Throughput, Num: r.Throughput.PerSec}))
		case "ordering":
			put(m, k, str(r.Ordering))
		case "existing_kafka":
			put(m, k, scalarOf(Value{Kind: KindBool, Bool: r.ExistingKafka}))
		case "transformations":
			put(m, k, scalarOf(Value{Kind: KindBool, Bool: r.Transformations}))
		case "delivery":
			l := seqNode(true)
			for _, d := range r.Delivery {
				l.Content = append(l.Content, str(string(d)))
			}
			put(m, k, l)
		case "budget":
			put(m, k, scalarOf(Value{Kind: KindMoney, Num: r.Budget}))
		}
	}
	if len(m.Content) == 0 {
		return nil
	}
	return m
}

// nodeKeys lists the keys to write for a node, in catalog order.
func (e *encoder) nodeKeys(n *Node) []string {
	if !e.norm {
		keys := n.SortedParamKeys()
		if n.Has("hash_ranges") && !HashRangesApply(n) {
			// Another shard count, or on-demand, since loading: even ranges.
			keys = slices.DeleteFunc(keys, func(k string) bool { return k == "hash_ranges" })
		}
		return keys
	}
	var out []string
	for _, k := range n.Service.Keys {
		if k.Name == "hash_ranges" && n.Has(k.Name) && !HashRangesApply(n) {
			continue // another shard count, or on-demand, since loading: even ranges
		}
		if n.Has(k.Name) {
			out = append(out, k.Name)
			continue
		}
		if _, ok := n.Param(k.Name); !ok {
			continue
		}
		if ok, _ := applies(n, k.Name); !ok {
			continue
		}
		if k.Name == "read" && !e.readsKinesis(n) {
			continue
		}
		out = append(out, k.Name)
	}
	return out
}

func (e *encoder) readsKinesis(n *Node) bool {
	if e.byID == nil {
		e.byID = make(map[string]*Node, len(e.s.Nodes))
		for _, x := range e.s.Nodes {
			if _, dup := e.byID[x.ID]; !dup {
				e.byID[x.ID] = x
			}
		}
	}
	src := e.byID[n.From]
	return src != nil && src.Service != nil && src.Service.Name == KinesisDataStreams
}

func (e *encoder) node(n *Node) *yaml.Node {
	m := mapNode(false)
	if n.Comment != "" {
		lines := strings.Split(n.Comment, "\n")
		for i, l := range lines {
			lines[i] = "# " + l
		}
		m.HeadComment = strings.Join(lines, "\n")
	}
	put(m, "id", str(n.ID))
	if n.Stage != Producer {
		put(m, "service", str(string(n.Service.Name)))
	}
	if n.From != "" {
		put(m, "from", str(n.From))
	}
	keys := e.nodeKeys(n)
	groups := map[string]*yaml.Node{}
	notes := n.Notes
	if e.norm {
		notes = nil // the normalised form is for comparing: comments are left out
	}
	block := blockGroups(n, keys, notes)
	for _, name := range keys {
		v, _ := n.Param(name)
		head, sub, nested := strings.Cut(name, ".")
		if !nested {
			val := e.valueNode(v)
			val.LineComment = note(notes[name])
			put(m, name, val)
			continue
		}
		g, ok := groups[head]
		if !ok {
			g = mapNode(!block[head])
			groups[head] = g
			k := str(head)
			if block[head] {
				k.LineComment = note(notes[head])
			} else {
				g.LineComment = note(notes[head])
			}
			m.Content = append(m.Content, k, g)
		}
		val := e.valueNode(v)
		if block[head] {
			val.LineComment = note(notes[name])
		}
		put(g, sub, val)
	}
	// A group holding only the key its scalar form sets is written as that scalar:
	// pattern: constant, record_size: 1KiB.
	for i := 0; i+1 < len(m.Content); i += 2 {
		head, g := m.Content[i].Value, m.Content[i+1]
		if g.Kind == yaml.MappingNode && len(g.Content) == 2 && n.Service.ScalarOf[head] == g.Content[0].Value {
			c := g.LineComment + g.Content[1].LineComment + m.Content[i].LineComment
			m.Content[i].LineComment = ""
			m.Content[i+1] = g.Content[1]
			m.Content[i+1].LineComment = c
		}
	}
	if len(n.To) > 0 || n.Stage == Producer {
		to := seqNode(true)
		for _, t := range n.To {
			to.Content = append(to.Content, str(t))
		}
		put(m, "to", to)
	}
	return m
}

func change(c Change) *yaml.Node {
	m := mapNode(false)
	put(m, "at", durNode(c.At))
	if len(c.Set) > 0 {
		set := mapNode(true)
		for _, a := range c.Set {
			put(set, a.Node+"."+a.Key, scalarOf(a.Value))
		}
		put(m, "set", set)
	}
	if c.Fail != "" {
		put(m, "fail", str(c.Fail))
		if c.For > 0 {
			put(m, "for", durNode(c.For))
		}
	}
	return m
}

// expectText is the line as written, or, for an expectation made in code,
// METRIC OP VALUE with the value in the metric's unit.
func (e *encoder) expectText(x Expectation) string {
	if x.Text != "" {
		return x.Text
	}
	def, _ := e.s.LookupMetric(x.Metric)
	var v string
	switch def.Unit {
	case UnitSeconds:
		v = FormatDuration(durationOf(x.Value))
	case UnitDollars:
		v = "$" + trimFloat(x.Value)
	case UnitBytes:
		v = FormatSize(x.Value)
	default:
		v = trimFloat(x.Value)
	}
	return x.Metric + " " + x.Op + " " + v
}

// lessonStepNode writes a step with its keys in the format's order.
func lessonStepNode(st LessonStep) *yaml.Node {
	sm := mapNode(false)
	if st.Say != "" || st.Predict == nil { // a prediction's question may stand alone
		put(sm, "say", str(st.Say))
	}
	if st.Has {
		put(sm, "at", durNode(st.At))
	}
	if st.Check != nil {
		put(sm, "check", str(st.Check.Text))
	}
	if st.Did != nil {
		put(sm, "did", str(st.Did.Text))
	}
	if p := st.Predict; p != nil {
		put(sm, "predict", str(p.Question))
		put(sm, "answer", str(p.Metric))
		if p.AnswerAt > 0 {
			put(sm, "answer_at", durNode(p.AnswerAt))
		}
		if p.Explain != "" {
			put(sm, "explain", str(p.Explain))
		}
		if p.Guessed {
			put(sm, "guess", &yaml.Node{Kind: yaml.ScalarNode, Value: strconv.FormatFloat(p.Guess, 'f', -1, 64)})
		}
	}
	if st.Hint != "" {
		put(sm, "hint", str(st.Hint))
	}
	return sm
}
