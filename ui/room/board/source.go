package board

import "time"

// Source is what the board shows: the room. Every method is safe to call
// from any goroutine and returns copies the board may keep.
type Source interface {
	// Info is the room's header: where it listens, how to come in, how full.
	Info() Info
	// Rows are the learners, in no particular order.
	Rows() []Row
	// Events are the room's latest events (joins, leaves, refusals), oldest
	// first, at most n.
	Events(n int) []Event
	// Frame is the screen a learner's TUI drew last, as plain text, and
	// whether the learner is in the room.
	Frame(id string) (string, bool)
	// Subscribe returns a channel that receives (without blocking the room,
	// so several changes may arrive as one) whenever a row or an event
	// changes, and the function that ends the subscription.
	Subscribe() (<-chan struct{}, func())
}

// Info is the board's header.
type Info struct {
	Addr     string // where the room listens
	Code     string // the room code ("" when keys are the only way in)
	Keys     bool   // an authorized_keys file lets learners in
	HostKey  string // the host key's fingerprint (SHA256:…)
	Learners int    // in the room now
	Max      int    // the most at once
	Closing  bool
}

// Row is one learner: the board draws one line per row.
type Row struct {
	ID   string // the learner's folder: stays the same across reconnects
	Name string // as the learner gave it (the board escapes it)
	Here bool   // connected now
	Addr string // where from

	Lesson  string  // "" before any lesson
	Step    int     // 0-based; Steps when all are done
	Steps   int     // steps of the lesson
	Done    []bool  // per step
	BestErr float64 // smallest relative error of a prediction; -1: none
	Ended   bool    // the lesson's run ended (or was left)

	// Idle is how long since the learner last typed (while here), or since
	// they left.
	Idle time.Duration
}

// DoneCount is the number of steps done.
func (r Row) DoneCount() int {
	n := 0
	for _, d := range r.Done {
		if d {
			n++
		}
	}
	return n
}

// Event is one line of the room's log as the board shows it.
type Event struct {
	At   time.Time
	Warn bool   // a refusal, a crash: drawn in the warning colour
	Text string // already escaped for a terminal
}
