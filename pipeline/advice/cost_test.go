package advice

import (
	"math"
	"strings"
	"sync"
	"testing"
)

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-6*math.Max(1, math.Abs(b)) }

// TestKinesisBreakEvenByHand checks the comparison against the PRICE-KDS prices
// worked out by hand for 1,000 records/s of 1,000 B, one polling reader,
// 24 h retention, a month of 730 hours (2,628,000 s):
//
//	provisioned: 1 shard × 730 h × $0.015 = $10.95; PUT payload units:
//	  1,000/s × 2,628,000 s × 1 unit ÷ 1M × $0.014 = $36.792 → $47.742
//	on-demand: 730 h × $0.04 = $29.20; data in: 1,000/s × 2,628,000 s ×
//	  1 KB ÷ 1 GB × $0.08 = $210.24; data out 2,628 GB × $0.04 = $105.12
//	  → $344.56
//
// One shard costs less than an on-demand stream's hours alone, so on-demand
// never wins against it. Scaling the load, on-demand's $0.278568 per
// (byte/s)·month·1000 more than provisioned is worth 25.44 shards'
// hours per MB/s: it wins only above a peak 25.4× the average.
func TestKinesisBreakEvenByHand(t *testing.T) {
	s := load(t, pipe("duration: 1h\n", "", producer("app", "1000/s", "1000B", evenKeys, ""), kds1, appToLake, lake))
	b, ok := KinesisBreakEven(s, "stream")
	if !ok {
		t.Fatal("no break-even")
	}
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"shards", float64(b.Shards), 1},
		{"provisioned", b.Provisioned, 47.742},
		{"on-demand", b.OnDemand, 344.56},
		{"per shard", b.PerShard, 10.95},
		{"on-demand base", b.OnDemandBase, 29.2},
		{"cross (never)", b.CrossAvg, 0},
		{"scale cross (never)", b.ScaleCross, 0},
		{"ratio cross", b.RatioCross, 2.78568e-4 * 1e6 / 10.95},
	} {
		if !near(c.got, c.want) {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	text := strings.Join(b.Lines(), "\n")
	for _, want := range []string{"1 shard for the peak", "$47.74 per month", "$344.56 per month",
		"provisioned is cheaper by $296.82", "on-demand costs more at any average", "more than 25.4x the average"} {
		if !strings.Contains(text, want) {
			t.Errorf("lines lack %q:\n%s", want, text)
		}
	}
}

// TestKinesisBreakEvenSpiky: sized for a peak far above the average,
// provisioned pays for idle shards and on-demand wins at low averages.
//
// 100 records/s of 1,000 B with a 120× spike for 1 minute in 60: the peak is
// 12,000 records/s (12 MB/s ÷ 1 MiB/s → 12 shards = $131.40); the average is
// 100 × (59 + 120) ÷ 60 ≈ 298 records/s. On-demand costs $29.20 plus
// $0.278568 per (KB/s)·month more than provisioned, so it wins while the
// average stays below (131.40 − 29.20) ÷ 0.000278568 ≈ 366,876 B/s, and with
// a peak 40× the average (above 25.4×) it also wins when the load scales.
func TestKinesisBreakEvenSpiky(t *testing.T) {
	s := load(t, pipe("duration: 1h\n", "", producer("app", "100/s", "1000B", evenKeys, "{shape: spike, at: 10m, for: 1m, factor: 120}"), kds1, appToLake, lake))
	b, ok := KinesisBreakEven(s, "stream")
	if !ok {
		t.Fatal("no break-even")
	}
	if b.Shards != 12 {
		t.Errorf("shards = %d, want 12", b.Shards)
	}
	if b.OnDemand >= b.Provisioned {
		t.Errorf("on-demand %v should be cheaper than %v", b.OnDemand, b.Provisioned)
	}
	p := kdsPricesFor(1000, 1, 0, 86400)
	want := (12*10.95 - 29.2) / (p.odSlope(1000) - p.provSlope(1000))
	if !near(b.CrossAvg, want) || math.Abs(want-366876) > 1 {
		t.Errorf("cross = %v, want %v", b.CrossAvg, want)
	}
	if b.ScaleCross <= 0 {
		t.Errorf("a 40x peak ratio should cross when scaled: %+v", b)
	}
	if !strings.Contains(strings.Join(b.Lines(), "\n"), "on-demand costs less while the average stays below") {
		t.Errorf("lines: %v", b.Lines())
	}
}

func TestCosts(t *testing.T) {
	s := load(t, pipe("", "", prodEven, kds4, appToLake, lake))
	rows, total := Costs(s, map[string]float64{
		"app.cost_monthly": 0, "stream.cost_monthly": 100, "c.cost_monthly": 50, "lake.cost_monthly": 50,
		"pipeline.cost_monthly": 200,
	})
	if total != 200 || len(rows) != 4 {
		t.Fatalf("total %v rows %+v", total, rows)
	}
	if rows[1].Node != "stream" || rows[1].Share != 0.5 || rows[2].Share != 0.25 {
		t.Errorf("rows = %+v", rows)
	}
	// Without the pipeline total the sum is used.
	if _, total := Costs(s, map[string]float64{"stream.cost_monthly": 3, "c.cost_monthly": 4}); total != 7 {
		t.Errorf("total = %v, want 7", total)
	}
}

func TestLoadEstimate(t *testing.T) {
	s := load(t, pipe("duration: 1h\n", "", producer("app", "1000/s", "1KiB", "{dist: hot, count: 10, fraction: 0.5}", ""), kds1, appToLake, lake)+
		"timeline:\n  - at: 30m\n    set: {app.rate: 3000/s}\n")
	ld := StreamLoad(s, "stream")
	if !near(ld.PeakRecs, 3000) || !near(ld.AvgRecs, 2000) || !near(ld.RecordSize, 1024) {
		t.Errorf("load = %+v", ld)
	}
	if !near(ld.HotKey.Recs, 1500) || ld.HotKey.Producer != "app" || !ld.Skewed {
		t.Errorf("hot key = %+v", ld.HotKey)
	}
	if got := hotShare(load(t, pipe("", "", producer("app", "1/s", "1KiB", "{dist: zipf, count: 3, skew: 1}", ""), kds1, appToLake, lake)).Node("app")); !near(got, 1/(1+0.5+1.0/3)) {
		t.Errorf("zipf share = %v", got)
	}
	if z := zipfNorm(2_000_000, 1.1); z < zipfNorm(1_000_000, 1.1) || z > zipfNorm(1_000_000, 1.1)+1 {
		t.Errorf("zipf tail = %v", z)
	}
}

// TestZipfNormRemembers holds the remembered sums to the sums worked out
// afresh, across key counts and skews, asked twice and in either order,
// from several goroutines at once (size's workers share them).
func TestZipfNormRemembers(t *testing.T) {
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 300 { // more than the 256 kept: the map is started again
				// Each count comes with several skews and each skew with several counts.
				n, s := []int{1, 10, 10_000}[(i+w)%3]+i/21, 0.5+float64((i+w)%7)*0.25
				for range 2 {
					if got, want := zipfNorm(n, s), zipfSum(n, s); got != want {
						t.Errorf("zipfNorm(%d, %v) = %v, want %v", n, s, got, want)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
}
