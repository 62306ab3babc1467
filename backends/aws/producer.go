package aws

import (
	"context"
	"math"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/streamsim/streamsim/pipeline"
)

// produceEvery is how often producers make records.
const produceEvery = 50 * time.Millisecond

// producerRun drives one producer node from this process: every 50 ms it
// makes as many records as its rate and pattern ask for (Poisson counts for a
// poisson pattern), with keys and sizes drawn from its distributions, and
// sends each to every target.
type producerRun struct {
	id    string
	runID string
	m     *meter
	outs  []sender
	edges []*edge

	mu          sync.Mutex
	n           *pipeline.Node // a copy: Apply changes its settings
	keys        *keyGen
	sizes       *sizeGen
	rng         *rand.Rand
	traffic     pipeline.Traffic // rate, record size and pattern, as the simulator's producers follow them
	rate, size  float64
	seq         int64
	failedUntil time.Duration // run time; -1 = working
}

func newProducerRun(n *pipeline.Node, seed int64, runID string, m *meter) *producerRun {
	p := &producerRun{id: n.ID, runID: runID, m: m, n: n.Clone(), failedUntil: -1}
	p.rng = rand.New(rand.NewPCG(uint64(seed), hashString(n.ID)^0x5eed))
	p.reconfigure()
	return p
}

// reconfigure reads the settings again after a change (mu held or not yet shared).
func (p *producerRun) reconfigure() {
	p.traffic = pipeline.TrafficOf(p.n)
	p.size, p.rate = p.traffic.Size, p.traffic.Rate
	p.keys = newKeyGen(p.n, int64(p.rng.Uint64()))
	p.sizes = newSizeGen(p.n, p.rng)
}

// set changes one setting.
func (p *producerRun) set(key string, v pipeline.Value) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.n.Params == nil {
		p.n.Params = map[string]pipeline.Value{}
	}
	v.Set = true
	p.n.Params[key] = v
	p.reconfigure()
}

// fail stops the producer until run time until (a timeline `fail`).
func (p *producerRun) fail(until time.Duration) {
	p.mu.Lock()
	p.failedUntil = until
	p.mu.Unlock()
}

// factor is the pattern's multiplier of the mean rate at run time t
// (seconds): the simulator's own (pipeline.Traffic).
func (p *producerRun) factor(t float64) float64 { return p.traffic.Factor(t) }

// poisson draws a Poisson count with mean lambda.
func poisson(rng *rand.Rand, lambda float64) float64 {
	if lambda <= 0 {
		return 0
	}
	if lambda > 30 {
		return math.Max(0, math.Round(lambda+math.Sqrt(lambda)*rng.NormFloat64()))
	}
	l, k, q := math.Exp(-lambda), 0.0, 1.0
	for {
		q *= rng.Float64()
		if q <= l {
			return k
		}
		k++
	}
}

// make returns the records due over dt seconds at run time t.
func (p *producerRun) make(t, dt float64, carry *float64, now time.Time) []userRecord {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.failedUntil >= 0 && time.Duration(t*float64(time.Second)) < p.failedUntil {
		return nil
	}
	mean := max(0, p.rate*p.factor(t)*dt)
	var n float64
	if p.traffic.Poisson() {
		n = poisson(p.rng, mean)
	} else {
		*carry += mean
		// A producer that fell behind (a full queue) does not make up for
		// more than a second of records at once.
		*carry = math.Min(*carry, math.Max(1, p.rate*p.factor(t)))
		n = math.Floor(*carry)
		*carry -= n
	}
	recs := make([]userRecord, max(0, int(n)))
	ts := now.UnixNano()
	for i := range recs {
		p.seq++
		key := p.keys.next()
		data := encodePayload(payload{Run: p.runID, Src: p.id, Seq: p.seq, TS: ts, Key: key}, p.sizes.next())
		recs[i] = userRecord{key: key, data: data, ts: ts, src: p.id}
	}
	return recs
}

// loop makes records until ctx ends, and sends them with sendCtx (so that
// records made just before the end are still sent, not dropped half-way).
// runTime gives the run's time (it stops while the run is paused); paused
// says whether to make nothing now.
func (p *producerRun) loop(ctx, sendCtx context.Context, runTime func() time.Duration, paused func() bool) {
	t := time.NewTicker(produceEvery)
	defer t.Stop()
	last := time.Now()
	var carry float64
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			now := time.Now()
			dt := max(0, now.Sub(last).Seconds())
			last = now
			if paused() {
				continue
			}
			recs := p.make(runTime().Seconds(), dt, &carry, now)
			if len(recs) == 0 {
				continue
			}
			size := userBytes(recs)
			// Produced once, whatever the number of targets (docs/totals.md);
			// each target's paths are deliveries the records are worth.
			paths := 0
			for i := range p.outs {
				paths += p.edges[i].paths
			}
			p.m.made(p.id, len(recs), size, paths)
			for _, o := range p.outs {
				if err := o.send(sendCtx, recs); err != nil {
					return
				}
			}
		}
	}
}
