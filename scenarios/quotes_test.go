package scenarios

import (
	"fmt"
	"math"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/sim"
)

// The numbers that docs/workshop.md and the built-ins' descriptions and lesson
// steps quote are the simulator's. TestQuotedNumbers runs each scenario, as
// written or after the change a lesson step asks for, and checks that each
// quote is in its text and agrees with the engine to the precision it is
// written with. TestWorkshopNumbersAreChecked makes sure that a number added
// to the workshop's answers is either quoted here or listed as an input.
//
// When an engine change moves a number, TestQuotedNumbers names the quote and
// the value the engine gives now: fix the text and the quote together (and say
// in the commit why the number moved). `go test ./scenarios -run
// TestQuotedNumbers -v` lists every quote with the engine's value.

// Where a quote is: the scenario's section of docs/workshop.md, its
// description, or one of its lesson steps ("step 3").
const (
	workshop    = "workshop"
	description = "description"
)

func step(i int) string { return "step " + strconv.Itoa(i) }

// A quote is a number a text says the simulator gives.
type quote struct {
	sc     string // built-in scenario
	change int    // the lesson step whose change applies (lessonCases); 0: as written
	extra  string // or a change no lesson asks for, from extraChanges
	in     string // workshop, description or step(i)
	// text is the quote as written (whitespace does not matter), the number in
	// braces: "`peak shard util {64.6%}`". The number may carry a unit (%, ms,
	// s, minutes, $, MiB, MiB/s, MB/s, million) or be a time like {17m4s}.
	text  string
	v     valuer
	about float64 // a relative tolerance for an approximate quote; 0: the written precision
}

// A valuer computes, from a run, the number a quote states, in base units
// (records, seconds, bytes, dollars, fractions).
type valuer func(t *testing.T, r *quoteRun) float64

// metric is a metric of the run.
func metric(name string) valuer {
	return func(t *testing.T, r *quoteRun) float64 {
		t.Helper()
		v, ok := r.res.Metrics[name]
		if !ok {
			t.Fatalf("the simulator reports no %s", name)
		}
		return v
	}
}

// f computes a number from the run's metrics.
func f(fn func(m map[string]float64) float64) valuer {
	return func(t *testing.T, r *quoteRun) float64 { return fn(r.res.Metrics) }
}

// c is a number the scenario's settings or the fact sheet give, through the
// same code the engine uses.
func c(x float64) valuer { return func(*testing.T, *quoteRun) float64 { return x } }

// delta is a metric of the run less the same metric of the built-in as written.
func delta(name string) valuer {
	return func(t *testing.T, r *quoteRun) float64 {
		t.Helper()
		return metric(name)(t, r) - metric(name)(t, runFor(t, r.name, 0, ""))
	}
}

// eventAt is the time of the n-th event (from 0) whose text matches re.
func eventAt(re string, n int) valuer {
	return func(t *testing.T, r *quoteRun) float64 {
		t.Helper()
		ev, _ := r.event(t, re, n)
		return ev.At.Seconds()
	}
}

// eventNum is the number the n-th event matching re says in its first group.
func eventNum(re string, n int) valuer {
	return func(t *testing.T, r *quoteRun) float64 {
		t.Helper()
		_, group := r.event(t, re, n)
		w, err := parseQuoted(group)
		if err != nil {
			t.Fatalf("event %q: %v", group, err)
		}
		return w.v
	}
}

// since is how long after a moment of the run v's time is.
func since(at string, v valuer) valuer {
	return func(t *testing.T, r *quoteRun) float64 {
		t.Helper()
		return v(t, r) - dur(t, at).Seconds()
	}
}

// atTime is a metric's value at a moment of the run.
func atTime(at, name string) valuer {
	return func(t *testing.T, r *quoteRun) float64 {
		t.Helper()
		when := dur(t, at)
		var v float64
		r.trace(t, func(now time.Duration, m map[string]float64) bool {
			v = m[name]
			return now < when
		})
		return v
	}
}

// until is how long after a moment of the run cond first holds (checked every
// 10 s of simulated time).
func until(from string, cond func(m map[string]float64) bool) valuer {
	return func(t *testing.T, r *quoteRun) float64 {
		t.Helper()
		start := dur(t, from)
		found := math.NaN()
		r.trace(t, func(now time.Duration, m map[string]float64) bool {
			if now > start && cond(m) {
				found = (now - start).Seconds()
				return false
			}
			return true
		})
		return found
	}
}

const mib = 1 << 20

// extraChanges are changes the texts show the effect of from the start of
// the run: the **Change** lines of the workshop (with a lessonCase each), and
// others no text asks for. "NAME/lesson" is NAME's session (sessions_test.go):
// the run of a learner who did its lesson.
var extraChanges = map[string][]change{
	// Four more shards alone, for the price of the shards in the workshop's change 2.
	"seed-pipeline/8 shards": {set("clicks.shards", "8")},
	"seed-pipeline/change 1": {setAt("30m", "web.rate", "4000/s")},
	"seed-pipeline/change 2": {setAt("30m", "web.rate", "4000/s"), set("clicks.shards", "8")},
	"seed-pipeline/change 3": {setAt("30m", "web.rate", "4000/s"), set("clicks.shards", "8"), set("analytics.kpus", "3")},

	"firehose-buffering/60s":               {set("delivery.buffer.interval", "60s")},
	"retail-clickstream/30s window":        {set("etl.window", "30s")},
	"fraud-detection-msk/replication 1":    {set("payments.replication", "1")},
	"stock-market-emr/1 instance":          {set("spark.instances", "1")},
	"video-ingestion-kvs/1 instance":       {set("vision.instances", "1")},
	"provisioned-vs-on-demand/12 shards":   {set("fixed.shards", "12")},
	"retention-consumer-outage/7d":         {set("changes.retention", "7d")},
	"security-log-analytics/4m outage":     {failAt("20m", "search", "4m")},
	"security-log-analytics/10m outage":    {failAt("20m", "search", "10m")},
	"polling-vs-enhanced-fan-out/8 shards": {set("rides.shards", "8")},
}

// changesFor returns the changes extra names.
func changesFor(extra string) ([]change, bool) {
	if name, ok := strings.CutSuffix(extra, "/lesson"); ok {
		se, ok := sessions[name]
		var out []change
		for _, a := range se.acts {
			out = append(out, a.ch)
		}
		return out, ok
	}
	c, ok := extraChanges[extra]
	return c, ok
}

