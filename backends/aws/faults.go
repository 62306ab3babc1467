package aws

import (
	"errors"
	"fmt"
	"io"
	"net"
	"sort"
	"strings"
	"time"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

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

// shortErr keeps the first line of an error.
func shortErr(err error) string {
	s := err.Error()
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
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
