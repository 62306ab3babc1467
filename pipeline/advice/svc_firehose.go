package advice

import (
	"fmt"
	"math"

	"github.com/streamsim/streamsim/pipeline"
)

// Amazon Data Firehose: its buffers, Direct PUT quota, Lambda transform and
// polling reads.

func init() {
	register(pipeline.Firehose, &serviceAdvice{
		delay: func(d *Diagnoser, s pipeline.Snapshot, n *pipeline.Node, ns *pipeline.NodeSnapshot) (delay, bool) {
			if ns.InBytesRate <= 0 {
				return delay{}, false
			}
			w, why := d.bufferDelay(s, n, ns)
			return delay{n.ID, "buffering in " + n.ID + " (" + why + ")", "lower " + n.ID + "'s buffer.interval or buffer.size, or deliver with Lambda or Flink (SELECT-LOW-LATENCY).", w}, true
		},
		follows: []string{selectFirehose},
		describe: func(n *pipeline.Node) string {
			s := fmt.Sprintf("firehose, buffer %s / %s", pipeline.FormatSize(n.Num("buffer.size")), pipeline.FormatDuration(n.Dur("buffer.interval")))
			if n.Bool("transform.lambda") {
				s += ", Lambda transform"
			}
			return s
		},
		transforms: func(n *pipeline.Node) bool { return n.Bool("transform.lambda") },
		pollsOnly: &pollOnly{id: "FH-KDS-POLLING",
			rule: "FH-KDS-POLLING: Firehose reads a Kinesis stream as a polling consumer (unconfirmed)",
			why:  "Firehose uses the shard's shared GetRecords budget"},
		latencyFlag: func(s *selector, c *pipeline.Node, lat float64, add addFlag) {
			floor, desc := s.firehoseDelay(c)
			if lat < floor {
				choice := fmt.Sprintf("lower %s's buffer.interval (below %s) or buffer.size", c.ID, secs(lat/1.5))
				if lat < 60 {
					choice = "deliver with Lambda or Flink instead of Firehose (SELECT-LOW-LATENCY: for sub-second or seconds, KDS + Lambda/Flink)"
				}
				add(crit, c.ID, choice, "FH-BUFFER-HINTS: Firehose delivers when the buffer reaches its size or interval",
					fmt.Sprintf("a %s p99 cannot be met through %s: %s", secs(lat), c.ID, desc))
			}
		},
		throughputFlag: func(_ *selector, n *pipeline.Node, ld Load, add addFlag) {
			if n.From == "" && (ld.PeakBytes > pipeline.FirehoseDirectBytes || ld.PeakRecs > pipeline.FirehoseDirectRecs) {
				add(warn, n.ID, "ask AWS for a higher Direct PUT quota, or put a Kinesis stream in front (no quota then)",
					"FH-DIRECT-PUT-QUOTA: 5 MiB/s, 2,000 requests/s, 500,000 records/s per stream",
					fmt.Sprintf("producers send up to %s (%s) by Direct PUT", bytesRate(ld.PeakBytes), recs(ld.PeakRecs)))
			}
		},
		recordMax: func(*pipeline.Node) (float64, string) { return pipeline.FirehoseMaxRecord, "FH-RECORD-MAX: 1,000 KiB" },
	})
}

// firehoseDelay is the least time a record spends in a Firehose's buffers at
// its average rate: the time to fill a buffer or the interval, whichever is
// first, plus the Lambda transform's own buffer.
func (s *selector) firehoseDelay(c *pipeline.Node) (float64, string) {
	ld := s.ld.consumed(c)
	units := s.sourceUnits(c)
	per := ld.AvgBytes / float64(units)
	size := c.Num("buffer.size")
	interval := c.Dur("buffer.interval").Seconds()
	if f := c.Str("format"); (f == "parquet" || f == "orc") && size < pipeline.FirehoseConvertMinBuf {
		size = pipeline.FirehoseConvertMinBuf // FH-FORMAT-CONVERSION: a buffer of at least 64 MiB
	}
	fill := math.Inf(1)
	if per > 0 {
		fill = size / per
	}
	floor := min(fill, interval)
	desc := fmt.Sprintf("at %s per buffer (%d %s) a %s buffer fills in %s and the interval is %s",
		bytesRate(per), units, plural(units, "buffer", "buffers"), pipeline.ApproxSize(size), secs(fill), secs(interval))
	if interval == 0 {
		floor = 1 // zero buffering delivers "within a few seconds" (FH-ZERO-BUFFERING)
		desc = "zero buffering still delivers within a few seconds (FH-ZERO-BUFFERING)"
	}
	if c.Bool("transform.lambda") {
		lf := min(pipeline.FirehoseLambdaInterval, pipeline.FirehoseLambdaBuffer/math.Max(per, 1e-9))
		floor += lf
		desc += fmt.Sprintf(", and the Lambda transform buffers another %s (FH-LAMBDA-BUFFER)", secs(lf))
	}
	return floor, desc
}
