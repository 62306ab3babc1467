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

// Names lists the built-in scenarios in workshop order. A name is the file name without
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
	sort.SliceStable(out, func(i, j int) bool { return rank(out[i]) < rank(out[j]) })
	return out
}

// workshopOrder is the order docs/workshop.md walks the built-ins in: the seed
// pipeline first, then one limit at a time, then whole architectures. Others
// follow in name order.
var workshopOrder = []string{
	"seed-pipeline", "hot-partition-key", "firehose-buffering", "polling-vs-enhanced-fan-out",
	"provisioned-vs-on-demand", "lambda-poison-record", "retention-consumer-outage",
	"retail-clickstream", "iot-telemetry", "security-log-analytics", "fraud-detection-msk",
	"stock-market-emr", "video-ingestion-kvs",
}

func rank(name string) string {
	for i, n := range workshopOrder {
		if n == name {
			return fmt.Sprintf("%03d", i)
		}
	}
	return "999" + name
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