var quotes = []quote{
	// seed-pipeline
	{sc: "seed-pipeline", in: workshop, text: "`peak shard util {65.0%}`", v: metric("clicks.max_shard_utilization")},
	{sc: "seed-pipeline", in: workshop, text: "{1,581} objects in an hour", v: metric("delivery.objects")},
	{sc: "seed-pipeline", in: workshop, text: "buffer reaches 5 MiB in about {10 s}", about: 0.15,
		v: f(func(m map[string]float64) float64 { return 5 * mib / (m["clicks.bytes_in"] / 3600 / 4) })},
	{sc: "seed-pipeline", in: workshop, text: "Firehose's path is about {10 s}", about: 0.15,
		v: f(func(m map[string]float64) float64 { return 5 * mib / (m["clicks.bytes_in"] / 3600 / 4) })},
	{sc: "seed-pipeline", in: workshop, text: "the p99 latency of {59.5 s}", v: metric("pipeline.latency_p99")},
	{sc: "seed-pipeline", in: workshop, text: "(p50 {8.0 s})", v: metric("pipeline.latency_p50")},
	{sc: "seed-pipeline", in: workshop, text: "Firehose, {$857.28} of", v: metric("delivery.cost_monthly")},
	{sc: "seed-pipeline", in: workshop, text: "of {$1,867.93} a month", v: metric("pipeline.cost_monthly")},
	{sc: "seed-pipeline", extra: "seed-pipeline/change 1", in: workshop, text: "throttles {9,802,730} write attempts", v: metric("clicks.throttled_records")},
	{sc: "seed-pipeline", extra: "seed-pipeline/change 1", in: workshop, text: "offered {244.7%} of its limit", v: metric("clicks.max_shard_utilization")},
	{sc: "seed-pipeline", extra: "seed-pipeline/change 1", in: workshop, text: "and {895,056} records are lost", v: metric("pipeline.lost_records")},
	{sc: "seed-pipeline", extra: "seed-pipeline/change 2", in: workshop, text: "busiest shard at {57.8%}", v: metric("clicks.max_shard_utilization")},
	{sc: "seed-pipeline", extra: "seed-pipeline/change 2", in: workshop, text: "peak utilisation {99.0%}", v: metric("analytics.utilization_max")},
	{sc: "seed-pipeline", extra: "seed-pipeline/change 2", in: workshop, text: "the hour {850,109} records behind", v: metric("analytics.lag_records")},
	{sc: "seed-pipeline", extra: "seed-pipeline/change 2", in: workshop, text: "iterator age up to {188 s}", v: metric("analytics.iterator_age_max")},
	{sc: "seed-pipeline", extra: "seed-pipeline/change 2", in: workshop, text: "p99 latency {221.7 s} fails", v: metric("pipeline.latency_p99")},
	{sc: "seed-pipeline", extra: "seed-pipeline/change 3", in: workshop, text: "p99 is back to {59.5 s}", v: metric("pipeline.latency_p99")},
	{sc: "seed-pipeline", extra: "seed-pipeline/change 3", in: workshop, text: "Flink costs {$336.20} instead", v: metric("analytics.cost_monthly")},
	{sc: "seed-pipeline", in: workshop, text: "instead of {$250.90} a month", v: metric("analytics.cost_monthly")},
	{sc: "seed-pipeline", extra: "seed-pipeline/change 3", in: workshop, text: "the stream {$408.45} instead", v: metric("clicks.cost_monthly")},
	{sc: "seed-pipeline", in: workshop, text: "instead of {$249.08}.", v: metric("clicks.cost_monthly")},
	{sc: "seed-pipeline", extra: "seed-pipeline/lesson", in: workshop, text: "gets once the campaign starts ({64.9%} by 35m)", v: atTime("35m", "clicks.max_shard_utilization")},
	{sc: "seed-pipeline", extra: "seed-pipeline/lesson", in: workshop, text: "an iterator age of {50.0 s} when", v: atTime("45m", "analytics.iterator_age_max")},
	{sc: "seed-pipeline", in: step(4), text: "rise towards {65%}", v: metric("clicks.max_shard_utilization")},

	// hot-partition-key
	{sc: "hot-partition-key", in: workshop, text: "`peak shard util {370.5%}`", v: metric("events.max_shard_utilization")},
	{sc: "hot-partition-key", extra: "hot-partition-key/lesson", in: workshop, text: "{4,488,918} throttled attempts", v: metric("events.throttled_records")},
	{sc: "hot-partition-key", extra: "hot-partition-key/lesson", in: workshop, text: "{3,857,040} retried records", v: metric("orders.retried_records")},
	{sc: "hot-partition-key", extra: "hot-partition-key/lesson", in: workshop, text: "still {631,878} lost", v: metric("pipeline.lost_records")},
	{sc: "hot-partition-key", extra: "hot-partition-key/lesson", in: workshop, text: "finishing at {17m4s}", v: eventAt(`resharding done`, 0)},
	{sc: "hot-partition-key", extra: "hot-partition-key/lesson", in: workshop, text: "DynamoDB: {403,007} refused writes", v: metric("table.throttled_records")},
	{sc: "hot-partition-key", change: 7, in: workshop, text: "busiest shard at {50.0%}", v: metric("events.max_shard_utilization")},
	{sc: "hot-partition-key", change: 7, in: workshop, text: "p99 latency {500 ms} instead", v: metric("pipeline.latency_p99")},
	{sc: "hot-partition-key", extra: "hot-partition-key/lesson", in: workshop, text: "instead of {384.0 s}", v: metric("pipeline.latency_p99")},
	{sc: "hot-partition-key", extra: "hot-partition-key/lesson", in: workshop, text: "first five minutes ({802,624})", v: atTime("5m", "events.throttled_records")},
	{sc: "hot-partition-key", extra: "hot-partition-key/lesson", in: workshop, text: "the total by the end ({4,488,918}:", v: metric("events.throttled_records")},

	// firehose-buffering
	{sc: "firehose-buffering", in: workshop, text: "holds only about {88 MiB} of 128", v: f(perObject("lake"))},
	{sc: "firehose-buffering", in: workshop, text: "p50 {449.5 s}", v: metric("pipeline.latency_p50")},
	{sc: "firehose-buffering", in: workshop, text: "p99 {890.9 s}", v: metric("pipeline.latency_p99")},
	{sc: "firehose-buffering", extra: "firehose-buffering/lesson", in: workshop, text: "of the first object ({890.9 s} at 16m)", v: atTime("16m", "pipeline.latency_p99")},
	{sc: "firehose-buffering", extra: "firehose-buffering/60s", in: workshop, text: "{60} objects of about", v: metric("lake.objects")},
	{sc: "firehose-buffering", extra: "firehose-buffering/60s", in: workshop, text: "objects of about {6 MiB}", v: f(perObject("lake"))},
	{sc: "firehose-buffering", extra: "firehose-buffering/60s", in: workshop, text: "p50 {30.0 s}", v: metric("pipeline.latency_p50")},
	{sc: "firehose-buffering", extra: "firehose-buffering/60s", in: workshop, text: "p99 {60.0 s}", v: metric("pipeline.latency_p99")},
	{sc: "firehose-buffering", change: 5, in: workshop, text: "{3,600} objects, p99", v: metric("lake.objects")},
	{sc: "firehose-buffering", change: 5, in: workshop, text: "objects, p99 {1.0 s}", v: metric("pipeline.latency_p99")},
	{sc: "firehose-buffering", in: workshop, text: "rises from {$6.21}", v: metric("lake.cost_monthly")},
	{sc: "firehose-buffering", change: 5, in: workshop, text: "to {$19.33} a month", v: metric("lake.cost_monthly")},
	{sc: "firehose-buffering", in: description, text: "take about {22 minutes} to collect", about: 0.03,
		v: f(func(m map[string]float64) float64 { return 128 * mib / (m["delivery.bytes_in"] / 3600) })},
	{sc: "firehose-buffering", in: step(0), text: "holds only about {88 MiB} of", v: f(perObject("lake"))},
	{sc: "firehose-buffering", extra: "firehose-buffering/60s", in: step(4), text: "of about {6 MiB}.", v: f(perObject("lake"))},
	{sc: "firehose-buffering", change: 5, in: step(5), text: "S3 gets {3,600} small objects", v: metric("lake.objects")},

	// polling-vs-enhanced-fan-out
	{sc: "polling-vs-enhanced-fan-out", in: workshop, text: "peak shard utilisation {75.7%}", v: metric("rides.max_shard_utilization")},
	{sc: "polling-vs-enhanced-fan-out", in: workshop, text: "`rides.read_throttled` {28,888}", v: metric("rides.read_throttled")},
	{sc: "polling-vs-enhanced-fan-out", in: workshop, text: "iterator age reaches {275 s}", v: metric("analytics.iterator_age_max")},
	{sc: "polling-vs-enhanced-fan-out", in: workshop, text: "iterator age reaches {275 s}", v: metric("archive.iterator_age_max")},
	{sc: "polling-vs-enhanced-fan-out", in: workshop, text: "iterator age reaches {275 s}", v: metric("pricing.iterator_age_max")},
	{sc: "polling-vs-enhanced-fan-out", in: workshop, text: "with {733,670} records unread", v: metric("analytics.lag_records")},
	{sc: "polling-vs-enhanced-fan-out", in: workshop, text: "`analytics` runs at {26.7%}", v: metric("analytics.utilization_max")},
	{sc: "polling-vs-enhanced-fan-out", extra: "polling-vs-enhanced-fan-out/lesson", in: workshop, text: "an iterator age of {137.0 s})", v: atTime("30m", "analytics.iterator_age_max")},
	{sc: "polling-vs-enhanced-fan-out", change: 6, in: workshop, text: "iterator age is {0 ms}", v: metric("analytics.iterator_age_max")},
	{sc: "polling-vs-enhanced-fan-out", in: workshop, text: "falls from {269.3 s}", v: metric("pipeline.latency_p99")},
	{sc: "polling-vs-enhanced-fan-out", change: 6, in: workshop, text: "to {7.0 s}.", v: metric("pipeline.latency_p99")},
	{sc: "polling-vs-enhanced-fan-out", in: workshop, text: "goes from {$154.18}", v: metric("rides.cost_monthly")},
	{sc: "polling-vs-enhanced-fan-out", change: 6, in: workshop, text: "to {$300.47} a month", v: metric("rides.cost_monthly")},
	{sc: "polling-vs-enhanced-fan-out", in: description, text: "a third of 2 MiB/s, {0.67 MiB/s}",
		v: f(func(m map[string]float64) float64 { return m["archive.bytes_in"] / 3600 / 4 })},

	// provisioned-vs-on-demand
	{sc: "provisioned-vs-on-demand", in: workshop, text: "{43,352,704} throttled attempts", v: metric("fixed.throttled_records")},
	{sc: "provisioned-vs-on-demand", in: workshop, text: "`peak shard util {1172.9%}`", v: metric("fixed.max_shard_utilization")},
	{sc: "provisioned-vs-on-demand", in: workshop, text: "only {9,240,576} records reach", v: metric("fixed-lake.records_in")},
	{sc: "provisioned-vs-on-demand", in: workshop, text: "capacity raised to {7.0 MiB/s}", v: eventNum(`capacity raised to ([\d.]+ MiB/s)`, 0)},
	{sc: "provisioned-vs-on-demand", in: workshop, text: "twice the presale's {3.5 MiB/s}", v: eventNum(`the peak of ([\d.]+ MiB/s)`, 0)},
	{sc: "provisioned-vs-on-demand", in: workshop, text: "3.5 MiB/s, at {11m}", v: eventAt(`capacity raised`, 0)},
	{sc: "provisioned-vs-on-demand", in: workshop, text: "throttles ({18,860,968} attempts)", v: metric("elastic.throttled_records")},
	{sc: "provisioned-vs-on-demand", in: workshop, text: "for about {15 minutes} until", about: 0.1, v: since("35m", eventAt(`capacity raised`, 1))},
	{sc: "provisioned-vs-on-demand", in: workshop, text: "rises to {13.8 MiB/s} at", v: eventNum(`capacity raised to ([\d.]+ MiB/s)`, 1)},
	{sc: "provisioned-vs-on-demand", in: workshop, text: "13.8 MiB/s at {50m59s}", v: eventAt(`capacity raised`, 1)},
	{sc: "provisioned-vs-on-demand", in: workshop, text: "the sale's {9.8 MiB/s}, now", v: eventNum(`the peak of ([\d.]+ MiB/s)`, 2)},
	{sc: "provisioned-vs-on-demand", in: workshop, text: "at once ({19.5 MiB/s} at", v: eventNum(`capacity raised to ([\d.]+ MiB/s)`, 2)},
	{sc: "provisioned-vs-on-demand", in: workshop, text: "19.5 MiB/s at {53m}", v: eventAt(`capacity raised`, 2)},
	{sc: "provisioned-vs-on-demand", in: workshop, text: "ends with {20} shards", v: metric("elastic.shards_end")},
	{sc: "provisioned-vs-on-demand", in: workshop, text: "`elastic` {$1,413.87} a month", v: metric("elastic.cost_monthly")},
	{sc: "provisioned-vs-on-demand", in: workshop, text: "`fixed` {$128.00}", v: metric("fixed.cost_monthly")},
	{sc: "provisioned-vs-on-demand", extra: "provisioned-vs-on-demand/lesson", in: workshop, text: "by 25m ({4,753,693} write attempts)", v: atTime("25m", "fixed.throttled_records")},
	{sc: "provisioned-vs-on-demand", extra: "provisioned-vs-on-demand/12 shards", in: workshop, text: "(busiest shard {83.4%})", v: metric("fixed.max_shard_utilization")},
	{sc: "provisioned-vs-on-demand", extra: "provisioned-vs-on-demand/12 shards", in: workshop, text: "costs {$317.81}", v: metric("fixed.cost_monthly")},
	{sc: "provisioned-vs-on-demand", in: step(2), text: "rises to {7.0 MiB/s} at", v: eventNum(`capacity raised to ([\d.]+ MiB/s)`, 0)},
	{sc: "provisioned-vs-on-demand", in: step(2), text: "7.0 MiB/s at {11m}", v: eventAt(`capacity raised`, 0)},
	{sc: "provisioned-vs-on-demand", in: step(5), text: "peak was about {3.5 MiB/s}", v: eventNum(`the peak of ([\d.]+ MiB/s)`, 0)},
	{sc: "provisioned-vs-on-demand", in: step(5), text: "headroom is about {7 MiB/s}", v: eventNum(`capacity raised to ([\d.]+ MiB/s)`, 0)},
	{sc: "provisioned-vs-on-demand", in: step(5), text: "rises to {13.8 MiB/s} at", v: eventNum(`capacity raised to ([\d.]+ MiB/s)`, 1)},
	{sc: "provisioned-vs-on-demand", in: step(5), text: "13.8 MiB/s at {50m59s}", v: eventAt(`capacity raised`, 1)},

	// lambda-poison-record
	{sc: "lambda-poison-record", in: workshop, text: "{3,000} failed invocations by the end", v: metric("validate.failed_batches")},
	{sc: "lambda-poison-record", in: workshop, text: "iterator age {2,999 s}", v: metric("validate.iterator_age_max")},
	{sc: "lambda-poison-record", in: workshop, text: "{303,105} orders waiting", v: metric("validate.lag_records")},
	{sc: "lambda-poison-record", in: workshop, text: "stays {730 ms}", v: metric("pipeline.latency_p99")},
	{sc: "lambda-poison-record", extra: "lambda-poison-record/lesson", in: workshop, text: "record at 50m ({242,297})", v: atTime("50m", "validate.lag_records")},
	{sc: "lambda-poison-record", change: 5, in: workshop, text: "after {3} failed invocations", v: metric("validate.failed_batches")},
	{sc: "lambda-poison-record", change: 5, in: workshop, text: "{100} orders lost", v: metric("pipeline.lost_records")},
	{sc: "lambda-poison-record", change: 5, in: workshop, text: "iterator age at most {2.0 s}", v: metric("validate.iterator_age_max")},
	{sc: "lambda-poison-record", change: 6, in: workshop, text: "{10} failed invocations", v: metric("validate.failed_batches")},
	{sc: "lambda-poison-record", change: 6, in: workshop, text: "and {1} order is lost", v: metric("pipeline.lost_records")},
	{sc: "lambda-poison-record", in: step(4), text: "holds about {240,000} unprocessed orders", about: 0.01, v: atTime("50m", "validate.lag_records")},
	{sc: "lambda-poison-record", in: step(4), text: "({303,000} by the end", about: 0.01, v: metric("validate.lag_records")},
	{sc: "lambda-poison-record", change: 5, in: step(5), text: "After {3} failing invocations", v: metric("validate.failed_batches")},
	{sc: "lambda-poison-record", change: 5, in: step(5), text: "the whole batch, {100} orders,", v: metric("pipeline.lost_records")},

	// retention-consumer-outage
	{sc: "retention-consumer-outage", in: workshop, text: "{3,605,000} changes", v: metric("changes.expired_records")},
	{sc: "retention-consumer-outage", in: workshop, text: "`loader.lag_records` is {0} at the end", v: metric("loader.lag_records")},
	{sc: "retention-consumer-outage", in: workshop, text: "read was {86,390 s} old", v: metric("loader.iterator_age_max")},
	{sc: "retention-consumer-outage", extra: "retention-consumer-outage/lesson", in: workshop, text: "is back ({46,800,000} at 27h", v: atTime("27h", "loader.lag_records")},
	{sc: "retention-consumer-outage", extra: "retention-consumer-outage/7d", in: workshop, text: "all {57,600,000} changes reach Redshift", v: metric("warehouse.records_in")},
	{sc: "retention-consumer-outage", extra: "retention-consumer-outage/7d", in: workshop, text: "costs {$69.50} instead", v: metric("changes.cost_monthly")},
	{sc: "retention-consumer-outage", in: workshop, text: "instead of {$40.30}", v: metric("changes.cost_monthly")},
	{sc: "retention-consumer-outage", in: step(6), text: "about {3.6 million}, expire", v: metric("changes.expired_records")},
	{sc: "retention-consumer-outage", extra: "retention-consumer-outage/7d", in: step(6), text: "about {$29} a month", v: delta("changes.cost_monthly")},

	// retail-clickstream
	{sc: "retail-clickstream", in: workshop, text: "more than the {3.4 MiB/s} arriving", v: f(perSecond("clicks.bytes_in"))},
	{sc: "retail-clickstream", in: workshop, text: "rises to {6.8 MiB/s}", v: eventNum(`capacity raised to ([\d.]+ MiB/s)`, 0)},
	{sc: "retail-clickstream", in: workshop, text: "(twice {3.4 MiB/s})", v: eventNum(`the peak of ([\d.]+ MiB/s)`, 0)},
	{sc: "retail-clickstream", in: workshop, text: "at {1m0s}", v: eventAt(`capacity raised`, 0)},
	{sc: "retail-clickstream", in: workshop, text: "the {141.8 s} p99", v: metric("pipeline.latency_p99")},
	{sc: "retail-clickstream", in: workshop, text: "a batch of about {340 MiB}", about: 0.02, v: f(perWindow("clicks.bytes_in", 100))},
	{sc: "retail-clickstream", in: workshop, text: "about {42 s}", v: f(func(m map[string]float64) float64 { return m["pipeline.latency_p99"] - 100 })},
	{sc: "retail-clickstream", in: workshop, text: "{72} objects", v: metric("lake.objects")},
	{sc: "retail-clickstream", extra: "retail-clickstream/lesson", in: workshop, text: "the p99 latency ({142.8 s} at 10m)", v: atTime("10m", "pipeline.latency_p99")},
	{sc: "retail-clickstream", extra: "retail-clickstream/30s window", in: workshop, text: "p99 {42.9 s} and", v: metric("pipeline.latency_p99")},
	{sc: "retail-clickstream", extra: "retail-clickstream/30s window", in: workshop, text: "{240} objects", v: metric("lake.objects")},
	{sc: "retail-clickstream", extra: "retail-clickstream/30s window", in: workshop, text: "same {$642.40} of Glue", v: metric("etl.cost_monthly")},
	{sc: "retail-clickstream", change: 5, in: workshop, text: "saturated ({100.0%})", v: metric("etl.utilization_max")},
	{sc: "retail-clickstream", change: 5, in: workshop, text: "{4,479,798} records behind", v: metric("etl.lag_records")},
	{sc: "retail-clickstream", change: 5, in: workshop, text: "iterator age of {1,493 s}", v: metric("etl.iterator_age_max")},
	{sc: "retail-clickstream", change: 5, in: workshop, text: "falls to {$160.60}", v: metric("etl.cost_monthly")},
	{sc: "retail-clickstream", in: step(0), text: "events/s ({3.4 MiB/s})", v: f(perSecond("clicks.bytes_in"))},
	{sc: "retail-clickstream", in: step(0), text: "at {1m0s} the capacity", v: eventAt(`capacity raised`, 0)},
	{sc: "retail-clickstream", in: step(0), text: "twice the peak, {6.8 MiB/s}", v: eventNum(`capacity raised to ([\d.]+ MiB/s)`, 0)},
	{sc: "retail-clickstream", in: step(2), text: "a batch of {340 MiB}", about: 0.02, v: f(perWindow("clicks.bytes_in", 100))},
	{sc: "retail-clickstream", in: step(2), text: "takes about {40 s} to run", about: 0.1, v: f(func(m map[string]float64) float64 { return m["pipeline.latency_p99"] - 100 })},
	{sc: "retail-clickstream", in: step(2), text: "settle near {140 s}", about: 0.02, v: metric("pipeline.latency_p99")},

	// iot-telemetry
	{sc: "iot-telemetry", in: workshop, text: "peak shard util {53.7%}", v: metric("telemetry.max_shard_utilization")},
	{sc: "iot-telemetry", in: workshop, text: "fills it in about {134 s}", v: f(fillTime(64*mib, "meters.bytes_in", 3))},
	{sc: "iot-telemetry", in: workshop, text: "{78} objects", v: metric("lake.objects")},
	{sc: "iot-telemetry", in: workshop, text: "p99 {132.6 s}", v: metric("pipeline.latency_p99")},
	{sc: "iot-telemetry", extra: "iot-telemetry/lesson", in: workshop, text: "latency at 30m: {263.2 s}.", v: atTime("30m", "pipeline.latency_p99")},
	{sc: "iot-telemetry", change: 4, in: workshop, text: "offered {506.1%} of its limit", v: metric("telemetry.max_shard_utilization")},
	{sc: "iot-telemetry", change: 4, in: workshop, text: "{41,920,623} attempts are throttled", v: metric("telemetry.throttled_records")},
	{sc: "iot-telemetry", change: 4, in: workshop, text: "{7,190,277} readings lost", v: metric("pipeline.lost_records")},
	{sc: "iot-telemetry", in: step(1), text: "fills in about {134 s}", v: f(fillTime(64*mib, "meters.bytes_in", 3))},
	{sc: "iot-telemetry", in: step(1), text: "p99 latency is about {133 s}", v: metric("pipeline.latency_p99")},

	// security-log-analytics
	{sc: "security-log-analytics", in: workshop, text: "p50 {11.5 s}", v: metric("pipeline.latency_p50")},
	{sc: "security-log-analytics", in: workshop, text: "fills in about {11 s}", v: f(fillTime(5*mib, "logs.bytes_in", 6))},
	{sc: "security-log-analytics", extra: "security-log-analytics/4m outage", in: workshop, text: "iterator age up to {221 s}", v: metric("detector.iterator_age_max")},
	{sc: "security-log-analytics", extra: "security-log-analytics/4m outage", in: workshop, text: "within about {a minute}", about: 0.5, v: firehoseDrained},
	{sc: "security-log-analytics", in: workshop, text: "about {1.3 MiB/s} to spare", v: f(flinkSpare)},
	{sc: "security-log-analytics", extra: "security-log-analytics/4m outage", in: workshop, text: "spare) about {9 minutes} after", about: 0.1, v: flinkDrained},
	{sc: "security-log-analytics", extra: "security-log-analytics/4m outage", in: workshop, text: "p99 {247.3 s}", v: metric("pipeline.latency_p99")},
	{sc: "security-log-analytics", extra: "security-log-analytics/10m outage", in: workshop, text: "gives up on {1,053,234} records", v: metric("indexer.backup_records")},
	{sc: "security-log-analytics", in: step(1), text: "fills in about {11 s}", v: f(fillTime(5*mib, "logs.bytes_in", 6))},
	{sc: "security-log-analytics", extra: "security-log-analytics/lesson", in: step(5), text: "drains in about {a minute}", about: 0.5, v: firehoseDrained},
	{sc: "security-log-analytics", in: step(5), text: "have only {1.3 MiB/s} to spare", v: f(flinkSpare)},
	{sc: "security-log-analytics", in: step(5), text: "over the {2.7 MiB/s} arriving", v: f(perSecond("logs.bytes_in"))},
	{sc: "security-log-analytics", extra: "security-log-analytics/lesson", in: step(5), text: "takes about {9 minutes}", about: 0.1, v: flinkDrained},

	// fraud-detection-msk
	{sc: "fraud-detection-msk", in: workshop, text: "Peak partition utilisation {4.5%}", v: metric("payments.max_shard_utilization")},
	{sc: "fraud-detection-msk", in: workshop, text: "sustain about {70 MB/s}", v: c(m5Large3)},
	{sc: "fraud-detection-msk", in: workshop, text: "p99 latency {295.9 s}", v: metric("pipeline.latency_p99")},
	{sc: "fraud-detection-msk", in: workshop, text: "(p50 {1.1 s})", v: metric("pipeline.latency_p50")},
	{sc: "fraud-detection-msk", in: workshop, text: "scores arrive in about {1 s}", about: 0.15, v: metric("pipeline.latency_p50")},
	{sc: "fraud-detection-msk", in: workshop, text: "refuse {30,621} writes", v: metric("scores.throttled_records")},
	{sc: "fraud-detection-msk", extra: "fraud-detection-msk/lesson", in: workshop, text: "by the end: {712,262}, all during", v: metric("pipeline.lost_records")},
	{sc: "fraud-detection-msk", extra: "fraud-detection-msk/replication 1", in: workshop, text: "{8,127,205} writes are refused", v: metric("payments.throttled_records")},
	{sc: "fraud-detection-msk", extra: "fraud-detection-msk/replication 1", in: workshop, text: "{712,262} transactions lost", v: metric("pipeline.lost_records")},
	{sc: "fraud-detection-msk", in: step(1), text: "sustain about {70 MB/s}", v: c(m5Large3)},
	{sc: "fraud-detection-msk", in: step(5), text: "about {1,000} writes a minute", about: 0.05,
		v: f(func(m map[string]float64) float64 { return m["scores.throttled_records"] / 30 })}, // lunch is 30 minutes

	// stock-market-emr
	{sc: "stock-market-emr", in: workshop, text: "peaks at {42.0%} of it", v: metric("ticks.max_shard_utilization")},
	{sc: "stock-market-emr", in: workshop, text: "the {25.3 s} p99", v: metric("pipeline.latency_p99")},
	{sc: "stock-market-emr", extra: "stock-market-emr/lesson", in: workshop, text: "ends at 20m ({10,834,176})", v: atTime("20m", "spark.lag_records")},
	{sc: "stock-market-emr", extra: "stock-market-emr/1 instance", in: workshop, text: "p99 rises to {281.6 s}", v: metric("pipeline.latency_p99")},
	{sc: "stock-market-emr", extra: "stock-market-emr/1 instance", in: workshop, text: "(lag {0} at the end)", v: metric("spark.lag_records")},
	{sc: "stock-market-emr", change: 6, in: workshop, text: "p99 {10.6 s}", v: metric("pipeline.latency_p99")},
	{sc: "stock-market-emr", in: step(1), text: "about {25 s} at p99", v: metric("pipeline.latency_p99")},

	// video-ingestion-kvs
	{sc: "video-ingestion-kvs", in: workshop, text: "`peak stream util {10.0%}`", v: metric("video.max_shard_utilization")},
	{sc: "video-ingestion-kvs", in: workshop, text: "latency exactly {2.0 s}", v: metric("pipeline.latency_p99")},
	{sc: "video-ingestion-kvs", in: workshop, text: "latency exactly {2.0 s}", v: metric("pipeline.latency_max")},
	{sc: "video-ingestion-kvs", extra: "video-ingestion-kvs/lesson", in: workshop, text: "wait at 15m ({5,709})", v: atTime("15m", "vision.lag_records")},
	{sc: "video-ingestion-kvs", extra: "video-ingestion-kvs/1 instance", in: workshop, text: "{17,126} fragments wait", v: metric("vision.lag_records")},
	{sc: "video-ingestion-kvs", extra: "video-ingestion-kvs/1 instance", in: workshop, text: "p99 {849.9 s}", v: metric("pipeline.latency_p99")},
}

