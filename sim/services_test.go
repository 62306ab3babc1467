package sim_test

import (
	"fmt"
	"strings"
	"testing"
)

// MSK-EBS-THROUGHPUT: 3 × kafka.m5.large, replication 3, one consumer group. Per broker:
// storage 250 MiB/s, EBS network 650 Mbps = 81.25 MB/s, EC2 network 750 Mbps =
// 93.75 MB/s. Cluster = min(250 MiB/s·3/3, 81.25·3/3, 93.75·3/(1+3−1)) =
// 81.25 MB/s. Offering 120 MB/s evenly keeps 81.25 MB/s.
func TestMSKClusterThroughput(t *testing.T) {
	sc := load(t, `version: 1
name: msk
duration: 60s
producers:
  - id: p
    rate: 120MB/s
    record_size: 10KB
    keys: {dist: uniform, count: 100000}
    retries: {max: 0}
    to: [k]
storage:
  - id: k
    service: msk
    brokers: 3
    broker_type: kafka.m5.large
    partitions: 30
    replication: 3
consumers:
  - id: c
    service: app
    from: k
    instances: 30
    to: [d]
destinations:
  - id: d
    service: s3
`)
	_, m := runChecked(t, sc)
	near(t, "k.bytes_in per second", m["k.bytes_in"]/60, 81.25e6, 1.5e6)
	// Brokers: 3 × $0.21 × 730 h + 3 × 1,000 GiB × $0.10 per GB-month = $759.90
	near(t, "k.cost_monthly", m["k.cost_monthly"], 3*0.21*730+3*1000*0.10, 0.01)
}

// Losing a broker: with replication 3 leadership moves and the cluster runs on
// 2 brokers' worth (54.2 MB/s); with replication 1 a third of the partitions
// stop taking writes.
func TestMSKBrokerLoss(t *testing.T) {
	src := func(rf string) string {
		return `version: 1
name: msk-loss
duration: 2m
producers:
  - id: p
    rate: 30MB/s
    record_size: 10KB
    keys: {dist: uniform, count: 100000}
    retries: {max: 0}
    to: [k]
storage:
  - id: k
    service: msk
    brokers: 3
    partitions: 30
    replication: ` + rf + `
timeline:
  - at: 1m
    set: {k.brokers_down: 1}
`
	}
	_, rf3 := runChecked(t, load(t, src("3")))
	_, rf1 := runChecked(t, load(t, src("1")))
	if rf3["p.lost_records"] > 0 {
		t.Errorf("RF 3: lost %.0f records; 30 MB/s fits in 2 brokers' 54 MB/s", rf3["p.lost_records"])
	}
	// RF 1: the 10 partitions led by the lost broker refuse a third of 3,000 records/s for 60 s.
	near(t, "RF 1 lost", rf1["p.lost_records"], 60*1000, 600) // murmur2 spreads keys within ~1%
}

// FLINK-KPU-CAPACITY: 2 KPUs process about 4 MiB/s (rule of thumb 2 MiB/s per KPU); 6 MiB/s
// leaves the job falling behind. Price: (2 + 1) × 730 h × $0.11 + 2 × $5 storage.
func TestFlinkCapacityAndPrice(t *testing.T) {
	sc := load(t, `version: 1
name: flink
duration: 10m
producers:
  - id: p
    rate: 6MiB/s
    record_size: 1KiB
    keys: {dist: uniform, count: 100000}
    to: [s]
storage:
  - id: s
    service: kinesis-data-streams
    shards: 8
consumers:
  - id: f
    service: flink
    from: s
    kpus: 2
    read: enhanced-fan-out
    to: [o]
destinations:
  - id: o
    service: opensearch
    instances: 3
`)
	_, m := runChecked(t, sc)
	// Minus the checkpoint pauses (1 s per 60 s): about 4 MiB/s × (1 − 1/60).
	near(t, "f.bytes_in per second", m["f.bytes_in"]/600, 4*(1<<20)*(1-1.0/60), 0.05*(1<<20))
	if m["f.utilization_max"] < 0.95 || m["f.lag_records"] < 500000 {
		t.Errorf("utilisation %.2f, lag %.0f: want saturated (≈ 100%%) and falling behind", m["f.utilization_max"], m["f.lag_records"])
	}
	near(t, "f.cost_monthly", m["f.cost_monthly"], 3*730*0.11+2*5, 0.01)
}

