//go:build !loopbytes

package sim_test

// The bare loops keep no bytes with their queued records: their
// scenarios' records are all one size, so a record count tells the bytes.
// The engine keeps each queued entry's bytes (records of several sizes can
// share a queue, and the limits of a shard, a buffer or a batch are in bytes
// too). Built with -tags loopbytes (kinds_loop_bytes_on_test.go), every
// loop's queues keep them as the engine's do, so that BenchmarkKinds can
// tell what that costs; here every byte figure is of size zero and every
// operation on one does nothing, and the loops compile as if they were not
// there.

const keepsBytes = false

// byteCol is a queued entry's bytes.
type byteCol struct{}

func (*byteCol) add(byteCol)                   {}
func (*byteCol) split(part, n float64) byteCol { return byteCol{} }

// queueBytes is a queue's bytes: the size of a record pushed and the
// bytes held.
type queueBytes struct{}

func (*queueBytes) setPer(float64)       {}
func (*queueBytes) of(n float64) byteCol { return byteCol{} }
func (*queueBytes) add(byteCol)          {}
func (*queueBytes) sub(byteCol)          {}
func (*queueBytes) clear()               {}

// ringBytes is a ring's bytes per entry, beside its other columns.
type ringBytes struct{}

func (*ringBytes) at(int) *byteCol              { return &noBytes }
func (*ringBytes) grow(k, head, size, mask int) {}

var noBytes byteCol
