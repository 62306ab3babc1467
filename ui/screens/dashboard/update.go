package dashboard

import (
	"fmt"
	"math"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/streamsim/streamsim/backends"
	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/ui/common"
	"github.com/streamsim/streamsim/ui/components/sparkline"
	"github.com/streamsim/streamsim/ui/layout"
)

func emit(msg tea.Msg) tea.Cmd { return func() tea.Msg { return msg } }

// Start begins a run of sc (stopping one under way) and returns the commands
// that do it. path is where sc came from, for naming a recording.
func (m *Model) Start(sc *pipeline.Scenario, path string) tea.Cmd {
	stop := m.Stop()
	m.sc, m.path = sc.Clone(), path
	m.gen++
	m.state, m.err = starting, nil
	m.snap, m.has = pipeline.Snapshot{}, false
	m.in, m.out = sparkline.NewHistory(historyLen), sparkline.NewHistory(historyLen)
	m.lastPush = -1
	m.recent, m.avgWindow = m.recent[:0], averageWindow(sc, nil)
	m.events, m.changes, m.saved = nil, nil, 0
	m.storage = m.storage[:0]
	for _, n := range sc.Stage(pipeline.Storage) {
		m.storage = append(m.storage, n.ID)
	}
	m.storageSel = 0
	m.hist, m.chartSel = &pipeline.History{}, defaultChartNode(sc)
	m.prompt = noPrompt
	m.speed = initialSpeed(sc.Duration)
	m.findings, m.final = nil, false
	m.findGen++
	m.cursor, m.adviceTop, m.eventsBack = -1, 0, 0
	m.lessonTop, m.lessonHold, m.lessonCur = 0, false, -1
	if m.focus == shardsPane && len(m.storage) == 0 {
		m.focus = advicePane
	}
	m.startLesson()
	m.syncKeys()
	if est, ok := m.c.Backend.(backends.Estimator); ok {
		// A run above about a minute or a gigabyte waits for a yes (RunEstimatedMsg).
		return tea.Batch(stop, estimateRunCmd(m.c.Ctx, est, m.sc, m.gen))
	}
	return tea.Batch(stop, startRunCmd(m.c.Ctx, m.c.Backend, m.sc, m.gen))
}

// Stop ends the run under way, if any; its last messages will be dropped.
func (m *Model) Stop() tea.Cmd {
	m.endLesson()
	r := m.run
	m.run, m.runID = nil, 0
	if m.state == running || m.state == paused || m.state == starting {
		m.state = idle
	}
	m.gen++ // a start still in flight is stale now
	m.syncKeys()
	if r == nil {
		return nil
	}
	return stopRunCmd(r)
}