// m5Large3 is what fraud-detection-msk's cluster sustains by AWS's sizing
// model: 3 × kafka.m5.large, replication 3, two consumer groups.
var m5Large3 = func() float64 {
	b, _ := pipeline.Broker("kafka.m5.large")
	return pipeline.MSKClusterThroughput(b, 3, 3, 2)
}()

// perObject is the mean size of node's objects.
func perObject(node string) func(m map[string]float64) float64 {
	return func(m map[string]float64) float64 { return m[node+".bytes_in"] / m[node+".objects"] }
}

// perSecond is an hour-long run's mean rate of a byte metric.
func perSecond(metric string) func(m map[string]float64) float64 {
	return func(m map[string]float64) float64 { return m[metric] / 3600 }
}

// perWindow is what an hour-long run's mean rate brings in a window of secs.
func perWindow(metric string, secs float64) func(m map[string]float64) float64 {
	return func(m map[string]float64) float64 { return m[metric] / 3600 * secs }
}

// fillTime is how long a buffer of size takes to fill on one of shards at an
// hour-long run's mean rate.
func fillTime(size float64, metric string, shards float64) func(m map[string]float64) float64 {
	return func(m map[string]float64) float64 { return size / (m[metric] / 3600 / shards) }
}

// flinkSpare is what security-log-analytics' detector (2 KPUs at streamsim's
// 2 MiB/s per KPU) can read beyond the mean rate arriving.
func flinkSpare(m map[string]float64) float64 { return 2*2*mib - m["logs.bytes_in"]/3600 }

