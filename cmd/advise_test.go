package cmd

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/streamsim/streamsim/internal/golden"
	"github.com/streamsim/streamsim/scenarios"
)

// TestAdviseGolden pins the advice for built-ins (rewrite with -update).
func TestAdviseGolden(t *testing.T) {
	plainRunEnv(t)
	for _, name := range []string{"seed-pipeline", "hot-partition-key"} {
		t.Run(name, func(t *testing.T) {
			out, stderr := wantCode(t, []string{"advise", name}, 0)
			if stderr != "" {
				t.Errorf("stderr: %s", stderr)
			}
			golden.Check(t, "testdata/advise/"+name+".golden", out)
		})
	}
}

// TestAdviseEveryBuiltin: every built-in gets advice in every section.
func TestAdviseEveryBuiltin(t *testing.T) {
	plainRunEnv(t)
	for _, name := range scenarios.Names() {
		t.Run(name, func(t *testing.T) {
			out, _ := wantCode(t, []string{"advise", name}, 0)
			for _, want := range []string{"advise " + name, "\nstorage\n", "\nflags\n", "\ncost per month (simulated ", "\ndiagnosis of the simulated run\n"} {
				if !strings.Contains(out, want) {
					t.Errorf("output lacks %q:\n%s", want, out)
				}
			}
			if strings.ContainsAny(out, "\x1b") {
				t.Error("escape codes in plain output")
			}
		})
	}
}

func TestAdviseHotKey(t *testing.T) {
	plainRunEnv(t)
	out, _ := wantCode(t, []string{"advise", "hot-partition-key"}, 0)
	flat := strings.Join(strings.Fields(out), " ")
	for _, want := range []string{
		"critical events: salt the key",
		"resharding will not help a single hot key",
		"Kinesis provisioned vs on-demand: events",
		"critical events: Hot key: partition key",
		"no shard count can fix it",
	} {
		if !strings.Contains(flat, want) {
			t.Errorf("advice lacks %q:\n%s", want, out)
		}
	}
}

func TestAdviseJSON(t *testing.T) {
	plainRunEnv(t)
	out, _ := wantCode(t, []string{"advise", "hot-partition-key", "--json"}, 0)
	var r struct {
		Scenario        string `json:"scenario"`
		Recommendations []struct {
			Kind, Node, Choice, Current, Rule, Why, Severity string
			Keep                                             bool
		} `json:"recommendations"`
		Costs []struct {
			Node       string  `json:"node"`
			MonthlyUSD float64 `json:"monthly_usd"`
		} `json:"costs"`
		CostTotalUSD float64 `json:"cost_total_usd"`
		BreakEven    []struct {
			Node    string   `json:"node"`
			Shards  int      `json:"shards"`
			Summary []string `json:"summary"`
		} `json:"break_even"`
		Advice []struct{ Severity, Node, Message string } `json:"advice"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var top map[string]json.RawMessage
	_ = json.Unmarshal([]byte(out), &top)
	for _, k := range []string{"scenario", "recommendations", "costs", "cost_total_usd", "budget_usd", "break_even", "advice"} {
		if _, ok := top[k]; !ok {
			t.Errorf("no %q in the JSON", k)
		}
	}
	if r.Scenario != "hot-partition-key" || len(r.Recommendations) == 0 || len(r.Costs) == 0 || r.CostTotalUSD <= 0 ||
		len(r.BreakEven) != 1 || r.BreakEven[0].Node != "events" || len(r.Advice) == 0 {
		t.Errorf("report = %+v", r)
	}
	kinds := map[string]bool{}
	for _, x := range r.Recommendations {
		kinds[x.Kind] = true
		if x.Rule == "" || x.Why == "" {
			t.Errorf("recommendation without rule or why: %+v", x)
		}
	}
	for _, k := range []string{"storage", "consumer", "read mode", "flag"} {
		if !kinds[k] {
			t.Errorf("no %s recommendation", k)
		}
	}
	if again, _ := wantCode(t, []string{"advise", "hot-partition-key", "--json"}, 0); again != out {
		t.Error("advise --json differs between runs")
	}
}

func TestAdviseErrors(t *testing.T) {
	plainRunEnv(t)
	for _, tc := range []struct {
		args   []string
		stderr string
	}{
		{[]string{"advise", "testdata/bad-rate.yaml"}, "producers[0].rate"},
		{[]string{"advise", "testdata/no-such-file.yaml"}, "no such file"},
		{[]string{"advise"}, "--help' for usage"},
	} {
		_, stderr := wantCode(t, tc.args, 2)
		if !strings.Contains(stderr, tc.stderr) {
			t.Errorf("%v: stderr lacks %q:\n%s", tc.args, tc.stderr, stderr)
		}
	}
}
