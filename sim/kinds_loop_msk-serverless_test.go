package sim_test

import (
	"github.com/streamsim/streamsim/pipeline"
)

func init() { kinds = append(kinds, kind{name: "msk-serverless", loop: loopMSKServerless}) }

// loopMSKServerless is sim/testdata/kinds/msk-serverless.yaml: MSK
// Serverless (5 MB/s in and 10 MB/s out per partition, 200 MB/s in and
// 400 MB/s out per cluster) read by a consumer app of `instances` instances
// (5 MiB/s each) that writes to S3, rolling a file per instance a minute.
//
// Per tick: each partition's offer (new records and last tick's refusals)
// within 5 MB/s, then the cluster's 200 MB/s over all of them, refusals
// retried once and then lost; the app reads what was accepted, the new
// records handed on a fetch delay after the tick starts and the retried
// ones a tick older. The day's limits on reading (10 MB/s per partition,
// 400 MB/s per cluster, the app's capacity) are checked each tick and never
// bind, since no partition takes more than 5 MB/s and the cluster no more
// than 200 MB/s: the loop keeps no backlog and panics if one would form.
func loopMSKServerless(sc *pipeline.Scenario) loopTotals {
	d := newLoopDay(sc)
	d.kafkaShares(nodeOf(sc, "events").Int("partitions"))
	app := nodeOf(sc, "reader")
	instances := float64(app.Int("instances"))
	capB := instances * 5 * (1 << 20) * d.dt // APP-INSTANCE-CAPACITY
	objects := instances / 60 * d.dt         // a file per instance a minute
	s3Objects := pipeline.S3PutPerPrefix * float64(nodeOf(sc, "lake").Int("prefixes")) * d.dt
	partIn := pipeline.MSKServerlessPartIn * d.dt
	partOut := pipeline.MSKServerlessPartOut * d.dt
	clusterIn := pipeline.MSKServerlessIn * d.dt
	clusterOut := pipeline.MSKServerlessOut * d.dt
	readB := min(capB, clusterOut)

	frac := make([]float64, d.units)
	retry := make([]float64, d.units)
	newLat := kafkaFetchDelay
	retLat := d.dt + kafkaFetchDelay
	for t := range d.ticks {
		rn := d.rate * d.factor(float64(t)*d.dt) * d.dt
		d.tot.produced += rn
		// Each partition's limit, and what the cluster is offered within them.
		var total, top float64
		for u, s := range d.share {
			off := (rn*s + retry[u]) * d.size
			if off > top {
				top = off
			}
			f := 1.0
			if off > partIn {
				f = partIn / off
			}
			frac[u] = f
			total += off * f
		}
		d.maxUtil = max(d.maxUtil, top/partIn)
		k := 1.0
		if total > clusterIn {
			k = clusterIn / total
		}
		var inN, inR float64
		for u, s := range d.share {
			n, r := rn*s, retry[u]
			f := frac[u] * k
			accN, accR := n*f, r*f
			retry[u] = n - accN
			d.tot.throttled += n - accN + r - accR
			d.tot.lost += r - accR
			if (accN+accR)*d.size > partOut {
				panic("loopMSKServerless: a partition's reads bind; the loop keeps no backlog")
			}
			inN += accN
			inR += accR
		}
		if (inN+inR)*d.size > readB {
			panic("loopMSKServerless: the cluster's egress or the app's capacity binds; the loop keeps no backlog")
		}
		d.load.add((inN+inR)*d.size/capB, d.dt)
		if inN+inR > 0 {
			if objects > s3Objects {
				panic("loopMSKServerless: S3 refuses objects; the loop does not retry them")
			}
			d.tot.objects += objects
		}
		d.hist.Add(newLat, inN)
		d.hist.Add(retLat, inR)
		d.tot.delivered += inN + inR
	}
	// No backlog forms (the loop panics before one would): nothing is
	// left unread and the iterator age stays 0.
	return d.finish(map[string]float64{
		"events.max_shard_utilization": d.maxUtil,
		"events.lag_records":           0,
		"reader.iterator_age_max":      0,
		"reader.utilization_max":       d.load.peak,
		"pipeline.in_flight_records":   sumOf(retry),
	})
}
