package aws

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// Deadlines bound every call the backend makes, so that an endpoint that
// stops answering costs a run seconds, not hours. The zero value means the
// defaults.
type Deadlines struct {
	// Call is the longest one call may take, the SDK's retries included
	// (default 20 s). For GetObject it covers reading the body too; for
	// SubscribeToShard only the wait for the subscription to start (the
	// event stream then lives as long as the caller's context).
	Call time.Duration
	// Attempt is the longest one attempt waits for the response's headers
	// once the request is sent (default 8 s, at most Call).
	Attempt time.Duration
	// Connect bounds opening a connection, TLS included (default 5 s).
	Connect time.Duration
	// Stall is how long a call may go unanswered before its endpoint is
	// reported as not answering (default 5 s, at most Call).
	Stall time.Duration
	// MaxAttempts caps the SDK's attempts per call (default 3).
	MaxAttempts int
	// MaxBackoff caps the SDK's wait between attempts (default 2 s).
	MaxBackoff time.Duration
}

func (d Deadlines) withDefaults() Deadlines {
	if d.Call <= 0 {
		d.Call = 20 * time.Second
	}
	if d.Attempt <= 0 {
		d.Attempt = 8 * time.Second
	}
	d.Attempt = min(d.Attempt, d.Call)
	if d.Connect <= 0 {
		d.Connect = 5 * time.Second
	}
	if d.Stall <= 0 {
		d.Stall = 5 * time.Second
	}
	d.Stall = min(d.Stall, d.Call)
	if d.MaxAttempts <= 0 {
		d.MaxAttempts = 3
	}
	if d.MaxBackoff <= 0 {
		d.MaxBackoff = 2 * time.Second
	}
	return d
}

// httpClient bounds connecting and the wait for response headers on the
// configuration's HTTP client, keeping what the configuration set on it (a
// CA bundle, a proxy). A client that is not the SDK's buildable one is used
// as it is: the per-call deadline still bounds it.
func (d Deadlines) httpClient(c aws.HTTPClient) aws.HTTPClient {
	b, ok := c.(*awshttp.BuildableClient)
	if c == nil {
		b, ok = awshttp.NewBuildableClient(), true
	}
	if !ok {
		return c
	}
	return b.WithDialerOptions(func(nd *net.Dialer) { nd.Timeout = d.Connect }).
		WithTransportOptions(func(t *http.Transport) {
			t.TLSHandshakeTimeout = d.Connect
			t.ResponseHeaderTimeout = d.Attempt
		})
}

// retryer caps the SDK's retryer: at most MaxAttempts attempts, at most
// MaxBackoff between them. Settings that are already stricter stay.
func (d Deadlines) retryer(r aws.Retryer) aws.Retryer {
	if r == nil {
		r = retry.NewStandard()
	}
	if r.MaxAttempts() <= 0 || r.MaxAttempts() > d.MaxAttempts {
		r = retry.AddWithMaxAttempts(r, d.MaxAttempts)
	}
	return retry.AddWithMaxBackoffDelay(r, d.MaxBackoff)
}

type callTimeoutKey struct{}

// withCallTimeout shortens the deadline of the calls made with ctx (it never
// lengthens it): teardown gives an endpoint that already stalled one short
// chance.
func withCallTimeout(ctx context.Context, d time.Duration) context.Context {
	return context.WithValue(ctx, callTimeoutKey{}, d)
}

// NoAnswerError says an endpoint did not answer a call within its deadline.
type NoAnswerError struct {
	Service  Service
	Endpoint string // as shown: without user info
	Op       string
	After    time.Duration
}

func (e *NoAnswerError) Error() string {
	return fmt.Sprintf("%s endpoint %s did not answer %s within %s", e.Service, e.Endpoint, e.Op, e.After)
}

// FaultKind is how a call failed.
type FaultKind int

// The kinds of faults.
const (
	// FaultNone: the call worked, or failed in a way the caller handles and
	// measures (throttling, an expired iterator, a resource still in use).
	FaultNone FaultKind = iota
	// FaultStalled: a call went unanswered for Deadlines.Stall.
	FaultStalled
	// FaultNoAnswer: a call got no answer within its deadline.
	FaultNoAnswer
	// FaultUnreachable: no connection, or it broke (refused, reset, EOF).
	FaultUnreachable
	// FaultJunk: the endpoint answered with something that is not an AWS response.
	FaultJunk
	// FaultRefused: the endpoint answered with an error (access denied, not
	// found, an internal error, …).
	FaultRefused
)

func (k FaultKind) String() string {
	switch k {
	case FaultStalled:
		return "stopped answering"
	case FaultNoAnswer:
		return "no answer"
	case FaultUnreachable:
		return "unreachable"
	case FaultJunk:
		return "not an AWS response"
	case FaultRefused:
		return "refused"
	}
	return "ok"
}

// answered reports whether the endpoint answered at all.
func (k FaultKind) answered() bool { return k == FaultNone || k == FaultJunk || k == FaultRefused }

// benignCodes are API errors the backend handles and measures itself: they
// are the service's behaviour, not a fault of the endpoint.
var benignCodes = map[string]bool{
	"ProvisionedThroughputExceededException": true, "ThrottlingException": true, "Throttling": true,
	"ThrottledException": true, "RequestLimitExceeded": true, "TooManyRequestsException": true,
	"SlowDown": true, "ServiceUnavailableException": true, "LimitExceededException": true,
	"KMSThrottlingException": true, "RequestThrottled": true, "ExpiredIteratorException": true,
	"ResourceInUseException": true, "PriorRequestNotComplete": true,
}

