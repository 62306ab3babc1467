package sim

import "github.com/streamsim/streamsim/pipeline"

func init() { dests[pipeline.OpenSearch] = func() destKind { return openSearch{} } }

// openSearch is an OpenSearch domain: it indexes at its instances' rate
// (rule of thumb OpenSearchPerInstance), queues bursts, and makes documents
// searchable at its refreshes.
type openSearch struct{ destBase }

const openSearchQueueSec = 10.0 // seconds of indexing a domain's write queues hold before 429s (U)

func (openSearch) budget(_ *Engine, d *dest, dt float64) { d.budB, d.limB = d.cfg.thumbB*dt, true }

// accept indexes bulk requests: each node's write queue takes bursts (a
// window's results arriving at once) and indexes them at the domain's rate;
// only when the queue holds more than openSearchQueueSec of work does the
// domain answer 429 Too Many Requests and the sender must retry (OS-KC).
// Documents are searchable at the next refresh after indexing.
func (openSearch) ownsAccept() bool { return true }

func (openSearch) accept(e *Engine, d *dest, c cohort) (float64, bool) {
	now := e.nowSec()
	rate := d.cfg.thumbB
	start := max(now, d.copyFree)
	room := (now + openSearchQueueSec - start) * rate // bytes the queue can still take
	ok := c.n
	if c.b > room {
		ok = c.n * max(0, room) / c.b
	}
	if ok < c.n*(1-1e-6) {
		d.throttled += c.n - ok
	}
	if ok <= 0 {
		return 0, true
	}
	d.copyFree = start + c.b*(ok/c.n)/rate
	// Refreshes fall half a tick after tick boundaries: writes landing on a
	// boundary then wait half an interval on average, as writes spread
	// within the tick would, rather than none at a refresh of one tick.
	half := e.dt / 2
	d.land(e, c, ok, nextRefresh(max(c.at, d.copyFree)-half, d.cfg.refresh)+half)
	return ok, true
}

func (openSearch) cost(_ *Engine, d *dest, h, _ float64) float64 {
	return float64(d.n.Int("instances")) * h * pipeline.OpenSearchInstanceH
}

func (openSearch) retryWindow() float64 { return pipeline.FirehoseOSRetryS }
