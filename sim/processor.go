package sim

import (
	"math"

	"github.com/streamsim/streamsim/pipeline"
)

// processor models the compute consumers: Managed Flink, Glue streaming, EMR,
// Lambda and self-run apps. Each has a capacity (units × per-unit rate), reads
// within it and within the stream's read limits, and either passes records on
// continuously or holds them for a window or micro-batch. What differs
// between the services is the processor's compute, picked once when the node
// is built.
type processor struct {
	consumer
	kind compute
	// perShard: capacity, reads and batches per shard (Lambda's event
	// source mapping), not for the whole consumer.
	perShard bool
	units    float64 // KPUs, DPUs, instances (Lambda: concurrent batches per shard)
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
	batchHeld   []bool        // per shard: its batch holds records (read apart from batches: see closeUpTo)
	batchNext   int           // the first shard whose batches this tick has not closed (batchPiece)
	flink       flinkState
	poison      poisonState
	pieceDelay  float64 // extra latency of what is read this tick (checkpoint pause)
	handedOn    bool    // this tick's reads went to the destination in readTick (handOnNow)
	keyCount    float64 // distinct partition keys upstream (a window's result rows)
}

// compute is one compute service's behaviour. Each service's is in its own
// file (compute_flink.go, compute_lambda.go, …); computeOf picks it by the
// node's service.
type compute interface {
	// configure reads the settings: units, window, output shrink, objects
	// per second.
	configure(e *Engine, p *processor)
	// capUnits are the units the capacity counts (pipeline.RuleOfThumb and
	// `capacity` per unit).
	capUnits(p *processor) float64
	// perShard reports whether capacity, reads and batches are per shard.
	perShard() bool
	// wire adds what the service does beyond reading and writing.
	wire(e *Engine, p *processor)
	// beforeRead runs before the tick's reads, and returns the latency it
	// adds to what is read (a checkpoint pause).
	beforeRead(e *Engine, p *processor, failed bool) (extra float64)
	// closing is how long a closing window or micro-batch takes to process,
	// and the fraction of its records that survive as results (0: all).
	closing(p *processor) (runTime, fold float64)
	// metrics adds the service's own metrics.
	metrics(p *processor, m map[string]float64)
	// cost is the monthly price, h hours a month.
	cost(e *Engine, p *processor, h float64) float64
}

// computes makes each compute service's behaviour (one per node: it may keep
// state); each service's file adds its own.
var computes = map[pipeline.ServiceName]func() compute{}

// A unit's processing capacity is the service's rule of thumb in the
// catalog (pipeline.RuleOfThumb; `capacity` overrides it).
const (
	windowShrink = 0.1  // bytes of window results per byte read
	fileRollSec  = 60.0 // continuous writers roll an S3 file per unit per minute
)

func newProcessor(e *Engine, n *pipeline.Node) *processor {
	p := &processor{consumer: newConsumer(n), kind: computes[n.Service.Name]()}
	p.perShard = p.kind.perShard()
	p.reconfigure(e)
	return p
}

func (p *processor) reconfigure(e *Engine) {
	p.shrink, p.window = 1, 0
	p.kind.configure(e, p)
	if p.objSec == 0 {
		p.objSec = 1 / fileRollSec
	}
	p.setCapacity()
	readMode(p.rd, p.n)
}

// setCapacity sets the consumer's capacity from its units: the service's
// rule of thumb per unit, or the `capacity` key when set. Lambda's units are
// its concurrent batches per shard, so its capacity is per shard:
// parallelization ÷ duration records/s by default, or parallelization ×
// capacity.
func (p *processor) setCapacity() {
	p.capN, p.capB, p.shardCapN, p.shardCapB = -1, -1, 0, 0
	p.capUnits = p.kind.capUnits(p)
	th := p.n.Service.Thumb
	switch {
	case p.perShard:
		p.shardCapN = p.perShardN
	case th != nil:
		p.capB = p.capUnits * th.PerUnit(p.n)
	}
	if p.n.Has("capacity") {
		r := p.n.Rate("capacity")
		p.capB, p.shardCapN = -1, 0
		switch {
		case p.perShard && r.Bytes:
			p.shardCapB = r.PerSec * p.capUnits
		case p.perShard:
			p.shardCapN = r.PerSec * p.capUnits
		case r.Bytes:
			p.capB = r.PerSec * p.capUnits
		default:
			p.capN = r.PerSec * p.capUnits
		}
	}
	p.setReaderCaps()
}

// unitsByRule are the units the service's rule of thumb counts (capUnits of
// most services).
func unitsByRule(p *processor) float64 {
	if th := p.n.Service.Thumb; th != nil {
		return th.Units(p.n)
	}
	return p.units
}

func (p *processor) wire(e *Engine) error {
	p.wireIO(e, p.n.Str("read") == "enhanced-fan-out")
	p.setReaderCaps()
	p.keyCount = e.producerKeys()
	p.kind.wire(e, p)
	return nil
}

// setReaderCaps tells the stream what this consumer can read per second.
func (p *processor) setReaderCaps() {
	if p.rd == nil {
		return
	}
	p.rd.capN, p.rd.capB, p.rd.unitCapN, p.rd.unitCapB = p.capN, p.capB, p.shardCapN, p.shardCapB
	p.rd.perUnit = p.perShard
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
	p.pieceDelay = p.kind.beforeRead(e, p, failed)
	p.readTick(e, failed || p.pushedBack())
	if !failed && p.window > 0 && now+e.dt >= p.winEnd-1e-9 {
		p.closeWindow(e)
	}
	if !p.handedOn {
		p.flush(e)
	}
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
	dt, now := e.dt, e.nowSec()
	p.handedOn = false
	p.pieces.reset(now, dt)
	lambda := p.perShard
	if lambda {
		p.batchStart(now)
	}
	// The reads, stamped with their arrival (after the read's delay and
	// any checkpoint pause), in one callback: it runs for every piece.
	delay, pause := p.rd.delay, p.pieceDelay
	var readN, readB float64
	if lambda {
		p.rd.take(skip, func(u int, co cohort) {
			co.at = later(co.at, now) + delay
			co.at += pause
			p.in += co.n
			p.inB += co.b
			readN += co.n
			readB += co.b
			p.batchPiece(u, co, now, dt)
		})
	} else {
		s := pieceSink{g: &p.pieces, now: now, delay: delay, pause: pause, in: p.in, inB: p.inB}
		p.rd.takeTo(skip, nil, &s)
		p.in, p.inB, readN, readB = s.in, s.inB, s.readN, s.readB
	}
	p.measureLoad(e, readN, readB)
	if lambda && !p.failed(now) {
		p.closeUpTo(len(p.batches), now, dt)
	}
	if !lambda && p.handOnNow(e, p.pieces.cs, p.objSec*p.units*dt) {
		return
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
	runTime, fold := p.kind.closing(p)
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

// batchTime is how long a micro-batch takes at the consumer's capacity.
func batchTime(p *processor) float64 {
	switch {
	case p.capB > 0:
		return p.win.b / p.capB
	case p.capN > 0:
		return p.win.n / p.capN
	}
	return 0
}

func (p *processor) held() float64 {
	return (p.win.n+p.batched())*float64(max(1, len(p.outs))) + p.heldOut()
}

func (p *processor) metrics(e *Engine, m map[string]float64) {
	p.commonMetrics(m, p.held())
	p.kind.metrics(p, m)
}
