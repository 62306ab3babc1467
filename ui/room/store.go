package room

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/streamsim/streamsim/internal/safefile"
	"github.com/streamsim/streamsim/internal/textsafe"
	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/ui/common"
)

// Limits of a learner's folder.
const (
	maxFolderBytes = 64 << 20 // all the files of one learner
	maxFolderFiles = 500
)

// learnerStore is a learner's common.Store: every path is inside their
// folder on the server ("~" is the folder itself). os.Root keeps it there,
// whatever ".." or link a path holds; a path that would leave it is refused
// in words. Files opened are limited to the room's largest scenario.
type learnerStore struct {
	root    *os.Root
	maxRead int64
	saves   *sync.WaitGroup // the room's: Close waits for saves in flight
}

var (
	_ common.Store     = (*learnerStore)(nil)
	_ common.Completer = (*learnerStore)(nil)
)

func newLearnerStore(dir string, maxRead int64, saves *sync.WaitGroup) (*learnerStore, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	return &learnerStore{root: root, maxRead: maxRead, saves: saves}, nil
}

func (s *learnerStore) close() { _ = s.root.Close() }

// storeError is a file problem said in words. It wraps no fs error on
// purpose: the TUI would look the path up on the server's own disk to word
// it, and the server's folders are none of the learner's business.
type storeError struct{ msg string }

func (e *storeError) Error() string { return e.msg }

// rel is path inside the folder, or an error saying why it is not.
func rel(path string) (string, error) {
	p := path
	switch {
	case p == "~":
		p = "."
	case strings.HasPrefix(p, "~/"):
		p = p[2:]
	}
	outside := &storeError{textsafe.Line(path) + ": in this room your files live in your own folder on the server; " +
		"give a name in it, such as my-pipeline.yaml"}
	if p == "" || filepath.IsAbs(p) || strings.HasPrefix(p, "~") || strings.ContainsRune(p, 0) {
		return "", outside
	}
	p = filepath.Clean(p)
	if p == ".." || strings.HasPrefix(p, "../") {
		return "", outside
	}
	return p, nil
}

// Load implements common.Store.
func (s *learnerStore) Load(path string) (*pipeline.Scenario, error) {
	p, err := rel(path)
	if err != nil {
		return nil, err
	}
	st, err := s.root.Stat(p)
	if err != nil {
		return nil, s.wordErr(path, err)
	}
	if st.IsDir() {
		return nil, &safefile.NotRegularError{What: "a directory"}
	}
	if !st.Mode().IsRegular() {
		return nil, &safefile.NotRegularError{What: "not a regular file"}
	}
	if st.Size() > s.maxRead {
		return nil, pipeline.Problems{{File: path, Pos: pipeline.Pos{Line: 1, Col: 1},
			Msg: fmt.Sprintf("file is %s; this room opens scenarios of up to %s", sizeText(st.Size()), limitText(s.maxRead))}}
	}
	f, err := s.root.Open(p)
	if err != nil {
		return nil, s.wordErr(path, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, s.maxRead+1))
	if err != nil {
		return nil, s.wordErr(path, err)
	}
	if int64(len(data)) > s.maxRead {
		return nil, pipeline.Problems{{File: path, Pos: pipeline.Pos{Line: 1, Col: 1},
			Msg: "file grew past " + limitText(s.maxRead) + " while read"}}
	}
	return pipeline.Load(path, data)
}

// Save implements common.Store: a temporary file beside the target,
// renamed onto it, inside the folder.
func (s *learnerStore) Save(path string, data []byte, overwrite bool) error {
	s.saves.Add(1)
	defer s.saves.Done()
	p, err := rel(path)
	if err != nil {
		return err
	}
	if p == "." {
		return &safefile.NotRegularError{What: "a directory"}
	}
	st, err := s.root.Lstat(p)
	var old int64
	switch {
	case err == nil && !st.Mode().IsRegular():
		if st.IsDir() {
			return &safefile.NotRegularError{What: "a directory"}
		}
		return &safefile.NotRegularError{What: "not a regular file"}
	case err == nil && !overwrite:
		return common.ErrExists
	case err == nil:
		old = st.Size()
	case !errors.Is(err, fs.ErrNotExist):
		return s.wordErr(path, err)
	}
	if err := s.roomFor(int64(len(data)) - old); err != nil {
		return err
	}
	tmp := filepath.Join(filepath.Dir(p), "."+filepath.Base(p)+"."+nonce()+".tmp")
	f, err := s.root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return s.wordErr(path, err)
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = s.root.Rename(tmp, p)
	}
	if err != nil {
		_ = s.root.Remove(tmp)
		return s.wordErr(path, err)
	}
	return nil
}

// roomFor refuses a save that would take the folder past its limits.
func (s *learnerStore) roomFor(grow int64) error {
	var total int64
	files := 0
	_ = fs.WalkDir(s.root.FS(), ".", func(_ string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		files++
		if info, err := d.Info(); err == nil {
			total += info.Size()
		}
		return nil
	})
	if files >= maxFolderFiles && grow > 0 || total+grow > maxFolderBytes {
		return &storeError{fmt.Sprintf("your folder on the server is full (%d files, %s; the room keeps up to %d files, %s): ask the instructor",
			files, sizeText(total), maxFolderFiles, limitText(maxFolderBytes))}
	}
	return nil
}

// wordErr words a file error without the server's paths.
func (s *learnerStore) wordErr(path string, err error) error {
	path = textsafe.Line(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return &storeError{"no file " + path + " in your folder"}
	case errors.Is(err, fs.ErrPermission):
		return &storeError{path + ": permission denied"}
	case strings.Contains(err.Error(), "path escapes from parent"):
		return &storeError{path + ": that leads out of your folder"}
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return &storeError{path + ": " + pe.Err.Error()}
	}
	return &storeError{path + ": " + err.Error()}
}

// Complete implements common.Completer inside the folder.
func (s *learnerStore) Complete(prefix string) ([]string, error) {
	dir, base := prefix, ""
	if i := strings.LastIndex(prefix, "/"); i >= 0 {
		dir, base = prefix[:i+1], prefix[i+1:]
	} else {
		dir, base = "", prefix
	}
	if prefix == "~" {
		dir, base = "~/", ""
	}
	look := "."
	if dir != "" {
		p, err := rel(strings.TrimSuffix(dir, "/"))
		if dir == "~/" {
			p, err = ".", nil
		}
		if err != nil {
			return nil, err
		}
		look = p
	}
	ents, err := fs.ReadDir(s.root.FS(), look)
	if err != nil {
		return nil, s.wordErr(dir, err)
	}
	var out []string
	for _, e := range ents {
		name := e.Name()
		if !strings.HasPrefix(name, base) || strings.HasPrefix(name, ".") && !strings.HasPrefix(base, ".") {
			continue
		}
		switch {
		case e.IsDir():
			out = append(out, dir+name+"/")
		case common.IsScenarioFile(name):
			out = append(out, dir+name)
		}
		if len(out) == common.MaxCompletions {
			break
		}
	}
	slices.Sort(out)
	return out, nil
}

// nonce is a short random name part for temporary files.
func nonce() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// sizeText writes a byte count as KiB or MiB, rounded.
func sizeText(n int64) string { return pipeline.ApproxSize(float64(n)) }

// limitText writes a limit exactly (512KiB).
func limitText(n int64) string { return pipeline.FormatSize(float64(n)) }
