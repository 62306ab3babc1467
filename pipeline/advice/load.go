package advice

import (
	"math"
	"sort"
	"sync"
	"time"

	"github.com/streamsim/streamsim/pipeline"
)

// Load is the traffic a scenario puts on a node, estimated from its producers
// (rate, pattern and the timeline's rate changes) without simulating.
type Load struct {
	PeakRecs, PeakBytes float64 // records/s and bytes/s at the busiest moment
	AvgRecs, AvgBytes   float64 // averages over the run
	RecordSize          float64 // mean bytes per record
	Spiky               bool    // a spike pattern, or a peak at least twice the average
	Skewed              bool    // keys are hot or Zipf-distributed
	RandomKeys          bool    // some writer draws a new key per record
	HotKey              KeyLoad // the heaviest single partition key
	FromRequirement     bool    // the peak comes from requirements.throughput
}

// KeyLoad is one partition key's traffic.
type KeyLoad struct {
	Producer    string
	Share       float64 // of the producer's records
	Recs, Bytes float64 // per second at the producer's peak
}

// PeakRatio is the peak ÷ the average (1 for a flat load).
func (l Load) PeakRatio() float64 {
	if l.AvgBytes <= 0 {
		return 1
	}
	return max(1, l.PeakBytes/l.AvgBytes)
}

// prodLoad is one producer's load over the run.
type prodLoad struct {
	id        string
	size      float64 // mean record bytes
	peak, avg float64 // records/s
	hot       float64 // the heaviest key's share of its records
	dist      string
	spike     bool
}

// samples is how many evenly spaced moments rate estimates look at.
const samples = 1440

// rateStep is a producer's base rate from a moment on.
type rateStep struct {
	at   float64
	rate pipeline.Rate
}

// producerLoadSteps estimates a producer's peak and average rate over the
// run, given the timeline's changes of its rate in timeline order.
func producerLoadSteps(sc *pipeline.Scenario, p *pipeline.Node, changes []rateStep) prodLoad {
	size := max(1, p.Num("record_size.mean"))
	pl := prodLoad{id: p.ID, size: size, dist: p.Str("keys.dist"), spike: p.Str("pattern.shape") == "spike"}
	pl.hot = hotShare(p)

	// The base rate changes where the timeline sets it.
	steps := append([]rateStep{{0, p.Rate("rate")}}, changes...)
	sort.SliceStable(steps, func(i, j int) bool { return steps[i].at < steps[j].at })
	toRecs := func(r pipeline.Rate) float64 {
		if r.Bytes {
			return r.PerSec / size
		}
		return r.PerSec
	}
	pat := newPattern(p)
	rateAt := func(t float64) float64 {
		base := toRecs(steps[0].rate)
		for _, s := range steps[1:] {
			if s.at <= t {
				base = toRecs(s.rate)
			}
		}
		return base * pat.factor(base, size, t)
	}
	dur := max(sc.Duration.Seconds(), 1)
	var sum float64
	for i := 0; i < samples; i++ {
		r := rateAt(dur * float64(i) / samples)
		sum += r
		pl.peak = max(pl.peak, r)
	}
	pl.avg = sum / samples
	// Short spikes and changes between samples still set the peak.
	moments := []float64{p.Dur("pattern.at").Seconds()}
	if at, _ := pipeline.SeriesPeak(p); p.Str("pattern.shape") == "series" {
		moments = append(moments, at) // a recorded peak may fall between samples
	}
	for _, s := range steps {
		moments = append(moments, s.at)
	}
	for _, t := range moments {
		if t >= 0 && t < dur {
			pl.peak = max(pl.peak, rateAt(t))
		}
	}
	return pl
}

// pattern is a producer's pattern settings, read once: rate estimates
// evaluate it at over a thousand moments.
type pattern struct {
	shape                      string
	peak, period               float64 // diurnal
	to                         pipeline.Rate
	at, over, dur, spikeFactor float64        // ramp and spike
	node                       *pipeline.Node // series: the recorded points
}

func newPattern(p *pipeline.Node) pattern {
	return pattern{
		shape: p.Str("pattern.shape"),
		peak:  p.Num("pattern.peak"), period: max(1, p.Dur("pattern.period").Seconds()),
		to: p.Rate("pattern.to"),
		at: p.Dur("pattern.at").Seconds(), over: max(1e-9, p.Dur("pattern.over").Seconds()),
		dur: p.Dur("pattern.for").Seconds(), spikeFactor: p.Num("pattern.factor"),
		node: p,
	}
}

