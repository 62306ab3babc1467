package scenarios

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/streamsim/streamsim/pipeline"
)

// A change is what a lesson step or the workshop asks the learner to do to
// the scenario.
type change func(t testing.TB, s *pipeline.Scenario)

// lessonCase applies a change from the start of the run, as a lesson step
// that says "… and run again" asks for (step), or a **Change** of the
// workshop's section (workshop: its name in extraChanges), and checks the
// effect the text promises, with numbers. The changes a lesson has the
// learner make during the run are its session's (sessions_test.go).
type lessonCase struct {
	scenario string
	step     int      // index into the scenario's lesson steps
	workshop string   // or the extraChanges name of a change docs/workshop.md asks for
	mentions []string // text the step (or the workshop's section) must contain: the key and value it asks for
	changes  []change // a lesson step's; a workshop's are extraChanges[workshop]
	want     []string // expect lines that must hold after the change
	// compare checks the run after the change against the built-in as written.
	compare func(t *testing.T, before, after map[string]float64)
	// all: every expect line of the scenario holds after the change too.
	all bool
}

// name says which case it is.
func (lc lessonCase) name() string {
	if lc.workshop != "" {
		return lc.workshop
	}
	return fmt.Sprintf("%s/step%d", lc.scenario, lc.step)
}

// apply makes the case's changes to s.
func (lc lessonCase) apply(t testing.TB, s *pipeline.Scenario) {
	t.Helper()
	changes := lc.changes
	if lc.workshop != "" {
		var ok bool
		if changes, ok = changesFor(lc.workshop); !ok {
			t.Fatalf("no extra change %q", lc.workshop)
		}
	}
	for _, ch := range changes {
		ch(t, s)
	}
}