// FLINK-AUTOSCALING: at ≥ 75% CPU for 15 minutes the KPUs double.
func TestFlinkAutoscaling(t *testing.T) {
	sc := load(t, `version: 1
name: flink-scale
duration: 1h
producers:
  - id: p
    rate: 3MiB/s
    record_size: 1KiB
    keys: {dist: uniform, count: 100000}
    to: [s]
storage:
  - id: s
    service: kinesis-data-streams
    shards: 8
consumers:
  - id: f
    service: flink
    from: s
    kpus: 1
    autoscaling: true
    read: enhanced-fan-out
    to: [lake]
destinations:
  - id: lake
    service: s3
`)
	e, m := runChecked(t, sc)
	var scaled []string
	var at []float64
	for _, ev := range e.Events() {
		if strings.Contains(ev.Text, "autoscaling") {
			scaled = append(scaled, ev.At.String()+" "+ev.Text)
			at = append(at, ev.At.Minutes())
		}
	}
	// 1 KPU (2 MiB/s) at 3 MiB/s: CPU (a one-minute average) passes 75% within
	// two minutes → 2 KPUs 15 minutes later; draining the backlog keeps it above
	// 75% → 4 KPUs after 15 more minutes; then about 37%: no more scaling.
	if len(at) != 2 || at[0] < 15 || at[0] > 17 || at[1] < 30 || at[1] > 33 {
		t.Errorf("autoscaling events %q, want 1→2 at 15–17 min and 2→4 at 30–33 min", scaled)
	}
	if m["f.lag_records"] > 10000 {
		t.Errorf("lag %.0f after scaling, want drained", m["f.lag_records"])
	}
}

// FLINK-WINDOW-RESULTS: a one-minute tumbling window holds records to the minute's end:
// p50 ≈ 30 s, p99 ≈ 60 s; results count every record they fold.
func TestFlinkWindowLatency(t *testing.T) {
	sc := load(t, `version: 1
name: window
duration: 30m
producers:
  - id: p
    rate: 100/s
    to: [s]
storage:
  - id: s
    service: kinesis-data-streams
    shards: 1
consumers:
  - id: f
    service: flink
    from: s
    window: 1m
    read: enhanced-fan-out
    to: [o]
destinations:
  - id: o
    service: opensearch
`)
	_, m := runChecked(t, sc)
	near(t, "p50", m["pipeline.latency_p50"], 30, 2)
	near(t, "p99", m["pipeline.latency_p99"], 60, 2)
	near(t, "o.records_in", m["o.records_in"], 30*60*100, 100*61)
}

// GLUE-DPU-CAPACITY: Glue streaming, 2 × G.1X = 2 DPU: 8 MiB/s, micro-batches every 100 s,
// $0.44 per DPU-hour → 2 × 730 × 0.44 = $642.40 a month.
func TestGlueMicroBatches(t *testing.T) {
	sc := load(t, `version: 1
name: glue
duration: 30m
producers:
  - id: p
    rate: 1000/s
    record_size: 1KiB
    keys: {dist: uniform, count: 100000}
    to: [s]
storage:
  - id: s
    service: kinesis-data-streams
    shards: 2
consumers:
  - id: g
    service: glue-streaming
    from: s
    workers: 2
    worker_type: G.1X
    window: 100s
    to: [lake]
destinations:
  - id: lake
    service: s3
`)
	_, m := runChecked(t, sc)
	near(t, "g.cost_monthly", m["g.cost_monthly"], 642.4, 0.01)
	// Records wait up to a window: p50 ≈ 50 s, p99 ≈ 100 s (+ the batch's run, ~12 s at 8 MiB/s).
	if p := m["pipeline.latency_p99"]; p < 95 || p > 120 {
		t.Errorf("p99 %.1f s, want about 100–115 s", p)
	}
	near(t, "lake.objects", m["lake.objects"], 18*2, 2) // one file per DPU per batch
}