// factor is the producer's pattern multiplier at t, as docs/engine.md
// describes the shapes (constant, diurnal sine, ramp, spike, Poisson).
func (pt *pattern) factor(base, size, t float64) float64 {
	switch pt.shape {
	case "diurnal":
		return max(0, 1+(pt.peak-1)*math.Sin(2*math.Pi*t/pt.period))
	case "ramp":
		if base <= 0 {
			return 0
		}
		toRecs := pt.to.PerSec
		if pt.to.Bytes {
			toRecs /= size
		}
		x := min(1, max(0, (t-pt.at)/pt.over))
		return 1 + x*(toRecs/base-1)
	case "spike":
		if t >= pt.at && t < pt.at+pt.dur {
			return pt.spikeFactor
		}
	case "series":
		return pipeline.SeriesFactor(pt.node, t)
	}
	return 1
}

// hotShare is the share of a producer's records that carry its heaviest key.
func hotShare(p *pipeline.Node) float64 {
	count := max(1, p.Int("keys.count"))
	switch p.Str("keys.dist") {
	case "random":
		return 0
	case "hot":
		if count == 1 {
			return 1
		}
		f := p.Num("keys.fraction")
		return max(f, (1-f)/float64(count-1))
	case "zipf":
		return 1 / zipfNorm(count, p.Num("keys.skew"))
	case "per-shard":
		// The busiest shard's share over its keys, about count ÷ shards of them.
		if sh := p.Params["keys.shares"].List; sh.Len() > 0 {
			busiest := 0.0
			for i := range sh.Len() {
				busiest = max(busiest, sh.Share(i))
			}
			return min(1, busiest*float64(sh.Len())/float64(count))
		}
	}
	return 1 / float64(count)
}

// zipfNorms keeps zipfNorm's answers: the diagnoser asks for a producer's
// hot share at every sample it judges, and 10,000 keys cost 10,000 powers.
var zipfNorms struct {
	sync.Mutex
	m map[zipfArgs]float64
}

type zipfArgs struct {
	n int
	s float64
}

// zipfNorm is Σ_{i=1..n} i^-s, worked out once for each n and s.
func zipfNorm(n int, s float64) float64 {
	k := zipfArgs{n, s}
	zipfNorms.Lock()
	h, ok := zipfNorms.m[k]
	zipfNorms.Unlock()
	if ok {
		return h
	}
	h = zipfSum(n, s)
	zipfNorms.Lock()
	if zipfNorms.m == nil || len(zipfNorms.m) >= 256 { // a bound for a long-lived server
		zipfNorms.m = map[zipfArgs]float64{}
	}
	zipfNorms.m[k] = h
	zipfNorms.Unlock()
	return h
}

// zipfSum is Σ_{i=1..n} i^-s; beyond a million terms the tail is integrated.
func zipfSum(n int, s float64) float64 {
	const exact = 1_000_000
	var h float64
	for i := 1; i <= min(n, exact); i++ {
		h += math.Pow(float64(i), -s)
	}
	if n > exact {
		a, b := float64(exact)+0.5, float64(n)+0.5
		if math.Abs(s-1) < 1e-9 {
			h += math.Log(b / a)
		} else {
			h += (math.Pow(b, 1-s) - math.Pow(a, 1-s)) / (1 - s)
		}
	}
	return h
}

// loads estimates every storage node's load, and the pipeline's ingest (key "").
// Producers' loads are worked out when first needed, so asking for one
// stream's load costs its writers, not every producer.
type loads struct {
	sc    *pipeline.Scenario
	ix    *pipeline.Index
	prods map[string]prodLoad
	memo  map[string]Load
	rates map[string][]rateStep // the timeline's rate changes per producer
}

func newLoads(sc *pipeline.Scenario) *loads {
	return newLoadsIndexed(sc, pipeline.NewIndex(sc))
}

// newLoadsIndexed is newLoads with the scenario's index already built.
func newLoadsIndexed(sc *pipeline.Scenario, ix *pipeline.Index) *loads {
	l := &loads{sc: sc, ix: ix, prods: map[string]prodLoad{}, memo: map[string]Load{}, rates: map[string][]rateStep{}}
	for _, c := range sc.Timeline {
		for _, a := range c.Set {
			if a.Key == "rate" {
				l.rates[a.Node] = append(l.rates[a.Node], rateStep{c.At.Seconds(), a.Value.Rate})
			}
		}
	}
	return l
}

// prod is a producer's load, worked out once.
func (l *loads) prod(p *pipeline.Node) prodLoad {
	if pl, ok := l.prods[p.ID]; ok {
		return pl
	}
	pl := producerLoadSteps(l.sc, p, l.rates[p.ID])
	l.prods[p.ID] = pl
	return pl
}

