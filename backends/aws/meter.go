package aws

import (
	"math"
	"sort"
	"sync"
	"time"

	"github.com/streamsim/streamsim/pipeline"
)

// meter holds a run's live measurements. Every part of the run reports to it
// (records made, stored, read, written, refused, lost) under one lock; the
// snapshot loop reads rates and gauges from it.
type meter struct {
	mu    sync.Mutex
	nodes map[string]*nodeMeter
	order []string

	produced  float64
	expected  float64 // deliveries the produced records are worth
	delivered float64
	lost      float64             // records given up, counted once per destination they would have reached
	lat       *pipeline.Histogram // the simulator's, so percentiles compare

	// losses splits lost by where the records were when they were lost
	// (deliveries, like lost), in the order the places first lost any.
	losses    map[string]float64
	lossOrder []string

	events []string
}

// nodeMeter is one node's totals and gauges.
type nodeMeter struct {
	in, inB, out, outB   float64
	lost, throttled      float64
	retried, skipped     float64
	objects, readThrottl float64
	iterAgeMax           float64
	heldNow              float64

	// Readers (consumers): records read, per-shard iterator ages (s).
	read    float64
	iterAge map[string]float64
	// Stream storage: per-shard write load in the current second.
	shardRecs, shardBytes map[string]float64
	shardWin              time.Time
	units                 []float64 // utilisation per shard over the last full second
	maxUtil               float64

	prev    totals // at the previous snapshot
	prevAt  time.Time
	rateNow totals
}

type totals struct{ in, out, inB, thr float64 }

func newMeter(sc *pipeline.Scenario) *meter {
	m := &meter{nodes: map[string]*nodeMeter{}, lat: pipeline.NewHistogram()}
	for _, n := range sc.Nodes {
		m.nodes[n.ID] = &nodeMeter{iterAge: map[string]float64{}, shardRecs: map[string]float64{}, shardBytes: map[string]float64{}}
		m.order = append(m.order, n.ID)
	}
	return m
}

func (m *meter) node(id string) *nodeMeter {
	if n, ok := m.nodes[id]; ok {
		return n
	}
	n := &nodeMeter{iterAge: map[string]float64{}, shardRecs: map[string]float64{}, shardBytes: map[string]float64{}}
	m.nodes[id] = n
	return n
}

func (m *meter) event(text string) {
	m.mu.Lock()
	m.events = append(m.events, text)
	m.mu.Unlock()
}

// takeEvents returns the events since the last call.
func (m *meter) takeEvents() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	ev := m.events
	m.events = nil
	return ev
}

// made counts records a producer made (once, however many targets it sends
// them to, as the simulator does), each worth paths deliveries.
func (m *meter) made(producer string, n int, bytes int, paths int) {
	m.mu.Lock()
	nm := m.node(producer)
	nm.in += float64(n)
	nm.inB += float64(bytes)
	m.produced += float64(n)
	m.expected += float64(n * paths)
	m.mu.Unlock()
}

// wrote counts records a writer handed to a target successfully.
func (m *meter) wrote(writer, target string, n int, bytes int) {
	m.mu.Lock()
	w, t := m.node(writer), m.node(target)
	w.out += float64(n)
	w.outB += float64(bytes)
	t.in += float64(n)
	t.inB += float64(bytes)
	m.mu.Unlock()
}

// shardLoad counts records accepted by one shard, for utilisation.
func (m *meter) shardLoad(stream, shard string, recs, bytes float64, now time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := m.node(stream)
	sec := now.Truncate(time.Second)
	if !sec.Equal(s.shardWin) {
		s.closeWindow()
		s.shardWin = sec
	}
	s.shardRecs[shard] += recs
	s.shardBytes[shard] += bytes
}

