package sim

// mergeClosestExt is mergeClosest for a queue that keeps extras (every
// spreading queue once it has merged): the same merges, to the bit, read
// and written in buf and ext directly, with the open run's figures in
// locals. Through cohorts (getTo, mergeInto, put), each entry was copied
// out and back and each merge stored and loaded the run, a struct of eight
// fields that Go keeps in memory; on 10,000 shards, whose Firehose buffers
// keep 32 entries each and merge every 16 pushes, that was a fifth of the
// run.
func (q *fifo) mergeClosestExt() {
	buf := q.buf
	ext := (*q.ext)[:len(buf)]
	mask := len(buf) - 1
	head, size := q.head, q.size
	births := func(j int) (lo, hi float64) {
		if x := &ext[j]; x.hi > x.lo {
			return x.lo, x.hi
		}
		return buf[j].born, buf[j].born
	}
	first, _ := births(head)
	_, lastHi := births((head + size - 1) & mask)
	w := (lastHi - first) / float64(max(1, size/4))
	out := 0
	merging := false     // whether the run's figures hold entry out-1
	var glo, ghi float64 // the births of entry out-1
	var rat, rborn, rn, rb, robj, rfold, rlo, rhi float64
	for i := 0; i < size; i++ {
		j := (head + i) & mask
		e, x := &buf[j], &ext[j]
		lo, hi := births(j)
		if out > 0 && max(ghi, hi)-min(glo, lo) <= w {
			if !merging {
				k := (head + out - 1) & mask
				rat, rborn, rn, rb = buf[k].at, buf[k].born, buf[k].n, buf[k].b
				robj, rfold, rlo, rhi = ext[k].obj, ext[k].fold, ext[k].lo, ext[k].hi
				merging = true
			}
			// mergeInto(run, entry j, spread), in its order.
			lo1, hi1 := rborn, rborn
			if rhi > rlo {
				lo1, hi1 = rlo, rhi
			}
			rlo, rhi = min(lo1, lo), max(hi1, hi)
			if rhi <= rlo {
				rlo, rhi = 0, 0
			}
			tot := rn + e.n
			if rfold != 0 || x.fold != 0 {
				f1, f2 := 1.0, 1.0
				if rfold != 0 {
					f1 = rfold
				}
				if x.fold != 0 {
					f2 = x.fold
				}
				rfold = (f1*rn + f2*e.n) / tot
			}
			rborn = (rborn*rn + e.born*e.n) / tot
			rat = (rat*rn + e.at*e.n) / tot
			rn = tot
			rb += e.b
			robj += x.obj
			glo, ghi = min(glo, lo), max(ghi, hi)
			continue
		}
		if merging {
			k := (head + out - 1) & mask
			buf[k] = entry{at: rat, born: rborn, n: rn, b: rb}
			ext[k] = extra{obj: robj, fold: rfold, lo: rlo, hi: rhi}
			merging = false
		}
		if out != i {
			k := (head + out) & mask
			buf[k], ext[k] = buf[j], ext[j]
		}
		glo, ghi = lo, hi
		out++
	}
	if out == size {
		// Births out of order or all equal: fall back to halving.
		q.compact()
		return
	}
	if merging {
		k := (head + out - 1) & mask
		buf[k] = entry{at: rat, born: rborn, n: rn, b: rb}
		ext[k] = extra{obj: robj, fold: rfold, lo: rlo, hi: rhi}
	}
	q.shrinkTo(out)
}
