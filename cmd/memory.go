package cmd

import (
	"bufio"
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/streamsim/streamsim/backends"
	simbackend "github.com/streamsim/streamsim/backends/sim"
	"github.com/streamsim/streamsim/pipeline"
)

// memLimit is the memory this process may use, in backends.MemoryInUse's
// terms (what the Go runtime holds from the system), and where the figure
// comes from. Zero bytes means no limit was found.
type memLimit struct {
	bytes  uint64
	source string
}

// Reading the limits goes through these, so tests can pretend.
type memProbe struct {
	getenv    func(string) string
	readFile  func(string) ([]byte, error)
	rlimit    func(which int) (uint64, bool) // RLIMIT_AS or RLIMIT_DATA; false: none
	inUse     func() uint64                  // backends.MemoryInUse
	goLimit   func() int64                   // debug.SetMemoryLimit(-1)
	rlimitAS  int
	rlimitDat int
}

func realMemProbe() memProbe {
	return memProbe{
		getenv: os.Getenv, readFile: os.ReadFile, rlimit: getRlimit, inUse: backends.MemoryInUse,
		goLimit: func() int64 { return debug.SetMemoryLimit(-1) }, rlimitAS: rlimitAS, rlimitDat: rlimitData,
	}
}

// detectMemLimit finds the tightest limit on the memory the process may
// still take: the cgroup's (memory.max, or memory.limit_in_bytes in cgroup
// v1), the address-space and data rlimits (prlimit --as / --data, ulimit
// -v / -d), a GOMEMLIMIT the user set, and the memory the system has
// available (MemAvailable). Each is turned into the memory in use at which
// it would be reached: the process already holds some of each.
func detectMemLimit(p memProbe) memLimit {
	inUse := p.inUse()
	var best memLimit
	take := func(bytes uint64, source string) {
		if bytes > 0 && (best.bytes == 0 || bytes < best.bytes) {
			best = memLimit{bytes, source}
		}
	}
	status := procStatus(p)
	if max, cur, ok := cgroupMemory(p); ok {
		take(inUse+sub(max, cur), "cgroup memory limit")
	}
	if lim, ok := p.rlimit(p.rlimitAS); ok {
		// The address space counts what is reserved, not only what is used:
		// the heap can grow by what is left of the limit.
		take(inUse+sub(lim, status["VmSize"]), "RLIMIT_AS")
	}
	if lim, ok := p.rlimit(p.rlimitDat); ok {
		take(inUse+sub(lim, status["VmData"]), "RLIMIT_DATA")
	}
	if v := strings.TrimSpace(p.getenv("GOMEMLIMIT")); v != "" && v != "off" {
		if l := p.goLimit(); l > 0 && l < math.MaxInt64 {
			take(uint64(l), "GOMEMLIMIT")
		}
	}
	if avail, ok := memAvailable(p); ok {
		take(inUse+avail, "memory available on this machine")
	}
	return best
}

func sub(a, b uint64) uint64 {
	if b >= a {
		return 0
	}
	return a - b
}

// cgroupMemory is the process's cgroup memory limit and use, v2 or v1.
func cgroupMemory(p memProbe) (limit, current uint64, ok bool) {
	data, err := p.readFile("/proc/self/cgroup")
	if err != nil {
		return 0, 0, false
	}
	read := func(path string) (uint64, bool) {
		b, err := p.readFile(path)
		if err != nil {
			return 0, false
		}
		s := strings.TrimSpace(string(b))
		if s == "max" {
			return 0, false
		}
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil || v >= 1<<60 { // v1 writes "no limit" as a huge number
			return 0, false
		}
		return v, true
	}
	for _, line := range strings.Split(string(data), "\n") {
		parts := strings.SplitN(line, ":", 3)
		if len(parts) != 3 {
			continue
		}
		switch {
		case parts[0] == "0" && parts[1] == "": // v2
			for _, dir := range []string{filepath.Join("/sys/fs/cgroup", parts[2]), "/sys/fs/cgroup"} {
				if l, ok := read(filepath.Join(dir, "memory.max")); ok {
					c, _ := read(filepath.Join(dir, "memory.current"))
					return l, c, true
				}
			}
		case strings.Contains(","+parts[1]+",", ",memory,"): // v1
			for _, dir := range []string{filepath.Join("/sys/fs/cgroup/memory", parts[2]), "/sys/fs/cgroup/memory"} {
				if l, ok := read(filepath.Join(dir, "memory.limit_in_bytes")); ok {
					c, _ := read(filepath.Join(dir, "memory.usage_in_bytes"))
					return l, c, true
				}
			}
		}
	}
	return 0, 0, false
}

