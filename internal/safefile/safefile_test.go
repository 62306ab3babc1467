package safefile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestReadRefusesWhatIsNotARegularFile(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	for path, want := range map[string]string{
		fifo:       "is a named pipe (FIFO), not a regular file",
		dir:        "is a directory, not a regular file",
		os.DevNull: "is a device, not a regular file",
	} {
		done := make(chan error, 1)
		go func() { _, err := Read(path, 100); done <- err }()
		select {
		case err := <-done:
			var nr *NotRegularError
			if !errors.As(err, &nr) || err.Error() != want {
				t.Errorf("Read(%s) = %v, want %q", path, err, want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("Read(%s) blocks", path)
		}
	}
}

func TestReadLimit(t *testing.T) {
	p := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(p, []byte(strings.Repeat("x", 101)), 0o600); err != nil {
		t.Fatal(err)
	}
	var tl *TooLargeError
	if _, err := Read(p, 100); !errors.As(err, &tl) || tl.Size != 101 || tl.Limit != 100 {
		t.Errorf("over the limit: %v", err)
	}
	if data, err := Read(p, 101); err != nil || len(data) != 101 {
		t.Errorf("at the limit: %d bytes, %v", len(data), err)
	}
}

func TestWriteKeepsModeLinkAndRefusesDevices(t *testing.T) {
	dir := t.TempDir()
	old := filepath.Join(dir, "old")
	if err := os.WriteFile(old, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := Write(old, []byte("new"), 0o644); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(old); st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600 kept", st.Mode().Perm())
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(old, link); err == nil {
		if err := Write(link, []byte("via link"), 0o644); err != nil {
			t.Fatal(err)
		}
		if lst, _ := os.Lstat(link); lst.Mode()&os.ModeSymlink == 0 {
			t.Error("the link was replaced by a file")
		}
		if data, _ := os.ReadFile(old); string(data) != "via link" {
			t.Errorf("target holds %q", data)
		}
	}
	if err := Write(os.DevNull, []byte("x"), 0o644); err == nil {
		t.Error("wrote over a device")
	}
	if st, err := os.Stat(os.DevNull); err != nil || st.Mode().IsRegular() {
		t.Errorf("%s was replaced", os.DevNull)
	}
	if err := Write(filepath.Join(dir, "no", "such"), []byte("x"), 0o644); err == nil {
		t.Error("wrote into a missing directory")
	}
	ents, _ := os.ReadDir(dir)
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	if got := strings.Join(names, " "); got != "link old" && got != "old" {
		t.Errorf("the directory holds %q: a temporary file stayed", got)
	}
}
