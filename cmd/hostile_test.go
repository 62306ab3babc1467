package cmd

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/streamsim/streamsim/internal/textsafe"
	"github.com/streamsim/streamsim/pipeline"
)

// hostile are texts a file, an argument or a report may carry to act on the
// terminal of whoever runs streamsim: a clipboard write (OSC 52), a window
// title, a screen clear, a forged verdict line, C1 controls, bidi overrides,
// zero-width characters and bytes that are not UTF-8.
var hostile = []string{
	"\x1b]52;c;aGVsbG8=\a",
	"\x1b]0;owned\x07",
	"\x1b[2J\x1b[H",
	"x\n✓ PASS  all expectations hold\r",
	"\u009b31m\u0085next",
	"invoice\u202efdp.exe\u2066",
	"zero\u200bwidth\ufeff",
	"\xff\xfe\x00",
	"\v\f\b",
}

// rawControl finds a byte or character in out that a terminal would act on or
// that hides what the text says; newlines and tabs are the output's own.
func rawControl(out string) (string, bool) {
	if i := textsafe.Bad(out, true); i >= 0 {
		r, _ := utf8.DecodeRuneInString(out[i:])
		return fmt.Sprintf("%q at byte %d: …%q…", r, i, out[max(0, i-30):min(len(out), i+30)]), true
	}
	return "", false
}

// hostileScenario is a runnable scenario with s in every free-text place the
// format has (title, description, a lesson step, an expect line, a key and a
// value); JSON strings are YAML double-quoted scalars, so s arrives decoded.
func hostileScenario(s string) string {
	q, _ := json.Marshal(s)
	return fmt.Sprintf(`version: 1
name: hostile
title: %[1]s
description: %[1]s
duration: 2m
producers:
  - {id: web, rate: 100/s, to: [clicks]}
storage:
  - {id: clicks, service: kinesis-data-streams, shards: 1}
consumers:
  - {id: delivery, service: firehose, from: clicks, format: %[1]s, to: [lake]}
destinations:
  - {id: lake, service: s3, %[1]s: 1}
expect:
  - %[1]s
  - "pipeline.lost_records == 0"
lesson:
  steps:
    - say: %[1]s
`, q)
}

// hostileReport is a JSON report with s in every string field compare reads.
func hostileReport(s string) string {
	q, _ := json.Marshal(s)
	return fmt.Sprintf(`{"scenario": %[1]s, "seed": 1, "backend": %[1]s, "duration_s": 60, "passed": true,
"metrics": {%[1]s: 1, "pipeline.lost_records": 0},
"expectations": [{"expr": %[1]s, "value": 0, "passed": true}],
"advice": [{"severity": %[1]s, "node": %[1]s, "message": %[1]s}]}`, q)
}

// hostileCommands are the command lines tried for one hostile text: the text
// in the scenario (as a file and as a valid file that quotes it nowhere), in
// the file's name, in every flag value and in a report.
func hostileCommands(t *testing.T, s string) [][]string {
	dir := t.TempDir()
	write := func(name, data string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Skip("cannot write", p, err) // a name this file system refuses
		}
		return p
	}
	bad := write("bad.yaml", hostileScenario(s))
	good, err := os.ReadFile("testdata/run/no-expect.yaml")
	if err != nil {
		t.Fatal(err)
	}
	ok := write("ok.yaml", string(good))
	name := strings.NewReplacer("/", "_", "\x00", "_").Replace(s)
	named := write(name+".yaml", string(good))
	rep := write("r.json", hostileReport(s))
	cmds := [][]string{{s}, {"--" + s}, {"run", s}, {"help", s}, {"explain", s}}
	for _, file := range []string{bad, named} {
		cmds = append(cmds,
			[]string{"validate", file},
			[]string{"run", file, "--quiet"},
			[]string{"run", file, "--json", "-"},
			[]string{"run", file, "--junit", "-"},
			[]string{"advise", file},
			[]string{"advise", file, "--json"},
			[]string{"graph", file, "--format", "dot"},
			[]string{"graph", file},
			[]string{"metrics", file},
			[]string{"test", file, "--format", "github"},
			[]string{"open", file},
		)
	}
	if d, err := pipeline.ParseDuration(s); err != nil || d <= 10*time.Minute {
		cmds = append(cmds, []string{"run", ok, "--duration", s}) // longer runs are slow, not hostile
	}
	return append(cmds,
		[]string{"run", ok, "--set", s},
		[]string{"run", ok, "--set", "lake." + s + "=1"},
		[]string{"run", ok, "--set", "web.rate=" + s},
		[]string{"run", ok, "--seed", s},
		[]string{"run", ok, "--json", filepath.Join(dir, s, "x")},
		[]string{"run", ok, "--baseline", rep, "--quiet"},
		[]string{"run", ok, "--backend", s},
		[]string{"size", ok, "--target", s},
		[]string{"size", ok, "--vary", s},
		[]string{"graph", ok, "--format", s},
		[]string{"compare", rep, rep},
		[]string{"compare", rep, named},
	)
}

func checkHostile(t *testing.T, s string) {
	for _, args := range hostileCommands(t, s) {
		_, stdout, stderr := run(t, args...)
		for name, out := range map[string]string{"stdout": stdout, "stderr": stderr} {
			if what, bad := rawControl(out); bad {
				t.Errorf("streamsim %q: %s has %s", args, name, what)
			}
		}
	}
}

// TestHostileText runs every command on each hostile text: nothing it prints
// may hold a raw control, bidi or zero-width character.
func TestHostileText(t *testing.T) {
	for i, s := range hostile {
		t.Run(fmt.Sprint(i), func(t *testing.T) { checkHostile(t, s) })
	}
}

// FuzzHostileText is TestHostileText over generated texts
// (go test ./cmd -run '^$' -fuzz FuzzHostileText).
func FuzzHostileText(f *testing.F) {
	for _, s := range hostile {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 200 {
			return
		}
		checkHostile(t, s)
	})
}