var lessonCases = []lessonCase{
	{
		scenario: "seed-pipeline", workshop: "seed-pipeline/change 1",
		mentions: []string{"change the 30m entry to `web.rate: 4000/s`"},
		want: []string{
			"clicks.throttled_records > 100k",
			"clicks.max_shard_utilization > 100%",
			"web.retried_records > 0",
		},
	},
	{
		scenario: "seed-pipeline", workshop: "seed-pipeline/change 2",
		mentions: []string{"`clicks.shards: 8`"},
		want: []string{
			"clicks.throttled_records == 0",
			"clicks.max_shard_utilization < 70%",
			"pipeline.lost_records == 0",
			"analytics.utilization_max >= 95%",
			"analytics.iterator_age_max > 1m",
			"pipeline.latency_p99 > 3m",
		},
		compare: func(t *testing.T, before, after map[string]float64) {
			// Four more shards: 4 × $0.015 × 730 h = $43.80, plus the PUT units of the extra traffic.
			diff(t, "clicks.cost_monthly", before, after, 43.8, 200)
		},
	},
	{
		scenario: "seed-pipeline", workshop: "seed-pipeline/change 3",
		mentions: []string{"`analytics.kpus: 3`"},
		want: []string{
			"clicks.throttled_records == 0",
			"pipeline.latency_p99 < 70s",
			"analytics.lag_records == 0",
		},
		compare: func(t *testing.T, before, after map[string]float64) {
			// One more KPU: $0.11 × 730 h = $80.30, plus its running storage.
			diff(t, "analytics.cost_monthly", before, after, 80, 90)
		},
		all: true,
	},
	{
		scenario: "hot-partition-key", step: 7,
		mentions: []string{"orders.keys to {dist: random}"},
		changes:  []change{setGroup("orders.keys", "dist", "random")},
		want: []string{
			"events.throttled_records == 0",
			"events.max_shard_utilization < 60%",
			"pipeline.lost_records == 0",
			"table.throttled_records == 0",
			"pipeline.latency_p99 < 2s",
		},
	},
	{
		scenario: "retail-clickstream", workshop: "retail-clickstream/30s window",
		mentions: []string{"etl.window=30s"},
		want: []string{
			"pipeline.latency_p99 < 1m",
			"etl.lag_records == 0",
			"pipeline.lost_records == 0",
		},
		compare: func(t *testing.T, before, after map[string]float64) {
			ratio(t, "lake.objects", before, after, 3, 3.6)
		},
	},
	{
		scenario: "retail-clickstream", step: 5,
		mentions: []string{"etl.worker_type to G.025X"},
		changes:  []change{set("etl.worker_type", "G.025X")},
		want: []string{
			"etl.lag_records > 3M",
			"etl.iterator_age_max > 15m",
			"etl.utilization_max >= 99%",
		},
		compare: func(t *testing.T, before, after map[string]float64) {
			ratio(t, "etl.cost_monthly", before, after, 0.24, 0.26)
		},
	},
	{
		scenario: "fraud-detection-msk", workshop: "fraud-detection-msk/replication 1",
		mentions: []string{"payments.replication=1"},
		want: []string{
			"payments.throttled_records > 100k",
			"core-banking.lost_records > 100k",
			"pipeline.lost_records > 100k",
		},
	},
	{
		scenario: "stock-market-emr", workshop: "stock-market-emr/1 instance",
		mentions: []string{"spark.instances=1"},
		want: []string{
			"spark.iterator_age_max > 2m",
			"spark.utilization_max >= 99%",
			"spark.lag_records < 100k",
			"pipeline.lost_records == 0",
		},
	},
	{
		scenario: "stock-market-emr", step: 6,
		mentions: []string{"spark.engine to flink"},
		changes:  []change{set("spark.engine", "flink")},
		want: []string{
			"pipeline.latency_p99 < 15s",
			"pipeline.lost_records == 0",
		},
		compare: func(t *testing.T, before, after map[string]float64) {
			less(t, "pipeline.latency_p50", after, before)
		},
	},
	{
		scenario: "security-log-analytics", workshop: "security-log-analytics/10m outage",
		mentions: []string{"10m"},
		want: []string{
			"indexer.backup_records > 100k",
			"indexer.lost_records > 100k",
			"detector.lost_records == 0",
			"logs.expired_records == 0",
			"detector.lag_records == 0",
		},
	},
	{
		scenario: "iot-telemetry", step: 4,
		mentions: []string{"meters.aggregation to false"},
		changes:  []change{set("meters.aggregation", "false")},
		want: []string{
			"telemetry.throttled_records > 1M",
			"telemetry.max_shard_utilization > 160%",
			"pipeline.lost_records > 100k",
		},
	},
	{
		scenario: "video-ingestion-kvs", workshop: "video-ingestion-kvs/1 instance",
		mentions: []string{"vision.instances=1"},
		want: []string{
			"vision.lag_records > 10k",
			"vision.iterator_age_max > 10m",
			"video.expired_records == 0",
			"pipeline.lost_records == 0",
		},
	},
	{
		scenario: "firehose-buffering", workshop: "firehose-buffering/60s",
		mentions: []string{"delivery.buffer.interval=60s"},
		want: []string{
			"pipeline.latency_p99 < 70s",
			"lake.objects >= 59",
			"pipeline.lost_records == 0",
		},
	},
	{
		scenario: "firehose-buffering", step: 5,
		mentions: []string{"delivery.buffer.interval to 0s", "3,600"},
		changes:  []change{set("delivery.buffer.interval", "0s")},
		want: []string{
			"pipeline.latency_p99 < 3s",
			"lake.objects >= 3590",
		},
	},
	{
		scenario: "polling-vs-enhanced-fan-out", step: 6,
		mentions: []string{"analytics.read to\n        enhanced-fan-out"},
		changes:  []change{set("analytics.read", "enhanced-fan-out")},
		want: []string{
			"analytics.iterator_age_max < 1s",
			"analytics.lag_records == 0",
			"archive.lag_records == 0",
			"pricing.lag_records == 0",
			"pricing.iterator_age_max < 5s",
			"rides.read_throttled == 0",
		},
		compare: func(t *testing.T, before, after map[string]float64) {
			less(t, "rides.cost_monthly", before, after)
		},
	},
	{
		scenario: "provisioned-vs-on-demand", workshop: "provisioned-vs-on-demand/12 shards",
		mentions: []string{"fixed.shards=12"},
		want: []string{
			"fixed.throttled_records == 0",
			"fixed.max_shard_utilization < 100%",
		},
		compare: func(t *testing.T, before, after map[string]float64) {
			// Nine more shards: 9 × $0.015 × 730 h = $98.55, plus the PUT units of the records no longer refused.
			diff(t, "fixed.cost_monthly", before, after, 98.5, 250)
		},
	},
	{
		scenario: "lambda-poison-record", step: 5,
		mentions: []string{"validate.retries to 2", "100 orders"},
		changes:  []change{set("validate.retries", "2")},
		want: []string{
			"pipeline.lost_records == 100",
			"validate.failed_batches == 3",
			"validate.iterator_age_max < 10s",
			"validate.lag_records == 0",
		},
	},
	{
		scenario: "lambda-poison-record", step: 6,
		mentions: []string{"validate.bisect to true", "one order lost"},
		changes:  []change{set("validate.retries", "2"), set("validate.bisect", "true")},
		want: []string{
			"pipeline.lost_records == 1",
			"validate.failed_batches == 10",
			"validate.iterator_age_max < 15s",
			"validate.lag_records == 0",
		},
	},
	{
		scenario: "retention-consumer-outage", workshop: "retention-consumer-outage/7d",
		mentions: []string{"changes.retention=7d"},
		want: []string{
			"changes.expired_records == 0",
			"pipeline.lost_records == 0",
			"loader.lag_records == 0",
			"changes.iterator_age_max > 25h",
		},
		compare: func(t *testing.T, before, after map[string]float64) {
			diff(t, "changes.cost_monthly", before, after, 29, 30)
		},
	},
}

