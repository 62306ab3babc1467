package sim

// handOnNow does flush's work for the tick's reads cs when they go
// straight on to one destination with nothing waiting for it (a
// continuous processor, no window): each cohort is offered as flush
// offers it once emit has queued them all, without the queue's push and
// pop per cohort (hundreds of cohorts a tick on a reader that fell
// behind).
// obj0 is the objects of the first cohort (readTick's); the others have
// none. It reports whether it took the reads; the tick's second flush is
// then skipped (see queueRest).
func (p *processor) handOnNow(e *Engine, cs []cohort, obj0 float64) bool {
	if p.window > 0 || len(p.outs) != 1 || len(cs) == 0 || e.queuedHandOn {
		return false
	}
	o := p.outs[0]
	if o.dest == nil || !o.q.empty() || (o.q.limit > 0 && len(cs) > int(o.q.limit)) || queueMerges(cs) {
		return false
	}
	p.handedOn = true
	for i := range cs {
		cs[i].obj = 0
	}
	cs[0].obj = obj0
	if i, ok := o.dest.acceptEach(e, cs, o.commit, &p.out, &p.outB); i < len(cs) {
		p.queueRest(o, cs, i, ok)
	}
	return true
}

// queueRest leaves o's queue as emit and flush would have left it when
// cohort i was the first the destination did not take whole (it took ok
// of it, 0 when it refused it): every cohort queued, those before i
// popped, ok taken from i. Queuing all and popping the taken gives the
// queue's totals to the bit. flush stops there for the tick, and so does
// handOnNow's caller.
func (p *processor) queueRest(o *output, cs []cohort, i int, ok float64) {
	for j := range cs {
		if !(cs[j].n <= 0) {
			o.q.push(cs[j])
		}
	}
	for j := range i {
		if !(cs[j].n <= 0) {
			o.q.pop()
		}
	}
	if !(ok <= 0) { // flush takes what was taken unless refused
		o.q.take(ok, -1, func(cohort) {})
	}
}

// queueMerges reports whether a queue would merge two of cs's cohorts as
// emit pushes them (the same arrival and birth as the one pushed before):
// flush would then offer them as one.
func queueMerges(cs []cohort) bool {
	prev := -1
	for j := range cs {
		if cs[j].n <= 0 {
			continue
		}
		if prev >= 0 && cs[j].at == cs[prev].at && sameTime(cs[prev].born, cs[j].born) {
			return true
		}
		prev = j
	}
	return false
}
