package sim

import (
	"math"

	"github.com/streamsim/streamsim/pipeline"
)

// Managed Flink checkpoints and autoscaling (FLINK-CHECKPOINT, FLINK-AUTOSCALING), Lambda poison records (LAMBDA-ESM-ERRORS).

const (
	checkpointPause = 1.0     // seconds a checkpoint barrier holds processing (U: depends on state size)
	poisonAttempt   = 1.0     // seconds per failing Lambda invocation (it polls about once a second)
	scaleUpAfter    = 15 * 60 // FLINK-AUTOSCALING: CPU ≥ 75% for 15 minutes
	scaleDownAfter  = 6 * 3600
)

// flinkState is what a Managed Flink application keeps between ticks.
type flinkState struct {
	kpus       int     // current KPUs (autoscaling changes them)
	base       int     // configured KPUs: never scale below
	nextCkpt   float64 // time of the next checkpoint
	pauseLeft  float64 // seconds of checkpoint pause still to serve
	hotSince   float64 // CPU ≥ 75% since (<0: not)
	coldSince  float64 // CPU < 10% since (<0: not)
	kpuSeconds float64 // for the bill
}

func (f *flinkState) init(kpus int, now, interval float64) {
	f.kpus, f.base = kpus, kpus
	f.nextCkpt = now + interval
	f.hotSince, f.coldSince = -1, -1
}

// flinkTick runs the checkpoint clock and autoscaling, and returns the
// fraction of this tick the job can process and the extra latency of the
// records it processes.
func (p *processor) flinkTick(e *Engine) (avail, extra float64) {
	f := &p.flink
	now, dt := e.nowSec(), e.dt
	f.kpuSeconds += float64(f.kpus) * dt
	if every := p.n.Dur("checkpoint").Seconds(); every > 0 && now >= f.nextCkpt {
		f.pauseLeft += checkpointPause
		for f.nextCkpt <= now {
			f.nextCkpt += every
		}
	}
	avail, extra = 1, 0
	if f.pauseLeft > 0 {
		extra = f.pauseLeft
		used := min(dt, f.pauseLeft)
		avail = 1 - used/dt
		f.pauseLeft -= used
	}
	if p.n.Bool("autoscaling") {
		p.autoscale(e, now)
	}
	return avail, extra
}

// fileSinkCommit is when records a Managed Flink application writes to S3 at
// t become readable: a FileSink finalizes its part files only when the next
// checkpoint succeeds (FLINK-FILESINK-COMMIT), so waits spread over the
// checkpoint interval. With checkpointing off Flink never finalizes them;
// streamsim then shows them at once rather than never.
func (p *processor) fileSinkCommit(t float64) float64 {
	every := p.n.Dur("checkpoint").Seconds()
	if every <= 0 {
		return t
	}
	cp := p.flink.nextCkpt
	if cp < t {
		cp += math.Ceil((t-cp)/every-1e-9) * every
	}
	return cp
}

// autoscale follows FLINK-AUTOSCALING: double the KPUs after 15 minutes at ≥ 75% CPU, halve
// them (never below the configured count) after 6 hours under 10%. CPU is the
// demand on the job's capacity.
func (p *processor) autoscale(e *Engine, now float64) {
	f := &p.flink
	cpu := p.load
	track := func(on bool, since *float64) float64 {
		if !on {
			*since = -1
			return 0
		}
		if *since < 0 {
			*since = now
		}
		return now - *since
	}
	if track(cpu >= pipeline.FlinkScaleUpCPU, &f.hotSince) >= scaleUpAfter && f.kpus < pipeline.FlinkMaxKPUs {
		p.setKPUs(e, min(pipeline.FlinkMaxKPUs, 2*f.kpus), "CPU ≥ 75% for 15 min")
		f.hotSince = -1
	}
	if track(cpu < pipeline.FlinkScaleDownCPU, &f.coldSince) >= scaleDownAfter && f.kpus > f.base {
		p.setKPUs(e, max(f.base, f.kpus/2), "CPU < 10% for 6 h")
		f.coldSince = -1
	}
}

func (p *processor) setKPUs(e *Engine, kpus int, why string) {
	e.event(p.id, "autoscaling %d → %d KPUs (%s)", p.flink.kpus, kpus, why)
	p.flink.kpus = kpus
	p.units = float64(kpus)
	p.setCapacity()
}

// poisonState tracks poison records blocking Lambda's shards.
type poisonState struct {
	seen      int       // poison_records already injected
	blocked   []float64 // per unit: blocked until (seconds)
	drop      []float64 // per unit: records discarded when the block ends
	forever   []bool    // per unit: retried until the record expires (invocations counted as they happen)
	failedInv float64
}

// injectPoison puts one new poison record on the next shard: the batch holding
// it fails and is retried, blocking the shard (LAMBDA-ESM-ERRORS). With
// `retries: R` the batch is discarded after R retries — the whole batch, or with
// `bisect: true` only the poison record once halving has isolated it. With the
// default -1 the shard stays blocked until the record expires from the stream.
func (p *processor) injectPoison(e *Engine) {
	want := p.n.Int("poison_records")
	ps := &p.poison
	units := p.srcUnits()
	if ps.blocked == nil || len(ps.blocked) != units {
		ps.blocked = make([]float64, units)
		ps.drop = make([]float64, units)
		ps.forever = make([]bool, units)
	}
	now := e.nowSec()
	for ; ps.seen < want; ps.seen++ {
		u := ps.seen % units
		retries := p.n.Int("retries")
		attempts := float64(retries + 1)
		lost := p.batchSize
		if p.n.Bool("bisect") {
			attempts += math.Ceil(math.Log2(max(1, p.batchSize)))
			lost = 1
		}
		start := max(now, ps.blocked[u])
		if retries < 0 {
			retention := 86400.0
			if p.src != nil {
				retention = p.src.retention
			}
			ps.blocked[u] = start + retention
			ps.drop[u] = 0 // it expires with the stream's retention
			ps.forever[u] = true
			e.event(p.id, "poison record blocks shard %d until it expires (retries: -1)", u)
			continue
		}
		ps.blocked[u] = start + attempts*poisonAttempt
		ps.drop[u] += lost
		ps.failedInv += attempts
		e.event(p.id, "poison record on shard %d: %.0f failing invocations, then %.0f record(s) discarded", u, attempts, lost)
	}
}

// holdPoisoned stops reads from blocked shards, and discards the failed batch
// when a block ends.
func (p *processor) holdPoisoned(e *Engine) {
	ps := &p.poison
	if ps.blocked == nil || p.rd == nil || len(ps.blocked) != len(p.rd.q) {
		return
	}
	now := e.nowSec()
	for u, until := range ps.blocked {
		if until == 0 {
			continue
		}
		if now < until {
			p.rd.allow[u], p.rd.allowN[u] = 0, 0
			if ps.forever[u] {
				ps.failedInv += e.dt / poisonAttempt // Lambda keeps invoking the failing batch
			}
			continue
		}
		ps.blocked[u], ps.forever[u] = 0, false
		if n := ps.drop[u]; n > 0 {
			ps.drop[u] = 0
			p.discard(u, n)
		}
	}
}

// discard drops n records from the front of shard u: read, failed, sent to the
// on-failure destination — lost for the pipeline.
func (p *processor) discard(u int, n float64) {
	r := p.rd
	q := &r.q[u]
	if q.empty() {
		return
	}
	tn, tb := q.take(n, -1, func(cohort) {})
	if q.empty() {
		r.nonEmpty--
	}
	r.out += tn
	r.outB += tb
	p.in += tn
	p.inB += tb
	p.lost += tn
}
