package sim

import (
	"math"

	"github.com/streamsim/streamsim/pipeline"
)

// processor models the compute consumers: Managed Flink, Glue streaming, EMR,
// Lambda and self-run apps. Each has a capacity (units × per-unit rate), reads
// within it and within the stream's read limits, and either passes records on
// continuously or holds them for a window or micro-batch.
type processor struct {
	consumer
	svc   pipeline.ServiceName
	units float64 // KPUs, DPUs, instances (Lambda: concurrent batches per shard)
	// capUnits are the units the capacity counts (the service's rule of
	// thumb, and `capacity` per unit): a Glue job's workers, not its DPUs.
	capUnits float64
	capN     float64 // records/s for all units (<0: no limit)
	capB     float64 // bytes/s for all units (<0: no limit)
	window   float64 // tumbling window or micro-batch interval, seconds (0: continuous)
	shrink   float64 // bytes out per byte in (a window folds records into results)
	objSec   float64 // objects written to S3 per second of output, per unit
	win      fifo
	winEnd   float64

	// Lambda
	invocations float64
	perShardN   float64 // records/s one shard can push through its concurrent batches
	shardCapN   float64 // Lambda's capacity per shard, records/s (0: none)
	shardCapB   float64 // Lambda's capacity per shard, bytes/s (0: none)
	batchSize   float64
	fnDur       float64 // seconds per record
	batchWindow float64 // seconds
	pieces      gather
	batches     []lambdaBatch // per shard: the batch being filled
	lread       []shardPiece  // this tick's reads, per shard
	flink       flinkState
	poison      poisonState
	pieceDelay  float64 // extra latency of what is read this tick (checkpoint pause)
	keyCount    float64 // distinct partition keys upstream (a window's result rows)
}

// A unit's processing capacity is the service's rule of thumb in the
// catalog (pipeline.RuleOfThumb; `capacity` overrides it).
const (
	windowShrink = 0.1  // bytes of window results per byte read
	fileRollSec  = 60.0 // continuous writers roll an S3 file per unit per minute
)

func newProcessor(e *Engine, n *pipeline.Node) *processor {
	p := &processor{consumer: newConsumer(n), svc: n.Service.Name}
	p.reconfigure(e)
	return p
}

func (p *processor) reconfigure(e *Engine) {
	n := p.n
	p.shrink, p.window = 1, 0
	switch p.svc {
	case pipeline.Flink:
		if p.flink.base == 0 || p.flink.base != n.Int("kpus") {
			p.flink.init(n.Int("kpus"), e.nowSec(), n.Dur("checkpoint").Seconds())
		}
		p.units = float64(p.flink.kpus)
		p.window = n.Dur("window").Seconds()
		if p.window > 0 {
			p.shrink = windowShrink
		}
		p.objSec = 1 / max(1, n.Dur("checkpoint").Seconds()) // FileSink rolls on checkpoint
	case pipeline.GlueStreaming:
		p.units = float64(n.Int("workers")) * pipeline.GlueDPU(n.Str("worker_type"))
		p.window = n.Dur("window").Seconds()
	case pipeline.EMR:
		p.units = float64(n.Int("instances"))
		if n.Str("engine") == "spark-streaming" {
			p.window = n.Dur("batch").Seconds()
		}
	case pipeline.App:
		p.units = float64(n.Int("instances"))
	case pipeline.Lambda:
		p.units = float64(n.Int("parallelization"))
		p.batchSize = float64(max(1, n.Int("batch_size")))
		p.fnDur = n.Dur("duration").Seconds()
		p.batchWindow = n.Dur("batch_window").Seconds()
		if p.fnDur > 0 {
			p.perShardN = p.units / p.fnDur
		}
		if p.rd != nil {
			p.injectPoison(e)
		}
	}
	if p.objSec == 0 {
		p.objSec = 1 / fileRollSec
	}
	p.setCapacity()
}

// setCapacity sets the consumer's capacity from its units: the service's
// rule of thumb per unit, or the `capacity` key when set. Lambda's units are
// its concurrent batches per shard, so its capacity is per shard:
// parallelization ÷ duration records/s by default, or parallelization ×
// capacity.
func (p *processor) setCapacity() {
	p.capN, p.capB, p.shardCapN, p.shardCapB = -1, -1, 0, 0
	p.capUnits = p.units
	th := p.n.Service.Thumb
	if th != nil && p.svc != pipeline.Flink {
		p.capUnits = th.Units(p.n) // Flink's KPUs autoscale: p.units are the current ones
	}
	switch {
	case p.svc == pipeline.Lambda:
		p.shardCapN = p.perShardN
	case th != nil:
		p.capB = p.capUnits * th.PerUnit(p.n)
	}
	if p.n.Has("capacity") {
		r := p.n.Rate("capacity")
		p.capB, p.shardCapN = -1, 0
		switch {
		case p.svc == pipeline.Lambda && r.Bytes:
			p.shardCapB = r.PerSec * p.capUnits
		case p.svc == pipeline.Lambda:
			p.shardCapN = r.PerSec * p.capUnits
		case r.Bytes:
			p.capB = r.PerSec * p.capUnits
		default:
			p.capN = r.PerSec * p.capUnits
		}
	}
	p.setReaderCaps()
}

