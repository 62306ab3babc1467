package cmd

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/streamsim/streamsim/backends"
	simbackend "github.com/streamsim/streamsim/backends/sim"
	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/scenarios"
)

// TestTUIAndRunTellTheSameStory: every built-in, run as the TUI runs it
// (the simulator backend as cmd/open.go makes it, at the fastest pace, its
// snapshots coalesced at 30 a second) and stepped tick by tick from a
// paused run (as single steps and the estimates do), ends with the report
// `run --json` writes, byte for byte: the same advisor findings and the
// same final metrics. Pacing changes how often the screen is drawn, never
// what the advisor or the report sees.
func TestTUIAndRunTellTheSameStory(t *testing.T) {
	for _, name := range scenarios.Names() {
		t.Run(name, func(t *testing.T) {
			want, err := os.ReadFile(filepath.Join("testdata", "reports", name+".json"))
			if err != nil {
				t.Fatal(err)
			}
			sc, err := scenarios.Load(name)
			if err != nil {
				t.Fatal(err)
			}
			b := simbackend.New(simbackend.Options{Paused: true})
			fastest := func(r backends.Run) {
				r.SetSpeed(0)
				r.Resume()
			}
			for _, pace := range []struct {
				name string
				go_  func(backends.Run)
			}{{"fastest", fastest}, {"single steps", nil}} {
				last := runAsTheTUIDoes(t, b, sc, pace.go_)
				rep, err := newRunReport(sc, last.Time, last.Metrics)
				if err != nil {
					t.Fatal(err)
				}
				var list []pipeline.Advice
				for _, f := range last.Findings {
					list = append(list, adviceOf(f))
				}
				rep.Advice = withPricesNote(list, sc.RegionOrDefault())
				var got bytes.Buffer
				if err := rep.WriteJSON(&got); err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got.Bytes(), want) {
					t.Errorf("%s: the TUI's run ends with another report than run --json:\n%s", pace.name, firstDiff(got.String(), string(want)))
				}
			}
		})
	}
}

// runAsTheTUIDoes starts sc on b and reads its snapshots to the last; go_
// lets it run, or (nil) it is stepped a tick at a time.
func runAsTheTUIDoes(t *testing.T, b *simbackend.Backend, sc *pipeline.Scenario, go_ func(backends.Run)) pipeline.Snapshot {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	r, err := b.Start(ctx, sc)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Stop()
	if go_ != nil {
		go_(r)
	}
	var last pipeline.Snapshot
	for s := range r.Snapshots() {
		last = s
		if go_ == nil && !s.Done {
			r.Step()
		}
	}
	if err := r.Err(); err != nil || !last.Done {
		t.Fatalf("the run ended at %s (done %v): %v", last.Time, last.Done, err)
	}
	return last
}

// adviceOf is a snapshot's finding as a report lists it.
func adviceOf(f pipeline.Finding) pipeline.Advice {
	msg := f.Problem
	if f.Fix != "" {
		msg += " Fix: " + f.Fix
	}
	return pipeline.Advice{Severity: f.Severity, Node: f.Node, Message: msg}
}
