package sim

import (
	"fmt"
	"math"
	"time"

	"github.com/streamsim/streamsim/pipeline"
)

// Cost is what the rest of a run will take, predicted from the engine's own
// structures before it steps: the work per tick (how many shards and
// partitions there are, who reads them and how, whether a reader will fall
// behind) times the ticks, and the memory those structures and the queues and
// buffers they fill will hold. Time and Bytes turn the counts into seconds
// and bytes with constants measured on the reference machine (see
// docs/engine.md, "What a run costs").
type Cost struct {
	Ticks int64 // ticks still to run
	Units int   // shards, partitions and video streams of every storage node
	// UnitTicks is Σ over storage nodes of units × (1 + readers) × ticks: the
	// unit-steps the run makes, the count its time grows with.
	UnitTicks float64
	// Work is UnitTicks weighted by what each step does (a reader that keeps
	// up with one writer is cheaper than one that buffers per shard or falls
	// behind), plus per-node and reporting work, in nanoseconds on the
	// reference machine.
	Work  float64
	Time  time.Duration // predicted run time on one core of the reference machine
	Bytes float64       // predicted peak resident memory of the process
}

// What says what the figures grow with: "100,000 units × 600 ticks".
func (c Cost) What() string {
	return fmt.Sprintf("%s shards or partitions, %s unit-steps over %s ticks",
		pipeline.FormatCount(float64(c.Units)), pipeline.FormatCount(c.UnitTicks), pipeline.FormatCount(float64(c.Ticks)))
}

// costFeatures are the counts the model multiplies by its constants.
type costFeatures struct {
	// Per tick: unit-steps of each kind, and nodes.
	edgeUnit, fastUnit, readUnit, bufferUnit, behindUnit, sharedUnit, nodes float64
	// Per snapshot a report takes (at most reportSnaps of them).
	snapUnit, snapNode, snapRetry, snaps float64
	// Memory: reader-units, buffer-units and the cohorts queues and buffers hold.
	readUnits, buffers, cohorts float64
}

// The model's constants, fitted (non-negative least squares on relative
// error) to the CPU time and peak resident memory of `streamsim run --quiet`
// on 28 scenarios, from the built-in ones over days to 100,000 shards, on
// the reference machine: 2 shared cores of an AMD EPYC, Go 1.26. The table
// of measured and predicted figures is in docs/engine.md, "What a run
// costs". Counts the fit gave no weight (admission on the fused path, retry
// bookkeeping) are folded into the others.
const (
	// Nanoseconds per unit and tick.
	nsEdgeUnit   = 10.0  // each writer's share when several write or limits are not uniform
	nsFastUnit   = 8.0   // a reader that keeps up and reads one cohort per tick, with its unit's admission
	nsReadUnit   = 38.0  // a reader that hands on a piece per shard (Firehose, Lambda, several readers)
	nsBufferUnit = 83.0  // a Firehose buffer or Lambda batch per shard
	nsBehindUnit = 208.0 // a reader whose queue holds records: takes, merges, expiry, iterator age
	nsSharedUnit = 231.0 // a polling reader's share of a shard's read budget when readers compete
	nsNode       = 72.0  // every node, every tick
	// Nanoseconds per snapshot: `run` and `advise` look at up to 400 (advice).
	nsSnapUnit  = 1.0    // a unit's utilisation and what its readers hold
	nsSnapNode  = 2240.0 // a node's snapshot and the advice rules on it
	nsSnapRetry = 8.0    // a unit's records waiting for a retry
	reportSnaps = 400

	// Resident bytes.
	bytesBase     = 24 << 20 // the program, the runtime and a small scenario
	bytesNode     = 36 << 10 // a node's settings, metrics, snapshots and findings
	bytesReadUnit = 498      // a reader's queue, allowances and share of its unit's sums
	bytesBuffer   = 1004     // a Firehose buffer or Lambda batch, with its share of the flush
	bytesCohort   = 70       // one cohort in a queue or buffer
)

// Estimate predicts the cost of a run of sc from start to end. It builds the
// engine (so it costs what building costs: hashing every explicit key) and
// asks it; Engine.Estimate does the same for an engine already built.
func Estimate(sc *pipeline.Scenario) (Cost, error) {
	e, err := New(sc)
	if err != nil {
		return Cost{}, err
	}
	return e.Estimate(), nil
}