// TestLessonChanges applies each change a lesson or the workshop asks for
// and checks what the text says will happen.
func TestLessonChanges(t *testing.T) {
	sections := workshopSections(t)
	for _, lc := range lessonCases {
		t.Run(lc.name(), func(t *testing.T) {
			t.Parallel()
			s := mustLoad(t, lc.scenario)
			var say, where string
			if lc.workshop != "" {
				say, where = sections[lc.scenario], "the workshop's section"
			} else {
				if lc.step >= len(s.Lesson) {
					t.Fatalf("%s has %d lesson steps; no step %d", lc.scenario, len(s.Lesson), lc.step)
				}
				say, where = s.Lesson[lc.step].Say, fmt.Sprintf("step %d", lc.step)
			}
			for _, m := range lc.mentions {
				if !strings.Contains(strings.Join(strings.Fields(say), " "), strings.Join(strings.Fields(m), " ")) {
					t.Errorf("%s does not say %q; the test and the text disagree:\n%s", where, m, say)
				}
			}
			c := s.Clone()
			lc.apply(t, c)
			c = reload(t, c)
			after := simulate(t, c).Metrics
			for _, line := range lc.want {
				e, err := c.ParseExpect(line)
				if err != nil {
					t.Fatal(err)
				}
				u, _ := c.LookupMetric(e.Metric)
				v := after[e.Metric]
				t.Logf("%-45s %s", line, pipeline.FormatMetric(u.Unit, v))
				if !e.Holds(v) {
					t.Errorf("after the change, %q does not hold: %s = %s", line, e.Metric, pipeline.FormatMetric(u.Unit, v))
				}
			}
			if lc.all {
				for _, e := range c.Expect {
					if !e.Holds(after[e.Metric]) {
						t.Errorf("after the change, the scenario's %q does not hold: %s = %v", e.Text, e.Metric, after[e.Metric])
					}
				}
			}
			if lc.compare != nil {
				lc.compare(t, baseline(t, lc.scenario), after)
			}
		})
	}
}

// setRe finds the `node.key` a lesson step asks the learner to set.
var setRe = regexp.MustCompile(`(?i)\bset ([a-z0-9-]+\.[a-z_.]+) to\b`)

// TestEveryLessonChangeIsTested finds the steps that ask for a change ("set
// NODE.KEY to …", or an edit of the timeline) and requires a lessonCase for
// each, naming every key the step sets.
func TestEveryLessonChangeIsTested(t *testing.T) {
	for _, name := range Names() {
		s := mustLoad(t, name)
		for i, st := range s.Lesson {
			say := strings.Join(strings.Fields(st.Say), " ")
			refs := setRe.FindAllStringSubmatch(say, -1)
			timeline := strings.Contains(say, "the timeline")
			if len(refs) == 0 && !timeline {
				continue
			}
			var cases []lessonCase
			for _, lc := range lessonCases {
				if lc.scenario == name && lc.workshop == "" && lc.step == i {
					cases = append(cases, lc)
				}
			}
			if len(cases) == 0 {
				t.Errorf("%s step %d asks for a change and no lessonCase checks it:\n%s", name, i, say)
				continue
			}
			for _, r := range refs {
				found := false
				for _, lc := range cases {
					for _, m := range lc.mentions {
						found = found || strings.Contains(strings.Join(strings.Fields(m), " "), r[1])
					}
				}
				if !found {
					t.Errorf("%s step %d sets %s; no lessonCase mentions it", name, i, r[1])
				}
			}
		}
	}
}

// TestLessonsAreOrdered checks each lesson's timed steps come in order and
// within the run, and that the steps say something.
func TestLessonsAreOrdered(t *testing.T) {
	for _, name := range Names() {
		s := mustLoad(t, name)
		var last time.Duration
		for i, st := range s.Lesson {
			if strings.TrimSpace(st.Say) == "" && (st.Predict == nil || strings.TrimSpace(st.Predict.Question) == "") {
				t.Errorf("%s step %d says nothing", name, i)
			}
			if !st.Has {
				continue
			}
			if st.At < last {
				t.Errorf("%s step %d at %s comes before the previous step (%s)", name, i, pipeline.FormatDuration(st.At), pipeline.FormatDuration(last))
			}
			if st.At > s.Duration {
				t.Errorf("%s step %d at %s is after the end of the run (%s)", name, i, pipeline.FormatDuration(st.At), pipeline.FormatDuration(s.Duration))
			}
			last = st.At
		}
	}
}