func (p *processor) wire(e *Engine) error {
	p.wireIO(e, p.n.Str("read") == "enhanced-fan-out")
	p.setReaderCaps()
	if p.svc == pipeline.Flink {
		for _, o := range p.outs {
			if o.dest != nil && o.dest.svc == pipeline.S3 {
				o.commit = p.fileSinkCommit
			}
		}
	}
	p.keyCount = e.producerKeys()
	if p.svc == pipeline.Lambda && p.rd != nil {
		p.injectPoison(e)
	}
	return nil
}

// setReaderCaps tells the stream what this consumer can read per second.
func (p *processor) setReaderCaps() {
	if p.rd == nil {
		return
	}
	p.rd.capN, p.rd.capB, p.rd.unitCapN, p.rd.unitCapB = p.capN, p.capB, p.shardCapN, p.shardCapB
	p.rd.perUnit = p.svc == pipeline.Lambda
}

func (p *processor) step(e *Engine) {
	now := e.nowSec()
	failed := p.failed(now)
	if !failed && p.winEnd == 0 && p.window > 0 {
		p.winEnd = (math.Floor(now/p.window) + 1) * p.window
	}
	// Hand on what is waiting first, so a slow target's free capacity this tick
	// is used before deciding whether to read more.
	p.flush(e)
	extra := 0.0
	if p.svc == pipeline.Flink && !failed {
		var avail float64
		avail, extra = p.flinkTick(e)
		if avail < 1 && p.rd != nil {
			for u := range p.rd.allow {
				p.rd.allow[u] *= avail
				p.rd.allowN[u] *= avail
			}
		}
	}
	if p.svc == pipeline.Lambda {
		p.holdPoisoned(e)
	}
	p.pieceDelay = extra
	p.readTick(e, failed || p.pushedBack())
	if !failed && p.window > 0 && now+e.dt >= p.winEnd-1e-9 {
		p.closeWindow(e)
	}
	p.flush(e)
	p.endTick(e)
}

func (p *processor) srcUnits() int {
	if p.src == nil {
		return 1
	}
	return p.src.units
}

func (p *processor) readTick(e *Engine, skip bool) {
	if p.rd == nil {
		return
	}
	dt := e.dt
	p.pieces.reset(e.nowSec(), e.dt)
	lambda := p.svc == pipeline.Lambda
	p.lread = p.lread[:0]
	p.read(e, skip, func(u int, co cohort) {
		co.at += p.pieceDelay
		if lambda {
			p.lread = append(p.lread, shardPiece{u, co})
			return
		}
		p.pieces.add(co)
	})
	if lambda && !p.failed(e.nowSec()) {
		p.batchTick(e, p.lread)
	}
	for i, co := range p.pieces.cs {
		if p.window > 0 {
			p.win.push(co)
			continue
		}
		if !lambda {
			co.obj = 0
			if i == 0 {
				co.obj = p.objSec * p.units * dt
			}
		}
		p.emit(co)
	}
}

// closeWindow emits everything held when a tumbling window or micro-batch ends.
// A micro-batch also takes the time to process it at the consumer's capacity.
func (p *processor) closeWindow(e *Engine) {
	end := p.winEnd
	var runTime float64
	switch {
	case p.svc == pipeline.Flink:
	case p.capB > 0:
		runTime = p.win.b / p.capB
	case p.capN > 0:
		runTime = p.win.n / p.capN
	}
	// A Flink window emits one result per key it saw: its records fold into
	// at most as many rows as there are keys.
	fold := 0.0
	if p.svc == pipeline.Flink && p.win.n > 0 && p.keyCount < p.win.n {
		fold = p.keyCount / p.win.n
	}
	objs := p.units
	first := true
	p.win.drain(func(co cohort) {
		co.at = max(co.at, end) + runTime
		co.b *= p.shrink
		co.obj = 0
		if fold > 0 {
			co.fold = fold * co.rowsPerRecord()
		}
		if first {
			co.obj, first = objs, false
		}
		p.emit(co)
	})
	for p.winEnd <= e.nowSec()+e.dt+1e-9 {
		p.winEnd += p.window
	}
}

func (p *processor) held() float64 {
	return (p.win.n+p.batched())*float64(max(1, len(p.outs))) + p.heldOut()
}

func (p *processor) metrics(e *Engine, m map[string]float64) {
	p.commonMetrics(m, p.held())
	if p.svc == pipeline.Lambda {
		m["invocations"] = p.invocations + p.poison.failedInv
		m["failed_batches"] = p.poison.failedInv
	}
}
