package sim_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/streamsim/streamsim/sim"
)

// writesBetween steps e and returns, for each [from, to) window in seconds,
// the records node id took per second in it (its records_in).
func writesBetween(t *testing.T, e *sim.Engine, id string, windows ...[2]float64) []float64 {
	t.Helper()
	out := make([]float64, len(windows))
	in := func() float64 { return e.Result().Metrics[id+".records_in"] }
	for i, w := range windows {
		for e.Now().Seconds() < w[0] && !e.Done() {
			e.Step()
		}
		start := in()
		for e.Now().Seconds() < w[1] && !e.Done() {
			e.Step()
			if err := e.CheckInvariants(); err != nil {
				t.Fatal(err)
			}
		}
		out[i] = (in() - start) / (w[1] - w[0])
	}
	return out
}

// ddbScenario: a producer at `rate` into one shard-rich stream, an app that
// writes every record as one item of 500 B into an on-demand table, and a
// timeline of load changes. The keys are spread so that no partition binds.
func ddbScenario(rate string, mode string, timeline string) string {
	return fmt.Sprintf(`version: 1
name: ddb-clock
duration: 90m
producers:
  - {id: p, rate: %s, record_size: 500B, keys: {dist: uniform, count: 1000000}, to: [s]}
storage:
  - {id: s, service: kinesis-data-streams, shards: 40, retention: 24h}
consumers:
  - {id: c, service: app, from: s, instances: 20, to: [t]}
destinations:
  - {id: t, service: dynamodb, %s}
timeline:
%s`, rate, mode, timeline)
}

