package advice

import (
	"strings"
	"testing"

	"github.com/streamsim/streamsim/pipeline"
)

// pipe assembles a scenario file from its sections (each already indented
// YAML list items, or "" to leave the section out). The header sets a short
// run so tests stay fast.
func pipe(header, req, producers, storage, consumers, destinations string) string {
	var b strings.Builder
	b.WriteString("version: 1\nname: t\n")
	if header == "" {
		header = "duration: 10m\n"
	}
	b.WriteString(header)
	if req != "" {
		b.WriteString("requirements:\n" + req)
	}
	for _, s := range []struct{ name, body string }{
		{"producers", producers}, {"storage", storage}, {"consumers", consumers}, {"destinations", destinations},
	} {
		if s.body != "" {
			b.WriteString(s.name + ":\n" + s.body)
		}
	}
	return b.String()
}

// load parses a scenario written in a test.
func load(t testing.TB, text string) *pipeline.Scenario {
	t.Helper()
	s, err := pipeline.Load("test.yaml", []byte(text))
	if err != nil {
		t.Fatalf("scenario does not load: %v\n%s", err, text)
	}
	return s
}

// Common building blocks.
const (
	// A producer of 2,000 records/s of 1 KiB over evenly spread keys.
	prodEven = `  - id: app
    rate: 2000/s
    record_size: 1KiB
    keys: {dist: uniform, count: 2000}
    to: [stream]
`
	kds4 = `  - id: stream
    service: kinesis-data-streams
    shards: 4
`
	firehoseToLake = `  - id: delivery
    service: firehose
    from: stream
    to: [lake]
`
	lake = `  - id: lake
    service: s3
`
	kds1 = "  - id: stream\n    service: kinesis-data-streams\n    shards: 1\n"
	kds2 = "  - id: stream\n    service: kinesis-data-streams\n    shards: 2\n"
	kds8 = "  - id: stream\n    service: kinesis-data-streams\n    shards: 8\n"
	// An app consumer of the stream delivering to the lake (no buffering).
	appToLake = "  - id: c\n    service: app\n    from: stream\n    to: [lake]\n"
)
