package sim_test

import "encoding/binary"

// Helpers of the Kafka kinds' bare loops (msk-serverless, msk-firehose):
// Kafka's default partitioner and the fetch delay.

// kafkaFetchDelay is how long a Kafka fetch takes to hand records on: it
// returns as soon as data is there (the engine's 50 ms, U).
const kafkaFetchDelay = 0.05

// kafkaShares routes the keys to partitions as Kafka's default partitioner
// does: (murmur2(key) & 0x7fffffff) % partitions.
func (d *loopDay) kafkaShares(partitions int) {
	d.units = partitions
	d.share = make([]float64, partitions)
	d.keyNames(func(name []byte, w float64) {
		d.share[uint32(kafkaMurmur2(name)&0x7fffffff)%uint32(partitions)] += w
	})
}

// kafkaMurmur2 is org.apache.kafka.common.utils.Utils.murmur2.
func kafkaMurmur2(data []byte) int32 {
	const seed, m, r = uint32(0x9747b28c), uint32(0x5bd1e995), 24
	n := len(data)
	h := seed ^ uint32(n)
	for i := 0; i+4 <= n; i += 4 {
		k := binary.LittleEndian.Uint32(data[i:]) * m
		k ^= k >> r
		h = h*m ^ k*m
	}
	tail := n &^ 3
	switch n & 3 {
	case 3:
		h ^= uint32(data[tail+2]) << 16
		fallthrough
	case 2:
		h ^= uint32(data[tail+1]) << 8
		fallthrough
	case 1:
		h ^= uint32(data[tail])
		h *= m
	}
	h ^= h >> 13
	h *= m
	h ^= h >> 15
	return int32(h)
}
