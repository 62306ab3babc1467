package sim

import (
	"math"

	"github.com/streamsim/streamsim/pipeline"
)

// dest models a destination: a write budget per tick, refusals that push back
// on the sender, and the delivery that ends a record's trip.
type dest struct {
	nodeStats
	n        *pipeline.Node
	svc      pipeline.ServiceName
	budTick  int64
	budN     float64 // records it can still take this tick
	limN     bool    // whether each budget applies: a spent budget can dip below
	limB     bool    // zero by rounding, so "unlimited" is never told by the sign
	limO     bool
	budB     float64 // bytes
	budO     float64 // objects (S3 PUTs)
	objects  float64
	delay    float64 // added before data is visible (OpenSearch refresh)
	hot      float64 // share of writes on the busiest key (DynamoDB partitions)
	ddbPeak  float64 // on-demand: highest sustained write units per second
	ddbUsed  float64
	winPeak  float64 // highest write rate while held at the table's limit
	winStart float64 // when the table first hit its limit (<0: it has not)
	wcuSize  float64
	burst    float64   // DynamoDB: banked write units
	maxWCU   float64   // DynamoDB: the most WCU provisioned so far
	switches []float64 // DynamoDB: when it switched from provisioned to on-demand
	wired    bool      // built: a change of configuration from now on is a change at run time
	rows     float64   // items written (a window's results are fewer than its records)
	copyFree float64   // Redshift: when the load queue is free
	src      *stream   // Redshift streaming ingestion: the stream it reads
	rd       *reader
	cfg      destCfg
}

// destCfg is the settings read once per change, not once per tick.
type destCfg struct {
	prefixes, wcu float64
	thumbB        float64 // bytes/s by the service's rule of thumb (OpenSearch, Redshift)
	refresh       float64 // seconds between refreshes (OpenSearch, Redshift streaming ingestion)
	onDemand      bool
}

const (
	openSearchQueueSec = 10.0 // seconds of indexing a domain's write queues hold before 429s (U)
	redshiftCopySec    = 10.0 // seconds for a COPY to start and commit (U)
)

func newDest(e *Engine, n *pipeline.Node) *dest {
	d := &dest{nodeStats: nodeStats{id: n.ID, failedUntil: -1}, n: n, svc: n.Service.Name, budTick: -1, winStart: -1}
	d.reconfigure(e)
	return d
}

func (d *dest) stats() *nodeStats    { return &d.nodeStats }
func (d *dest) node() *pipeline.Node { return d.n }
func (d *dest) held() float64        { return 0 }

func (d *dest) reconfigure(e *Engine) {
	n := d.n
	if d.svc == pipeline.DynamoDB && d.wired && !d.cfg.onDemand && n.Str("mode") == "on-demand" {
		d.switchToOnDemand(e)
	}
	d.cfg = destCfg{
		prefixes: float64(n.Int("prefixes")), wcu: float64(n.Int("wcu")),
		onDemand: n.Str("mode") == "on-demand",
		refresh:  n.Dur("refresh").Seconds(),
	}
	if th := n.Service.Thumb; th != nil {
		d.cfg.thumbB = th.Capacity(n)
	}
	if !d.cfg.onDemand {
		d.maxWCU = max(d.maxWCU, d.cfg.wcu)
	} else if d.svc == pipeline.DynamoDB {
		// DDB-ONDEMAND-SWITCH: a table switched from provisioned starts with
		// a previous peak of half the most it was provisioned with.
		d.ddbPeak = max(d.ddbPeak, d.maxWCU/2)
	}
	d.delay = 0
	switch d.svc {
	case pipeline.Redshift:
		d.delay = redshiftCopySec // a COPY (or materialized-view refresh) runs before rows are queryable
	}
}

// switchToOnDemand follows DDB-MODE-SWITCHES: a table switches from
// provisioned to on-demand at most four times in a rolling 24 hours; a
// further switch is refused and the table stays provisioned.
func (d *dest) switchToOnDemand(e *Engine) {
	now := e.nowSec()
	recent := 0
	for _, t := range d.switches {
		if now-t < 86400 {
			recent++
		}
	}
	if recent >= pipeline.DDBModeSwitches {
		e.event(d.id, "mode switch refused: at most %d switches to on-demand per 24 h", pipeline.DDBModeSwitches)
		d.n.Params["mode"] = pipeline.Value{Kind: pipeline.KindEnum, Str: "provisioned", Set: true}
		return
	}
	d.switches = append(d.switches, now)
}

