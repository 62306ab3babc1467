package pipeline

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func builtinFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("../scenarios/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no built-in scenarios: %v", err)
	}
	return files
}

// An unchanged scenario saves as the file it was loaded from, byte for byte.
func TestEncodeFileRoundTripsEveryBuiltin(t *testing.T) {
	for _, f := range builtinFiles(t) {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			sc, err := Load(f, data)
			if err != nil {
				t.Fatal(err)
			}
			kept, ok := keepFile(sc, sc.Source)
			if !ok {
				t.Fatal("keepFile gave up")
			}
			if string(kept) != string(data) {
				t.Errorf("kept differs:\n%s", lineDiff(string(data), string(kept)))
			}
			out, err := EncodeFile(sc)
			if err != nil {
				t.Fatal(err)
			}
			if string(out) != string(data) {
				t.Errorf("EncodeFile fell back to the plain encoding")
			}
		})
	}
}

func lineDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	var out []string
	for i := 0; i < max(len(al), len(bl)); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			out = append(out, "- "+x, "+ "+y)
			if len(out) > 20 {
				break
			}
		}
	}
	return strings.Join(out, "\n")
}

// After edits the file keeps what still applies: comments of the nodes that
// stay, key order, blank lines, spellings of values that did not change.
func TestEncodeFileKeepsWhatStillApplies(t *testing.T) {
	data, err := os.ReadFile("../scenarios/seed-pipeline.yaml")
	if err != nil {
		t.Fatal(err)
	}
	sc, err := Load("seed-pipeline.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	web := sc.Node("web")
	v, err := ParseParam(web.Service, "rate", "1800/s")
	if err != nil {
		t.Fatal(err)
	}
	web.Params["rate"] = v
	sc.RemoveNode("iot")
	sc.RenameNode("clicks", "events")
	sc.Duration = 2 * 3600e9
	sc.Expect = append(sc.Expect, mustExpect(t, sc, "pipeline.lost_records <= 10"))
	out, err := EncodeFile(sc)
	if err != nil {
		t.Fatal(err)
	}
	text := string(out)
	for _, want := range []string{
		"# Browsers send page views and clicks through an API tier.\n  - id: web\n    kind: web\n    rate: 1800/s\n",
		"duration: 2h\ntick: 1s\n",
		"\n\nrequirements:\n",
		"    to: [events]\n",
		"  - id: events\n    service: kinesis-data-streams\n    mode: provisioned\n    shards: 4\n    retention: 24h\n",
		"  - pipeline.lost_records <= 10\n\nlesson:",
		"    - say: >-\n        Two producers write about 2,000 records/s of 1 KiB into 4 shards. Each\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "Devices report telemetry") {
		t.Error("the comment of the deleted node iot stays")
	}
	again, err := Load("seed-pipeline.yaml", out)
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := Encode(sc, false)
	want, _ := Load("x", plain)
	if d := sameScenario(want, again, false); d != "" {
		t.Fatalf("the kept file means something else: %s", d)
	}
}

// A scenario built in code has no file to keep: the plain encoding.
func TestEncodeFileWithoutSource(t *testing.T) {
	data, _ := os.ReadFile("../scenarios/seed-pipeline.yaml")
	sc, err := Load("seed-pipeline.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	sc.Source = nil
	a, _ := EncodeFile(sc)
	b, _ := Encode(sc, false)
	if string(a) != string(b) {
		t.Fatal("EncodeFile without a source is not Encode")
	}
}

func mustExpect(t *testing.T, sc *Scenario, line string) Expectation {
	t.Helper()
	e, err := sc.ParseExpect(line)
	if err != nil {
		t.Fatal(err)
	}
	return e
}
