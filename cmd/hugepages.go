package cmd

// hugeHeapBytes is how much heap preferHugePages marks for huge pages,
// given the memory the process may use (0: no limit found): 256 MB, more
// than a size search of a 1,000-shard stream takes on two cores, or a
// sixteenth of a tighter limit (the block counts as in use until it is
// freed, while the simulations start), in whole huge pages of 2 MB; none
// when that is under 8 MB.
func hugeHeapBytes(limit uint64) uint64 {
	n := uint64(256 << 20)
	if limit > 0 {
		n = min(n, limit/16)
	}
	if n < 8<<20 {
		return 0
	}
	return n &^ (2<<20 - 1)
}