// Estimate predicts the cost of the rest of the run.
func (e *Engine) Estimate() Cost {
	c := Cost{Ticks: e.ticks - e.tick}
	f := e.costFeatures(float64(c.Ticks))
	for _, m := range e.models {
		if s, ok := m.(*stream); ok {
			c.Units += s.units
			c.UnitTicks += float64(s.units) * float64(1+len(s.readers)) * float64(c.Ticks)
		}
	}
	perTick := f.edgeUnit*nsEdgeUnit + f.fastUnit*nsFastUnit + f.readUnit*nsReadUnit + f.bufferUnit*nsBufferUnit +
		f.behindUnit*nsBehindUnit + f.sharedUnit*nsSharedUnit + f.nodes*nsNode
	c.Work = perTick*float64(c.Ticks) + f.snaps*(f.snapUnit*nsSnapUnit+f.snapNode*nsSnapNode+f.snapRetry*nsSnapRetry)
	c.Time = time.Duration(c.Work)
	c.Bytes = bytesBase + f.nodes*bytesNode + f.readUnits*bytesReadUnit + f.buffers*bytesBuffer + f.cohorts*bytesCohort
	return c
}

// costFeatures counts what the rest of a run of ticks ticks will do.
func (e *Engine) costFeatures(ticks float64) costFeatures {
	var f costFeatures
	f.snaps = math.Min(ticks, reportSnaps)
	rates := e.edgeRates()
	for _, m := range e.models {
		f.nodes++
		f.snapNode++
		switch x := m.(type) {
		case *stream:
			u := float64(x.units)
			f.snapUnit += u * float64(1+len(x.readers))
			if !x.fusedAdmission() {
				f.edgeUnit += u * float64(len(x.adm.edges))
			}
			if hot := x.throttledUnits(e, rates); hot > 0 {
				// Throttled writers keep an entry per unit and attempt
				// waiting for a retry; every snapshot sums them.
				for _, ed := range x.adm.edges {
					attempts := float64(ed.maxRetries)
					if ed.maxRetries < 0 || ed.maxRetries > 10 {
						attempts = 10
					}
					f.snapRetry += hot * attempts * 4
				}
			}
			// A backlog adds a cohort per tick to each queue, up to its bound.
			limit, _ := queueLimit(x.units * max(1, len(x.readers)))
			backlog := ringSize(math.Min(float64(limit), ticks))
			perUnitIn, _ := x.expectedUnitBytes(e)
			polling := x.pollingReaders()
			for _, r := range x.readers {
				f.readUnits += u
				if r.fastPath(x) {
					f.fastUnit += u
				} else {
					f.readUnit += u
				}
				if shared := x.kind.sharedBudget(1); shared > 0 && x.kind.ownBudget(r, 1) == 0 && polling > 1 &&
					perUnitIn*float64(polling) > shared {
					f.sharedUnit += u
				}
				if r.fallsBehind(e, perUnitIn, x) {
					f.behindUnit += u
					f.cohorts += u * backlog
				}
			}
			if len(x.readers) == 0 {
				f.cohorts += u * ringSize(math.Min(backlog, x.retention/e.dt)) // orphan queues fill until retention
			}
		case *firehose:
			if x.src == nil {
				break
			}
			u := float64(x.src.units)
			f.bufferUnit += u
			if x.src.throttledUnits(e, rates) > 0 {
				f.bufferUnit += u // retried records arrive as a second piece per shard
			}
			f.buffers += u
			f.cohorts += u * x.bufferedCohorts(e, ticks)
		case *processor:
			if x.perShard && x.src != nil {
				u := float64(x.src.units)
				f.bufferUnit += u
				f.buffers += u
				f.cohorts += u * 8
			}
		}
	}
	return f
}

// fusedAdmission reports whether the stream takes its one writer's records
// in the fused pass (settleOne) rather than offer, limit and settle.
func (s *stream) fusedAdmission() bool {
	_, _, ok := s.kind.fixedLimits(s)
	return ok && len(s.adm.edges) == 1
}

// expectedUnitBytes is the bytes per second a unit takes on average, and
// what its writers offer it: what they send at their mean rates (the flows
// unitsPerRecord uses), within the units' write limits.
func (s *stream) expectedUnitBytes(e *Engine) (taken, offered float64) {
	var in, recs float64
	for _, pt := range e.flowInto(s.id) {
		in += pt.all * e.prods[pt.prod].size
		recs += pt.all
	}
	units := float64(max(1, s.units))
	offered = in / units
	taken = offered
	if recsL, bytesL, ok := s.kind.fixedLimits(s); ok {
		taken = min(taken, bytesL)
		if recs/units > recsL {
			taken = min(taken, offered*recsL/(recs/units))
		}
	}
	return taken, offered
}

// edgeRate is what a writer sends through an edge at its mean rate.
type edgeRate struct{ recs, bytes float64 }

