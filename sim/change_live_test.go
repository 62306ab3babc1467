package sim_test

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/sim"
)

// The scenarios the change tests run: per service, a small pipeline whose
// node "x" is of that service, sized so that its settings matter (a
// consumer short of capacity, a stream that throttles). A service of the
// catalog without one fails the test.
var changeFixtures = map[pipeline.ServiceName]string{
	pipeline.ProducerService: `
producers:
  - {id: x, rate: 1500/s, record_size: 1KiB, retries: {max: 3, backoff: 100ms}, to: [s]}
storage:
  - {id: s, service: kinesis-data-streams, shards: 1}
consumers:
  - {id: c, service: app, from: s, instances: 1, to: [lake]}
destinations:
  - {id: lake, service: s3}`,
	pipeline.KinesisDataStreams: `
producers:
  - {id: p, rate: 1500/s, record_size: 1KiB, to: [x]}
storage:
  - {id: x, service: kinesis-data-streams, shards: 1}
consumers:
  - {id: c, service: app, from: x, instances: 1, capacity: 1000/s, to: [lake]}
destinations:
  - {id: lake, service: s3}`,
	pipeline.MSK: `
producers:
  - {id: p, rate: 20000/s, record_size: 1KiB, to: [x]}
storage:
  - {id: x, service: msk, brokers: 3, broker_type: kafka.t3.small, partitions: 4, replication: 2}
consumers:
  - {id: c, service: app, from: x, instances: 1, capacity: 15000/s, to: [lake]}
destinations:
  - {id: lake, service: s3}`,
	pipeline.MSKServerless: `
producers:
  - {id: p, rate: 12000/s, record_size: 1KiB, keys: {dist: uniform, count: 100}, to: [x]}
storage:
  - {id: x, service: msk-serverless, partitions: 2}
consumers:
  - {id: c, service: app, from: x, instances: 1, capacity: 8000/s, to: [lake]}
destinations:
  - {id: lake, service: s3}`,
	pipeline.KinesisVideoStreams: `
producers:
  - {id: p, rate: 8/s, record_size: 1MiB, to: [x]}
storage:
  - {id: x, service: kinesis-video-streams, streams: 1}
consumers:
  - {id: c, service: app, from: x, instances: 1, to: [lake]}
destinations:
  - {id: lake, service: s3}`,
	pipeline.Firehose: `
producers:
  - {id: p, rate: 1500/s, record_size: 1KiB, to: [s]}
storage:
  - {id: s, service: kinesis-data-streams, shards: 2}
consumers:
  - {id: x, service: firehose, from: s, buffer: {size: 5MiB, interval: 60s}, transform: {lambda: true, duration: 100ms}, to: [lake]}
destinations:
  - {id: lake, service: s3}`,
	pipeline.Flink: `
producers:
  - {id: p, rate: 3000/s, record_size: 1KiB, to: [s]}
storage:
  - {id: s, service: kinesis-data-streams, shards: 4}
consumers:
  - {id: x, service: flink, from: s, kpus: 1, checkpoint: 60s, to: [lake]}
destinations:
  - {id: lake, service: s3}`,
	pipeline.GlueStreaming: `
producers:
  - {id: p, rate: 3000/s, record_size: 1KiB, to: [s]}
storage:
  - {id: s, service: kinesis-data-streams, shards: 4}
consumers:
  - {id: x, service: glue-streaming, from: s, workers: 1, worker_type: G.025X, window: 100s, to: [lake]}
destinations:
  - {id: lake, service: s3}`,
	pipeline.EMR: `
producers:
  - {id: p, rate: 3000/s, record_size: 1KiB, to: [s]}
storage:
  - {id: s, service: kinesis-data-streams, shards: 4}
consumers:
  - {id: x, service: emr, from: s, instances: 1, capacity: 1MiB/s, batch: 10s, to: [lake]}
destinations:
  - {id: lake, service: s3}`,
	pipeline.Lambda: `
producers:
  - {id: p, rate: 800/s, record_size: 1KiB, to: [s]}
storage:
  - {id: s, service: kinesis-data-streams, shards: 1}
consumers:
  - {id: x, service: lambda, from: s, batch_size: 100, parallelization: 1, duration: 2ms, to: [lake]}
destinations:
  - {id: lake, service: s3}`,
	pipeline.App: `
producers:
  - {id: p, rate: 3000/s, record_size: 1KiB, to: [s]}
storage:
  - {id: s, service: kinesis-data-streams, shards: 4}
consumers:
  - {id: x, service: app, from: s, instances: 1, capacity: 1MiB/s, to: [lake]}
destinations:
  - {id: lake, service: s3}`,
	pipeline.S3: `
producers:
  - {id: p, rate: 5000/s, record_size: 100B, to: [s]}
storage:
  - {id: s, service: kinesis-data-streams, shards: 8}
consumers:
  - {id: c, service: lambda, from: s, batch_size: 1, parallelization: 10, duration: 0s, to: [x]}
destinations:
  - {id: x, service: s3}`,
	pipeline.Redshift: `
producers:
  - {id: p, rate: 15000/s, record_size: 1KiB, to: [s]}
storage:
  - {id: s, service: kinesis-data-streams, shards: 16}
destinations:
  - {id: x, service: redshift, from: s, nodes: 2}`,
	pipeline.DynamoDB: `
producers:
  - {id: p, rate: 1500/s, record_size: 1KiB, to: [s]}
storage:
  - {id: s, service: kinesis-data-streams, shards: 2}
consumers:
  - {id: c, service: app, from: s, instances: 1, to: [x]}
destinations:
  - {id: x, service: dynamodb, wcu: 1000}`,
	pipeline.OpenSearch: `
producers:
  - {id: p, rate: 3000/s, record_size: 4KiB, to: [s]}
storage:
  - {id: s, service: kinesis-data-streams, shards: 16}
consumers:
  - {id: c, service: app, from: s, instances: 4, to: [x]}
destinations:
  - {id: x, service: opensearch, instances: 1, instance_type: t3.medium.search}`,
}

