package sim

import (
	"errors"

	"github.com/streamsim/streamsim/pipeline"
)

// kinesis is Kinesis Data Streams: shards with fixed write limits
// (provisioned) or a capacity that follows the peak (on-demand), keys hashed
// by MD5 into shard ranges, polling readers sharing each shard's reads and
// enhanced fan-out readers with their own.
type kinesis struct{}

func init() { storages[pipeline.KinesisDataStreams] = func() storage { return kinesis{} } }

func (kinesis) setup(s *stream) {
	n := s.n
	s.onDemand = n.Str("mode") == "on-demand"
	s.units = n.Int("shards")
	if s.onDemand {
		s.od.init(0)
		s.units = s.od.units()
	}
	s.starts = kinesisStarts(n, s.units)
}

func (kinesis) retention(n *pipeline.Node) float64 { return n.Dur("retention").Seconds() }

func (kinesis) weights(s *stream, ks keySpace) (share, hot []float64) {
	return kinesisWeights(ks, s.starts)
}

func (kinesis) keyBytes() bool { return true }
func (kinesis) efo() bool      { return true }

// readDelay is KDS-POLL-LATENCY: about 200 ms with one polling consumer and
// about 1 s with five; 70 ms with enhanced fan-out.
func (kinesis) readDelay(s *stream, r *reader, polling int) float64 {
	if r.efo {
		return pipeline.KDSEFOLatency
	}
	return pipeline.KDSPollLatency1 + (pipeline.KDSPollLatency5-pipeline.KDSPollLatency1)*float64(min(polling, 5)-1)/4
}

func (kinesis) reconfigure(e *Engine, s *stream) {
	if od := s.n.Str("mode") == "on-demand"; od != s.onDemand {
		s.switchMode(e, od)
	}
	if !s.onDemand {
		s.requestReshard(e, s.n.Int("shards"))
	}
}

func (kinesis) checkResize(e *Engine, s *stream, key string, want int, c pipeline.Change) error {
	if key != "shards" {
		return nil
	}
	for _, b := range c.Set {
		if b.Node == s.id && b.Key == "mode" {
			return nil // a mode switch decides what the count means
		}
	}
	return s.checkReshard(e.nowSec(), want)
}

// unitMap splits the hash ranges evenly again (as UpdateShardCount's uniform
// scaling does); unread records move to the shard that now owns the start of
// their old range (parents are read before children).
func (kinesis) unitMap(s *stream, units int) func(int) int {
	newStarts := evenStarts(units)
	oldStarts := s.starts
	s.starts = newStarts
	return func(u int) int { return shardOf(newStarts, oldStarts[u]) }
}

func (kinesis) relaidOut(*Engine, *stream) {}
func (kinesis) wire(*Engine, *stream)      {}

// fixedLimits: a provisioned shard takes 1,000 records and 1 MiB a second
// (KDS-SHARD-WRITE).
func (kinesis) fixedLimits(s *stream) (recs, bytes float64, ok bool) {
	if s.onDemand {
		return 0, 0, false
	}
	return pipeline.KDSShardWriteRecs, pipeline.KDSShardWriteBytes, true
}
func (kinesis) byteLimits(*stream) (unit, all float64, ok bool) { return 0, 0, false }

func (kinesis) writeLimits(e *Engine, s *stream, dt float64) {
	if s.onDemand {
		s.od.limits(s, dt)
		return
	}
	s.adm.limitAll(s.util, pipeline.KDSShardWriteRecs*dt, pipeline.KDSShardWriteBytes*dt)
}

// sharedBudget: polling readers split 2 MB/s per shard (KDS-SHARD-READ).
func (kinesis) sharedBudget(dt float64) float64 { return pipeline.KDSShardReadBytes * dt }

