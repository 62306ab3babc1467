// Package scenarios holds the built-in scenarios: YAML files embedded in the
// binary, so that `streamsim run seed-pipeline` works without a checkout.
//
// It owns nothing but those files and the lookup of them by name. It may import
// the standard library and pipeline (to load a file), nothing else.
package scenarios

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/streamsim/streamsim/pipeline"
)

//go:embed *.yaml
var files embed.FS

// Names lists the built-in scenarios, sorted. A name is the file name without
// ".yaml", and equals the `name:` inside the file.
func Names() []string {
	entries, err := fs.ReadDir(files, ".")
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		if name, ok := strings.CutSuffix(e.Name(), ".yaml"); ok && !e.IsDir() {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// FileName is the name under which a built-in's problems are reported:
// "seed-pipeline" (or "seed-pipeline.yaml") gives "seed-pipeline.yaml".
func FileName(name string) string {
	return strings.TrimSuffix(name, ".yaml") + ".yaml"
}

// Read returns the YAML of the built-in scenario name ("seed-pipeline" or
// "seed-pipeline.yaml"), and whether there is one.
func Read(name string) ([]byte, bool) {
	if name == "" || strings.ContainsAny(name, `/\`) || path.Clean(name) != name {
		return nil, false
	}
	data, err := files.ReadFile(FileName(name))
	if err != nil {
		return nil, false
	}
	return data, true
}

// Load parses and validates the built-in scenario name. Problems name the file as
// "NAME.yaml".
func Load(name string) (*pipeline.Scenario, error) {
	data, ok := Read(name)
	if !ok {
		return nil, fmt.Errorf("no built-in scenario named %q", strings.TrimSuffix(name, ".yaml"))
	}
	return pipeline.Load(FileName(name), data)
}
