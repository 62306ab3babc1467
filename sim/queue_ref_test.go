package sim

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"unsafe"
)

// refFifo is the queue as it was before entries and extras were kept
// apart (commit 0d77af3): TestQueueMatchesReference holds fifo to it.
// refFifo is a ring buffer of cohorts. It never holds more than limit entries: past
// that, neighbours are merged (weighted), trading latency resolution for bounded memory.
// With spread set, merged cohorts remember the range of their births (see cohort.lo).
type refFifo struct {
	buf        []cohort
	head, size int
	n, b       float64 // totals held
	limit      int
	spread     bool
}

func (q *refFifo) empty() bool { return q.size == 0 }

func (q *refFifo) front() *cohort { return &q.buf[q.head] }

func (q *refFifo) push(c cohort) {
	if c.n <= 0 {
		return
	}
	q.n += c.n
	q.b += c.b
	if q.size > 0 {
		last := &q.buf[(q.head+q.size-1)&(len(q.buf)-1)]
		if last.at == c.at && sameTime(last.born, c.born) {
			mergeInto(last, &c, q.spread)
			return
		}
	}
	if q.size == len(q.buf) {
		switch {
		case q.limit > 0 && q.size >= q.limit && q.spread:
			q.mergeClosest()
		case q.limit > 0 && q.size >= q.limit:
			q.compact()
		default:
			q.grow()
		}
	}
	q.buf[(q.head+q.size)&(len(q.buf)-1)] = c
	q.size++
}

func (q *refFifo) grow() {
	nb := make([]cohort, max(8, 2*len(q.buf)))
	for i := 0; i < q.size; i++ {
		nb[i] = q.buf[(q.head+i)&(len(q.buf)-1)]
	}
	q.buf, q.head = nb, 0
}

// compact merges neighbouring pairs, halving the entries.
func (q *refFifo) compact() {
	out := 0
	for i := 0; i < q.size; i += 2 {
		c := q.buf[(q.head+i)&(len(q.buf)-1)]
		if i+1 < q.size {
			mergeInto(&c, &q.buf[(q.head+i+1)&(len(q.buf)-1)], q.spread)
		}
		q.buf[(q.head+out)&(len(q.buf)-1)] = c
		out++
	}
	q.size = out
}

// mergeClosest frees about half of the queue's entries by merging runs of
// neighbours whose births together span at most 4/size of the births the
// whole queue spans. The entries that remain cover even slices of time, so
// the spread of births stays close to the truth whichever records are
// delivered; halving (compact) would leave the oldest entry holding half the
// queue. One pass costs O(size) and happens every size/2 pushes or so; when
// births are out of order and no run forms, it halves instead.
func (q *refFifo) mergeClosest() {
	mask := len(q.buf) - 1
	at := func(i int) *cohort { return &q.buf[(q.head+i)&mask] }
	first, _ := at(0).births()
	_, last := at(q.size - 1).births()
	w := (last - first) / float64(max(1, q.size/4))
	out := 0
	var glo, ghi float64 // births of the run being built in entry out-1
	for i := 0; i < q.size; i++ {
		lo, hi := at(i).births()
		if out > 0 && max(ghi, hi)-min(glo, lo) <= w {
			mergeInto(at(out-1), at(i), true)
			glo, ghi = min(glo, lo), max(ghi, hi)
			continue
		}
		*at(out) = *at(i)
		glo, ghi = lo, hi
		out++
	}
	if out == q.size {
		// Births out of order or all equal: fall back to halving.
		q.compact()
		return
	}
	q.size = out
}

// take removes up to n records (and at most b bytes when b >= 0) from the front,
// calling fn for each piece taken. It returns the records and bytes taken.
func (q *refFifo) take(n, b float64, fn func(c cohort)) (float64, float64) {
	var tn, tb float64
	t := taking{n: n, b: b, limB: b >= 0}
	for {
		piece, part, ok := q.next(&t)
		if !ok {
			break
		}
		fn(piece)
		tn += part
		tb += piece.b
	}
	return tn, tb
}

