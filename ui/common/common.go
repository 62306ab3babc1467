// Package common is what the root model and every screen share: the Common
// context (styles, keys, backend, file store, built-in scenarios, the
// estimator), the Screen contract, the cross-screen messages, the advisor's
// findings as screens draw them, and number formatting.
//
// It lives apart from package ui because screens are packages of their own
// and ui imports them. Imports: bubbletea, bubbles, lipgloss, backends,
// pipeline, pipeline/advice, ui/styles, ui/keys, ui/layout.
package common

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/streamsim/streamsim/backends"
	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/ui/keys"
	"github.com/streamsim/streamsim/ui/styles"
)

// Common is the context every screen is built with.
type Common struct {
	Ctx      context.Context // runs end when it is cancelled
	Styles   *styles.Styles
	Keys     *keys.KeyMap
	Backend  backends.Backend
	Store    Store
	Builtins []Builtin
	// Estimate runs the builder's quick simulations; nil means none.
	Estimate Estimator
}

// Builtin is one scenario the picker offers.
type Builtin struct {
	Name     string
	Scenario *pipeline.Scenario
}

// Store reads and writes scenario files; the UI calls it only from commands.
type Store interface {
	// Load reads and validates the scenario at path.
	Load(path string) (*pipeline.Scenario, error)
	// Save writes data to path, replacing what is there.
	Save(path string, data []byte) error
}

// DiskStore is the Store of real files.
type DiskStore struct{}

// Load implements Store.
func (DiskStore) Load(path string) (*pipeline.Scenario, error) { return pipeline.LoadFile(path) }

// Save implements Store: it writes a temporary file beside path and renames
// it, so a failed save never leaves half a file.
func (DiskStore) Save(path string, data []byte) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, ".streamsim-*.yaml")
	if err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	tmp := f.Name()
	_, werr := f.Write(data)
	cerr := f.Close()
	if werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Chmod(tmp, 0o644)
	}
	if werr == nil {
		werr = os.Rename(tmp, path)
	}
	if werr != nil {
		os.Remove(tmp)
		return fmt.Errorf("save %s: %w", path, werr)
	}
	return nil
}

// Screen is what the root model asks of every screen.
type Screen interface {
	help.KeyMap
	// Update handles a message routed to the screen.
	Update(msg tea.Msg) tea.Cmd
	// View draws the screen in exactly the size last given to SetSize.
	View() string
	// SetSize gives the screen its rect (the terminal less the footer).
	SetSize(w, h int)
	// CapturesInput reports whether a text field has the keys: then the root
	// passes every key to the screen, q and ? included.
	CapturesInput() bool
}

// NewInput returns a text input with a steady cursor: no blink timers, so the
// program only redraws when something changes.
func NewInput() textinput.Model {
	in := textinput.New()
	in.Cursor.SetMode(cursor.CursorStatic)
	return in
}
