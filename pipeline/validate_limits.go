package pipeline

import (
	"fmt"
	"slices"
	"strings"
)

// applies reports whether a key means anything given the node's other settings
// (pattern.peak only for a diurnal pattern, keys.count not for random keys).
// strict keys set where they do not apply are errors; the rest are only left
// out of the normalised form.
func applies(n *Node, key string) (ok, strict bool) {
	c, found := conditions[key]
	if !found {
		return true, false
	}
	if _, has := n.Service.Key(c.key); !has {
		return true, false
	}
	val, _ := n.Param(c.key)
	return slices.Contains(c.values, val.String()), c.strict
}

type condition struct {
	key    string
	values []string
	strict bool
}

var conditions = map[string]condition{
	"pattern.peak":       {"pattern.shape", []string{"diurnal"}, true},
	"pattern.period":     {"pattern.shape", []string{"diurnal"}, true},
	"pattern.to":         {"pattern.shape", []string{"ramp"}, true},
	"pattern.over":       {"pattern.shape", []string{"ramp"}, true},
	"pattern.at":         {"pattern.shape", []string{"spike"}, true},
	"pattern.for":        {"pattern.shape", []string{"spike"}, true},
	"pattern.factor":     {"pattern.shape", []string{"spike"}, true},
	"pattern.series":     {"pattern.shape", []string{"series"}, true},
	"pattern.every":      {"pattern.shape", []string{"series"}, true},
	"keys.count":         {"keys.dist", []string{"uniform", "zipf", "hot", "per-shard"}, true},
	"keys.shares":        {"keys.dist", []string{"per-shard"}, true},
	"keys.hash_ranges":   {"keys.dist", []string{"per-shard"}, true},
	"hash_ranges":        {"mode", []string{"provisioned"}, false},
	"keys.skew":          {"keys.dist", []string{"zipf"}, true},
	"keys.fraction":      {"keys.dist", []string{"hot"}, true},
	"transform.duration": {"transform.lambda", []string{"true"}, false},
	"shards":             {"mode", []string{"provisioned"}, false},
	"wcu":                {"mode", []string{"provisioned"}, false},
}

// limits checks rules that involve more than one key of a node, or its neighbours.
func (v *validator) limits(n *Node) {
	for _, key := range n.SortedParamKeys() {
		if ok, strict := applies(n, key); !ok && strict {
			c := conditions[key]
			pos, path := v.at(n, key)
			val, _ := n.Param(c.key)
			v.add(pos, path, "%s does not apply when %s is %s; it applies to %s %s",
				key, c.key, val.String(), c.key, strings.Join(c.values, ", "))
		}
	}
	switch n.Service.Name {
	case ProducerService:
		v.producer(n)
		v.recorded(n)
	case KinesisDataStreams:
		v.hashRanges(n)
	case Firehose:
		v.firehose(n)
	case MSK:
		v.msk(n)
	}
}

func (v *validator) producer(n *Node) {
	if n.Str("pattern.shape") == "ramp" {
		if !n.Has("pattern.to") {
			pos, _ := v.at(n, "pattern.shape")
			v.add(pos, join(v.path(n), "pattern"), "a ramp needs to: the rate it ramps to, such as {shape: ramp, to: 20000/s, over: 1h}")
		} else if n.Rate("pattern.to").Bytes != n.Rate("rate").Bytes {
			pos, path := v.at(n, "pattern.to")
			v.add(pos, path, "%s and rate %s must both be records or both bytes per second", n.Params["pattern.to"], n.Params["rate"])
		}
	}
	mean := n.Num("record_size.mean")
	if n.Has("record_size.max") && n.Num("record_size.max") < mean {
		pos, path := v.at(n, "record_size.max")
		v.add(pos, path, "max %s is smaller than the mean record size %s", FormatSize(n.Num("record_size.max")), FormatSize(mean))
	}
	size, key := mean, "record_size.mean"
	if n.Has("record_size.max") {
		size, key = n.Num("record_size.max"), "record_size.max"
	}
	pos, path := v.at(n, key)
	if key == "record_size.mean" {
		path = join(v.path(n), "record_size")
	}
	for _, id := range n.To {
		t, ok := v.byID[id]
		if !ok {
			continue
		}
		switch t.Service.Name {
		case KinesisDataStreams:
			limit := t.Num("max_record_size")
			switch {
			case size > KDSMaxRecordLimit:
				v.add(pos, path, "a %s record does not fit Kinesis stream %s: Kinesis records are at most %s even with max_record_size raised (the default is %s)",
					FormatSize(size), t.ID, FormatSize(KDSMaxRecordLimit), FormatSize(KDSMaxRecordDefault))
			case size > limit && !t.Has("max_record_size"):
				v.add(pos, path, "a %s record does not fit Kinesis stream %s: records are at most %s by default; set max_record_size on %s (up to %s)",
					FormatSize(size), t.ID, FormatSize(KDSMaxRecordDefault), t.ID, FormatSize(KDSMaxRecordLimit))
			case size > limit:
				v.add(pos, path, "a %s record does not fit Kinesis stream %s: its max_record_size is %s (Kinesis allows up to %s)",
					FormatSize(size), t.ID, FormatSize(limit), FormatSize(KDSMaxRecordLimit))
			}
		case Firehose:
			if size > FirehoseMaxRecord {
				v.add(pos, path, "a %s record does not fit Firehose %s: Direct PUT records are at most %s",
					FormatSize(size), t.ID, FormatSize(FirehoseMaxRecord))
			}
		}
	}
}

