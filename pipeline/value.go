package pipeline

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Kind is the type of a node setting.
type Kind int

// The kinds of settings a node can have.
const (
	KindInt Kind = iota
	KindFloat
	KindDuration
	KindSize
	KindRate
	KindMoney
	KindPercent
	KindFactor
	KindBool
	KindEnum
	KindString
	KindSeries // a list of rates (pattern.series)
	KindShares // a list of percentages (keys.shares)
	KindRanges // a list of hash-key ranges (hash_ranges)
)

// String names the kind as the error messages do.
func (k Kind) String() string {
	return [...]string{"an integer", "a number", "a duration such as 500ms, 90s, 5m or 2h",
		"a size such as 512B, 1KiB or 5MiB", "a rate such as 2000/s or 5MiB/s", "an amount such as $800",
		"a percentage such as 80% or 0.8", "a factor such as 3x", "true or false", "one of", "a string",
		"a list of rates such as [1200/s, 1350/s]", "a list of percentages such as [40%, 35%, 25%]",
		`a list of hash-key ranges such as [["0", "170141183460469231731687303715884105727"], ["170141183460469231731687303715884105728", "340282366920938463463374607431768211455"]]`}[k]
}

// Numeric reports whether values of this kind can be changed with `set` and `--set`.
func (k Kind) Numeric() bool {
	switch k {
	case KindInt, KindFloat, KindDuration, KindSize, KindRate, KindMoney, KindPercent, KindFactor:
		return true
	}
	return false
}

// Pos is a place in a scenario file.
type Pos struct {
	Line, Col int
}

// Value is one parsed setting. Num holds the quantity in base units: seconds for
// durations, bytes for sizes, per-second for rates, dollars, fractions for percent.
type Value struct {
	Kind Kind
	Num  float64
	Dur  time.Duration // durations, exactly
	Rate Rate
	Str  string // enums and strings
	Bool bool
	List *List // the list kinds (KindSeries, KindShares, KindRanges); never changed once made
	Pos  Pos
	Set  bool // written in the file (false: a default)
}

// ParseValue parses text as a value of kind k; enum values are checked by the caller.
func ParseValue(k Kind, text string) (Value, error) {
	if k.IsList() {
		return parseListText(k, text)
	}
	v := Value{Kind: k, Set: true}
	if k.Numeric() {
		if err := leadingZero(text); err != nil {
			return v, err
		}
	}
	var err error
	switch k {
	case KindInt:
		var n int64
		n, err = strconv.ParseInt(strings.TrimSpace(text), 10, 64)
		if err != nil {
			return v, fmt.Errorf("%q: expected an integer", text)
		}
		v.Num = float64(n)
	case KindFloat:
		v.Num, err = parsePlainNumber(strings.TrimSpace(text))
		if err != nil {
			return v, fmt.Errorf("%q: expected a number", text)
		}
	case KindDuration:
		v.Dur, err = ParseDuration(text)
		v.Num = v.Dur.Seconds()
	case KindSize:
		v.Num, err = ParseSize(text)
	case KindRate:
		v.Rate, err = ParseRate(text)
		v.Num = v.Rate.PerSec
	case KindMoney:
		v.Num, err = ParseMoney(text)
	case KindPercent:
		v.Num, err = ParsePercent(text)
	case KindFactor:
		v.Num, err = ParseFactor(text)
	case KindBool:
		switch strings.TrimSpace(text) {
		case "true":
			v.Bool = true
		case "false":
		default:
			return v, fmt.Errorf("%q: expected true or false", text)
		}
	case KindEnum, KindString:
		v.Str = text
	}
	return v, err
}

// String writes the value back in the scenario format's unit syntax.
func (v Value) String() string {
	switch v.Kind {
	case KindInt:
		return strconv.FormatInt(int64(v.Num), 10)
	case KindFloat:
		return trimFloat(v.Num)
	case KindDuration:
		return FormatDuration(v.Dur)
	case KindSize:
		return FormatSize(v.Num)
	case KindRate:
		return v.Rate.String()
	case KindMoney:
		return "$" + trimFloat(v.Num)
	case KindPercent:
		return trimFloat(v.Num*100) + "%"
	case KindFactor:
		return trimFloat(v.Num) + "x"
	case KindBool:
		return strconv.FormatBool(v.Bool)
	case KindSeries, KindShares, KindRanges:
		return v.List.String()
	}
	return v.Str
}
