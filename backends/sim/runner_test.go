package sim

import "testing"

// TestAdvisorGrid: the advisor's samples fall on the CSV's grid, and a reset snapshot is
// taken at the grid tick just before each sample, so every sample's rates
// cover the last stride ticks.
func TestAdvisorGrid(t *testing.T) {
	for _, tc := range []struct {
		ticks, stride, every int64
	}{
		{3600, 1, 9}, {3600, 1, 1}, {86400, 1, 216}, {1_000_000, 10, 2500}, {1_000_003, 11, 2508}, {7, 1, 1},
	} {
		a := advisor{stride: tc.stride, every: tc.every, ticks: tc.ticks}
		var last int64 // the last snapshot's tick
		for tk := int64(1); tk <= tc.ticks; tk++ {
			switch {
			case a.sampleAt(tk):
				if tk%tc.stride != 0 && tk != tc.ticks {
					t.Fatalf("%+v: sample at %d off the grid", tc, tk)
				}
				want := (tk - 1) / tc.stride * tc.stride
				if last != want {
					t.Fatalf("%+v: sample at %d covers %d.., want %d..", tc, tk, last, want)
				}
				last = tk
			case a.resetAt(tk):
				if tk%tc.stride != 0 {
					t.Fatalf("%+v: reset at %d off the grid", tc, tk)
				}
				last = tk
			}
		}
		if last != tc.ticks {
			t.Errorf("%+v: no sample at the end", tc)
		}
	}
}
