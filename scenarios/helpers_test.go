package scenarios

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/sim"
)

// mustLoad loads a built-in or fails the test.
func mustLoad(t testing.TB, name string) *pipeline.Scenario {
	t.Helper()
	s, err := Load(name)
	if err != nil {
		t.Fatalf("%s does not load:\n%v", name, err)
	}
	return s
}

// simulate runs a scenario to its end and returns its metrics.
func simulate(t testing.TB, s *pipeline.Scenario) sim.Result {
	t.Helper()
	res, err := sim.Run(s)
	if err != nil {
		t.Fatalf("%s: %v", s.Name, err)
	}
	return res
}

// builtinRuns caches one run of each built-in as written, shared by the tests
// that check expect lines and the lesson tests that compare against it.
var builtinRuns sync.Map // name → *runOnce

type runOnce struct {
	once sync.Once
	res  sim.Result
	err  error
}

// baseline returns the metrics of the built-in name run as written.
func baseline(t testing.TB, name string) map[string]float64 {
	t.Helper()
	v, _ := builtinRuns.LoadOrStore(name, &runOnce{})
	r := v.(*runOnce)
	r.once.Do(func() {
		s, err := Load(name)
		if err != nil {
			r.err = err
			return
		}
		r.res, r.err = sim.Run(s)
	})
	if r.err != nil {
		t.Fatalf("%s: %v", name, r.err)
	}
	return r.res.Metrics
}

// TestDump prints every metric and event of the scenarios named in
// STREAMSIM_DUMP (built-in names or file paths, comma-separated). It is a tool
// for writing expect lines and lessons, skipped otherwise:
//
//	STREAMSIM_DUMP=seed-pipeline go test ./scenarios -run TestDump -v
func TestDump(t *testing.T) {
	list := os.Getenv("STREAMSIM_DUMP")
	if list == "" {
		t.Skip("set STREAMSIM_DUMP to a built-in name or a file")
	}
	filter := os.Getenv("STREAMSIM_DUMP_GREP")
	for _, name := range strings.Split(list, ",") {
		var s *pipeline.Scenario
		var err error
		if data, rerr := os.ReadFile(name); rerr == nil {
			s, err = pipeline.Load(name, data)
		} else {
			s, err = Load(name)
		}
		if err != nil {
			t.Fatal(err)
		}
		res := simulate(t, s)
		units := map[string]pipeline.Unit{}
		for _, m := range s.MetricNames() {
			units[m.Name] = m.Unit
		}
		keys := make([]string, 0, len(res.Metrics))
		for k := range res.Metrics {
			if filter == "" || strings.Contains(k, filter) {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		var b strings.Builder
		fmt.Fprintf(&b, "== %s\n", s.Name)
		for _, k := range keys {
			fmt.Fprintf(&b, "%-40s %14.6g  %s\n", k, res.Metrics[k], pipeline.FormatMetric(units[k], res.Metrics[k]))
		}
		for _, e := range s.Expect {
			fmt.Fprintf(&b, "expect %-50s holds=%v (%.6g)\n", e.Text, e.Holds(res.Metrics[e.Metric]), res.Metrics[e.Metric])
		}
		if os.Getenv("STREAMSIM_DUMP_EVENTS") != "" {
			for _, ev := range res.Events {
				fmt.Fprintf(&b, "event %8s %-12s %s\n", pipeline.FormatDuration(ev.At), ev.Node, ev.Text)
			}
		}
		t.Log("\n" + b.String())
	}
}
