package htmlreport

import (
	"fmt"
	"html"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/streamsim/streamsim/pipeline"
)

// Charts are drawn as inline SVG by hand: a line chart with a time axis and
// a value scale, and a heatmap, are a few dozen lines each, and a library
// (gonum/plot) would bring fonts, a renderer and a hundred files for them.

// palette is a colour-blind-safe set (Okabe–Ito) for the series of a chart.
var palette = []string{"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"}

// line is one series of a chart.
type line struct {
	name   string
	values []float64
	times  []float64 // when each value was; nil: the chart's
	dashed bool
}

const (
	chartW, chartH         = 720, 220
	padL, padR, padT, padB = 64, 28, 24, 34
)

// lineChart draws series over the buckets' time, with a labelled value scale.
func lineChart(title, unit string, times []float64, lines []line) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<figure class="chart"><svg viewBox="0 0 %d %d" role="img" aria-label="%s">`, chartW, chartH, html.EscapeString(title))
	top := 0.0
	for _, l := range lines {
		for _, v := range l.values {
			if !math.IsNaN(v) && !math.IsInf(v, 0) {
				top = math.Max(top, v)
			}
		}
	}
	top = niceCeil(top)
	x0, x1 := float64(padL), float64(chartW-padR)
	y0, y1 := float64(chartH-padB), float64(padT)
	tEnd := 1e-9
	for _, l := range lines {
		if l.times == nil {
			l.times = times
		}
		if n := len(l.times); n > 0 {
			tEnd = math.Max(tEnd, l.times[n-1])
		}
	}
	xOf := func(t float64) float64 { return x0 + (x1-x0)*t/tEnd }
	yOf := func(v float64) float64 { return y0 - (y0-y1)*v/top }
	axes(&b, unit, top, tEnd, xOf, yOf)
	for i, l := range lines {
		ts := l.times
		if ts == nil {
			ts = times
		}
		var pts []string
		for j, v := range l.values {
			if j < len(ts) && !math.IsNaN(v) {
				pts = append(pts, num(xOf(ts[j]))+","+num(yOf(math.Min(v, top))))
			}
		}
		dash := ""
		if l.dashed {
			dash = ` stroke-dasharray="6 4"`
		}
		fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="1.6"%s points="%s"/>`, palette[i%len(palette)], dash, strings.Join(pts, " "))
	}
	b.WriteString(`</svg><figcaption>`)
	fmt.Fprintf(&b, `<span class="title">%s</span>`, html.EscapeString(title))
	for i, l := range lines {
		style := "line"
		if l.dashed {
			style = "line dashed"
		}
		fmt.Fprintf(&b, ` <span class="key"><span class="%s" style="border-color:%s"></span>%s</span>`, style, palette[i%len(palette)], html.EscapeString(l.name))
	}
	b.WriteString(`</figcaption></figure>`)
	return b.String()
}

// axes draws the frame, the value scale (4 steps, in the unit) and the time
// axis (simulated clock).
func axes(b *strings.Builder, unit string, top, tEnd float64, xOf, yOf func(float64) float64) {
	fmt.Fprintf(b, `<g class="axis">`)
	steps := scaleSteps(top)
	for i := 0; i <= steps; i++ {
		v := top * float64(i) / float64(steps)
		y := yOf(v)
		fmt.Fprintf(b, `<line x1="%d" x2="%d" y1="%s" y2="%s"/>`, padL, chartW-padR, num(y), num(y))
		fmt.Fprintf(b, `<text x="%d" y="%s" text-anchor="end">%s</text>`, padL-6, num(y+4), html.EscapeString(valueLabel(unit, v)))
	}
	step := niceTimeStep(tEnd)
	for t := 0.0; t <= tEnd+1e-9; t += step {
		x := xOf(t)
		fmt.Fprintf(b, `<line class="tick" x1="%s" x2="%s" y1="%d" y2="%d"/>`, num(x), num(x), chartH-padB, chartH-padB+4)
		fmt.Fprintf(b, `<text x="%s" y="%d" text-anchor="middle">%s</text>`, num(x), chartH-padB+18, clock(t))
	}
	b.WriteString(`</g>`)
}

// valueLabel writes a scale value in the chart's unit.
func valueLabel(unit string, v float64) string {
	switch unit {
	case "s":
		return pipeline.FormatMetric(pipeline.UnitSeconds, v)
	case "%":
		return strconv.FormatFloat(v*100, 'f', 0, 64) + "%"
	}
	return short(v) + unit
}

// short writes a count with k or M: 12k, 3.4M.
func short(v float64) string {
	switch {
	case v >= 1e6:
		return trim(v/1e6) + "M"
	case v >= 1e3:
		return trim(v/1e3) + "k"
	}
	return trim(v)
}

func trim(v float64) string {
	return strings.TrimSuffix(strings.TrimRight(strconv.FormatFloat(v, 'f', 1, 64), "0"), ".")
}

