// Package common is what the root model and every screen share: the Common
// context (styles, keys, backend, file store, built-in scenarios, the
// estimator), the Screen contract, the cross-screen messages, the advisor's
// findings as screens draw them, and number formatting.
//
// It lives apart from package ui because screens are packages of their own
// and ui imports them. Imports: bubbletea, bubbles, lipgloss, backends,
// pipeline, pipeline/advice, internal (progress, safefile, textsafe),
// ui/styles, ui/keys, ui/layout.
package common

import (
	"context"
	"errors"
	"fmt"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/streamsim/streamsim/backends"
	"github.com/streamsim/streamsim/internal/progress"
	"github.com/streamsim/streamsim/internal/safefile"
	"github.com/streamsim/streamsim/internal/textsafe"
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
	// Progress hears how the learner gets on with a lesson (the workshop
	// keeps it; a workshop room shows it on the instructor's board); nil: no one.
	// It is called from the program's event loop, in the order things
	// happen: it must not block (hand the value on, as a channel that keeps
	// the latest does).
	Progress func(LessonProgress)
	// Workshop, when set, makes the program a workshop; nil: the design tool.
	Workshop *Workshop
}

// Workshop is what `streamsim workshop` (or a workshop room) starts the
// program with: the picker lists the built-ins in workshop order with each
// lesson's progress, and a run follows its lesson from the start, waiting at
// every step that asks the learner something.
type Workshop struct {
	// Progress is each lesson's progress when the program started, by name.
	Progress map[string]progress.Lesson
	// Notice is said in the footer when the program starts (such as a
	// progress file that could not be read and starts afresh).
	Notice string
}

// LessonProgress is where a learner stands in a lesson: sent when a step is
// done, a prediction answered, or a run of a lesson starts or ends.
type LessonProgress struct {
	Scenario string  // the built-in's name (or the scenario's)
	Step     int     // the current step, 0-based; Steps when all are done
	Steps    int     // steps of the lesson
	Done     []bool  // per step
	BestErr  float64 // smallest relative error of a prediction so far; -1: none
	Ended    bool    // the run ended (or was left)
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
	// Save writes data to path. A file already there is replaced only when
	// overwrite is set (else the error is ErrExists), and keeps its mode; a
	// path that is not a regular file is refused.
	Save(path string, data []byte, overwrite bool) error
}

// ErrExists is Save's answer for a file it would replace without overwrite.
var ErrExists = errors.New("a file of that name exists")

// DiskStore is the Store of real files.
type DiskStore struct{}

// Load implements Store. A leading "~" is the home directory.
func (DiskStore) Load(path string) (*pipeline.Scenario, error) {
	return pipeline.LoadFile(ExpandHome(path))
}

// Save implements Store with a temporary file beside path, renamed onto it,
// so a failed save never leaves half a file or changes the one there. A
// leading "~" is the home directory.
func (DiskStore) Save(path string, data []byte, overwrite bool) error {
	path = ExpandHome(path)
	_, _, exists, err := safefile.Target(path, 0o644)
	if err == nil && exists && !overwrite {
		err = ErrExists
	}
	if err == nil {
		err = safefile.Write(path, data, 0o644)
	}
	if err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	return nil
}

// ConfirmAskedMsg asks the user a yes/no question in the footer: yes runs
// Yes (a command, or one that emits a message back to the screen that asked),
// no posts NoStatus when it is set. AltKey, when set, is a third answer
// (such as "s": save first) that runs Alt; AltDesc says what it does in the
// help bar.
type ConfirmAskedMsg struct {
	Question string
	Yes      tea.Cmd
	NoStatus string

	AltKey, AltDesc string
	Alt             tea.Cmd
}

// OverwriteAsked is the question of a save that would replace the file at
// path; retry is the same save allowed to overwrite.
func OverwriteAsked(path string, retry tea.Cmd) ConfirmAskedMsg {
	return ConfirmAskedMsg{Question: textsafe.Line(path) + " exists: replace it? y replace · n keep it",
		Yes: retry, NoStatus: "not saved"}
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

// NewInput returns a text input in the theme's styles, with a steady cursor:
// no blink timers, so the program only redraws when something changes. A
// screen gives its inputs the new styles on StylesChangedMsg.
func NewInput(st *styles.Styles) textinput.Model {
	in := textinput.New()
	in.SetStyles(st.Input)
	return in
}
