package cmd

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/streamsim/streamsim/backends"
)

// The test binary stands in for streamsim under prlimit: see TestMain in
// faults_test.go (STREAMSIM_TEST_ARGS, STREAMSIM_TEST_VMSIZE).
const bigDay = "../sim/testdata/day-1000-shards.yaml" // a day of 1,000 shards: about 2 s

// TestBigRunStopsWithTheEstimate: a run estimated above about a minute stops
// before it starts, with exit 2, the estimate and the flag that goes ahead.
func TestBigRunStopsWithTheEstimate(t *testing.T) {
	start := time.Now()
	_, stderr := wantCode(t, []string{"run", bigDay, "--duration", "365d", "--quiet"}, exitInvalid)
	for _, want := range []string{"big-stream is a big run", "of processor time", "1,000 shards", "--yes", "--duration"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr does not say %q:\n%s", want, stderr)
		}
	}
	if took := time.Since(start); took > 20*time.Second {
		t.Errorf("the refusal took %v: it should not have simulated", took)
	}

	// advise simulates once: the same bound, the same flag.
	data, err := os.ReadFile(bigDay)
	if err != nil {
		t.Fatal(err)
	}
	year := filepath.Join(t.TempDir(), "year.yaml")
	if err := os.WriteFile(year, bytes.Replace(data, []byte("duration: 24h"), []byte("duration: 365d"), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr = wantCode(t, []string{"advise", year}, exitInvalid)
	if !strings.Contains(stderr, "big run") || !strings.Contains(stderr, "--yes") {
		t.Errorf("advise: %s", stderr)
	}
}

// TestCheckCost: the bound, the flag that lifts it, and memory.
func TestCheckCost(t *testing.T) {
	small := backends.Cost{Time: 2 * time.Second, Bytes: 100 << 20}
	long := backends.Cost{Time: 2 * time.Minute, Bytes: 100 << 20}
	big := backends.Cost{Time: 2 * time.Second, Bytes: 3 << 30}
	plenty := memLimit{bytes: 8 << 30, source: "memory available on this machine"}
	tight := memLimit{bytes: 1 << 30, source: "RLIMIT_AS"}
	code := func(err error) int {
		var ee *exitError
		if errors.As(err, &ee) {
			return ee.code
		}
		if err != nil {
			return -1
		}
		return 0
	}
	for _, tc := range []struct {
		name string
		c    backends.Cost
		yes  bool
		lim  memLimit
		want int
		says string
	}{
		{"small", small, false, plenty, 0, ""},
		{"small, no limit known", small, false, memLimit{}, 0, ""},
		{"long", long, false, plenty, exitInvalid, "--yes"},
		{"long with --yes", long, true, plenty, 0, ""},
		{"big", big, false, plenty, exitInvalid, "3.0 GiB of memory"},
		{"big with --yes", big, true, plenty, 0, ""},
		{"more than there is", big, false, tight, exitMemory, "out of memory: x needs about 3.0 GiB and 1.0 GiB is available (RLIMIT_AS)"},
		{"more than there is, --yes or not", big, true, tight, exitMemory, "out of memory"},
	} {
		err := checkCost("x", tc.c, tc.yes, tc.lim, hintRun)
		if got := code(err); got != tc.want {
			t.Errorf("%s: exit %d (%v), want %d", tc.name, got, err, tc.want)
		}
		if tc.says != "" && (err == nil || !strings.Contains(err.Error(), tc.says)) {
			t.Errorf("%s: %v does not say %q", tc.name, err, tc.says)
		}
	}
}

// TestDetectMemLimit: the tightest of the limits wins, each counted from
// the memory already in use, and says where it comes from.
func TestDetectMemLimit(t *testing.T) {
	files := map[string]string{
		"/proc/self/cgroup":                              "0::/user.slice/run-1\n",
		"/sys/fs/cgroup/user.slice/run-1/memory.max":     "2147483648\n",
		"/sys/fs/cgroup/user.slice/run-1/memory.current": "536870912\n",
		"/proc/self/status":                              "Name:\tstreamsim\nVmSize:\t 1048576 kB\nVmData:\t  524288 kB\n",
		"/proc/meminfo":                                  "MemTotal:       16000000 kB\nMemAvailable:    8388608 kB\n",
	}
	probe := func(rlimits map[int]uint64, env map[string]string, goLimit int64) memProbe {
		return memProbe{
			getenv: func(k string) string { return env[k] },
			readFile: func(p string) ([]byte, error) {
				if s, ok := files[p]; ok {
					return []byte(s), nil
				}
				return nil, fs.ErrNotExist
			},
			rlimit:   func(w int) (uint64, bool) { v, ok := rlimits[w]; return v, ok },
			inUse:    func() uint64 { return 100 << 20 },
			goLimit:  func() int64 { return goLimit },
			rlimitAS: 1, rlimitDat: 2,
		}
	}
	const mib = 1 << 20
	for _, tc := range []struct {
		name    string
		rlimits map[int]uint64
		env     map[string]string
		goLimit int64
		want    memLimit
	}{
		// cgroup: 2 GiB max, 512 MiB charged: 1.5 GiB more than the 100 MiB in use.
		{"cgroup", nil, nil, 0, memLimit{1636 * mib, "cgroup memory limit"}},
		// ulimit -v 1.5 GiB with 1 GiB of address space mapped: 512 MiB more.
		{"RLIMIT_AS", map[int]uint64{1: 1536 * mib}, nil, 0, memLimit{612 * mib, "RLIMIT_AS"}},
		{"RLIMIT_DATA", map[int]uint64{2: 812 * mib}, nil, 0, memLimit{400 * mib, "RLIMIT_DATA"}},
		{"GOMEMLIMIT", nil, map[string]string{"GOMEMLIMIT": "300MiB"}, 300 * mib, memLimit{300 * mib, "GOMEMLIMIT"}},
	} {
		if got := detectMemLimit(probe(tc.rlimits, tc.env, tc.goLimit)); got != tc.want {
			t.Errorf("%s: %+v (%.0f MiB), want %+v (%.0f MiB)", tc.name, got, float64(got.bytes)/mib, tc.want, float64(tc.want.bytes)/mib)
		}
	}
	// Without a cgroup limit, the machine's available memory.
	files["/sys/fs/cgroup/user.slice/run-1/memory.max"] = "max\n"
	if got := detectMemLimit(probe(nil, nil, 0)); got != (memLimit{(8192 + 100) * mib, "memory available on this machine"}) {
		t.Errorf("MemAvailable: %+v", got)
	}
	// cgroup v1 writes "no limit" as a huge number.
	files["/proc/self/cgroup"] = "4:memory:/job\n"
	files["/sys/fs/cgroup/memory/job/memory.limit_in_bytes"] = "9223372036854771712\n"
	if got := detectMemLimit(probe(nil, nil, 0)); got.source != "memory available on this machine" {
		t.Errorf("cgroup v1 without a limit: %+v", got)
	}
	files["/sys/fs/cgroup/memory/job/memory.limit_in_bytes"] = "1073741824\n"
	files["/sys/fs/cgroup/memory/job/memory.usage_in_bytes"] = "104857600\n"
	if got := detectMemLimit(probe(nil, nil, 0)); got != (memLimit{1024 * mib, "cgroup memory limit"}) {
		t.Errorf("cgroup v1: %+v", got)
	}
}

// TestMemWatch: past 90% of the limit a run stops with exit 3 and says how far it got.
func TestMemWatch(t *testing.T) {
	used := uint64(50)
	w := newMemWatch(memLimit{100, "GOMEMLIMIT"}, 300, func() uint64 { return used })
	if err := w.check(time.Minute, time.Hour); err != nil {
		t.Fatalf("at 50%%: %v", err)
	}
	used = 95
	var err error
	for range 5000 { // the watch looks every few ticks
		if err = w.check(2*time.Minute, time.Hour); err != nil {
			break
		}
	}
	var ee *exitError
	if !errors.As(err, &ee) || ee.code != exitMemory || !strings.Contains(err.Error(), "out of memory: the run stopped at 2m of 1h using 95 B of the 100 B available (GOMEMLIMIT); it needs about 300 B") {
		t.Fatalf("at 95%%: %v", err)
	}
}

// TestOutOfMemoryWithGOMEMLIMIT: in-process, with a GOMEMLIMIT far below
// what a run of 100,000 shards needs, run refuses it up front with exit 3
// and one sentence, --yes or not.
func TestOutOfMemoryWithGOMEMLIMIT(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "40MiB")
	old := debug.SetMemoryLimit(40 << 20)
	defer debug.SetMemoryLimit(old)
	f := "../sim/testdata/cost/100000-shards-firehose.yaml"
	for _, extra := range [][]string{nil, {"--yes"}} {
		_, stderr := wantCode(t, append([]string{"run", f, "--duration", "30s", "--quiet"}, extra...), exitMemory)
		if !strings.Contains(stderr, "out of memory: 100000-shards-firehose needs about") || !strings.Contains(stderr, "(GOMEMLIMIT)") {
			t.Errorf("%v: %s", extra, stderr)
		}
	}
	_, stderr := wantCode(t, []string{"advise", f}, exitMemory)
	if !strings.Contains(stderr, "out of memory") {
		t.Errorf("advise: %s", stderr)
	}
}

