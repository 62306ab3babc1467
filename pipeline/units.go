package pipeline

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Rate is a count or an amount of bytes per second.
type Rate struct {
	PerSec float64 // records per second, or bytes per second when Bytes
	Bytes  bool
}

// String formats the rate in the unit syntax of the scenario format.
func (r Rate) String() string {
	if r.Bytes {
		return FormatSize(r.PerSec) + "/s"
	}
	return trimFloat(r.PerSec) + "/s"
}

// maxQuantity bounds every parsed number so that later arithmetic cannot overflow.
const maxQuantity = 1e18

var durationUnits = []struct {
	suffix string
	d      time.Duration
}{
	{"ms", time.Millisecond}, {"d", 24 * time.Hour}, {"h", time.Hour}, {"m", time.Minute}, {"s", time.Second},
}

// ParseDuration reads 500ms, 90s, 5m, 2h, 1h30m, 7d. A bare number is ambiguous and rejected.
func ParseDuration(s string) (time.Duration, error) {
	// The error is built only on failure: defaults are parsed on every read of a setting.
	errExp := func() error { return fmt.Errorf("%q: expected a duration such as 500ms, 90s, 5m, 2h, 1h30m or 7d", s) }
	t := strings.TrimSpace(s)
	if t == "" {
		return 0, errExp()
	}
	if t == "0" {
		return 0, nil
	}
	var total float64
	for t != "" {
		i := 0
		for i < len(t) && (t[i] >= '0' && t[i] <= '9' || t[i] == '.') {
			i++
		}
		if i == 0 {
			return 0, errExp()
		}
		num, err := strconv.ParseFloat(t[:i], 64)
		if err != nil {
			return 0, errExp()
		}
		t = t[i:]
		unit := time.Duration(0)
		for _, u := range durationUnits {
			if strings.HasPrefix(t, u.suffix) {
				unit, t = u.d, t[len(u.suffix):]
				break
			}
		}
		if unit == 0 {
			return 0, errExp()
		}
		total += num * float64(unit)
		if total > float64(math.MaxInt64/2) {
			return 0, fmt.Errorf("%q: duration too long", s)
		}
	}
	return time.Duration(math.Round(total)), nil
}

// FormatDuration writes d in the shortest unit syntax that reads it back exactly.
func FormatDuration(d time.Duration) string {
	if d == 0 {
		return "0s"
	}
	if d%(24*time.Hour) == 0 {
		return strconv.FormatInt(int64(d/(24*time.Hour)), 10) + "d"
	}
	if d%time.Millisecond != 0 {
		return trimFloat(float64(d)/float64(time.Millisecond)) + "ms"
	}
	var b strings.Builder
	rest := d
	for _, u := range []struct {
		suffix string
		d      time.Duration
	}{{"h", time.Hour}, {"m", time.Minute}, {"s", time.Second}, {"ms", time.Millisecond}} {
		if n := rest / u.d; n > 0 {
			fmt.Fprintf(&b, "%d%s", n, u.suffix)
			rest -= n * u.d
		}
	}
	return b.String()
}

var sizeUnits = []struct {
	suffix string
	mult   float64
}{
	{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"TiB", 1 << 40},
	{"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12}, {"B", 1},
}

// ParseSize reads 512B, 1KiB, 5MiB, 1GiB, 1KB, 1MB. A bare integer is bytes.
func ParseSize(s string) (float64, error) {
	errExp := func() error { return fmt.Errorf("%q: expected a size such as 512B, 1KiB, 5MiB or 1MB", s) }
	t := strings.TrimSpace(s)
	mult := 1.0
	unit := false
	for _, u := range sizeUnits {
		if strings.HasSuffix(t, u.suffix) {
			t, mult, unit = strings.TrimSpace(strings.TrimSuffix(t, u.suffix)), u.mult, true
			break
		}
	}
	if !unit {
		n, err := strconv.ParseInt(t, 10, 64)
		if err != nil || n < 0 || float64(n) > maxQuantity {
			return 0, errExp()
		}
		return float64(n), nil
	}
	n, err := parsePlainNumber(t)
	if err != nil || n < 0 {
		return 0, errExp()
	}
	v := n * mult
	if v > maxQuantity {
		return 0, fmt.Errorf("%q: size too large", s)
	}
	return math.Round(v), nil
}

// FormatSize writes a byte count as people write sizes: in the largest unit
// that gives at most two decimals exactly (binary units first, as AWS quotes
// its limits), else in bytes: 1536 → 1.5KiB, 2000 → 2KB, 4194305 → 4194305B.
// ParseSize reads it back to the same number.
func FormatSize(b float64) string {
	for _, u := range []struct {
		suffix string
		mult   float64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"GB", 1e9}, {"MB", 1e6}, {"KB", 1e3}} {
		if b >= u.mult && math.Mod(b*100, u.mult) == 0 {
			return trimFloat(b/u.mult) + u.suffix
		}
	}
	return trimFloat(b) + "B"
}

