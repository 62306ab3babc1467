package sim_test

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

// KDS-GETRECORDS-MAX counts Kinesis records: with KPL-AGGREGATION, 10,500
// user records/s of 40 B (with their keys, about 800 KB/s) are some 16
// aggregates of 50 KiB a second, so one call a second returns all of them.
// Counting user records against the 10,000 cap would leave 500/s unread.
func TestGetRecordsCapCountsAggregates(t *testing.T) {
	src := `version: 1
name: kpl-read
duration: 10m
producers:
  - {id: p, rate: 10500/s, record_size: 40B, aggregation: true, to: [s]}
storage:
  - {id: s, service: kinesis-data-streams, shards: 1}
consumers:
  - {id: c, service: app, from: s, capacity: 50000/s}
`
	_, m := runChecked(t, load(t, src))
	if thr := m["s.throttled_records"]; thr > 0 {
		t.Fatalf("the stream throttled %.0f writes; the case needs them all accepted", thr)
	}
	if lag := m["c.lag_records"]; lag > 2*10500 {
		t.Errorf("lag %.0f at the end: the reader is capped below the input", lag)
	}
	if got := m["c.records_in"]; math.Abs(got-10500*600) > 2*10500 {
		t.Errorf("c read %.0f, want about 6,300,000", got)
	}
}

// MSK-SERVERLESS-PARTITION and MSK-SERVERLESS-THROUGHPUT on the read side: a
// partition serves 10 MB/s to all consumer groups together and the cluster
// 400 MB/s. Groups that want more share it evenly.
func TestMSKServerlessEgress(t *testing.T) {
	cases := []struct {
		parts, groups int
		rate          float64 // records/s of 1 MB written
		want          float64 // records/s each group reads
		why           string
	}{
		{1, 3, 4, 10.0 / 3, "3 groups × 4 MB/s on one partition: 10 MB/s shared"},
		{2, 2, 8, 8, "2 groups × 4 MB/s per partition: within 10 MB/s"},
		{50, 3, 200, 400.0 / 3, "3 groups × 200 MB/s: the cluster's 400 MB/s shared"},
	}
	for _, c := range cases {
		t.Run(c.why, func(t *testing.T) {
			var b strings.Builder
			fmt.Fprintf(&b, "version: 1\nname: egress\nduration: 5m\nproducers:\n  - {id: p, rate: %g/s, record_size: 1MB, keys: {dist: random}, to: [s]}\n", c.rate)
			fmt.Fprintf(&b, "storage:\n  - {id: s, service: msk-serverless, partitions: %d}\nconsumers:\n", c.parts)
			for g := 0; g < c.groups; g++ {
				fmt.Fprintf(&b, "  - {id: g%d, service: app, from: s, instances: 100}\n", g)
			}
			_, m := runChecked(t, load(t, b.String()))
			if thr := m["s.throttled_records"]; thr > 0 {
				t.Fatalf("the cluster throttled %.0f writes; the case needs them all accepted", thr)
			}
			for g := 0; g < c.groups; g++ {
				got := m[fmt.Sprintf("g%d.records_in", g)] / 300
				if math.Abs(got-c.want) > 0.03*c.want+1.0/300 {
					t.Errorf("g%d reads %.2f records/s, want %.2f", g, got, c.want)
				}
			}
		})
	}
}
