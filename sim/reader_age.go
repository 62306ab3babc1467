package sim

// updateAge records the reader's iterator age: how old the oldest unread record is.
func (r *reader) updateAge(now float64) {
	age := 0.0
	known := r.frontKnown && !r.scanFronts // this tick's take found the oldest front
	r.frontKnown = false
	if r.nonEmpty == 0 {
		r.iterAge = 0
		return
	}
	if known {
		// The largest now − frontAt is now − the smallest frontAt, to the
		// bit (a rounded subtraction is monotone).
		age = larger(age, now-r.front)
	} else {
		for u := range r.q {
			if !r.q[u].empty() {
				age = larger(age, now-r.q[u].frontAt)
			}
		}
	}
	r.iterAge = age
	r.iterAgeMax = max(r.iterAgeMax, age)
}

func (r *reader) lag() float64 {
	var n float64
	if r.nonEmpty == 0 {
		return 0
	}
	for u := range r.q {
		n += r.q[u].n
	}
	return n
}