// set changes node.key to the value written as in a scenario file.
func set(ref, text string) change {
	return func(t testing.TB, s *pipeline.Scenario) {
		t.Helper()
		id, key := pipeline.SplitRef(ref)
		n := s.Node(id)
		if n == nil {
			t.Fatalf("set %s: no node %q", ref, id)
		}
		n.Params[key] = parse(t, n, key, text)
	}
}

// setGroup replaces a nested mapping (node.group) with the given key, value
// pairs, as writing `group: {k: v}` in the file does.
func setGroup(ref string, kv ...string) change {
	return func(t testing.TB, s *pipeline.Scenario) {
		t.Helper()
		id, group := pipeline.SplitRef(ref)
		n := s.Node(id)
		if n == nil {
			t.Fatalf("set %s: no node %q", ref, id)
		}
		for k := range n.Params {
			if strings.HasPrefix(k, group+".") {
				delete(n.Params, k)
			}
		}
		for i := 0; i+1 < len(kv); i += 2 {
			n.Params[group+"."+kv[i]] = parse(t, n, group+"."+kv[i], kv[i+1])
		}
	}
}

// setAt changes the timeline's `set` of ref at the given time, adding the
// entry when there is none.
func setAt(at, ref, text string) change {
	return func(t testing.TB, s *pipeline.Scenario) {
		t.Helper()
		when, err := pipeline.ParseDuration(at)
		if err != nil {
			t.Fatal(err)
		}
		id, key := pipeline.SplitRef(ref)
		n := s.Node(id)
		if n == nil {
			t.Fatalf("set %s: no node %q", ref, id)
		}
		v := parse(t, n, key, text)
		for i := range s.Timeline {
			c := &s.Timeline[i]
			if c.At != when {
				continue
			}
			for j := range c.Set {
				if c.Set[j].Node == id && c.Set[j].Key == key {
					c.Set[j].Value = v
					return
				}
			}
		}
		s.Timeline = append(s.Timeline, pipeline.Change{At: when, Set: []pipeline.Assignment{{Node: id, Key: key, Value: v}}})
		s.SortTimeline()
	}
}

// failAt adds a failure of node at a time, for a while, to the timeline.
func failAt(at, node, d string) change {
	return func(t testing.TB, s *pipeline.Scenario) {
		t.Helper()
		when, err := pipeline.ParseDuration(at)
		if err != nil {
			t.Fatal(err)
		}
		dur, err := pipeline.ParseDuration(d)
		if err != nil {
			t.Fatal(err)
		}
		if s.Node(node) == nil {
			t.Fatalf("fail %s: no such node", node)
		}
		s.Timeline = append(s.Timeline, pipeline.Change{At: when, Fail: node, For: dur})
		s.SortTimeline()
	}
}

func parse(t testing.TB, n *pipeline.Node, key, text string) pipeline.Value {
	t.Helper()
	k, ok := n.Service.Key(key)
	if !ok {
		t.Fatalf("%s (%s) has no key %q", n.ID, n.Service.Name, key)
	}
	if k.Kind == pipeline.KindEnum && !slices.Contains(k.Enum, text) {
		t.Fatalf("%s.%s: %q is not one of %v", n.ID, key, text, k.Enum)
	}
	v, err := pipeline.ParseValue(k.Kind, text)
	if err != nil {
		t.Fatalf("%s.%s: %v", n.ID, key, err)
	}
	return v
}

// reload writes the changed scenario out and loads it again, so every change
// a lesson asks for is one the learner can make in the file and that validates.
func reload(t testing.TB, s *pipeline.Scenario) *pipeline.Scenario {
	t.Helper()
	data, err := pipeline.Encode(s, false)
	if err != nil {
		t.Fatal(err)
	}
	again, err := pipeline.Load(s.File, data)
	if err != nil {
		t.Fatalf("the changed scenario does not validate:\n%v\n%s", err, data)
	}
	return again
}

// ratio checks after/before of a metric is within [lo, hi].
func ratio(t *testing.T, metric string, before, after map[string]float64, lo, hi float64) {
	t.Helper()
	b, a := before[metric], after[metric]
	if b == 0 || a/b < lo || a/b > hi {
		t.Errorf("%s: %.4g before, %.4g after (×%.2f); want ×%.2f..%.2f", metric, b, a, a/b, lo, hi)
	}
}

// diff checks after−before of a metric is within [lo, hi].
func diff(t *testing.T, metric string, before, after map[string]float64, lo, hi float64) {
	t.Helper()
	b, a := before[metric], after[metric]
	if d := a - b; d < lo || d > hi {
		t.Errorf("%s: %.4g before, %.4g after (%+.4g); want %+.4g..%+.4g", metric, b, a, d, lo, hi)
	}
}

// less checks x[metric] < y[metric].
func less(t *testing.T, metric string, x, y map[string]float64) {
	t.Helper()
	if !(x[metric] < y[metric]) {
		t.Errorf("%s: want %.4g < %.4g", metric, x[metric], y[metric])
	}
}
