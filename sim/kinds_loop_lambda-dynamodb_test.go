package sim_test

import (
	"math"
	"math/bits"

	"github.com/streamsim/streamsim/pipeline"
)

func init() { kinds = append(kinds, kind{name: "lambda-dynamodb", loop: loopLambdaDynamoDB}) }

// loopLambdaDynamoDB is sim/testdata/kinds/lambda-dynamodb.yaml: a Kinesis
// stream read by Lambda's event source mapping (batches of batch_size per
// shard, parallelization concurrent batches per shard, duration a record),
// which writes to an on-demand DynamoDB table and stops reading while the
// table holds back what it refused, so every shard keeps a backlog.
//
// Per tick: the write side (fixed shard limits, one retry next tick, then
// lost) and then, per shard, the unread queue (records expire after the
// stream's retention), the read within the shard's limits (2 MB, one
// GetRecords call's 10,000 records) and Lambda's capacity (parallelization
// ÷ duration records a second), nothing at all while the function waits on
// the table; what is read fills the shard's batch, and each full batch (or
// the rest, once the shard has nothing unread) runs in the shard's first
// free slot, its records leaving when it has run. The tick's pieces are
// summed by birth and departure across shards and queued for the table,
// which takes a budget a tick: its on-demand capacity (4,000 write units,
// then twice the peak it served, up to the table quota), less when the
// busiest key's partition (1,000 WCU) would pass its limit first; what it
// refuses counts as throttled each time it is offered.
//
// The queues are bounded as the engine documents its own (sim/queue.go):
// a shard's unread records keep 2^18 ÷ shards entries (a power of two, at
// least 64), its batch 2^16 ÷ shards (at least 64), the table's queue 2^14;
// past that, neighbours are merged in pairs, births and times weighted.
// Records are of one size, so a queue counts records only.
func loopLambdaDynamoDB(sc *pipeline.Scenario) loopTotals {
	d := newLoopDay(sc)
	src := nodeOf(sc, "events")
	d.md5Shares(src.Int("shards"))
	fleet, fn, table := nodeOf(sc, "fleet"), nodeOf(sc, "fn"), nodeOf(sc, "table")
	ldKeyTail(d, pipeline.KeyDistOf(fleet))
	if fleet.Int("retries.max") != 1 || max(1, int(fleet.Dur("retries.backoff").Seconds()/d.dt+0.5)) != 1 ||
		fleet.Str("pattern.shape") != "diurnal" || fleet.Bool("aggregation") || src.Str("mode") == "on-demand" {
		panic("loopLambdaDynamoDB: the producer retries once, a tick later, with a diurnal rate, into a provisioned stream")
	}
	if fn.Dur("batch_window") > 0 || fn.Int("poison_records") > 0 || fn.Has("capacity") || fn.Str("read") == "enhanced-fan-out" {
		panic("loopLambdaDynamoDB: no batching window, poison records, capacity or enhanced fan-out")
	}
	if table.Str("mode") != "on-demand" {
		panic("loopLambdaDynamoDB: an on-demand table")
	}
	l := newLDLoop(d, src, fn, pipeline.KeyDistOf(fleet).Weight(0))
	for t := range d.ticks {
		l.tick(t)
	}
	var lag, batched, retry float64
	for u := range l.sh {
		lag += l.sh[u].unread.total
		batched += l.sh[u].batch.total
		retry += l.sh[u].retry
	}
	return d.finish(map[string]float64{
		"events.max_shard_utilization": d.maxUtil,
		"events.lag_records":           lag,
		"events.iterator_age_max":      d.ageMax,
		"fn.lag_records":               lag,
		"fn.held_records":              batched + l.out.total,
		"fn.iterator_age_max":          d.ageMax,
		"fn.utilization_max":           d.load.peak,
		"pipeline.in_flight_records":   lag + batched + l.out.total + retry,
	})
}

// ldKeyTail spreads the weight the named keys leave (here only the
// rounding of their sum) over the shards by their hash ranges, as the
// engine spreads keys it does not name, so that shards of equal traffic
// carry bit-equal records and their record groups merge as the engine's do.
func ldKeyTail(d *loopDay, kd pipeline.KeyDist) {
	const maxNamed = 100_000 // keys hashed one by one
	var named float64
	for i := range min(kd.Count, maxNamed) {
		named += kd.Weight(i)
	}
	tail := max(0, 1-named)
	if tail == 0 {
		return
	}
	n := d.units
	start := func(i int) float64 { // shard i's first hash key ÷ 2^64
		if i == 0 {
			return 0
		}
		hi, r := bits.Div64(uint64(i), 0, uint64(n))
		lo, _ := bits.Div64(r, 0, uint64(n))
		return float64(hi) + float64(lo)/(1<<64)
	}
	for s := range n {
		end := float64(1 << 64)
		if s+1 < n {
			end = start(s + 1)
		}
		d.share[s] += tail * ((end - start(s)) / float64(1<<64))
	}
}

