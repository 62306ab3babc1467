package advice

import (
	"fmt"

	"github.com/streamsim/streamsim/pipeline"
)

// AWS Lambda (event source mapping): batches, parallelization per shard.

func init() {
	register(pipeline.Lambda, &serviceAdvice{
		follows: []string{selectLambda},
		latencyFlag: func(_ *selector, c *pipeline.Node, lat float64, add addFlag) {
			if w := c.Dur("batch_window").Seconds(); w > 0 && lat < w {
				add(warn, c.ID, fmt.Sprintf("set %s.batch_window below %s", c.ID, secs(lat)),
					"LAMBDA-ESM-BATCH: Lambda waits up to MaximumBatchingWindowInSeconds for a batch to fill",
					fmt.Sprintf("a %s p99 cannot be met when batches that do not fill wait %s", secs(lat), secs(w)))
			}
		},
		throughputFlag: (*selector).lambdaThroughput,
		stuck: func(d *Diagnoser, c *pipeline.Node) string {
			if v := d.final[c.ID+".failed_batches"]; v > 0 {
				return sprintf("a failing batch blocks its shard (%s failed invocations): set %s.bisect: true and a finite %s.retries (LAMBDA-ESM-ERRORS: BisectBatchOnFunctionError, MaximumRetryAttempts) with an on-failure destination.",
					count(v), c.ID, c.ID)
			}
			return ""
		},
		capacity: lambdaCapacity,
		delay: func(_ *Diagnoser, _ pipeline.Snapshot, n *pipeline.Node, _ *pipeline.NodeSnapshot) (delay, bool) {
			w := n.Dur("batch_window").Seconds()
			return delay{n.ID, "the " + secs(w) + " batching window of " + n.ID, "lower " + n.ID + ".batch_window (LAMBDA-ESM-BATCH).", w}, w > 0
		},
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

// lambdaCapacity: concurrent batches per shard (parallelization ÷ duration,
// LAMBDA-ESM-PARALLEL) against srcR records/s arriving over units shards.
func lambdaCapacity(c *pipeline.Node, units int, srcR float64) (fix string, short, known bool) {
	dur := c.Dur("duration").Seconds()
	if dur <= 0 || srcR <= 0 || c.Has("capacity") {
		return "", false, false
	}
	need := ceilDiv(srcR/float64(units)*dur, 0.8, 1)
	switch {
	case need > pipeline.LambdaMaxParallel:
		return sprintf("add shards or make the function faster: even 10 concurrent batches per shard (LAMBDA-ESM-PARALLEL) process only %s at %s per record, and %s arrive.",
			recs(float64(units)*pipeline.LambdaMaxParallel/dur), secs(dur), recs(srcR)), true, true
	case need > c.Int("parallelization"):
		return sprintf("set %s.parallelization to %d (each shard runs that many concurrent batches, LAMBDA-ESM-PARALLEL).", c.ID, need), true, true
	}
	return sprintf("%s has concurrency to spare for %s: look at what holds its batches (errors, its reads, its target).", c.ID, recs(srcR)), false, true
}
