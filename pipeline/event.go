package pipeline

import "time"

// Event is something that happened during a run: a timeline change applied,
// a reshard completed, a request refused.
type Event struct {
	At   time.Duration
	Node string // "" for the pipeline as a whole
	Text string
}
