package sim

import (
	"math"

	"github.com/streamsim/streamsim/pipeline"
)

// dest models a destination: a write budget per tick, refusals that push back
// on the sender, and the delivery that ends a record's trip. What differs
// between services (their limits, how they take a write, their metrics and
// price) is the destination's kind, one file per service (dest_s3.go, …),
// picked once when the node is built.
type dest struct {
	nodeStats
	n       *pipeline.Node
	kind    destKind
	budTick int64
	budN    float64 // records it can still take this tick
	limN    bool    // whether each budget applies: a spent budget can dip below
	limB    bool    // zero by rounding, so "unlimited" is never told by the sign
	limO    bool
	budB    float64 // bytes
	budO    float64 // objects (S3 PUTs)
	objects float64
	delay   float64 // added before data is visible
	wired   bool    // built: a change of configuration from now on is a change at run time
	rows    float64 // items written (a window's results are fewer than its records)
	// units is what a row costs in the destination's write units (DynamoDB:
	// per 1 KB, DDB-WRITE-UNIT) and used the write units taken this tick.
	units, used float64
	copyFree    float64 // when the load (or indexing) queue is free
	src         *stream // streaming ingestion: the stream it reads
	rd          *reader
	cfg         destCfg
}

// destKind is one destination service's behaviour.
type destKind interface {
	// reconfigure follows a change of the node's settings: d.cfg has them
	// read, prev is what they were.
	reconfigure(e *Engine, d *dest, prev destCfg)
	// budget sets the tick's write budget of a destination that works.
	budget(e *Engine, d *dest, dt float64)
	// accept takes what it can of c its own way (own) or leaves it to the
	// budget; it is asked only while the destination works.
	accept(e *Engine, d *dest, c cohort) (took float64, own bool)
	// step runs after the tick's writes.
	step(e *Engine, d *dest)
	metrics(d *dest, m map[string]float64)
	// cost is the monthly cost at the run's average load (h hours a month,
	// gbIn GB written a month).
	cost(e *Engine, d *dest, h, gbIn float64) float64
	// retryWindow is how long Firehose retries a delivery to it, seconds (FH-RETRY).
	retryWindow() float64
	// objectStore: files written to it are readable once closed (a Flink
	// file sink commits them at its checkpoints).
	objectStore() bool
	// ownsAccept reports whether accept takes writes its own way (never
	// leaves them to the budget), so that a batch of writes (acceptEach)
	// knows without asking per write.
	ownsAccept() bool
}

// dests makes each destination service's kind; each file registers its own.
var dests = map[pipeline.ServiceName]func() destKind{}

// destBase is what a destination kind does where it does nothing of its own.
type destBase struct{}

func (destBase) reconfigure(*Engine, *dest, destCfg)           {}
func (destBase) budget(*Engine, *dest, float64)                {}
func (destBase) accept(*Engine, *dest, cohort) (float64, bool) { return 0, false }
func (destBase) step(*Engine, *dest)                           {}
func (destBase) metrics(*dest, map[string]float64)             {}
func (destBase) retryWindow() float64                          { return pipeline.FirehoseS3RetryS }
func (destBase) objectStore() bool                             { return false }
func (destBase) ownsAccept() bool                              { return false }
func (destBase) cost(_ *Engine, _ *dest, _, _ float64) float64 { return 0 }

// destCfg is the settings read once per change, not once per tick.
type destCfg struct {
	prefixes, wcu float64
	thumbB        float64 // bytes/s by the service's rule of thumb (OpenSearch, Redshift)
	refresh       float64 // seconds between refreshes (OpenSearch, Redshift streaming ingestion)
	onDemand      bool
}

func newDest(e *Engine, n *pipeline.Node, kind destKind) *dest {
	d := &dest{nodeStats: nodeStats{id: n.ID, failedUntil: -1}, n: n, kind: kind, budTick: -1}
	d.reconfigure(e)
	return d
}

func (d *dest) stats() *nodeStats    { return &d.nodeStats }
func (d *dest) node() *pipeline.Node { return d.n }
func (d *dest) held() float64        { return 0 }