// niceCeil rounds up to 1, 2 or 5 times a power of ten (at least 1).
func niceCeil(v float64) float64 {
	if v <= 0 || math.IsNaN(v) {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= v*(1-1e-12) {
			return m * p
		}
	}
	return 10 * p
}

// scaleSteps divides a nice top into round steps: 1 → 5 of 0.2, 2 → 4 of
// 0.5, 5 → 5 of 1 (times its power of ten).
func scaleSteps(top float64) int {
	m := top / math.Pow(10, math.Floor(math.Log10(top)))
	if math.Abs(m-2) < 1e-9 {
		return 4
	}
	return 5
}

// niceTimeStep is a tick step that gives 4 to 10 ticks over t seconds.
func niceTimeStep(t float64) float64 {
	for _, s := range []float64{1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 21600, 43200, 86400, 172800, 604800} {
		if t/s <= 10 {
			return s
		}
	}
	return 604800
}

// clock writes seconds as h:mm:ss (m:ss under an hour).
func clock(t float64) string {
	d := time.Duration(math.Round(t)) * time.Second
	h, m, s := int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60
	if h > 0 {
		return fmt.Sprintf("%d:%02d:%02d", h, m, s)
	}
	return fmt.Sprintf("%d:%02d", m, s)
}

func num(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }

// heatmap draws a storage node's rows of units over time, coloured by write
// utilisation: a hot shard is a stripe, a reshard a change in the rows.
func heatmap(title string, units int, times []float64, rows [][]float64) string {
	var b strings.Builder
	nRows := 0
	for _, r := range rows {
		nRows = max(nRows, len(r))
	}
	cellH := math.Max(3, math.Min(14, 160/math.Max(1, float64(nRows))))
	h := int(float64(padT)+cellH*float64(nRows)) + padB
	fmt.Fprintf(&b, `<figure class="chart"><svg viewBox="0 0 %d %d" role="img" aria-label="%s">`, chartW, h, html.EscapeString(title))
	x0, x1 := float64(padL), float64(chartW-padR)
	tEnd := 1.0
	if len(times) > 0 {
		tEnd = math.Max(times[len(times)-1], 1e-9)
	}
	prev := 0.0
	for j, col := range rows {
		xa, xb := x0+(x1-x0)*prev/tEnd, x0+(x1-x0)*times[j]/tEnd
		prev = times[j]
		for i, u := range col {
			y := float64(padT) + cellH*float64(i)
			fmt.Fprintf(&b, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s"><title>%s · row %d · %s</title></rect>`,
				num(xa), num(y), num(math.Max(0.5, xb-xa)), num(cellH), heat(u), clock(times[j]), i, valueLabel("%", u))
		}
	}
	fmt.Fprintf(&b, `<g class="axis"><text x="%d" y="%d" text-anchor="end">row 0</text>`, padL-6, padT+int(cellH))
	fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end">row %d</text>`, padL-6, padT+int(cellH*float64(nRows)), max(0, nRows-1))
	step := niceTimeStep(tEnd)
	y := padT + int(cellH*float64(nRows))
	for t := 0.0; t <= tEnd+1e-9; t += step {
		fmt.Fprintf(&b, `<text x="%s" y="%d" text-anchor="middle">%s</text>`, num(x0+(x1-x0)*t/tEnd), y+18, clock(t))
	}
	b.WriteString(`</g></svg><figcaption>`)
	what := fmt.Sprintf("%d units", units)
	if units > nRows && nRows > 0 {
		what = fmt.Sprintf("%d units in %d rows, each the busiest of its units", units, nRows)
	}
	fmt.Fprintf(&b, `<span class="title">%s</span> <span class="note">%s; colour = write load ÷ the unit's limit: %s 0%% %s 50%% %s 100%% %s over</span>`,
		html.EscapeString(title), what, swatch(0), swatch(0.5), swatch(1), swatch(1.5))
	b.WriteString(`</figcaption></figure>`)
	return b.String()
}

func swatch(u float64) string {
	return fmt.Sprintf(`<span class="box" style="background:%s;border-color:%s"></span>`, heat(u), heat(u))
}

// heat is a colour for a utilisation: pale to orange to red, dark red over 100%.
func heat(u float64) string {
	if math.IsNaN(u) || u <= 0 {
		return "#f4f6f8"
	}
	if u > 1 {
		return "#7f0000"
	}
	// #fff5eb → #fd8d3c → #d7301f
	lerp := func(a, b, t float64) int { return int(math.Round(a + (b-a)*t)) }
	var r, g, bl int
	if u < 0.5 {
		t := u / 0.5
		r, g, bl = lerp(0xff, 0xfd, t), lerp(0xf5, 0x8d, t), lerp(0xeb, 0x3c, t)
	} else {
		t := (u - 0.5) / 0.5
		r, g, bl = lerp(0xfd, 0xd7, t), lerp(0x8d, 0x30, t), lerp(0x3c, 0x1f, t)
	}
	return fmt.Sprintf("#%02x%02x%02x", r, g, bl)
}
