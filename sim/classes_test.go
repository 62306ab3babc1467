package sim_test

import (
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/streamsim/streamsim/pipeline"
)

var soak = flag.Int("soak", 0, "cases per cell of the consumer table (default: 2, 1 with -short or -race)")

// TestConsumerTable runs every consumer kind × read mode × capacity unit ×
// fault against the closed form (closedform_test.go) over random rates, sizes
// and unit counts, checking conservation every tick. `-soak N` runs N cases per
// cell instead of two.
//
// Bounds, and why: the engine moves whole ticks (1 s) and a fault starts and
// ends on a tick, so counts may differ by three ticks of input and ages by
// three seconds; polling adds 0.2–1 s of propagation delay to the age; a
// consumer pushed back by its destination reads one more tick before it
// stops, and a Lambda one more batch's run. Past those, 2%.
func TestConsumerTable(t *testing.T) {
	per := 2
	if testing.Short() || raceEnabled {
		per = 1
	}
	if *soak > 0 {
		per = *soak
	}
	r := rand.New(rand.NewPCG(11, 17))
	cases := 0
	for _, store := range flowStores {
		for _, kind := range flowKinds {
			for _, capUnit := range flowCaps {
				for _, fault := range flowFaults {
					for _, efo := range []bool{false, true} {
						if efo && (store != "kinesis-data-streams" || kind == "firehose") {
							continue // Firehose reads by polling only (FH-KDS-POLLING)
						}
						for i := 0; i < per; i++ {
							c := genFlowCase(r, store, kind, capUnit, fault, efo)
							checkFlow(t, c)
							cases++
						}
					}
				}
			}
		}
	}
	t.Logf("%d cases", cases)
}

func checkFlow(t *testing.T, c flowCase) {
	t.Helper()
	src := c.yaml()
	sc, err := pipeline.Load("flow.yaml", []byte(src))
	if err != nil {
		t.Fatalf("%v: %v\n%s", c, err, src)
	}
	defer func() {
		if t.Failed() {
			t.Logf("case: %v", c)
		}
	}()
	_, m := runChecked(t, sc)
	want := c.answer()
	slackN := 3 * c.rate
	slackAge := 3.0
	if c.mode == "polling" {
		slackAge += 1
	}
	if c.fault == "refusal" {
		slackN += 2 * want.read
		if c.kind == "lambda" {
			// A batch running when the refusal starts still delivers: the
			// consumer stops up to one batch's run later.
			run := float64(c.lambda.batch) * c.lambda.dur
			slackAge += run
			slackN += run * c.rate
		}
	}
	check := func(what string, got, want, slack float64) {
		t.Helper()
		if math.Abs(got-want) > slack+0.02*math.Abs(want) {
			t.Errorf("%v\n  %s = %.6g, closed form %.6g (±%.3g + 2%%)", c, what, got, want, slack)
		}
	}
	check("records read", m["c.records_in"], want.readEnd, slackN)
	check("lag at the end", m["c.lag_records"], want.lagEnd, slackN)
	check("peak iterator age", m["c.iterator_age_max"], want.ageMax, slackAge)
	if m["s.lost_records"] > 0 || m["p.lost_records"] > 0 {
		t.Errorf("%v: lost %v / %v", c, m["s.lost_records"], m["p.lost_records"])
	}
}

// TestOutageCatchUp is the worked case: one shard, 500 records/s of
// 500 B, an app with capacity 600/s down for 5 minutes at minute 10 of 30.
// The backlog of 150,000 drains at 100/s: 60,000 left at the end, and the
// iterator age peaks at the outage's 300 s.
func TestOutageCatchUp(t *testing.T) {
	src := `version: 1
name: outage
duration: 30m
producers:
  - {id: p, rate: 500/s, record_size: 500B, to: [s]}
storage:
  - {id: s, service: kinesis-data-streams, shards: 1}
consumers:
  - {id: c, service: app, from: s, capacity: 600/s}
timeline:
  - {at: 10m, fail: c, for: 5m}
`
	_, m := runChecked(t, load(t, src))
	if lag := m["c.lag_records"]; math.Abs(lag-60000) > 0.02*60000 {
		t.Errorf("lag at the end %.0f, want 60,000 ± 2%%", lag)
	}
	if age := m["c.iterator_age_max"]; math.Abs(age-300) > 0.02*300 {
		t.Errorf("peak iterator age %.1f s, want 300 s ± 2%%", age)
	}
}

// TestManyReaders: readers past the eighth get their share like the first
// (a fixed-size array once gave a ninth polling reader nothing).
func TestManyReaders(t *testing.T) {
	src := "version: 1\nname: many\nduration: 2m\nproducers:\n  - {id: p, rate: 500/s, record_size: 1KiB, to: [s]}\n" +
		"storage:\n  - {id: s, service: kinesis-data-streams, shards: 1}\nconsumers:\n"
	for i := 0; i < 8; i++ {
		src += fmt.Sprintf("  - {id: e%d, service: app, from: s, read: enhanced-fan-out}\n", i)
	}
	src += "  - {id: last, service: app, from: s}\n"
	_, m := runChecked(t, load(t, src))
	if got := m["last.records_in"]; math.Abs(got-60000) > 1 {
		t.Errorf("the polling reader listed ninth read %.0f of 60,000", got)
	}
}
