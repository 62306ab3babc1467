//go:build race

package advice

// raceEnabled shrinks the random-pipeline sweep of the suggestion check: the
// race detector makes the simulator about ten times slower, and neither it
// nor the advisor has goroutines to check.
const raceEnabled = true
