package advice

import (
	"fmt"

	"github.com/streamsim/streamsim/pipeline"
)

// Kinesis Video Streams: streams for media, and their retention.

func init() {
	register(pipeline.KinesisVideoStreams, &serviceAdvice{
		describe: func(n *pipeline.Node) string {
			return fmt.Sprintf("kinesis-video-streams, %d %s", n.Int("streams"), plural(n.Int("streams"), "stream", "streams"))
		},
		store: func(_ *selector, n *pipeline.Node, ld Load, r *Recommendation) {
			streams := max(ceilDiv(ld.PeakBytes, pipeline.KVSStreamBytes, 1), ceilDiv(ld.PeakRecs, pipeline.KVSPutMediaTPS, 1))
			r.Choice = fmt.Sprintf("Kinesis Video Streams, %d %s", streams, plural(streams, "stream", "streams"))
			r.Rule = "SELECT-KVS: video, audio or other time-encoded media from devices → Kinesis Video Streams"
			r.Why = fmt.Sprintf("peak %s in %s fragments/s; a stream takes 12.5 MB/s and 5 PutMedia calls/s (KVS-INGEST) → at least %d",
				bytesRate(ld.PeakBytes), count(ld.PeakRecs), streams)
			r.Keep = n.Int("streams") >= streams
		},
		retentionFlag: func(_ *selector, st *pipeline.Node, ret float64, add addFlag) bool {
			if ret > 87600*3600 {
				add(warn, st.ID, "archive media to S3", "KVS-RETENTION: DataRetentionInHours up to about 87,600 h (unconfirmed)",
					fmt.Sprintf("requirements.retention is %s, beyond Kinesis Video Streams' maximum", secs(ret)))
				return true
			}
			return false
		},
		throughputFlag: func(_ *selector, n *pipeline.Node, ld Load, add addFlag) {
			if need := ceilDiv(ld.PeakBytes, pipeline.KVSStreamBytes, 1); n.Int("streams") < need {
				add(warn, n.ID, fmt.Sprintf("set %s.streams to at least %d", n.ID, need), "KVS-INGEST: 12.5 MB/s per stream",
					fmt.Sprintf("%d %s take %s; the peak is %s", n.Int("streams"), plural(n.Int("streams"), "stream", "streams"),
						bytesRate(float64(n.Int("streams"))*pipeline.KVSStreamBytes), bytesRate(ld.PeakBytes)))
			}
		},
		unitLimit:     func(*pipeline.Node) (float64, float64) { return pipeline.KVSPutMediaTPS, pipeline.KVSStreamBytes },
		writeThrottle: (*Diagnoser).kvsThrottle,
	})
}

// kvsThrottle words write throttling: streams against the media arriving.
func (d *Diagnoser) kvsThrottle(f *Finding, n *pipeline.Node, w throttled) {
	thr, wr, wb, units, lost := w.thr, w.recs, w.bytes, w.units, w.lost
	need := max(ceilDiv(wb, 0.8*pipeline.KVSStreamBytes, units+1), ceilDiv(wr, 0.8*pipeline.KVSPutMediaTPS, units+1))
	f.Problem = sprintf("Write throttling: %s refuses up to %s fragments/s; a stream takes 12.5 MB/s and 5 fragments/s (KVS-INGEST) and devices send up to %s (%s fragments/s)%s.",
		n.ID, count(thr), bytesRate(wb), count(wr), lost)
	f.Fix = sprintf("set %s.streams to at least %d.", n.ID, need)
}