// ldShard is a shard's state: the records it refused last tick, due again
// now, what Lambda has not read, and its batch being filled.
type ldShard struct {
	retry, retryBorn float64
	unread, batch    ldQueue
}

// ldLoop is the lambda-dynamodb loop's state, flat per shard.
type ldLoop struct {
	d   *loopDay
	dt  float64
	cut float64 // retention, seconds

	sh    []ldShard
	invN  float64 // 1 ÷ a shard's records a tick
	invB  float64 // 1 ÷ a shard's bytes a tick
	byteW float64 // bytes a record counts, partition key included

	busy      []float64 // per shard × slot: when its invocation finishes
	par       int
	maxRead   float64 // records a tick a shard lets the reader read
	fnCap     float64 // Lambda's records a tick per shard
	full      float64 // records of a full batch
	fnDur     float64 // seconds a record
	readDelay float64
	readSum   float64 // records read this tick

	pieces ldGather
	out    ldQueue // processed, not yet taken by the table

	// table
	hot, units    float64 // busiest key's share; write units an item
	peak, winPeak float64
	winStart      float64
	budN, used    float64
}

func newLDLoop(d *loopDay, src, fn *pipeline.Node, hot float64) *ldLoop {
	n := d.units
	l := &ldLoop{
		d: d, dt: d.dt, cut: src.Dur("retention").Seconds(),
		sh:        make([]ldShard, n),
		invN:      1 / (pipeline.KDSShardWriteRecs * d.dt),
		invB:      1 / (pipeline.KDSShardWriteBytes * d.dt),
		byteW:     d.size + d.keyBytes,
		par:       fn.Int("parallelization"),
		fnDur:     fn.Dur("duration").Seconds(),
		readDelay: kdsPollDelay,
		hot:       hot,
		units:     max(1, math.Ceil(d.size/pipeline.DDBItemUnit)),
		winStart:  -1,
	}
	l.busy = make([]float64, n*l.par)
	l.maxRead = min(pipeline.KDSGetRecordsMaxRec*d.dt, pipeline.KDSShardReadBytes*d.dt/d.size)
	l.fnCap = float64(l.par) / l.fnDur * d.dt
	l.full = min(float64(max(1, fn.Int("batch_size"))), max(1, pipeline.LambdaPayloadMax/d.size))
	if (1<<18)/n < 64 {
		panic("loopLambdaDynamoDB: so many shards that the engine's queues spread merged births")
	}
	perQ := 1 << int(math.Ceil(math.Log2(float64(max(64, (1<<18)/n)))))
	perB := 1 << int(math.Ceil(math.Log2(float64(max(64, (1<<16)/n)))))
	for u := range n {
		l.sh[u].unread.limit = perQ
		l.sh[u].batch.limit = perB
		if keepsBytes {
			l.sh[u].unread.bytes.setPer(d.size)
			l.sh[u].batch.bytes.setPer(d.size)
		}
	}
	l.out.limit = 1 << 14
	if keepsBytes {
		l.out.bytes.setPer(d.size)
	}
	l.pieces.dt = d.dt
	return l
}

