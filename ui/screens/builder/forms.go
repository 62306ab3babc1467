package builder

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/streamsim/streamsim/internal/textsafe"
	"github.com/streamsim/streamsim/pipeline"
)

func errText(err error) string {
	if err == nil {
		return ""
	}
	return textsafe.Line(err.Error())
}

// prefixOptions offers the candidates that start with (or else contain) the
// last word of text, the word after the last of seps.
func prefixOptions(cands []string, text, seps string, limit int) ([]string, int) {
	start := strings.LastIndexAny(text, seps) + 1
	word := strings.TrimLeft(text[start:], " ")
	start = len(text) - len(word)
	if word == "" {
		return nil, start // nothing typed: tab moves on
	}
	var pre, in []string
	for _, c := range cands {
		switch {
		case c == word:
			return nil, start // typed in full
		case strings.HasPrefix(c, word):
			pre = append(pre, c)
		case word != "" && strings.Contains(c, word):
			in = append(in, c)
		}
	}
	out := append(pre, in...)
	if len(out) > limit {
		out = out[:limit]
	}
	return out, start
}

// ---- a node's settings ----

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

// ---- the top level and the requirements ----

func (m *Model) settingsForm() *form {
	st := m.c.Styles
	sc := m.sc
	f := &form{title: "edit settings", note: "the scenario's top level and its requirements (the advisor's input) · empty = the default or unset"}
	add := func(name, value, ph, help string, check func(string) error) {
		fl := newField(st, name, value, ph, help)
		fl.check = func(_ *form, t string) string {
			if t == "" || check == nil {
				return ""
			}
			return errText(check(t))
		}
		f.fields = append(f.fields, fl)
	}
	add("name", sc.Name, "", "a-z, 0-9 and - · the scenario's name", pipeline.CheckName)
	add("title", sc.Title, "(none)", "one line · shown in the picker", pipeline.CheckText)
	desc := newArea(st, "description", sc.Description, "(none)", "Markdown · shown in the picker and the lesson panel")
	desc.check = func(_ *form, t string) string { return errText(pipeline.CheckBlock(t)) }
	f.fields = append(f.fields, desc)
	add("seed", strconv.FormatInt(sc.Seed, 10), "default 1", "an integer · the same seed gives the same run",
		func(t string) error { _, err := pipeline.ParseSeed(t); return err })
	add("duration", pipeline.FormatDuration(sc.Duration), "default 1h", "a duration · simulated time",
		func(t string) error { _, err := sc.ParseRunDuration(t); return err })
	add("tick", pipeline.FormatDuration(sc.Tick), "default 1s", "a duration, at least 10ms · the simulation's step",
		func(t string) error { _, err := sc.ParseTick(t); return err })
	add("region", sc.RegionOrDefault(), "default us-east-1", "an AWS region · prices and default quotas", pipeline.CheckRegion)
	for _, k := range pipeline.RequirementKeys() {
		v, _ := sc.Requirements.Text(k)
		key := k
		add("requirements."+k, v, "(not set)", pipeline.RequirementHelp(k), func(t string) error {
			var r pipeline.Requirements
			return r.SetText(key, t)
		})
		fl := f.fields[len(f.fields)-1]
		switch k {
		case "ordering":
			fl.options = func(_ *form, t string) ([]string, int) { return prefixOptions([]string{"none", "per-key"}, t, "", 4) }
		case "existing_kafka", "transformations":
			fl.options = func(_ *form, t string) ([]string, int) { return prefixOptions([]string{"true", "false"}, t, "", 4) }
		case "delivery":
			fl.options = func(_ *form, t string) ([]string, int) {
				return prefixOptions(pipeline.ServiceNames(pipeline.Destination), t, ",", 6)
			}
		}
	}
	f.whole = func(f *form) string {
		d := f.value("duration")
		t := f.value("tick")
		if d == "" || t == "" {
			return ""
		}
		dd, err1 := pipeline.ParseDuration(d)
		tt, err2 := pipeline.ParseDuration(t)
		if err1 == nil && err2 == nil && tt > dd {
			return fmt.Sprintf("tick %s is longer than the run (duration %s)", t, d)
		}
		return ""
	}
	f.apply = func(m *Model, f *form) tea.Cmd {
		return m.edit("edited the settings", func(sc *pipeline.Scenario) (string, error) {
			sc.Name = f.value("name")
			sc.Title = f.value("title")
			if d := f.value("description"); strings.TrimSpace(d) != strings.TrimSpace(sc.Description) {
				sc.Description = d
				if strings.Contains(d, "\n") {
					sc.Description += "\n" // a block text ends with its line
				}
			}
			sc.Seed = pipeline.DefaultSeed
			if t := f.value("seed"); t != "" {
				sc.Seed, _ = pipeline.ParseSeed(t)
			}
			sc.Duration = pipeline.DefaultDuration
			if t := f.value("duration"); t != "" {
				sc.Duration, _ = pipeline.ParseDuration(t)
			}
			sc.Tick = pipeline.DefaultTick
			if t := f.value("tick"); t != "" {
				sc.Tick, _ = pipeline.ParseDuration(t)
			}
			sc.Region = pipeline.DefaultRegion
			if t := f.value("region"); t != "" {
				sc.Region = t
			}
			for _, k := range pipeline.RequirementKeys() {
				if err := sc.Requirements.SetText(k, f.value("requirements."+k)); err != nil {
					return "", err
				}
			}
			return "updated the settings", nil
		})
	}
	f.setWidth(m.w)
	f.validate()
	return f
}