// procStatus reads the sizes (in bytes) of /proc/self/status: VmSize, VmData, ….
func procStatus(p memProbe) map[string]uint64 {
	out := map[string]uint64{}
	data, err := p.readFile("/proc/self/status")
	if err != nil {
		return out
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		f := strings.Fields(v)
		if len(f) == 2 && f[1] == "kB" {
			if n, err := strconv.ParseUint(f[0], 10, 64); err == nil {
				out[k] = n << 10
			}
		}
	}
	return out
}

// memAvailable is the system's MemAvailable (/proc/meminfo).
func memAvailable(p memProbe) (uint64, bool) {
	data, err := p.readFile("/proc/meminfo")
	if err != nil {
		return 0, false
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "MemAvailable:"); ok {
			f := strings.Fields(rest)
			if len(f) == 2 {
				if n, err := strconv.ParseUint(f[0], 10, 64); err == nil {
					return n << 10, true
				}
			}
		}
	}
	return 0, false
}

// applyGoMemLimit tells the Go collector about the limit (unless the user
// set GOMEMLIMIT): it collects harder as the heap nears it, so a run that
// fits does not stop early for garbage it had not collected yet.
func applyGoMemLimit(l memLimit, getenv func(string) string) {
	if l.bytes == 0 || strings.TrimSpace(getenv("GOMEMLIMIT")) != "" {
		return
	}
	debug.SetMemoryLimit(int64(float64(l.bytes) * 0.85))
}

// memWatch stops a run that nears the memory limit, between ticks. It looks
// at the memory in use about every 50 ms of wall time, whatever a tick costs.
type memWatch struct {
	limit  memLimit
	need   float64 // the estimate's peak
	inUse  func() uint64
	stride int // ticks between looks
	count  int
	last   time.Time
}

func newMemWatch(l memLimit, need float64, inUse func() uint64) *memWatch {
	return &memWatch{limit: l, need: need, inUse: inUse, stride: 1, last: time.Now()}
}

// check is called after every tick; at and total say where the run is. It
// returns the out-of-memory error (exit 3) when the memory in use passes 90%
// of the limit.
func (w *memWatch) check(at, total time.Duration) error {
	if w == nil || w.limit.bytes == 0 {
		return nil
	}
	w.count++
	if w.count < w.stride {
		return nil
	}
	w.count = 0
	now := time.Now()
	if el := now.Sub(w.last); el > 0 {
		w.stride = int(math.Max(1, math.Min(4096, float64(w.stride)*float64(50*time.Millisecond)/float64(el))))
	}
	w.last = now
	used := w.inUse()
	if float64(used) < 0.9*float64(w.limit.bytes) {
		return nil
	}
	return &exitError{code: exitMemory, err: fmt.Errorf("out of memory: the run stopped at %s of %s using %s of the %s available (%s); it needs about %s. Shorten it with --duration, make it smaller, or give it more memory",
		pipeline.FormatDuration(at.Truncate(time.Second)), pipeline.FormatDuration(total), pipeline.ApproxSize(float64(used)),
		pipeline.ApproxSize(float64(w.limit.bytes)), w.limit.source, pipeline.ApproxSize(math.Max(w.need, float64(used))))}
}

// batchMode favours throughput in the commands that run many simulations
// at once (test, sweep, size): the collector runs when the heap has grown
// five times over what is live (GOGC=400) rather than twice, unless GOGC
// is set, and the simulations reuse each other's queue buffers
// (simbackend.PoolBuffers). With every core simulating, the collector's
// share of the CPU is what kept two workers from going twice as fast as
// one; the simulations' live heap is small, and the memory limit
// (applyGoMemLimit) still bounds it: near the limit the collector runs as
// often as it must.
func batchMode(getenv func(string) string) {
	simbackend.PoolBuffers()
	preferHugePages()
	if strings.TrimSpace(getenv("GOGC")) == "" {
		debug.SetGCPercent(400)
	}
}
