// Package e2e_test runs the whole TUI as a program (teatest) against the real
// simulator backend. It lives apart from the screens' tests because teatest
// registers its own -update flag, which must not meet internal/golden's in
// one test binary.
package e2e_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	simbackend "github.com/streamsim/streamsim/backends/sim"
	"github.com/streamsim/streamsim/ui"
	"github.com/streamsim/streamsim/ui/common"
	"github.com/streamsim/streamsim/ui/uitest"
)

func TestMain(m *testing.M) { uitest.Main(m) }

func key(s string) tea.KeyMsg {
	if s == " " {
		return tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)}
}

func waitFor(t *testing.T, tm *teatest.TestModel, text string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(text)) },
		teatest.WithDuration(15*time.Second), teatest.WithCheckInterval(20*time.Millisecond))
}

// TestPickRunPauseQuit is the first minute of a workshop: pick a scenario,
// run it, pause it, quit.
func TestPickRunPauseQuit(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	m := ui.New(ui.Options{
		Ctx:     ctx,
		Backend: simbackend.New(simbackend.Options{Paused: true}),
		Store:   uitest.NewMemStore(nil),
		Builtins: []common.Builtin{
			{Name: "shop", Scenario: uitest.Load(t, "shop", uitest.ShopYAML)},
			{Name: "tiny", Scenario: uitest.Load(t, "tiny", uitest.TinyYAML)},
		},
	})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(120, 34))
	waitFor(t, tm, "Orders into a lake and a table")
	tm.Send(key("r"))
	waitFor(t, tm, "▶ running")
	waitFor(t, tm, "write load") // the first snapshot is drawn
	tm.Send(key(" "))
	waitFor(t, tm, "‖ paused")
	tm.Send(key("q"))
	final, ok := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(ui.Model)
	if !ok {
		t.Fatal("the final model is not ui.Model")
	}
	if final.Screen() != ui.DashboardScreen || final.Dashboard().Running() {
		t.Fatalf("after q: on %v, run still going %v", final.Screen(), final.Dashboard().Running())
	}
	if s, ok := final.Dashboard().Snapshot(); !ok || s.Time <= 0 {
		t.Fatalf("no snapshot was drawn (%v)", s.Time)
	}
}

// TestEstimateThenAdvice opens a scenario in the builder, where a short
// simulation estimates it, then runs it and waits for the advisor to name
// the hot key, with its fix, on the dashboard.
func TestEstimateThenAdvice(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	m := ui.New(ui.Options{
		Ctx:     ctx,
		Backend: simbackend.New(simbackend.Options{Paused: true}),
		Store:   uitest.NewMemStore(nil),
		Builtins: []common.Builtin{
			{Name: "shop", Scenario: uitest.Load(t, "shop", uitest.ShopYAML)},
		},
	})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(120, 34))
	waitFor(t, tm, "Orders into a lake and a table")
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	waitFor(t, tm, "est. $")
	tm.Send(key("r"))
	waitFor(t, tm, "▶ running")
	for range 4 {
		tm.Send(key("+"))
	}
	waitFor(t, tm, "Hot key: partition key")
	waitFor(t, tm, "advice (")
	tm.Send(key("q"))
	final, ok := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(ui.Model)
	if !ok {
		t.Fatal("the final model is not ui.Model")
	}
	f := final.Dashboard().Findings()
	if len(f) == 0 || f[0].Node != "stream" {
		t.Fatalf("findings %+v", f)
	}
	if e, _ := final.Builder().Estimate(); e == nil || e.CostMonthly <= 0 {
		t.Fatalf("estimate %+v", e)
	}
}