func (d *dest) wire(e *Engine) error {
	d.wired = true
	if src, ok := e.byID[d.n.From].(*stream); ok {
		// Redshift streaming ingestion (RS-STREAMING-INGESTION): the materialized view reads the
		// stream itself, as fast as the cluster loads.
		d.src = src
		d.rd = src.addReader(&d.nodeStats, false)
		d.rd.capB = d.cfg.thumbB
	}
	// DynamoDB partitions see the key skew of the producers that reach the
	// table: the busiest key's share.
	for _, pt := range e.flowInto(d.n.ID) {
		if pt.all > 0 {
			_, w := e.prods[pt.prod].keys.hotKey()
			d.hot = max(d.hot, w)
		}
	}
	d.wcuSize = max(1, e.unitsPerRecord(d.n.ID, pipeline.DDBItemUnit, false)) // DDB-WRITE-UNIT: per 1 KB
	return nil
}

// budget resets the per-tick write budget the first time a sender calls in a tick.
func (d *dest) budget(e *Engine) {
	if d.budTick == e.tick {
		return
	}
	d.budTick = e.tick
	dt := e.dt
	d.limN, d.limB, d.limO = false, false, false
	if d.failed(e.nowSec()) {
		d.budN, d.limN = 0, true
		return
	}
	switch d.svc {
	case pipeline.S3:
		d.budO, d.limO = pipeline.S3PutPerPrefix*d.cfg.prefixes*dt, true // S3-PREFIX-RATE
	case pipeline.OpenSearch:
		d.budB, d.limB = d.cfg.thumbB*dt, true
	case pipeline.DynamoDB:
		// Budget in items (rows): write units ÷ units per item.
		table, partition := d.ddbCapacity(e)
		d.budN, d.limN = min(partition*dt, table*dt+d.burst)/d.wcuSize, true
	}
}

// ddbCapacity returns the write units per second DynamoDB accepts (DDB-PARTITION-WCU, DDB-ONDEMAND-SCALING): the
// table's WCU (or on-demand's 4,000 start / 2 × previous peak), and the most the
// table can take before the busiest key's partition passes its 1,000 WCU.
func (d *dest) ddbCapacity(e *Engine) (table, partition float64) {
	table = d.cfg.wcu
	if d.cfg.onDemand {
		table = min(pipeline.DDBTableMaxWRU, max(pipeline.DDBOnDemandStartWRU, 2*d.ddbPeak))
	}
	parts := max(1, math.Ceil(table/pipeline.DDBPartitionWCU))
	share := d.hot + (1-d.hot)/parts // the busiest partition's share of writes
	return table, pipeline.DDBPartitionWCU / share
}