// next removes the next piece of a take from the front and returns it with
// the records it counts toward the take (part; the piece may hold a trace
// more when it empties its entry), or ok false when the take is done.
func (q *refFifo) next(t *taking) (piece cohort, part float64, ok bool) {
	if q.size == 0 || t.n <= 1e-12 {
		if q.size == 0 {
			q.n, q.b = 0, 0
		}
		return cohort{}, 0, false
	}
	f := &q.buf[q.head]
	part = f.n
	if part > t.n {
		part = t.n
	}
	if t.limB && f.n > 0 {
		per := f.b / f.n
		if per > 0 && part*per > t.b {
			part = t.b / per
		}
	}
	if part <= 1e-12 {
		if f.n > 1e-12 {
			return cohort{}, 0, false
		}
		part = f.n // dust left by rounding goes with its neighbour, or it would block the queue
	}
	piece = *f
	piece.n = part
	if part >= f.n*(1-1e-12) {
		piece.n = f.n
		piece.b = f.b
		q.pop()
	} else {
		piece.b = f.b * part / f.n
		piece.obj = f.obj * part / f.n
		f.n -= part
		f.b -= piece.b
		f.obj -= piece.obj
		q.n -= part
		q.b -= piece.b
	}
	t.n -= part
	if t.limB {
		t.b -= piece.b
	}
	return piece, part, true
}

func (q *refFifo) pop() {
	f := q.buf[q.head]
	q.n -= f.n
	q.b -= f.b
	q.head = (q.head + 1) & (len(q.buf) - 1)
	q.size--
	if q.size == 0 {
		q.n, q.b = 0, 0
	}
}

// drain removes every cohort, oldest first, calling fn for each.
func (q *refFifo) drain(fn func(c cohort)) {
	for q.size > 0 {
		c := q.buf[q.head]
		q.head = (q.head + 1) & (len(q.buf) - 1)
		q.size--
		fn(c)
	}
	q.n, q.b = 0, 0
}

// each calls fn for every cohort, oldest first.
func (q *refFifo) each(fn func(c *cohort)) {
	for i := 0; i < q.size; i++ {
		fn(&q.buf[(q.head+i)&(len(q.buf)-1)])
	}
}

// TestQueueMatchesReference drives fifo and refFifo with the same random
// pushes, takes, pops, drains and expiries, over every kind of queue the
// engine makes (unbounded, bounded and halving, bounded and spreading) and
// cohorts with and without extras (objects, rows, a range of births),
// extras first arriving at any point, some arriving out of order (as a
// reshard moves them), and checks that every piece, total
// and entry is bit-for-bit the same.
func TestQueueMatchesReference(t *testing.T) {
	seeds := 100
	if testing.Short() {
		seeds = 8
	}
	for _, limit := range []int{0, 16, 64} {
		for _, spread := range []bool{false, true} {
			for _, extras := range []float64{0, 0.02, 0.3} {
				for seed := range seeds {
					name := fmt.Sprintf("limit=%d/spread=%v/extras=%g/seed=%d", limit, spread, extras, seed)
					if msg := queuesAgree(limit, spread, extras, uint64(seed)); msg != "" {
						t.Fatalf("%s: %s", name, msg)
					}
				}
			}
		}
	}
}

