package sim_test

import (
	"strings"
	"testing"
)

// Billing units and DynamoDB item sizes follow the traffic that reaches a
// node, not every producer of the scenario. Pipeline A: 500 records/s of
// 100 B → stream sa (1 shard) → Lambda → table ta. Pipeline B, unrelated:
// 2 records/s of 400 KB with one key carrying half of them → sb → app → S3.
const pathA = `
  - id: pa
    rate: 500/s
    record_size: 100B
    keys: {dist: uniform, count: 100000}
    to: [sa]`

const pathB = `
  - id: pb
    rate: 2/s
    record_size: 400KB
    keys: {dist: hot, count: 1000, fraction: 50%}
    to: [sb]`

// twoPaths is pipeline A with table, and pipeline B too when withB is set.
func twoPaths(withB bool, table string) string {
	prods, stores, cons, dests := pathA, `
  - {id: sa, service: kinesis-data-streams, shards: 1}`, `
  - {id: fn, service: lambda, from: sa, batch_size: 100, parallelization: 10, duration: 1ms, to: [ta]}`, `
  - {id: ta, service: dynamodb, `+table+`}`
	if withB {
		prods += pathB
		stores += `
  - {id: sb, service: kinesis-data-streams, shards: 1}`
		cons += `
  - {id: app, service: app, from: sb, to: [lake]}`
		dests += `
  - {id: lake, service: s3}`
	}
	return "version: 1\nname: two-paths\nduration: 10m\nproducers:" + prods +
		"\nstorage:" + stores + "\nconsumers:" + cons + "\ndestinations:" + dests + "\n"
}

// Stream sa's PUT payload units and table ta's write units are pipeline A's
// alone. By hand (730 h, 2,628,000 s a month; pipeline A alone):
//   - sa: 1 shard × 730 h × $0.015 = $10.95, plus 500/s × 2,628,000 s ×
//     1 unit (100 B ≤ 25 KB) = 1,314 M units × $0.014 = $18.396: $29.346.
//     Averaged over both producers (the old engine) 400 KB is 16 units, so
//     (500 + 2 × 16) ÷ 502 = 1.0598 units a record: $30.4454.
//   - ta on demand: one WRU per 100 B item, 500/s × 2,628,000 s = 1,314 M
//     WRU × $0.625 per M = $821.25. The old average of 1 KB items was
//     (500 + 2 × 391) ÷ 502 = 2.5538 WRU an item: $2,097.30.
func TestUnrelatedPathKeepsUnits(t *testing.T) {
	_, alone := runChecked(t, load(t, twoPaths(false, "mode: on-demand")))
	_, both := runChecked(t, load(t, twoPaths(true, "mode: on-demand")))
	for _, k := range []string{"sa.cost_monthly", "ta.cost_monthly", "ta.items_written", "ta.throttled_records"} {
		near(t, k+" (with B − alone)", both[k]-alone[k], 0, 1e-9)
	}
	near(t, "sa.records_in", both["sa.records_in"], 600*500, 1e-6)
	near(t, "sa.cost_monthly", both["sa.cost_monthly"], 10.95+18.396, 1e-6)
	// Items written lag the Lambda by a tick or so: price what was written.
	items := both["ta.items_written"]
	near(t, "ta.items_written", items, 600*500, 600*5)
	near(t, "ta.cost_monthly", both["ta.cost_monthly"], items/600*2.628e6/1e6*0.625, 1e-6)
	near(t, "ta.cost_monthly at 500/s", both["ta.cost_monthly"], 821.25, 821.25*0.01)
}

// Table ta, provisioned with 1,000 WCU, takes pipeline A's 500 items/s of
// 100 B (one WCU each) whatever pipeline B does. The old engine priced its
// items at 2.5538 WCU (the average above) and so took only
// 1,000 ÷ 2.5538 = 391.6 items/s: 234,945 in 10 minutes.
func TestUnrelatedPathKeepsTableCapacity(t *testing.T) {
	_, alone := runChecked(t, load(t, twoPaths(false, "wcu: 1000")))
	_, both := runChecked(t, load(t, twoPaths(true, "wcu: 1000")))
	near(t, "ta.throttled_records", both["ta.throttled_records"], 0, 1e-9)
	near(t, "ta.items_written (with B − alone)", both["ta.items_written"]-alone["ta.items_written"], 0, 1e-9)
	near(t, "ta.items_written", both["ta.items_written"], 600*500, 600*5)
}

