package advice

import (
	"fmt"
	"math"

	"github.com/streamsim/streamsim/pipeline"
)

// secondsPerMonth is the 730-hour month prices are quoted for.
const secondsPerMonth = pipeline.HoursPerMonth * 3600

// NodeCost is one node's estimated monthly cost.
type NodeCost struct {
	Node    string
	Service pipeline.ServiceName
	Monthly float64 // dollars per month at the run's average load
	Share   float64 // of the pipeline's total
}

// Costs lists the monthly cost of every node that has one in metrics (a run's
// "node.cost_monthly" values), in scenario order, and the pipeline's total
// ("pipeline.cost_monthly", or the sum when metrics lack it).
func Costs(sc *pipeline.Scenario, metrics map[string]float64) ([]NodeCost, float64) {
	var rows []NodeCost
	var sum float64
	for _, n := range sc.Nodes {
		v, ok := metrics[n.ID+".cost_monthly"]
		if !ok || math.IsNaN(v) {
			continue
		}
		rows = append(rows, NodeCost{Node: n.ID, Service: n.Service.Name, Monthly: v})
		sum += v
	}
	total := sum
	if v, ok := metrics["pipeline.cost_monthly"]; ok && !math.IsNaN(v) {
		total = v
	}
	for i := range rows {
		if total > 0 {
			rows[i].Share = rows[i].Monthly / total
		}
	}
	return rows, total
}

// kdsShardsFor is the provisioned shard count a load needs: KDS-SHARD-WRITE
// (1,000 records/s and 1 MiB/s) and KDS-SIZING (reads: 2 MiB/s per shard
// shared by the polling consumers, KDS-SHARD-READ).
// why names the limit that decides.
func kdsShardsFor(peakRecs, peakBytes float64, polling int) (n int, why string) {
	byRecs := ceilDiv(peakRecs, pipeline.KDSShardWriteRecs, 1)
	byBytes := ceilDiv(peakBytes, pipeline.KDSShardWriteBytes, 1)
	byReads := ceilDiv(peakBytes*float64(polling), pipeline.KDSShardReadBytes, 1)
	n = max(byRecs, byBytes, byReads)
	switch n {
	case byBytes:
		why = fmt.Sprintf("%s in at 1 MiB/s per shard (KDS-SHARD-WRITE)", bytesRate(peakBytes))
	case byRecs:
		why = fmt.Sprintf("%s at 1,000 records/s per shard (KDS-SHARD-WRITE)", recs(peakRecs))
	default:
		why = fmt.Sprintf("%d polling consumers reading %s each, 2 MiB/s per shard (KDS-SIZING)", polling, bytesRate(peakBytes))
	}
	return n, why
}

// kdsPrices are the per-month prices of one Kinesis stream's setup (PRICE-KDS-*).
type kdsPrices struct {
	perShard    float64 // provisioned: shard-hours, extended retention and EFO consumer-shard-hours per shard
	provPerRec  float64 // provisioned: PUT payload units
	provPerByte float64 // provisioned: EFO data retrieved, long-term retention
	odBase      float64 // on-demand: stream-hours
	odPerRec    float64 // on-demand: data in, each record rounded up to 1 KB
	odPerByte   float64 // on-demand: data out (polling and EFO)
	capPerShard float64 // bytes/s one shard carries for this load (write and read limits)
}

func kdsPricesFor(size float64, polling, efo int, retention float64) kdsPrices {
	h := float64(pipeline.HoursPerMonth)
	var p kdsPrices
	p.perShard = h * (pipeline.KDSShardHour + float64(efo)*pipeline.KDSEFOConsumerShardH)
	if retention > 86400 {
		p.perShard += h * pipeline.KDSExtRetentionShard
	}
	putUnits := math.Ceil(size/pipeline.KDSPutUnit - 1e-9)
	p.provPerRec = secondsPerMonth * putUnits / 1e6 * pipeline.KDSPutUnitsPerM
	p.provPerByte = secondsPerMonth / pipeline.GB * float64(efo) * pipeline.KDSEFOPerGB
	if retention > 7*86400 {
		p.provPerByte += secondsPerMonth / pipeline.GB * (retention - 7*86400) / secondsPerMonth * pipeline.KDSLongRetentionGBMo
	}
	p.odBase = h * pipeline.KDSOnDemandStreamH
	odBilled := math.Ceil(size/1000-1e-9) * 1000
	p.odPerRec = secondsPerMonth * odBilled / pipeline.GB * pipeline.KDSOnDemandInGB
	p.odPerByte = secondsPerMonth / pipeline.GB * (float64(polling)*pipeline.KDSOnDemandOutGB + float64(efo)*pipeline.KDSOnDemandEFOOutGB)
	p.capPerShard = min(float64(pipeline.KDSShardWriteBytes), pipeline.KDSShardWriteRecs*size)
	if polling > 0 {
		p.capPerShard = min(p.capPerShard, pipeline.KDSShardReadBytes/float64(polling))
	}
	return p
}

