package common

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/streamsim/streamsim/pipeline"
)

func sprintf(format string, args ...any) string {
	if len(args) == 0 {
		return format
	}
	return fmt.Sprintf(format, args...)
}

// Count writes a count with thousands separators: 2,013; 12.3M above ten million.
func Count(x float64) string {
	switch {
	case math.IsNaN(x) || math.IsInf(x, 0):
		return "–"
	case math.Abs(x) >= 1e10:
		return strconv.FormatFloat(x/1e9, 'f', 1, 64) + "G"
	case math.Abs(x) >= 1e7:
		return strconv.FormatFloat(x/1e6, 'f', 1, 64) + "M"
	}
	return pipeline.FormatCount(x)
}

// Seconds writes a time in seconds the way a dashboard reads it: 85 ms, 0.9 s,
// 38 s, 4.2 min, 1.5 h.
func Seconds(s float64) string {
	switch {
	case math.IsNaN(s) || math.IsInf(s, 0):
		return "–"
	case s == 0:
		return "0 s"
	case s < 0.1:
		return strconv.FormatFloat(s*1000, 'f', 0, 64) + " ms"
	case s < 10:
		return strconv.FormatFloat(s, 'f', 1, 64) + " s"
	case s < 120:
		return strconv.FormatFloat(s, 'f', 0, 64) + " s"
	case s < 7200:
		return strconv.FormatFloat(s/60, 'f', 1, 64) + " min"
	}
	return strconv.FormatFloat(s/3600, 'f', 1, 64) + " h"
}

// Money writes dollars per month: $412/mo, $1,204/mo.
func Money(x float64) string { return "$" + Count(x) + "/mo" }

// Percent writes a fraction as a whole percentage.
func Percent(f float64) string { return strconv.FormatFloat(f*100, 'f', 0, 64) + "%" }

// Clock writes a simulated time as H:MM:SS.
func Clock(d time.Duration) string {
	s := int64(d / time.Second)
	return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
}

// Speed writes a run's speed: ×60, ×0.5, or max.
func Speed(x float64) string {
	if x <= 0 || math.IsInf(x, 1) {
		return "max"
	}
	return "×" + strconv.FormatFloat(x, 'f', -1, 64)
}
