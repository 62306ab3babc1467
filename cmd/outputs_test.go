package cmd

import (
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// scenarioIn copies the small no-expect scenario into dir.
func scenarioIn(t *testing.T, dir string) string {
	t.Helper()
	data, err := os.ReadFile("testdata/run/no-expect.yaml")
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "v.yaml")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// listDir is the names in dir, to see that nothing was left behind.
func listDir(t *testing.T, dir string) string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return strings.Join(names, " ")
}

// snapshotDir is every entry of dir with its type, mode, link target and
// content, to compare a directory byte for byte before and after a command.
func snapshotDir(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		st, err := os.Lstat(p)
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "%s %v", p, st.Mode())
		switch {
		case st.Mode()&os.ModeSymlink != 0:
			to, _ := os.Readlink(p)
			fmt.Fprintf(&b, " -> %s", to)
		case st.Mode().IsRegular():
			data, _ := os.ReadFile(p)
			fmt.Fprintf(&b, " %x", sha256.Sum256(data))
		}
		b.WriteString("\n")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func unchanged(t *testing.T, path, want string) {
	t.Helper()
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if string(got) != want {
		t.Errorf("%s changed: %q", path, got)
	}
}

// A failed run leaves every path as it found it: a report path that is the
// scenario itself, a --baseline that does not exist, a directory, a device,
// two reports on one path. Nothing is created, removed or emptied, and no
// temporary file stays behind.
func TestFailedRunLeavesFilesAlone(t *testing.T) {
	dir := t.TempDir()
	sc := scenarioIn(t, dir)
	scText, _ := os.ReadFile(sc)
	old := filepath.Join(dir, "old.json")
	if err := os.WriteFile(old, []byte("keep me"), 0o600); err != nil {
		t.Fatal(err)
	}
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.yaml")
	if err := os.Symlink(sc, link); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	before := snapshotDir(t, dir)
	cases := [][]string{
		{"run", sc, "--json", link},
		{"run", link, "--junit", sc},
		{"run", sc, "--csv", fifo},
		{"run", sc, "--json", old, "--baseline", fifo},
		{"run", sc, "--json", old, "--set", "nosuch.rate=1/s"},
		{"run", sc, "--json", old, "--backend", "nosuch"},
		{"run", sc, "--json", sc},
		{"run", sc, "--json", old, "--baseline", filepath.Join(dir, "missing.json")},
		{"run", sc, "--csv", old, "--baseline", sub},
		{"run", sc, "--json", sub},
		{"run", sc, "--junit", os.DevNull},
		{"run", sc, "--json", old, "--csv", old},
		{"run", sc, "--json", filepath.Join(dir, "no-such-dir", "r.json")},
	}
	for _, args := range cases {
		t.Run(strings.Join(args[2:], " "), func(t *testing.T) {
			_, stderr := wantCode(t, args, 2)
			if stderr == "" {
				t.Error("no error message")
			}
			unchanged(t, sc, string(scText))
			unchanged(t, old, "keep me")
			if st, err := os.Stat(sub); err != nil || !st.IsDir() {
				t.Errorf("the directory is gone: %v", err)
			}
			if st, err := os.Stat(os.DevNull); err != nil || st.Mode().IsRegular() {
				t.Errorf("%s was replaced: %v", os.DevNull, err)
			}
			if got := snapshotDir(t, dir); got != before {
				t.Errorf("the directory changed:\n%s\nwas\n%s", got, before)
			}
		})
	}
}

// A report replaces its file in one step and keeps the file's mode; a
// symlink stays a link and its target gets the report.
func TestReportKeepsModeAndLinks(t *testing.T) {
	dir := t.TempDir()
	sc := scenarioIn(t, dir)
	old := filepath.Join(dir, "r.json")
	if err := os.WriteFile(old, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(dir, "target.csv")
	if err := os.WriteFile(target, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.csv")
	if err := os.Symlink(target, link); err != nil {
		t.Skip("no symlinks here:", err)
	}
	wantCode(t, []string{"run", sc, "--json", old, "--csv", link, "--quiet"}, 0)
	st, err := os.Stat(old)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600 kept", st.Mode().Perm())
	}
	if data, _ := os.ReadFile(old); !strings.Contains(string(data), `"scenario"`) {
		t.Errorf("report not written: %q", data)
	}
	if lst, err := os.Lstat(link); err != nil || lst.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v", err)
	}
	if data, _ := os.ReadFile(target); !strings.HasPrefix(string(data), "time_s,") {
		t.Errorf("the link's target has no CSV: %q", data)
	}
	if got := listDir(t, dir); got != "link.csv r.json target.csv v.yaml" {
		t.Errorf("the directory holds %q", got)
	}
}
