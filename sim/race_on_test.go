//go:build race

package sim_test

// raceEnabled shrinks the random-scenario sweep: the race detector makes the
// engine about ten times slower and the engine has no goroutines to check.
const raceEnabled = true