func (d *dest) reconfigure(e *Engine) {
	n := d.n
	prev := d.cfg
	d.cfg = destCfg{
		prefixes: float64(n.Int("prefixes")), wcu: float64(n.Int("wcu")),
		onDemand: n.Str("mode") == "on-demand",
		refresh:  n.Dur("refresh").Seconds(),
	}
	if th := n.Service.Thumb; th != nil {
		d.cfg.thumbB = th.Capacity(n)
	}
	d.delay = 0
	d.kind.reconfigure(e, d, prev)
}

func (d *dest) wire(e *Engine) error {
	d.wired = true
	if src, ok := e.byID[d.n.From].(*stream); ok {
		// Streaming ingestion (RS-STREAMING-INGESTION): the destination
		// reads the stream itself, as fast as it loads.
		d.src = src
		d.rd = src.addReader(&d.nodeStats, false)
		d.rd.capB = d.cfg.thumbB
	}
	d.units = max(1, e.unitsPerRecord(d.n.ID, pipeline.DDBItemUnit, false)) // DDB-WRITE-UNIT: per 1 KB
	if w, ok := d.kind.(destWirer); ok {
		w.wire(e, d)
	}
	return nil
}

// destWirer is a destination kind that looks at its neighbours once all
// models exist.
type destWirer interface{ wire(e *Engine, d *dest) }

// budget resets the per-tick write budget the first time a sender calls in a tick.
func (d *dest) budget(e *Engine) {
	if d.budTick == e.tick {
		return
	}
	d.budTick = e.tick
	d.limN, d.limB, d.limO = false, false, false
	if d.failed(e.nowSec()) {
		d.budN, d.limN = 0, true
		return
	}
	d.kind.budget(e, d, e.dt)
}

// accept takes as much of c as the destination can this tick and returns the records taken.
func (d *dest) accept(e *Engine, c cohort) float64 {
	d.budget(e)
	if !d.failed(e.nowSec()) {
		if took, own := d.kind.accept(e, d, c); own {
			return took
		}
	}
	rows := c.n * c.rowsPerRecord()
	ok := c.n
	if d.limN && rows > 0 {
		ok = min(ok, c.n*d.budN/rows)
	}
	if d.limB && c.b > 0 {
		ok = min(ok, c.n*d.budB/c.b)
	}
	if d.limO && c.obj > 0 {
		ok = min(ok, c.n*d.budO/c.obj)
	}
	ok = max0(ok)
	if ok < c.n*(1-1e-6) {
		d.throttled += c.n - ok
	}
	if ok <= 0 {
		return 0
	}
	f := ok / c.n
	d.budN = max0(d.budN - rows*f)
	d.budB = max0(d.budB - c.b*f)
	d.budO = max0(d.budO - c.obj*f)
	d.objects += c.obj * f
	d.rows += rows * f
	d.used += rows * f * d.units
	d.land(e, c, ok, max(c.at, e.nowSec())+d.delay)
	return ok
}

// land counts n records of c as written, visible at `at`.
func (d *dest) land(e *Engine, c cohort, n, at float64) {
	f := n / c.n
	d.in += n
	d.inB += c.b * f
	d.out += n
	d.outB += c.b * f
	c.n = n // c is this call's copy: changing it is cheaper than copying it again (see gather.addNew)
	e.deliver(c, at)
}

// nextRefresh is when data indexed or loaded at t becomes visible: at the
// next refresh, every `every` seconds from the start (OS-REFRESH,
// RS-STREAMING-INGESTION), so waits spread over the whole interval.
func nextRefresh(t, every float64) float64 {
	if every <= 0 {
		return t
	}
	return math.Ceil(t/every-1e-9) * every
}

func (d *dest) step(e *Engine) {
	d.kind.step(e, d)
	d.used = 0
}

func (d *dest) metrics(e *Engine, m map[string]float64) {
	m["throttled_records"] = d.throttled
	if d.rd != nil {
		m["lag_records"] = d.rd.lag()
		m["iterator_age_max"] = d.rd.iterAgeMax
	}
	d.kind.metrics(d, m)
}
