package sim

import (
	"math"

	"github.com/streamsim/streamsim/pipeline"
)

// consumer is what every consumer shares: where it reads, where it writes, and
// the records it has processed but not yet handed on.
type consumer struct {
	nodeStats
	n       *pipeline.Node
	src     *stream // nil for direct PUT
	rd      *reader
	outs    []*output
	iterAge float64
	util    float64 // peak demand ÷ capacity
	backup  float64 // records given up on and written to the S3 backup (Firehose)
}

// output is one target of a consumer with the records waiting for it.
type output struct {
	dest *dest   // a destination, or
	ed   *edge   // a stream or Firehose written through an edge
	q    fifo    // processed records not yet accepted
	wait float64 // Firehose: how long to retry before giving up (seconds)
}

func newConsumer(n *pipeline.Node) consumer {
	return consumer{nodeStats: nodeStats{id: n.ID, failedUntil: -1}, n: n}
}

func (c *consumer) stats() *nodeStats    { return &c.nodeStats }
func (c *consumer) node() *pipeline.Node { return c.n }

// wireIO connects the consumer to its source and targets.
func (c *consumer) wireIO(e *Engine, efo bool) {
	if src, ok := e.byID[c.n.From].(*stream); ok {
		c.src = src
		c.rd = src.addReader(&c.nodeStats, efo)
	}
	for _, t := range c.n.To {
		out := &output{wait: math.Inf(1)}
		out.q.limit = 1 << 14
		switch m := e.byID[t].(type) {
		case *dest:
			out.dest = m
		case sink:
			out.ed = &edge{writer: &c.nodeStats, maxRetries: -1, backoff: e.dt}
			m.attach(e, out.ed, keySpace{even: 1})
		}
		c.outs = append(c.outs, out)
	}
}

// pushedBack reports whether a target refused so much that the consumer stops
// reading (the backpressure a blocked sink puts on a KCL app, Lambda or Firehose).
func (c *consumer) pushedBack(limit float64) bool {
	for _, o := range c.outs {
		if o.q.n > limit {
			return true
		}
	}
	return false
}

// gather collects a tick's pieces so that pieces with the same birth and
// arrival time leave as one cohort (most of a tick's reads are such pieces).
type gather struct{ cs []cohort }

func (g *gather) add(c cohort) {
	for i := len(g.cs) - 1; i >= 0; i-- {
		if x := &g.cs[i]; sameTime(x.born, c.born) && x.at == c.at {
			x.n += c.n
			x.b += c.b
			x.obj += c.obj
			return
		}
	}
	if len(g.cs) >= 16 {
		mergeInto(&g.cs[len(g.cs)-1], c)
		return
	}
	g.cs = append(g.cs, c)
}

// emit hands processed records to every target (a record counts once per target).
func (c *consumer) emit(co cohort) {
	if co.n <= 0 {
		return
	}
	for _, o := range c.outs {
		o.q.push(co)
	}
	if len(c.outs) == 0 {
		// A consumer with no targets is the end of the line: it consumes.
		c.out += co.n
		c.outB += co.b
	}
}

// flush delivers waiting records to every target, as much as each accepts.
func (c *consumer) flush(e *Engine) {
	now := e.nowSec()
	for _, o := range c.outs {
		if o.dest != nil {
			c.giveUp(o, now)
			for !o.q.empty() {
				f := o.q.front()
				ok := o.dest.accept(e, *f)
				if ok <= 0 {
					break
				}
				c.out += ok
				c.outB += f.b * ok / f.n
				if ok >= f.n-1e-9 {
					o.q.pop()
				} else {
					o.q.take(ok, -1, func(cohort) {})
					break
				}
			}
			continue
		}
		// Streams and Firehose: everything waiting is offered this tick; refusals retry through the edge.
		o.ed.n, o.ed.b, o.ed.born, o.ed.at = 0, 0, now, now
		var bornN float64
		o.q.drain(func(co cohort) {
			o.ed.n += co.n
			o.ed.b += co.b
			bornN += co.born * co.n
			o.ed.at = max(o.ed.at, co.at)
		})
		if o.ed.n > 0 {
			o.ed.born = bornN / o.ed.n
		}
	}
}

// giveUp drops records a destination refused for longer than the retry window
// (Firehose §2.4: 300 s for OpenSearch, 3,600 s for Redshift, 24 h for S3; then
// the records go to the S3 backup or error prefix, lost for this destination).
func (c *consumer) giveUp(o *output, now float64) {
	for !o.q.empty() && now-o.q.front().at > o.wait {
		f := o.q.front()
		c.lost += f.n
		c.backup += f.n
		o.q.pop()
	}
}

func (c *consumer) heldOut() float64 {
	var h float64
	for _, o := range c.outs {
		h += o.q.n
		if o.ed != nil {
			h += o.ed.heldRetries()
		}
	}
	return h
}

// read takes this tick's records from the source, or only stores them when
// skip (the consumer is down or pushed back), stamping each piece with its
// arrival time.
func (c *consumer) read(e *Engine, skip bool, fn func(u int, co cohort)) {
	if c.rd == nil {
		return
	}
	now := e.nowSec()
	c.rd.take(skip, func(u int, co cohort) {
		co.at = max(co.at, now) + c.rd.delay
		c.in += co.n
		c.inB += co.b
		fn(u, co)
	})
	c.util = max(c.util, c.rd.demand)
}

func (c *consumer) endTick(e *Engine) {
	if c.rd != nil {
		c.rd.updateAge(e.nowSec())
		c.iterAge = c.rd.iterAge
	}
}

func (c *consumer) commonMetrics(m map[string]float64, held float64) {
	lag := 0.0
	age := 0.0
	if c.rd != nil {
		lag = c.rd.lag()
		age = c.rd.iterAgeMax
	}
	m["lag_records"] = lag
	m["held_records"] = held
	m["iterator_age_max"] = age
	m["throttled_records"] = c.throttled
	m["utilization_max"] = c.util
}

// retryWindow is how long Firehose keeps retrying a destination (§2.4).
func retryWindow(d *dest) float64 {
	switch d.n.Service.Name {
	case "opensearch":
		return pipeline.FirehoseOSRetryS
	case "redshift":
		return pipeline.FirehoseRSRetryS
	}
	return pipeline.FirehoseS3RetryS
}
