package aws

import (
	"fmt"
	"sync"
	"time"
)

// Health follows how each service's endpoint answers the backend's calls:
// calls in flight, calls that got no usable answer, endpoints that stopped
// answering and came back. It reports changes as events (for the run's
// snapshots, hence the dashboard) and lets writers skip an endpoint that is
// down, so a dead endpoint costs records, not the run's end.
type Health struct {
	d     Deadlines
	shown map[Service]string

	mu     sync.Mutex
	svcs   map[Service]*svcHealth
	seq    uint64
	events []string
	sink   func(string) // when set, events go here as they happen
	faults []Fault
}

// SetSink sends events to sink as they happen (nil: keep them for
// TakeEvents). The sink is called with no lock held by h.
func (h *Health) SetSink(sink func(string)) {
	if h == nil {
		return
	}
	h.mu.Lock()
	h.sink = sink
	ev := h.events
	h.events = nil
	h.mu.Unlock()
	if sink != nil {
		for _, e := range ev {
			sink(e)
		}
	}
}

// flush hands queued events to the sink, if any; called after h.mu is released.
func (h *Health) flush() {
	h.mu.Lock()
	sink := h.sink
	var ev []string
	if sink != nil {
		ev, h.events = h.events, nil
	}
	h.mu.Unlock()
	for _, e := range ev {
		sink(e)
	}
}

type svcHealth struct {
	inflight  map[uint64]string // call id → operation
	stalled   bool              // a call waited Stall, and nothing answered since
	down      bool              // the last call got no answer, and nothing answered since
	junk      bool              // an answer that was not an AWS response was reported
	lastProbe time.Time
}

// maxFaults bounds the faults kept per Health; counts stay exact in the
// events, only the list is cut.
const maxFaults = 10_000

// NewHealth follows the endpoints shown (by service) with the deadlines d.
func NewHealth(d Deadlines, shown map[Service]string) *Health {
	return &Health{d: d.withDefaults(), shown: shown, svcs: map[Service]*svcHealth{}}
}

// Deadlines are the deadlines the calls get.
func (h *Health) Deadlines() Deadlines {
	if h == nil {
		return Deadlines{}.withDefaults()
	}
	return h.d
}

// Shown is where a service's calls go, for people (no user info).
func (h *Health) Shown(s Service) string {
	if h == nil {
		return "(no endpoint)"
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.shownLocked(s)
}

func (h *Health) shownLocked(s Service) string {
	if v := h.shown[s]; v != "" {
		return v
	}
	return "AWS"
}

// SvcKafka names the Kafka cluster of MSK nodes in faults and events (its
// calls are franz-go's, not the SDK's: they report through Observe).
const SvcKafka Service = "kafka"

// name sets how a service's endpoint is shown.
func (h *Health) name(s Service, shown string) {
	if h == nil {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.shown[s] = shown
}

// Observe records the outcome of a call made outside the SDK (Kafka), as
// the SDK's calls are recorded.
func (h *Health) Observe(s Service, op string, err error) {
	if h == nil {
		return
	}
	h.end(s, h.begin(s, op), op, err, false)
}

func (h *Health) svc(s Service) *svcHealth {
	v := h.svcs[s]
	if v == nil {
		v = &svcHealth{inflight: map[uint64]string{}}
		h.svcs[s] = v
	}
	return v
}

func (h *Health) eventLocked(format string, args ...any) {
	h.events = append(h.events, fmt.Sprintf(format, args...))
}

func (h *Health) faultLocked(f Fault) {
	if len(h.faults) < maxFaults {
		h.faults = append(h.faults, f)
	}
}

func (h *Health) begin(s Service, op string) uint64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.seq++
	h.svc(s).inflight[h.seq] = op
	return h.seq
}

// stall notes that call id has waited Stall without an answer.
func (h *Health) stall(s Service, id uint64, waited time.Duration) {
	defer h.flush()
	h.mu.Lock()
	defer h.mu.Unlock()
	v := h.svc(s)
	op, ok := v.inflight[id]
	if !ok || v.stalled {
		return
	}
	v.stalled = true
	h.faultLocked(Fault{At: time.Now(), Service: s, Endpoint: h.shownLocked(s), Op: op, Kind: FaultStalled,
		Reason: fmt.Sprintf("no answer for %s", waited)})
	h.eventLocked("%s endpoint %s is not answering: %s has waited %s", s, h.shownLocked(s), op, waited)
}

// end records how call id ended. cancelled says the caller gave up (its
// context ended): that says nothing about the endpoint.
func (h *Health) end(s Service, id uint64, op string, err error, cancelled bool) {
	kind, reason := classify(err)
	defer h.flush()
	h.mu.Lock()
	defer h.mu.Unlock()
	v := h.svc(s)
	delete(v.inflight, id)
	if cancelled && err != nil {
		return
	}
	if kind.answered() {
		if v.stalled || v.down {
			h.eventLocked("%s endpoint %s answers again (%s)", s, h.shownLocked(s), op)
		}
		v.stalled, v.down = false, false
	}
	if kind == FaultNone {
		v.junk = false
		return
	}
	if op == "SubscribeToShard" {
		return // readers fall back to polling, which shows a dead endpoint soon enough
	}
	h.faultLocked(Fault{At: time.Now(), Service: s, Endpoint: h.shownLocked(s), Op: op, Kind: kind, Reason: reason})
	switch kind {
	case FaultNoAnswer, FaultUnreachable:
		if !v.down && !v.stalled {
			h.eventLocked("%s endpoint %s is down: %s: %s", s, h.shownLocked(s), op, reason)
		}
		v.down = true
	case FaultJunk:
		if !v.junk {
			h.eventLocked("%s endpoint %s answered %s with something that is not an AWS response", s, h.shownLocked(s), op)
		}
		v.junk = true
	}
}

// Down reports whether a service's endpoint is not answering now: a call has
// waited Stall, or the last call got no answer, and nothing answered since.
func (h *Health) Down(s Service) bool {
	if h == nil {
		return false
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	v := h.svc(s)
	return v.stalled || v.down
}

// admit says whether a writer should call the service now: always while it
// answers; while it is down, only when no call to it is in flight (that
// call is the probe that notices it coming back) and at most once every
// Stall. Writers never all wait on a dead endpoint at once.
// probing is false when the writer is flushing at the end of the run: then
// nothing is sent to a down endpoint. A probe gets Stall, not the call's
// whole deadline: the endpoint has had its chance.
func (h *Health) admit(s Service, probing bool) (ok, probe bool) {
	if h == nil {
		return true, false
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	v := h.svc(s)
	if !v.stalled && !v.down {
		return true, false
	}
	if probing && len(v.inflight) == 0 && time.Since(v.lastProbe) >= h.d.Stall {
		v.lastProbe = time.Now()
		return true, true
	}
	return false, false
}

// TakeEvents returns the events since the last call.
func (h *Health) TakeEvents() []string {
	if h == nil {
		return nil
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	ev := h.events
	h.events = nil
	return ev
}

// mark is a position in the list of faults.
func (h *Health) mark() int {
	if h == nil {
		return 0
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.faults)
}

// FaultsSince returns the faults recorded after mark.
func (h *Health) faultsSince(mark int) []Fault {
	if h == nil {
		return nil
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if mark >= len(h.faults) {
		return nil
	}
	return append([]Fault(nil), h.faults[mark:]...)
}
