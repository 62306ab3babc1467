package sim

import (
	"math"

	"github.com/streamsim/streamsim/pipeline"
)

// videoStreams is Kinesis Video Streams: each video stream a unit that takes
// 12.5 MB/s and 5 fragments a second (a record is a fragment, KVS-INGEST)
// and serves each GetMedia reader 25 MB/s of its own (KVS-GETMEDIA).
type videoStreams struct{}

func init() { storages[pipeline.KinesisVideoStreams] = func() storage { return videoStreams{} } }

func (videoStreams) setup(s *stream) { s.units = s.n.Int("streams") }

// retention: a stream without persistence (0) gives the media to live
// readers only: they get a few seconds (U).
func (videoStreams) retention(n *pipeline.Node) float64 {
	if r := n.Dur("retention").Seconds(); r > 0 {
		return r
	}
	return 10
}

func (videoStreams) weights(s *stream, ks keySpace) (share, hot []float64) {
	return moduloWeights(ks, s.units)
}

func (videoStreams) keyBytes() bool { return false }
func (videoStreams) efo() bool      { return false }

// readDelay: a reader gets a fragment once it is complete.
func (videoStreams) readDelay(s *stream, _ *reader, _ int) float64 {
	return s.n.Dur("fragment").Seconds()
}

// reconfigure follows a change of the stream count (cameras added or
// removed: records of a stream that goes move to the one it maps to) and
// of the fragment length (how long readers wait for one).
func (videoStreams) reconfigure(e *Engine, s *stream) {
	if want := max(1, s.n.Int("streams")); want != s.units {
		e.event(s.id, "video streams %d → %d", s.units, want)
		s.relayout(e, want)
	}
	s.setDelays()
}
func (videoStreams) checkResize(*Engine, *stream, string, int, pipeline.Change) error {
	return nil
}
func (videoStreams) unitMap(s *stream, units int) func(int) int {
	old := s.units
	return func(u int) int { return u * units / old }
}
func (videoStreams) relaidOut(*Engine, *stream)                         {}
func (videoStreams) wire(*Engine, *stream)                              {}
func (videoStreams) fixedLimits(*stream) (recs, bytes float64, ok bool) { return 0, 0, false }
func (videoStreams) byteLimits(*stream) (unit, all float64, ok bool)    { return 0, 0, false }

func (videoStreams) writeLimits(_ *Engine, s *stream, dt float64) {
	for u := 0; u < s.units; u++ {
		s.util[u] = s.adm.limit(u, pipeline.KVSPutMediaTPS*dt, pipeline.KVSStreamBytes*dt)
	}
}

func (videoStreams) sharedBudget(float64) float64 { return 0 }
func (videoStreams) ownBudget(_ *reader, dt float64) float64 {
	return pipeline.KVSGetMediaBytes * dt
}
func (videoStreams) callRecords(*stream, float64) float64 { return math.Inf(1) }
func (videoStreams) readOne(*stream, float64) bool        { return false }
func (videoStreams) readCalls(*stream, float64)           {}
func (videoStreams) afterReads(*stream, float64)          {}
func (videoStreams) metrics(*Engine, *stream, map[string]float64, float64, float64) {
}

func (videoStreams) cost(e *Engine, s *stream, t streamTraffic) float64 {
	stored := t.gbIn * min(s.retention, secondsPerMonth) / secondsPerMonth
	return t.gbIn*pipeline.KVSInPerGB + t.gbOut*pipeline.KVSOutPerGB + stored*pipeline.KVSStoragePerGBMo
}

func (videoStreams) firehoseRoundsRecords() bool { return false }
