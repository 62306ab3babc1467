package pipeline

import (
	"slices"
	"strings"
)

// basics repeats, for a scenario not made by Load, the checks the loader makes
// while reading: top-level values, ids, services and every value's range.
func (v *validator) basics() {
	s := v.s
	if s.Version != 1 {
		v.add(Pos{}, "version", "version %d is not supported: this streamsim reads version 1", s.Version)
	}
	if !idPattern.MatchString(s.Name) {
		v.add(Pos{}, "name", "%q: expected lower-case letters, digits and dashes, such as retail-clickstream", s.Name)
	}
	if s.Duration <= 0 {
		v.add(Pos{}, "duration", "%s: the run must last longer than 0s", FormatDuration(s.Duration))
	}
	if s.Tick < MinTick {
		v.add(Pos{}, "tick", "%s: too fine; the shortest tick is %s", FormatDuration(s.Tick), FormatDuration(MinTick))
	}
	seen := map[string]bool{}
	for _, n := range s.Nodes {
		path := v.path(n)
		switch {
		case !idPattern.MatchString(n.ID) || n.ID == "pipeline":
			v.add(n.Pos, join(path, "id"), "%q: expected lower-case letters, digits and dashes, such as clicks (and not pipeline)", n.ID)
		case seen[n.ID]:
			v.add(n.Pos, join(path, "id"), "duplicate id %q", n.ID)
		}
		seen[n.ID] = true
		if n.Service == nil {
			v.add(n.Pos, join(path, "service"), "missing service: expected one of %s", strings.Join(ServiceNames(n.Stage), ", "))
			continue
		}
		if n.Service.Stage != n.Stage {
			v.add(n.Pos, join(path, "service"), "%s is one of the %s, not %s", n.Service.Name, n.Service.Stage, n.Stage)
			continue
		}
		for _, name := range sortedKeys(n.Params) {
			if err := CheckParam(n.Service, name, n.Params[name]); err != nil {
				v.add(n.Params[name].Pos, join(path, name), "%s", err)
			}
		}
		for _, k := range n.Service.Keys {
			if k.Required && !n.Has(k.Name) {
				v.add(n.Pos, join(path, k.Name), "missing %s: expected %s", k.Name, k.Kind)
			}
		}
	}
	// A change or a lesson step after the end is refused in a file, but not
	// here: --duration may shorten a run, and they then never happen. (The
	// builder refuses such times in its forms.)
	for i, c := range s.Timeline {
		path := index("timeline", i)
		if c.Fail == "" && len(c.Set) == 0 {
			v.add(c.Pos, path, "the change does nothing: expected set: or fail:")
		}
		if c.Fail != "" && s.Node(c.Fail) == nil {
			v.add(c.Pos, join(path, "fail"), "no node %q", c.Fail)
		}
		for _, a := range c.Set {
			apath := join(join(path, "set"), a.Node+"."+a.Key)
			n := s.Node(a.Node)
			if n == nil || n.Service == nil {
				v.add(c.Pos, apath, "no node %q", a.Node)
				continue
			}
			if _, err := settableKey(n, a.Key); err != nil {
				v.add(c.Pos, apath, "%s", err)
				continue
			}
			if err := CheckParam(n.Service, a.Key, a.Value); err != nil {
				v.add(a.Value.Pos, apath, "%s", err)
			}
		}
	}
	metrics := map[string]bool{}
	for _, m := range s.MetricNames() {
		metrics[m.Name] = true
	}
	for i, e := range s.Expect {
		if !metrics[e.Metric] {
			v.add(e.Pos, index("expect", i), "unknown metric %q", e.Metric)
		}
		if !slices.Contains(expectOps, e.Op) {
			v.add(e.Pos, index("expect", i), "operator %q: expected one of < <= > >= == !=", e.Op)
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