// The domain in security-log-analytics is back at 24m. Flink has drained when
// it has nothing left to read; Firehose when it holds no more than its six
// 5 MiB buffers do in normal running (under 40,000 records).
var (
	flinkDrained    = until("24m", func(m map[string]float64) bool { return m["detector.lag_records"] == 0 })
	firehoseDrained = until("24m", func(m map[string]float64) bool { return m["indexer.held_records"] < 40000 })
)

// A quoteRun is one run of a built-in, as written or after a change.
type quoteRun struct {
	name string             // the built-in
	s    *pipeline.Scenario // as run
	res  sim.Result

	once   sync.Once
	frames []frame // the metrics every 10 s of simulated time, for atTime and until
	err    error
}

type frame struct {
	at time.Duration
	m  map[string]float64
}

// event finds the n-th event (from 0) whose text matches re, and re's first
// group in it.
func (r *quoteRun) event(t *testing.T, re string, n int) (sim.Event, string) {
	t.Helper()
	rx := regexp.MustCompile(re)
	for _, ev := range r.res.Events {
		if g := rx.FindStringSubmatch(ev.Text); g != nil {
			if n == 0 {
				return ev, g[len(g)-1]
			}
			n--
		}
	}
	t.Fatalf("no event matching %q (one more than asked)", re)
	return sim.Event{}, ""
}