// closeWindow turns the last second's per-shard load into utilisation
// (KDS-SHARD-WRITE: 1,000 records/s or 1 MiB/s per shard, whichever is hit first).
func (s *nodeMeter) closeWindow() {
	if len(s.shardRecs) == 0 {
		return
	}
	ids := make([]string, 0, len(s.shardRecs))
	for id := range s.shardRecs {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	s.units = s.units[:0]
	for _, id := range ids {
		u := math.Max(s.shardRecs[id]/pipeline.KDSShardWriteRecs, s.shardBytes[id]/pipeline.KDSShardWriteBytes)
		s.units = append(s.units, u)
		s.maxUtil = math.Max(s.maxUtil, u)
	}
	clear(s.shardRecs)
	clear(s.shardBytes)
}

// refused counts write attempts a target refused (throttled): at the target
// and at the writer.
func (m *meter) refused(writer, target string, n int) {
	m.mu.Lock()
	m.node(writer).throttled += float64(n)
	m.node(target).throttled += float64(n)
	m.mu.Unlock()
}

// retried counts records a writer sends again.
func (m *meter) retried(writer string, n int) {
	m.mu.Lock()
	m.node(writer).retried += float64(n)
	m.mu.Unlock()
}

// gaveUp counts records a writer dropped (retries exhausted, or a failed
// call), each worth paths deliveries, lost at where.
func (m *meter) gaveUp(writer, where string, n int, paths int) {
	m.mu.Lock()
	m.node(writer).lost += float64(n)
	m.lost += float64(n * paths)
	m.lossLocked(where, float64(n*paths))
	m.mu.Unlock()
}

// lossLocked books deliveries lost at where (m.mu held).
func (m *meter) lossLocked(where string, deliveries float64) {
	if deliveries <= 0 {
		return
	}
	if m.losses == nil {
		m.losses = map[string]float64{}
	}
	if _, ok := m.losses[where]; !ok {
		m.lossOrder = append(m.lossOrder, where)
	}
	m.losses[where] += deliveries
}

// discarded counts user records a consumer read from source and dropped
// (outside their shard's hash range), each worth paths deliveries.
func (m *meter) discarded(consumer, source string, n, bytes, paths int) {
	m.mu.Lock()
	c, s := m.node(consumer), m.node(source)
	c.in += float64(n)
	c.inB += float64(bytes)
	c.lost += float64(n)
	s.out += float64(n)
	s.outB += float64(bytes)
	m.lost += float64(n * paths)
	m.lossLocked("discarded by "+consumer+" (aggregated records outside their shard's hash key range)", float64(n*paths))
	m.mu.Unlock()
}

// skip counts records sent towards a node the run leaves out.
func (m *meter) skip(writer string, n int) {
	m.mu.Lock()
	m.node(writer).skipped += float64(n)
	m.mu.Unlock()
}

// readBy counts user records a consumer read from its source.
func (m *meter) readBy(consumer, source string, n int, bytes int) {
	m.mu.Lock()
	c, s := m.node(consumer), m.node(source)
	c.in += float64(n)
	c.inB += float64(bytes)
	c.read += float64(n)
	s.out += float64(n)
	s.outB += float64(bytes)
	m.mu.Unlock()
}

// iterAge sets a reader's age behind the tip of one shard (seconds).
func (m *meter) iterAge(consumer, shard string, age float64) {
	m.mu.Lock()
	c := m.node(consumer)
	c.iterAge[shard] = age
	c.iterAgeMax = math.Max(c.iterAgeMax, age)
	m.mu.Unlock()
}

// readThrottled counts refused read calls on a stream.
func (m *meter) readThrottled(stream string) {
	m.mu.Lock()
	m.node(stream).readThrottl++
	m.mu.Unlock()
}

// delivered counts records that reached a destination, with their
// producer-to-destination latency.
func (m *meter) deliver(dest string, tss []int64, bytes int, at time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	d := m.node(dest)
	d.out += float64(len(tss))
	d.outB += float64(bytes)
	m.delivered += float64(len(tss))
	now := at.UnixNano()
	for _, ts := range tss {
		m.lat.Add(math.Max(0, float64(now-ts)/1e9), 1)
	}
}

// object counts an object written by node (a Firehose flush, an S3 PUT).
func (m *meter) object(node string) {
	m.mu.Lock()
	m.node(node).objects++
	m.mu.Unlock()
}

// setHeld sets the records a node holds now (a buffer).
func (m *meter) setHeld(node string, n float64) {
	m.mu.Lock()
	m.node(node).heldNow = n
	m.mu.Unlock()
}

// clearIterAge says a reader is caught up on every shard.
func (m *meter) clearIterAge(consumer string) {
	m.mu.Lock()
	clear(m.node(consumer).iterAge)
	m.mu.Unlock()
}
