// Package sim is streamsim's deterministic engine.
//
// It moves traffic as per-tick counts and bytes, not single records: producers
// spread each tick's records over partition-key buckets, which map to shards or
// partitions through the real hash (MD5 for Kinesis, murmur2 for Kafka); limits
// apply per shard per tick; records that travel together through queues form a
// cohort, so latency percentiles are exact at tick resolution without per-record
// work.
//
// Rules: logical time only (ticks), one seeded PCG source, no goroutines, no
// map iteration where order matters. The same scenario and seed give the same
// results on every run. Imports: the standard library and pipeline only.
package sim
