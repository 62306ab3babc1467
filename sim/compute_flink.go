package sim

import (
	"math"

	"github.com/streamsim/streamsim/pipeline"
)

// Managed Service for Apache Flink: KPUs, tumbling windows that fold records
// into one result per key, checkpoints that pause processing and commit the
// FileSink's files (FLINK-CHECKPOINT, FLINK-FILESINK-COMMIT), and autoscaling
// (FLINK-AUTOSCALING).
type flink struct{}

func init() { computes[pipeline.Flink] = func() compute { return flink{} } }

const (
	checkpointPause = 1.0     // seconds a checkpoint barrier holds processing (U: depends on state size)
	scaleUpAfter    = 15 * 60 // FLINK-AUTOSCALING: CPU ≥ 75% for 15 minutes
	scaleDownAfter  = 6 * 3600
)

func (flink) configure(e *Engine, p *processor) {
	n := p.n
	if p.flink.base == 0 || p.flink.base != n.Int("kpus") {
		p.flink.init(n.Int("kpus"), e.nowSec(), n.Dur("checkpoint").Seconds())
	}
	p.units = float64(p.flink.kpus)
	p.window = n.Dur("window").Seconds()
	if p.window > 0 {
		p.shrink = windowShrink
	}
	p.objSec = 1 / max(1, n.Dur("checkpoint").Seconds()) // FileSink rolls on checkpoint
	// Read once per change, not once per tick (flinkTick) or per piece written (fileSinkCommit).
	p.flink.every = n.Dur("checkpoint").Seconds()
	p.flink.autoscaling = n.Bool("autoscaling")
}

// capUnits: the KPUs autoscaling has now.
func (flink) capUnits(p *processor) float64 { return p.units }
func (flink) perShard() bool                { return false }

// wire: what the job writes to S3 becomes readable at the next checkpoint.
func (flink) wire(_ *Engine, p *processor) {
	for _, o := range p.outs {
		if o.dest != nil && o.dest.kind.objectStore() {
			o.commit = p.fileSinkCommit
		}
	}
}

// beforeRead runs the checkpoint clock and autoscaling; a checkpoint pause
// takes its share of the tick's reads.
func (flink) beforeRead(e *Engine, p *processor, failed bool) float64 {
	if failed {
		return 0
	}
	avail, extra := p.flinkTick(e)
	if avail < 1 && p.rd != nil {
		p.rd.fillAllow()
		for u := range p.rd.allow {
			p.rd.allow[u] *= avail
			p.rd.allowN[u] *= avail
		}
	}
	return extra
}

// closing: a Flink window emits one result per key it saw, at once: its
// records fold into at most as many rows as there are keys.
func (flink) closing(p *processor) (runTime, fold float64) {
	if p.win.n > 0 && p.keyCount < p.win.n {
		fold = p.keyCount / p.win.n
	}
	return 0, fold
}

func (flink) metrics(*processor, map[string]float64) {}

// cost: PRICE-FLINK-KPU-HOUR (one KPU more for the application) and
// PRICE-FLINK-STORAGE; with autoscaling, the average KPUs.
func (flink) cost(e *Engine, p *processor, h float64) float64 {
	kpus := float64(p.n.Int("kpus"))
	if el := e.elapsed(); el > 0 && p.flink.kpuSeconds > 0 {
		kpus = p.flink.kpuSeconds / el
	}
	return (kpus+1)*h*pipeline.FlinkKPUHour + kpus*pipeline.FlinkStoragePerKPUMo
}

// flinkState is what a Managed Flink application keeps between ticks.
type flinkState struct {
	kpus       int     // current KPUs (autoscaling changes them)
	base       int     // configured KPUs: never scale below
	nextCkpt   float64 // time of the next checkpoint
	pauseLeft  float64 // seconds of checkpoint pause still to serve
	hotSince   float64 // CPU ≥ 75% since (<0: not)
	coldSince  float64 // CPU < 10% since (<0: not)
	kpuSeconds float64 // for the bill
	// settings, read at each change
	every       float64 // checkpoint interval, seconds (0: off)
	autoscaling bool
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
	if every := f.every; every > 0 && now >= f.nextCkpt {
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
	if f.autoscaling {
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
	every := p.flink.every
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
