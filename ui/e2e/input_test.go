package e2e_test

import (
	"bytes"
	"context"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/vt"

	"github.com/streamsim/streamsim/backends/fake"
	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/ui"
	"github.com/streamsim/streamsim/ui/common"
	"github.com/streamsim/streamsim/ui/uitest"
)

// syncBuffer is the program's output, read while it is written.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) take() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := append([]byte(nil), s.b.Bytes()...)
	s.b.Reset()
	return out
}

// rawProgram runs the TUI with its input read from a pipe, as a terminal's
// bytes: Bubble Tea decodes them itself, so what arrives together in one
// write is what a fast typist, a paste or a slow SSH link sends.
type rawProgram struct {
	in   *io.PipeWriter
	out  *syncBuffer
	emu  *vt.Emulator
	done chan tea.Model
}

func startRaw(t *testing.T, w, h int) *rawProgram {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	m := ui.New(ui.Options{
		Ctx: ctx, Backend: &fake.Backend{}, Store: uitest.NewMemStore(nil),
		Estimator: func(context.Context, *pipeline.Scenario) (common.Estimate, error) { return common.Estimate{}, nil },
		Builtins: []common.Builtin{
			{Name: "shop", Scenario: uitest.Load(t, "shop", uitest.ShopYAML)},
			{Name: "tiny", Scenario: uitest.Load(t, "tiny", uitest.TinyYAML)},
		},
	})
	pr, pw := io.Pipe()
	p := &rawProgram{in: pw, out: &syncBuffer{}, emu: vt.NewEmulator(w, h), done: make(chan tea.Model, 1)}
	go func() { _, _ = io.Copy(io.Discard, p.emu) }()
	prog := tea.NewProgram(m, tea.WithInput(pr), tea.WithOutput(p.out), tea.WithWindowSize(w, h), tea.WithoutSignals())
	go func() {
		final, err := prog.Run()
		if err != nil {
			t.Errorf("program: %v", err)
		}
		p.done <- final
	}()
	t.Cleanup(func() {
		prog.Kill()
		_ = pw.Close()
		if c, ok := p.emu.InputPipe().(io.Closer); ok {
			_ = c.Close()
		}
	})
	return p
}

func (p *rawProgram) screen() string {
	_, _ = p.emu.Write(bytes.ReplaceAll(p.out.take(), []byte("\n"), []byte("\r\n")))
	return p.emu.String()
}

func (p *rawProgram) waitFor(t *testing.T, text string) {
	t.Helper()
	deadline := time.Now().Add(patience)
	for {
		s := p.screen()
		if strings.Contains(s, text) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("waited %s for %q; the screen:\n%s", patience, text, s)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// write sends bytes in one write, as a terminal does with what it has.
func (p *rawProgram) write(t *testing.T, s string) {
	t.Helper()
	if _, err := p.in.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
}

func (p *rawProgram) final(t *testing.T) ui.Model {
	t.Helper()
	select {
	case m := <-p.done:
		return m.(ui.Model)
	case <-time.After(patience):
		t.Fatalf("the program did not end; the screen:\n%s", p.screen())
	}
	return ui.Model{}
}

// Keys that arrive in one write each do what they do: "jj" moves down
// twice, and "/tiny\r" filters and keeps the filter; a bracketed paste goes
// into the field being typed.
func TestKeysInOneWrite(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {160, 48}} {
		p := startRaw(t, sz[0], sz[1])
		p.waitFor(t, "Orders into a lake and a table")
		p.write(t, "jjk") // down, down (stays on the last), up
		p.waitFor(t, "> shop")
		p.write(t, "j/")
		p.waitFor(t, "> tiny")
		p.write(t, "\x1b[200~sho\x1b[201~") // a bracketed paste into the filter
		p.waitFor(t, "1 of 2 scenarios")
		p.write(t, "\r")
		p.waitFor(t, "enter open")
		p.write(t, "q")
		final := p.final(t)
		if b, ok := final.Picker().Selected(); !ok || b.Name != "shop" {
			t.Fatalf("%dx%d: selected %+v", sz[0], sz[1], b)
		}
	}
}
