// Package e2e_test runs the whole TUI as a program (teatest) against the real
// simulator backend. It lives apart from the screens' tests because teatest
// registers its own -update flag, which must not meet internal/golden's in
// one test binary.
//
// Bubble Tea v2's renderer writes only the cells that change, with cursor
// moves between them, so the program's output is not the screen's text: the
// tests feed it to a virtual terminal (x/vt) and read the screen from there.
package e2e_test

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest/v2"
	"github.com/charmbracelet/x/vt"

	simbackend "github.com/streamsim/streamsim/backends/sim"
	"github.com/streamsim/streamsim/ui"
	"github.com/streamsim/streamsim/ui/common"
	"github.com/streamsim/streamsim/ui/uitest"
)

const (
	cols, rows = 120, 34
	patience   = 15 * time.Second // for a screen to show what a test waits for
)

// terminal is a virtual terminal fed with a program's output.
type terminal struct {
	tm  *teatest.TestModel
	emu *vt.Emulator
}

func start(t *testing.T, m ui.Model) *terminal {
	t.Helper()
	emu := vt.NewEmulator(cols, rows)
	// The emulator answers queries on a pipe that must be read. Closing the
	// pipe's writing end, not the emulator, ends the reader: Emulator.Close
	// races with Read.
	go func() { _, _ = io.Copy(io.Discard, emu) }()
	t.Cleanup(func() {
		if c, ok := emu.InputPipe().(io.Closer); ok {
			_ = c.Close()
		}
	})
	return &terminal{tm: teatest.NewTestModel(t, m, teatest.WithInitialTermSize(cols, rows)), emu: emu}
}

// screen is the terminal's text once the program's output so far is drawn.
// Without a terminal for input the renderer counts on the output's line
// discipline to turn a newline into carriage return and newline (ONLCR), as
// a pty does; the emulator is given that translation.
func (term *terminal) screen() string {
	b, _ := io.ReadAll(term.tm.Output())
	_, _ = term.emu.Write(bytes.ReplaceAll(b, []byte("\n"), []byte("\r\n")))
	return term.emu.String()
}

// waitFor polls the screen until it shows text, and fails with the screen
// after the patience runs out.
func (term *terminal) waitFor(t *testing.T, text string) {
	t.Helper()
	deadline := time.Now().Add(patience)
	for {
		s := term.screen()
		if strings.Contains(s, text) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("waited %s for %q; the screen:\n%s", patience, text, s)
		}
		time.Sleep(20 * time.Millisecond)
	}
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
	term := start(t, m)
	tm := term.tm
	term.waitFor(t, "Orders into a lake and a table")
	tm.Send(uitest.Key("r"))
	term.waitFor(t, "▶ running")
	term.waitFor(t, "write load") // the first snapshot is drawn
	tm.Send(uitest.Key(" "))
	term.waitFor(t, "‖ paused")
	tm.Send(uitest.Key("q"))
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
	term := start(t, m)
	tm := term.tm
	term.waitFor(t, "Orders into a lake and a table")
	tm.Send(uitest.Key("enter"))
	term.waitFor(t, "est. $")
	tm.Send(uitest.Key("r"))
	term.waitFor(t, "▶ running")
	for range 4 {
		tm.Send(uitest.Key("+"))
	}
	term.waitFor(t, "Hot key: partition key")
	term.waitFor(t, "advice (")
	tm.Send(uitest.Key("q"))
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