// edgeRates is every edge's mean traffic: a producer's rate, or what a
// consumer that writes on reads (the flows unitsPerRecord uses).
func (e *Engine) edgeRates() map[*edge]edgeRate {
	out := map[*edge]edgeRate{}
	for _, p := range e.prods {
		for _, ed := range p.edges {
			out[ed] = edgeRate{p.rate, p.rate * (p.size + ed.keyBytes)}
		}
	}
	for _, m := range e.models {
		var c *consumer
		switch x := m.(type) {
		case *firehose:
			c = &x.consumer
		case *processor:
			c = &x.consumer
		default:
			continue
		}
		var recs, bytes float64
		for _, pt := range e.flowInto(c.n.ID) {
			recs += pt.all
			bytes += pt.all * e.prods[pt.prod].size
		}
		for _, o := range c.outs {
			if o.ed != nil {
				out[o.ed] = edgeRate{recs, bytes}
			}
		}
	}
	return out
}

// throttledUnits is how many of a stream's units with fixed write limits (a
// provisioned Kinesis shard, KDS-SHARD-WRITE) its writers offer more than a
// unit takes, at their mean rates and with each key's hash: a hot key
// throttles its shard when the average does not.
func (s *stream) throttledUnits(e *Engine, rates map[*edge]edgeRate) float64 {
	recsL, bytesL, ok := s.kind.fixedLimits(s)
	if !ok {
		return 0
	}
	recs := make([]float64, s.units)
	bytes := make([]float64, s.units)
	for _, ed := range s.adm.edges {
		r := rates[ed]
		for u, w := range ed.share {
			if u < s.units {
				recs[u] += r.recs * w
				bytes[u] += r.bytes * w
			}
		}
	}
	var n float64
	for u := range recs {
		if recs[u] > recsL*(1+1e-9) || bytes[u] > bytesL*(1+1e-9) {
			n++
		}
	}
	return n
}

// fastPath reports whether the reader reads one cohort per tick without
// touching its queues (reader.takeFast): one polling reader of a Kinesis
// stream with one writer that hands on records in one piece.
func (r *reader) fastPath(s *stream) bool {
	return !r.perUnit && len(s.readers) == 1 && s.fusedAdmission()
}

// fallsBehind reports whether the reader will build a backlog: its unit's
// share of the stream's input is more than the unit lets it read (2 MB/s per
// Kinesis shard, shared by polling readers) or than its consumer processes.
func (r *reader) fallsBehind(e *Engine, perUnit float64, s *stream) bool {
	if perUnit <= 0 {
		return false
	}
	can := math.Inf(1)
	if own := s.kind.ownBudget(r, 1); own > 0 {
		can = own
	} else if shared := s.kind.sharedBudget(1); shared > 0 {
		can = shared / float64(max(1, s.pollingReaders()))
	}
	units := float64(max(1, s.units))
	if r.capB >= 0 {
		can = min(can, r.capB/units)
	}
	if r.unitCapB > 0 {
		can = min(can, r.unitCapB)
	}
	if r.capN >= 0 || r.unitCapN > 0 {
		size := s.meanRecordBytes(e)
		if r.capN >= 0 {
			can = min(can, r.capN/units*size)
		}
		if r.unitCapN > 0 {
			can = min(can, r.unitCapN*size)
		}
	}
	return perUnit > can*(1+1e-9)
}

// meanRecordBytes is the mean size of the records its writers send.
func (s *stream) meanRecordBytes(e *Engine) float64 {
	var n, b float64
	for _, pt := range e.flowInto(s.id) {
		n += pt.all
		b += pt.all * e.prods[pt.prod].size
	}
	if n <= 0 {
		return 1024
	}
	return b / n
}

// bufferedCohorts is how many cohorts one of the Firehose's buffers holds at
// its fullest: one per tick until the buffer reaches its size or its
// interval, at most the queue's bound, rounded up to the power of two its
// ring grows to.
func (f *firehose) bufferedCohorts(e *Engine, run float64) float64 {
	per, _ := f.src.expectedUnitBytes(e)
	per *= e.dt
	ticks := math.Max(1, math.Min(run, f.every/e.dt))
	if per > 0 {
		ticks = math.Min(ticks, math.Ceil(f.size/per))
	}
	limit, _ := queueLimit(max(1, f.src.units))
	return ringSize(math.Min(ticks, float64(limit)))
}

// ringSize is the length of the ring a queue of n cohorts has grown to: the
// power of two at or above n, at least 8.
func ringSize(n float64) float64 {
	return math.Pow(2, math.Ceil(math.Log2(math.Max(8, n))))
}
