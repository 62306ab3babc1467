package pipeline

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// requirementKeys are the keys of `requirements` in the format's order.
var requirementKeys = []string{"latency", "throughput", "ordering", "retention", "existing_kafka",
	"transformations", "delivery", "budget"}

func (l *loader) requirements(n *yaml.Node) {
	pairs, _ := l.mapping(n, "requirements", "a mapping such as {latency: 1s, throughput: 50MiB/s}")
	r := &l.s.Requirements
	for _, p := range pairs {
		path := join("requirements", p.key)
		var v Value
		var err error
		switch p.key {
		case "delivery":
			var items []*yaml.Node
			if p.v.Kind == yaml.ScalarNode && !isNull(p.v) {
				items = []*yaml.Node{p.v}
			} else {
				items = l.list(p.v, path, "a list of destination services such as [s3, redshift]")
			}
			dests := ServiceNames(Destination)
			for i, it := range items {
				t, ok := l.scalar(it, index(path, i), "a destination service")
				if !ok {
					continue
				}
				if !slices.Contains(dests, t) {
					l.add(posOf(it), index(path, i), "%q: expected a destination service: %s%s", t, strings.Join(dests, ", "), hint(t, dests))
					continue
				}
				r.Delivery = append(r.Delivery, ServiceName(t))
			}
			r.Set = append(r.Set, p.key)
			continue
		case "latency", "retention":
			v, err = l.reqValue(p, KindDuration)
		case "throughput":
			v, err = l.reqValue(p, KindRate)
		case "ordering":
			v, err = l.reqValue(p, KindEnum)
			if err == nil && v.Str != "none" && v.Str != "per-key" {
				err = fmt.Errorf("%q: expected one of none, per-key", v.Str)
			}
		case "existing_kafka", "transformations":
			v, err = l.reqValue(p, KindBool)
		case "budget":
			v, err = l.reqValue(p, KindMoney)
		default:
			l.unknown(p, "requirements", requirementKeys)
			continue
		}
		if err != nil {
			if err != errReported {
				l.add(posOf(p.v), path, "%s", err)
			}
			continue
		}
		r.setValue(p.key, v)
		r.Set = append(r.Set, p.key)
	}
}

var errReported = errors.New("reported")

func (l *loader) reqValue(p kv, k Kind) (Value, error) {
	t, ok := l.scalar(p.v, join("requirements", p.key), k.String())
	if !ok {
		return Value{}, errReported
	}
	return ParseValue(k, t)
}