// trace calls fn with the metrics every 10 s of simulated time until it
// returns false. The frames are computed once per run.
func (r *quoteRun) trace(t *testing.T, fn func(now time.Duration, m map[string]float64) bool) {
	t.Helper()
	r.once.Do(func() {
		e, err := sim.New(r.s)
		if err != nil {
			r.err = err
			return
		}
		every := max(1, int(10*time.Second/r.s.Tick))
		for i := 1; !e.Done(); i++ {
			e.Step()
			if i%every == 0 || e.Done() {
				r.frames = append(r.frames, frame{e.Now(), e.Result().Metrics})
			}
		}
	})
	if r.err != nil {
		t.Fatal(r.err)
	}
	for _, fr := range r.frames {
		if !fn(fr.at, fr.m) {
			return
		}
	}
}

var quoteRuns sync.Map // "scenario/change/extra" → *quoteRunOnce

type quoteRunOnce struct {
	once sync.Once
	run  *quoteRun
	err  error
}

// runFor runs the built-in name as written (change 0, extra ""), after the
// change of lesson step change, or after extraChanges[extra]; once per test
// binary.
func runFor(t *testing.T, name string, change int, extra string) *quoteRun {
	t.Helper()
	v, _ := quoteRuns.LoadOrStore(fmt.Sprintf("%s/%d/%s", name, change, extra), &quoteRunOnce{})
	o := v.(*quoteRunOnce)
	o.once.Do(func() {
		o.err = fmt.Errorf("the test that ran it first failed") // kept if newQuoteRun stops the test
		o.run, o.err = newQuoteRun(t, name, change, extra)
	})
	if o.err != nil {
		t.Fatalf("%s: %v", name, o.err)
	}
	return o.run
}