func (l *ldLoop) tick(t int) {
	d := l.d
	now := float64(t) * l.dt
	rn := d.rate * d.factor(now) * l.dt
	d.tot.produced += rn
	l.budget()
	l.flush(now)
	skip := l.out.total > 1e-6 // the table holds refused records: Lambda retries, reading nothing
	l.pieces.reset(now)
	cut := now - l.cut
	for u := range d.units {
		// Write side: the shard's limit over this tick's records and last
		// tick's refusals; refused new records are retried next tick,
		// refused retries lost.
		sh := &l.sh[u]
		n := rn * d.share[u]
		r := sh.retry
		x := max((n+r)*l.invN, (n*l.byteW+(r*d.size+r*d.keyBytes))*l.invB)
		if x > d.maxUtil {
			d.maxUtil = x
		}
		f := 1.0
		if x > 1 {
			f = 1 / x
		}
		accN := n * f
		var retN, retBorn float64
		if r > 0 {
			retN = r * f
			if retN > 0 {
				// The retried records' mean birth, summed and divided as
				// the engine does, so that it stays bit-equal to its.
				retBorn = retN * sh.retryBorn / retN
			}
			if rej := r - retN; rej > 1e-12 {
				d.tot.throttled += rej
				d.tot.lost += rej
			}
		}
		sh.retry = 0
		if rej := n - accN; rej > 1e-12 {
			d.tot.throttled += rej
			sh.retry, sh.retryBorn = rej, now
		}

		// Read side: expire, then read within the shard's limits and
		// Lambda's, oldest first (this tick's retries ahead of its new records).
		q := &sh.unread
		for q.size > 0 && q.front().at <= cut {
			d.tot.lost += q.front().n
			q.pop()
		}
		allowN := min(q.total+accN+retN, l.maxRead)
		if allowN >= l.fnCap*(1-1e-9) {
			allowN = min(allowN, l.fnCap)
		}
		if retN > 0 {
			if q.size == 0 && !skip && retN <= allowN {
				l.read(u, retBorn, now, retN, now)
				allowN -= retN
			} else {
				q.push(retBorn, now, retN)
			}
		}
		if q.size == 0 {
			if accN > 0 {
				f := 0.0
				if !skip {
					f = 1
					if accN > allowN {
						f = allowN / accN
					}
				}
				if f >= 1-1e-12 {
					l.read(u, now, now, accN, now)
				} else {
					in := accN
					if f > 0 {
						piece := accN * f
						l.read(u, now, now, piece, now)
						in -= piece
					}
					q.push(now, now, in)
				}
			}
		} else {
			q.push(now, now, accN)
			if !skip {
				want := allowN
				for {
					born, at, n, ok := q.next(&want)
					if !ok {
						break
					}
					l.read(u, born, at, n, now)
				}
			}
		}
		l.closeBatches(u, now)
		if q.size > 0 {
			d.ageMax = max(d.ageMax, now-q.front().at)
		}
	}
	d.load.add(l.readSum/(l.fnCap*float64(d.units)), l.dt)
	l.readSum = 0
	for i, n := range l.pieces.n {
		l.out.push(l.pieces.born[i], l.pieces.at[i], n)
	}
	l.flush(now)
	l.tableStep(now)
}

// read hands a piece read from shard u to its batch.
func (l *ldLoop) read(u int, born, at, n, now float64) {
	l.readSum += n
	l.sh[u].batch.push(born, max(at, now)+l.readDelay, n)
}

// closeBatches invokes shard u's full batches, then the rest once the
// shard has nothing unread.
func (l *ldLoop) closeBatches(u int, now float64) {
	b := &l.sh[u].batch
	for b.size > 0 {
		if b.total < l.full*(1-1e-9) {
			break
		}
		if l.invoke(u, l.full, b.front().at) == 0 {
			break
		}
	}
	if b.size > 0 && l.sh[u].unread.size == 0 {
		l.invoke(u, b.total, now)
	}
}

// invoke runs the first n records of shard u's batch in its first free
// slot, from when they have all arrived; they leave when it has run.
func (l *ldLoop) invoke(u int, n, at float64) float64 {
	b := &l.sh[u].batch
	at = max(at, b.lastArrival(n))
	busy := l.busy[u*l.par : (u+1)*l.par]
	slot := 0
	for i, x := range busy {
		if x < busy[slot] {
			slot = i
		}
	}
	start := max(at, busy[slot])
	done := start + n*l.fnDur
	var got float64
	want := n
	for {
		born, _, part, ok := b.next(&want)
		if !ok {
			break
		}
		got += part
		l.pieces.add(born, done, part)
	}
	busy[slot] = done
	return got
}

// budget is the table's items this tick: its on-demand capacity, or what
// the busiest key's partition lets through first.
func (l *ldLoop) budget() {
	table, partition := l.capacity()
	l.budN = min(partition*l.dt, table*l.dt) / l.units
}

func (l *ldLoop) capacity() (table, partition float64) {
	table = min(pipeline.DDBTableMaxWRU, max(pipeline.DDBOnDemandStartWRU, 2*l.peak))
	parts := max(1, math.Ceil(table/pipeline.DDBPartitionWCU))
	return table, pipeline.DDBPartitionWCU / (l.hot + (1-l.hot)/parts)
}

// flush offers the table the queued records, oldest first, until it
// refuses; the refused part of the record group it stopped at counts as
// throttled.
func (l *ldLoop) flush(now float64) {
	q := &l.out
	d := l.d
	for q.size > 0 {
		g := q.front()
		cn := g.n
		ok := max(0, min(cn, cn*l.budN/cn))
		if ok < cn*(1-1e-6) {
			d.tot.throttled += cn - ok
		}
		if ok <= 0 {
			return
		}
		l.budN = max(0, l.budN-cn*(ok/cn))
		l.used += cn * (ok / cn) * l.units
		d.hist.Add(max(0, max(g.at, now)-g.born), ok)
		d.tot.delivered += ok
		if ok >= cn-1e-9 {
			q.pop()
			continue
		}
		want := ok
		q.next(&want)
		return
	}
}

