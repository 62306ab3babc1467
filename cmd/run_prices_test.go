package cmd

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Costs are us-east-1 list prices; outside us-east-1 every output that prints
// them says so, and in us-east-1 none does.
func TestPricesNoteOutsideUSEast1(t *testing.T) {
	plainRunEnv(t)
	const note = "prices are us-east-1 list prices; eu-central-1 may differ"
	path := filepath.Join(t.TempDir(), "frankfurt.yaml")
	src := `version: 1
name: frankfurt
region: eu-central-1
duration: 5m
producers:
  - {id: p, rate: 100/s, to: [s]}
storage:
  - {id: s, service: kinesis-data-streams, shards: 1}
consumers:
  - {id: c, service: app, from: s, to: [lake]}
destinations:
  - {id: lake, service: s3}
`
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _ := wantCode(t, []string{"run", path}, 0)
	if !strings.Contains(out, "per month ("+note+")") {
		t.Errorf("run: the cost line lacks %q:\n%s", note, out)
	}
	out, _ = wantCode(t, []string{"run", path, "--json", "-"}, 0)
	var rep struct {
		Advice []struct{ Severity, Node, Message string }
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, a := range rep.Advice {
		found = found || a == struct{ Severity, Node, Message string }{"info", "pipeline", note}
	}
	if !found {
		t.Errorf("run --json: no info advice %q in %+v", note, rep.Advice)
	}
	for _, args := range [][]string{{"advise", path}, {"advise", path, "--json"}} {
		if out, _ := wantCode(t, args, 0); !strings.Contains(out, note) {
			t.Errorf("%s: lacks %q:\n%s", strings.Join(args, " "), note, out)
		}
	}
	for _, args := range [][]string{{"run", "seed-pipeline"}, {"run", "seed-pipeline", "--json", "-"}, {"advise", "seed-pipeline"}} {
		if out, _ := wantCode(t, args, 0); strings.Contains(out, "list prices") {
			t.Errorf("%s (us-east-1) mentions list prices:\n%s", strings.Join(args, " "), out)
		}
	}
}