// ParseRate reads 2000/s, 120/m, 1.5k/s, 5MiB/s, 200KB/s.
func ParseRate(s string) (Rate, error) {
	errExp := func() error { return fmt.Errorf("%q: expected a rate such as 2000/s or 5MiB/s", s) }
	t := strings.TrimSpace(s)
	slash := strings.LastIndexByte(t, '/')
	if slash < 0 {
		return Rate{}, errExp()
	}
	amount, per := strings.TrimSpace(t[:slash]), strings.TrimSpace(t[slash+1:])
	var secs float64
	switch per {
	case "s":
		secs = 1
	case "m", "min":
		secs = 60
	case "h":
		secs = 3600
	default:
		return Rate{}, errExp()
	}
	if amount == "" {
		return Rate{}, errExp()
	}
	last := amount[len(amount)-1]
	if last == 'B' {
		b, err := ParseSize(amount)
		if err != nil {
			return Rate{}, errExp()
		}
		return Rate{PerSec: b / secs, Bytes: true}, nil
	}
	mult := 1.0
	switch last {
	case 'k', 'K':
		mult, amount = 1e3, amount[:len(amount)-1]
	case 'M':
		mult, amount = 1e6, amount[:len(amount)-1]
	}
	n, err := parsePlainNumber(amount)
	if err != nil || n < 0 || n*mult > maxQuantity {
		return Rate{}, errExp()
	}
	return Rate{PerSec: n * mult / secs}, nil
}

// ParseMoney reads $800 or 800 (US dollars).
func ParseMoney(s string) (float64, error) {
	t := strings.TrimSpace(s)
	t = strings.TrimPrefix(t, "$")
	t = strings.ReplaceAll(t, ",", "")
	n, err := parsePlainNumber(t)
	if err != nil || n < 0 || n > maxQuantity {
		return 0, fmt.Errorf("%q: expected an amount of US dollars such as $800 or 800", s)
	}
	return n, nil
}

// ParsePercent reads 80% or 0.8 and returns the fraction (0.8).
func ParsePercent(s string) (float64, error) {
	t := strings.TrimSpace(s)
	errExp := func() error { return fmt.Errorf("%q: expected a percentage such as 80%% or 0.8", s) }
	if p, ok := strings.CutSuffix(t, "%"); ok {
		n, err := parsePlainNumber(strings.TrimSpace(p))
		if err != nil || n < 0 || n > 1e6 {
			return 0, errExp()
		}
		return n / 100, nil
	}
	n, err := parsePlainNumber(t)
	if err != nil || n < 0 || n > 1e4 {
		return 0, errExp()
	}
	return n, nil
}

// ParseFactor reads 3x or 3 (a multiplier).
func ParseFactor(s string) (float64, error) {
	t := strings.TrimSuffix(strings.TrimSpace(s), "x")
	n, err := parsePlainNumber(t)
	if err != nil || n < 0 || n > 1e6 {
		return 0, fmt.Errorf("%q: expected a factor such as 3x or 3", s)
	}
	return n, nil
}

var errNotNumber = errors.New("not a number")

// leadingZero refuses an integer written with a leading zero (017): YAML 1.1
// tools read it as octal 15, so what the file means would depend on who
// reads it. A zero inside a value with a unit (05MiB, 1h05m) is read as
// written, since no YAML reader takes that for a number.
func leadingZero(text string) error {
	t := strings.TrimLeft(strings.TrimSpace(text), "+-")
	if len(t) < 2 || t[0] != '0' {
		return nil
	}
	for _, c := range t {
		if c < '0' || c > '9' {
			return nil
		}
	}
	fixed := strings.TrimLeft(t, "0")
	if fixed == "" {
		fixed = "0"
	}
	return fmt.Errorf("%q: an integer with a leading zero is ambiguous (YAML 1.1 reads 017 as octal 15); write %s", text, fixed)
}

// parsePlainNumber accepts decimal numbers only: no hex, no exponent, no inf/nan.
func parsePlainNumber(t string) (float64, error) {
	if t == "" || len(t) > 40 {
		return 0, errNotNumber
	}
	dots := 0
	for i, c := range t {
		switch {
		case c >= '0' && c <= '9':
		case c == '.':
			dots++
		case c == '-' && i == 0:
		default:
			return 0, errNotNumber
		}
	}
	if dots > 1 || t == "." || t == "-" {
		return 0, errNotNumber
	}
	return strconv.ParseFloat(t, 64)
}

func trimFloat(f float64) string {
	return strconv.FormatFloat(f, 'f', -1, 64)
}
