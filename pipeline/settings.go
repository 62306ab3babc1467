package pipeline

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/streamsim/streamsim/internal/textsafe"
)

// Editing the top level of a scenario: each value checked as the loader
// checks it, so an editor can refuse what a file could not hold.

// CheckID checks a node id: lower-case letters, digits and dashes, and not
// "pipeline" (the name of the whole pipeline's metrics).
func CheckID(id string) error {
	switch {
	case id == "":
		return fmt.Errorf("an id is required")
	case !idPattern.MatchString(id):
		return fmt.Errorf("%q: use lower-case letters, digits and dashes, such as clicks", id)
	case id == "pipeline":
		return fmt.Errorf("pipeline names the whole pipeline's metrics; pick another id")
	}
	return nil
}

// CheckName checks a scenario's name.
func CheckName(name string) error {
	if !idPattern.MatchString(name) {
		return fmt.Errorf("%q: expected lower-case letters, digits and dashes, such as retail-clickstream", name)
	}
	return nil
}

// CheckRegion checks an AWS region name.
func CheckRegion(r string) error {
	if !regionPattern.MatchString(r) {
		return fmt.Errorf("%q: expected an AWS region such as us-east-1 or eu-west-1", r)
	}
	return nil
}

// CheckText checks one line of text (a title): printable characters only.
func CheckText(t string) error {
	if i := textsafe.Bad(t, false); i >= 0 {
		return fmt.Errorf("holds %s", badChar(t, i))
	}
	return nil
}

// CheckBlock checks a text of several lines (a description, a lesson
// step): printable characters, line breaks and tabs.
func CheckBlock(t string) error {
	if i := textsafe.Bad(t, true); i >= 0 {
		return fmt.Errorf("holds %s", badChar(t, i))
	}
	return nil
}

// ParseSeed reads a seed: an integer, written without leading zeros.
func ParseSeed(t string) (int64, error) {
	if err := leadingZero(t); err != nil {
		return 0, err
	}
	n, err := strconv.ParseInt(strings.TrimSpace(t), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%q: expected an integer such as 42", t)
	}
	return n, nil
}

// ParseRunDuration reads the run's duration: longer than 0s, and longer
// than every timeline change and lesson step of s is late.
func (s *Scenario) ParseRunDuration(t string) (time.Duration, error) {
	d, err := ParseDuration(t)
	if err != nil {
		return 0, err
	}
	if d <= 0 {
		return 0, fmt.Errorf("%s: the run must last longer than 0s", t)
	}
	if last := s.lastMoment(); last >= d {
		return 0, fmt.Errorf("%s: the timeline or the lesson has something at %s; the run must last longer", t, FormatDuration(last))
	}
	return d, nil
}

// lastMoment is the latest time a timeline change or a lesson step names.
func (s *Scenario) lastMoment() time.Duration {
	last := time.Duration(-1)
	for _, c := range s.Timeline {
		last = max(last, c.At)
	}
	for _, st := range s.Lesson {
		if st.Has {
			last = max(last, st.At)
		}
	}
	return last
}

// ParseTick reads the simulation's tick: at least MinTick, at most the run.
func (s *Scenario) ParseTick(t string) (time.Duration, error) {
	d, err := ParseDuration(t)
	if err != nil {
		return 0, err
	}
	if d < MinTick {
		return 0, fmt.Errorf("%s: too fine; the shortest tick is %s", t, FormatDuration(MinTick))
	}
	return d, nil
}

// ParseMoment reads when a timeline change or a lesson step happens: a
// duration before the run ends.
func (s *Scenario) ParseMoment(t string) (time.Duration, error) {
	d, err := ParseDuration(t)
	if err != nil {
		return 0, err
	}
	if d < 0 {
		return 0, fmt.Errorf("%s: expected a time from the start, such as 10m", t)
	}
	if d >= s.Duration {
		return 0, fmt.Errorf("%s is not before the run ends (duration %s)", FormatDuration(d), FormatDuration(s.Duration))
	}
	return d, nil
}

// RequirementKeys lists the keys of requirements in the format's order.
func RequirementKeys() []string { return slices.Clone(requirementKeys) }

// RequirementHelp says what a requirement takes and means.
func RequirementHelp(key string) string {
	switch key {
	case "latency":
		return "a duration · end-to-end p99 the architecture must meet"
	case "throughput":
		return "a rate such as 50MiB/s · expected peak ingest"
	case "ordering":
		return "none | per-key · whether records of one key must stay in order"
	case "retention":
		return "a duration · how long data must be replayable"
	case "existing_kafka":
		return "true | false · the team already runs Kafka"
	case "transformations":
		return "true | false · data must be cleaned or transformed in flight"
	case "delivery":
		return "destination services, comma-separated: " + strings.Join(ServiceNames(Destination), ", ")
	case "budget":
		return "an amount such as $2000 · per month"
	}
	return ""
}

