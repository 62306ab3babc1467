package sim_test

import (
	"fmt"
	"strings"
	"testing"
)

// KDS-SHARD-WRITE holds however many producers write to the shard: a
// provisioned shard takes 1,000 records and 1 MiB a second in all, and
// the writers share what it refuses in proportion to what they offered.
// One writer takes a pass of its own (settleOne) and several the general
// one (offer, limits, settle): both are held to the same hand-computed
// figures here, bound by records (100 B) and by bytes (100 KiB, a random
// key of 36 B counting too), with one to three writers offering twice
// what the shard takes between them, no retries.
func TestShardLimitsEveryWriterCount(t *testing.T) {
	for _, c := range []struct {
		name     string
		size     string
		perWrite float64 // records/s each writer offers, in all 2× the limit
		accepted float64 // records/s the shard takes
	}{
		{"records", "100B", 2000, 1000},
		{"bytes", "100KiB", 20, (1 << 20) / (100*1024 + 36.0)},
	} {
		for writers := 1; writers <= 3; writers++ {
			t.Run(fmt.Sprintf("%s/%d", c.name, writers), func(t *testing.T) {
				var b strings.Builder
				b.WriteString("version: 1\nname: writers\nduration: 10s\nproducers:\n")
				for i := range writers {
					fmt.Fprintf(&b, "  - {id: p%d, rate: %g/s, record_size: %s, keys: {dist: random}, retries: {max: 0}, to: [s]}\n",
						i, c.perWrite/float64(writers), c.size)
				}
				b.WriteString("storage:\n  - {id: s, service: kinesis-data-streams, shards: 1}\n")
				_, m := runChecked(t, load(t, b.String()))
				near(t, "s.records_in", m["s.records_in"], 10*c.accepted, 0.01)
				for i := range writers {
					// Each writer offered the same: each loses half.
					name := fmt.Sprintf("p%d.lost_records", i)
					near(t, name, m[name], 10*(c.perWrite-c.accepted)/float64(writers), 0.01)
				}
				near(t, "s.max_shard_utilization", m["s.max_shard_utilization"], c.perWrite/c.accepted, 0.01)
			})
		}
	}
}

// DDB-WRITE-UNIT: a write unit writes an item of up to 1 KB (1,024 B), so
// an item takes one unit for each KB it starts. A provisioned table of 200
// WCU offered 300 items a second (its burst capacity never builds: the
// writes exceed its units from the first second) writes 200 a second of
// 1,000 or 1,024 B, 100 of 1,025 B and 66.7 of 2,500 B.
func TestDynamoDBWriteUnitPerKB(t *testing.T) {
	for _, c := range []struct {
		size  int
		units float64
	}{{1000, 1}, {1024, 1}, {1025, 2}, {2500, 3}} {
		t.Run(fmt.Sprint(c.size), func(t *testing.T) {
			_, m := runChecked(t, load(t, fmt.Sprintf(`version: 1
name: ddb-units
duration: 60s
producers:
  - {id: p, rate: 300/s, record_size: %dB, keys: {dist: random}, to: [s]}
storage:
  - {id: s, service: kinesis-data-streams, shards: 1}
consumers:
  - {id: c, service: app, from: s, to: [t]}
destinations:
  - {id: t, service: dynamodb, mode: provisioned, wcu: 200}
`, c.size)))
			near(t, "t.items_written", m["t.items_written"], 60*200/c.units, 0.01)
		})
	}
}

// DDB-ONDEMAND-START, DDB-ONDEMAND-SCALING and DDB-TABLE-QUOTA: a new
// on-demand table serves 4,000 write units a second, and a table held at
// its limit gets the peak it was held at 30 minutes later (so twice it),
// up to the table's 40,000. Offered 45,000 items of 1,000 B a second for
// 7,800 s it writes 4,000, 8,000, 16,000 and 32,000 a second for 1,800 s
// each and then 40,000: 132 M items, less a tick or two at the start (the
// table sees writes from its second tick) and at each doubling.
func TestDynamoDBOnDemandGrowth(t *testing.T) {
	_, m := runChecked(t, load(t, `version: 1
name: ddb-on-demand
duration: 7800s
producers:
  - {id: p, rate: 45000/s, record_size: 1000B, keys: {dist: random}, to: [s]}
storage:
  - {id: s, service: kinesis-data-streams, shards: 60}
consumers:
  - {id: c, service: app, from: s, capacity: 200MB/s, to: [t]}
destinations:
  - {id: t, service: dynamodb, mode: on-demand}
`))
	want := 1800*(4000+8000+16000+32000) + 600*40000.0
	near(t, "t.items_written", m["t.items_written"], want, 150000)
}

// FH-RETRY: Firehose retries a failing destination for a while and then
// writes what waited longer to the S3 backup, lost to that destination:
// 300 s for OpenSearch and 3,600 s for Redshift by default. 100 records
// a second go through a Firehose whose destination fails for 1,000 s more
// than its window, so about 100,000 records (1,000 s of them) go to the
// backup: within 1%, the seconds a record spends in Firehose's buffer
// before it waits on the destination.
func TestFirehoseRetryWindow(t *testing.T) {
	for _, c := range []struct {
		dest   string
		window int
	}{{"opensearch", 300}, {"redshift", 3600}} {
		t.Run(c.dest, func(t *testing.T) {
			fail := c.window + 1000
			_, m := runChecked(t, load(t, fmt.Sprintf(`version: 1
name: fh-retry
duration: %ds
producers:
  - {id: p, rate: 100/s, record_size: 1000B, keys: {dist: random}, to: [s]}
storage:
  - {id: s, service: kinesis-data-streams, shards: 1}
consumers:
  - {id: c, service: firehose, from: s, buffer: {size: 1MiB, interval: 60s}, to: [t]}
destinations:
  - {id: t, service: %s}
timeline:
  - {at: 100s, fail: t, for: %ds}
`, fail+2100, c.dest, fail)))
			near(t, "c.backup_records", m["c.backup_records"], 100*1000, 1000)
		})
	}
}

// KDS-ONDEMAND-START and the per-key limit of an on-demand stream: a new
// on-demand stream takes 4 MiB/s (so 8 MiB/s of 1,000 B records with
// random keys of 36 B is half refused for the five minutes before it may
// grow: 300 × 4 MiB ÷ 1,036 B accepted), and one partition key stays at
// 1,000 records a second however large the stream (2,000/s of 100 B on
// one key: 1,000 a second accepted).
func TestOnDemandStreamStartAndKeyCap(t *testing.T) {
	for _, c := range []struct {
		name, producer string
		secs           float64
		want           float64
	}{
		{"start", "rate: 8MiB/s, record_size: 1000B, keys: {dist: random}", 300, 300 * 4 * (1 << 20) / 1036.0},
		{"key", "rate: 2000/s, record_size: 100B, keys: {dist: zipf, count: 1}", 60, 60 * 1000},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, m := runChecked(t, load(t, fmt.Sprintf(`version: 1
name: on-demand
duration: %gs
producers:
  - {id: p, %s, retries: {max: 0}, to: [s]}
storage:
  - {id: s, service: kinesis-data-streams, mode: on-demand}
`, c.secs, c.producer)))
			near(t, "s.records_in", m["s.records_in"], c.want, 0.01)
		})
	}
}
