package sim_test

import (
	"math"

	"github.com/streamsim/streamsim/pipeline"
)

func init() {
	kinds = append(kinds, kind{name: "flink-opensearch", loop: loopFlinkOpenSearch})
}

// flinkOSQueueSec is how many seconds of indexing an OpenSearch domain's
// write queues hold before it answers 429 (unconfirmed, OS-KC).
const flinkOSQueueSec = 10.0

// loopFlinkOpenSearch is sim/testdata/kinds/flink-opensearch.yaml: a Managed
// Flink job polling a Kinesis stream (flinkPoll) and passing what it reads
// on at once to an OpenSearch domain. The domain indexes at its instances'
// bulk rate (OS-INSTANCE-CAPACITY) in the order the tick's cohorts arrive,
// one after the other, and a document becomes searchable at the first
// refresh after its cohort is indexed (refreshes half a tick after the tick
// boundaries, as the engine places them).
func loopFlinkOpenSearch(sc *pipeline.Scenario) loopTotals {
	d := newLoopDay(sc)
	f := newFlinkPoll(d, nodeOf(sc, "job"), nodeOf(sc, "events"))
	search := nodeOf(sc, "search")
	rate := float64(search.Int("instances")) * pipeline.OpenSearchPerInstance(search.Str("instance_type")) // bytes/s
	refresh := search.Dur("refresh").Seconds()
	half := d.dt / 2
	var free float64 // when the indexing queue is free, seconds
	for t := range d.ticks {
		now := float64(t)
		sec := now * d.dt
		at := sec + d.readDelay + f.tick(now)
		for i, n := range f.n {
			start := max(sec, free)
			b := n * d.size
			if b > (sec+flinkOSQueueSec-start)*rate*(1+1e-9) {
				panic("loopFlinkOpenSearch: OpenSearch refuses writes; the loop does not retry them")
			}
			free = start + b/rate
			land := flinkOSRefreshAfter(max(at, free)-half, refresh) + half
			d.hist.Add(max(0, land-f.born[i]*d.dt), n)
			d.tot.delivered += n
		}
		f.clear()
	}
	return d.finish(f.figures())
}

// flinkOSRefreshAfter is the first refresh at or after t: refreshes fall
// every `every` seconds from the start (OS-REFRESH).
func flinkOSRefreshAfter(t, every float64) float64 {
	if every <= 0 {
		return t
	}
	return math.Ceil(t/every-1e-9) * every
}
