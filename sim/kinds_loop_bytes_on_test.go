//go:build loopbytes

package sim_test

// The loops' queues keeping each entry's bytes as the engine's do (see
// kinds_loop_bytes_test.go): each push works them out from the records,
// each merge sums them, each partial take splits them in proportion (a
// division) and each pop takes them from the queue's total.

const keepsBytes = true

type byteCol struct{ b float64 }

func (c *byteCol) add(o byteCol) { c.b += o.b }

// split takes part of the entry's n records' bytes out of it.
func (c *byteCol) split(part, n float64) byteCol {
	p := c.b * part / n
	c.b -= p
	return byteCol{p}
}

type queueBytes struct{ per, tot float64 }

func (q *queueBytes) setPer(per float64)   { q.per = per }
func (q *queueBytes) of(n float64) byteCol { return byteCol{n * q.per} }
func (q *queueBytes) add(c byteCol)        { q.tot += c.b }
func (q *queueBytes) sub(c byteCol)        { q.tot -= c.b }
func (q *queueBytes) clear()               { q.tot = 0 }

type ringBytes struct{ b []byteCol }

func (r *ringBytes) at(i int) *byteCol { return &r.b[i] }

// grow copies the ring's entries into k slots from the front, as ring.grow
// does its other columns.
func (r *ringBytes) grow(k, head, size, mask int) {
	nb := make([]byteCol, k)
	for i := range size {
		nb[i] = r.b[(head+i)&mask]
	}
	r.b = nb
}