// Update implements common.Screen.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	defer m.syncKeys()
	switch msg := msg.(type) {
	case RunEstimatedMsg:
		if msg.Gen != m.gen || m.state != starting {
			return nil
		}
		// An estimate that failed says nothing: the start reports what is wrong.
		if msg.Err == nil && msg.Cost.NeedsConfirm() {
			m.big, m.prompt = msg.Cost, askBigRun
			return nil
		}
		return startRunCmd(m.c.Ctx, m.c.Backend, m.sc, m.gen)
	case RunStartedMsg:
		if msg.Gen != m.gen {
			if msg.Run != nil {
				return stopRunCmd(msg.Run) // started too late: nobody wants it
			}
			return nil
		}
		if msg.Err != nil {
			m.state, m.err = failed, msg.Err
			return emit(common.Error(msg.Err))
		}
		m.run, m.runID, m.state = msg.Run, msg.Run.ID(), running
		m.run.SetSpeed(speeds[m.speed])
		m.lessonLimit() // before the clock starts: the first step may come at once
		m.run.Resume()
		return tea.Batch(m.reportLesson(false), waitForSnapshotCmd(m.run))
	case SnapshotReadyMsg:
		if m.run == nil || msg.RunID != m.runID {
			return nil // from a run that is gone: drop it and stop listening
		}
		m.take(msg.Snap)
		lesson := m.observeLesson(msg.Snap.Time)
		m.lessonTick()
		return tea.Batch(lesson, waitForSnapshotCmd(m.run))
	case RunEndedMsg:
		if m.run == nil || msg.RunID != m.runID {
			return nil
		}
		if msg.Err != nil {
			m.state, m.err = failed, msg.Err
			m.addEvent(evError, msg.Err.Error())
			return emit(common.Error(msg.Err))
		}
		if m.state != finished {
			m.state = idle
		}
		m.endLesson()
		return nil
	case hintDueMsg:
		if l := m.les; l != nil && msg.gen == l.hintGen && m.hintable() {
			l.hint = true
		}
		return nil
	case ChangeAppliedMsg:
		if msg.RunID != m.runID {
			return nil
		}
		if msg.Err != nil {
			m.addEvent(evError, msg.Err.Error()) // the run's advisor hears of it from the run
			m.showEvents()                       // the refusal, where the CLI line would have been
			return emit(common.Error(msg.Err))
		}
		m.changes = append(m.changes, msg.Change)
		m.avgWindow = averageWindow(m.sc, m.changes)
		m.addEvent(evUser, common.Clock(msg.Change.At)+" you: "+describeChange(msg.Change))
		for _, c := range awsCommands(m.sc, msg.Change) {
			m.addEvent(evCLI, "$ "+c)
		}
		m.showEvents() // what the change would be on AWS
		if m.following() {
			m.side = eventsPane // the lesson stays in view: it says whether the change did the step
			if m.focus == advicePane {
				m.focus = eventsPane
			}
		}
		return m.lessonChange(msg.Change)
	case leaveConfirmedMsg:
		return m.leave(msg)
	case SessionSavedMsg:
		if msg.Err != nil {
			return emit(common.StatusPostedMsg{Text: "session not saved: " + common.FileError(msg.Path, msg.Err), Err: true})
		}
		m.saved = max(m.saved, msg.Changes)
		length := "to the end of the run"
		if m.sc != nil && msg.Duration < m.sc.Duration {
			length = "up to " + common.Clock(msg.Duration) + ", where the run stood"
		}
		status := emit(common.Status("saved the session to %s: %d change(s) in its timeline; streamsim run %s replays it %s",
			msg.Path, msg.Changes, msg.Path, length))
		if msg.Then != nil {
			return tea.Sequence(status, emit(msg.Then))
		}
		return status
	case sessionSaveAskedMsg:
		if m.sc == nil {
			return nil
		}
		// A prompt open when the question came (ctrl+c while typing) gives
		// way: the answer was to save the session and go.
		m.prompt = noPrompt
		m.then = msg.then
		return m.askRecord()
	case tea.PasteMsg: // bracketed paste, into the prompt's field
		if m.prompt == noPrompt || m.prompt == pickFail || m.prompt == pickReshard {
			return nil
		}
		var cmd tea.Cmd
		m.input, cmd = m.input.Update(msg)
		m.validate()
		return cmd
	case common.PathsCompletedMsg:
		if msg.For != "dashboard" || msg.ID != m.compID || !m.askingPath() || m.input.Value() != msg.Text {
			return nil // typed on since, or another prompt's
		}
		text, choices, problem := common.Completion(msg)
		m.input.SetValue(text)
		m.input.CursorEnd()
		m.choices, m.compErr = choices, problem
		m.validate()
		return nil
	case common.StylesChangedMsg:
		m.input.SetStyles(m.c.Styles.Input)
		return nil
	case tea.KeyPressMsg:
		if m.prompt != noPrompt {
			return m.updatePrompt(msg)
		}
		return m.updateKey(msg)
	}
	return nil
}

func (m *Model) updateKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(msg, k.Pause):
		if m.state == paused {
			m.letGoLesson() // a step that waits lets the run go on
			m.state = running
			m.run.Resume()
		} else {
			m.state = paused
			m.run.Pause()
		}
	case key.Matches(msg, k.Faster):
		m.speed = min(len(speeds)-1, m.speed+1)
		m.run.SetSpeed(speeds[m.speed])
	case key.Matches(msg, k.Slower):
		m.speed = max(0, m.speed-1)
		m.run.SetSpeed(speeds[m.speed])
	case key.Matches(msg, k.Step):
		m.run.Step()
	case key.Matches(msg, k.Charts):
		m.charts = !m.charts
	case key.Matches(msg, k.NextNode):
		m.chartSel = (m.chartSel + 1) % len(m.sc.Nodes)
	case key.Matches(msg, k.PrevNode):
		m.chartSel = (m.chartSel - 1 + len(m.sc.Nodes)) % len(m.sc.Nodes)
	case key.Matches(msg, k.Fail):
		m.charts = false // the list to pick from stands in the live view
		m.pickList = m.pickList[:0]
		for _, n := range m.sc.Nodes {
			m.pickList = append(m.pickList, n.ID)
		}
		m.pick, m.prompt = 0, pickFail
	case key.Matches(msg, k.Set):
		return m.ask(askSet, "set node.key=value: ", "")
	case key.Matches(msg, k.Reshard):
		if len(m.storage) == 1 {
			m.target = m.storage[0]
			return m.askReshard()
		}
		m.charts = false
		m.pickList = append(m.pickList[:0], m.storage...)
		m.pick, m.prompt = m.storageSel, pickReshard
	case key.Matches(msg, k.Record):
		m.then = nil
		return m.askRecord()
	case key.Matches(msg, k.Save):
		if m.path != "" {
			return emit(common.SaveRequestedMsg{})
		}
		return m.ask(askSave, "save scenario as: ", m.sc.Name+".yaml")
	case key.Matches(msg, k.Guess):
		return m.askGuess()
	case key.Matches(msg, k.Hint):
		m.showHint()
	case key.Matches(msg, k.Lesson):
		m.lesson = !m.lesson
		if m.lesson {
			m.focus, m.side = eventsPane, eventsPane
			m.lessonHold = false // open on the step under way
		}
		m.lessonLimit()
		return m.lessonWait() // the run waits at the lesson's steps while it is followed
	case key.Matches(msg, k.Tab):
		m.focusPane(m.nextPane(1))
	case key.Matches(msg, k.PrevTab):
		m.focusPane(m.nextPane(-1))
	case key.Matches(msg, k.Stream):
		m.storageSel = (m.storageSel + 1) % len(m.storage)
		m.cursor = -1
		m.focusPane(m.focus)
	case key.Matches(msg, k.Up):
		m.arrow(0, -1)
	case key.Matches(msg, k.Down):
		m.arrow(0, 1)
	case key.Matches(msg, k.Left):
		m.arrow(-1, 0)
	case key.Matches(msg, k.Right):
		m.arrow(1, 0)
	case key.Matches(msg, k.Rerun):
		return m.discarding(leaveConfirmedMsg{gen: m.gen, rerun: true}, "run again")
	case key.Matches(msg, k.Back):
		return m.discarding(leaveConfirmedMsg{gen: m.gen}, "go back")
	}
	return nil
}

