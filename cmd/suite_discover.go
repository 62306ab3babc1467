package cmd

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/streamsim/streamsim/internal/safefile"
)

// suiteFiles is what `streamsim test` found to run.
type suiteFiles struct {
	paths   []string // scenario files, sorted, as found (relative when given so)
	ignored int      // other YAML files seen while walking folders
}

// discover finds the scenarios of the arguments, as `go test` finds packages:
// a file is run whatever it holds; a folder is its own *.yaml and *.yml files;
// a pattern ending in /... is the folder and every folder below it (hidden
// ones, _-prefixed ones, node_modules and vendor skipped). Without arguments
// it is ./... . In folders, a YAML file that is not a scenario (no top-level
// version: or producers:) is ignored and counted.
func discover(args []string) (suiteFiles, error) {
	if len(args) == 0 {
		args = []string{"./..."}
	}
	var out suiteFiles
	seen := map[string]bool{}
	add := func(p string) {
		if clean := filepath.Clean(p); !seen[clean] {
			seen[clean] = true
			out.paths = append(out.paths, clean)
		}
	}
	for _, arg := range args {
		root, recursive := strings.CutSuffix(filepath.ToSlash(arg), "/...")
		if root == "" || root == "." && recursive {
			root = "."
		}
		st, err := os.Stat(root)
		if err != nil {
			return out, fmt.Errorf("%s: %w", arg, err)
		}
		if !st.IsDir() {
			if recursive {
				return out, fmt.Errorf("%s: %s is not a folder", arg, root)
			}
			add(root)
			continue
		}
		if err := walkScenarios(root, recursive, add, &out.ignored); err != nil {
			return out, err
		}
	}
	sort.Strings(out.paths)
	return out, nil
}

func walkScenarios(root string, recursive bool, add func(string), ignored *int) error {
	return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != root && (!recursive || skipDir(d.Name())) {
				return filepath.SkipDir
			}
			return nil
		}
		if ext := filepath.Ext(p); ext != ".yaml" && ext != ".yml" || !d.Type().IsRegular() {
			return nil
		}
		if looksLikeScenario(p) {
			add(p)
		} else {
			*ignored++
		}
		return nil
	})
}

func skipDir(name string) bool {
	return strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "node_modules" || name == "vendor"
}

// looksLikeScenario reports whether a YAML file has a top-level version: or
// producers: key, which every scenario has and a broken one usually keeps.
func looksLikeScenario(path string) bool {
	data, err := safefile.Read(path, 4<<20)
	if err != nil {
		var tl *safefile.TooLargeError
		return errors.As(err, &tl) // too large is a scenario the loader refuses, not another file
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "version:") || strings.HasPrefix(line, "producers:") {
			return true
		}
	}
	return false
}

// shardOf is the shard (0-based, of n) a scenario file belongs to: a hash of
// its slash-separated path, so every machine splits a suite the same way and
// a new file moves no other.
func shardOf(path string, n int) int {
	h := fnv.New32a()
	h.Write([]byte(filepath.ToSlash(filepath.Clean(path))))
	return int(h.Sum32() % uint32(n))
}

// parseShard reads --shard i/n (1-based, as Playwright and Jest count).
func parseShard(s string) (i, n int, err error) {
	if _, err := fmt.Sscanf(s, "%d/%d", &i, &n); err != nil || n < 1 || i < 1 || i > n || fmt.Sprintf("%d/%d", i, n) != s {
		return 0, 0, fmt.Errorf("--shard %q: expected i/n with 1 ≤ i ≤ n, such as 2/4", s)
	}
	return i, n, nil
}
