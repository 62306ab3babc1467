package sim_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/streamsim/streamsim/pipeline"
)

// flowCase is one cell of the consumer table: a producer at a constant rate
// into a stream, read by one consumer of a kind, in a read mode, with its
// capacity in some unit, under a fault, writing to S3. The closed form below
// answers it from AWS's published limits alone, independently of the engine.
type flowCase struct {
	store    string  // kinesis-data-streams, msk or msk-serverless
	units    int     // shards or partitions
	rate     float64 // records/s written
	size     float64 // bytes per record
	kind     string  // firehose, lambda, app, flink, glue-streaming, emr-spark, emr-flink, emr-storm
	mode     string  // polling, enhanced-fan-out or kafka
	capUnit  string  // records, bytes or default (the kind's own rule)
	capPer   float64 // capacity per consumer unit, records/s or bytes/s
	cunits   int     // the consumer's units: instances, KPUs, workers, concurrent batches per shard
	fault    string  // none, outage (the consumer fails) or refusal (its destination fails)
	at, span float64 // the fault's start and length, seconds
	duration float64 // seconds
	lambda   lambdaCase
}

type lambdaCase struct {
	batch int
	dur   float64 // seconds per record
}

var (
	flowKinds  = []string{"firehose", "lambda", "app", "flink", "glue-streaming", "emr-spark", "emr-flink", "emr-storm"}
	flowStores = []string{"kinesis-data-streams", "msk", "msk-serverless"}
	flowCaps   = []string{"records", "bytes", "default"}
	flowFaults = []string{"none", "outage", "refusal"}
)

// genFlowCase picks one case of the given combination with random rates,
// sizes and unit counts, inside the write limits (the write side has its own
// tests), so that the read side and the consumer decide the numbers.
func genFlowCase(r *rand.Rand, store, kind, capUnit, fault string, efo bool) flowCase {
	c := flowCase{store: store, kind: kind, capUnit: capUnit, fault: fault, duration: 1200}
	c.mode = "kafka"
	if store == "kinesis-data-streams" {
		c.mode = "polling"
		if efo {
			c.mode = "enhanced-fan-out"
		}
	}
	c.units = 1 + r.IntN(6)
	sizes := []float64{100, 500, 1000, 4000, 20000, 100000}
	c.size = sizes[r.IntN(len(sizes))]
	perUnit := writeLimitRecs(store, c.size) // records/s a unit accepts
	c.rate = math.Round(float64(c.units) * perUnit * (0.2 + 0.6*r.Float64()))
	c.rate = max(c.rate, 1)
	c.cunits = 1 + r.IntN(4)
	if kind == "firehose" {
		c.cunits = 1 // a delivery stream is one unit: its capacity is for all of it
	}
	if kind == "lambda" {
		c.lambda = lambdaCase{batch: []int{1, 10, 100, 1000}[r.IntN(4)], dur: []float64{0.0005, 0.002, 0.01}[r.IntN(3)]}
	}
	// A capacity between half and twice the input, so that some cases keep up
	// and some fall behind.
	want := c.rate * (0.5 + 1.5*r.Float64())
	per := float64(c.cunits)
	if kind == "lambda" {
		per *= float64(c.units)
	}
	switch capUnit {
	case "records":
		c.capPer = math.Max(1, math.Round(want/per))
	case "bytes":
		c.capPer = math.Max(1024, math.Round(want*c.size/per))
	}
	if fault != "none" {
		c.at = 300
		c.span = float64(60 * (1 + r.IntN(5)))
	}
	return c
}

// writeLimitRecs is what one shard or partition accepts, records/s: KDS-SHARD-WRITE
// (1 MiB/s or 1,000 records/s, the key's bytes counted) and MSK-SERVERLESS-THROUGHPUT
// (5 MB/s per partition); provisioned MSK's brokers are sized so they do not bind.
func writeLimitRecs(store string, size float64) float64 {
	switch store {
	case "kinesis-data-streams":
		return min(pipeline.KDSShardWriteRecs, pipeline.KDSShardWriteBytes/(size+64))
	case "msk-serverless":
		return pipeline.MSKServerlessPartIn / size
	}
	return 4 * pipeline.MiB / size
}