// changeVariants replace a service's fixture for keys that only matter
// with other settings: a producer's pattern keys need their shape, a
// Lambda's retries a poison record to retry.
var changeVariants = map[string]string{
	"producer.record_size.max": strings.Replace(strings.Replace(changeFixtures[pipeline.ProducerService],
		"record_size: 1KiB", "record_size: {mean: 20KiB, max: 24KiB, dist: lognormal}", 1), "rate: 1500/s", "rate: 40/s", 1),
	"producer.keys.count":     withKeys("{dist: zipf, count: 10, skew: 1.1}"),
	"producer.keys.skew":      withKeys("{dist: zipf, count: 10, skew: 1.1}"),
	"producer.keys.fraction":  withKeys("{dist: hot, count: 100, fraction: 40%}"),
	"lambda.batch_window":     strings.Replace(changeFixtures[pipeline.Lambda], "rate: 800/s", "rate: 10/s", 1),
	"producer.pattern.peak":   withPattern("{shape: diurnal, peak: 3x, period: 20m}"),
	"producer.pattern.period": withPattern("{shape: diurnal, peak: 3x, period: 20m}"),
	"producer.pattern.to":     withPattern("{shape: ramp, to: 3000/s, over: 10m}"),
	"producer.pattern.over":   withPattern("{shape: ramp, to: 3000/s, over: 10m}"),
	"producer.pattern.at":     withPattern("{shape: spike, at: 12m, for: 2m, factor: 3}"),
	"producer.pattern.for":    withPattern("{shape: spike, at: 12m, for: 2m, factor: 3}"),
	"producer.pattern.factor": withPattern("{shape: spike, at: 12m, for: 2m, factor: 3}"),
	"producer.pattern.every":  withPattern("{series: [500/s, 3000/s, 1000/s], every: 1m}"),
	"lambda.retries": strings.Replace(changeFixtures[pipeline.Lambda],
		"duration: 2ms,", "duration: 2ms, poison_records: 1,", 1),
}

