package cmd

import (
	"bufio"
	"bytes"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/streamsim/streamsim/backends"
)

func TestHugeHeapBytes(t *testing.T) {
	for _, c := range []struct{ limit, want uint64 }{
		{0, 256 << 20},          // no limit found
		{8 << 30, 256 << 20},    // a roomy machine
		{1600 << 20, 100 << 20}, // a sixteenth, in whole 2 MB pages
		{164 << 20, 10 << 20},   // 10.25 MB, down to 10
		{120 << 20, 0},          // 7.5 MB: not worth it
	} {
		if got := hugeHeapBytes(c.limit); got != c.want {
			t.Errorf("hugeHeapBytes(%d) = %d, want %d", c.limit, got, c.want)
		}
	}
}

// TestPreferHugePagesMarksTheHeap: on Linux with transparent huge pages,
// a batch command's heap gets a mapping marked for them (smaps' VmFlags
// "hg") of at least the block's size, and the block is not counted as in
// use once freed.
func TestPreferHugePagesMarksTheHeap(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("transparent huge pages are Linux's")
	}
	if _, err := os.Stat("/sys/kernel/mm/transparent_hugepage/enabled"); err != nil {
		t.Skip("this kernel has no transparent huge pages")
	}
	p := realMemProbe()
	if _, ok := p.rlimit(p.rlimitAS); ok {
		t.Skip("an address-space rlimit is set: nothing is marked")
	}
	if _, ok := p.rlimit(p.rlimitDat); ok {
		t.Skip("a data rlimit is set: nothing is marked")
	}
	want := hugeHeapBytes(detectMemLimit(p).bytes)
	before := backends.MemoryInUse()
	markHugePages() // what preferHugePages starts beside the command
	if got := markedBytes(t); got < want {
		t.Errorf("%d bytes of mappings marked for huge pages, want at least %d", got, want)
	}
	if after := backends.MemoryInUse(); after > before+16<<20 {
		t.Errorf("memory in use went from %d to %d: the block should be free", before, after)
	}
}

// markedBytes sums the mappings of this process whose VmFlags include hg
// (MADV_HUGEPAGE).
func markedBytes(t *testing.T) uint64 {
	data, err := os.ReadFile("/proc/self/smaps")
	if err != nil {
		t.Skipf("cannot read smaps: %v", err)
	}
	var total, size uint64
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		switch {
		case len(f) >= 2 && f[0] == "Size:":
			kb, err := strconv.ParseUint(f[1], 10, 64)
			if err != nil {
				t.Fatalf("smaps: %q: %v", sc.Text(), err)
			}
			size = kb << 10
		case len(f) >= 1 && f[0] == "VmFlags:":
			for _, fl := range f[1:] {
				if fl == "hg" {
					total += size
				}
			}
		}
	}
	return total
}