// ---- the timeline ----

// timelineKinds are what `a` offers to add on the timeline.
var timelineKinds = []struct{ name, help string }{
	{"set", "set a key of a node at a time (node.key: value, e.g. web.rate: 6000/s)"},
	{"fail", "fail a node at a time, for a while or until the end"},
	{"spike", "spike a producer's rate: ×factor at a time, back after a while (two set changes)"},
}

// changeForm edits timeline entry i (or a new one, i < 0, of kind set or fail).
func (m *Model) changeForm(i int, kind string) *form {
	st := m.c.Styles
	sc := m.sc
	var c pipeline.Change
	if i >= 0 && i < len(sc.Timeline) {
		c = sc.Timeline[i]
	}
	title := "edit the change at " + pipeline.FormatDuration(c.At)
	if i < 0 {
		title = "add a change (" + kind + ")"
	}
	f := &form{title: title, note: "what happens at a simulated time · enter applies"}
	at := newField(st, "at", "", "such as 10m", "a duration from the start, before the run ends ("+pipeline.FormatDuration(sc.Duration)+")")
	if i >= 0 {
		at.input.SetValue(pipeline.FormatDuration(c.At))
		at.typed = at.input.Value()
	}
	at.check = func(_ *form, t string) string {
		if t == "" {
			return "required: when the change happens"
		}
		_, err := sc.ParseMoment(t)
		return errText(err)
	}
	var sets []string
	for _, a := range c.Set {
		sets = append(sets, a.Node+"."+a.Key+"="+a.Value.String())
	}
	set := newField(st, "set", strings.Join(sets, ", "), "node.key=value, …",
		"node.key=value pairs, comma-separated: numeric keys, mode and read (web.rate=6000/s, clicks.shards=8)")
	set.check = func(_ *form, t string) string {
		_, err := parseSets(sc, t)
		return errText(err)
	}
	refs := sc.SettableRefs()
	set.options = func(_ *form, t string) ([]string, int) {
		last := t[strings.LastIndex(t, ",")+1:]
		if strings.Contains(last, "=") {
			return nil, 0
		}
		return prefixOptions(refs, t, ",", 6)
	}
	ids := make([]string, 0, len(sc.Nodes))
	for _, n := range sc.Nodes {
		ids = append(ids, n.ID)
	}
	fail := newField(st, "fail", c.Fail, "(no failure)", "a node id: the node stops working")
	fail.check = func(_ *form, t string) string {
		if t != "" && sc.Node(t) == nil {
			return fmt.Sprintf("no node %q", t)
		}
		return ""
	}
	fail.options = func(_ *form, t string) ([]string, int) { return prefixOptions(ids, t, "", 6) }
	forF := newField(st, "for", "", "until the end", "a duration: how long the node stays down (empty: until the end)")
	if c.For > 0 {
		forF.input.SetValue(pipeline.FormatDuration(c.For))
		forF.typed = forF.input.Value()
	}
	forF.check = func(_ *form, t string) string {
		if t == "" {
			return ""
		}
		d, err := pipeline.ParseDuration(t)
		if err == nil && d <= 0 {
			return "expected a duration longer than 0s (empty: until the end)"
		}
		return errText(err)
	}
	forF.off = func(f *form) string {
		if f.value("fail") == "" {
			return "not used: for applies to fail (how long the node stays down)"
		}
		return ""
	}
	f.fields = []*field{at, set, fail, forF}
	if kind == "fail" {
		f.fields = []*field{at, fail, forF, set}
	}
	f.whole = func(f *form) string {
		if f.value("set") == "" && f.value("fail") == "" {
			return "the change does nothing: give set or fail"
		}
		return ""
	}
	f.apply = func(m *Model, f *form) tea.Cmd {
		atD, _ := sc.ParseMoment(f.value("at"))
		assigns, _ := parseSets(sc, f.value("set"))
		ch := pipeline.Change{At: atD, Set: assigns, Fail: f.value("fail"), Pos: c.Pos}
		if t := f.value("for"); t != "" {
			ch.For, _ = pipeline.ParseDuration(t)
		}
		what := "added a change at " + pipeline.FormatDuration(atD)
		if i >= 0 {
			what = "edited the change at " + pipeline.FormatDuration(c.At)
		}
		return m.edit(what, func(sc *pipeline.Scenario) (string, error) {
			if i >= 0 && i < len(sc.Timeline) {
				sc.Timeline[i] = ch
			} else {
				sc.Timeline = append(sc.Timeline, ch)
			}
			sc.SortTimeline()
			m.rows[paneTimeline] = indexOfChange(sc.Timeline, ch)
			return what + ": " + changeText(ch), nil
		})
	}
	f.setWidth(m.w)
	f.validate()
	return f
}