// ownBudget: an enhanced fan-out reader gets 2 MB/s per shard of its own
// (KDS-EFO-THROUGHPUT).
func (kinesis) ownBudget(r *reader, dt float64) float64 {
	if r.efo {
		return pipeline.KDSEFOBytes * dt
	}
	return 0
}

// callRecords is the user records a polling reader may get from one shard in
// a tick: one call per second (fewer when more than five readers share the
// shard's calls), each of at most 10,000 Kinesis records (KDS-GETRECORDS-MAX),
// which with KPL aggregation hold several user records each.
func (kinesis) callRecords(s *stream, dt float64) float64 {
	callShare := 1.0 // fraction of its 1 call/s a polling reader gets
	if p := s.pollingReaders(); p > pipeline.KDSShardReadCalls {
		callShare = float64(pipeline.KDSShardReadCalls) / float64(p)
	}
	return pipeline.KDSGetRecordsMaxRec * callShare * dt / s.kinesisPerUser()
}

// readOne is allocateReads for the common case of one polling reader.
func (k kinesis) readOne(s *stream, dt float64) bool {
	r := s.readers[0]
	if r.efo {
		return false
	}
	budget := pipeline.KDSShardReadBytes * dt
	maxN := k.callRecords(s, dt)
	sum, pre := r.sumDemand(), r.prepare()
	if pre && r.filled != 0 {
		r.readFilled(budget, maxN, sum)
	} else {
		r.readPass(budget, maxN, sum, pre)
	}
	s.settleReads(r, dt)
	return true
}

// demandCols are the columns a pass over the units reads each unit's
// demand from, as long as r.allow: records q.n + accN[u] and bytes q.b +
// accX[u]·per, plus retN[u] and retB[u] when anyRet. In one writer's mode
// a unit's new bytes are its records × onePer, otherwise accB's × 1
// (exact), so one expression serves both. The passes write the demand out
// with these in locals: through demand.of, its fields lived in memory and
// each unit loaded them again.
func (r *reader) demandCols() (qs []fifo, accN, accX, retN, retB []float64, per float64, anyRet bool) {
	a, n := &r.s.adm, len(r.allow)
	accN, accX, per = a.accN[:n], a.accB[:n], 1.0
	if a.oneMode {
		accX, per = accN, a.onePer
	}
	return r.q[:n], accN, accX, a.retN[:n], a.retB[:n], per, a.anyRet
}

// readPass is readOne's pass over the units: each one's allowances, and
// the sums fitCapacity may need (sumDemand, and with pre canRead's). It
// keeps its sums in locals and starts them where sumDemand and prepare
// left the reader's, so they add up in the same order. The demand is
// written out (see demandCols): 15% of Lambda's day is this loop.
func (r *reader) readPass(budget, maxN float64, sum, pre bool) {
	allowB := r.allow
	allowN, canN, canB := r.allowN[:len(allowB)], r.canN, r.canB
	qs, accN, accX, retN, retB, per, anyRet := r.demandCols()
	sumN, sumB, readN, readB, short := r.sumN, r.sumB, r.readN, r.readB, r.short
	for u := range allowB {
		q := &qs[u]
		n := q.n + accN[u]
		b := q.b + accX[u]*per
		if anyRet {
			n += retN[u]
			b += retB[u]
		}
		if sum {
			sumN += n
			sumB += b
		}
		allow := b
		if allow > budget {
			allow = budget
			short++
		}
		allowB[u] = allow
		// min(n, maxN) with a plain comparison (the builtin orders NaN
		// and −0 at a cost): maxN, a call's records, is positive, so
		// this gives the builtin's bits, n NaN included.
		an := n
		if maxN < an {
			an = maxN
		}
		allowN[u] = an
		if pre { // canRead
			cn, cb := readableOf(n, b, an, allow)
			canN[u], canB[u] = cn, cb
			readN += cn
			readB += cb
		}
	}
	r.sumN, r.sumB, r.readN, r.readB, r.short = sumN, sumB, readN, readB, short
}

