package builder

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/streamsim/streamsim/pipeline"
)

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