// yaml writes the case as a scenario.
func (c flowCase) yaml() string {
	var b strings.Builder
	fmt.Fprintf(&b, "version: 1\nname: flow\nseed: 5\nduration: %.0fs\ntick: 1s\n", c.duration)
	fmt.Fprintf(&b, "producers:\n  - {id: p, rate: %.0f/s, record_size: %.0fB, keys: {dist: random}, retries: {max: 1000}, to: [s]}\n", c.rate, c.size)
	b.WriteString("storage:\n  - {id: s, service: " + c.store)
	switch c.store {
	case "kinesis-data-streams":
		fmt.Fprintf(&b, ", shards: %d}\n", c.units)
	case "msk":
		fmt.Fprintf(&b, ", partitions: %d, brokers: 6, broker_type: kafka.m5.4xlarge}\n", c.units)
	default:
		fmt.Fprintf(&b, ", partitions: %d}\n", c.units)
	}
	b.WriteString("consumers:\n  - {id: c, from: s, to: [lake]")
	if c.mode == "enhanced-fan-out" {
		b.WriteString(", read: enhanced-fan-out")
	}
	switch c.kind {
	case "firehose":
		b.WriteString(", service: firehose, buffer: {size: 1MiB, interval: 60s}")
	case "lambda":
		fmt.Fprintf(&b, ", service: lambda, parallelization: %d, batch_size: %d, duration: %gms", c.cunits, c.lambda.batch, c.lambda.dur*1000)
	case "app":
		fmt.Fprintf(&b, ", service: app, instances: %d", c.cunits)
	case "flink":
		fmt.Fprintf(&b, ", service: flink, kpus: %d, checkpoint: 0s", c.cunits)
	case "glue-streaming":
		fmt.Fprintf(&b, ", service: glue-streaming, workers: %d, window: 10s", c.cunits)
	case "emr-spark":
		fmt.Fprintf(&b, ", service: emr, engine: spark-streaming, instances: %d, batch: 10s", c.cunits)
	case "emr-flink":
		fmt.Fprintf(&b, ", service: emr, engine: flink, instances: %d", c.cunits)
	case "emr-storm":
		fmt.Fprintf(&b, ", service: emr, engine: storm, instances: %d", c.cunits)
	}
	switch c.capUnit {
	case "records":
		fmt.Fprintf(&b, ", capacity: %.0f/s", c.capPer)
	case "bytes":
		fmt.Fprintf(&b, ", capacity: %.0fB/s", c.capPer)
	}
	b.WriteString("}\ndestinations:\n  - {id: lake, service: s3, prefixes: 1000}\n")
	switch c.fault {
	case "outage":
		fmt.Fprintf(&b, "timeline:\n  - {at: %.0fs, fail: c, for: %.0fs}\n", c.at, c.span)
	case "refusal":
		fmt.Fprintf(&b, "timeline:\n  - {at: %.0fs, fail: lake, for: %.0fs}\n", c.at, c.span)
	}
	return b.String()
}

// readLimit is what the stream lets one reader take, records/s over all units:
// KDS-SHARD-READ and KDS-GETRECORDS-MAX for a lone polling reader (2 MiB/s and one
// call of at most 10,000 records a second per shard), KDS-EFO-THROUGHPUT (2 MiB/s
// per shard), MSK-SERVERLESS-THROUGHPUT (10 MB/s per partition, 400 MB/s in all).
func (c flowCase) readLimit() float64 {
	u := float64(c.units)
	switch c.mode {
	case "polling":
		return u * min(pipeline.KDSShardReadBytes/c.size, pipeline.KDSGetRecordsMaxRec)
	case "enhanced-fan-out":
		return u * pipeline.KDSEFOBytes / c.size
	}
	if c.store == "msk-serverless" {
		return min(u*pipeline.MSKServerlessPartOut, pipeline.MSKServerlessOut) / c.size
	}
	return math.Inf(1)
}

