package cmd

import (
	"runtime/debug"
	"testing"
)

// TestBatchMode: the commands that run many simulations collect at GOGC=400,
// unless the user set GOGC.
func TestBatchMode(t *testing.T) {
	was := debug.SetGCPercent(100)
	defer debug.SetGCPercent(was)
	batchMode(func(string) string { return "" })
	if got := debug.SetGCPercent(100); got != 400 {
		t.Errorf("GOGC unset: %d, want 400", got)
	}
	batchMode(func(k string) string {
		if k == "GOGC" {
			return "50"
		}
		return ""
	})
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("GOGC=50 set by the user: changed to %d", got)
	}
}
