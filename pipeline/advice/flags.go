package advice

import (
	"fmt"
	"slices"
	"strings"

	"github.com/streamsim/streamsim/pipeline"
)

// flags lists the parts of the architecture that cannot meet the scenario's
// own requirements (or a service limit), each with what to change.
func (s *selector) flags() []Recommendation {
	var out []Recommendation
	add := func(sev, node, choice, rule, why string) {
		out = append(out, Recommendation{Kind: KindFlag, Node: node, Choice: choice, Rule: rule, Why: why, Severity: sev})
	}
	s.deliveryFlags(add)
	s.orderingFlags(add)
	s.latencyFlags(add)
	s.retentionFlags(add)
	s.throughputFlags(add)
	s.recordSizeFlags(add)
	s.transformFlags(add)
	s.budgetFlags(add)
	return out
}

type addFlag func(sev, node, choice, rule, why string)

const (
	crit = pipeline.SeverityCritical
	warn = pipeline.SeverityWarning
)

// deliveryFlags: every requirements.delivery target needs a destination.
func (s *selector) deliveryFlags(add addFlag) {
	for _, t := range s.req.Delivery {
		found := false
		for _, d := range s.ix.Stage(pipeline.Destination) {
			found = found || d.Service.Name == t
		}
		if !found {
			add(crit, "", fmt.Sprintf("add a %s destination and a consumer that writes to it", t), "requirements.delivery",
				fmt.Sprintf("data must reach %s, but no destination in the graph is %s", t, t))
		}
	}
}

// orderingFlags: per-key order needs a stable partition key (KDS-PARTITION-KEY: the same
// key always goes to the same shard, and order holds within a shard).
func (s *selector) orderingFlags(add addFlag) {
	if s.req.Ordering != "per-key" {
		return
	}
	for _, p := range s.ix.Stage(pipeline.Producer) {
		if p.Str("keys.dist") == "random" {
			add(crit, p.ID, "write a stable partition key per entity (keys: {dist: uniform, count: N}, or zipf/hot to model skew)",
				"KDS-PARTITION-KEY: order holds per key only because a key always maps to one shard",
				fmt.Sprintf("requirements.ordering is per-key, but %s draws a random key for every record, so one entity's records land on different shards and arrive out of order", p.ID))
		}
	}
}

// latencyFlags: a p99 requirement below a fixed delay on the path.
func (s *selector) latencyFlags(add addFlag) {
	lat := s.latency()
	if lat <= 0 {
		return
	}
	for _, c := range s.ix.Stage(pipeline.Consumer) {
		if w, what := windowOf(c); w > 0 && lat < w {
			add(crit, c.ID, fmt.Sprintf("shorten %s below %s, or emit early results", what, secs(lat)),
				"a window or micro-batch holds records until it ends (FLINK-CHECKPOINT, GLUE-WINDOW, EMR-SPARK-TRIGGER)",
				fmt.Sprintf("a %s p99 cannot be met through a %s %s of %s", secs(lat), secs(w), strings.TrimPrefix(what, c.ID+"."), c.ID))
		}
		if f := adviceOf(c).latencyFlag; f != nil {
			f(s, c, lat, add)
		}
	}
	for _, st := range s.ix.Stage(pipeline.Storage) {
		if f := adviceOf(st).latencyFlag; f != nil {
			f(s, st, lat, add)
		}
	}
}

// retentionFlags: the requirement against each store's retention and maximum.
func (s *selector) retentionFlags(add addFlag) {
	ret := s.retention()
	stores := s.ix.Stage(pipeline.Storage)
	if ret > 0 && len(stores) == 0 {
		add(warn, "", "add a Kinesis stream (or MSK topic) to keep the data replayable",
			"FH-BUFFER-RETENTION: Firehose keeps undelivered data for at most 24 h",
			fmt.Sprintf("requirements.retention is %s, but nothing in the graph stores records for replay", secs(ret)))
	}
	for _, st := range stores {
		have := st.Dur("retention").Seconds()
		a := adviceOf(st)
		if a.retentionFlag != nil && a.retentionFlag(s, st, ret, add) {
			continue
		}
		if ret > have*(1+1e-9) {
			add(warn, st.ID, fmt.Sprintf("set %s.retention: %s%s", st.ID, pipeline.FormatDuration(s.req.Retention), a.retentionPrice),
				"requirements.retention", fmt.Sprintf("%s keeps records for %s, less than the required %s", st.ID, secs(have), secs(ret)))
		}
		if a.storageFlag != nil {
			a.storageFlag(s, st, add)
		}
	}
}

// throughputFlags: the load against each node's limits.
func (s *selector) throughputFlags(add addFlag) {
	for _, n := range s.sc.Nodes {
		if n.Stage == pipeline.Producer {
			continue
		}
		ld := s.ld.of(n.ID)
		if ld.PeakBytes <= 0 {
			continue
		}
		switch f := adviceOf(n).throughputFlag; {
		case f != nil:
			f(s, n, ld, add)
		case n.Stage == pipeline.Consumer:
			s.consumerThroughput(n, ld, add)
		}
	}
}