// tableStep follows the on-demand peak: served below the capacity, a rate
// is the new peak at once; held at the capacity, the table gets the peak
// it was held at 30 minutes after it first hit it.
func (l *ldLoop) tableStep(now float64) {
	rate := l.used / l.dt
	l.used = 0
	table, _ := l.capacity()
	end := now + l.dt
	if rate < table*(1-1e-3) {
		l.peak = max(l.peak, rate)
	} else {
		if l.winStart < 0 {
			l.winStart = end
		}
		l.winPeak = max(l.winPeak, rate)
	}
	if l.winStart >= 0 && end-l.winStart >= pipeline.DDBOnDemandGrowSec-1e-9 {
		l.peak = max(l.peak, l.winPeak)
		l.winPeak, l.winStart = 0, -1
	}
}

// ldQueue is a bounded FIFO of record groups (birth, arrival, records) in
// a flat ring.
type ldQueue struct {
	bytes      queueBytes
	buf        []ldGroup
	head, size int
	total      float64
	limit      int
}

type ldGroup struct {
	bytes       byteCol
	born, at, n float64
}

func ldSameTime(a, b float64) bool { x := a - b; return x < 1e-9 && x > -1e-9 }

func (q *ldQueue) front() *ldGroup { return &q.buf[q.head] }

func (q *ldQueue) push(born, at, n float64) {
	if n <= 0 {
		return
	}
	q.total += n
	var b byteCol
	if keepsBytes {
		b = q.bytes.of(n)
		q.bytes.add(b)
	}
	if q.size > 0 {
		g := &q.buf[(q.head+q.size-1)&(len(q.buf)-1)]
		if g.at == at && ldSameTime(g.born, born) {
			ldMerge(g, ldGroup{bytes: b, born: born, at: at, n: n})
			return
		}
	}
	if q.size == len(q.buf) {
		if q.size >= q.limit {
			q.compact()
		} else {
			q.grow()
		}
	}
	q.buf[(q.head+q.size)&(len(q.buf)-1)] = ldGroup{bytes: b, born: born, at: at, n: n}
	q.size++
}

// ldMerge adds c to g, births and arrivals weighted by records.
func ldMerge(g *ldGroup, c ldGroup) {
	t := g.n + c.n
	g.born = (g.born*g.n + c.born*c.n) / t
	g.at = (g.at*g.n + c.at*c.n) / t
	g.n = t
	if keepsBytes {
		g.bytes.add(c.bytes)
	}
}

func (q *ldQueue) grow() {
	nb := make([]ldGroup, max(8, 2*len(q.buf)))
	for i := range q.size {
		nb[i] = q.buf[(q.head+i)&(len(q.buf)-1)]
	}
	q.buf, q.head = nb, 0
}

// compact merges neighbours in pairs.
func (q *ldQueue) compact() {
	mask := len(q.buf) - 1
	out := 0
	for i := 0; i < q.size; i += 2 {
		g := q.buf[(q.head+i)&mask]
		if i+1 < q.size {
			ldMerge(&g, q.buf[(q.head+i+1)&mask])
		}
		q.buf[(q.head+out)&mask] = g
		out++
	}
	q.size = out
}

func (q *ldQueue) pop() {
	q.total -= q.buf[q.head].n
	if keepsBytes {
		q.bytes.sub(q.buf[q.head].bytes)
	}
	q.head = (q.head + 1) & (len(q.buf) - 1)
	q.size--
	if q.size == 0 {
		q.total = 0
		if keepsBytes {
			q.bytes.clear()
		}
	}
}

// next removes the next piece of a take of *want records from the front:
// the piece's birth, arrival and records (the whole group when the take
// reaches its end, dust included), and the records the take counts.
func (q *ldQueue) next(want *float64) (born, at, part float64, ok bool) {
	if q.size == 0 || *want <= 1e-12 {
		if q.size == 0 {
			q.total = 0
			if keepsBytes {
				q.bytes.clear()
			}
		}
		return 0, 0, 0, false
	}
	g := &q.buf[q.head]
	fn := g.n
	part = min(fn, *want)
	if part <= 1e-12 {
		if fn > 1e-12 {
			return 0, 0, 0, false
		}
		part = fn
	}
	*want -= part
	born, at = g.born, g.at
	if part >= fn*(1-1e-12) {
		q.pop()
		return born, at, fn, true
	}
	if keepsBytes {
		q.bytes.sub(g.bytes.split(part, fn))
	}
	g.n -= part
	q.total -= part
	return born, at, part, true
}