// TestOutOfMemoryUnderPrlimit runs the CLI (this test binary standing in for
// it) under prlimit --as with room for about 150 MiB more than it starts
// with: a Firehose backlog on 10,000 shards needs about 480 MiB (far more
// than the room, whatever the address space a start happens to reserve), so
// it is refused with exit 3 and one sentence, never a Go stack dump.
func TestOutOfMemoryUnderPrlimit(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("prlimit and /proc are Linux's")
	}
	prlimit, err := exec.LookPath("prlimit")
	if err != nil {
		t.Skip("no prlimit")
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(self)
	cmd.Env = append(os.Environ(), "STREAMSIM_TEST_VMSIZE=1")
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	base, err := strconv.ParseUint(strings.TrimSpace(string(out)), 10, 64)
	if err != nil || base == 0 {
		t.Skipf("cannot read the address space size: %q", out)
	}
	limit := base + 150<<20
	args := []string{"run", "../sim/testdata/firehose-backlog-10000-shards.yaml", "--quiet"}
	cmd = exec.Command(prlimit, "--as="+strconv.FormatUint(limit, 10), self)
	cmd.Env = append(os.Environ(), "STREAMSIM_TEST_ARGS="+strings.Join(args, "\x1f"), "GOMEMLIMIT=")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err = cmd.Run()
	var xe *exec.ExitError
	if !errors.As(err, &xe) || xe.ExitCode() != exitMemory {
		t.Fatalf("under --as=%d: %v, want exit 3\n%s", limit, err, stderr.String())
	}
	s := stderr.String()
	if !strings.HasPrefix(s, "streamsim: out of memory: firehose-backlog-10000-shards needs about") || !strings.Contains(s, "(RLIMIT_AS)") ||
		strings.Contains(s, "goroutine") || strings.Contains(s, "fatal error") {
		t.Errorf("want one sentence, got:\n%s", s)
	}
}