// EMR-SPARK-TRIGGER: EMR Spark Structured Streaming with a 10 s trigger delivers in batches;
// Storm is per record; both bill instance-hours.
func TestEMREngines(t *testing.T) {
	src := func(engine string) string {
		return `version: 1
name: emr
duration: 10m
producers:
  - id: p
    rate: 500/s
    to: [s]
storage:
  - id: s
    service: kinesis-data-streams
    shards: 1
consumers:
  - id: x
    service: emr
    engine: ` + engine + `
    from: s
    read: enhanced-fan-out
    instances: 3
    batch: 10s
    to: [lake]
destinations:
  - id: lake
    service: s3
`
	}
	_, spark := runChecked(t, load(t, src("spark-streaming")))
	_, storm := runChecked(t, load(t, src("storm")))
	if p := spark["pipeline.latency_p50"]; p < 4 || p > 7 {
		t.Errorf("spark p50 %.2f s, want ≈ 5 s (half a 10 s batch)", p)
	}
	if p := storm["pipeline.latency_p99"]; p > 1 {
		t.Errorf("storm p99 %.2f s, want sub-second", p)
	}
	near(t, "x.cost_monthly", spark["x.cost_monthly"], 3*730*(0.192+0.048), 0.01)
}

// LAMBDA-ESM-ERRORS: poison record: without bisect and with 2 retries the batch (100 records)
// is discarded after 3 failing invocations; with bisect only the poison record
// (after 3 + 7 invocations); with the default -1 the shard is blocked until the
// record expires, and lag builds up behind it.
func TestLambdaPoisonRecord(t *testing.T) {
	src := func(extra string) string {
		return `version: 1
name: poison
duration: 10m
producers:
  - id: p
    rate: 50/s
    to: [s]
storage:
  - id: s
    service: kinesis-data-streams
    shards: 1
consumers:
  - id: fn
    service: lambda
    from: s
    batch_size: 100
` + extra + `    to: [t]
destinations:
  - id: t
    service: dynamodb
timeline:
  - at: 2m
    set: {fn.poison_records: 1}
`
	}
	_, whole := runChecked(t, load(t, src("    retries: 2\n")))
	_, bis := runChecked(t, load(t, src("    retries: 2\n    bisect: true\n")))
	_, block := runChecked(t, load(t, src("")))
	near(t, "discarded batch", whole["fn.lost_records"], 100, 1e-6)
	near(t, "failed invocations", whole["fn.failed_batches"], 3, 0)
	near(t, "bisect discards one", bis["fn.lost_records"], 1, 1e-6)
	near(t, "bisect invocations", bis["fn.failed_batches"], 10, 0)
	// Blocked from 2 min to the end: 8 min × 50/s behind.
	near(t, "blocked lag", block["s.lag_records"], 8*60*50, 60)
	if block["s.iterator_age_max"] < 470 {
		t.Errorf("iterator age %.0f s, want ≈ 480 s", block["s.iterator_age_max"])
	}
}

// FH-RETRY: OpenSearch down for 10 minutes: Firehose retries for 300 s, then sends
// what it could not deliver to the S3 backup (lost for OpenSearch).
func TestFirehoseOpenSearchOutage(t *testing.T) {
	sc := load(t, `version: 1
name: os-outage
duration: 30m
producers:
  - id: p
    rate: 100/s
    to: [fh]
consumers:
  - id: fh
    service: firehose
    buffer: {size: 100MiB, interval: 60s}
    to: [search]
destinations:
  - id: search
    service: opensearch
timeline:
  - at: 5m
    fail: search
    for: 10m
`)
	_, m := runChecked(t, sc)
	// Flushes at 6..15 min fail; those older than 300 s when retried are given up:
	// the flushes of minutes 6–10 (5 × 6,000 records); later ones are delivered at 15 min.
	near(t, "fh.backup_records", m["fh.backup_records"], 5*6000, 6000)
	near(t, "conservation", m["fh.records_in"], m["fh.records_out"]+m["fh.lost_records"]+m["fh.held_records"], 1e-6)
	if m["search.throttled_records"] == 0 {
		t.Error("no refused deliveries during the outage")
	}
}

// KVS-INGEST: a Kinesis video stream takes 12.5 MB/s; 20 MB/s of 1 MB fragments from one
// camera keeps 12.5.
func TestKVSStreamBandwidth(t *testing.T) {
	sc := load(t, `version: 1
name: kvs
duration: 60s
producers:
  - id: cam
    kind: iot
    rate: 4/s
    record_size: 5MB
    keys: {dist: uniform, count: 1}
    retries: {max: 0}
    to: [v]
storage:
  - id: v
    service: kinesis-video-streams
    streams: 1
consumers:
  - id: ml
    service: app
    from: v
    to: [lake]
destinations:
  - id: lake
    service: s3
`)
	_, m := runChecked(t, sc)
	near(t, "v.bytes_in per second", m["v.bytes_in"]/60, 12.5e6, 1)
}