// withKeys is the producer's fixture with keys k, over four shards.
func withKeys(k string) string {
	f := strings.Replace(changeFixtures[pipeline.ProducerService], "record_size: 1KiB,", "record_size: 1KiB, keys: "+k+",", 1)
	return strings.Replace(strings.Replace(f, "shards: 1", "shards: 4", 1), "rate: 1500/s", "rate: 3000/s", 1)
}

// Every consumer's `read` is tried with five more polling readers on its
// stream: the shard's five read calls a second are then too few, and a
// reader that moves to enhanced fan-out ends the refusals.
func init() {
	for _, svc := range pipeline.ServicesAt(pipeline.Consumer) {
		if _, ok := svc.Key("read"); !ok {
			continue
		}
		var more strings.Builder
		more.WriteString("consumers:\n")
		for i := range 5 {
			fmt.Fprintf(&more, "  - {id: r%d, service: app, from: s, instances: 10, to: [lake]}\n", i)
		}
		changeVariants[string(svc.Name)+".read"] = strings.Replace(changeFixtures[svc.Name], "consumers:\n", more.String(), 1)
	}
}

func withPattern(p string) string {
	return strings.Replace(changeFixtures[pipeline.ProducerService], "record_size: 1KiB,", "record_size: 1KiB, pattern: "+p+",", 1)
}

// unsimulated are settable keys the engine does not model at all: a
// change, from the start or live, leaves every metric as it was. The test
// fails when one of them turns out to matter.
var unsimulated = map[string]string{
	"kinesis-data-streams.max_record_size": "validation compares it with record sizes; the engine passes every record",
}

const (
	changeRun = 1200.0 // seconds each run simulates
	changeAt  = 400.0  // when the live change is made
)

// TestChangesLiveAndFromStart goes through every settable key of every
// service in the catalog, twice: set before the run (as --set does), and
// set while it runs (a timeline entry, a steering key). Before the run
// every valid value is taken and must change what the run measures (unless
// the engine does not model the key at all). During the run a key the
// catalog calls live must change the run's course the way the same value
// from the start does; a key it does not is refused, with an error and an
// event, and the run goes on as if nothing was asked.
func TestChangesLiveAndFromStart(t *testing.T) {
	combos := 0
	for _, svc := range pipeline.Services() {
		if _, ok := changeFixtures[svc.Name]; !ok {
			t.Errorf("%s: no fixture in changeFixtures: add one whose node x is a %s", svc.Name, svc.Name)
			continue
		}
		for _, k := range svc.SettableKeys() {
			ref := string(svc.Name) + "." + k.Name
			combos += 2
			t.Run(ref, func(t *testing.T) { testKeyChange(t, svc, k) })
		}
	}
	t.Logf("%d combinations (service × settable key × before / during the run)", combos)
}

func changeScenario(t *testing.T, svc *pipeline.Service, key string) *pipeline.Scenario {
	t.Helper()
	body, ok := changeVariants[string(svc.Name)+"."+key]
	if !ok {
		body = changeFixtures[svc.Name]
	}
	text := fmt.Sprintf("version: 1\nname: change\nduration: %.0fs\n%s\n", changeRun, strings.TrimLeft(body, "\n"))
	sc, err := pipeline.Load("change.yaml", []byte(text))
	if err != nil {
		t.Fatalf("fixture: %v\n%s", err, text)
	}
	return sc
}