func newQuoteRun(t *testing.T, name string, after int, extra string) (*quoteRun, error) {
	s, err := Load(name)
	if err != nil {
		return nil, err
	}
	if after == 0 && extra == "" { // share the run whose expect lines TestBuiltinsRun checks
		baseline(t, name)
		v, _ := builtinRuns.Load(name)
		return &quoteRun{name: name, s: s, res: v.(*runOnce).res}, nil
	}
	var changes []change
	switch {
	case extra != "":
		var ok bool
		if changes, ok = changesFor(extra); !ok {
			return nil, fmt.Errorf("no extra change %q", extra)
		}
	case after != 0:
		lc, ok := lessonCaseFor(name, after)
		if !ok {
			return nil, fmt.Errorf("no lessonCase for step %d", after)
		}
		changes = lc.changes
	}
	if len(changes) > 0 {
		s = s.Clone()
		for _, ch := range changes {
			ch(t, s)
		}
		s = reload(t, s)
	}
	res, err := sim.Run(s)
	if err != nil {
		return nil, err
	}
	return &quoteRun{name: name, s: s, res: res}, nil
}

func lessonCaseFor(name string, step int) (lessonCase, bool) {
	for _, lc := range lessonCases {
		if lc.scenario == name && lc.step == step {
			return lc, true
		}
	}
	return lessonCase{}, false
}