func (v *validator) firehose(n *Node) {
	buf := n.Num("buffer.size")
	format := n.Str("format")
	if len(n.To) > 1 {
		v.add(v.ref(n, "to[1]"), join(v.path(n), "to"), "a Firehose stream delivers to exactly one destination; %s lists %d", n.ID, len(n.To))
	}
	if format == "parquet" || format == "orc" {
		if buf < FirehoseConvertMinBuf {
			pos, path := v.at(n, "buffer.size")
			if !n.Has("buffer.size") {
				pos, path = v.at(n, "format")
			}
			v.add(pos, path, "format %s needs buffer.size of at least %s (Firehose record format conversion); it is %s",
				format, FormatSize(FirehoseConvertMinBuf), FormatSize(buf))
		}
		for i, id := range n.To {
			if t, ok := v.byID[id]; ok && t.Service.Name != S3 {
				ref := fmt.Sprintf("to[%d]", i)
				v.add(v.ref(n, ref), join(v.path(n), ref), "format %s delivers to S3 only; %s is %s", format, id, t.Service.Name)
			}
		}
	}
	for _, id := range n.To {
		if t, ok := v.byID[id]; ok && t.Service.Name == OpenSearch && buf > 100*MiB {
			pos, path := v.at(n, "buffer.size")
			v.add(pos, path, "Firehose buffers at most 100MiB for OpenSearch (%s); buffer.size is %s", id, FormatSize(buf))
		}
	}
}

func (v *validator) msk(n *Node) {
	brokers, repl, parts := n.Int("brokers"), n.Int("replication"), n.Int("partitions")
	if repl > brokers {
		pos, path := v.at(n, "replication")
		v.add(pos, path, "replication %d needs at least %d brokers; %s has %d", repl, repl, n.ID, brokers)
	}
	if brokers > 1 && brokers%2 != 0 && brokers%3 != 0 {
		pos, path := v.at(n, "brokers")
		v.add(pos, path, "%d brokers: MSK spreads brokers evenly over the Availability Zones, so the count must be a multiple of 2 or 3", brokers)
	}
	if b, ok := Broker(n.Str("broker_type")); ok {
		limit := brokers * b.MaxPartitions * 3 / 2
		if parts*repl > limit {
			pos, path := v.at(n, "partitions")
			v.add(pos, path, "%d partitions × replication %d = %d partition replicas; %d %s brokers hold at most %d (%d per broker recommended, %d the most that still allows cluster updates)",
				parts, repl, parts*repl, brokers, b.Name, limit, b.MaxPartitions, b.MaxPartitions*3/2)
		}
	}
}

// efo checks enhanced fan-out: Kinesis only, at most 20 consumers per stream.
func (v *validator) efo() {
	count := map[string]int{}
	for _, n := range v.s.Nodes {
		if n.Service == nil || n.Stage != Consumer || n.Str("read") != "enhanced-fan-out" {
			continue
		}
		src, ok := v.byID[n.From]
		if !ok {
			continue
		}
		pos, path := v.at(n, "read")
		if src.Service.Name != KinesisDataStreams {
			v.add(pos, path, "enhanced fan-out is a Kinesis Data Streams feature; %s is %s", src.ID, src.Service.Name)
			continue
		}
		if count[src.ID]++; count[src.ID] == KDSMaxEFOConsumers+1 {
			v.add(pos, path, "more than %d enhanced fan-out consumers on %s (Kinesis allows %d per stream)", KDSMaxEFOConsumers, src.ID, KDSMaxEFOConsumers)
		}
	}
}