// sourceUnits is how many shards or partitions a consumer reads (Firehose
// keeps one buffer per shard or partition, FH-BUFFER-SCOPE).
func (s *selector) sourceUnits(c *pipeline.Node) int {
	src := s.ix.Node(c.From)
	if src == nil {
		return 1
	}
	if f := adviceOf(src).units; f != nil {
		return f(s, src)
	}
	if k := src.Service.Parts.Key; k != "" {
		return max(1, src.Int(k))
	}
	return 1
}

// perUnit is the capacity rule of thumb of one consumer unit, in bytes/s
// (pipeline.RuleOfThumb; AWS publishes none), with the key that counts the
// units. Lambda is handled apart.
func perUnit(c *pipeline.Node) (key string, units, bytes float64) {
	th := c.Service.Thumb
	if th == nil || c.Stage != pipeline.Consumer {
		return "", 0, 0
	}
	return th.Key, th.Units(c), th.PerUnit(c)
}

// unitRule is the rule-book id of perUnit's rule of thumb for c.
func unitRule(c *pipeline.Node) string {
	if th := c.Service.Thumb; th != nil {
		return th.Rule
	}
	return ""
}

func (s *selector) consumerThroughput(c *pipeline.Node, ld Load, add addFlag) {
	if c.Has("capacity") {
		return // the author measured it; nothing to second-guess
	}
	key, units, per := perUnit(c)
	if per <= 0 {
		return
	}
	if have := units * per; have < ld.PeakBytes && autoscaling(c) == "" {
		need := ceilDiv(ld.PeakBytes, per, 1)
		add(warn, c.ID, fmt.Sprintf("set %s.%s to at least %d (or measure and set capacity)", c.ID, key, need),
			unitRule(c)+": streamsim's capacity rule of thumb (AWS publishes no per-unit throughput)",
			fmt.Sprintf("%s %s of %s process about %s; the peak is %s", trim1(units), key, c.ID, bytesRate(have), bytesRate(ld.PeakBytes)))
	}
}

// recordSizeFlags: the largest records against each service's maximum.
func (s *selector) recordSizeFlags(add addFlag) {
	for _, p := range s.ix.Stage(pipeline.Producer) {
		biggest := p.Num("record_size.mean")
		if v := p.Num("record_size.max"); v > biggest {
			biggest = v
		}
		for _, t := range p.To {
			n := s.ix.Node(t)
			if n == nil {
				continue
			}
			f := adviceOf(n).recordMax
			if f == nil {
				continue
			}
			limit, rule := f(n)
			if limit > 0 && biggest > limit {
				add(crit, p.ID, "raise the limit where the service allows it, or store payloads in S3 and send a pointer",
					rule, fmt.Sprintf("%s sends records of up to %s to %s, which takes at most %s",
						p.ID, pipeline.ApproxSize(biggest), t, pipeline.ApproxSize(limit)))
			}
		}
	}
}

// transformFlags: transformations required but every delivering consumer is
// a Firehose without a transform.
func (s *selector) transformFlags(add addFlag) {
	if !s.req.Transformations {
		return
	}
	cs := s.ix.Stage(pipeline.Consumer)
	if len(cs) == 0 {
		add(warn, "", "add a consumer that transforms (Lambda, Flink, Glue, or a Firehose Lambda transform)", "requirements.transformations",
			"records must be transformed, but nothing reads them")
		return
	}
	for _, c := range cs {
		if transforms(c) {
			return
		}
	}
	add(warn, cs[0].ID, fmt.Sprintf("set %s.transform.lambda: true, or transform in a Lambda or Flink consumer", cs[0].ID),
		"requirements.transformations; FH-LAMBDA-BUFFER: Firehose's Lambda transformation",
		"records must be transformed, but no consumer does: Firehose only buffers and converts formats")
}

// budgetFlags: a static estimate of the fixed-capacity part of the bill
// against requirements.budget (the simulation's estimate is in `advise`).
func (s *selector) budgetFlags(add addFlag) {
	if !slices.Contains(s.req.Set, "budget") {
		return
	}
	est, parts := s.staticCost()
	if est > s.req.Budget {
		add(crit, "", "cut the largest items first (see the cost table of `streamsim advise`)", "requirements.budget; the PRICE rules (`streamsim explain` lists them)",
			fmt.Sprintf("before any traffic is billed, %s already cost about %s per month, above the %s budget", listAnd(parts), money(est), money(s.req.Budget)))
	}
}

// staticCost is the monthly cost of what the graph provisions, whatever the
// traffic: shards, brokers, KPUs, DPUs, instances, WCU, Redshift nodes.
func (s *selector) staticCost() (float64, []string) {
	var total float64
	var parts []string
	for _, n := range s.sc.Nodes {
		var c float64
		if f := adviceOf(n).monthly; f != nil {
			c = f(n)
		}
		if c > 0 {
			total += c
			parts = append(parts, fmt.Sprintf("%s %s", n.ID, money(c)))
		}
	}
	return total, parts
}
