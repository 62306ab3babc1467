package cmd

import (
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/streamsim/streamsim/pipeline"
)

// TestSizeEvenKeys: 3,000 records/s of small records over evenly spread keys
// need 3 shards on paper (1,000 records/s each, KDS-SHARD-WRITE), 4 when the hash does
// not split the keys exactly evenly.
func TestSizeEvenKeys(t *testing.T) {
	plainRunEnv(t)
	start := time.Now()
	out, _ := wantCode(t, []string{"size", "testdata/size/even-3000.yaml"}, 0)
	t.Logf("size even-3000 took %v", time.Since(start))
	m := regexp.MustCompile(`(?m)^smallest: stream\.shards = (\d+) \(the file has 1\)$`).FindStringSubmatch(out)
	if m == nil || (m[1] != "3" && m[1] != "4") {
		t.Fatalf("want 3 or 4 shards:\n%s", out)
	}
	for _, want := range []string{
		"size even-3000: searching stream.shards (1 to 20,000) for 1 target\n",
		"  stream.throttled_records == 0\n",
		"stream.shards  RESULT  stream.throttled_records",
		"searched ",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "not monotonic") {
		t.Errorf("throttling should fall with more shards:\n%s", out)
	}
}

// TestSizeSingleHotKey: one key at 1,500 records/s cannot be fixed by
// shards: every record of a key goes to one shard (1,000 records/s, KDS-SHARD-WRITE).
func TestSizeSingleHotKey(t *testing.T) {
	plainRunEnv(t)
	for _, file := range []string{"one-key-1500", "hot-key-mixed"} {
		start := time.Now()
		out, _ := wantCode(t, []string{"size", "testdata/size/" + file + ".yaml"}, 1)
		t.Logf("size %s took %v", file, time.Since(start))
		for _, want := range []string{
			"no value of stream.shards up to ",
			"carries 1,500 records/s; a shard takes 1,000/s whatever the count",
			"Resharding will not help a single hot key; salting it over 2 keys will",
			"these still fail: stream.throttled_records == 0 (measured ",
		} {
			if !strings.Contains(strings.Join(strings.Fields(out), " "), want) {
				t.Errorf("%s: output lacks %q:\n%s", file, want, out)
			}
		}
	}
}

// TestSizeVaryAndTarget sizes the seed pipeline's stream for a stricter
// utilisation target than its own.
func TestSizeVaryAndTarget(t *testing.T) {
	plainRunEnv(t)
	out, _ := wantCode(t, []string{"size", "seed-pipeline", "--vary", "clicks.shards",
		"--target", "clicks.max_shard_utilization < 50%", "--target", "pipeline.lost_records == 0"}, 0)
	m := regexp.MustCompile(`(?m)^smallest: clicks\.shards = (\d+)`).FindStringSubmatch(out)
	if m == nil || m[1] != "6" {
		// 2,000 records/s of 1 KiB at peak: about 2 MiB/s, over 6 shards is
		// about 33% each; 5 shards would run near 50% with the hash's unevenness.
		if m == nil || (m[1] != "5" && m[1] != "6") {
			t.Errorf("want 5 or 6 shards:\n%s", out)
		}
	}
	if !strings.Contains(out, "for 2 targets") {
		t.Errorf("output:\n%s", out)
	}
}

