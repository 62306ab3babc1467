package aws

import (
	"context"
	"math"
	"sort"
	"time"

	"github.com/streamsim/streamsim/pipeline"
)

// publish sends the current snapshot, replacing one the reader has not
// taken yet (carrying its events forward), with the advisor's findings so
// far; the last one (done) with its findings on the whole run.
func (r *Run) publish(done bool) {
	s := r.snapshot()
	s.Done = done
	r.adv.Observe(&s)
	if done {
		r.res.Advice = r.adv.Finish(r.res.Metrics)
		s.Findings = r.adv.Findings()
	}
	r.seq++
	s.RunID, s.Seq = r.id, r.seq
	s.Events = r.flushEvents()
	select {
	case old := <-r.out:
		s.Events = append(old.Events, s.Events...)
	default:
	}
	r.out <- s
}

// snapshot is the dashboard's view now: rates over the time since the last
// snapshot, gauges as measured.
func (r *Run) snapshot() pipeline.Snapshot {
	now := time.Now()
	rt := r.runTime()
	s := pipeline.Snapshot{Time: rt, Duration: r.plan.Duration}
	m := r.m
	m.mu.Lock()
	defer m.mu.Unlock()
	var cost float64
	for _, n := range r.sc.Nodes {
		nm := m.node(n.ID)
		if !nm.shardWin.IsZero() && now.Sub(nm.shardWin) >= time.Second {
			nm.closeWindow()
			nm.shardWin = time.Time{}
		}
		cur := totals{nm.in, nm.out, nm.inB, nm.throttled}
		if el := now.Sub(nm.prevAt).Seconds(); !nm.prevAt.IsZero() && el > 0 {
			nm.rateNow = totals{(cur.in - nm.prev.in) / el, (cur.out - nm.prev.out) / el, (cur.inB - nm.prev.inB) / el, (cur.thr - nm.prev.thr) / el}
		}
		nm.prev, nm.prevAt = cur, now
		ns := pipeline.NodeSnapshot{ID: n.ID, Service: n.Service.Name, Stage: n.Stage,
			InRate: nm.rateNow.in, OutRate: nm.rateNow.out, InBytesRate: nm.rateNow.inB, Throttled: nm.rateNow.thr,
			Lost: nm.lost, Held: nm.heldNow}
		if c := r.cons[n.ID]; c != nil {
			ns.Failed = c.failed.Load()
		}
		switch n.Stage {
		case pipeline.Storage:
			for _, c := range r.sc.Readers(n.ID) {
				ns.Lag = math.Max(ns.Lag, r.lagLocked(n.ID, c.ID))
				ns.IterAge = math.Max(ns.IterAge, maxAge(m.node(c.ID).iterAge))
			}
			ns.Units = append([]float64(nil), nm.units...)
		case pipeline.Consumer:
			if n.From != "" {
				ns.Lag = r.lagLocked(n.From, n.ID)
			}
			ns.IterAge = maxAge(nm.iterAge)
		}
		ns.CostMonthly = r.nodeCostLocked(n, rt)
		cost += ns.CostMonthly
		s.Nodes = append(s.Nodes, ns)
	}
	s.Pipeline = pipeline.PipelineSnapshot{
		Produced: m.produced, Delivered: m.delivered, Lost: m.lost,
		InFlight:   math.Max(0, m.expected-m.delivered-m.lost),
		LatencyP50: m.lat.Quantile(0.5), LatencyP99: m.lat.Quantile(0.99), LatencyMax: m.lat.Max(),
		CostMonthly: cost,
	}
	for _, n := range r.sc.Stage(pipeline.Producer) {
		s.Pipeline.ProducedRate += m.node(n.ID).rateNow.in
	}
	for _, n := range r.sc.Stage(pipeline.Destination) {
		s.Pipeline.DeliveredRate += m.node(n.ID).rateNow.out
	}
	// Refusals once, where they happened: a producer's count is its view of
	// its targets' (as in the metrics' pipeline.throttled_records).
	for _, n := range r.sc.Nodes {
		if n.Stage != pipeline.Producer {
			s.Pipeline.Throttled += m.node(n.ID).throttled
			s.Pipeline.ThrottledRate += m.node(n.ID).rateNow.thr
		}
	}
	return s
}

func maxAge(ages map[string]float64) float64 {
	v := 0.0
	for _, a := range ages {
		v = math.Max(v, a)
	}
	return v
}

// lagLocked is the records written into source and not yet read by
// consumer (m.mu held). This process is the stream's only writer, so both
// counts are exact.
func (r *Run) lagLocked(source, consumer string) float64 {
	return math.Max(0, r.m.node(source).in-r.m.node(consumer).read)
}

// nodeCostLocked is a node's estimated monthly cost at the load measured so
// far, with the prices of pipeline/facts.go (m.mu held). Nodes this process
// runs in place of a service, and left-out nodes, cost nothing here.
func (r *Run) nodeCostLocked(n *pipeline.Node, rt time.Duration) float64 {
	nm := r.m.node(n.ID)
	el := rt.Seconds()
	var in flow
	if el > 0 {
		in = flow{nm.in / el, nm.inB / el}
	}
	h := float64(pipeline.HoursPerMonth)
	switch n.Service.Name {
	case pipeline.KinesisDataStreams:
		res, ok := r.plan.Find(KindStream, n.ID)
		if !ok {
			return 0
		}
		efo := 0
		for _, c := range r.sc.Readers(n.ID) {
			if c.Str("read") == "enhanced-fan-out" {
				efo++
			}
		}
		return kdsCostHour(res, in, efo) * h
	case pipeline.Firehose:
		if _, ok := r.plan.Find(KindDeliveryStream, n.ID); !ok {
			return 0
		}
		gb := in.recs * 3600 * math.Max(1, math.Ceil(in.meanSize()/pipeline.FirehoseBillUnit)) * pipeline.FirehoseBillUnit / pipeline.GB
		return gb * pipeline.FirehosePerGB * h
	case pipeline.S3:
		if el <= 0 {
			return 0
		}
		return nm.objects/el*3600*h/1000*pipeline.S3PutPer1000 + in.bytes*3600*h/pipeline.GB*pipeline.S3StoragePerGBMo
	case pipeline.DynamoDB:
		res, ok := r.plan.Find(KindTable, n.ID)
		if !ok {
			return 0
		}
		if res.WCU > 0 {
			return float64(res.WCU) * pipeline.DDBWCUHour * h
		}
		wru := in.recs * 3600 * math.Max(1, math.Ceil(in.meanSize()/pipeline.DDBItemUnit))
		return wru / 1e6 * pipeline.DDBPerMWrites * h
	}
	return 0
}

