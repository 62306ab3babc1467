package pipeline

import (
	"fmt"
	"strings"
	"time"
)

// A lesson step says something and may ask the learner to act: make a
// condition true (check), take an action (did), or guess a number before
// the run shows it (predict). The run waits at a step that asks until it is
// done; a hint shows when the learner has waited a while.

// Check is a condition over the run's live metrics or the scenario's
// settings: `events.shards >= 8`, `delivery.buffer.interval <= 60s`,
// `pipeline.lost_records == 0 over the last 5m`. With "over the last D" a
// running total (Cumulative) is what it added in the last D; anything else
// must have held throughout the last D.
type Check struct {
	Text    string
	Ref     string // node.metric or node.key
	Setting bool   // Ref is a setting of the scenario, not a metric
	Op      string
	Value   float64       // in the metric's or the key's base unit
	Over    time.Duration // how long it must have held; 0: once
}

// Holds reports whether v meets the condition.
func (c Check) Holds(v float64) bool {
	return Expectation{Op: c.Op, Value: c.Value}.Holds(v)
}

// Action is something the learner does: reshard a stream, set a node's
// key, or make a node fail. Node and Key are "" when any will do.
type Action struct {
	Text      string
	Kind      string // reshard, set, fail
	Node, Key string
}

// Matches reports whether a change made during the run is the action.
func (a Action) Matches(s *Scenario, c Change) bool {
	switch a.Kind {
	case "fail":
		return c.Fail != "" && (a.Node == "" || c.Fail == a.Node)
	case "reshard":
		for _, x := range c.Set {
			if n := s.Node(x.Node); n != nil && n.Stage == Storage && (x.Key == "shards" || x.Key == "partitions") &&
				(a.Node == "" || x.Node == a.Node) {
				return true
			}
		}
	case "set":
		for _, x := range c.Set {
			if (a.Node == "" || x.Node == a.Node) && (a.Key == "" || x.Key == a.Key || strings.HasPrefix(x.Key, a.Key+".")) {
				return true
			}
		}
	}
	return false
}

// Prediction asks the learner for a number before the run shows it: the
// value of Metric at AnswerAt (the end of the run when 0).
type Prediction struct {
	Question string
	Metric   string
	AnswerAt time.Duration
	Explain  string
	Guess    float64 // the learner's, in a recorded session
	Guessed  bool
}

// ParseCheck reads a check: METRIC OP VALUE or NODE.KEY OP VALUE, then
// optionally "over the last DURATION".
func (s *Scenario) ParseCheck(text string) (Check, error) {
	c := Check{Text: strings.TrimSpace(text)}
	body := c.Text
	if i := strings.Index(body, " over the last "); i >= 0 {
		d, err := ParseDuration(strings.TrimSpace(body[i+len(" over the last "):]))
		if err != nil || d <= 0 {
			return c, fmt.Errorf("%q: after \"over the last\" expected a duration such as 5m", text)
		}
		c.Over, body = d, strings.TrimSpace(body[:i])
	}
	fields := strings.Fields(body)
	if len(fields) != 3 {
		return c, fmt.Errorf("%q: expected METRIC OP VALUE or NODE.KEY OP VALUE, such as events.shards >= 8", text)
	}
	c.Ref, c.Op = fields[0], fields[1]
	if e, err := s.ParseExpect(body); err == nil {
		c.Value = e.Value
		return c, nil
	} else if _, ok := s.LookupMetric(c.Ref); ok {
		return c, err // a metric, with a bad operator or value
	}
	id, key := SplitRef(c.Ref)
	n := s.Node(id)
	if n == nil || n.Service == nil {
		return c, fmt.Errorf("%q: %s is neither a metric nor a node's setting (streamsim metrics lists the metrics)", text, c.Ref)
	}
	k, ok := n.Service.Key(key)
	if !ok || !k.Kind.Numeric() {
		return c, fmt.Errorf("%q: %s (%s) has no numeric key %q, and %s is no metric", text, id, n.Service.Name, key, c.Ref)
	}
	if !contains(expectOps, c.Op) {
		return c, fmt.Errorf("%q: operator %q: expected one of < <= > >= == !=", text, c.Op)
	}
	v, err := ParseValue(k.Kind, fields[2])
	if err != nil {
		return c, fmt.Errorf("%q: %v", text, err)
	}
	c.Setting, c.Value = true, v.Num
	return c, nil
}

// ParseAction reads `reshard [NODE]`, `set [NODE[.KEY]]` or `fail [NODE]`.
func (s *Scenario) ParseAction(text string) (Action, error) {
	a := Action{Text: strings.TrimSpace(text)}
	fields := strings.Fields(a.Text)
	if len(fields) == 0 || len(fields) > 2 || !contains([]string{"reshard", "set", "fail"}, fields[0]) {
		return a, fmt.Errorf("%q: expected reshard, set or fail, with an optional node or node.key, such as set events.keys", text)
	}
	a.Kind = fields[0]
	if len(fields) == 2 {
		a.Node, a.Key = SplitRef(fields[1])
		n := s.Node(a.Node)
		switch {
		case n == nil:
			return a, fmt.Errorf("%q: no node %q", text, a.Node)
		case a.Key != "" && a.Kind != "set":
			return a, fmt.Errorf("%q: %s takes a node, not a key", text, a.Kind)
		case a.Kind == "reshard" && n.Stage != Storage:
			return a, fmt.Errorf("%q: %s is not a stream", text, a.Node)
		case a.Key != "" && n.Service != nil:
			if _, ok := n.Service.Key(a.Key); !ok && !n.Service.IsGroup(a.Key) {
				return a, fmt.Errorf("%q: %s (%s) has no key %q", text, a.Node, n.Service.Name, a.Key)
			}
		}
	}
	return a, nil
}