func indexOfChange(tl []pipeline.Change, c pipeline.Change) int {
	for i, x := range tl {
		if x.At == c.At && x.Fail == c.Fail && len(x.Set) == len(c.Set) && changeText(x) == changeText(c) {
			return i
		}
	}
	return 0
}

// parseSets reads "web.rate=6000/s, clicks.shards=8" as --set reads each.
func parseSets(sc *pipeline.Scenario, t string) ([]pipeline.Assignment, error) {
	var out []pipeline.Assignment
	seen := map[string]bool{}
	for _, part := range strings.Split(t, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		ref, val, ok := strings.Cut(part, "=")
		if !ok {
			ref, val, ok = strings.Cut(part, ":")
		}
		ref, val = strings.TrimSpace(ref), strings.TrimSpace(val)
		if !ok || val == "" {
			return nil, fmt.Errorf("%q: expected node.key=value such as web.rate=6000/s", part)
		}
		a, err := sc.ParseAssignment(ref, val)
		if err != nil {
			return nil, err
		}
		if seen[a.Node+"."+a.Key] {
			return nil, fmt.Errorf("%s is set twice", ref)
		}
		seen[a.Node+"."+a.Key] = true
		out = append(out, a)
	}
	slices.SortStableFunc(out, func(a, b pipeline.Assignment) int {
		if c := strings.Compare(a.Node, b.Node); c != 0 {
			return c
		}
		return strings.Compare(a.Key, b.Key)
	})
	return out, nil
}

// changeText is one line for a change: "set web.rate=6000/s", "fail search for 4m".
func changeText(c pipeline.Change) string {
	var parts []string
	if len(c.Set) > 0 {
		var sets []string
		for _, a := range c.Set {
			sets = append(sets, a.Node+"."+a.Key+" = "+a.Value.String())
		}
		parts = append(parts, "set "+strings.Join(sets, ", "))
	}
	if c.Fail != "" {
		f := "fail " + c.Fail
		if c.For > 0 {
			f += " for " + pipeline.FormatDuration(c.For)
		} else {
			f += " until the end"
		}
		parts = append(parts, f)
	}
	return strings.Join(parts, " · ")
}