// lastArrival is the latest arrival among the first n records.
func (q *ldQueue) lastArrival(n float64) float64 {
	var seen, last float64
	for i := 0; i < q.size && seen < n-1e-9; i++ {
		g := &q.buf[(q.head+i)&(len(q.buf)-1)]
		last = max(last, g.at)
		seen += g.n
	}
	return last
}

// ldGather sums a tick's departing pieces by birth and departure, in the
// order first seen: births on the tick grid by their age in ticks (one row
// per departure time, at most eight), the others by their exact times in an
// open-addressing table that a new tick empties by generation.
type ldGather struct {
	born, at, n []float64
	rows        []ldGridRow
	slots       []ldPieceSlot
	gen         uint32
	count       int
	now, dt     float64
}

type ldGridRow struct {
	at      float64
	used    bool
	slot    []int32 // by age in ticks: index+1 in the gather
	touched []int32 // ages set this tick
}

type ldPieceSlot struct {
	born, at float64
	i        int32
	gen      uint32
}

func (g *ldGather) reset(now float64) {
	g.born, g.at, g.n = g.born[:0], g.at[:0], g.n[:0]
	for r := range g.rows {
		row := &g.rows[r]
		for _, a := range row.touched {
			row.slot[a] = 0
		}
		row.touched, row.used = row.touched[:0], false
	}
	if g.count > 0 {
		g.gen++
		g.count = 0
		if g.gen == 0 {
			clear(g.slots)
			g.gen = 1
		}
	}
	g.now = now
}

func (g *ldGather) add(born, at, n float64) {
	k := len(g.n)
	if k > 0 && ldSameTime(g.born[k-1], born) && g.at[k-1] == at {
		g.n[k-1] += n
		return
	}
	age := (g.now - born) / g.dt
	if a := int(age + 0.5); a >= 0 && a <= 1<<16 && ldSameTime(float64(a), age) {
		if row := g.row(at); row != nil {
			if a >= len(row.slot) {
				row.slot = append(row.slot, make([]int32, a+1-len(row.slot))...)
			}
			if s := row.slot[a]; s > 0 {
				g.n[s-1] += n
				return
			}
			row.slot[a] = int32(k + 1)
			row.touched = append(row.touched, int32(a))
			g.append(born, at, n)
			return
		}
	}
	if i := g.find(born, at, k); i < k {
		g.n[i] += n
		return
	}
	g.append(born, at, n)
}

func (g *ldGather) append(born, at, n float64) {
	g.born = append(g.born, born)
	g.at = append(g.at, at)
	g.n = append(g.n, n)
}

// row is the grid row of departure time at, or nil when eight are taken.
func (g *ldGather) row(at float64) *ldGridRow {
	for r := range g.rows {
		if g.rows[r].used && g.rows[r].at == at {
			return &g.rows[r]
		}
	}
	for r := range g.rows {
		if !g.rows[r].used {
			g.rows[r].at, g.rows[r].used = at, true
			return &g.rows[r]
		}
	}
	if len(g.rows) >= 8 {
		return nil
	}
	g.rows = append(g.rows, ldGridRow{at: at, used: true})
	return &g.rows[len(g.rows)-1]
}

// find returns the index stored for (born, at), or stores next and returns it.
func (g *ldGather) find(born, at float64, next int) int {
	if 2*(g.count+1) > len(g.slots) {
		g.growSlots()
	}
	mask := uint64(len(g.slots) - 1)
	h := (math.Float64bits(born+0)*0x9e3779b97f4a7c15 ^ math.Float64bits(at+0)) * 0xbf58476d1ce4e5b9
	for j := (h >> 32) & mask; ; j = (j + 1) & mask {
		s := &g.slots[j]
		if s.gen != g.gen {
			*s = ldPieceSlot{born: born, at: at, i: int32(next), gen: g.gen}
			g.count++
			return next
		}
		if s.born == born && s.at == at {
			return int(s.i)
		}
	}
}

func (g *ldGather) growSlots() {
	old, cur := g.slots, g.gen
	g.slots = make([]ldPieceSlot, max(64, 2*len(old)))
	g.gen, g.count = 1, 0
	for _, s := range old {
		if s.gen == cur {
			g.find(s.born, s.at, int(s.i))
		}
	}
}
