package dashboard

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

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

// SessionSavedMsg answers saveSessionCmd. Then, when set, is what the
// save was for (leaving, quitting): the dashboard sends it once saved.
type SessionSavedMsg struct {
	Path     string
	Changes  int
	Duration time.Duration // the session's length: where the run stood
	Err      error
	Then     tea.Msg
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

// saveSessionCmd encodes the recorded scenario and writes it; then travels
// with the answer (and with the question to replace a file that is there).
func saveSessionCmd(store common.Store, path string, sc *pipeline.Scenario, changes int, overwrite bool, then tea.Msg) tea.Cmd {
	return func() tea.Msg {
		data, err := pipeline.EncodeFile(sc) // keeps the file's comments and order
		if err == nil {
			// What we write must load again: a recording that does not replay is worse than none.
			if _, lerr := pipeline.Load(path, data); lerr != nil {
				err = fmt.Errorf("the recorded scenario does not load: %w", lerr)
			}
		}
		if err == nil {
			err = store.Save(path, data, overwrite)
		}
		if errors.Is(err, common.ErrExists) {
			return common.OverwriteAsked(path, saveSessionCmd(store, path, sc, changes, true, then))
		}
		return SessionSavedMsg{Path: path, Changes: changes, Duration: sc.Duration, Err: err, Then: then}
	}
}

// Recording returns sc with the changes added to its timeline, so that a
// headless run of it replays the session. A change made at the same moment as
// a timeline entry of the file goes first, as it did in the run (the engine
// applies timeline entries at the start of a tick, after changes made while
// it stood between ticks).
//
// end is where the session stopped: the recording's duration, so that the
// replay ends where the dashboard did (0, or the scenario's own duration or
// more: the run went to its end). Timeline entries and lesson steps the
// session never reached are left out, as a scenario may not hold moments
// after its end; a prediction answered later than that is answered at the
// recording's end. A change made at the very moment the session stopped had
// no tick to act in yet; the recording then lasts one tick more, so that it
// keeps the change.
func Recording(sc *pipeline.Scenario, changes []pipeline.Change, end time.Duration) *pipeline.Scenario {
	out := sc.Clone()
	out.SortTimeline()
	planned := out.Duration
	if end > 0 && end < planned {
		for _, c := range changes {
			if c.At >= end {
				end = min(planned, c.At+tickOf(out))
			}
		}
		out.Duration = end
	}
	var base []pipeline.Change
	for _, c := range out.Timeline {
		if c.At < out.Duration {
			base = append(base, c)
		}
	}
	var steps []pipeline.LessonStep
	for _, st := range out.Lesson {
		if st.Has && st.At >= out.Duration {
			continue
		}
		if p := st.Predict; p != nil && p.AnswerAt >= out.Duration {
			q := *p // its answer comes at the recording's end, where the session stood
			q.AnswerAt = 0
			st.Predict = &q
		}
		steps = append(steps, st)
	}
	out.Lesson = steps
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
	var notes []string
	if len(changes) > 0 {
		notes = append(notes, fmt.Sprintf("Recorded in streamsim's dashboard: %d change(s) made during the run are in the timeline.", len(changes)))
	}
	if out.Duration < planned {
		notes = append(notes, fmt.Sprintf("The session stopped at %s of the %s planned: its duration is set there, so a run of it ends where the dashboard did.",
			pipeline.FormatDuration(out.Duration), pipeline.FormatDuration(planned)))
	}
	if len(notes) > 0 {
		note := strings.Join(notes, " ")
		if out.Description != "" {
			out.Description = out.Description + "\n\n" + note
		} else {
			out.Description = note
		}
	}
	return out
}

// tickOf is a scenario's tick (a second when it has none).
func tickOf(sc *pipeline.Scenario) time.Duration {
	if sc.Tick > 0 {
		return sc.Tick
	}
	return time.Second
}

// refusal reports whether err is the running pipeline refusing a change (a
// key it cannot change while it runs, a resize the service refuses), which
// the run's advisor is told of, rather than the run having ended.
func refusal(err error) bool {
	var ce *pipeline.ChangeError
	var re *pipeline.ResizeError
	return errors.As(err, &ce) || errors.As(err, &re)
}