func testKeyChange(t *testing.T, svc *pipeline.Service, k pipeline.Key) {
	ref := string(svc.Name) + "." + k.Name
	base := changeScenario(t, svc, k.Name)
	a := runChange(t, base, nil, 0).metrics
	cur, _ := base.Node("x").Param(k.Name)

	// Before the run: the first candidate value that is valid and changes
	// the run (or, for a key the engine does not model, the first valid one).
	var val pipeline.Value
	var c map[string]float64
	var tried []string
	for _, v := range candidates(svc, k, cur) {
		sc := base.Clone()
		if _, err := sc.ApplyChange(change(k.Name, v), pipeline.ChangeOptions{}); err != nil {
			t.Fatalf("before the run, %s = %s: %v", k.Name, v, err)
		}
		if ps := sc.Validate(); len(ps) > 0 {
			tried = append(tried, v.String()+" (invalid: "+ps[0].Error()+")")
			continue
		}
		got := runChange(t, sc, nil, 0).metrics
		tried = append(tried, v.String())
		if _, skip := unsimulated[ref]; skip || len(differ(a, got)) > 0 {
			val, c = v, got
			break
		}
	}
	if c == nil {
		if len(tried) == 0 {
			// An enum of one member (Firehose reads by polling only):
			// setting it, live too, is taken and changes nothing.
			var err error
			b := runChange(t, base, &pipeline.Change{Set: []pipeline.Assignment{{Node: "x", Key: k.Name, Value: cur}}}, changeAt, &err)
			if err != nil || len(differ(a, b.metrics)) > 0 {
				t.Fatalf("%s has no other value than %s; setting it live: %v, changed %v", k.Name, cur, err, differ(a, b.metrics))
			}
			return
		}
		t.Fatalf("before the run: no value of %s changes the run (tried %s): make the fixture sensitive to it, or list it in unsimulated",
			k.Name, strings.Join(tried, ", "))
	}
	diffAC := differ(a, c)
	t.Logf("%s = %s (was %s) changes %d metrics from the start", k.Name, val, cur, len(diffAC))
	if why, ok := unsimulated[ref]; ok {
		if len(diffAC) > 0 {
			t.Fatalf("%s is listed as not simulated (%s) but %s = %s from the start changes %v", ref, why, k.Name, val, diffAC)
		}
	}

	// During the run.
	var applyErr error
	b := runChange(t, base, &pipeline.Change{Set: []pipeline.Assignment{{Node: "x", Key: k.Name, Value: val}}}, changeAt, &applyErr)
	if !k.Live() {
		var ce *pipeline.ChangeError
		if !errors.As(applyErr, &ce) || !ce.Refused() || !strings.Contains(applyErr.Error(), "cannot change while the pipeline runs") {
			t.Fatalf("live %s = %s: want a refusal, got %v", k.Name, val, applyErr)
		}
		if d := differ(a, b.metrics); len(d) > 0 {
			t.Errorf("a refused change changed the run: %v", d)
		}
		if !slices.ContainsFunc(b.events, func(e sim.Event) bool { return strings.Contains(e.Text, "refused") }) {
			t.Errorf("the refusal is not an event of the run: %v", b.events)
		}
		return
	}
	if applyErr != nil {
		t.Fatalf("live %s = %s: %v", k.Name, val, applyErr)
	}
	diffAB := differ(a, b.metrics)
	if len(diffAC) == 0 {
		if len(diffAB) > 0 {
			t.Errorf("%s is not simulated from the start, but live it changes %v", k.Name, diffAB)
		}
		return
	}
	if onlyCost(diffAC) {
		// The key sets a price only: the live change must reach it.
		if len(diffAB) == 0 {
			t.Fatalf("live %s = %s changed nothing; from the start it changes %v", k.Name, val, diffAC)
		}
	} else if d := withoutCost(diffAB); len(d) == 0 {
		t.Fatalf("live %s = %s was ignored: no metric but the price moved (%v); from the start it changes %v", k.Name, val, diffAB, diffAC)
	}
	// Where the run from the start moved a metric, the live change moves
	// at least one of them the same way.
	for _, m := range diffAC {
		if sign(c[m]-a[m]) == sign(b.metrics[m]-a[m]) {
			return
		}
	}
	t.Errorf("live %s = %s moved %v, none the way the value from the start does (%v)", k.Name, val, diffAB, diffAC)
}

