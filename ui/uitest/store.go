package uitest

import (
	"errors"
	"io/fs"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/ui/common"
)

// MemStore is a common.Store over a map of file contents.
type MemStore struct {
	mu    sync.Mutex
	Files map[string][]byte
	// SaveErr, when set, makes Save fail.
	SaveErr error
}

// NewMemStore returns a store holding files.
func NewMemStore(files map[string]string) *MemStore {
	s := &MemStore{Files: map[string][]byte{}}
	for k, v := range files {
		s.Files[k] = []byte(v)
	}
	return s
}

// Load implements common.Store.
func (s *MemStore) Load(path string) (*pipeline.Scenario, error) {
	s.mu.Lock()
	data, ok := s.Files[path]
	s.mu.Unlock()
	if !ok {
		return nil, &fs.PathError{Op: "open", Path: path, Err: fs.ErrNotExist}
	}
	return pipeline.Load(path, data)
}

// Save implements common.Store.
func (s *MemStore) Save(path string, data []byte, overwrite bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.SaveErr != nil {
		return s.SaveErr
	}
	if path == "" {
		return errors.New("empty path")
	}
	if _, ok := s.Files[path]; ok && !overwrite {
		return common.ErrExists
	}
	s.Files[path] = append([]byte(nil), data...)
	return nil
}

// Get returns a file's content.
func (s *MemStore) Get(path string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.Files[path]
	return string(d), ok
}

// Names lists the files.
func (s *MemStore) Names() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for k := range maps.Keys(s.Files) {
		out = append(out, k)
	}
	return out
}

// Complete implements common.Completer over the files' names: the folders
// (a name's parts up to a slash) and .yaml/.yml files that start with prefix.
func (s *MemStore) Complete(prefix string) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	dir := prefix[:strings.LastIndex(prefix, "/")+1]
	seen := map[string]bool{}
	var out []string
	for name := range s.Files {
		if !strings.HasPrefix(name, prefix) {
			continue
		}
		rest := name[len(dir):]
		if i := strings.Index(rest, "/"); i >= 0 {
			name = dir + rest[:i+1]
		} else if !common.IsScenarioFile(name) {
			continue
		}
		if !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out, nil
}