// leaveConfirmedMsg is the yes to leaving a run (or running it again).
type leaveConfirmedMsg struct {
	gen   int
	rerun bool
}

// sessionSaveAskedMsg is a question's "s: save the session first": the
// dashboard asks where, saves, and then sends then.
type sessionSaveAskedMsg struct{ then tea.Msg }

// SaveSessionThen is the answer "save the session first" to a question
// about leaving: it asks where to save the recorded session (as R does),
// saves it, and then sends then (the request to quit or leave, asked anew).
// Cancelling the prompt, or keeping a file that is there, does neither.
func (m *Model) SaveSessionThen(then tea.Msg) tea.Cmd { return emit(sessionSaveAskedMsg{then: then}) }

// askRecord asks where to save the session.
func (m *Model) askRecord() tea.Cmd {
	return m.ask(askRecord, "save session as: ", m.sc.Name+"-session.yaml")
}

// discarding leaves the run at once, or asks first when recorded changes
// would be lost: y leaves, s saves the session first, n stays.
func (m *Model) discarding(leave leaveConfirmedMsg, what string) tea.Cmd {
	if n := m.Unsaved(); n > 0 {
		return emit(common.ConfirmAskedMsg{
			Question: fmt.Sprintf("%d recorded change(s) not saved: %s anyway? y %s · s save the session first · n stay", n, what, what),
			Yes:      emit(leave),
			AltKey:   "s", AltDesc: "save the session first",
			Alt: m.SaveSessionThen(leave),
		})
	}
	return m.leave(leave)
}

func (m *Model) leave(msg leaveConfirmedMsg) tea.Cmd {
	if msg.gen != m.gen {
		return nil // the run it was asked for is gone
	}
	m.saved = len(m.changes) // kept in a session, or let go with a yes: nothing left to ask about
	if msg.rerun {
		return m.Start(m.sc, m.path)
	}
	return tea.Batch(m.Stop(), emit(common.BuilderRequestedMsg{}))
}

// focusPane gives the arrows to p. Below wideAt, focusing the advice or
// the events also shows it. The heatmap's cursor starts on the busiest shard.
func (m *Model) focusPane(p pane) {
	m.focus = p
	if p != shardsPane {
		m.side = p
	}
	if p == shardsPane && m.cursor < 0 && m.units() > 0 {
		m.cursor = m.hottest()
	}
}

// hottest is the busiest unit of the selected stream (0 before a snapshot).
func (m *Model) hottest() int {
	_, ns := m.selectedStorage()
	best := 0
	if ns != nil {
		for i, u := range ns.Units {
			if u > ns.Units[best] {
				best = i
			}
		}
	}
	return best
}

// arrow moves the focused pane's cursor or scroll by dx cells and dy rows.
func (m *Model) arrow(dx, dy int) {
	switch m.focus {
	case shardsPane:
		if n := m.units(); n > 0 {
			if m.cursor < 0 {
				m.cursor = m.hottest()
			}
			m.cursor = m.shardsLayout().Move(m.cursor, n, dx, dy)
		}
	case advicePane:
		r := m.rects()
		iw, ih := r.adviceW-layout.PaneFrame, r.bottomH-layout.PaneFrame
		m.adviceTop = layout.Clamp(m.adviceTop+dy, 0, len(m.adviceLines(iw))-ih)
	case eventsPane:
		r := m.rects()
		iw, ih := r.slotW-layout.PaneFrame, r.bottomH-layout.PaneFrame
		if m.lesson {
			lines, _ := m.lessonLines(iw)
			m.lessonTop = layout.Clamp(m.lessonTopNow(iw, ih)+dy, 0, len(lines)-ih)
			m.lessonHold = true
			return
		}
		m.eventsBack = layout.Clamp(m.eventsBack-dy, 0, len(m.eventLines(iw, math.MaxInt))-ih)
	}
}