func dur(t *testing.T, s string) time.Duration {
	t.Helper()
	d, err := pipeline.ParseDuration(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

var bracesRe = regexp.MustCompile(`\{([^{}]*)\}`)

// unbrace splits a quote into the text as it reads and the number in braces.
func unbrace(text string) (plain, num string, err error) {
	ms := bracesRe.FindAllStringSubmatchIndex(text, -1)
	if len(ms) != 1 {
		return "", "", fmt.Errorf("%q: want exactly one number in braces", text)
	}
	mt := ms[0]
	return text[:mt[0]] + text[mt[2]:mt[3]] + text[mt[1]:], text[mt[2]:mt[3]], nil
}

// numberRe is a written number: an optional $, digits with thousands
// separators and decimals, an optional unit.
var (
	numberRe = regexp.MustCompile(`^(\$)?(\d[\d,]*)(?:\.(\d+))?(?:\s?(%|ms|s|minutes|MiB/s|MiB|MB/s|MB|million))?$`)
	clockRe  = regexp.MustCompile(`^(?:\d+h)?(?:\d+m)?(?:\d+s)?$`)
)

var unitScale = map[string]float64{
	"": 1, "%": 0.01, "ms": 0.001, "s": 1, "minutes": 60,
	"MiB/s": mib, "MiB": mib, "MB/s": 1e6, "MB": 1e6, "million": 1e6,
}

// A written number: its value in base units, half a unit of its last digit
// (what rounding to the written precision may hide), and its unit.
type written struct {
	v, half, scale float64
	unit           string
}

func parseQuoted(s string) (written, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "a minute":
		return written{60, 30, 60, "minutes"}, nil
	case s != "" && clockRe.MatchString(s):
		d, err := pipeline.ParseDuration(s)
		if err != nil {
			return written{}, err
		}
		return written{d.Seconds(), 0.5, 1, "s"}, nil
	}
	g := numberRe.FindStringSubmatch(s)
	if g == nil {
		return written{}, fmt.Errorf("%q is not a number this test reads", s)
	}
	scale := unitScale[g[4]]
	n, err := strconv.ParseFloat(strings.ReplaceAll(g[2], ",", "")+"."+g[3]+"0", 64)
	if err != nil {
		return written{}, err
	}
	unit := g[4]
	if g[1] != "" {
		unit = "dollars"
	}
	return written{n * scale, 0.5 * math.Pow(10, -float64(len(g[3]))) * scale, scale, unit}, nil
}

// normal collapses runs of white space, as Markdown and YAML folding do.
func normal(s string) string { return strings.Join(strings.Fields(s), " ") }

// sectionRe finds a scenario's section of the workshop: "### 0:05 `name` (".
var sectionRe = regexp.MustCompile("(?m)^### \\d+:\\d\\d `([a-z0-9-]+)` \\(")

// workshopSections returns each built-in's section of docs/workshop.md.
func workshopSections(t *testing.T) map[string]string {
	t.Helper()
	data, err := os.ReadFile("../docs/workshop.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	out := map[string]string{}
	locs := sectionRe.FindAllStringSubmatchIndex(doc, -1)
	for i, l := range locs {
		end := len(doc)
		if i+1 < len(locs) {
			end = locs[i+1][0]
		}
		sec := doc[l[0]:end]
		if j := strings.Index(sec[1:], "\n#"); j >= 0 { // the next heading ends it
			sec = sec[:j+1]
		}
		out[doc[l[2]:l[3]]] = sec
	}
	return out
}

// source is the text a quote is in, white space collapsed.
func source(t *testing.T, sections map[string]string, q quote) string {
	t.Helper()
	if q.in == workshop {
		sec, ok := sections[q.sc]
		if !ok {
			t.Fatalf("docs/workshop.md has no section for %s", q.sc)
		}
		return normal(sec)
	}
	s := mustLoad(t, q.sc)
	if q.in == description {
		return normal(s.Description)
	}
	var i int
	if _, err := fmt.Sscanf(q.in, "step %d", &i); err != nil || i >= len(s.Lesson) {
		t.Fatalf("%s has no lesson %s", q.sc, q.in)
	}
	st := s.Lesson[i]
	text := []string{st.Say, st.Hint}
	if p := st.Predict; p != nil {
		text = append(text, p.Question, p.Explain)
	}
	return normal(strings.Join(text, " "))
}

func (q quote) where() string {
	w := q.sc + " " + q.in
	switch {
	case q.extra != "":
		w += " (with " + q.extra + ")"
	case q.change != 0:
		w += fmt.Sprintf(" (after step %d's change)", q.change)
	}
	return w
}

// TestQuotedNumbers checks every quote: its text is where it says, and the
// number agrees with the simulator to the precision written (or within about).
func TestQuotedNumbers(t *testing.T) {
	sections := workshopSections(t)
	groups := map[string][]quote{}
	var order []string
	for _, q := range quotes {
		k := q.sc + "/as-written"
		switch {
		case q.extra != "":
			k = q.extra
		case q.change != 0:
			k = fmt.Sprintf("%s/step%d", q.sc, q.change)
		}
		if groups[k] == nil {
			order = append(order, k)
		}
		groups[k] = append(groups[k], q)
	}
	for _, k := range order {
		qs := groups[k]
		t.Run(k, func(t *testing.T) {
			t.Parallel()
			r := runFor(t, qs[0].sc, qs[0].change, qs[0].extra)
			for _, q := range qs {
				plain, num, err := unbrace(q.text)
				if err != nil {
					t.Error(err)
					continue
				}
				if !strings.Contains(source(t, sections, q), normal(plain)) {
					t.Errorf("%s does not say %q", q.where(), normal(plain))
				}
				w, err := parseQuoted(num)
				if err != nil {
					t.Errorf("%s: %v", q.where(), err)
					continue
				}
				got := q.v(t, r)
				tol := w.half
				if q.about > 0 {
					tol = max(tol, q.about*math.Abs(w.v))
				}
				t.Logf("%-40q %.6g %s", normal(plain), got/w.scale, w.unit)
				if !(math.Abs(got-w.v) <= tol*(1+1e-9)) {
					t.Errorf("%s says %q; the simulator gives %.6g %s (the text allows %.6g..%.6g)",
						q.where(), normal(plain), got/w.scale, w.unit, (w.v-tol)/w.scale, (w.v+tol)/w.scale)
				}
			}
		})
	}
}

// tokenRe finds the numbers of a text: times like 17m4s, and numbers with an
// optional $, thousands separators and decimals, not part of a name (p99,
// r6g.large, G.025X) or of a setting's value (60s).
var tokenRe = regexp.MustCompile(`\d+h\d+m|\d+m\d+s|\$?\d[\d,]*(?:\.\d+)?`)

func numberTokens(text string) [][2]int {
	var out [][2]int
	for _, l := range tokenRe.FindAllStringIndex(text, -1) {
		a, b := l[0], l[1]
		for b > a && text[b-1] == ',' { // a separator ends a clause, not a number
			b--
		}
		if a > 0 && strings.ContainsRune("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_.=-", rune(text[a-1])) {
			continue
		}
		if b < len(text) && strings.ContainsRune("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_", rune(text[b])) {
			continue
		}
		out = append(out, [2]int{a, b})
	}
	return out
}

var (
	codeRe  = regexp.MustCompile("`[^`]*`")
	labelRe = regexp.MustCompile(`\*\*Change \d+\*\*`)
)

// TestWorkshopNumbersAreChecked reads every number in the workshop's answers
// and changes (a section's text after its `./streamsim run NAME`) and wants
// each one in a quote, which TestQuotedNumbers checks against the simulator,
// or in given, the numbers that are inputs. A number added to the workshop
// without either fails here, with a suggestion to paste.
func TestWorkshopNumbersAreChecked(t *testing.T) {
	sections := workshopSections(t)
	for _, name := range Names() {
		n := 0
		for _, q := range quotes {
			if q.sc == name && q.in == workshop {
				n++
			}
		}
		if n == 0 {
			t.Errorf("no quote checks a number of the workshop's section for %s", name)
		}
		sec := normal(sections[name])
		start := strings.Index(sec, "`./streamsim run "+name+"`")
		if start < 0 {
			t.Errorf("the workshop's section for %s does not show `./streamsim run %s`", name, name)
			continue
		}
		covered := map[int]bool{}
		mark := func(text string) (found bool) {
			plain, num, err := unbrace(text)
			if err != nil {
				t.Error(err)
				return true
			}
			plain = normal(plain)
			off := strings.Index(normal(text), "{")
			for i := 0; ; {
				j := strings.Index(sec[i:], plain)
				if j < 0 {
					break
				}
				for k := 0; k < len(num); k++ {
					covered[i+j+off+k] = true
				}
				i, found = i+j+1, true
			}
			return found
		}
		for _, q := range quotes {
			if q.sc == name && q.in == workshop {
				mark(q.text)
			}
		}
		for _, g := range given[name] {
			if !mark(g) {
				t.Errorf("%s: the given %q is not in the workshop's section; delete it", name, g)
			}
		}
		// A setting written as code (`clicks.shards: 8`) is an input, and
		// **Change 2** a label.
		for _, l := range labelRe.FindAllStringIndex(sec, -1) {
			for k := l[0]; k < l[1]; k++ {
				covered[k] = true
			}
		}
		for _, l := range codeRe.FindAllStringIndex(sec, -1) {
			if span := sec[l[0]:l[1]]; strings.Contains(span, ": ") || strings.Contains(span, "=") {
				for k := l[0]; k < l[1]; k++ {
					covered[k] = true
				}
			}
		}
		for _, tok := range numberTokens(sec[start:]) {
			a, b := start+tok[0], start+tok[1]
			if !covered[a] {
				t.Errorf("%s: %s is neither quoted nor given; add a quote (an engine number) or a given (an input): %q",
					name, sec[a:b], suggest(sec, a, b))
			}
		}
	}
}

// given are the numbers the workshop's answers quote that are not the
// simulator's results: the scenario's own settings and rates, AWS's limits and
// prices, and streamsim's rules of thumb.
var given = map[string][]string{
	"seed-pipeline": {
		"{2,500} records/s over", "over {4} shards at", "limited to {1,000} records/s", "or {1} MiB/s",
		"not every {300} s?", "buffer reaches {5} MiB", "before the {300} s interval", "up to {5} KB,",
		"these are {1} KiB records", "the producers' {3} retries", "gets {4.4} MiB/s against", "its {2} KPUs'",
		"KPUs' {4} MiB/s", "more than {100}%,",
	},
	"hot-partition-key": {"written, on {4} shards;", "resharded at {15} minutes)", "which the {8}-shard stream",
		"stream takes {4,000} records/s", "and gets {2,000}.", "is offered {1,400} new records/s",
		"resharding to {8} shards", "shards at {15} minutes", "limited to {1,000} writes/s",
	},
	"firehose-buffering":          {"after {900} s the", "MiB of {128}."},
	"polling-vs-enhanced-fan-out": {"readers want {0.72} MiB/s", "readers share {2} MiB/s.", "its own {2} MiB/s per", "consumers share {2} MiB/s between"},
	"provisioned-vs-on-demand":    {"peak was {2} MiB/s", "at least {4} MiB/s)", "at most {10} times a day"},
	"lambda-poison-record":        {"record expires ({24} h)"},
	"retention-consumer-outage":   {"they were {24} hours old", "up to {2} MiB/s per shard", "retention, {$0.02} per shard-hour"},
	"retail-clickstream": {"lake holds {60} objects.",
		"starts at {4} MiB/s,", "The {100} s window", "at {2} DPUs",
		"(about {8} MiB/s)", "{2} × ¼ DPU",
	},
	"iot-telemetry": {
		"{5,000} records/s into", "into {3} shards of", "shards of {1,000} records/s", "into {50} KiB Kinesis",
		"needs a {64} MiB buffer", "before the {300} s interval", "At least {5}, more",
	},
	"security-log-analytics": {
		"a {5} MiB buffer", "the {4}-minute outage", "within its {300} s window", "Flink ({2} KPUs,",
		"records after {300} s and", "keeps {24} hours,", "waits for {1} MB per", "shard (about {2} s), then",
	},
	"fraud-detection-msk": {
		"lunch is {2} MB/s", "Firehose's {300} s buffer", "about {5,000} writes in a second", "against {4,000} WCU",
		"the producer's {10} retries",
	},
	"stock-market-emr": {
		"{5} MB/s per partition", "not {200} MB/s per cluster", "The {10} s batch", "instance (about {8} MiB/s)",
		"Redshift's {10} s COPY",
	},
	"video-ingestion-kvs": {
		"Fragments: {0.5} per second", "against {5},", "bytes are {250} KB/s", "of {12.5} MB/s",
		"reads about {5} MiB/s", "of the {10} MB/s", "The {7}-day retention",
	},
}

// suggest writes a number with a few words around it, braced, for a quote or
// a given.
func suggest(sec string, a, b int) string {
	from, to := a, b
	for n := 0; from > 0 && n < 3; from-- {
		if sec[from-1] == ' ' {
			n++
		}
	}
	for n := 0; to < len(sec) && n < 3; to++ {
		if sec[to] == ' ' {
			n++
		}
	}
	return strings.TrimSpace(sec[from:a] + "{" + sec[a:b] + "}" + sec[b:to])
}