// ingest is the load of all producers together, raised to
// requirements.throughput when that is higher.
func (l *loads) ingest() Load {
	var ps []prodLoad
	for _, p := range l.ix.Stage(pipeline.Producer) {
		ps = append(ps, l.prod(p))
	}
	return l.withRequirement(combine(ps))
}

// withRequirement raises a load's peak to requirements.throughput.
func (l *loads) withRequirement(ld Load) Load {
	req := l.sc.Requirements.Throughput
	if req.PerSec <= 0 {
		return ld
	}
	size := ld.RecordSize
	if size <= 0 {
		size = 1024
		ld.RecordSize = size
	}
	rb, rr := req.PerSec, req.PerSec/size
	if !req.Bytes {
		rb, rr = req.PerSec*size, req.PerSec
	}
	if rb > ld.PeakBytes*(1+1e-9) {
		ld.PeakBytes, ld.PeakRecs, ld.FromRequirement = rb, rr, true
		if ld.AvgBytes <= 0 {
			ld.AvgBytes, ld.AvgRecs = rb, rr
		}
	}
	return ld
}

// of is the load written into node id: its producers, plus what consumers
// that write into it read (a consumer passes on the records it reads).
func (l *loads) of(id string) Load {
	if ld, ok := l.memo[id]; ok {
		return ld
	}
	l.memo[id] = Load{} // guards against cycles
	var ps []prodLoad
	var extra []Load
	for _, w := range l.ix.Writers(id) {
		switch w.Stage {
		case pipeline.Producer:
			ps = append(ps, l.prod(w))
		case pipeline.Consumer:
			extra = append(extra, l.consumed(w))
		}
	}
	n := l.ix.Node(id)
	if n != nil && n.Stage == pipeline.Consumer && n.From != "" {
		extra = append(extra, l.of(n.From))
	}
	ld := combine(ps)
	for _, x := range extra {
		ld = addLoad(ld, x)
	}
	// The requirement describes the pipeline's ingest: it applies to the
	// storage node producers write into when there is only one.
	if n != nil && n.Stage == pipeline.Storage && len(ps) > 0 && len(l.ix.Stage(pipeline.Storage)) == 1 {
		ld = l.withRequirement(ld)
	}
	l.memo[id] = ld
	return ld
}

// consumed is what a consumer reads: its source stream's load, or its Direct PUT writers.
func (l *loads) consumed(c *pipeline.Node) Load {
	if c.From != "" {
		return l.of(c.From)
	}
	return l.of(c.ID)
}

func combine(ps []prodLoad) Load {
	var ld Load
	var best float64
	for _, p := range ps {
		ld.PeakRecs += p.peak
		ld.PeakBytes += p.peak * p.size
		ld.AvgRecs += p.avg
		ld.AvgBytes += p.avg * p.size
		ld.Spiky = ld.Spiky || p.spike
		ld.Skewed = ld.Skewed || p.dist == "hot" || p.dist == "zipf"
		ld.RandomKeys = ld.RandomKeys || p.dist == "random"
		if k := p.hot * p.peak; k > best {
			best = k
			ld.HotKey = KeyLoad{Producer: p.id, Share: p.hot, Recs: k, Bytes: k * p.size}
		}
	}
	if ld.PeakRecs > 0 {
		ld.RecordSize = ld.PeakBytes / ld.PeakRecs
	}
	if ld.AvgBytes > 0 && ld.PeakBytes >= 2*ld.AvgBytes {
		ld.Spiky = true
	}
	return ld
}

func addLoad(a, b Load) Load {
	a.PeakRecs += b.PeakRecs
	a.PeakBytes += b.PeakBytes
	a.AvgRecs += b.AvgRecs
	a.AvgBytes += b.AvgBytes
	a.Spiky = a.Spiky || b.Spiky
	a.Skewed = a.Skewed || b.Skewed
	a.RandomKeys = a.RandomKeys || b.RandomKeys
	if b.HotKey.Recs > a.HotKey.Recs {
		a.HotKey = b.HotKey
	}
	if a.PeakRecs > 0 {
		a.RecordSize = a.PeakBytes / a.PeakRecs
	}
	return a
}

// StreamLoad estimates the traffic written into a node (a stream, a consumer
// or a destination) from the scenario's producers, pattern and timeline.
func StreamLoad(sc *pipeline.Scenario, id string) Load { return newLoads(sc).of(id) }

// IngestLoad estimates the pipeline's total ingest, raised to
// requirements.throughput when that is higher.
func IngestLoad(sc *pipeline.Scenario) Load { return newLoads(sc).ingest() }

// dur is a time.Duration in seconds.
func dur(d time.Duration) float64 { return d.Seconds() }
