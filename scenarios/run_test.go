package scenarios

import (
	"testing"
	"time"

	"github.com/streamsim/streamsim/pipeline"
)

// TestBuiltinsRun simulates every built-in as written and checks each of its
// expect lines, as `streamsim run NAME` does in CI.
func TestBuiltinsRun(t *testing.T) {
	for _, name := range Names() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := mustLoad(t, name)
			m := baseline(t, name)
			units := map[string]pipeline.Unit{}
			for _, d := range s.MetricNames() {
				units[d.Name] = d.Unit
			}
			for _, e := range s.Expect {
				v, ok := m[e.Metric]
				if !ok {
					t.Errorf("expect %q: the simulator reports no %s", e.Text, e.Metric)
					continue
				}
				if !e.Holds(v) {
					t.Errorf("expect %q does not hold: %s = %s", e.Text, e.Metric, pipeline.FormatMetric(units[e.Metric], v))
				}
			}
		})
	}
}

// maxTicks bounds a built-in's simulated ticks so that the whole library runs
// in seconds under -race: two hours at 1 s, or longer at a coarser tick.
const maxTicks = 12000

// TestBuiltinsAreQuick keeps every built-in within maxTicks.
func TestBuiltinsAreQuick(t *testing.T) {
	for _, name := range Names() {
		s := mustLoad(t, name)
		if ticks := s.Duration / s.Tick; ticks > maxTicks {
			t.Errorf("%s: %s at a %s tick is %d ticks, more than %d; use a coarser tick",
				name, pipeline.FormatDuration(s.Duration), pipeline.FormatDuration(s.Tick), ticks, maxTicks)
		}
		if s.Duration > 48*time.Hour {
			t.Errorf("%s: %s is longer than two days", name, pipeline.FormatDuration(s.Duration))
		}
	}
}