// slopes are the dollars per month per byte/s of average traffic.
func (p kdsPrices) provSlope(size float64) float64 { return p.provPerRec/size + p.provPerByte }
func (p kdsPrices) odSlope(size float64) float64   { return p.odPerRec/size + p.odPerByte }

// BreakEven compares provisioned and on-demand Kinesis Data Streams for one
// stream's load, from the PRICE-KDS rules: shard-hours and 25 KB PUT payload units
// (plus EFO and extended retention) against stream-hours, data in billed per
// record rounded up to 1 KB, and data out.
type BreakEven struct {
	Node                 string
	Load                 Load
	Polling, EFO         int
	Shards               int     // provisioned shards the peak needs
	ShardsWhy            string  // the limit that decides the shard count
	Provisioned          float64 // $/month at the average load with Shards shards
	OnDemand             float64 // $/month at the average load
	PerShard             float64 // $/month of one provisioned shard (with retention and EFO)
	OnDemandBase         float64 // $/month of an on-demand stream with no traffic
	ProvPerMiB, ODPerMiB float64 // $/month per MiB/s of average traffic
	// CrossAvg is the average throughput (bytes/s) below which on-demand costs
	// less than Shards provisioned shards; 0 when it never does, +Inf when it
	// always does up to what the shards carry.
	CrossAvg float64
	// ScaleCross is the average throughput (bytes/s) at which the two cost the
	// same when the whole load (peak and average together) scales; 0 when
	// they never cross. RatioCross is the peak ÷ average above which
	// on-demand wins at high throughput.
	ScaleCross, RatioCross float64
}

// KinesisBreakEven compares the two capacity modes for a Kinesis stream
// (or, for any other node id, for the pipeline's ingest read once). ok is
// false when the load is zero.
func KinesisBreakEven(sc *pipeline.Scenario, id string) (BreakEven, bool) {
	return kinesisBreakEven(newLoads(sc), id)
}

// KinesisBreakEvens is KinesisBreakEven for every Kinesis Data Streams node
// of sc that has one, in file order. It estimates the producers' loads once,
// so it takes time linear in the pipeline's size where calling
// KinesisBreakEven for each stream takes quadratic time.
func KinesisBreakEvens(sc *pipeline.Scenario) []BreakEven {
	ls := newLoads(sc)
	var out []BreakEven
	for _, n := range ls.ix.Stage(pipeline.Storage) {
		if !adviceOf(n).breakEven {
			continue
		}
		if b, ok := kinesisBreakEven(ls, n.ID); ok {
			out = append(out, b)
		}
	}
	return out
}

func kinesisBreakEven(ls *loads, id string) (BreakEven, bool) {
	b := BreakEven{Node: id, Polling: 1}
	retention := 86400.0
	if n := ls.ix.Node(id); adviceOf(n).breakEven {
		b.Load = ls.of(id)
		b.Polling, b.EFO = 0, 0
		for _, r := range ls.ix.Readers(id) {
			if r.Str("read") == "enhanced-fan-out" {
				b.EFO++
			} else {
				b.Polling++
			}
		}
		retention = n.Dur("retention").Seconds()
	} else {
		b.Load = ls.ingest()
	}
	ld := b.Load
	if ld.AvgBytes <= 0 || ld.RecordSize <= 0 {
		return b, false
	}
	size := ld.RecordSize
	p := kdsPricesFor(size, b.Polling, b.EFO, retention)
	b.Shards, b.ShardsWhy = kdsShardsFor(ld.PeakRecs, ld.PeakBytes, b.Polling)
	b.PerShard, b.OnDemandBase = p.perShard, p.odBase
	b.ProvPerMiB, b.ODPerMiB = p.provSlope(size)*pipeline.MiB, p.odSlope(size)*pipeline.MiB
	b.Provisioned = float64(b.Shards)*p.perShard + p.provSlope(size)*ld.AvgBytes
	b.OnDemand = p.odBase + p.odSlope(size)*ld.AvgBytes

	// With the shards fixed for the peak, costs are linear in the average.
	fixed := float64(b.Shards) * p.perShard
	carry := float64(b.Shards) * p.capPerShard
	dSlope := p.odSlope(size) - p.provSlope(size)
	switch {
	case dSlope <= 0 && p.odBase <= fixed:
		b.CrossAvg = math.Inf(1)
	case dSlope <= 0:
		b.CrossAvg = 0
	default:
		x := (fixed - p.odBase) / dSlope
		switch {
		case x <= 0:
			b.CrossAvg = 0
		case x >= carry:
			b.CrossAvg = math.Inf(1)
		default:
			b.CrossAvg = x
		}
	}

	// Scaling the whole load with its peak ÷ average ratio k: provisioned
	// costs ⌈k·x ÷ cap⌉ shards plus its slope, on-demand its base plus its
	// slope. Walk the shard counts to find the first crossing.
	k := ld.PeakRatio()
	if dSlope > 0 {
		b.RatioCross = dSlope * p.capPerShard / p.perShard
	}
	maxAvg := odMaxWrite(ls.sc.Region) / k
	for n := 1; ; n++ {
		lo := float64(n-1) * p.capPerShard / k
		hi := float64(n) * p.capPerShard / k
		if lo >= maxAvg {
			break
		}
		// On the interval (lo, hi]: od − prov = odBase − n·perShard + dSlope·x.
		// With on-demand dearer per byte (dSlope ≥ 0) the difference is
		// lowest just after a shard is added, at lo; otherwise at hi.
		c0 := p.odBase - float64(n)*p.perShard
		if dSlope >= 0 && c0+dSlope*lo < 0 {
			b.ScaleCross = max(lo, 1)
			break
		}
		if dSlope < 0 && c0+dSlope*hi < 0 {
			b.ScaleCross = max(lo, -c0/dSlope, 1)
			break
		}
		if n > 1_000_000 {
			break
		}
	}
	return b, true
}

