package dashboard

import (
	"context"
	"errors"
	"fmt"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/streamsim/streamsim/backends"
	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/ui/common"
)

// RunStartedMsg answers startRunCmd: the run, or why it could not start.
type RunStartedMsg struct {
	Gen int
	Run backends.Run
	Err error
}

// SnapshotReadyMsg carries one snapshot of a run.
type SnapshotReadyMsg struct {
	RunID int64
	Snap  pipeline.Snapshot
}

// RunEndedMsg says a run's snapshots are over (finished, stopped or failed).
type RunEndedMsg struct {
	RunID int64
	Err   error
}

// ChangeAppliedMsg answers applyChangeCmd.
type ChangeAppliedMsg struct {
	RunID  int64
	Change pipeline.Change // At set to when it took effect
	Err    error
}

// SessionSavedMsg answers saveSessionCmd.
type SessionSavedMsg struct {
	Path    string
	Changes int
	Err     error
}

// RunEstimatedMsg answers estimateRunCmd: what a run would take, before it starts.
type RunEstimatedMsg struct {
	Gen  int
	Cost backends.Cost
	Err  error
}

// estimateRunCmd asks a backend that can say what a run costs. The estimate
// builds the engine, so it runs here and not in Update.
func estimateRunCmd(ctx context.Context, est backends.Estimator, sc *pipeline.Scenario, gen int) tea.Cmd {
	return func() tea.Msg {
		c, err := est.Estimate(ctx, sc)
		return RunEstimatedMsg{Gen: gen, Cost: c, Err: err}
	}
}

// startRunCmd starts a run of sc on the backend.
func startRunCmd(ctx context.Context, b backends.Backend, sc *pipeline.Scenario, gen int) tea.Cmd {
	return func() tea.Msg {
		r, err := b.Start(ctx, sc)
		return RunStartedMsg{Gen: gen, Run: r, Err: err}
	}
}

// waitForSnapshotCmd waits for the run's next snapshot. The dashboard keeps
// exactly one of these outstanding per run.
func waitForSnapshotCmd(r backends.Run) tea.Cmd {
	return func() tea.Msg {
		s, ok := <-r.Snapshots()
		if !ok {
			return RunEndedMsg{RunID: r.ID(), Err: r.Err()}
		}
		return SnapshotReadyMsg{RunID: r.ID(), Snap: s}
	}
}

// stopRunCmd stops a run and waits until it has.
func stopRunCmd(r backends.Run) tea.Cmd {
	return func() tea.Msg {
		r.Stop()
		return nil
	}
}

// applyChangeCmd applies a change to the run.
func applyChangeCmd(r backends.Run, c pipeline.Change) tea.Cmd {
	return func() tea.Msg {
		at, err := r.Apply(c)
		if errors.Is(err, backends.ErrRunEnded) {
			err = errors.New("the run has ended: press r to run again")
		}
		c.At = at
		return ChangeAppliedMsg{RunID: r.ID(), Change: c, Err: err}
	}
}

// saveSessionCmd encodes the recorded scenario and writes it.
func saveSessionCmd(store common.Store, path string, sc *pipeline.Scenario, changes int) tea.Cmd {
	return func() tea.Msg {
		data, err := pipeline.Encode(sc, false)
		if err == nil {
			// What we write must load again: a recording that does not replay is worse than none.
			if _, lerr := pipeline.Load(path, data); lerr != nil {
				err = fmt.Errorf("the recorded scenario does not load: %w", lerr)
			}
		}
		if err == nil {
			err = store.Save(path, data)
		}
		return SessionSavedMsg{Path: path, Changes: changes, Err: err}
	}
}

// Recording returns sc with the changes added to its timeline, so that a
// headless run of it replays the session. A change made at the same moment as
// a timeline entry of the file goes first, as it did in the run (the engine
// applies timeline entries at the start of a tick, after changes made while
// it stood between ticks).
func Recording(sc *pipeline.Scenario, changes []pipeline.Change) *pipeline.Scenario {
	out := sc.Clone()
	out.SortTimeline()
	base := out.Timeline
	if len(changes) > 0 && len(out.Name)+len("-session") <= 64 {
		out.Name += "-session"
	}
	var tl []pipeline.Change
	i := 0
	for _, c := range changes {
		for i < len(base) && base[i].At < c.At {
			tl = append(tl, base[i])
			i++
		}
		c.Pos = pipeline.Pos{}
		tl = append(tl, c)
	}
	tl = append(tl, base[i:]...)
	out.Timeline = tl
	if len(changes) > 0 {
		note := fmt.Sprintf("Recorded in streamsim's dashboard: %d change(s) made during the run are in the timeline.", len(changes))
		if out.Description != "" {
			out.Description = out.Description + "\n\n" + note
		} else {
			out.Description = note
		}
	}
	return out
}