// accept takes as much of c as the destination can this tick and returns the records taken.
func (d *dest) accept(e *Engine, c cohort) float64 {
	d.budget(e)
	if d.svc == pipeline.Redshift && !d.failed(e.nowSec()) {
		return d.copyLoad(e, c)
	}
	if d.svc == pipeline.OpenSearch && !d.failed(e.nowSec()) {
		return d.bulkIndex(e, c)
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
	ok = max(0, ok)
	if ok < c.n*(1-1e-6) {
		d.throttled += c.n - ok
	}
	if ok <= 0 {
		return 0
	}
	f := ok / c.n
	d.budN = max(0, d.budN-rows*f)
	d.budB = max(0, d.budB-c.b*f)
	d.budO = max(0, d.budO-c.obj*f)
	d.objects += c.obj * f
	d.rows += rows * f
	d.ddbUsed += rows * f * d.wcuSize
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
	piece := c
	piece.n = n
	e.deliver(piece, at)
}

// bulkIndex indexes bulk requests in OpenSearch: each node's write queue takes
// bursts (a window's results arriving at once) and indexes them at the
// domain's rate; only when the queue holds more than openSearchQueueSec of
// work does the domain answer 429 Too Many Requests and the sender must retry
// (OS-KC). Documents are searchable at the next refresh after indexing.
func (d *dest) bulkIndex(e *Engine, c cohort) float64 {
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
		return 0
	}
	d.copyFree = start + c.b*(ok/c.n)/rate
	// Refreshes fall half a tick after tick boundaries: writes landing on a
	// boundary then wait half an interval on average, as writes spread
	// within the tick would, rather than none at a refresh of one tick.
	half := e.dt / 2
	d.land(e, c, ok, nextRefresh(max(c.at, d.copyFree)-half, d.cfg.refresh)+half)
	return ok
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

// copyLoad queues data for Redshift: a COPY (or a materialized-view refresh)
// never refuses data, it takes longer. Loads run back to back at the cluster's
// rate (FH-RETRY / RS-STREAMING-INGESTION), so a backlog shows as latency, not as throttling.
func (d *dest) copyLoad(e *Engine, c cohort) float64 {
	rate := d.cfg.thumbB
	start := max(c.at, e.nowSec(), d.copyFree)
	d.copyFree = start + c.b/rate
	d.land(e, c, c.n, d.copyFree+d.delay)
	return c.n
}

func (d *dest) step(e *Engine) {
	if d.rd != nil {
		d.ingest(e)
	}
	if d.svc == pipeline.DynamoDB && d.cfg.onDemand {
		d.onDemandPeak(e)
	}
	if d.svc == pipeline.DynamoDB && !d.cfg.onDemand {
		// Burst capacity: unused write capacity of the last 300 seconds is kept
		// and spent when writes exceed the table's WCU (DynamoDB docs; U: not in
		// the fact sheet).
		spare := d.cfg.wcu*e.dt - d.ddbUsed
		d.burst = min(300*d.cfg.wcu, max(0, d.burst+spare))
	}
	d.ddbUsed = 0
}

// onDemandPeak follows DDB-ONDEMAND-SCALING's clock. A table serves up to
// twice its previous peak at once, so writes it served below its limit are
// the new previous peak at once. Demand beyond twice the peak is met over 30
// minutes: a table held at its limit gets the peak it was held at 30 minutes
// after it first hit the limit, and throttles until then. A peak never
// falls.
func (d *dest) onDemandPeak(e *Engine) {
	rate := d.ddbUsed / e.dt
	table, _ := d.ddbCapacity(e)
	now := e.nowSec() + e.dt
	if rate < table*(1-1e-3) {
		d.ddbPeak = max(d.ddbPeak, rate)
	} else {
		if d.winStart < 0 {
			d.winStart = now
		}
		d.winPeak = max(d.winPeak, rate)
	}
	if d.winStart >= 0 && now-d.winStart >= pipeline.DDBOnDemandGrowSec-1e-9 {
		d.ddbPeak = max(d.ddbPeak, d.winPeak)
		d.winPeak, d.winStart = 0, -1
	}
}

func (d *dest) metrics(e *Engine, m map[string]float64) {
	m["throttled_records"] = d.throttled
	if d.rd != nil {
		m["lag_records"] = d.rd.lag()
		m["iterator_age_max"] = d.rd.iterAgeMax
	}
	if d.svc == pipeline.DynamoDB {
		m["items_written"] = d.rows
	}
	if d.svc == pipeline.S3 {
		m["objects"] = d.objects
	}
}

// ingest is Redshift streaming ingestion (RS-STREAMING-INGESTION): the materialized view's
// refresh reads the stream (within the shards' read limits and the cluster's
// load rate) and the rows become queryable when the refresh that loaded them
// commits, at the next multiple of the refresh interval.
func (d *dest) ingest(e *Engine) {
	now := e.nowSec()
	refresh := d.cfg.refresh
	d.rd.take(d.failed(now), func(_ int, c cohort) {
		c.at = max(c.at, now) + d.rd.delay
		start := max(c.at, d.copyFree)
		d.copyFree = start + c.b/d.cfg.thumbB
		visible := nextRefresh(d.copyFree, refresh)
		d.land(e, c, c.n, visible)
	})
	d.rd.updateAge(now)
}