// odMaxWrite is KDS-ONDEMAND-MAX: 10 GB/s write in us-east-1,
// us-west-2 and eu-west-1, 200 MB/s elsewhere.
func odMaxWrite(region string) float64 {
	switch region {
	case "", "us-east-1", "us-west-2", "eu-west-1":
		return 10e9
	}
	return 200e6
}

// Lines explains the comparison in a few sentences.
func (b BreakEven) Lines() []string {
	ld := b.Load
	cheaper, by := "provisioned", b.OnDemand-b.Provisioned
	if by < 0 {
		cheaper, by = "on-demand", -by
	}
	out := []string{
		fmt.Sprintf("load: %s average, %s peak (%s) of %s records; %d polling, %d enhanced fan-out %s",
			bytesRate(ld.AvgBytes), bytesRate(ld.PeakBytes), ratio(ld.PeakRatio()), pipeline.ApproxSize(ld.RecordSize),
			b.Polling, b.EFO, plural(b.Polling+b.EFO, "reader", "readers")),
		fmt.Sprintf("provisioned: %d %s for the peak (%s) at %s each, plus %s per MiB/s of average traffic → %s per month",
			b.Shards, plural(b.Shards, "shard", "shards"), b.ShardsWhy, money(b.PerShard), money(b.ProvPerMiB), money(b.Provisioned)),
		fmt.Sprintf("on-demand: %s per stream plus %s per MiB/s of average traffic (each record billed in whole KB, PRICE-KDS-OD-IN) → %s per month",
			money(b.OnDemandBase), money(b.ODPerMiB), money(b.OnDemand)),
		fmt.Sprintf("at this load %s is cheaper by %s per month", cheaper, money(by)),
	}
	switch {
	case math.IsInf(b.CrossAvg, 1):
		out = append(out, fmt.Sprintf("with %d %s sized for the peak, on-demand costs less at any average they can carry",
			b.Shards, plural(b.Shards, "shard", "shards")))
	case b.CrossAvg > 0:
		out = append(out, fmt.Sprintf("with %d %s sized for the peak, on-demand costs less while the average stays below %s (this load averages %s)",
			b.Shards, plural(b.Shards, "shard", "shards"), bytesRate(b.CrossAvg), bytesRate(ld.AvgBytes)))
	default:
		out = append(out, fmt.Sprintf("with %d %s sized for the peak, on-demand costs more at any average (its %s per month of stream-hours alone exceed %s of shards)",
			b.Shards, plural(b.Shards, "shard", "shards"), money(b.OnDemandBase), money(float64(b.Shards)*b.PerShard)))
	}
	if b.ScaleCross > 0 {
		out = append(out, fmt.Sprintf("scaling this load (peak %s the average), on-demand becomes the cheaper one from about %s average upward",
			ratio(ld.PeakRatio()), bytesRate(b.ScaleCross)))
	} else if b.RatioCross > 0 {
		out = append(out, fmt.Sprintf("scaling this load (peak %s the average), they never cross: on-demand wins at high throughput only when the peak is more than %s the average",
			ratio(ld.PeakRatio()), ratio(b.RatioCross)))
	}
	return out
}