// readFilled is readPass with canRead's sums for a capacity in one unit
// (filled): it also writes shareCapacity's first pass, what waits on each
// unit and what it can give in that unit, summed in unit order as that
// pass sums them. A pass of its own: the extra figures in readPass's loop
// cost every reader without a capacity (Lambda's) 3% more instructions.
func (r *reader) readFilled(budget, maxN float64, sum bool) {
	// Every per-unit slice of one length, in locals (one bounds check),
	// and the demand written out (see demandCols).
	allowB := r.allow
	allowN, canN, canB := r.allowN[:len(allowB)], r.canN[:len(allowB)], r.canB[:len(allowB)]
	want, can := r.want[:len(allowB)], r.can[:len(allowB)]
	qs, accN, accX, retN, retB, per, anyRet := r.demandCols()
	byN := r.filled == shareByRecords
	sumN, sumB, readN, readB, short := r.sumN, r.sumB, r.readN, r.readB, r.short
	var wsum float64
	for u := range allowB {
		q := &qs[u]
		n := q.n + accN[u]
		b := q.b + accX[u]*per
		if anyRet {
			n += retN[u]
			b += retB[u]
		}
		if sum {
			sumN += n
			sumB += b
		}
		allow := b
		if allow > budget {
			allow = budget
			short++
		}
		allowB[u] = allow
		an := min(n, maxN) // the builtin: readPass's plain comparison here cost behind 0.3%
		allowN[u] = an
		cn, cb := readableOf(n, b, an, allow)
		canN[u], canB[u] = cn, cb
		readN += cn
		readB += cb
		if byN {
			want[u], can[u] = n, cn
			wsum += n
		} else {
			want[u], can[u] = b, cb
			wsum += b
		}
	}
	r.sumN, r.sumB, r.readN, r.readB, r.short = sumN, sumB, readN, readB, short
	r.wsum = wsum
}

// readCalls: a shard serves 5 read calls a second (KDS-SHARD-READ); more
// polling readers than that get refused calls.
func (kinesis) readCalls(s *stream, dt float64) {
	if polling := s.pollingReaders(); polling > pipeline.KDSShardReadCalls {
		s.readThrot += float64((polling-pipeline.KDSShardReadCalls)*s.units) * dt
	}
}

func (kinesis) afterReads(*stream, float64) {}

func (kinesis) metrics(e *Engine, s *stream, m map[string]float64, lag, age float64) {
	m["read_throttled"] = s.readThrot
	m["iterator_age_max"] = age
	m["shards_end"] = float64(s.units)
}

func (kinesis) cost(e *Engine, s *stream, t streamTraffic) float64 {
	n := s.n
	h := float64(pipeline.HoursPerMonth)
	if s.onDemand {
		billedIn := e.monthly(s.in) * e.unitsPerRecord(n.ID, pipeline.KDSOnDemandBillUnit, true) * pipeline.KDSOnDemandBillUnit / pipeline.GB
		return h*pipeline.KDSOnDemandStreamH + billedIn*pipeline.KDSOnDemandInGB +
			(t.gbOut-t.efoGB)*pipeline.KDSOnDemandOutGB + t.efoGB*pipeline.KDSOnDemandEFOOutGB
	}
	shards := float64(s.units)
	units := e.monthly(s.in) * e.unitsPerRecord(n.ID, pipeline.KDSPutUnit, true) // PUT payload units of 25 KB
	c := shards*h*pipeline.KDSShardHour + units/1e6*pipeline.KDSPutUnitsPerM
	ret := s.retention
	if ret > 86400 {
		c += shards * h * pipeline.KDSExtRetentionShard
	}
	if ret > 7*86400 {
		c += t.gbIn * (ret - 7*86400) / secondsPerMonth * pipeline.KDSLongRetentionGBMo
	}
	c += float64(t.efo)*shards*h*pipeline.KDSEFOConsumerShardH + t.efoGB*pipeline.KDSEFOPerGB
	return c
}