// classify says what kind of fault err is, and a short reason.
func classify(err error) (FaultKind, string) {
	if err == nil {
		return FaultNone, ""
	}
	var na *NoAnswerError
	if errors.As(err, &na) {
		return FaultNoAnswer, fmt.Sprintf("no answer within %s", na.After)
	}
	var de *smithy.DeserializationError
	if errors.As(err, &de) {
		return FaultJunk, "the answer is not an AWS response"
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		if benignCodes[ae.ErrorCode()] {
			return FaultNone, ""
		}
		reason := ae.ErrorCode()
		var re *awshttp.ResponseError
		if errors.As(err, &re) {
			reason = fmt.Sprintf("%s (HTTP %d)", reason, re.HTTPStatusCode())
		}
		return FaultRefused, reason
	}
	var te interface{ Timeout() bool }
	if errors.As(err, &te) && te.Timeout() {
		return FaultNoAnswer, "timed out"
	}
	var rse *smithyhttp.RequestSendError
	var oe *net.OpError
	if errors.As(err, &rse) || errors.As(err, &oe) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return FaultUnreachable, lastCause(err)
	}
	var re *awshttp.ResponseError
	if errors.As(err, &re) && re.HTTPStatusCode() >= 100 {
		return FaultRefused, fmt.Sprintf("HTTP %d", re.HTTPStatusCode())
	}
	return FaultUnreachable, lastCause(err)
}

// errorKey is what kind of error err is, without what changes from call to
// call (request ids): the API's error code, or the fault's reason.
func errorKey(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	k, why := classify(err)
	return k.String() + " " + why
}

// lastCause is the innermost part of an error's text ("connection refused").
func lastCause(err error) string {
	s := shortErr(err)
	if i := strings.LastIndex(s, ": "); i >= 0 {
		s = s[i+2:]
	}
	return s
}

// Fault is one call that got no usable answer, or an endpoint that stalled.
type Fault struct {
	At       time.Time
	Service  Service
	Endpoint string
	Op       string
	Kind     FaultKind
	Reason   string
}

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

// SummarizeFaults writes one line per service: what went wrong first, and
// how many calls failed how, with times from start.
func SummarizeFaults(faults []Fault, start time.Time) []string {
	type agg struct {
		first  Fault
		counts map[FaultKind]int
	}
	by := map[Service]*agg{}
	var order []Service
	for _, f := range faults {
		a := by[f.Service]
		if a == nil {
			a = &agg{first: f, counts: map[FaultKind]int{}}
			by[f.Service] = a
			order = append(order, f.Service)
		}
		a.counts[f.Kind]++
	}
	var out []string
	for _, s := range order {
		a := by[s]
		at := ""
		if !start.IsZero() {
			at = " at " + clockText(max(0, a.first.At.Sub(start)))
		}
		line := fmt.Sprintf("%s endpoint %s: %s%s (%s: %s)", s, a.first.Endpoint, a.first.Kind, at, a.first.Op, a.first.Reason)
		var kinds []FaultKind
		for k := range a.counts {
			if k != FaultStalled {
				kinds = append(kinds, k)
			}
		}
		sort.Slice(kinds, func(i, j int) bool { return kinds[i] < kinds[j] })
		var parts []string
		for _, k := range kinds {
			parts = append(parts, fmt.Sprintf("%d %s", a.counts[k], plural(a.counts[k], "call", "calls")+" "+k.String()))
		}
		if len(parts) > 0 {
			line += "; " + strings.Join(parts, ", ")
		}
		out = append(out, line)
	}
	return out
}

// middleware gives each call of a service its deadline and reports its
// outcome to h.
func (h *Health) middleware(s Service) func(*middleware.Stack) error {
	return func(st *middleware.Stack) error {
		return st.Initialize.Add(middleware.InitializeMiddlewareFunc("StreamsimDeadline",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				return h.call(ctx, s, in, next)
			}), middleware.Before)
	}
}

func (h *Health) call(ctx context.Context, s Service, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
	op := awsmiddleware.GetOperationName(ctx)
	limit := h.d.Call
	if v, ok := ctx.Value(callTimeoutKey{}).(time.Duration); ok && v > 0 {
		limit = min(limit, v)
	}
	parent := ctx
	cctx, cancel := context.WithCancel(ctx)
	var fired atomic.Bool
	timer := time.AfterFunc(limit, func() { fired.Store(true); cancel() })
	id := h.begin(s, op)
	stall := min(h.d.Stall, limit)
	watch := time.AfterFunc(stall, func() { h.stall(s, id, stall) })
	out, md, err := next.HandleInitialize(cctx, in)
	watch.Stop()
	keep := false
	if err == nil {
		switch res := out.Result.(type) {
		case *s3.GetObjectOutput:
			// The deadline goes on while the body is read; closing it ends the call.
			res.Body = &closer{ReadCloser: res.Body, done: func() { timer.Stop(); cancel() }}
			keep = true
		case *kinesis.SubscribeToShardOutput:
			// A deadline per call, not per stream: the subscription's events
			// flow on cctx until the caller's context ends (a subscription
			// lasts 5 minutes at most).
			timer.Stop()
			keep = true
		}
	}
	if !keep {
		timer.Stop()
		cancel()
	}
	if err != nil && fired.Load() && parent.Err() == nil {
		err = &NoAnswerError{Service: s, Endpoint: h.Shown(s), Op: op, After: limit}
	}
	h.end(s, id, op, err, parent.Err() != nil)
	return out, md, err
}

// closer runs done once when the body is closed.
type closer struct {
	io.ReadCloser
	once sync.Once
	done func()
}

func (c *closer) Close() error {
	err := c.ReadCloser.Close()
	c.once.Do(c.done)
	return err
}
