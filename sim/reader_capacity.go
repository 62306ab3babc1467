package sim

// fitCapacity limits the reader to its consumer's capacity and reports whether
// the capacity bound this tick. What a unit can give is the records that fit
// both its record and its byte allowance; the capacity, in whichever unit it
// is set, is shared among the units (shareCapacity), and only the allowance in
// the capacity's own unit is lowered, so the two never multiply.
func (r *reader) fitCapacity(dt float64) bool {
	bound := false
	if r.unitCapN > 0 {
		// The allowances in a local, and a plain comparison for the builtin
		// min (which must order NaN and −0): these are positive counts, and
		// when a capacity per unit binds, this runs for every unit.
		c := r.unitCapN * dt
		near, allowN := c*(1-1e-9), r.allowN
		for u, n := range allowN {
			if n >= near {
				bound = true
				if c < n {
					allowN[u] = c
				}
			}
		}
	}
	d := r.demands()
	if r.unitCapB > 0 {
		c := r.unitCapB * dt
		for u := range r.allow {
			if _, b := r.readable(&d, u); b >= c*(1-1e-9) {
				bound = true
				r.allow[u] = min(r.allow[u], c)
			}
		}
	}
	summed, ready, filled := r.summed, r.ready, r.filled
	r.summed, r.ready, r.needed, r.filled = false, false, false, 0
	if r.capB < 0 && r.capN < 0 {
		return bound
	}
	if summed && r.unitCapN <= 0 && r.unitCapB <= 0 && r.fits(r.sumN, r.sumB, dt) {
		return bound
	}
	r.needed = true
	sumN, sumB := r.readN, r.readB
	if !ready {
		sumN, sumB = 0, 0
		for u := range r.allow {
			n, b := r.readable(&d, u)
			sumN += n
			sumB += b
		}
	}
	overN, overB := 0.0, 0.0 // readable ÷ capacity
	if r.capN >= 0 {
		overN = sumN / max(r.capN*dt, 1e-12)
	}
	if r.capB >= 0 {
		overB = sumB / max(r.capB*dt, 1e-12)
	}
	if overN <= 1 && overB <= 1 {
		return bound
	}
	if overN >= overB {
		r.shareCapacity(r.capN*dt, true, ready, filled == shareByRecords)
	} else {
		r.shareCapacity(r.capB*dt, false, ready, filled == shareByBytes)
	}
	return true
}

// The unit that shareCapacity shares a capacity set in one unit only in.
const (
	shareByRecords int8 = 1 + iota
	shareByBytes
)

// shareCapacity gives each unit a part of the capacity c (records when
// byRecords, else bytes) in proportion to what waits on it, but never more
// than the unit can give: x_u = min(can_u, λ·want_u) with Σ x_u = c, found by
// saturating the units whose allowance binds and sharing the rest again.
// With ready, what each unit can give is the allocation's (canN, canB);
// with filled, the allocation's pass wrote want, can and wsum too.
func (r *reader) shareCapacity(c float64, byRecords, ready, filled bool) {
	r.sizeShares()
	// The passes read the reader's slices once (see demand).
	d := r.demands()
	want, can, allowB, allowN := r.want, r.can[:len(r.want)], r.allow, r.allowN
	canN, canB := r.canN, r.canB
	wsum := r.wsum
	if !filled {
		wsum = 0
		for u := range want {
			dn, db := d.of(u)
			var n, b float64
			if ready {
				n, b = canN[u], canB[u]
			} else {
				n, b = readableOf(dn, db, allowN[u], allowB[u])
			}
			want[u], can[u] = db, b
			if byRecords {
				want[u], can[u] = dn, n
			}
			wsum += want[u]
		}
	}
	left, lam := c, 0.0
	for wsum > 0 && left > 0 {
		lam = left / wsum
		saturated := false
		for u, w := range want {
			if w > 0 && can[u] <= lam*w {
				left -= can[u]
				wsum -= w
				want[u] = -1 // gives all it can
				saturated = true
			}
		}
		if !saturated {
			break
		}
		lam = 0
	}
	out := allowB
	if byRecords {
		out = allowN
	}
	for u, w := range want {
		x := can[u]
		if w >= 0 {
			x = lam * w
		}
		out[u] = x
	}
}

// readable is what unit u can give the reader within both of its allowances,
// taking the unread records' mean size.
func (r *reader) readable(d *demand, u int) (n, b float64) {
	dn, db := d.of(u)
	return readableOf(dn, db, r.allowN[u], r.allow[u])
}

// readableOf is readable for a unit whose demand is dn records and db
// bytes and whose allowances are allowN records and allowB bytes.
func readableOf(dn, db, allowN, allowB float64) (n, b float64) {
	if dn <= 0 {
		return 0, 0
	}
	per := db / dn
	n = allowN
	if per > 0 {
		// min(n, max(0, allowB)/per), with plain comparisons (the builtins
		// order NaN and −0 at a cost, and this runs per unit and tick):
		// allowB at most zero, −0 too, gives +0 and NaN stays NaN, so q is
		// never −0, and a NaN q wins as the builtin min's would.
		a := 0.0
		if allowB > 0 || allowB != allowB {
			a = allowB
		}
		if q := a / per; q < n || q != q {
			n = q
		}
	}
	return n, n * per
}

// prepare starts the sums of readable that an allocation's pass keeps
// (canRead) when the reader's capacity will need them (needed): with
// per-unit caps, fitCapacity lowers the allowances first, so it finds them
// itself.
func (r *reader) prepare() bool {
	r.ready = r.needed && (r.capN >= 0 || r.capB >= 0) && r.unitCapN <= 0 && r.unitCapB <= 0
	r.filled, r.wsum = 0, 0
	if r.ready {
		r.readN, r.readB = 0, 0
		if len(r.canN) != len(r.allow) {
			r.canN = make([]float64, len(r.allow))
			r.canB = make([]float64, len(r.allow))
		}
		// With the capacity in one unit only, fitCapacity shares in that
		// unit whenever it shares (its over-ratio in the other is 0).
		switch {
		case r.capN >= 0 && r.capB < 0:
			r.filled = shareByRecords
		case r.capB >= 0 && r.capN < 0:
			r.filled = shareByBytes
		}
		if r.filled != 0 {
			r.sizeShares()
		}
	}
	return r.ready
}

// sizeShares makes want and can as long as the allowances.
func (r *reader) sizeShares() {
	if len(r.want) != len(r.allow) {
		r.want = make([]float64, len(r.allow))
		r.can = make([]float64, len(r.allow))
	}
}

// sumDemand starts the sums of demand.of that an allocation's pass over
// the units keeps (addDemand), when the reader's capacity will need them:
// readable never exceeds demand.of, so when the demand fits the capacity,
// so does what the reader can read, and fitCapacity has nothing to do.
func (r *reader) sumDemand() bool {
	r.sumN, r.sumB = 0, 0
	r.summed = (r.capN >= 0 || r.capB >= 0) && r.unitCapN <= 0 && r.unitCapB <= 0
	return r.summed
}

func (r *reader) addDemand(dn, db float64) {
	r.sumN += dn
	r.sumB += db
}

// fits reports whether n records and b bytes are clearly within the
// capacity of a tick (a margin for rounding: readable's n·(b/n) may exceed
// b by an ulp).
func (r *reader) fits(n, b, dt float64) bool {
	const margin = 1 - 1e-9
	return (r.capN < 0 || n <= r.capN*dt*margin) && (r.capB < 0 || b <= r.capB*dt*margin)
}
