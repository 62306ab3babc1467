package sim_test

import (
	"fmt"
	"strings"
	"testing"
)

// KDS-GETRECORDS-MAX: a polling reader's call returns at most 10,000
// records, so a reader catching up on small records is held to 10,000 a
// second per shard although its 2 MiB/s (KDS-SHARD-READ) would give it
// 20,971 records of 100 B. One shard takes 1,000 records/s of 100 B; the
// consumer is down from 10 s for 100 s, so 100,000 records wait when it
// comes back at 110 s, and each second after it reads 10,000 while 1,000
// more arrive: 55,000 wait at 115 s (with 2 MiB/s as the only bound, about
// 140). Flink restarts from its checkpoint in its first tick back and
// reads from the next: 65,000. Every consumer kind that polls, which
// between them take both of the stream's passes over the shards: the cap
// removed from readPass fails Glue, EMR, Firehose and Lambda, from
// readFilled app, Glue and Flink.
func TestGetRecordsCapsCatchUp(t *testing.T) {
	for _, c := range []struct {
		consumer string
		want     float64
	}{
		{"service: app", 55000},
		{"service: glue-streaming", 55000},
		{"service: emr", 55000},
		{"service: firehose", 55000},
		// Batches smaller than a call, and fast enough not to bind.
		{"service: lambda\n    parallelization: 10\n    batch_size: 2000\n    duration: 0.1ms", 55000},
		{"service: flink", 65000},
	} {
		name, _, _ := strings.Cut(c.consumer[len("service: "):], "\n")
		t.Run(name, func(t *testing.T) {
			_, m := runChecked(t, load(t, fmt.Sprintf(`version: 1
name: getrecords-cap
duration: 115s
producers:
  - id: p
    rate: 1000/s
    record_size: 100B
    keys: {dist: random}
    to: [s]
storage:
  - id: s
    service: kinesis-data-streams
    shards: 1
consumers:
  - id: c
    %s
    from: s
    to: [lake]
destinations:
  - id: lake
    service: s3
timeline:
  - {at: 10s, fail: c, for: 100s}
`, c.consumer)))
			near(t, "c.lag_records", m["c.lag_records"], c.want, 1)
		})
	}
}