// RS-STREAMING-INGESTION: streaming ingestion: Redshift reads the stream itself, no Firehose or
// S3 staging. With a 10 s refresh, records wait for the next refresh (5 s on
// average, up to 10 s) and the load; 2 nodes load 20 MiB/s.
func TestRedshiftStreamingIngestion(t *testing.T) {
	sc := load(t, `version: 1
name: rs-stream
duration: 10m
producers:
  - id: p
    rate: 2000/s
    record_size: 1KiB
    keys: {dist: uniform, count: 100000}
    to: [s]
storage:
  - id: s
    service: kinesis-data-streams
    shards: 4
destinations:
  - id: wh
    service: redshift
    from: s
    nodes: 2
    refresh: 10s
`)
	_, m := runChecked(t, sc)
	near(t, "wh.records_in", m["wh.records_in"], 600*2000, 2000*11)
	if p := m["pipeline.latency_p50"]; p < 4 || p > 7 {
		t.Errorf("p50 %.1f s, want about 5 s (half a refresh)", p)
	}
	if p := m["pipeline.latency_p99"]; p < 9 || p > 11.5 {
		t.Errorf("p99 %.1f s, want about 10 s (a refresh)", p)
	}
	if m["wh.throttled_records"] != 0 {
		t.Error("streaming ingestion refused records")
	}
}

// KVS-GETMEDIA: a GetMedia reader gets at most 25 MB/s from a stream. A
// camera sends 3 fragments of 4 MB a second (12 MB/s); the reader, able to
// process 100 MiB/s, is down for 10 minutes from minute 1. It catches up
// at 25 MB/s (6.25 fragments/s), 13 MB/s more than arrives: the 7.2 GB
// behind take 554 s, so a minute after the outage 1,605 fragments are still
// unread, and none at the end.
func TestKVSGetMediaCatchUp(t *testing.T) {
	src := `version: 1
name: kvs-catch-up
duration: 30m
producers:
  - {id: cam, kind: iot, rate: 3/s, record_size: 4MB, keys: {dist: uniform, count: 1}, retries: {max: 0}, to: [v]}
storage:
  - {id: v, service: kinesis-video-streams, streams: 1, retention: 24h}
consumers:
  - {id: ml, service: app, from: v, instances: 20, to: [lake]}
destinations:
  - {id: lake, service: s3}
timeline:
  - {at: 1m, fail: ml, for: 10m}
`
	e := newEngine(t, src)
	for e.Now().Seconds() < 720 {
		e.Step()
	}
	near(t, "fragments unread a minute after the outage", e.Result().Metrics["ml.lag_records"], 1800-60*3.25, 10)
	_, m := runChecked(t, load(t, src))
	near(t, "fragments unread at the end", m["ml.lag_records"], 0, 1)
}

// FLINK-FILESINK-COMMIT: what Managed Flink writes to S3 is readable when
// the next checkpoint finalizes the part files, so with a 60 s checkpoint
// waits spread over 60 s (p50 ≈ 30 s, p99 ≈ 59.4 s). What it writes to
// DynamoDB is readable at once.
func TestFlinkFileSinkCommitsOnCheckpoint(t *testing.T) {
	src := `version: 1
name: filesink
duration: 30m
producers:
  - {id: p, rate: 50/s, record_size: 200B, to: [s]}
storage:
  - {id: s, service: kinesis-data-streams, shards: 1}
consumers:
  - {id: f, service: flink, from: s, kpus: 1, checkpoint: 60s, to: [out]}
destinations:
  - {id: out, service: %s}
`
	_, m := runChecked(t, load(t, fmt.Sprintf(src, "s3")))
	if p50, p99 := m["pipeline.latency_p50"], m["pipeline.latency_p99"]; p50 < 29 || p50 > 32 || p99 < 58 || p99 > 61 {
		t.Errorf("to S3: p50 %.1f s, p99 %.1f s; want about 30 s and 59.4 s", p50, p99)
	}
	_, m = runChecked(t, load(t, fmt.Sprintf(src, "dynamodb")))
	if p99 := m["pipeline.latency_p99"]; p99 > 2.5 {
		t.Errorf("to DynamoDB: p99 %.1f s, want about 1 s (no commit to wait for)", p99)
	}
}