// B's hot key (half of B's records) does not decide table ta's busiest
// partition. With A at 2,000 records/s of uniform keys, B's records also
// 100 B, and 4,000 WCU (4 partitions), the busiest partition takes about a
// quarter of A's writes: no refusals. The old engine took B's 50% and capped
// the table at 1,000 ÷ (0.5 + 0.5/4) = 1,600 writes/s.
func TestUnrelatedHotKeyKeepsTablePartitions(t *testing.T) {
	src := func(withB bool) string {
		return strings.NewReplacer("rate: 500/s", "rate: 2000/s", "record_size: 400KB", "record_size: 100B",
			"id: sa, service: kinesis-data-streams, shards: 1", "id: sa, service: kinesis-data-streams, shards: 4",
		).Replace(twoPaths(withB, "wcu: 4000"))
	}
	_, alone := runChecked(t, load(t, src(false)))
	_, both := runChecked(t, load(t, src(true)))
	near(t, "ta.throttled_records", both["ta.throttled_records"], 0, 1e-9)
	near(t, "ta.items_written (with B − alone)", both["ta.items_written"]-alone["ta.items_written"], 0, 1e-9)
	near(t, "ta.items_written", both["ta.items_written"], 600*2000, 600*20)
}

// A Direct PUT Firehose bills pipeline A's 100 B records as one 5 KB unit
// each even when B's 400 KB records (80 units) run through another stream:
// 500/s × 2,628,000 s × 5,000 B = 6,570 GB × $0.029 = $190.53 (the old
// average, (500 + 2 × 80) ÷ 502 = 1.3147 units, gave $250.50).
func TestUnrelatedPathKeepsFirehoseUnits(t *testing.T) {
	src := func(withB bool) string {
		s := "version: 1\nname: fh-paths\nduration: 10m\nproducers:" +
			strings.Replace(pathA, "to: [sa]", "to: [fh]", 1)
		stores, cons, dests := "", "\n  - {id: fh, service: firehose, to: [lake]}", "\n  - {id: lake, service: s3}"
		if withB {
			s += pathB
			stores = "\nstorage:\n  - {id: sb, service: kinesis-data-streams, shards: 1}"
			cons += "\n  - {id: app, service: app, from: sb, to: [lake]}"
		}
		return s + stores + "\nconsumers:" + cons + "\ndestinations:" + dests + "\n"
	}
	_, alone := runChecked(t, load(t, src(false)))
	_, both := runChecked(t, load(t, src(true)))
	near(t, "fh.cost_monthly", both["fh.cost_monthly"], 190.53, 1e-6)
	near(t, "fh.cost_monthly (with B − alone)", both["fh.cost_monthly"]-alone["fh.cost_monthly"], 0, 1e-9)
}

// Units follow producers through consumers into further streams, weighted by
// rate, and KPL aggregates stay aggregates only in the stream they were put
// into (a consumer writes records one by one).
//   - x takes 900/s of 1 KiB (1 PUT unit) and 100/s of 30 KB (2 units):
//     (900 + 200) ÷ 1,000 = 1.1 units a record; a Lambda copies x into y,
//     which bills the same 1.1.
//   - z takes 5,000/s of 100 B aggregated into 51,200 B records of 3 units:
//     100 ÷ 51,200 × 3 = 0.005859375 units a user record; a Lambda copies z
//     into w record by record: 1 unit each (the old engine billed w as z).
func TestPathsThroughConsumers(t *testing.T) {
	_, m := runChecked(t, load(t, `version: 1
name: through
duration: 10m
producers:
  - {id: small, rate: 900/s, record_size: 1KiB, keys: {dist: uniform, count: 100000}, to: [x]}
  - {id: big, rate: 100/s, record_size: 30KB, keys: {dist: uniform, count: 100000}, to: [x]}
  - {id: kpl, rate: 5000/s, record_size: 100B, aggregation: true, keys: {dist: uniform, count: 100000}, to: [z]}
storage:
  - {id: x, service: kinesis-data-streams, shards: 6}
  - {id: y, service: kinesis-data-streams, shards: 6}
  - {id: z, service: kinesis-data-streams, shards: 1}
  - {id: w, service: kinesis-data-streams, shards: 8}
consumers:
  - {id: copy, service: lambda, from: x, parallelization: 10, duration: 1ms, to: [y]}
  - {id: unpack, service: lambda, from: z, parallelization: 10, duration: 1ms, to: [w]}
  - {id: app1, service: app, from: y, to: [lake]}
  - {id: app2, service: app, from: w, to: [lake]}
destinations:
  - {id: lake, service: s3}
`))
	month := 2.628e6 / 600 // run totals to a month
	put := func(id string, shards, units float64) float64 {
		return shards*730*0.015 + m[id+".records_in"]*month*units/1e6*0.014
	}
	near(t, "x.records_in", m["x.records_in"], 600*1000, 1e-6)
	near(t, "x.cost_monthly", m["x.cost_monthly"], 65.7+40.4712, 1e-6)
	near(t, "y.cost_monthly", m["y.cost_monthly"], put("y", 6, 1.1), 1e-6)
	near(t, "z.cost_monthly", m["z.cost_monthly"], 10.95+1.077890625, 1e-6)
	near(t, "w.cost_monthly", m["w.cost_monthly"], put("w", 8, 1), 1e-6)
	near(t, "w.records_in", m["w.records_in"], 600*5000, 600*50)
}
