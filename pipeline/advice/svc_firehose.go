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
		describe: func(n *pipeline.Node) string {
			s := fmt.Sprintf("firehose, buffer %s / %s", pipeline.FormatSize(n.Num("buffer.size")), pipeline.FormatDuration(n.Dur("buffer.interval")))
			if n.Bool("transform.lambda") {
				s += ", Lambda transform"
			}
			return s
		},
		transforms: func(n *pipeline.Node) bool { return n.Bool("transform.lambda") },
		follows:    []string{selectFirehose},
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
		capacity: func(*pipeline.Node, int, float64) (string, bool, bool) {
			return "", false, false // AWS scales a stream's delivery: no units to compare
		},
		bufferRule: (*Diagnoser).firehoseRule,
		directPut:  (*Diagnoser).directPutRule,
		backsUp:    true,
		delay: func(d *Diagnoser, s pipeline.Snapshot, n *pipeline.Node, ns *pipeline.NodeSnapshot) (delay, bool) {
			if ns.InBytesRate <= 0 {
				return delay{}, false
			}
			w, why := d.bufferDelay(s, n, ns)
			return delay{n.ID, "buffering in " + n.ID + " (" + why + ")", "lower " + n.ID + "'s buffer.interval or buffer.size, or deliver with Lambda or Flink (SELECT-LOW-LATENCY).", w}, true
		},
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

// bufferDelay is how long records wait in a Firehose's buffers at the rate of
// the snapshot: the time to fill a buffer or the interval, whichever is first.
func (d *Diagnoser) bufferDelay(s pipeline.Snapshot, n *pipeline.Node, ns *pipeline.NodeSnapshot) (float64, string) {
	units := 1
	if src := d.snap(s, n.From); src != nil && len(src.Units) > 0 {
		units = len(src.Units)
	}
	per := ns.InBytesRate / float64(units)
	size := n.Num("buffer.size")
	if f := n.Str("format"); (f == "parquet" || f == "orc") && size < pipeline.FirehoseConvertMinBuf {
		size = pipeline.FirehoseConvertMinBuf
	}
	interval := n.Dur("buffer.interval").Seconds()
	fill := math.Inf(1)
	if per > 0 {
		fill = size / per
	}
	if fill < interval {
		return fill, sprintf("at %s per buffer (%d %s) its %s buffers fill in %s", bytesRate(per), units, plural(units, "buffer", "buffers"),
			pipeline.ApproxSize(size), secs(fill))
	}
	return interval, sprintf("at %s per buffer (%d %s) its %s buffers would take %s to fill, so they flush on the %s interval",
		bytesRate(per), units, plural(units, "buffer", "buffers"), pipeline.ApproxSize(size), secs(fill), secs(interval))
}

// firehoseRule: Firehose's buffering makes up most of the latency (FH-BUFFER-HINTS).
// Live, when the p99 misses the requirement; at the end also as information
// when there is no requirement and the p99 is a minute or more.
func (d *Diagnoser) firehoseRule(s pipeline.Snapshot, n *pipeline.Node, ns *pipeline.NodeSnapshot, final bool) {
	if ns.InBytesRate <= 0 {
		return
	}
	p99 := s.Pipeline.LatencyP99
	req := d.sc.Requirements.Latency.Seconds()
	delay, why := d.bufferDelay(s, n, ns)
	if p99 <= 0 || delay < 0.5*p99 {
		return
	}
	f := Finding{Rule: "firehose-buffer", Node: n.ID}
	switch {
	case req > 0 && p99 > req:
		f.Severity = pipeline.SeverityWarning
		f.Problem = sprintf("Firehose buffering dominates latency: the p99 is %s against the required %s, and %s's buffers hold records for about %s of it: %s.",
			secs(p99), secs(req), n.ID, secs(min(delay, p99)), why)
	case final && req <= 0 && p99 >= 60:
		f.Severity = pipeline.SeverityInfo
		f.Problem = sprintf("Firehose buffering sets the latency: the p99 is %s and %s's buffers hold records for about %s of it: %s.", secs(p99), n.ID, secs(min(delay, p99)), why)
	default:
		return
	}
	target := 60.0
	if req > 0 {
		target = max(1, math.Floor(req/2))
	}
	if req > 0 && req < 60 {
		f.Fix = sprintf("deliver with Lambda or Flink for seconds of latency (SELECT-LOW-LATENCY: sub-second or seconds → KDS + Lambda/Flink); Firehose's buffers hold records for %s here.", secs(delay))
	} else if delay < n.Dur("buffer.interval").Seconds() {
		f.Fix = sprintf("lower %s.buffer.size so buffers flush sooner (more, smaller objects), or deliver with Lambda or Flink for seconds of latency (SELECT-LOW-LATENCY).", n.ID)
	} else {
		f.Fix = sprintf("lower %s.buffer.interval to about %s (below 60 s Firehose uses multipart uploads, so S3 requests cost more, FH-BUFFER-HINTS), or deliver with Lambda or Flink for seconds of latency (SELECT-LOW-LATENCY).",
			n.ID, pipeline.FormatDuration(secondsDuration(target)))
	}
	d.report(f)
}

// directPutRule: Firehose refuses Direct PUT writes beyond its quota (FH-DIRECT-PUT-QUOTA).
func (d *Diagnoser) directPutRule(s pipeline.Snapshot, n *pipeline.Node, ns *pipeline.NodeSnapshot) {
	_, offered := d.flowInto(s, n.ID)
	d.report(Finding{Rule: "write-throttling", Severity: pipeline.SeverityWarning, Node: n.ID,
		Problem: sprintf("Write throttling: %s refuses up to %s Direct PUT records/s; a stream takes 5 MiB/s, 2,000 requests/s and 500,000 records/s (FH-DIRECT-PUT-QUOTA) and producers send %s.",
			n.ID, count(max(ns.Throttled, d.track(n.ID).peakThr)), bytesRate(offered)),
		Fix: "ask AWS to raise the Direct PUT quota (it rises while throttled, FH-DIRECT-PUT-QUOTA), or write to a Kinesis stream that Firehose reads (no quota then, FH-KDS-SOURCE)."})
}
