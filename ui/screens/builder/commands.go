package builder

import (
	"errors"
	"fmt"

	tea "charm.land/bubbletea/v2"

	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/ui/common"
)

// ScenarioSavedMsg answers saveCmd.
type ScenarioSavedMsg struct {
	Path string
	Err  error
	// Gen is the state that was saved: later edits keep the builder dirty.
	Gen int
	// Saved is the file as written, loaded again (nil when it does not
	// load: a scenario saved with problems), so that the next save keeps
	// what the file now says.
	Saved *pipeline.Scenario
	Data  []byte
}

// saveCmd encodes sc as its file should read (only what is set, keeping the
// comments and order of the file it came from) and writes it; a file
// already at path is replaced only with overwrite, else the answer asks the
// user first. A failed save changes nothing: the store writes a new file and
// renames it over the old one.
func saveCmd(store common.Store, path string, sc *pipeline.Scenario, gen int, overwrite bool) tea.Cmd {
	return func() tea.Msg {
		path := expandHome(path)
		data, err := pipeline.EncodeFile(sc)
		if err == nil {
			err = store.Save(path, data, overwrite)
		}
		if errors.Is(err, common.ErrExists) {
			return common.OverwriteAsked(path, saveCmd(store, path, sc, gen, true))
		}
		msg := ScenarioSavedMsg{Path: path, Err: err, Gen: gen, Data: data}
		if err == nil {
			if again, lerr := pipeline.Load(path, data); lerr == nil {
				msg.Saved = again
			}
		}
		return msg
	}
}

func emit(msg tea.Msg) tea.Cmd { return func() tea.Msg { return msg } }

func status(format string, args ...any) tea.Cmd { return emit(common.Status(format, args...)) }

func fail(format string, args ...any) tea.Cmd {
	return emit(common.StatusPostedMsg{Text: fmt.Sprintf(format, args...), Err: true})
}
