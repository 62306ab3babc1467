package aws

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"
)

// sender carries records from one node (a producer or a consumer) to one
// target. send queues records and returns at once unless the queue is full
// (then it waits: back-pressure on the writer); close flushes what is queued
// and waits for calls in flight.
type sender interface {
	send(ctx context.Context, recs []userRecord) error
	close()
	pending() int64
}

// edge is one writer → target connection and what it reports to.
type edge struct {
	writer, target string
	paths          int // destination deliveries each record is worth from the target on
	m              *meter
	maxRetries     int
	backoff        time.Duration
	// svc is the target's service, h its endpoint's health (nil: Kafka, or none).
	svc Service
	h   *Health
}

// admit says whether to call the target's service now: not while its
// endpoint is down (but for a probe now and then), so a dead endpoint costs
// records, not the run's end.
//
// closing says the writer is flushing at the end of the run: no probes then.
// It returns the context to call with (a probe's has a short deadline).
func (e *edge) admit(ctx context.Context, closing bool) (context.Context, bool) {
	ok, probe := e.h.admit(e.svc, !closing)
	if probe {
		ctx = withCallTimeout(ctx, e.h.Deadlines().Stall)
	}
	return ctx, ok
}

// lose counts n records the writer could not hand to the target: their
// writes failed, or were cut off when the run stopped (ctx ended).
func (e *edge) lose(ctx context.Context, n int) {
	if ctx.Err() != nil {
		e.m.gaveUp(e.writer, fmt.Sprintf("writes %s → %s cut off when the run stopped", e.writer, e.target), n, e.paths)
		return
	}
	e.m.gaveUp(e.writer, fmt.Sprintf("writes %s → %s that failed", e.writer, e.target), n, e.paths)
}

// loseDown counts n records not sent because the target's endpoint is down.
func (e *edge) loseDown(n int) {
	e.m.gaveUp(e.writer, fmt.Sprintf("not sent %s → %s: the %s endpoint %s was down", e.writer, e.target, e.svc, e.h.Shown(e.svc)), n, e.paths)
}

// backoffFor returns the wait before retry attempt (1, 2, …): exponential
// from the writer's backoff, capped at 5 s, with jitter.
func (e *edge) backoffFor(attempt int) time.Duration {
	b := e.backoff
	if b <= 0 {
		b = 100 * time.Millisecond
	}
	d := b << min(attempt-1, 10)
	d = min(d, 5*time.Second)
	return d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
}

func sleepCtx(ctx context.Context, d time.Duration) bool {
	select {
	case <-ctx.Done():
		return false
	case <-time.After(d):
		return true
	}
}

// errDown says a write was not sent because its endpoint is down.
var errDown = errors.New("not sent: the endpoint is down")

// loseWith counts n records lost by a write that ended with err.
func (e *edge) loseWith(ctx context.Context, err error, n int) {
	if errors.Is(err, errDown) {
		e.loseDown(n)
		return
	}
	e.lose(ctx, n)
}

// skipSender counts records sent towards a node the run leaves out.
type skipSender struct{ e *edge }

func (s skipSender) send(_ context.Context, recs []userRecord) error {
	s.e.m.skip(s.e.writer, len(recs))
	return nil
}
func (skipSender) close()         {}
func (skipSender) pending() int64 { return 0 }
