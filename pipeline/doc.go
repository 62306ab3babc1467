// Package pipeline is streamsim's domain: the node kinds and the service
// catalog (keys, defaults, AWS ranges, legal connections, limits and prices in
// facts.go), the rule book those limits come from (rules*.go, one id per
// rule), the Scenario (graph, timeline, expect, requirements, lesson), YAML
// loading with file:line:col errors, validation that reports every problem,
// units, metric names, diagrams, Snapshots (what a running pipeline looks
// like) and reports.
//
// It is pure Go: it imports the standard library, go.yaml.in/yaml/v3 (the
// YAML parser), goccy/go-yaml (only for where a syntax error is) and
// internal/textsafe and internal/safefile — no bubbletea, no AWS SDK, no
// goroutines. Everything else imports it.
package pipeline