// queuesAgree runs one random sequence and returns what first differs.
func queuesAgree(limit int, spread bool, extras float64, seed uint64) string {
	rnd := rand.New(rand.NewPCG(seed, 12))
	q := fifo{limit: int32(limit), spread: spread}
	ref := refFifo{limit: limit, spread: spread}
	now := 0.0
	for step := range 2000 {
		switch op := rnd.IntN(100); {
		case op < 65:
			at := now
			if rnd.IntN(20) == 0 {
				at -= float64(rnd.IntN(100)) // moved from another queue by a reshard
			}
			c := randomCohort(rnd, at, extras)
			// Half the bare pushes try pushEntry's inlined common case first.
			if !c.bare() || rnd.IntN(2) == 0 || !q.pushNew(c.entry()) {
				q.push(c)
			}
			ref.push(c)
			if rnd.IntN(3) > 0 {
				now++
			}
		case op < 90:
			n := rnd.Float64() * 40
			b := -1.0
			if rnd.IntN(2) == 0 {
				b = rnd.Float64() * 4000
			}
			var got, want []cohort
			tn, tb := q.take(n, b, func(c cohort) { got = append(got, c) })
			rn, rb := ref.take(n, b, func(c cohort) { want = append(want, c) })
			if tn != rn || tb != rb || !slices.Equal(got, want) {
				return fmt.Sprintf("step %d: take(%g, %g) gave %v (%g, %g), want %v (%g, %g)", step, n, b, got, tn, tb, want, rn, rb)
			}
		case op < 94:
			if !q.empty() {
				q.pop()
				ref.pop()
			}
		case op < 97:
			cut := now - float64(rnd.IntN(50))
			if q.olderThan(cut) != (!ref.empty() && ref.front().at <= cut) {
				return fmt.Sprintf("step %d: olderThan(%g) differs", step, cut)
			}
		default:
			var got, want []cohort
			q.drain(func(c cohort) { got = append(got, c) })
			ref.drain(func(c cohort) { want = append(want, c) })
			if !slices.Equal(got, want) {
				return fmt.Sprintf("step %d: drain gave %v, want %v", step, got, want)
			}
		}
		if msg := sameQueue(&q, &ref, step%25 == 0); msg != "" {
			return fmt.Sprintf("step %d: %s", step, msg)
		}
	}
	return ""
}

// randomCohort is a cohort arriving at now, born up to a minute before, with
// extras (objects, rows, a range of births) with probability p each.
func randomCohort(rnd *rand.Rand, now, p float64) cohort {
	n := rnd.Float64() * 20
	if rnd.IntN(10) == 0 {
		n = 0 // pushed and ignored
	}
	age := rnd.IntN(60)
	if rnd.IntN(2) == 0 {
		age = rnd.IntN(3) // often the last cohort's birth: pushes merge
	}
	c := cohort{at: now, born: now - float64(age), n: n, b: n * (50 + rnd.Float64()*100)}
	if rnd.Float64() < p {
		c.obj = rnd.Float64() * 3
	}
	if rnd.Float64() < p {
		c.fold = 0.1 + rnd.Float64()
	}
	if rnd.Float64() < p {
		c.lo, c.hi = c.born-rnd.Float64()*30, c.born+rnd.Float64()*30
	}
	return c
}

// sameQueue compares totals, size and the front, and every entry when all.
func sameQueue(q *fifo, ref *refFifo, all bool) string {
	if q.size != ref.size || q.n != ref.n || q.b != ref.b {
		return fmt.Sprintf("size %d, n %g, b %g; want %d, %g, %g", q.size, q.n, q.b, ref.size, ref.n, ref.b)
	}
	if !q.empty() && q.front() != *ref.front() {
		return fmt.Sprintf("front %v, want %v", q.front(), *ref.front())
	}
	if !q.empty() && q.frontAt != ref.front().at {
		return fmt.Sprintf("frontAt %v, want %v", q.frontAt, ref.front().at)
	}
	if !q.empty() {
		if last := ref.buf[(ref.head+ref.size-1)&(len(ref.buf)-1)]; q.backAt != last.at {
			return fmt.Sprintf("backAt %v, want %v", q.backAt, last.at)
		}
	}
	if !all {
		return ""
	}
	if q.ext != nil {
		// The extras' slots that hold no entry are zero (a push of a bare
		// entry relies on it).
		for i := q.size; i < len(q.buf); i++ {
			if x := (*q.ext)[q.slot(i)]; x != (extra{}) {
				return fmt.Sprintf("free slot %d keeps extras %v", q.slot(i), x)
			}
		}
	}
	var got []cohort
	q.each(func(c cohort) { got = append(got, c) })
	var want []cohort
	ref.each(func(c *cohort) { want = append(want, *c) })
	if !slices.Equal(got, want) {
		return fmt.Sprintf("entries %v, want %v", got, want)
	}
	return ""
}

// TestQueueHeaderStaysSmall: a node keeps a queue header per shard and a
// tick reads them all; at 10,000 shards every byte of it is 10 KB more that
// competes for the cache.
func TestQueueHeaderStaysSmall(t *testing.T) {
	if n := unsafe.Sizeof(fifo{}); n > 88 {
		t.Errorf("fifo is %d bytes; keep it at 88 or less", n)
	}
}
