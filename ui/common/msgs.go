package common

import (
	"charm.land/bubbles/v2/key"

	"github.com/streamsim/streamsim/pipeline"
)

// ScenarioOpenedMsg asks the root to show a scenario in the builder. Path is
// the file it came from ("" for a built-in or a new pipeline: saving asks).
type ScenarioOpenedMsg struct {
	Scenario *pipeline.Scenario
	Path     string
}

// RunRequestedMsg asks the root to run a scenario on the dashboard. With
// Open the scenario is also loaded into the builder (esc returns there);
// without it the builder already holds it.
type RunRequestedMsg struct {
	Scenario *pipeline.Scenario
	Path     string
	Open     bool
}

// BuilderRequestedMsg asks the root to go back to the builder.
type BuilderRequestedMsg struct{}

// QuitRequestedMsg asks the root to quit, asking first as q does when work
// would be lost.
type QuitRequestedMsg struct{}

// PickerRequestedMsg asks the root to go back to the picker.
type PickerRequestedMsg struct{}

// StatusPostedMsg shows a line in the footer: an error stays until the next
// key, information fades after a few seconds.
type StatusPostedMsg struct {
	Text string
	Err  bool
}

// Status returns a StatusPostedMsg with information.
func Status(format string, args ...any) StatusPostedMsg {
	return StatusPostedMsg{Text: sprintf(format, args...)}
}

// Error returns a StatusPostedMsg with an error.
func Error(err error) StatusPostedMsg { return StatusPostedMsg{Text: err.Error(), Err: true} }

// MainKeyer is a screen that names its main actions: the help bar shows
// them first and always, whatever else it has to leave out.
type MainKeyer interface {
	MainKeys() []key.Binding
}

// SaveRequestedMsg asks the builder to save its scenario (s on another
// screen): to Path, or to its own file when Path is "".
type SaveRequestedMsg struct{ Path string }

// StylesChangedMsg says that the root rebuilt Common.Styles in place (the
// terminal answered with its background colour): screens give the styles
// they hold copies of, such as their text inputs', the new ones.
type StylesChangedMsg struct{}

// LessonProgressedMsg says how the learner gets on with a lesson, as
// Common.Progress hears it: the picker of a workshop keeps its list up to
// date with it.
type LessonProgressedMsg struct{ Progress LessonProgress }
