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

// KDS-SHARD-READ, KDS-EFO-THROUGHPUT and KDS-SHARD-READ's five calls, by
// the number of readers, each pinned by hand on a catch-up: one shard, the
// readers (app consumers) down from 10 s for 100 s, their lag at 115 s.
// Polling readers share the shard's 2 MiB/s and an enhanced fan-out reader
// has 2 MiB/s of its own: on 900 records/s of 1,000 B, 90,000 records wait
// at 110 s and each second after a reader takes its bytes' worth while 900
// more arrive (three polling readers, 699 a second each, fall behind from
// the start). Past five polling readers the shard's five calls a second
// are shared too, each reader getting 5/k of a call of 10,000 records: on
// 1,000 records/s of 10 B (so the calls bind, not the bytes) 100,000 wait,
// and five readers take 10,000 a second each, six 8,333.
func TestReadBudgetsEveryReaderCount(t *testing.T) {
	const mib = float64(1 << 20)
	type readCase struct {
		mode    string
		readers int
		rate    float64 // records/s written
		size    float64 // bytes a record
		read    float64 // records/s each reader takes catching up
	}
	var cases []readCase
	for k := 1; k <= 3; k++ {
		cases = append(cases,
			readCase{"polling", k, 900, 1000, 2 * mib / float64(k) / 1000},
			readCase{"enhanced-fan-out", k, 900, 1000, 2 * mib / 1000})
	}
	cases = append(cases,
		readCase{"polling", 5, 1000, 10, 10000},
		readCase{"polling", 6, 1000, 10, 10000 * 5.0 / 6})
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s/%d", c.mode, c.readers), func(t *testing.T) {
			var b strings.Builder
			fmt.Fprintf(&b, "version: 1\nname: readers\nduration: 115s\nproducers:\n"+
				"  - {id: p, rate: %g/s, record_size: %gB, keys: {dist: random}, to: [s]}\n"+
				"storage:\n  - {id: s, service: kinesis-data-streams, shards: 1}\nconsumers:\n", c.rate, c.size)
			for i := range c.readers {
				fmt.Fprintf(&b, "  - {id: c%d, service: app, from: s, read: %s, to: [d]}\n", i, c.mode)
			}
			b.WriteString("destinations:\n  - {id: d, service: s3}\ntimeline:\n")
			for i := range c.readers {
				fmt.Fprintf(&b, "  - {at: 10s, fail: c%d, for: 100s}\n", i)
			}
			_, m := runChecked(t, load(t, b.String()))
			// Written for 115 s, read for the 10 s before the outage (all
			// of it, or what the reader could: three polling readers fall
			// behind from the start) and the 5 s after.
			want := 115*c.rate - 10*min(c.read, c.rate) - 5*c.read
			for i := range c.readers {
				name := fmt.Sprintf("c%d.lag_records", i)
				near(t, name, m[name], want, 0.01)
			}
		})
	}
}
