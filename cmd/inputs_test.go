package cmd

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Every command that reads a file reads regular files only, up to a bound:
// a FIFO, a device or a directory gets exit 2 at once, and a file far over
// the bound is refused without reading it whole.
func TestInputsAreBounded(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	huge := filepath.Join(dir, "huge.json")
	f, err := os.Create(huge)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(1 << 30); err != nil { // sparse: 1 GiB that takes no room
		t.Fatal(err)
	}
	f.Close()
	bigYAML := filepath.Join(dir, "big.yaml")
	if err := os.WriteFile(bigYAML, []byte(strings.Repeat("# padding\n", 5<<20)), 0o644); err != nil {
		t.Fatal(err)
	}
	sc := scenarioIn(t, dir)
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"validate", fifo}, "named pipe (FIFO)"},
		{[]string{"run", fifo}, "named pipe (FIFO)"},
		{[]string{"advise", os.DevNull}, "device"},
		{[]string{"compare", fifo, fifo}, "named pipe (FIFO)"},
		{[]string{"compare", "/dev/zero", "/dev/zero"}, "device"},
		{[]string{"compare", huge, huge}, "file is 1.0 GiB; reports are read up to 64.0 MiB"},
		{[]string{"run", sc, "--baseline", fifo}, "named pipe (FIFO)"},
		{[]string{"run", sc, "--baseline", huge}, "file is 1.0 GiB"},
		{[]string{"validate", bigYAML}, "file is 50.0 MiB; scenario files are limited to 4MiB"},
		{[]string{"run", sc, "--json", fifo}, "named pipe (FIFO)"},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			start := time.Now()
			stdout, stderr := wantCode(t, c.args, 2)
			stderr += stdout // validate lists problems on stdout
			if took := time.Since(start); took > 2*time.Second {
				t.Errorf("took %v", took)
			}
			if !strings.Contains(stderr, c.want) {
				t.Errorf("stderr %q does not say %q", stderr, c.want)
			}
		})
	}
}
