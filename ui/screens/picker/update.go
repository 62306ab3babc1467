package picker

import (
	"errors"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/ui/common"
)

// fileLoadedMsg answers loadFileCmd.
type fileLoadedMsg struct {
	Path     string
	Scenario *pipeline.Scenario
	Err      error
}

// loadFileCmd reads and validates a scenario file.
func loadFileCmd(store common.Store, path string) tea.Cmd {
	return func() tea.Msg {
		s, err := store.Load(path)
		return fileLoadedMsg{Path: path, Scenario: s, Err: err}
	}
}

func emit(msg tea.Msg) tea.Cmd { return func() tea.Msg { return msg } }

// Update implements common.Screen.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	defer m.syncKeys()
	switch msg := msg.(type) {
	case fileLoadedMsg:
		if msg.Path != m.loading {
			return nil // an older request
		}
		m.loading = ""
		if msg.Err != nil {
			m.loadErr = describe(msg.Path, msg.Err)
			return emit(common.StatusPostedMsg{Text: "could not open " + msg.Path, Err: true})
		}
		return emit(common.ScenarioOpenedMsg{Scenario: msg.Scenario, Path: msg.Path})
	case tea.PasteMsg: // bracketed paste, into the field being typed
		var cmd tea.Cmd
		switch m.mode {
		case filtering:
			m.filter, cmd = m.filter.Update(msg)
			m.applyFilter()
		case opening:
			m.path, cmd = m.path.Update(msg)
		}
		return cmd
	case common.PathsCompletedMsg:
		if msg.For != "picker" || msg.ID != m.compID || m.mode != opening || m.path.Value() != msg.Text {
			return nil // typed on since, or another prompt's
		}
		text, choices, problem := common.Completion(msg)
		m.path.SetValue(text)
		m.path.CursorEnd()
		m.choices, m.compErr = choices, problem
		return nil
	case common.LessonProgressedMsg:
		if m.progress != nil {
			p := msg.Progress
			done := 0
			for _, d := range p.Done {
				if d {
					done++
				}
			}
			var errs []float64
			if p.BestErr >= 0 {
				errs = append(errs, p.BestErr)
			}
			m.progress.Record(p.Scenario, done, p.Steps, errs...) // as the workshop keeps it on disk
		}
		return nil
	case common.StylesChangedMsg:
		m.filter.SetStyles(m.c.Styles.Input)
		m.path.SetStyles(m.c.Styles.Input)
		return nil
	case tea.KeyPressMsg:
		switch m.mode {
		case filtering:
			return m.updateFilter(msg)
		case opening:
			return m.updatePath(msg)
		}
		return m.updateBrowse(msg)
	}
	return nil
}

func (m *Model) updateBrowse(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	m.loadErr = ""
	switch {
	case key.Matches(msg, k.Up):
		m.sel = max(0, m.sel-1)
	case key.Matches(msg, k.Down):
		m.sel = min(len(m.shown)-1, m.sel+1)
	case key.Matches(msg, k.Open):
		b, ok := m.Selected()
		switch {
		case ok && m.progress != nil: // a workshop: enter starts the lesson
			return emit(common.RunRequestedMsg{Scenario: b.Scenario.Clone(), Open: true})
		case ok:
			return emit(common.ScenarioOpenedMsg{Scenario: b.Scenario.Clone()})
		}
	case key.Matches(msg, k.Run):
		if b, ok := m.Selected(); ok {
			return emit(common.RunRequestedMsg{Scenario: b.Scenario.Clone(), Open: true})
		}
	case key.Matches(msg, k.OpenFile):
		m.mode = opening
		m.path.SetValue("")
		return m.path.Focus()
	case key.Matches(msg, k.New):
		return emit(common.ScenarioOpenedMsg{Scenario: emptyScenario()})
	case key.Matches(msg, k.Filter):
		m.mode = filtering
		return m.filter.Focus()
	case key.Matches(msg, k.Clear):
		m.filter.SetValue("")
		m.applyFilter()
	}
	return nil
}

func (m *Model) updateFilter(msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(msg, m.keys.Accept):
		m.mode = browsing
		m.filter.Blur()
		return nil
	case key.Matches(msg, m.keys.Cancel):
		m.mode = browsing
		m.filter.Blur()
		m.filter.SetValue("")
		m.applyFilter()
		return nil
	}
	var cmd tea.Cmd
	m.filter, cmd = m.filter.Update(msg)
	m.applyFilter()
	return cmd
}

func (m *Model) updatePath(msg tea.KeyPressMsg) tea.Cmd {
	m.choices, m.compErr = nil, ""
	switch {
	case key.Matches(msg, m.keys.Complete):
		m.compID++
		return common.CompletePathCmd(m.c.Store, "picker", m.compID, m.path.Value())
	case key.Matches(msg, m.keys.Accept):
		p := strings.TrimSpace(m.path.Value())
		if p == "" {
			return nil
		}
		m.mode = browsing
		m.path.Blur()
		m.loading = p
		m.loadErr = ""
		return loadFileCmd(m.c.Store, p)
	case key.Matches(msg, m.keys.Cancel):
		m.mode = browsing
		m.path.Blur()
		return nil
	}
	var cmd tea.Cmd
	m.path, cmd = m.path.Update(msg)
	return cmd
}

// describe turns a load error into lines for the detail pane: the
// scenario's problems, or why the file could not be read, in plain words.
func describe(path string, err error) string {
	var ps pipeline.Problems
	if errors.As(err, &ps) {
		var b strings.Builder
		for i, p := range ps {
			if i == 8 {
				fmt.Fprintf(&b, "… and %d more (streamsim validate lists them all)", len(ps)-i)
				break
			}
			b.WriteString(p.Error() + "\n")
		}
		return strings.TrimRight(b.String(), "\n")
	}
	return common.FileError(path, err)
}