func change(key string, v pipeline.Value) pipeline.Change {
	return pipeline.Change{Set: []pipeline.Assignment{{Node: "x", Key: key, Value: v}}}
}

type changeResult struct {
	metrics map[string]float64
	events  []sim.Event
}

// runChange runs sc; with c, it makes c at `at` seconds through
// Engine.Apply and stores Apply's error in errp[0].
func runChange(t *testing.T, sc *pipeline.Scenario, c *pipeline.Change, at float64, errp ...*error) changeResult {
	t.Helper()
	e, err := sim.New(sc)
	if err != nil {
		t.Fatal(err)
	}
	if c != nil {
		for e.Now().Seconds() < at-1e-9 {
			e.Step()
		}
		*errp[0] = e.Apply(*c)
	}
	e.RunToEnd()
	r := e.Result()
	return changeResult{metrics: r.Metrics, events: e.Events()}
}

// candidates are values of k to try instead of cur, valid by the catalog:
// the other members of an enum, or double, half, the maximum and the
// minimum of a number, in that order.
func candidates(svc *pipeline.Service, k pipeline.Key, cur pipeline.Value) []pipeline.Value {
	var out []pipeline.Value
	if k.Kind == pipeline.KindEnum {
		for _, s := range k.Enum {
			if s != cur.Str {
				v := cur
				v.Kind, v.Str = pipeline.KindEnum, s
				out = append(out, v)
			}
		}
		return checked(svc, k, out)
	}
	if cur.Kind != k.Kind { // no default: start from the kind's zero
		cur = pipeline.Value{Kind: k.Kind}
	}
	x := cur.Num
	for _, y := range []float64{2 * x, x / 2, x + 1, k.Max, k.Min} {
		if k.Kind == pipeline.KindInt {
			y = math.Round(y)
		}
		if y == x {
			continue
		}
		out = append(out, withNum(cur, y))
	}
	return checked(svc, k, out)
}

func checked(svc *pipeline.Service, k pipeline.Key, vs []pipeline.Value) []pipeline.Value {
	var out []pipeline.Value
	for _, v := range vs {
		if pipeline.CheckParam(svc, k.Name, v) == nil {
			out = append(out, v)
		}
	}
	return out
}

// withNum is v with the amount x in base units.
func withNum(v pipeline.Value, x float64) pipeline.Value {
	v.Num = x
	switch v.Kind {
	case pipeline.KindDuration:
		v.Dur = time.Duration(x * float64(time.Second))
	case pipeline.KindRate:
		v.Rate.PerSec = x
	}
	v.Set = true
	return v
}

