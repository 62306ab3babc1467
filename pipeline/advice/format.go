package advice

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/streamsim/streamsim/pipeline"
)

// Number formatting for messages. Every figure is rounded to what a reader
// needs, which also keeps messages identical across machines.

// count writes a whole number with thousands separators: 1,500.
func count(v float64) string { return pipeline.FormatCount(v) }

// recs writes a record rate: "1,500 records/s".
func recs(v float64) string { return count(v) + " records/s" }

// bytesRate writes a byte rate: "2.0 MiB/s".
func bytesRate(v float64) string { return pipeline.ApproxSize(v) + "/s" }

// money writes dollars with cents and thousands separators: "$1,867.83".
func money(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "$?"
	}
	cents := int64(math.Round(math.Abs(v) * 100))
	whole := count(float64(cents / 100))
	s := "$" + whole + "." + pad2(cents%100)
	if v < 0 && cents != 0 {
		s = "-" + s
	}
	return s
}

func pad2(n int64) string {
	if n < 10 {
		return "0" + strconv.FormatInt(n, 10)
	}
	return strconv.FormatInt(n, 10)
}

// pct writes a fraction as a percentage: 0.646 → "65%", 0.0123 → "1.2%".
func pct(v float64) string {
	p := v * 100
	if math.Abs(p) < 10 && math.Round(p) != p {
		return strconv.FormatFloat(p, 'f', 1, 64) + "%"
	}
	return strconv.FormatFloat(math.Round(p), 'f', 0, 64) + "%"
}

// secs writes a duration in seconds the way people say it: "70 ms", "45 s",
// "15 min", "23 h", "12 d".
func secs(s float64) string {
	switch {
	case math.IsInf(s, 1):
		return "forever"
	case s < 1:
		return strconv.FormatFloat(math.Round(s*1000), 'f', 0, 64) + " ms"
	case s < 10:
		return trim1(s) + " s"
	case s < 120:
		return strconv.FormatFloat(math.Round(s), 'f', 0, 64) + " s"
	case s < 2*3600:
		return strconv.FormatFloat(math.Round(s/60), 'f', 0, 64) + " min"
	case s < 72*3600:
		return strconv.FormatFloat(math.Round(s/3600), 'f', 0, 64) + " h"
	}
	return strconv.FormatFloat(math.Round(s/86400), 'f', 0, 64) + " d"
}

// trim1 writes v with one decimal, dropping ".0".
func trim1(v float64) string {
	return strings.TrimSuffix(strconv.FormatFloat(v, 'f', 1, 64), ".0")
}

// ratio writes a multiplier: "2x", "1.3x".
func ratio(v float64) string { return trim1(v) + "x" }

// plural picks the singular or plural noun for n.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// ceilDiv is ⌈a ÷ b⌉ for positive numbers, at least lo.
func ceilDiv(a, b float64, lo int) int {
	if b <= 0 || math.IsNaN(a) || math.IsInf(a, 0) {
		return lo
	}
	n := math.Ceil(a/b - 1e-9)
	if n > 1e9 {
		return 1e9
	}
	return max(lo, int(n))
}

// listAnd joins words as "a, b and c".
func listAnd(words []string) string {
	switch len(words) {
	case 0:
		return ""
	case 1:
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}

// shortKey trims a long partition key for messages.
func shortKey(k string) string {
	if len(k) > 28 {
		return k[:27] + "…"
	}
	return k
}

// sprintf is fmt.Sprintf, short for the many messages.
func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }

// secondsDuration turns whole seconds into a time.Duration.
func secondsDuration(s float64) time.Duration { return time.Duration(math.Round(s)) * time.Second }
