package pipeline

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The fuzz targets run their seeds and testdata/fuzz/<Name>/ as ordinary tests;
// fuzz with, e.g., go test ./pipeline -run '^$' -fuzz FuzzLoad -fuzztime 3m -parallel 1

func FuzzParseDuration(f *testing.F) {
	for _, s := range []string{"500ms", "90s", "5m", "2h", "1h30m", "7d", "0", "90", "-5s", "1e3s",
		"0.000001ms", "1.5h", "106751d", "1d0.5ms", "3.3333333333s"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDuration(s)
		if err != nil {
			return
		}
		if d < 0 {
			t.Fatalf("ParseDuration(%q) = %v, negative", s, d)
		}
		text := FormatDuration(d)
		back, err := ParseDuration(text)
		if err != nil || back != d {
			t.Fatalf("ParseDuration(%q) = %d; written %q, read back as %d, %v", s, d, text, back, err)
		}
	})
}

func FuzzParseSize(f *testing.F) {
	for _, s := range []string{"512B", "1KiB", "5MiB", "1GiB", "1KB", "1MB", "100", "1.5", "-1", "1e3",
		"0.1B", "0.3KB", "123456789.123456789GiB"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseSize(s)
		if err != nil {
			return
		}
		if n < 0 || math.IsNaN(n) || math.IsInf(n, 0) || n != math.Round(n) {
			t.Fatalf("ParseSize(%q) = %v: not a whole number of bytes", s, n)
		}
		text := FormatSize(n)
		back, err := ParseSize(text)
		if err != nil || back != n {
			t.Fatalf("ParseSize(%q) = %v; written %q, read back as %v, %v", s, n, text, back, err)
		}
	})
}

func FuzzParseRate(f *testing.F) {
	for _, s := range []string{"2000/s", "120/m", "1.5k/s", "5MiB/s", "200KB/s", "2000/sec", "1M/h",
		"100B/m", "0.1/s", "7B/h", "-1/s", "1e3/s"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRate(s)
		if err != nil {
			return
		}
		if r.PerSec < 0 || math.IsNaN(r.PerSec) || math.IsInf(r.PerSec, 0) {
			t.Fatalf("ParseRate(%q) = %+v", s, r)
		}
		// Encode writes rates with Value.String, or another spelling where that
		// does not read back exactly (bytes per minute or hour).
		v := Value{Kind: KindRate, Rate: r, Num: r.PerSec}
		text := formatValue(v)
		back, err := ParseRate(text)
		if err != nil || back != r {
			t.Fatalf("ParseRate(%q) = %+v; written %q, read back as %+v, %v", s, r, text, back, err)
		}
	})
}

func FuzzLoad(f *testing.F) {
	for _, dir := range []string{"good", "bad"} {
		files, _ := filepath.Glob(filepath.Join("testdata", dir, "*.yaml"))
		for _, name := range files {
			data, err := os.ReadFile(name)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
	f.Fuzz(checkLoad)
}

// settingTemplate has one node of every service; FuzzLoadSetting adds one
// line to one of them (or to the timeline, or to expect).
var settingTemplate = []string{`version: 1
name: fuzz
producers:
  - id: p
    rate: 100/s
    to: [kds, fh]
`, `storage:
  - id: kds
    service: kinesis-data-streams
`, `  - id: msk
    service: msk
`, `  - id: mss
    service: msk-serverless
`, `  - id: kvs
    service: kinesis-video-streams
`, `consumers:
  - id: fh
    service: firehose
    to: [s3]
`, `  - id: flink
    service: flink
    from: kds
    to: [ddb]
`, `  - id: glue
    service: glue-streaming
    from: msk
    to: [rs]
`, `  - id: emr
    service: emr
    from: mss
    to: [s3]
`, `  - id: fn
    service: lambda
    from: kds
    to: [os]
`, `  - id: app
    service: app
    from: kvs
    to: [s3]
`, `destinations:
  - id: s3
    service: s3
`, `  - id: rs
    service: redshift
`, `  - id: ddb
    service: dynamodb
`, `  - id: os
    service: opensearch
`, `timeline:
  - at: 1m
    set: {p.rate: 200/s}
`, `expect:
  - pipeline.lost_records == 0
`}

// FuzzLoadSetting explores node settings, timeline changes and expectations
// rather than YAML syntax: it writes "key: value" into one part of a valid file.
func FuzzLoadSetting(f *testing.F) {
	seeds := []struct {
		part       uint8
		key, value string
	}{
		{0, "record_size", "{mean: 2KiB, max: 1MiB}"}, {0, "pattern", "{shape: ramp, to: 5MiB/s}"},
		{1, "shards", "100000"}, {1, "max_record_size", "10MiB"}, {2, "brokers", "5"}, {2, "broker_type", "kafka.t3.small"},
		{5, "buffer", "{size: 200MiB, interval: 2000s}"}, {5, "format", "parquet"}, {6, "read", "enhanced-fan-out"},
		{9, "batch_window", "301s"}, {10, "capacity", "1.5k/s"}, {13, "mode", "on-demand"},
		{0, "pattern", "{series: [1200/s, 1350/s], every: 30s}"}, {0, "keys", "{dist: per-shard, shares: [100%]}"},
		{1, "hash_ranges", `[["0", "340282366920938463463374607431768211455"]]`},
		{15, "fail", "flink"}, {15, "for", "0s"}, {16, "", "p.records_in >= 1k"}, {16, "", "kds.max_shard_utilization < 80%"},
	}
	for _, sd := range seeds {
		f.Add(sd.part, sd.key, sd.value)
	}
	f.Fuzz(func(t *testing.T, part uint8, key, value string) {
		var b strings.Builder
		n := int(part) % len(settingTemplate)
		for i, p := range settingTemplate {
			b.WriteString(p)
			if i != n {
				continue
			}
			if n == len(settingTemplate)-1 {
				fmt.Fprintf(&b, "  - %s\n", value) // an expect line
			} else {
				fmt.Fprintf(&b, "    %s: %s\n", key, value)
			}
		}
		checkLoad(t, []byte(b.String()))
	})
}

// checkLoad loads data and checks the properties every input must have: no
// panic; problems all have a place and a message; what loads encodes, in both
// forms, to files that load back to the same scenario.
func checkLoad(t *testing.T, data []byte) {
	s, err := Load("fuzz.yaml", data)
	if err != nil {
		var ps Problems
		if !errors.As(err, &ps) || len(ps) == 0 {
			t.Fatalf("error %T %v is not Problems", err, err)
		}
		if s != nil {
			t.Fatal("scenario returned with problems")
		}
		for _, p := range ps {
			if p.File != "fuzz.yaml" || p.Pos.Line < 1 || p.Pos.Col < 1 || p.Msg == "" {
				t.Fatalf("problem without position or message: %#v", p)
			}
		}
		return
	}
	// What loads saves, and what is saved loads back the same.
	for _, normalised := range []bool{false, true} {
		out, err := Encode(s, normalised)
		if err != nil {
			t.Fatalf("Encode(normalised=%v): %v", normalised, err)
		}
		back, err := Load("fuzz.yaml", out)
		if err != nil {
			t.Fatalf("Encode(normalised=%v) gives a file that does not load:\n%v\n%s", normalised, err, out)
		}
		if d := sameScenario(s, back, normalised); d != "" {
			t.Fatalf("Encode(normalised=%v) round trip: %s\n%s", normalised, d, out)
		}
	}
}
