package sim

import (
	"math"

	"github.com/streamsim/streamsim/pipeline"
)

func init() { dests[pipeline.DynamoDB] = func() destKind { return &dynamoDB{winStart: -1} } }

// dynamoDB is a DynamoDB table: write units per second, provisioned (with
// burst capacity) or on demand (growing with its peaks), and partitions that
// each take 1,000 WCU, so a hot key throttles a table with room to spare.
type dynamoDB struct {
	destBase
	hot      float64   // share of writes on the busiest key
	peak     float64   // on-demand: highest sustained write units per second
	winPeak  float64   // highest write rate while held at the table's limit
	winStart float64   // when the table first hit its limit (<0: it has not)
	burst    float64   // banked write units
	maxWCU   float64   // the most WCU provisioned so far
	switches []float64 // when it switched from provisioned to on-demand
}

func (t *dynamoDB) reconfigure(e *Engine, d *dest, prev destCfg) {
	if d.wired && !prev.onDemand && d.cfg.onDemand && !t.switchToOnDemand(e, d) {
		d.cfg.onDemand = false
	}
	if !d.cfg.onDemand {
		t.maxWCU = max(t.maxWCU, d.cfg.wcu)
	} else {
		// DDB-ONDEMAND-SWITCH: a table switched from provisioned starts with
		// a previous peak of half the most it was provisioned with.
		t.peak = max(t.peak, t.maxWCU/2)
	}
}

// switchToOnDemand follows DDB-MODE-SWITCHES: a table switches from
// provisioned to on-demand at most four times in a rolling 24 hours; a
// further switch is refused and the table stays provisioned.
func (t *dynamoDB) switchToOnDemand(e *Engine, d *dest) bool {
	now := e.nowSec()
	recent := 0
	for _, at := range t.switches {
		if now-at < 86400 {
			recent++
		}
	}
	if recent >= pipeline.DDBModeSwitches {
		e.event(d.id, "mode switch refused: at most %d switches to on-demand per 24 h", pipeline.DDBModeSwitches)
		d.n.Params["mode"] = pipeline.Value{Kind: pipeline.KindEnum, Str: "provisioned", Set: true}
		return false
	}
	t.switches = append(t.switches, now)
	return true
}

// wire: the table's partitions see the key skew of the producers that reach
// it: the busiest key's share.
func (t *dynamoDB) wire(e *Engine, d *dest) {
	for _, pt := range e.flowInto(d.n.ID) {
		if pt.all > 0 {
			_, w := e.prods[pt.prod].keys.hotKey()
			t.hot = max(t.hot, w)
		}
	}
}

// budget is in items (rows): write units ÷ units per item.
func (t *dynamoDB) budget(e *Engine, d *dest, dt float64) {
	table, partition := t.capacity(d)
	d.budN, d.limN = min(partition*dt, table*dt+t.burst)/d.units, true
}

// capacity returns the write units per second DynamoDB accepts
// (DDB-PARTITION-WCU, DDB-ONDEMAND-SCALING): the table's WCU (or on-demand's
// 4,000 start / 2 × previous peak), and the most the table can take before
// the busiest key's partition passes its 1,000 WCU.
func (t *dynamoDB) capacity(d *dest) (table, partition float64) {
	table = d.cfg.wcu
	if d.cfg.onDemand {
		table = min(pipeline.DDBTableMaxWRU, max(pipeline.DDBOnDemandStartWRU, 2*t.peak))
	}
	parts := max(1, math.Ceil(table/pipeline.DDBPartitionWCU))
	share := t.hot + (1-t.hot)/parts // the busiest partition's share of writes
	return table, pipeline.DDBPartitionWCU / share
}

func (t *dynamoDB) step(e *Engine, d *dest) {
	if d.cfg.onDemand {
		t.onDemandPeak(e, d)
		return
	}
	// Burst capacity: unused write capacity of the last 300 seconds is kept
	// and spent when writes exceed the table's WCU (DynamoDB docs; U: not in
	// the fact sheet).
	spare := d.cfg.wcu*e.dt - d.used
	t.burst = min(300*d.cfg.wcu, max(0, t.burst+spare))
}

// onDemandPeak follows DDB-ONDEMAND-SCALING's clock. A table serves up to
// twice its previous peak at once, so writes it served below its limit are
// the new previous peak at once. Demand beyond twice the peak is met over 30
// minutes: a table held at its limit gets the peak it was held at 30 minutes
// after it first hit the limit, and throttles until then. A peak never
// falls.
func (t *dynamoDB) onDemandPeak(e *Engine, d *dest) {
	rate := d.used / e.dt
	table, _ := t.capacity(d)
	now := e.nowSec() + e.dt
	if rate < table*(1-1e-3) {
		t.peak = max(t.peak, rate)
	} else {
		if t.winStart < 0 {
			t.winStart = now
		}
		t.winPeak = max(t.winPeak, rate)
	}
	if t.winStart >= 0 && now-t.winStart >= pipeline.DDBOnDemandGrowSec-1e-9 {
		t.peak = max(t.peak, t.winPeak)
		t.winPeak, t.winStart = 0, -1
	}
}

func (*dynamoDB) metrics(d *dest, m map[string]float64) { m["items_written"] = d.rows }

func (*dynamoDB) cost(e *Engine, d *dest, h, _ float64) float64 {
	if d.n.Str("mode") == "on-demand" {
		return e.monthly(d.rows*d.units) / 1e6 * pipeline.DDBPerMWrites
	}
	return float64(d.n.Int("wcu")) * h * pipeline.DDBWCUHour
}
