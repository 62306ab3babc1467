//go:build linux

package cmd

import (
	"runtime/debug"
	"sync"
	"syscall"
)

// preferHugePages asks Linux to back the heap that the simulations of a
// batch command will use with transparent huge pages, where the system
// leaves them to the program (/sys/kernel/mm/transparent_hugepage/enabled
// set to madvise, a common default; with "always" they are used anyway,
// with "never" not at all). Go maps its heap without asking, and a size
// search of 1,218 shards took 18,000 page faults of 4 KB, a fifth of its
// time, more on two cores, which fault in one address space: with huge
// pages, 3,000.
//
// The heap is grown by a block that is never touched (so it costs no
// memory), the block's mapping is marked, and the block is freed: the
// simulations' buffers are then carved from marked pages. Under an
// address-space or data rlimit nothing is done, since the mapping counts
// against those and stays. Once a process is enough: the marks stay. It
// takes 8–10 ms (the collection that frees the block), so it runs beside
// the command: a search's first simulation leaves the other cores idle.
func preferHugePages() { hugeOnce.Do(func() { go markHugePages() }) }

var hugeOnce sync.Once

func markHugePages() {
	p := realMemProbe()
	if _, ok := p.rlimit(p.rlimitAS); ok {
		return
	}
	if _, ok := p.rlimit(p.rlimitDat); ok {
		return
	}
	n := hugeHeapBytes(detectMemLimit(p).bytes)
	if n == 0 {
		return
	}
	b := make([]byte, n) // fresh from the system: mapped, not touched
	if syscall.Madvise(b, syscall.MADV_HUGEPAGE) != nil {
		return // a kernel without THP: the block is garbage like any other
	}
	b = nil
	debug.FreeOSMemory() // the block's pages are the heap's free pages again, not in use
}
