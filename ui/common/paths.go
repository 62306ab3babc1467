package common

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/streamsim/streamsim/internal/safefile"
	"github.com/streamsim/streamsim/internal/textsafe"
	"github.com/streamsim/streamsim/ui/layout"
)

// ExpandHome replaces a leading "~" (alone or before a separator) with the
// user's home directory, as a shell would; "~user" and paths without a
// leading "~" are left as they are, as is everything when the home directory
// is unknown.
func ExpandHome(path string) string {
	if path != "~" && !strings.HasPrefix(path, "~/") && !strings.HasPrefix(path, "~"+string(filepath.Separator)) {
		return path
	}
	home, err := os.UserHomeDir()
	if err != nil || home == "" {
		return path
	}
	return filepath.Join(home, path[1:])
}

// Completer is a Store that completes a path being typed (tab in a path prompt).
type Completer interface {
	// Complete returns the paths that begin with prefix: directories (ending
	// in a separator) and scenario files (.yaml, .yml), sorted, written the
	// way prefix is (a leading "~" stays).
	Complete(prefix string) ([]string, error)
}

// MaxCompletions is the most paths a completion returns.
const MaxCompletions = 200

// Complete implements Completer on the real files.
func (DiskStore) Complete(prefix string) ([]string, error) {
	dir, base := splitPath(prefix)
	look := ExpandHome(dir)
	if look == "" {
		look = "."
	}
	ents, err := os.ReadDir(look)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range ents {
		name := e.Name()
		if !strings.HasPrefix(name, base) || strings.HasPrefix(name, ".") && !strings.HasPrefix(base, ".") {
			continue
		}
		isDir := e.IsDir()
		if e.Type()&fs.ModeSymlink != 0 {
			if st, err := os.Stat(filepath.Join(look, name)); err == nil {
				isDir = st.IsDir()
			}
		}
		switch {
		case isDir:
			out = append(out, dir+name+string(filepath.Separator))
		case IsScenarioFile(name):
			out = append(out, dir+name)
		}
		if len(out) == MaxCompletions {
			break
		}
	}
	slices.Sort(out)
	return out, nil
}

// splitPath cuts a path being typed into its directory part (with its
// trailing separator, as typed) and the name being typed.
func splitPath(p string) (dir, base string) {
	if p == "~" {
		return "~" + string(filepath.Separator), ""
	}
	i := strings.LastIndexAny(p, "/"+string(filepath.Separator))
	return p[:i+1], p[i+1:]
}

// IsScenarioFile reports whether a file name looks like a scenario: .yaml or .yml.
func IsScenarioFile(name string) bool {
	ext := strings.ToLower(filepath.Ext(name))
	return ext == ".yaml" || ext == ".yml"
}

// CommonPrefix is the longest prefix all of ss share (s itself when ss is empty).
func CommonPrefix(s string, ss []string) string {
	if len(ss) == 0 {
		return s
	}
	p := ss[0]
	for _, x := range ss[1:] {
		for !strings.HasPrefix(x, p) {
			p = p[:len(p)-1]
		}
	}
	return p
}

// FileError says in plain words why a file could not be read or written,
// naming path as the user typed it: the Go error's own text (an "open",
// a "stat", a syscall's name) means little to someone who typed a path.
func FileError(path string, err error) string {
	path = textsafe.Line(path)
	var nr *safefile.NotRegularError
	var pe *fs.PathError
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if dir := filepath.Dir(ExpandHome(path)); dir != "." {
			if _, derr := os.Stat(dir); errors.Is(derr, fs.ErrNotExist) {
				return "no folder " + textsafe.Line(filepath.Dir(path)) + " (for " + path + ")"
			}
		}
		return "no file " + path
	case errors.Is(err, fs.ErrPermission):
		return path + ": permission denied"
	case errors.As(err, &nr):
		if nr.What == "a directory" {
			return path + " is a folder: give a file in it (tab completes)"
		}
		return path + " " + nr.Error()
	case errors.Is(err, ErrExists):
		return path + " exists"
	case errors.As(err, &pe):
		return path + ": " + pe.Err.Error()
	}
	return textsafe.Line(err.Error())
}

// PathsCompletedMsg answers CompletePathCmd: the paths that complete Text,
// for the prompt For names, request ID.
type PathsCompletedMsg struct {
	For   string
	ID    int
	Text  string
	Paths []string
	Err   error
}

// CompletePathCmd lists the paths that complete text (tab in a path prompt),
// when the store can; nil when it cannot.
func CompletePathCmd(store Store, owner string, id int, text string) tea.Cmd {
	c, ok := store.(Completer)
	if !ok {
		return nil
	}
	return func() tea.Msg {
		paths, err := c.Complete(text)
		return PathsCompletedMsg{For: owner, ID: id, Text: text, Paths: paths, Err: err}
	}
}

// Completion is what a prompt shows after tab: the text completed as far as
// every path agrees, and the paths to choose from when there are several.
func Completion(msg PathsCompletedMsg) (text string, choices []string, problem string) {
	switch {
	case msg.Err != nil:
		dir, _ := splitPath(msg.Text)
		if dir == "" {
			dir = "."
		}
		return msg.Text, nil, "cannot list " + FileError(dir, msg.Err)
	case len(msg.Paths) == 0:
		return msg.Text, nil, "no folder or .yaml file starts with " + textsafe.Line(msg.Text)
	case len(msg.Paths) == 1:
		return msg.Paths[0], nil, ""
	}
	return CommonPrefix(msg.Text, msg.Paths), msg.Paths, ""
}

// ChoicesLine lists paths in one line of w cells, by their last part: the
// directory they share is in the prompt already.
func ChoicesLine(paths []string, w int) string {
	var parts []string
	used := 0
	for i, p := range paths {
		_, base := splitPath(strings.TrimSuffix(p, string(filepath.Separator)))
		if strings.HasSuffix(p, string(filepath.Separator)) {
			base += string(filepath.Separator)
		}
		base = textsafe.Line(base)
		more := ""
		if left := len(paths) - i - 1; left > 0 {
			more = " … " + strconv.Itoa(left) + " more"
		}
		if used+layout.Width(base)+layout.Width(more) > w && len(parts) > 0 {
			return layout.Truncate(strings.Join(parts, "  ")+" … "+strconv.Itoa(len(paths)-i)+" more", w)
		}
		parts = append(parts, base)
		used += layout.Width(base) + 2
	}
	return layout.Truncate(strings.Join(parts, "  "), w)
}