// capacity is what the consumer processes, records/s: the `capacity` key per
// unit, or the kind's documented rule of thumb (docs/scenario-format.md).
func (c flowCase) capacity() float64 {
	units := float64(c.cunits)
	if c.kind == "lambda" {
		units *= float64(c.units) // concurrent batches: parallelization × shards
	}
	switch c.capUnit {
	case "records":
		return units * c.capPer
	case "bytes":
		return units * c.capPer / c.size
	}
	mib := float64(pipeline.MiB)
	switch c.kind {
	case "firehose":
		return math.Inf(1) // Firehose scales with its source
	case "lambda":
		return units / c.lambda.dur // each batch runs `duration` per record
	case "app":
		return units * 5 * mib / c.size
	case "flink":
		return units * 2 * mib / c.size
	case "glue-streaming":
		return units * 4 * mib / c.size // G.1X: 1 DPU per worker
	case "emr-spark", "emr-flink":
		return units * 8 * mib / c.size
	case "emr-storm":
		return units * 4 * mib / c.size
	}
	panic(c.kind)
}

// flowAnswer is what AWS's rules give for a case.
type flowAnswer struct {
	read    float64 // records/s the consumer can read: min(read limit, capacity)
	lagEnd  float64 // records unread at the end
	ageMax  float64 // seconds: the oldest unread record's age at its peak
	readEnd float64 // records read by the end
}

// answer is the closed form of a fluid queue: records arrive at `rate`; the
// consumer reads at most `read` per second while it is up. An outage (or a
// refusal downstream, which stops a consumer that holds its output) reads
// nothing for its span; afterwards the backlog drains at read − rate.
func (c flowCase) answer() flowAnswer {
	read := min(c.readLimit(), c.capacity())
	down := 0.0
	switch {
	case c.fault == "outage":
		down = c.span
	case c.fault == "refusal" && c.kind != "firehose":
		// A consumer stops reading once it holds refused output: at once for
		// one that writes continuously, at its next micro-batch for one that
		// writes per batch. Firehose buffers instead and keeps reading.
		down = c.span - c.batchEvery()
	}
	return fluid(c.rate, read, c.duration, c.at, down, 0)
}

// fluid is the closed form of a queue fed at `in` records/s for d seconds and
// drained at most `read` per second, except for `down` seconds from `at`;
// `ahead` records more leave once when a backlog exists (a write queue or a
// banked capacity spent at once).
func fluid(in, read, d, at, down, ahead float64) flowAnswer {
	a := flowAnswer{read: read}
	if read >= in {
		drained := (read-in)*(d-at-down) + ahead
		a.lagEnd = max(0, in*down-drained)
		a.ageMax = down
	} else {
		a.lagEnd = max(0, in*d-read*(d-down)-ahead)
		// The oldest unread record was written when the reader's position was.
		a.ageMax = d - (read*(d-down)+ahead)/in
	}
	a.readEnd = in*d - a.lagEnd
	return a
}

// batchEvery is the micro-batch or window interval (0: continuous output).
func (c flowCase) batchEvery() float64 {
	switch c.kind {
	case "glue-streaming", "emr-spark":
		return 10
	}
	return 0
}

func (c flowCase) String() string {
	return fmt.Sprintf("%s×%d %s %.0f/s of %.0f B → %s(%d) %s cap=%s:%.0f %s %.0fs",
		c.store, c.units, c.mode, c.rate, c.size, c.kind, c.cunits, lambdaString(c), c.capUnit, c.capPer, c.fault, c.span)
}

func lambdaString(c flowCase) string {
	if c.kind != "lambda" {
		return ""
	}
	return fmt.Sprintf("batch=%d dur=%gs", c.lambda.batch, c.lambda.dur)
}