// finalShards counts each stream's open shards at the end.
func (r *Run) finalShards(ctx context.Context) map[string]float64 {
	out := map[string]float64{}
	for _, res := range r.plan.Resources {
		if res.Kind != KindStream {
			continue
		}
		shards, err := listShards(ctx, r.opts.Clients.Kinesis, res.Name)
		if err != nil {
			r.logf("%s: could not list shards at the end: %s", res.Node, shortErr(err))
			continue
		}
		open := 0
		for _, s := range shards {
			if !s.closed {
				open++
			}
		}
		out[res.Node] = float64(open)
	}
	return out
}

// metrics gathers the final metrics in the simulator's names. Values the
// aws backend cannot measure are NaN and listed.
func (r *Run) metrics() (map[string]float64, []string) {
	out := map[string]float64{}
	nan := func(k string) { out[k] = math.NaN() }
	rt := r.runTime()
	snap := r.snapshot()
	m := r.m
	m.mu.Lock()
	defer m.mu.Unlock()
	var throttled, cost float64
	for _, n := range r.sc.Nodes {
		nm := m.node(n.ID)
		id := n.ID + "."
		for _, def := range pipeline.NodeMetrics(n) {
			out[id+def.Name] = math.NaN() // until measured below
		}
		if r.plan.IsSkipped(n.ID) {
			for _, def := range pipeline.NodeMetrics(n) {
				nan(id + def.Name)
			}
			continue
		}
		out[id+"records_in"] = nm.in
		out[id+"bytes_in"] = nm.inB
		out[id+"records_out"] = nm.out
		out[id+"bytes_out"] = nm.outB
		out[id+"lost_records"] = nm.lost
		c := r.nodeCostLocked(n, rt)
		out[id+"cost_monthly"] = c
		cost += c
		out[id+"throttled_records"] = nm.throttled
		if n.Stage != pipeline.Producer {
			throttled += nm.throttled
		}
		held := 0.0
		if ns := snap.Node(n.ID); ns != nil {
			held = ns.Held
		}
		switch n.Stage {
		case pipeline.Producer:
			out[id+"retried_records"] = nm.retried
		case pipeline.Storage:
			lag, age := 0.0, 0.0
			for _, c := range r.sc.Readers(n.ID) {
				lag = math.Max(lag, r.lagLocked(n.ID, c.ID))
				age = math.Max(age, m.node(c.ID).iterAgeMax)
			}
			out[id+"lag_records"] = lag
			out[id+"expired_records"] = 0 // runs are far shorter than the 24 h minimum retention
			out[id+"held_records"] = nm.in
			switch n.Service.Name {
			case pipeline.KinesisDataStreams:
				out[id+"max_shard_utilization"] = nm.maxUtil
				out[id+"read_throttled"] = nm.readThrottl
				out[id+"iterator_age_max"] = age
				if v, ok := r.shardsEnd[n.ID]; ok {
					out[id+"shards_end"] = v
				} else {
					nan(id + "shards_end")
				}
			default: // msk, msk-serverless
				nan(id + "max_shard_utilization")
				if v, ok := r.kafkaLag[n.ID]; ok {
					out[id+"offset_lag_max"] = v
				} else {
					nan(id + "offset_lag_max")
				}
				out[id+"time_lag_max"] = age
			}
		case pipeline.Consumer:
			if n.From != "" {
				out[id+"lag_records"] = r.lagLocked(n.From, n.ID)
			} else {
				out[id+"lag_records"] = 0
			}
			out[id+"held_records"] = held
			out[id+"iterator_age_max"] = nm.iterAgeMax
			nan(id + "utilization_max") // no capacity to measure: this process or the service reads
			switch n.Service.Name {
			case pipeline.Firehose:
				out[id+"objects"] = nm.objects
				out[id+"backup_records"] = 0
			case pipeline.Lambda:
				nan(id + "invocations")
				nan(id + "failed_batches")
			}
		case pipeline.Destination:
			if n.Service.Name == pipeline.S3 {
				out[id+"objects"] = nm.objects
			}
		}
	}
	out["pipeline.produced_records"] = m.produced
	out["pipeline.delivered_records"] = m.delivered
	out["pipeline.lost_records"] = m.lost
	out["pipeline.in_flight_records"] = math.Max(0, m.expected-m.delivered-m.lost)
	out["pipeline.throttled_records"] = throttled
	out["pipeline.latency_p50"] = m.lat.Quantile(0.5)
	out["pipeline.latency_p99"] = m.lat.Quantile(0.99)
	out["pipeline.latency_max"] = m.lat.Max()
	out["pipeline.cost_monthly"] = cost
	var unmeasured []string
	for k, v := range out {
		if math.IsNaN(v) {
			unmeasured = append(unmeasured, k)
		}
	}
	sort.Strings(unmeasured)
	return out, unmeasured
}