// differ lists the metrics that are not the same in a and b, sorted.
func differ(a, b map[string]float64) []string {
	var out []string
	for k, x := range a {
		if y, ok := b[k]; !ok || !same(x, y) {
			out = append(out, k)
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

func same(x, y float64) bool {
	if math.IsNaN(x) || math.IsNaN(y) {
		return math.IsNaN(x) == math.IsNaN(y)
	}
	return math.Abs(x-y) <= 1e-9*max(1, math.Abs(x), math.Abs(y))
}

func isCost(m string) bool { return strings.HasSuffix(m, ".cost_monthly") }

func onlyCost(ms []string) bool { return len(withoutCost(ms)) == 0 }

func withoutCost(ms []string) []string {
	var out []string
	for _, m := range ms {
		if !isCost(m) {
			out = append(out, m)
		}
	}
	return out
}

func sign(x float64) int {
	switch {
	case x > 1e-9:
		return 1
	case x < -1e-9:
		return -1
	}
	return 0
}

// A consumer that moves to enhanced fan-out while the run goes on leaves
// the shard's reads to the others: with six polling readers on each shard,
// reads are refused for the five calls a second and the shared 2 MB/s;
// once one of them moves, fewer are.
func TestReadModeChangesLive(t *testing.T) {
	sc := changeScenario(t, mustService(t, pipeline.App), "read")
	e, err := sim.New(sc)
	if err != nil {
		t.Fatal(err)
	}
	e.Advance(300)
	before := e.Result().Metrics["s.read_throttled"]
	if before <= 0 {
		t.Fatalf("six polling readers: no read call refused (%v)", before)
	}
	v, err := sc.ParseAssignment("x.read", "enhanced-fan-out")
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Apply(pipeline.Change{Set: []pipeline.Assignment{v}}); err != nil {
		t.Fatal(err)
	}
	e.Advance(300)
	if after := e.Result().Metrics["s.read_throttled"] - before; after >= before {
		t.Errorf("reads refused in the 5 minutes before x moved to enhanced fan-out: %v; in the 5 after: %v", before, after)
	}
}

// Lambda's retries changed while a poison record blocks a shard: with -1
// the shard waits for the record to expire; with 2 the failing batch is
// tried three times in all, counted from when it began, then discarded,
// and the shard reads again.
func TestLambdaRetriesChangeLive(t *testing.T) {
	sc := changeScenario(t, mustService(t, pipeline.Lambda), "retries")
	e, err := sim.New(sc)
	if err != nil {
		t.Fatal(err)
	}
	e.Advance(300)
	m := e.Result().Metrics
	if m["x.records_out"] > 0 || m["x.lost_records"] > 0 {
		t.Fatalf("the poison record does not block the shard: %v out, %v lost", m["x.records_out"], m["x.lost_records"])
	}
	a, err := sc.ParseAssignment("x.retries", "2")
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Apply(pipeline.Change{Set: []pipeline.Assignment{a}}); err != nil {
		t.Fatal(err)
	}
	e.Advance(300)
	m = e.Result().Metrics
	if m["x.lost_records"] != 100 {
		t.Errorf("lost %v records, want the failed batch of 100 discarded", m["x.lost_records"])
	}
	if m["x.records_out"] <= 0 {
		t.Errorf("the shard does not read again after the batch is discarded")
	}
	// Lambda invoked the failing batch about once a second until the
	// change: those attempts stay counted, and no more are added.
	if got := m["x.failed_batches"]; got < 299 || got > 302 {
		t.Errorf("failed batches %v, want the ~300 made before the change", got)
	}
}

func mustService(t *testing.T, name pipeline.ServiceName) *pipeline.Service {
	t.Helper()
	s, ok := pipeline.LookupService(string(name))
	if !ok {
		t.Fatalf("no service %s", name)
	}
	return s
}

// A timeline `set` of a key the running pipeline cannot take is refused as
// an event, and the rest of the entry is made.
func TestTimelineRefusalIsAnEvent(t *testing.T) {
	sc := changeScenario(t, mustService(t, pipeline.ProducerService), "keys.count")
	count, err := sc.ParseAssignment("x.keys.count", "50")
	if err != nil {
		t.Fatal(err)
	}
	rate, err := sc.ParseAssignment("x.rate", "2000/s")
	if err != nil {
		t.Fatal(err)
	}
	sc.Timeline = []pipeline.Change{{At: 5 * time.Minute, Set: []pipeline.Assignment{count, rate}}}
	r, err := sim.Run(sc)
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, ev := range r.Events {
		texts = append(texts, ev.Node+": "+ev.Text)
	}
	got := strings.Join(texts, "\n")
	for _, want := range []string{
		"x: set keys.count = 50 refused: keys.count cannot change while the pipeline runs (a producer's partition keys are drawn when the run starts)",
		"x: set rate = 2000/s",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("events lack %q:\n%s", want, got)
		}
	}
}
