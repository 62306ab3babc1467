package cmd

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/streamsim/streamsim/internal/textsafe"
	"github.com/streamsim/streamsim/pipeline"
)

// sweepVar is one --vary: a node's key and the values it takes.
type sweepVar struct {
	ref    string // node.key as written
	values []pipeline.Assignment
}

// maxVaryValues bounds one --vary list, so a step too small for its range
// is an error rather than a loop.
const maxVaryValues = 10_000

// parseVary reads node.key=LIST, where LIST is A..BxF (from A, times F, up
// to B), A..B+S (from A, plus S, up to B) or v1,v2,… in the key's unit.
func parseVary(s *pipeline.Scenario, arg string) (sweepVar, error) {
	ref, list, ok := strings.Cut(arg, "=")
	ref, list = strings.TrimSpace(ref), strings.TrimSpace(list)
	if !ok || ref == "" || list == "" {
		return sweepVar{}, fmt.Errorf("--vary %q: expected node.key=VALUES such as clicks.shards=4..64x2 or web.rate=1k/s,5k/s", arg)
	}
	if err := checkSetKey(s, ref); err != nil {
		return sweepVar{}, fmt.Errorf("--vary %s: %w", ref, err)
	}
	v := sweepVar{ref: ref}
	texts, err := expandRange(s, ref, list)
	if err != nil {
		return sweepVar{}, fmt.Errorf("--vary %s=%s: %w", ref, list, err)
	}
	for _, t := range texts {
		a, err := s.ParseAssignment(ref, t)
		if err != nil {
			return sweepVar{}, fmt.Errorf("--vary %s: %s", ref, strings.TrimPrefix(err.Error(), ref+": "))
		}
		a.Value.Set = true
		v.values = append(v.values, a)
	}
	return v, nil
}

// expandRange turns a value list into the texts of its values.
func expandRange(s *pipeline.Scenario, ref, list string) ([]string, error) {
	from, rest, isRange := strings.Cut(list, "..")
	if !isRange {
		var out []string
		for _, t := range strings.Split(list, ",") {
			if t = strings.TrimSpace(t); t == "" {
				return nil, fmt.Errorf("an empty value in the list")
			}
			out = append(out, t)
		}
		return out, nil
	}
	to, step, times := rest, "", false
	if i := strings.LastIndexAny(rest, "x+"); i > 0 {
		to, step, times = rest[:i], rest[i+1:], rest[i] == 'x'
	} else {
		return nil, fmt.Errorf("a range needs a step: A..BxF (times F) or A..B+S (plus S)")
	}
	lo, err := s.ParseAssignment(ref, strings.TrimSpace(from))
	if err != nil {
		return nil, err
	}
	hi, err := s.ParseAssignment(ref, strings.TrimSpace(to))
	if err != nil {
		return nil, err
	}
	a, b := amount(lo.Value), amount(hi.Value)
	if b < a {
		return nil, fmt.Errorf("the range has no values: %s is below %s", strings.TrimSpace(to), strings.TrimSpace(from))
	}
	next, err := stepper(lo.Value.Kind, step, times)
	if err != nil {
		return nil, err
	}
	var out []string
	for x := a; x <= b*(1+1e-9); x = next(x) {
		if len(out) == maxVaryValues {
			return nil, fmt.Errorf("more than %d values: use a larger step", maxVaryValues)
		}
		if t := withAmount(lo.Value, x).String(); len(out) == 0 || out[len(out)-1] != t { // integers round together
			out = append(out, t)
		}
	}
	return out, nil
}

// stepper is the step of a range: times a factor above 1, or plus an amount
// above 0 in the key's unit.
func stepper(kind pipeline.Kind, text string, times bool) (func(float64) float64, error) {
	text = strings.TrimSpace(text)
	if times {
		f, err := pipeline.ParseFactor(text)
		if err != nil || f <= 1 {
			return nil, fmt.Errorf("the factor %q must be a number above 1", text)
		}
		return func(x float64) float64 { return x * f }, nil
	}
	st, err := pipeline.ParseValue(kind, text) // a step need not be a value the key may take
	if err != nil {
		return nil, fmt.Errorf("the step: %w", err)
	}
	d := amount(st)
	if d <= 0 || math.IsNaN(d) {
		return nil, fmt.Errorf("the step %q must be more than 0", textsafe.Line(text))
	}
	return func(x float64) float64 { return x + d }, nil
}

// amount is a value as one number (records/s, bytes, seconds, …).
func amount(v pipeline.Value) float64 {
	switch v.Kind {
	case pipeline.KindRate:
		return v.Rate.PerSec
	case pipeline.KindDuration:
		return v.Dur.Seconds()
	}
	return v.Num
}

// withAmount is v with its number set to x (an integer key rounds it).
func withAmount(v pipeline.Value, x float64) pipeline.Value {
	switch v.Kind {
	case pipeline.KindInt:
		v.Num = math.Round(x)
	case pipeline.KindRate:
		v.Rate.PerSec, v.Num = x, x
	case pipeline.KindDuration:
		v.Dur = time.Duration(math.Round(x * float64(time.Second)))
		v.Num = v.Dur.Seconds()
	default:
		v.Num = x
	}
	return v
}
