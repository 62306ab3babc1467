package pipeline

import (
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// node loads one item of producers, storage, consumers or destinations.
func (l *loader) node(st Stage, i int, item *yaml.Node) {
	path := index(st.String(), i)
	pairs, ok := l.mapping(item, path, "a node: a mapping with id"+map[bool]string{true: "", false: " and service"}[st == Producer])
	if !ok {
		return
	}
	n := &Node{Stage: st, Params: map[string]Value{}, RefPos: map[string]Pos{}, Pos: posOf(item)}
	l.written = map[string]bool{}
	n.Comment = commentText(item.HeadComment)
	haveID, haveService := false, false
	for _, p := range pairs {
		switch p.key {
		case "id":
			haveID = true
			t, ok := l.scalar(p.v, join(path, "id"), "an id such as clicks")
			if !ok {
				continue
			}
			n.Pos = posOf(p.v)
			if !idPattern.MatchString(t) {
				l.add(posOf(p.v), join(path, "id"), "%q: expected lower-case letters, digits and dashes, such as clicks", t)
				l.broken[t] = true
				continue
			}
			if t == "pipeline" {
				l.add(posOf(p.v), join(path, "id"), `"pipeline" is reserved for the pipeline-wide metrics; choose another id`)
				continue
			}
			if prev, dup := l.ids[t]; dup {
				l.add(posOf(p.v), join(path, "id"), "duplicate id %q (first used at line %d)", t, prev.Line)
				continue
			}
			l.ids[t] = posOf(p.v)
			n.ID = t
		case "service":
			haveService = true
			if st == Producer {
				l.add(posOf(p.k), join(path, "service"), "producers have no service; say what they are with kind: (%s)", strings.Join(producerKinds(), ", "))
				continue
			}
			t, ok := l.scalar(p.v, join(path, "service"), "a service such as "+ServiceNames(st)[0])
			if !ok {
				continue
			}
			n.Service = l.service(st, t, p.v, join(path, "service"))
		}
	}
	if !haveID {
		l.add(posOf(item), path, "missing id: every node needs a unique id such as id: clicks")
	}
	if st == Producer {
		n.Service, _ = LookupService("producer")
	} else if !haveService {
		l.add(posOf(item), path, "missing service: expected one of %s", strings.Join(ServiceNames(st), ", "))
	}
	for _, p := range pairs {
		if l.full {
			return
		}
		switch p.key {
		case "id", "service":
		case "from":
			if st != Consumer && !(st == Destination && n.Service != nil && len(n.Service.ReadsFrom) > 0) {
				l.add(posOf(p.k), join(path, "from"), "only consumers have from; %s", connectionHelp(st))
				continue
			}
			if p.v.Kind == yaml.SequenceNode {
				l.add(posOf(p.v), join(path, "from"), "expected one node id: a consumer reads from one stream")
				continue
			}
			if t, ok := l.scalar(p.v, join(path, "from"), "the id of a storage node"); ok {
				n.From = t
				n.RefPos["from"] = posOf(p.v)
			}
		case "to":
			if st == Storage || st == Destination {
				l.add(posOf(p.k), join(path, "to"), "%s have no to; %s", stageNodes(st), connectionHelp(st))
				continue
			}
			var items []*yaml.Node
			if p.v.Kind == yaml.ScalarNode && !isNull(p.v) {
				items = []*yaml.Node{p.v}
			} else {
				items = l.list(p.v, join(path, "to"), "a node id or a list of them, such as [lake]")
			}
			for j, it := range items {
				if t, ok := l.scalar(it, index(join(path, "to"), j), "a node id"); ok {
					n.RefPos[fmt.Sprintf("to[%d]", len(n.To))] = posOf(it)
					n.To = append(n.To, t)
				}
			}
		default:
			if n.Service == nil {
				continue // unknown or missing service: already reported
			}
			l.setting(n, path, p)
		}
	}
	if n.Service == nil {
		if n.ID != "" {
			l.broken[n.ID] = true
		}
		return
	}
	impliedKeys(n)
	for _, k := range n.Service.Keys {
		if k.Required && !l.written[k.Name] {
			l.add(n.Pos, join(path, k.Name), "missing %s: expected %s (%s)", k.Name, k.Kind, k.Doc)
		}
	}
	if n.ID == "" {
		return
	}
	l.byID[n.ID] = n
	l.paths[n] = path
	l.s.Nodes = append(l.s.Nodes, n)
}

func producerKinds() []string {
	p, _ := LookupService("producer")
	k, _ := p.Key("kind")
	return k.Enum
}

// stageNodes names the nodes of a stage in a sentence: "storage nodes", "consumers".
func stageNodes(st Stage) string {
	if st == Storage {
		return "storage nodes"
	}
	return st.String()
}

func connectionHelp(st Stage) string {
	switch st {
	case Producer:
		return "producers name their targets with to:"
	case Storage:
		return "consumers name the stream they read with from:"
	case Destination:
		return "destinations are where data ends; consumers name them in to:"
	}
	return "consumers name the stream they read with from: and their outputs with to:"
}

// service looks up the service of a node, which must belong to the node's list.
func (l *loader) service(st Stage, name string, v *yaml.Node, path string) *Service {
	allowed := ServiceNames(st)
	svc, ok := LookupService(name)
	if !ok || svc.Stage == Producer {
		var all []string
		for s := Storage; s <= Destination; s++ {
			all = append(all, ServiceNames(s)...)
		}
		if m := suggestName(name, allowed, all); m != "" {
			l.add(posOf(v), path, "unknown service %q; did you mean %q? (%s may use %s)", name, m, st, strings.Join(allowed, ", "))
		} else {
			l.add(posOf(v), path, "unknown service %q; %s may use %s", name, st, strings.Join(allowed, ", "))
		}
		return nil
	}
	if svc.Stage != st {
		l.add(posOf(v), path, "%s is one of the %s, not %s; %s may use %s", name, svc.Stage, st, st, strings.Join(allowed, ", "))
		return nil
	}
	return svc
}

// suggestName is Suggest over all, or else the first of preferred, then of all,
// that starts with name ("kinesis" → "kinesis-data-streams").
func suggestName(name string, preferred, all []string) string {
	if m := Suggest(name, all); m != "" {
		return m
	}
	if len(name) < 3 {
		return ""
	}
	for _, list := range [][]string{preferred, all} {
		for _, c := range list {
			if strings.HasPrefix(c, name) {
				return c
			}
		}
	}
	return ""
}

// settingNames lists the keys a node of svc may have at its top level.
func settingNames(st Stage, svc *Service) []string {
	out := []string{"id"}
	if st != Producer {
		out = append(out, "service")
	}
	if st == Consumer || len(svc.ReadsFrom) > 0 {
		out = append(out, "from")
	}
	if st == Producer || st == Consumer {
		out = append(out, "to")
	}
	for _, k := range svc.Keys {
		head, _, _ := strings.Cut(k.Name, ".")
		if !slices.Contains(out, head) {
			out = append(out, head)
		}
	}
	return out
}

// setting loads one catalog key of a node, nested groups included.
func (l *loader) setting(n *Node, path string, p kv) {
	svc := n.Service
	if k, ok := svc.Key(p.key); ok {
		l.value(n, k, join(path, p.key), p.v)
		setNote(n, p.key, p.k, p.v)
		return
	}
	if !svc.IsGroup(p.key) {
		l.unknown(p, path, settingNames(n.Stage, svc))
		return
	}
	group := join(path, p.key)
	setNote(n, p.key, p.k, p.v)
	switch p.v.Kind {
	case yaml.MappingNode:
		pairs, _ := l.mapping(p.v, group, "a mapping")
		var subs []string
		for _, k := range svc.Keys {
			if sub, ok := strings.CutPrefix(k.Name, p.key+"."); ok {
				subs = append(subs, sub)
			}
		}
		for _, sp := range pairs {
			k, ok := svc.Key(p.key + "." + sp.key)
			if !ok {
				l.unknown(sp, group, subs)
				continue
			}
			l.value(n, k, join(group, sp.key), sp.v)
			setNote(n, k.Name, sp.k, sp.v)
		}
	default:
		if sub, ok := svc.ScalarOf[p.key]; ok && p.v.Kind == yaml.ScalarNode {
			k, _ := svc.Key(p.key + "." + sub)
			l.value(n, k, group, p.v)
			return
		}
		l.add(posOf(p.v), group, "expected a mapping such as %s, got %s", groupExample(svc, p.key), describe(p.v))
	}
}

// groupExample writes a group's keys with their defaults, such as {size: 5MiB, interval: 300s}.
func groupExample(svc *Service, group string) string {
	var parts []string
	for _, k := range svc.Keys {
		if sub, ok := strings.CutPrefix(k.Name, group+"."); ok && k.Default != "" {
			parts = append(parts, sub+": "+k.Default)
		}
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// value parses and checks one scalar setting and stores it in the node.
func (l *loader) value(n *Node, k Key, path string, v *yaml.Node) {
	l.written[k.Name] = true
	if k.Kind.IsList() {
		l.listValue(n, k, path, v)
		return
	}
	what := k.Kind.String()
	if k.Kind == KindEnum {
		what = "one of " + strings.Join(k.Enum, ", ")
	}
	t, ok := l.scalar(v, path, what)
	if !ok {
		return
	}
	val, err := ParseParam(n.Service, k.Name, t)
	if err != nil {
		l.add(posOf(v), path, "%s", err)
		return
	}
	if prev, dup := n.Params[k.Name]; dup {
		l.add(posOf(v), path, "%s is set twice (first at line %d)", k.Name, prev.Pos.Line)
		return
	}
	val.Pos = posOf(v)
	n.Params[k.Name] = val
}

// commentText turns a YAML head comment into plain lines, without the #.
func commentText(c string) string {
	if c == "" {
		return ""
	}
	lines := strings.Split(c, "\n")
	for i, line := range lines {
		line = strings.TrimPrefix(strings.TrimSpace(line), "#")
		lines[i] = strings.TrimPrefix(line, " ")
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}