// TestSizeIgnoresTimelineChangesOfTheKey: hot-partition-key resharded at 15m
// (as its lesson has the learner do); sizing its shards drops that change and
// says so.
func TestSizeIgnoresTimelineChangesOfTheKey(t *testing.T) {
	plainRunEnv(t)
	path := builtinCopy(t, "hot-partition-key")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Replace(string(data), "\nexpect:\n", "\ntimeline:\n  - at: 15m\n    set: {events.shards: 8}\n\nexpect:\n", 1)
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _ := wantCode(t, []string{"size", path, "--target", "events.throttled_records == 0"}, 1)
	for _, want := range []string{"(the timeline's change of events.shards at 15m is ignored: the search sets it)", "whatever the count"} {
		if !strings.Contains(strings.Join(strings.Fields(out), " "), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestSizeErrors(t *testing.T) {
	plainRunEnv(t)
	noExpect := "testdata/run/no-expect.yaml"
	for _, tc := range []struct {
		args   []string
		stderr string
	}{
		{[]string{"size", "seed-pipeline", "--vary", "clickz.shards"}, `no node "clickz"; did you mean "clicks"?`},
		{[]string{"size", "seed-pipeline", "--vary", "clicks.retention"}, `has no integer key "retention"; it has shards`},
		{[]string{"size", "seed-pipeline", "--vary", "clicks.shards", "--vary", "clicks.shards"}, "given twice"},
		{[]string{"size", "seed-pipeline", "--target", "clicks.throttled == 0"}, `--target "clicks.throttled == 0": unknown metric`},
		{[]string{"size", noExpect}, "no targets"},
		{[]string{"size", "testdata/no-such-file.yaml"}, "no such file"},
		{[]string{"size"}, "--help' for usage"},
	} {
		t.Run(strings.Join(tc.args[1:], " "), func(t *testing.T) {
			_, stderr := wantCode(t, tc.args, 2)
			if !strings.Contains(stderr, tc.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tc.stderr, stderr)
			}
		})
	}
}

func TestSizeOnDemand(t *testing.T) {
	plainRunEnv(t)
	path := builtinCopy(t, "seed-pipeline")
	data := strings.Replace(readText(t, path), "mode: provisioned", "mode: on-demand", 1)
	writeText(t, path, data)
	_, stderr := wantCode(t, []string{"size", path, "--vary", "clicks.shards"}, 2)
	if !strings.Contains(stderr, "clicks is on-demand") {
		t.Errorf("stderr: %s", stderr)
	}
	_, stderr = wantCode(t, []string{"size", path}, 2)
	if !strings.Contains(stderr, "nothing to vary") {
		t.Errorf("stderr: %s", stderr)
	}
}

// TestSizeMSKBrokers: brokers are searched from the replication factor up,
// over multiples of 2 or 3 only (MSK-BROKER-COUNT).
func TestSizeMSKBrokers(t *testing.T) {
	plainRunEnv(t)
	out, _ := wantCode(t, []string{"size", "testdata/size/msk-brokers.yaml"}, 0)
	for _, want := range []string{"searching topic.brokers (3 to 60, multiples of 2 or 3)", "\nsmallest: topic.brokers = "} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if regexp.MustCompile(`(?m)^  [57]  `).MatchString(out) {
		t.Errorf("tried a broker count that is not a multiple of 2 or 3:\n%s", out)
	}
}

// TestSizeSameOnAnyWorkers: the search reports the same values, results and
// answer with one worker or several (only its time differs).
//
// On several workers a run that misses a bound on a running total tells the
// search at once, and the search moves on while it finishes: the cases have
// failures that show at once, late in the run (late-spike) and never before
// the end (a latency target), alone and mixed.
func TestSizeSameOnAnyWorkers(t *testing.T) {
	plainRunEnv(t)
	timing := regexp.MustCompile(` in [0-9.]+s`)
	cases := [][]string{
		{"even-3000"}, {"one-key-1500"}, {"msk-brokers"}, {"kds-1000"}, {"hot-key-mixed"}, {"late-spike"},
		{"late-spike", "--target", "pipeline.latency_p99 < 1s"},
		{"late-spike", "--target", "pipeline.latency_p99 < 1s", "--target", "stream.throttled_records < 5000"},
		{"even-3000", "--target", "stream.throttled_records == 12"},
		{"even-3000", "--target", "lake.objects >= 10", "--target", "stream.throttled_records <= 100"},
	}
	for _, c := range cases {
		var first string
		for _, w := range []string{"1", "2", "3"} {
			args := append([]string{"size", "testdata/size/" + c[0] + ".yaml", "--workers", w}, c[1:]...)
			code, out, stderr := run(t, args...)
			if code != exitOK && code != exitFailed {
				t.Fatalf("%v: exit %d\n%s", args, code, stderr)
			}
			out = timing.ReplaceAllString(out, " in Xs")
			if first == "" {
				first = out
			} else if out != first {
				t.Errorf("%v differs from --workers 1:\n%s", args, firstDiff(out, first))
			}
		}
	}
	if _, stderr := wantCode(t, []string{"size", "testdata/size/even-3000.yaml", "--workers", "-1"}, 2); !strings.Contains(stderr, "--workers -1: expected 1 or more") {
		t.Errorf("stderr: %s", stderr)
	}
}

// BenchmarkSize1000 sizes a stream of about 0.9 GB/s (about 1,200 shards);
// go test ./cmd -run '^$' -bench Size1000 -cpu 1,2 compares one core with
// two (the search uses every core).
func BenchmarkSize1000(b *testing.B) { benchSize(b, "testdata/size/kds-1000.yaml") }

// BenchmarkSize1000Hour is BenchmarkSize1000's stream over an hour: a
// search long enough that the process's start does not count
// (scripts/size-cores.sh times both through the binary).
func BenchmarkSize1000Hour(b *testing.B) { benchSize(b, "testdata/size-hour/kds-1000-1h.yaml") }

func benchSize(b *testing.B, file string) {
	for b.Loop() {
		var out strings.Builder
		if code := ExecuteArgs([]string{"size", file}, &out, discard{}); code != 0 {
			b.Fatalf("exit %d:\n%s", code, out.String())
		}
	}
}

// TestSizeTellsFailuresEarlyOnlyForGood: a run on several workers tells the
// search it failed only when no later tick can undo it (a bound on a running
// total is exceeded), and a search counts on early failures only when every
// target is such a bound.
func TestSizeTellsFailuresEarlyOnlyForGood(t *testing.T) {
	s, err := pipeline.LoadFile("testdata/size/late-spike.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		target string
		now    float64 // the metric's value so far
		missed bool    // missed for good
		early  bool    // its failures show before the end
	}{
		{"stream.throttled_records == 0", 0, false, true},
		{"stream.throttled_records == 0", 1, true, true},
		{"stream.throttled_records == 12", 3, false, false}, // may still reach 12
		{"stream.throttled_records == 12", 13, true, false},
		{"stream.throttled_records < 5", 5, true, true},
		{"stream.throttled_records < 5", 4, false, true},
		{"stream.throttled_records <= 5", 5, false, true},
		{"stream.throttled_records <= 5", 6, true, true},
		{"stream.throttled_records > 5", 0, false, false}, // may still grow past it
		{"stream.throttled_records >= 5", 0, false, false},
		{"stream.throttled_records != 5", 5, false, false},
		{"pipeline.lost_records <= 0", 1, true, true},
		{"lake.objects < 3", 7, true, true},
		{"pipeline.latency_p99 < 1s", 5, false, false},  // not a running total
		{"stream.lag_records <= 10", 500, false, false}, // a level now, it may fall
		{"stream.max_shard_utilization < 1", 2, false, false},
	}
	for _, c := range cases {
		e, err := s.ParseExpect(c.target)
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]float64{e.Metric: c.now}
		if got := missedForGood([]pipeline.Expectation{e}, m); got != c.missed {
			t.Errorf("%s at %v: missed for good %v, want %v", c.target, c.now, got, c.missed)
		}
		if got := failEarly([]pipeline.Expectation{e}); got != c.early {
			t.Errorf("%s: fails early %v, want %v", c.target, got, c.early)
		}
	}
	both := func(a, b string) []pipeline.Expectation {
		x, _ := s.ParseExpect(a)
		y, _ := s.ParseExpect(b)
		return []pipeline.Expectation{x, y}
	}
	if failEarly(both("stream.throttled_records == 0", "pipeline.latency_p99 < 1s")) {
		t.Error("a latency target's failure shows only at the end, but the search counts on early failures")
	}
	if !failEarly(both("stream.throttled_records == 0", "pipeline.lost_records <= 10")) {
		t.Error("two bounds on running totals: failures show early")
	}
}

// TestSizeRunsShareMemory: simulations a search runs at once take their
// estimates from 80% of the memory limit, so three that need 30% each run
// two at a time; one alone runs whatever it needs (its own check refuses
// it if it cannot fit); one no longer needed stops waiting; without a known
// limit nothing waits.
func TestSizeRunsShareMemory(t *testing.T) {
	b := newMemBudget(1000)
	var mu sync.Mutex
	running, most := 0, 0
	var wg sync.WaitGroup
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if !b.take(300, func() bool { return false }) {
				t.Error("take refused without being stopped")
				return
			}
			mu.Lock()
			running++
			most = max(most, running)
			mu.Unlock()
			time.Sleep(20 * time.Millisecond)
			mu.Lock()
			running--
			mu.Unlock()
			b.give(300)
		}()
	}
	wg.Wait()
	if most != 2 {
		t.Errorf("%d ran at once, want 2", most)
	}
	if !b.take(5000, func() bool { return false }) {
		t.Fatal("a simulation alone waited")
	}
	stopped := make(chan bool)
	go func() { stopped <- b.take(300, func() bool { return true }) }()
	time.Sleep(10 * time.Millisecond)
	b.give(5000) // wakes the waiter, which is no longer needed
	if <-stopped {
		t.Error("a stopped simulation took the memory")
	}
	free := newMemBudget(0)
	for i := 0; i < 5; i++ {
		if !free.take(1e12, func() bool { return false }) {
			t.Fatal("waited without a limit")
		}
	}
}

// TestSizeLooksLessOften: an evaluation on several workers looks at its
// metrics every earlyEvery ticks until the value is likely to hold, then at
// twice the ticks of its last look, so a day of 86,400 ticks looks about
// a dozen times, and a failure that shows at tick t is seen by tick 2t.
func TestSizeLooksLessOften(t *testing.T) {
	var looks []int64
	for tick := int64(earlyEvery); tick <= 86_400; tick = nextLook(tick) {
		looks = append(looks, tick)
	}
	if looks[0] != earlyEvery || looks[1] != likelyAfter*earlyEvery {
		t.Errorf("first looks %v, want %d and %d", looks[:2], earlyEvery, likelyAfter*earlyEvery)
	}
	if len(looks) > 14 {
		t.Errorf("%d looks in a day: %v", len(looks), looks)
	}
	for i := 1; i < len(looks); i++ {
		if seen := looks[i]; seen > 2*(looks[i-1]+1) {
			t.Errorf("a failure at tick %d is seen only at tick %d", looks[i-1]+1, seen)
		}
	}
}
