package sim

import "github.com/streamsim/streamsim/pipeline"

func init() { dests[pipeline.Redshift] = func() destKind { return redshift{} } }

// redshift is a Redshift cluster: COPY loads (from Firehose) or a
// materialized view reading a stream (streaming ingestion), at the cluster's
// load rate (rule of thumb), never refusing data: a backlog is latency.
type redshift struct{ destBase }

const redshiftCopySec = 10.0 // seconds for a COPY to start and commit (U)

// reconfigure: a COPY (or materialized-view refresh) runs before rows are queryable.
func (redshift) reconfigure(_ *Engine, d *dest, _ destCfg) { d.delay = redshiftCopySec }

// accept queues data for a COPY: loads run back to back at the cluster's
// rate (FH-RETRY / RS-STREAMING-INGESTION), so a backlog shows as latency,
// not as throttling.
func (redshift) ownsAccept() bool { return true }

func (redshift) accept(e *Engine, d *dest, c cohort) (float64, bool) {
	rate := d.cfg.thumbB
	start := max(c.at, e.nowSec(), d.copyFree)
	d.copyFree = start + c.b/rate
	d.land(e, c, c.n, d.copyFree+d.delay)
	return c.n, true
}

// step is streaming ingestion (RS-STREAMING-INGESTION) when the cluster
// reads a stream: the materialized view's refresh reads it (within the
// shards' read limits and the cluster's load rate) and the rows become
// queryable when the refresh that loaded them commits, at the next multiple
// of the refresh interval.
func (redshift) step(e *Engine, d *dest) {
	if d.rd == nil {
		return
	}
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

func (redshift) cost(_ *Engine, d *dest, h, _ float64) float64 {
	return float64(d.n.Int("nodes")) * h * pipeline.RedshiftNodeHour
}

func (redshift) retryWindow() float64 { return pipeline.FirehoseRSRetryS }