// spikeForm adds a spike: a producer's rate × factor at a time, and back to
// what it was after a while: two set changes.
func (m *Model) spikeForm() *form {
	st := m.c.Styles
	sc := m.sc
	var prods []string
	for _, n := range sc.Stage(pipeline.Producer) {
		prods = append(prods, n.ID)
	}
	f := &form{title: "add a spike", note: "two changes: the rate × factor at a time, back after a while"}
	p := newField(st, "producer", "", "a producer's id", "whose rate spikes")
	if len(prods) > 0 {
		p.input.SetValue(prods[0])
	}
	p.check = func(_ *form, t string) string {
		if n := sc.Node(t); n == nil || n.Stage != pipeline.Producer {
			return fmt.Sprintf("no producer %q (%s)", t, strings.Join(prods, ", "))
		}
		return ""
	}
	p.options = func(_ *form, t string) ([]string, int) { return prefixOptions(prods, t, "", 6) }
	at := newField(st, "at", "", "such as 10m", "a duration from the start: when the spike starts")
	at.check = func(_ *form, t string) string {
		if t == "" {
			return "required"
		}
		_, err := sc.ParseMoment(t)
		return errText(err)
	}
	forF := newField(st, "for", "2m", "such as 2m", "how long it lasts (empty: until the end)")
	forF.check = func(_ *form, t string) string {
		if t == "" {
			return ""
		}
		d, err := pipeline.ParseDuration(t)
		if err == nil && d <= 0 {
			return "expected a duration longer than 0s"
		}
		return errText(err)
	}
	factor := newField(st, "factor", "3", "such as 3", "the rate is multiplied by this")
	factor.check = func(_ *form, t string) string {
		x, err := strconv.ParseFloat(strings.TrimSuffix(t, "x"), 64)
		if err != nil || x <= 0 || x > 1000 {
			return "expected a factor such as 3 (more than 0, at most 1000)"
		}
		return ""
	}
	f.fields = []*field{p, at, forF, factor}
	f.whole = func(f *form) string {
		_, _, err := spikeChanges(sc, f)
		return errText(err)
	}
	f.apply = func(m *Model, f *form) tea.Cmd {
		changes, msg, err := spikeChanges(sc, f)
		if err != nil {
			return fail("%s", errText(err))
		}
		return m.edit("added a spike", func(sc *pipeline.Scenario) (string, error) {
			sc.Timeline = append(sc.Timeline, changes...)
			sc.SortTimeline()
			m.rows[paneTimeline] = indexOfChange(sc.Timeline, changes[0])
			return msg, nil
		})
	}
	f.setWidth(m.w)
	f.validate()
	return f
}

// spikeChanges are the changes a spike form makes, and a sentence on them.
func spikeChanges(sc *pipeline.Scenario, f *form) ([]pipeline.Change, string, error) {
	n := sc.Node(f.value("producer"))
	if n == nil || n.Stage != pipeline.Producer {
		return nil, "", fmt.Errorf("pick a producer")
	}
	at, err := sc.ParseMoment(f.value("at"))
	if err != nil {
		return nil, "", err
	}
	x, err := strconv.ParseFloat(strings.TrimSuffix(f.value("factor"), "x"), 64)
	if err != nil || x <= 0 {
		return nil, "", fmt.Errorf("a factor such as 3")
	}
	// The rate in effect at the spike's start: the node's, or the last set
	// before it.
	base := n.Rate("rate")
	for _, c := range sc.Timeline {
		if c.At > at {
			break
		}
		for _, a := range c.Set {
			if a.Node == n.ID && a.Key == "rate" {
				base = a.Value.Rate
			}
		}
	}
	up := base
	up.PerSec *= x
	upV, err := pipeline.ParseParam(n.Service, "rate", up.String())
	if err != nil {
		return nil, "", err
	}
	backV, _ := pipeline.ParseParam(n.Service, "rate", base.String())
	changes := []pipeline.Change{{At: at, Set: []pipeline.Assignment{{Node: n.ID, Key: "rate", Value: upV}}}}
	msg := fmt.Sprintf("added a spike: %s.rate %s at %s", n.ID, upV, pipeline.FormatDuration(at))
	if t := f.value("for"); t != "" {
		d, err := pipeline.ParseDuration(t)
		if err != nil {
			return nil, "", err
		}
		if end := at + d; end < sc.Duration {
			changes = append(changes, pipeline.Change{At: end, Set: []pipeline.Assignment{{Node: n.ID, Key: "rate", Value: backV}}})
			msg += fmt.Sprintf(", back to %s at %s (2 changes)", backV, pipeline.FormatDuration(end))
		} else {
			msg += " until the end (the run ends before it would be over)"
		}
	}
	return changes, msg, nil
}

// ---- expect ----

