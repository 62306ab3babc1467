package advice

import (
	"fmt"

	"github.com/streamsim/streamsim/pipeline"
)

// AWS Lambda (event source mapping): batches, parallelization per shard.

func init() {
	register(pipeline.Lambda, &serviceAdvice{
		delay: func(_ *Diagnoser, _ pipeline.Snapshot, n *pipeline.Node, _ *pipeline.NodeSnapshot) (delay, bool) {
			w := n.Dur("batch_window").Seconds()
			return delay{n.ID, "the " + secs(w) + " batching window of " + n.ID, "lower " + n.ID + ".batch_window (LAMBDA-ESM-BATCH).", w}, w > 0
		},
		follows: []string{selectLambda},
		latencyFlag: func(_ *selector, c *pipeline.Node, lat float64, add addFlag) {
			if w := c.Dur("batch_window").Seconds(); w > 0 && lat < w {
				add(warn, c.ID, fmt.Sprintf("set %s.batch_window below %s", c.ID, secs(lat)),
					"LAMBDA-ESM-BATCH: Lambda waits up to MaximumBatchingWindowInSeconds for a batch to fill",
					fmt.Sprintf("a %s p99 cannot be met when batches that do not fill wait %s", secs(lat), secs(w)))
			}
		},
		throughputFlag: (*selector).lambdaThroughput,
	})
}

// lambdaThroughput: concurrent batches per shard against the peak
// (LAMBDA-ESM-PARALLEL).
func (s *selector) lambdaThroughput(c *pipeline.Node, ld Load, add addFlag) {
	if c.Has("capacity") {
		return // the author measured it; nothing to second-guess
	}
	units := s.sourceUnits(c)
	d := c.Dur("duration").Seconds()
	if d <= 0 {
		return
	}
	have := float64(units*c.Int("parallelization")) / d
	if have < ld.PeakRecs {
		need := ceilDiv(ld.PeakRecs*d, float64(units), 1)
		choice := fmt.Sprintf("set %s.parallelization to %d", c.ID, need)
		if need > pipeline.LambdaMaxParallel {
			choice = fmt.Sprintf("more shards (each runs at most 10 concurrent batches, LAMBDA-ESM-PARALLEL) or a faster function: %d shards at parallelization 10", ceilDiv(ld.PeakRecs*d, pipeline.LambdaMaxParallel, 1))
		}
		add(warn, c.ID, choice, "LAMBDA-ESM-PARALLEL: 1–10 concurrent batches per shard",
			fmt.Sprintf("%d %s × %d concurrent %s at %s per record process %s; the peak is %s",
				units, plural(units, "shard", "shards"), c.Int("parallelization"), plural(c.Int("parallelization"), "batch", "batches"),
				secs(d), recs(have), recs(ld.PeakRecs)))
	}
}