func newEngine(t *testing.T, src string) *sim.Engine {
	t.Helper()
	e, err := sim.New(load(t, src))
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func within(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if math.Abs(got-want) > tol*want {
		t.Errorf("%s: %.0f writes/s, want %.0f ± %.0f%%", what, got, want, tol*100)
	}
}

// DDB-ONDEMAND-SCALING: a table that ran at 3,000 writes/s serves 6,000 at
// once when the load jumps to 8,000, throttles the rest for 30 minutes, and
// then serves twice the 6,000 it was held at, so the backlog drains.
func TestDynamoDBOnDemandStepUp(t *testing.T) {
	e := newEngine(t, ddbScenario("3000/s", "mode: on-demand", "  - {at: 10m, set: {p.rate: 8000/s}}\n"))
	got := writesBetween(t, e, "t", [2]float64{300, 600}, [2]float64{660, 2340}, [2]float64{4200, 5400})
	within(t, "before the jump", got[0], 3000, 0.02)
	within(t, "the 30 minutes after the jump (2 × the 3,000 peak)", got[1], 6000, 0.02)
	within(t, "after the 30 minutes, backlog drained", got[2], 8000, 0.02)
}

// DDB-ONDEMAND-SCALING within the headroom: 3,000 → 5,500 writes/s is under
// twice the previous peak and never throttles; a peak then stays after the
// load falls, so 1,000 → 10,000 (under 2 × 5,500) is served at once too.
func TestDynamoDBOnDemandWithinHeadroomAndStepDown(t *testing.T) {
	tl := "  - {at: 10m, set: {p.rate: 5500/s}}\n  - {at: 20m, set: {p.rate: 1000/s}}\n  - {at: 60m, set: {p.rate: 10000/s}}\n"
	e := newEngine(t, ddbScenario("3000/s", "mode: on-demand", tl))
	got := writesBetween(t, e, "t", [2]float64{660, 1200}, [2]float64{1260, 3600}, [2]float64{3660, 5400})
	within(t, "3,000 → 5,500", got[0], 5500, 0.02)
	within(t, "after the drop", got[1], 1000, 0.02)
	within(t, "1,000 → 10,000 after a 5,500 peak", got[2], 10000, 0.02)
	if thr := e.Result().Metrics["t.throttled_records"]; thr > 0 {
		t.Errorf("%.0f writes throttled; every step was within twice the previous peak", thr)
	}
}

// DDB-ONDEMAND-START: a new table serves 4,000 writes/s at once, whatever
// the load, until it has been held there 30 minutes; then 8,000, which
// drains the 3.6 M held back at 2,000/s. (The timeline entry changes
// nothing; the scenario needs one.)
func TestDynamoDBOnDemandNewTable(t *testing.T) {
	e := newEngine(t, ddbScenario("6000/s", "mode: on-demand", "  - {at: 80m, set: {p.rate: 6000/s}}\n"))
	got := writesBetween(t, e, "t", [2]float64{60, 1740}, [2]float64{3000, 3600})
	within(t, "a new table", got[0], 4000, 0.02)
	within(t, "after 30 minutes at 4,000, draining", got[1], 8000, 0.02)
}

// DDB-ONDEMAND-SWITCH: a table provisioned with 10,000 WCU and switched to
// on-demand starts from a previous peak of 5,000, so 9,000 writes/s are
// served at once.
func TestDynamoDBSwitchToOnDemand(t *testing.T) {
	tl := "  - {at: 5m, set: {t.mode: on-demand}}\n  - {at: 10m, set: {p.rate: 9000/s}}\n"
	e := newEngine(t, ddbScenario("2000/s", "mode: provisioned, wcu: 10000", tl))
	got := writesBetween(t, e, "t", [2]float64{60, 300}, [2]float64{660, 1800})
	within(t, "provisioned", got[0], 2000, 0.02)
	within(t, "switched, then 9,000", got[1], 9000, 0.02)
	if thr := e.Result().Metrics["t.throttled_records"]; thr > 0 {
		t.Errorf("%.0f writes throttled after the switch", thr)
	}
}

// throttledBetween steps e and returns the stream's refused attempts in each
// [from, to) window in seconds.
func throttledBetween(t *testing.T, e *sim.Engine, id string, windows ...[2]float64) []float64 {
	t.Helper()
	out := make([]float64, len(windows))
	thr := func() float64 { return e.Result().Metrics[id+".throttled_records"] }
	for i, w := range windows {
		for e.Now().Seconds() < w[0] && !e.Done() {
			e.Step()
		}
		start := thr()
		for e.Now().Seconds() < w[1] && !e.Done() {
			e.Step()
		}
		out[i] = thr() - start
	}
	return out
}

func kdsOnDemand(rate, timeline string) string {
	return fmt.Sprintf(`version: 1
name: kds-clock
duration: 80m
producers:
  - {id: p, rate: %s, record_size: 2KiB, keys: {dist: uniform, count: 100000}, retries: {max: 0}, to: [s]}
storage:
  - {id: s, service: kinesis-data-streams, mode: on-demand}
timeline:
%s`, rate, timeline)
}

// KDS-ONDEMAND-SCALING within the headroom: a new stream at 3 MiB/s (under
// its 4 MiB/s start) has a 3 MiB/s peak after its first minute, so 5.5 MiB/s
// at 10 minutes is served at once; after a drop to 1 MiB/s the 5.5 MiB/s
// peak stays, so 10 MiB/s later is served at once too.
func TestKinesisOnDemandWithinHeadroom(t *testing.T) {
	tl := "  - {at: 10m, set: {p.rate: 5.5MiB/s}}\n  - {at: 25m, set: {p.rate: 1MiB/s}}\n  - {at: 40m, set: {p.rate: 10MiB/s}}\n"
	e := newEngine(t, kdsOnDemand("3MiB/s", tl))
	got := throttledBetween(t, e, "s", [2]float64{0, 4800})
	if got[0] > 0 {
		t.Errorf("%.0f records refused; every step stayed within twice the previous peak", got[0])
	}
}

// KDS-ONDEMAND-SCALING beyond the headroom: 3 → 8 MiB/s at 10 minutes is
// more than twice the 3 MiB/s peak: 6 MiB/s is served and the rest refused
// until the stream has been held at its capacity for 15 minutes; then its
// capacity is twice the 6 MiB/s it was held at.
func TestKinesisOnDemandBeyondHeadroom(t *testing.T) {
	e := newEngine(t, kdsOnDemand("3MiB/s", "  - {at: 10m, set: {p.rate: 8MiB/s}}\n"))
	got := throttledBetween(t, e, "s", [2]float64{0, 600}, [2]float64{660, 1500}, [2]float64{1740, 4800})
	if got[0] > 0 {
		t.Errorf("%.0f refused before the jump", got[0])
	}
	// 2 MiB/s of 2 KiB records over 840 s (2 KiB records, so that bytes,
	// not a shard's 1,000 records/s, bind).
	if want := 2.0 * 512 * 840; math.Abs(got[1]-want) > 0.05*want {
		t.Errorf("%.0f refused in the 15 minutes after the jump, want about %.0f (2 MiB/s over 6 MiB/s)", got[1], want)
	}
	if got[2] > 0 {
		t.Errorf("%.0f refused after 15 minutes at the limit", got[2])
	}
}

// KDS-MODE-SWITCHES, a restart from a switched mode: a provisioned stream of
// 10 shards switched to on-demand keeps its 10 MiB/s, so 9 MiB/s is served.
func TestKinesisSwitchToOnDemandKeepsShards(t *testing.T) {
	src := `version: 1
name: kds-switch
duration: 30m
producers:
  - {id: p, rate: 2MiB/s, record_size: 1KiB, keys: {dist: uniform, count: 100000}, retries: {max: 0}, to: [s]}
storage:
  - {id: s, service: kinesis-data-streams, shards: 10}
timeline:
  - {at: 5m, set: {s.mode: on-demand}}
  - {at: 10m, set: {p.rate: 9MiB/s}}
`
	e := newEngine(t, src)
	if got := throttledBetween(t, e, "s", [2]float64{0, 1800}); got[0] > 0 {
		t.Errorf("%.0f refused after switching 10 shards to on-demand", got[0])
	}
}

// FLINK-AUTOSCALING, walked: 2 KPUs (4 MiB/s). 80% CPU for 10 minutes is
// not 15 and scales nothing; 87.5% from 20m doubles the KPUs 15 minutes
// later; 2.5% from 60m halves them after 6 hours, back to the configured 2
// and never below.
func TestFlinkAutoscalingClock(t *testing.T) {
	src := `version: 1
name: flink-clock
duration: 8h
tick: 10s
producers:
  - {id: p, rate: 3.2MiB/s, record_size: 1KiB, keys: {dist: uniform, count: 100000}, to: [s]}
storage:
  - {id: s, service: kinesis-data-streams, shards: 8}
consumers:
  - {id: f, service: flink, from: s, kpus: 2, autoscaling: true, checkpoint: 0s, read: enhanced-fan-out, to: [lake]}
destinations:
  - {id: lake, service: s3}
timeline:
  - {at: 10m, set: {p.rate: 2MiB/s}}
  - {at: 20m, set: {p.rate: 3.5MiB/s}}
  - {at: 60m, set: {p.rate: 0.2MiB/s}}
`
	e, _ := runChecked(t, load(t, src))
	var got []string
	var at []float64
	for _, ev := range e.Events() {
		if strings.Contains(ev.Text, "autoscaling") {
			got = append(got, ev.At.String()+" "+ev.Text)
			at = append(at, ev.At.Minutes())
		}
	}
	if len(at) != 2 || at[0] < 35 || at[0] > 37 || at[1] < 420 || at[1] > 422 ||
		!strings.Contains(got[0], "2 → 4") || !strings.Contains(got[1], "4 → 2") {
		t.Errorf("autoscaling events %q, want 2 → 4 at 35–37 min and 4 → 2 at 7h00–7h02", got)
	}
}

// eventsMatching lists the engine's events for node id whose text holds s.
func eventsMatching(e *sim.Engine, id, s string) []string {
	var out []string
	for _, ev := range e.Events() {
		if ev.Node == id && strings.Contains(ev.Text, s) {
			out = append(out, ev.At.String()+" "+ev.Text)
		}
	}
	return out
}

// KDS-MODE-SWITCHES, restarts from a switched mode: a stream of 4 shards
// at 3 MiB/s switched to on-demand keeps 4 MiB/s and a minute later has
// twice its 3 MiB/s peak, 6 MiB/s (6 shards); switched back to provisioned
// it keeps those 6 shards. A third switch within 24 h is refused, so
// 8 MiB/s at 20 minutes meets 6 provisioned shards (KDS-SHARD-WRITE), and
// no on-demand growth.
func TestKinesisModeSwitchesPerDay(t *testing.T) {
	src := `version: 1
name: kds-switches
duration: 40m
producers:
  - {id: p, rate: 3MiB/s, record_size: 2KiB, keys: {dist: uniform, count: 100000}, retries: {max: 0}, to: [s]}
storage:
  - {id: s, service: kinesis-data-streams, shards: 4}
timeline:
  - {at: 5m, set: {s.mode: on-demand}}
  - {at: 10m, set: {s.mode: provisioned}}
  - {at: 15m, set: {s.mode: on-demand}}
  - {at: 20m, set: {p.rate: 8MiB/s}}
`
	e := newEngine(t, src)
	got := writesBetween(t, e, "s", [2]float64{60, 1200}, [2]float64{1260, 2400})
	within(t, "3 MiB/s through two switches", got[0], 3*512, 0.02)
	within(t, "8 MiB/s on 6 provisioned shards", got[1], 6*512, 0.03)
	if ev := eventsMatching(e, "s", "refused"); len(ev) != 1 {
		t.Errorf("events %q, want the third switch refused", ev)
	}
}

// KDS-ONDEMAND-SCALING across a round trip to provisioned: capacity covers
// twice the peak of the previous 30 days, whatever the mode in between. An
// on-demand stream that ran at 5.5 MiB/s (capacity 11 MiB/s) is switched to
// provisioned (its 11 shards carry over), resharded to 6, and switched back
// to on-demand: its 5.5 MiB/s peak still counts, so 10 MiB/s is served at
// once.
func TestKinesisOnDemandPeakSurvivesSwitch(t *testing.T) {
	src := `version: 1
name: kds-round-trip
duration: 60m
producers:
  - {id: p, rate: 3MiB/s, record_size: 2KiB, keys: {dist: uniform, count: 100000}, retries: {max: 0}, to: [s]}
storage:
  - {id: s, service: kinesis-data-streams, mode: on-demand}
timeline:
  - {at: 5m, set: {p.rate: 5.5MiB/s}}
  - {at: 15m, set: {p.rate: 2MiB/s}}
  - {at: 16m, set: {s.mode: provisioned}}
  - {at: 20m, set: {s.shards: 6}}
  - {at: 35m, set: {s.mode: on-demand}}
  - {at: 40m, set: {p.rate: 10MiB/s}}
`
	e := newEngine(t, src)
	got := throttledBetween(t, e, "s", [2]float64{0, 2400}, [2]float64{2400, 3600})
	if got[0] > 0 {
		t.Errorf("%.0f refused before 40 min; every step was within the capacity", got[0])
	}
	if got[1] > 0 {
		t.Errorf("%.0f refused at 10 MiB/s after the round trip; the 5.5 MiB/s peak gives 11 MiB/s", got[1])
	}
}

// DDB-ONDEMAND-SWITCH and DDB-ONDEMAND-SCALING across a round trip: an
// on-demand table that served 5,500 writes/s (within twice its 3,000 peak,
// so 5,500 is its new peak) is switched to provisioned with 3,000 WCU
// (held to 3,000; the stream keeps the rest), then back to on-demand: the
// 5,500 peak still counts, so the table drains at 11,000 and then serves
// 10,000 writes/s at once.
func TestDynamoDBOnDemandPeakSurvivesSwitch(t *testing.T) {
	tl := "  - {at: 2m, set: {p.rate: 5500/s}}\n" +
		"  - {at: 10m, set: {t.mode: provisioned, t.wcu: 3000}}\n" +
		"  - {at: 20m, set: {t.mode: on-demand}}\n" +
		"  - {at: 30m, set: {p.rate: 10000/s}}\n"
	e := newEngine(t, ddbScenario("3000/s", "mode: on-demand", tl))
	got := writesBetween(t, e, "t", [2]float64{180, 600}, [2]float64{660, 1200},
		[2]float64{1260, 1380}, [2]float64{1860, 3600})
	within(t, "on-demand at 5,500", got[0], 5500, 0.02)
	within(t, "provisioned 3,000 WCU", got[1], 3000, 0.02)
	within(t, "back on demand, draining at 2 × 5,500", got[2], 11000, 0.02)
	within(t, "10,000 after the round trip", got[3], 10000, 0.02)
}

// DDB-MODE-SWITCHES: a table may switch from provisioned to on-demand at
// most four times in 24 hours; the fifth is refused and the table stays
// provisioned.
func TestDynamoDBModeSwitchesPerDay(t *testing.T) {
	var tl strings.Builder
	for i := 0; i < 5; i++ {
		fmt.Fprintf(&tl, "  - {at: %dm, set: {t.mode: on-demand}}\n  - {at: %dm, set: {t.mode: provisioned}}\n", 5+10*i, 10+10*i)
	}
	tl.WriteString("  - {at: 55m, set: {t.mode: on-demand}}\n  - {at: 60m, set: {p.rate: 3000/s}}\n")
	e := newEngine(t, ddbScenario("1000/s", "mode: provisioned, wcu: 2000", tl.String()))
	got := writesBetween(t, e, "t", [2]float64{3900, 5400})
	// The fifth switch (45 min) is refused; so is the one at 55 min. The
	// table stays at its 2,000 WCU.
	within(t, "3,000 writes/s on a table that stayed provisioned", got[0], 2000, 0.02)
	if ev := eventsMatching(e, "t", "refused"); len(ev) != 2 {
		t.Errorf("events %q, want the fifth and sixth switches refused", ev)
	}
}

// FLINK-AUTOSCALING restarted from a changed configuration: an application
// autoscaled from 2 to 4 KPUs and then given 3 KPUs restarts its clock at
// 3 (the new floor): 15 more minutes at ≥ 75% CPU double it to 6.
func TestFlinkAutoscalingRestart(t *testing.T) {
	src := `version: 1
name: flink-restart
duration: 2h
tick: 10s
producers:
  - {id: p, rate: 3.5MiB/s, record_size: 1KiB, keys: {dist: uniform, count: 100000}, to: [s]}
storage:
  - {id: s, service: kinesis-data-streams, shards: 12}
consumers:
  - {id: f, service: flink, from: s, kpus: 2, autoscaling: true, checkpoint: 0s, read: enhanced-fan-out, to: [lake]}
destinations:
  - {id: lake, service: s3}
timeline:
  - {at: 30m, set: {f.kpus: 3}}
  - {at: 40m, set: {p.rate: 5MiB/s}}
`
	e, _ := runChecked(t, load(t, src))
	var at []float64
	var got []string
	for _, ev := range e.Events() {
		if strings.Contains(ev.Text, "autoscaling") {
			got = append(got, ev.At.String()+" "+ev.Text)
			at = append(at, ev.At.Minutes())
		}
	}
	// 3.5 of 4 MiB/s is 87.5%: 2 → 4 after 15 min. At 30 min the
	// application restarts with 3 KPUs (3.5 of 6: 58%, no scaling); at 40
	// min 5 of 6 MiB/s is 83%: 3 → 6 at 55 min.
	if len(at) != 2 || at[0] < 15 || at[0] > 17 || at[1] < 55 || at[1] > 57 ||
		!strings.Contains(got[0], "2 → 4") || !strings.Contains(got[1], "3 → 6") {
		t.Errorf("autoscaling events %q, want 2 → 4 at 15–17 min and 3 → 6 at 55–57 min", got)
	}
}

// MSK Serverless has no adaptive clock: AWS publishes fixed quotas
// (MSK-SERVERLESS-PARTITION: 5 MB/s in and 10 MB/s out per partition;
// MSK-SERVERLESS-THROUGHPUT: 200 MB/s in and 400 MB/s out per cluster) and
// throttles beyond them. Held above every cap for two hours, the cluster
// serves the same in its last ten minutes as in its first.
func TestMSKServerlessCapsStayFixed(t *testing.T) {
	cases := []struct {
		name          string
		parts, groups int
		rate          float64 // MB/s written
		in, out       float64 // MB/s accepted, MB/s each group reads
	}{
		{"one partition: 5 MB/s in", 1, 1, 8, 5, 5},
		{"60 partitions: 200 MB/s in", 60, 1, 260, 200, 200},
		{"one partition, three groups: 10 MB/s out", 1, 3, 4, 4, 10.0 / 3},
		{"50 partitions, three groups: 400 MB/s out", 50, 3, 180, 180, 400.0 / 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var b strings.Builder
			fmt.Fprintf(&b, "version: 1\nname: msk-fixed\nduration: 2h\ntick: 5s\nproducers:\n  - {id: p, rate: %gMB/s, record_size: 1MB, keys: {dist: random}, retries: {max: 0}, to: [s]}\n", c.rate)
			fmt.Fprintf(&b, "storage:\n  - {id: s, service: msk-serverless, partitions: %d}\nconsumers:\n", c.parts)
			for g := 0; g < c.groups; g++ {
				fmt.Fprintf(&b, "  - {id: g%d, service: app, from: s, instances: 100}\n", g)
			}
			b.WriteString("timeline:\n  - {at: 1h, set: {p.rate: " + fmt.Sprintf("%gMB/s", c.rate) + "}}\n")
			e := newEngine(t, b.String())
			first, last := [2]float64{600, 1200}, [2]float64{6600, 7200}
			in := writesBetween(t, e, "s", first, last)
			e = newEngine(t, b.String())
			out := writesBetween(t, e, "g0", first, last)
			for i, w := range []string{"first", "last"} {
				within(t, w+" ten minutes in (MB/s)", in[i], c.in, 0.02)
				within(t, w+" ten minutes out per group (MB/s)", out[i], c.out, 0.03)
			}
		})
	}
}
