package aws

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go/middleware"
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
