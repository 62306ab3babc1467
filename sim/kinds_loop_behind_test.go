package sim_test

import "github.com/streamsim/streamsim/pipeline"

func init() { kinds = append(kinds, kind{name: "behind", loop: loopBehind}) }

// loopBehind is sim/testdata/kinds/behind.yaml: a Managed Flink job
// polling a Kinesis stream (flinkPoll) with less capacity than arrives, so
// every shard keeps a growing backlog of unread records (a ring bounded at
// 512 entries) and the job reads each shard's oldest first. It writes to S3
// through a FileSink: what it reads in a tick becomes readable at the next
// checkpoint (FLINK-FILESINK-COMMIT), and it rolls one object per KPU per
// checkpoint interval, counted in the ticks it reads.
func loopBehind(sc *pipeline.Scenario) loopTotals {
	d := newLoopDay(sc)
	job := nodeOf(sc, "job")
	f := newFlinkPoll(d, job, nodeOf(sc, "events"))
	f.fileSink = true
	objects := 1 / max(1, f.every) * f.kpus * d.dt // per tick with reads
	putLimit := pipeline.S3PutPerPrefix * float64(nodeOf(sc, "lake").Int("prefixes")) * d.dt
	if objects > putLimit {
		panic("loopBehind: S3 refuses objects; the loop does not retry them")
	}
	for t := range d.ticks {
		f.tick(float64(t))
		if f.read {
			d.tot.objects += objects
		}
	}
	return d.finish(f.figures())
}