type reshardState struct {
	target int
	doneAt float64 // seconds; 0 = idle
	ops    []float64
}

// switchMode follows KDS-MODE-SWITCHES: at most two per 24 h; the shard count carries over.
func (s *stream) switchMode(e *Engine, od bool) {
	now := e.nowSec()
	recent := 0
	for _, t := range s.switches {
		if now-t < 86400 {
			recent++
		}
	}
	if recent >= pipeline.KDSModeSwitches {
		e.event(s.id, "mode switch refused: at most %d switches per 24 h", pipeline.KDSModeSwitches)
		s.n.Params["mode"] = pipeline.Value{Kind: pipeline.KindEnum, Str: modeName(s.onDemand), Set: true}
		return
	}
	s.switches = append(s.switches, now)
	s.onDemand = od
	if od {
		// The shard count carries over (KDS-MODE-SWITCHES), and a peak of
		// the last 30 days still counts (KDS-ONDEMAND-SCALING).
		s.od.init(max(s.od.peak, float64(s.units)*pipeline.KDSShardWriteBytes/2))
		e.event(s.id, "switched to on-demand (capacity %.0f MiB/s)", s.od.capB/pipeline.MiB)
		s.relayout(e, s.od.units())
	} else {
		e.event(s.id, "switched to provisioned with %d shards", s.units)
		s.n.Params["shards"] = intValue(s.units)
	}
}

func modeName(od bool) string {
	if od {
		return "on-demand"
	}
	return "provisioned"
}

// requestReshard asks for UpdateShardCount to want shards: pipeline.CheckResize
// judges it (KDS-RESHARD-STEP and KDS-RESHARD-RATE: each call within ½×..2×
// of the current count, at most 10 per rolling 24 h, one at a time), and it
// takes minutes (KDS-RESHARD-TIME: 2–10 min, unconfirmed).
func (s *stream) requestReshard(e *Engine, want int) {
	cur := s.units
	if s.reshard.doneAt > 0 {
		cur = s.reshard.target
	}
	now := e.nowSec()
	if err := s.checkReshard(now, want); err != nil {
		var re *pipeline.ResizeError
		if errors.As(err, &re) {
			e.event(s.id, "UpdateShardCount to %d refused: %s", want, re.Reason)
		}
		s.n.Params["shards"] = intValue(cur)
		return
	}
	if want == cur {
		return
	}
	s.reshard.ops = append(s.reshard.ops, now)
	s.reshard.target = want
	// Two minutes plus a second per shard created or closed, at most ten minutes.
	took := min(600, 120+float64(abs(want-s.units)))
	s.reshard.doneAt = now + took
	e.event(s.id, "UpdateShardCount %d → %d started (UPDATING for about %.0f s)", s.units, want, took)
}

// checkReshard says why UpdateShardCount to want would be refused now, or nil;
// asking for the count the stream has (or is going to) is no call at all.
func (s *stream) checkReshard(now float64, want int) error {
	cur := s.units
	if s.reshard.doneAt > 0 {
		cur = s.reshard.target
	}
	if want == cur {
		return nil
	}
	return pipeline.CheckResize(s.resizeState(now), want)
}

// kinesisPerUser is the Kinesis records per user record written this tick
// (1 without aggregation), remembered from the last tick that had writes.
func (s *stream) kinesisPerUser() float64 {
	var n, k float64
	for _, ed := range s.adm.edges {
		n += ed.n
		k += ed.n * ed.recWeight()
	}
	if n > 0 {
		s.recPer = k / n
	}
	if s.recPer <= 0 {
		return 1
	}
	return s.recPer
}

// firehoseRoundsRecords: Firehose reading a Kinesis stream bills each record
// rounded up to 5 KB (PRICE-FH-INGEST).
func (kinesis) firehoseRoundsRecords() bool { return true }
