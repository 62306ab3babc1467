package common

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// DiskStore replaces a file only when told, keeps its mode, and never
// replaces a device or writes through a directory.
func TestDiskStoreSave(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.yaml")
	if err := os.WriteFile(p, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	var s DiskStore
	if err := s.Save(p, []byte("new"), false); !errors.Is(err, ErrExists) {
		t.Fatalf("without overwrite: %v", err)
	}
	if data, _ := os.ReadFile(p); string(data) != "old" {
		t.Fatalf("replaced without overwrite: %q", data)
	}
	if err := s.Save(p, []byte("new"), true); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(p); st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600 kept", st.Mode().Perm())
	}
	fresh := filepath.Join(dir, "b.yaml")
	if err := s.Save(fresh, []byte("x"), false); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(fresh); st.Mode().Perm() != 0o644 {
		t.Errorf("new file mode %v, want 0644", st.Mode().Perm())
	}
	for _, bad := range []string{os.DevNull, dir} {
		if err := s.Save(bad, []byte("x"), true); err == nil {
			t.Errorf("saved onto %s", bad)
		}
	}
	if st, err := os.Stat(os.DevNull); err != nil || st.Mode().IsRegular() {
		t.Errorf("%s was replaced", os.DevNull)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 2 {
		t.Errorf("%d entries: a temporary file stayed", len(ents))
	}
}