// Text writes a requirement as the format does, and whether it is set.
func (r Requirements) Text(key string) (string, bool) {
	set := slices.Contains(r.Set, key)
	if len(r.Set) == 0 { // built in code: what is not zero
		switch key {
		case "latency":
			set = r.Latency != 0
		case "throughput":
			set = r.Throughput.PerSec != 0
		case "ordering":
			set = r.Ordering != ""
		case "retention":
			set = r.Retention != 0
		case "existing_kafka":
			set = r.ExistingKafka
		case "transformations":
			set = r.Transformations
		case "delivery":
			set = len(r.Delivery) > 0
		case "budget":
			set = r.Budget != 0
		}
	}
	if !set {
		return "", false
	}
	switch key {
	case "latency":
		return FormatDuration(r.Latency), true
	case "throughput":
		return r.Throughput.String(), true
	case "ordering":
		return r.Ordering, true
	case "retention":
		return FormatDuration(r.Retention), true
	case "existing_kafka":
		return strconv.FormatBool(r.ExistingKafka), true
	case "transformations":
		return strconv.FormatBool(r.Transformations), true
	case "delivery":
		return joinNames(r.Delivery, ", "), true
	case "budget":
		return "$" + trimFloat(r.Budget), true
	}
	return "", false
}

// SetText sets a requirement from its text ("" unsets it), checked as the
// loader checks it. The keys set keep their order; a new one goes last.
func (r *Requirements) SetText(key, text string) error {
	text = strings.TrimSpace(text)
	if len(r.Set) == 0 {
		for _, k := range requirementKeys {
			if _, ok := r.Text(k); ok {
				r.Set = append(r.Set, k)
			}
		}
	}
	if text == "" {
		r.Set = slices.DeleteFunc(r.Set, func(k string) bool { return k == key })
		switch key {
		case "latency":
			r.Latency = 0
		case "throughput":
			r.Throughput = Rate{}
		case "ordering":
			r.Ordering = ""
		case "retention":
			r.Retention = 0
		case "existing_kafka":
			r.ExistingKafka = false
		case "transformations":
			r.Transformations = false
		case "delivery":
			r.Delivery = nil
		case "budget":
			r.Budget = 0
		}
		return nil
	}
	kinds := map[string]Kind{"latency": KindDuration, "retention": KindDuration, "throughput": KindRate,
		"existing_kafka": KindBool, "transformations": KindBool, "budget": KindMoney}
	switch key {
	case "ordering":
		if text != "none" && text != "per-key" {
			return fmt.Errorf("%q: expected one of none, per-key%s", text, hint(text, []string{"none", "per-key"}))
		}
		r.Ordering = text
	case "delivery":
		dests := ServiceNames(Destination)
		var list []ServiceName
		for _, d := range strings.Split(strings.Trim(text, "[]"), ",") {
			d = strings.TrimSpace(d)
			if d == "" {
				continue
			}
			if !slices.Contains(dests, d) {
				return fmt.Errorf("%q: expected a destination service: %s%s", d, strings.Join(dests, ", "), hint(d, dests))
			}
			list = append(list, ServiceName(d))
		}
		r.Delivery = list
	default:
		k, ok := kinds[key]
		if !ok {
			return fmt.Errorf("unknown requirement %q; expected one of %s", key, strings.Join(requirementKeys, ", "))
		}
		v, err := ParseValue(k, text)
		if err != nil {
			return err
		}
		r.setValue(key, v)
	}
	if !slices.Contains(r.Set, key) {
		r.Set = append(r.Set, key)
	}
	return nil
}

// SettableRefs lists the node.key references a timeline `set` (and --set)
// may change in s, in node and catalog order.
func (s *Scenario) SettableRefs() []string {
	var out []string
	for _, n := range s.Nodes {
		if n.Service == nil {
			continue
		}
		for _, k := range n.Service.SettableKeys() {
			out = append(out, n.ID+"."+k.Name)
		}
	}
	return out
}

// setValue puts a parsed value of a scalar requirement in its field.
func (r *Requirements) setValue(key string, v Value) {
	switch key {
	case "latency":
		r.Latency = v.Dur
	case "retention":
		r.Retention = v.Dur
	case "throughput":
		r.Throughput = v.Rate
	case "ordering":
		r.Ordering = v.Str
	case "existing_kafka":
		r.ExistingKafka = v.Bool
	case "transformations":
		r.Transformations = v.Bool
	case "budget":
		r.Budget = v.Num
	}
}
