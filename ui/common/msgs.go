package common

import "github.com/streamsim/streamsim/pipeline"

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

// SaveRequestedMsg asks the builder to save its scenario (s on another
// screen): to Path, or to its own file when Path is "".
type SaveRequestedMsg struct{ Path string }

// StylesChangedMsg says that the root rebuilt Common.Styles in place (the
// terminal answered with its background colour): screens give the styles
// they hold copies of, such as their text inputs', the new ones.
type StylesChangedMsg struct{}
