package sim

// acceptEach offers cs's cohorts to the destination in order, each as
// accept would take it arriving at commit(max(at, now)) when commit is set
// (a Flink FileSink's), and stops at the first it does not take whole. It
// returns that cohort's index (len(cs) when it took every one) and what
// of it it took, and adds what it took of each to *out and *outB as flush
// does. A cohort of no records is passed over, as emit drops it.
//
// For a destination that leaves writes to its budget and works, accept's
// and land's arithmetic is written out with the destination's figures in
// locals: a call per cohort (accept, land, deliver, the commit) made Go
// store and load every figure around each, and a reader that fell behind
// hands on hundreds of cohorts a tick. TestAcceptEachIsAccept holds it to
// accept, and TestHandOnMatchesQueued the processor's hand-on to flush.
func (d *dest) acceptEach(e *Engine, cs []cohort, commit func(float64) float64, out, outB *float64) (int, float64) {
	i := 0
	for i < len(cs) && cs[i].n <= 0 {
		i++
	}
	if i == len(cs) {
		return i, 0 // nothing offered: accept is never called, nor budget
	}
	d.budget(e)
	now := e.nowSec()
	if d.failed(now) || d.kind.ownsAccept() {
		return d.acceptEachCall(e, cs, commit, out, outB)
	}
	budN, budB, budO := d.budN, d.budB, d.budO
	limN, limB, limO := d.limN, d.limB, d.limO
	objects, rows, used, units := d.objects, d.rows, d.used, d.units
	in, inB, dOut, dOutB, throttled := d.in, d.inB, d.out, d.outB, d.throttled
	cOut, cOutB := *out, *outB
	lat, tickDeliv, deliv := e.lat, e.tickDeliv, e.deliv
	lastAt, lastCommit := 0.0, 0.0
	known := false // commit is a function of its time alone: one call per arrival
	took := 0.0
	for ; i < len(cs); i++ {
		c := &cs[i]
		if c.n <= 0 {
			continue
		}
		at := c.at
		if commit != nil {
			t := max(at, now)
			if !known || t != lastAt {
				lastAt, lastCommit, known = t, commit(t), true
			}
			at = lastCommit
		}
		r := c.n * c.rowsPerRecord()
		ok := c.n
		if limN && r > 0 {
			ok = min(ok, c.n*budN/r)
		}
		if limB && c.b > 0 {
			ok = min(ok, c.n*budB/c.b)
		}
		if limO && c.obj > 0 {
			ok = min(ok, c.n*budO/c.obj)
		}
		ok = max0(ok)
		if ok < c.n*(1-1e-6) {
			throttled += c.n - ok
		}
		if ok <= 0 {
			break
		}
		f := ok / c.n
		budN = max0(budN - r*f)
		budB = max0(budB - c.b*f)
		budO = max0(budO - c.obj*f)
		objects += c.obj * f
		rows += r * f
		used += r * f * units
		// land (its share of c is f, as accept's)
		in += ok
		inB += c.b * f
		dOut += ok
		dOutB += c.b * f
		vis := max(at, now) + d.delay
		if c.spans() {
			x := *c
			x.n = ok
			e.tickDeliv, e.deliv = tickDeliv, deliv
			e.deliver(x, vis)
			tickDeliv, deliv = e.tickDeliv, e.deliv
		} else {
			lat.Add(max0(vis-c.born), ok)
			tickDeliv += ok
			deliv += ok
		}
		// flush
		cOut += ok
		cOutB += c.b * ok / c.n
		if !(ok >= c.n-1e-9) {
			took = ok
			break
		}
	}
	d.budN, d.budB, d.budO = budN, budB, budO
	d.objects, d.rows, d.used = objects, rows, used
	d.in, d.inB, d.out, d.outB, d.throttled = in, inB, dOut, dOutB, throttled
	*out, *outB = cOut, cOutB
	e.tickDeliv, e.deliv = tickDeliv, deliv
	return i, took
}

// acceptEachCall is acceptEach through accept, one call per cohort.
func (d *dest) acceptEachCall(e *Engine, cs []cohort, commit func(float64) float64, out, outB *float64) (int, float64) {
	now := e.nowSec()
	for i := range cs {
		c := &cs[i]
		if c.n <= 0 {
			continue
		}
		x := *c
		if commit != nil {
			x.at = commit(max(x.at, now))
		}
		ok := d.accept(e, x)
		if ok <= 0 {
			return i, 0
		}
		*out += ok
		*outB += c.b * ok / c.n
		if !(ok >= c.n-1e-9) {
			return i, ok
		}
	}
	return len(cs), 0
}

// max0 is the builtin max(0, x), to the bit (NaN stays NaN, both zeros
// give +0), with plain comparisons: the builtin orders NaN and the zeros
// at a cost, on the path of every cohort delivered.
func max0(x float64) float64 {
	if x > 0 || x != x {
		return x
	}
	return 0
}
