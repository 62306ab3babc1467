package htmlreport

import (
	"strings"
	"testing"

	"github.com/streamsim/streamsim/pipeline"
)

func TestScales(t *testing.T) {
	for in, want := range map[float64]float64{0: 1, 0.3: 0.5, 1: 1, 1.01: 2, 3: 5, 7: 10, 4321: 5000, 12e6: 20e6} {
		if got := niceCeil(in); got != want {
			t.Errorf("niceCeil(%v) = %v, want %v", in, got, want)
		}
	}
	if scaleSteps(2000) != 4 || scaleSteps(5000) != 5 || scaleSteps(10) != 5 {
		t.Error("scale steps")
	}
	if clock(3725) != "1:02:05" || clock(65) != "1:05" {
		t.Errorf("clock: %s %s", clock(3725), clock(65))
	}
	if heat(0) == heat(0.5) || heat(1) == heat(2) || heat(2) != "#7f0000" {
		t.Error("heat colours")
	}
	if short(12500) != "12.5k" || short(3e6) != "3M" || short(7) != "7" {
		t.Errorf("short: %s %s %s", short(12500), short(3e6), short(7))
	}
}

// Text from the scenario or a report reaches the page escaped twice over:
// no markup, and no control character.
func TestPageEscapesText(t *testing.T) {
	s, err := pipeline.Load("t.yaml", []byte("version: 1\nname: t\ntitle: \"<script>alert(1)</script>\"\nproducers:\n  - {id: p, rate: 1/s, to: [s]}\nstorage:\n  - {id: s, service: kinesis-data-streams}\n"))
	if err != nil {
		t.Fatal(err)
	}
	rep := &pipeline.Report{Scenario: "t", Backend: "sim<b>", Metrics: map[string]float64{},
		Advice: []pipeline.Advice{{Severity: "warning", Node: "s", Message: "a \x1b[2J <img src=x>"}}}
	var b strings.Builder
	if err := Write(&b, Run{Scenario: s, Report: rep}); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	for _, bad := range []string{"<script>", "<img", "sim<b>", "\x1b"} {
		if strings.Contains(page, bad) {
			t.Errorf("the page holds %q", bad)
		}
	}
	if !strings.Contains(page, "&lt;script&gt;") {
		t.Error("the title is not on the page, escaped")
	}
}