// expectForm edits expectation i (or a new one, i < 0). The metric names of
// this scenario are offered as the name is typed; an unknown one is refused.
func (m *Model) expectForm(i int) *form {
	st := m.c.Styles
	sc := m.sc
	text := ""
	if i >= 0 && i < len(sc.Expect) {
		text = sc.Expect[i].Text
		if text == "" {
			text = sc.Expect[i].Metric + " " + sc.Expect[i].Op + " " + trim(sc.Expect[i].Value)
		}
	}
	title := "edit a check"
	if i < 0 {
		title = "add a check"
	}
	f := &form{title: title, note: "METRIC OP VALUE, checked at the end of a run: OP one of < <= > >= == !=, VALUE in the metric's unit"}
	defs := sc.MetricNames()
	names := make([]string, len(defs))
	for j, d := range defs {
		names[j] = d.Name
	}
	line := newField(st, "expect", text, "pipeline.lost_records == 0",
		"a metric of this scenario, an operator, a value in the metric's unit")
	line.check = func(_ *form, t string) string {
		if t == "" {
			return "required: METRIC OP VALUE"
		}
		_, err := sc.ParseExpect(t)
		return errText(err)
	}
	line.options = func(_ *form, t string) ([]string, int) {
		if strings.ContainsAny(t, " <>=!") {
			return nil, 0
		}
		return prefixOptions(names, t, "", 6)
	}
	f.fields = []*field{line}
	f.info = func(f *form) string {
		name := ""
		if words, _ := f.options(); len(words) > 0 {
			name = words[min(f.opt, len(words)-1)] // the one tab would take
		} else if w := strings.Fields(f.value("expect")); len(w) > 0 {
			name = w[0]
		}
		if d, ok := sc.LookupMetric(name); ok {
			return d.Name + ": " + d.Doc + " (" + unitWord(d.Unit) + ")"
		}
		return ""
	}
	f.apply = func(m *Model, f *form) tea.Cmd {
		e, err := sc.ParseExpect(f.value("expect"))
		if err != nil {
			return fail("%s", errText(err))
		}
		what := "added a check: " + e.Text
		if i >= 0 {
			what = "edited a check: " + e.Text
			e.Pos = sc.Expect[i].Pos
		}
		return m.edit(what, func(sc *pipeline.Scenario) (string, error) {
			if i >= 0 && i < len(sc.Expect) {
				sc.Expect[i] = e
			} else {
				sc.Expect = append(sc.Expect, e)
				m.rows[paneExpect] = len(sc.Expect) - 1
			}
			return what, nil
		})
	}
	f.setWidth(m.w)
	f.fields[0].input.SetWidth(max(20, m.w-30))
	f.validate()
	return f
}

func unitWord(u pipeline.Unit) string {
	switch u {
	case pipeline.UnitBytes:
		return "bytes: 5GiB"
	case pipeline.UnitSeconds:
		return "a duration: 2m"
	case pipeline.UnitDollars:
		return "dollars: $800"
	case pipeline.UnitRatio:
		return "a ratio: 85% or 0.85"
	}
	return "a count: 0, 1500, 10k"
}

// ---- lesson ----

func (m *Model) lessonForm(i int) *form {
	st := m.c.Styles
	sc := m.sc
	var step pipeline.LessonStep
	if i >= 0 && i < len(sc.Lesson) {
		step = sc.Lesson[i]
	}
	title := fmt.Sprintf("edit step %d", i+1)
	if i < 0 {
		title = "add a step"
	}
	f := &form{title: title, note: "a workshop step: the text to show, and when (empty: shown after the previous one)"}
	say := newArea(st, "say", step.Say, "the text to show", "what the step says (Markdown)")
	say.check = func(_ *form, t string) string {
		if t == "" {
			return "required: the text of the step"
		}
		return errText(pipeline.CheckBlock(t))
	}
	at := newField(st, "at", "", "(no time)", "a duration from the start, before the run ends (empty: no time)")
	if step.Has {
		at.input.SetValue(pipeline.FormatDuration(step.At))
		at.typed = at.input.Value()
	}
	at.check = func(_ *form, t string) string {
		if t == "" {
			return ""
		}
		_, err := sc.ParseMoment(t)
		return errText(err)
	}
	f.fields = []*field{say, at}
	f.apply = func(m *Model, f *form) tea.Cmd {
		ns := pipeline.LessonStep{Say: f.value("say")}
		if step.Say != "" && strings.Join(strings.Fields(step.Say), " ") == strings.Join(strings.Fields(ns.Say), " ") {
			ns.Say = step.Say // only the wrapping differs: keep the text as written
		}
		if t := f.value("at"); t != "" {
			ns.At, _ = sc.ParseMoment(t)
			ns.Has = true
		}
		what := "added a lesson step"
		if i >= 0 {
			what = fmt.Sprintf("edited lesson step %d", i+1)
		}
		return m.edit(what, func(sc *pipeline.Scenario) (string, error) {
			if i >= 0 && i < len(sc.Lesson) {
				sc.Lesson[i] = ns
			} else {
				sc.Lesson = append(sc.Lesson, ns)
				m.rows[paneLesson] = len(sc.Lesson) - 1
			}
			return what, nil
		})
	}
	f.setWidth(m.w)
	f.fields[0].input.SetWidth(max(20, m.w-30))
	f.validate()
	return f
}
