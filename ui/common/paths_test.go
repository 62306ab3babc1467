package common

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestExpandHome(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	for in, want := range map[string]string{
		"~":           home,
		"~/a/b.yaml":  filepath.Join(home, "a/b.yaml"),
		"~bob/x.yaml": "~bob/x.yaml",
		"a/~/b.yaml":  "a/~/b.yaml",
		"/tmp/x.yaml": "/tmp/x.yaml",
		"x.yaml":      "x.yaml",
	} {
		if got := ExpandHome(in); got != want {
			t.Errorf("ExpandHome(%q) = %q, want %q", in, got, want)
		}
	}
}

// Tab completes folders and scenario files, written as typed ("~" stays),
// and the real store reads and writes through "~".
func TestCompleteAndHome(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	for _, d := range []string{"scen", "scripts", ".hidden"} {
		if err := os.Mkdir(filepath.Join(home, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{"scen/a.yaml", "scen/ab.yml", "scen/notes.txt", "seed.yaml"} {
		if err := os.WriteFile(filepath.Join(home, f), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var s DiskStore
	got, err := s.Complete("~/s")
	if want := []string{"~/scen/", "~/scripts/", "~/seed.yaml"}; err != nil || !slices.Equal(got, want) {
		t.Fatalf("~/s: %q %v, want %q", got, err, want)
	}
	got, _ = s.Complete("~/scen/")
	if want := []string{"~/scen/a.yaml", "~/scen/ab.yml"}; !slices.Equal(got, want) {
		t.Fatalf("~/scen/: %q (no .txt, no hidden)", got)
	}
	text, choices, problem := Completion(PathsCompletedMsg{Text: "~/scen/", Paths: got})
	if text != "~/scen/a" || len(choices) != 2 || problem != "" {
		t.Fatalf("completion %q %q %q", text, choices, problem)
	}
	if line := ChoicesLine(choices, 80); line != "a.yaml  ab.yml" {
		t.Fatalf("choices %q", line)
	}
	if _, _, problem := Completion(PathsCompletedMsg{Text: "~/zz"}); !strings.Contains(problem, "no folder or .yaml file starts with ~/zz") {
		t.Fatalf("no match: %q", problem)
	}
	if err := s.Save("~/out.yaml", []byte("y"), false); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(home, "out.yaml")); err != nil {
		t.Fatal("~ was not the home directory when saving")
	}
}

// Errors name the path as typed, in plain words.
func TestFileError(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("HOME", dir)
	var s DiskStore
	_, err := s.Load("~/missing.yaml")
	if got := FileError("~/missing.yaml", err); got != "no file ~/missing.yaml" {
		t.Errorf("missing: %q", got)
	}
	_, err = s.Load("~/nodir/x.yaml")
	if got := FileError("~/nodir/x.yaml", err); got != "no folder ~/nodir (for ~/nodir/x.yaml)" {
		t.Errorf("missing folder: %q", got)
	}
	_, err = s.Load("~")
	if got := FileError("~", err); !strings.Contains(got, "~ is a folder") {
		t.Errorf("a folder: %q", got)
	}
	if got := FileError("x", &fs.PathError{Op: "open", Path: "x", Err: fs.ErrPermission}); got != "x: permission denied" {
		t.Errorf("permission: %q", got)
	}
	if got := FileError("x", errors.New("boom")); got != "boom" {
		t.Errorf("other: %q", got)
	}
}
