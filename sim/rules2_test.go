package sim_test

import "testing"

// DDB-WRITE-UNIT: DynamoDB provisioned 1,000 WCU takes 1,000 items/s of ≤ 1 KB. A Lambda
// writing 1,500 records/s is pushed back: it reads only what the table takes,
// and the stream holds the rest (lag grows, nothing is lost while retention lasts).
func TestDynamoDBPushback(t *testing.T) {
	sc := load(t, `version: 1
name: ddb
duration: 10m
producers:
  - id: p
    rate: 1500/s
    record_size: 500B
    keys: {dist: uniform, count: 100000}
    to: [s]
storage:
  - id: s
    service: kinesis-data-streams
    shards: 2
consumers:
  - id: fn
    service: lambda
    from: s
    batch_size: 100
    parallelization: 10
    duration: 1ms
    to: [t]
destinations:
  - id: t
    service: dynamodb
    mode: provisioned
    wcu: 1000
`)
	_, m := runChecked(t, sc)
	near(t, "t.records_in", m["t.records_in"], 600*1000, 600*20)
	if m["t.throttled_records"] <= 0 {
		t.Error("DynamoDB never refused a write")
	}
	if m["pipeline.lost_records"] != 0 {
		t.Errorf("lost %.0f, want 0: refused writes are retried, not dropped", m["pipeline.lost_records"])
	}
	// 500/s more in than out for 600 s, minus what the Lambda holds in its batches.
	if lag := m["s.lag_records"]; lag < 250000 {
		t.Errorf("stream lag %.0f, want ≈ 300,000 (pushback keeps records in the stream)", lag)
	}
}

// DDB-PARTITION-WCU: one partition takes 1,000 WCU. With 4,000 WCU (4 partitions) and one key
// carrying half the writes, the hot partition caps the table at
// 1,000 ÷ (0.5 + 0.5/4) = 1,600 writes/s.
func TestDynamoDBHotPartition(t *testing.T) {
	sc := load(t, `version: 1
name: ddb-hot
duration: 5m
producers:
  - id: p
    rate: 3000/s
    record_size: 200B
    keys: {dist: hot, count: 10000, fraction: 50%}
    to: [s]
storage:
  - id: s
    service: kinesis-data-streams
    shards: 8
consumers:
  - id: c
    service: app
    from: s
    instances: 2
    to: [t]
destinations:
  - id: t
    service: dynamodb
    wcu: 4000
`)
	_, m := runChecked(t, sc)
	near(t, "t.records_in", m["t.records_in"], 300*1600, 300*10)
}

// S3-PREFIX-RATE: 3,500 PUTs/s per prefix. A Lambda writing one object per invocation of
// 1-record batches at 5,000 records/s needs 5,000 PUT/s: S3 refuses 1,500/s.
func TestS3PrefixLimit(t *testing.T) {
	sc := load(t, `version: 1
name: s3
duration: 2m
producers:
  - id: p
    rate: 5000/s
    record_size: 100B
    keys: {dist: uniform, count: 100000}
    to: [s]
storage:
  - id: s
    service: kinesis-data-streams
    shards: 8
consumers:
  - id: fn
    service: lambda
    from: s
    batch_size: 1
    parallelization: 10
    duration: 1ms
    to: [lake]
destinations:
  - id: lake
    service: s3
`)
	_, m := runChecked(t, sc)
	near(t, "lake.objects", m["lake.objects"], 120*3500, 120*50)
	if m["lake.throttled_records"] <= 0 {
		t.Error("S3 never answered 503 Slow Down")
	}
}

// KPL-AGGREGATION: KPL aggregation packs 100 B user records into 50 KiB Kinesis records, so
// 5,000 records/s fit one shard (500 KB/s, 10 aggregated records/s) instead of
// being capped at 1,000/s.
func TestAggregationLiftsRecordLimit(t *testing.T) {
	src := func(agg string) string {
		return `version: 1
name: kpl
duration: 60s
producers:
  - id: p
    rate: 5000/s
    record_size: 100B
    aggregation: ` + agg + `
    retries: {max: 0}
    to: [s]
storage:
  - id: s
    service: kinesis-data-streams
    shards: 1
`
	}
	_, plain := runChecked(t, load(t, src("false")))
	_, agg := runChecked(t, load(t, src("true")))
	near(t, "plain s.records_in", plain["s.records_in"], 60*1000, 1)
	near(t, "aggregated s.records_in", agg["s.records_in"], 60*5000, 1)
}

// LAMBDA-ESM-PARALLEL: Lambda runs ParallelizationFactor batches per shard; at 10 ms a record
// one shard with factor 1 processes 100 records/s, factor 10 processes 1,000/s.
func TestLambdaParallelization(t *testing.T) {
	src := func(par string) string {
		return `version: 1
name: fn
duration: 5m
producers:
  - id: p
    rate: 500/s
    record_size: 100B
    to: [s]
storage:
  - id: s
    service: kinesis-data-streams
    shards: 1
consumers:
  - id: fn
    service: lambda
    from: s
    parallelization: ` + par + `
    duration: 10ms
    to: [lake]
destinations:
  - id: lake
    service: s3
`
	}
	_, one := runChecked(t, load(t, src("1")))
	_, ten := runChecked(t, load(t, src("10")))
	near(t, "factor 1 fn.records_in", one["fn.records_in"], 300*100, 300)
	near(t, "factor 10 fn.records_in", ten["fn.records_in"], 300*500, 1)
	if one["s.iterator_age_max"] < 200 {
		t.Errorf("factor 1: iterator age %.0f s, want it to grow", one["s.iterator_age_max"])
	}
}

// PRICE-KDS-PUT-UNIT: PUT units with lognormal sizes: records of mean 20 KB (max 100 KB)
// straddle the 25 KB unit, so they cost more than one unit on average.
func TestLognormalBilling(t *testing.T) {
	src := func(size string) string {
		return `version: 1
name: ln
duration: 10m
producers:
  - id: p
    rate: 10/s
    record_size: ` + size + `
    to: [s]
storage:
  - id: s
    service: kinesis-data-streams
    shards: 1
`
	}
	_, fixed := runChecked(t, load(t, src("20KB")))
	_, ln := runChecked(t, load(t, src("{mean: 20KB, max: 100KB, dist: lognormal}")))
	shardHours := 730 * 0.015
	unitsFixed := (fixed["s.cost_monthly"] - shardHours) / (10 * 2628000 / 1e6 * 0.014)
	unitsLn := (ln["s.cost_monthly"] - shardHours) / (10 * 2628000 / 1e6 * 0.014)
	near(t, "fixed 20 KB units per record", unitsFixed, 1, 1e-9)
	if unitsLn < 1.15 || unitsLn > 1.6 {
		t.Errorf("lognormal units per record %.3f, want between 1.15 and 1.6", unitsLn)
	}
}
