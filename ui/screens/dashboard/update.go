package dashboard

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/streamsim/streamsim/backends"
	"github.com/streamsim/streamsim/internal/textsafe"
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

// averageWindow is what the throughput figures average over: a minute, or
// the longest time a consumer holds records before it hands them on (its
// service's Holds: a Firehose buffer's interval, a Flink checkpoint, a
// Lambda batching window), so that the delivered rate does not read 0/s
// between flushes while records flow. changes are those made during the run.
func averageWindow(sc *pipeline.Scenario, changes []pipeline.Change) time.Duration {
	w := time.Minute
	for _, n := range sc.Nodes {
		if k := n.Service.Holds; k != "" {
			w = max(w, n.Dur(k))
		}
	}
	for _, c := range changes {
		for _, a := range c.Set {
			if n := sc.Node(a.Node); n != nil && n.Service.Holds != "" && n.Service.Holds == a.Key {
				w = max(w, a.Value.Dur)
			}
		}
	}
	return min(w, 15*time.Minute)
}

// averages are the produced and delivered rates over the last avgWindow of
// the run (less at its start), and the time they cover.
func (m *Model) averages() (in, out float64, over time.Duration) {
	if len(m.recent) < 2 {
		return m.in.Last(), m.out.Last(), 0
	}
	a, b := m.recent[0], m.recent[len(m.recent)-1]
	over = b.at - a.at
	sec := over.Seconds()
	return max(0, b.produced-a.produced) / sec, max(0, b.delivered-a.delivered) / sec, over
}

// showEvents scrolls the events to the newest and, below wideAt, where they
// share their place with the advice, brings them up.
func (m *Model) showEvents() {
	m.eventsBack = 0
	if !m.wide() {
		m.side = eventsPane
		if m.focus == advicePane {
			m.focus = eventsPane
		}
	}
}

// take draws a new snapshot.
func (m *Model) take(s pipeline.Snapshot) {
	m.snap, m.has = s, true
	for _, e := range s.Events {
		m.addEvent(evEngine, e)
	}
	m.hist.Add(m.historySnapshot(s))
	if s.Time > m.lastPush {
		// Rates over the whole interval since the last point, from the
		// running totals: at high speed a snapshot spans many ticks, and
		// the last tick's rate alone would flicker with every flush.
		in, out := s.Pipeline.ProducedRate, s.Pipeline.DeliveredRate
		if m.lastPush >= 0 {
			dt := (s.Time - m.lastPush).Seconds()
			in = max(0, s.Pipeline.Produced-m.lastTotals.Produced) / dt
			out = max(0, s.Pipeline.Delivered-m.lastTotals.Delivered) / dt
		}
		m.in.Push(in)
		m.out.Push(out)
		m.lastPush, m.lastTotals = s.Time, s.Pipeline
		m.recent = append(m.recent, totalsAt{at: s.Time, produced: s.Pipeline.Produced, delivered: s.Pipeline.Delivered})
		// Keep one sample at or before the window's start, so the average
		// covers the whole window.
		drop := 0
		for drop+1 < len(m.recent) && m.recent[drop+1].at <= s.Time-m.avgWindow {
			drop++
		}
		m.recent = append(m.recent[:0], m.recent[drop:]...)
	}
	if s.Done {
		m.state = finished
	}
	m.diagnose(s)
}

// diagnose takes the findings the run's advisor has made so far, as the
// snapshot carries them: most severe first and, within a severity, the
// newest first.
func (m *Model) diagnose(s pipeline.Snapshot) {
	if m.final {
		return
	}
	m.findings = orderFindings(m.findings[:0], s.Findings)
	m.findGen++
	m.final = s.Done
}

// orderFindings appends the advisor's findings (in the order they first
// appeared) to dst, most severe first and, within a severity, newest first.
func orderFindings(dst []common.Finding, list []pipeline.Finding) []common.Finding {
	for i := len(list) - 1; i >= 0; i-- {
		f := list[i]
		dst = append(dst, common.Finding{Severity: f.Severity, Node: f.Node, Problem: f.Problem, Fix: f.Fix})
	}
	slices.SortStableFunc(dst, func(a, b common.Finding) int {
		return common.SeverityRank(b.Severity) - common.SeverityRank(a.Severity)
	})
	return dst
}

// Findings returns the advisor's findings as the advice pane lists them.
func (m *Model) Findings() []common.Finding { return slices.Clone(m.findings) }

func (m *Model) addEvent(k eventKind, text string) {
	if k == evError {
		text = "✗ " + text // an error reads as one without its colour
	}
	m.events = append(m.events, eventLine{kind: k, text: textsafe.Line(text)}) // errors quote AWS
	if len(m.events) > eventsKept {
		m.events = append(m.events[:0], m.events[len(m.events)-eventsKept:]...)
	}
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

func (m *Model) ask(p prompt, label, value string) tea.Cmd {
	m.prompt = p
	m.input.Prompt = label
	m.input.SetValue(value)
	m.input.CursorEnd()
	m.inputErr = ""
	m.validate()
	return m.input.Focus()
}

func (m *Model) askReshard() tea.Cmd {
	n := m.sc.Node(m.target)
	k, noun := capacityKey(n)
	now := n.Int(k)
	if ns := m.snap.Node(n.ID); ns != nil && len(ns.Units) > 0 {
		now = len(ns.Units)
	}
	return m.ask(askReshard, fmt.Sprintf("%s: %ss (now %d): ", n.ID, noun, now), "")
}

func (m *Model) updatePrompt(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	switch m.prompt {
	case askBigRun:
		switch {
		case key.Matches(msg, k.Accept):
			m.prompt = noPrompt
			return startRunCmd(m.c.Ctx, m.c.Backend, m.sc, m.gen)
		case key.Matches(msg, k.Cancel):
			m.prompt, m.state = noPrompt, idle
			m.gen++
		}
		return nil
	case pickFail, pickReshard:
		switch {
		case key.Matches(msg, k.Up):
			m.pick = max(0, m.pick-1)
		case key.Matches(msg, k.Down):
			m.pick = min(len(m.pickList)-1, m.pick+1)
		case key.Matches(msg, k.Cancel):
			m.prompt = noPrompt
		case key.Matches(msg, k.Accept):
			m.target = m.pickList[m.pick]
			if m.prompt == pickFail {
				return m.ask(askFailFor, fmt.Sprintf("fail %s for (e.g. 5m; empty = until the end): ", m.target), "")
			}
			return m.askReshard()
		}
		return nil
	}
	m.choices, m.compErr = nil, ""
	switch {
	case key.Matches(msg, k.Complete):
		m.compID++
		return common.CompletePathCmd(m.c.Store, "dashboard", m.compID, m.input.Value())
	case key.Matches(msg, k.Cancel):
		m.prompt = noPrompt
		m.input.Blur()
		if m.then != nil {
			m.then = nil
			return emit(common.Status("not saved; the run goes on"))
		}
		return nil
	case key.Matches(msg, k.Accept):
		return m.submit()
	}
	var cmd tea.Cmd
	m.input, cmd = m.input.Update(msg)
	m.validate()
	return cmd
}

// parse reads the prompt's text into a change, or says what is wrong.
func (m *Model) parse() (pipeline.Change, error) {
	text := strings.TrimSpace(m.input.Value())
	switch m.prompt {
	case askFailFor:
		c := pipeline.Change{Fail: m.target}
		if text != "" {
			d, err := pipeline.ParseDuration(text)
			if err != nil {
				return c, err
			}
			if d <= 0 {
				return c, fmt.Errorf("%q: expected a positive duration", text)
			}
			c.For = d
		}
		return c, nil
	case askSet:
		ref, val, ok := strings.Cut(text, "=")
		if !ok {
			return pipeline.Change{}, fmt.Errorf("expected node.key=value such as web.rate=4000/s")
		}
		a, err := m.sc.ParseAssignment(strings.TrimSpace(ref), strings.TrimSpace(val))
		if err == nil {
			err = m.checkResize(a)
		}
		if err != nil {
			return pipeline.Change{}, err
		}
		return pipeline.Change{Set: []pipeline.Assignment{a}}, nil
	case askGuess:
		_, err := m.parseGuess(text)
		return pipeline.Change{}, err
	case askReshard:
		n := m.sc.Node(m.target)
		k, _ := capacityKey(n)
		if text == "" {
			return pipeline.Change{}, fmt.Errorf("type the new count")
		}
		a, err := m.sc.ParseAssignment(m.target+"."+k, text)
		if err == nil {
			err = m.checkResize(a)
		}
		if err != nil {
			return pipeline.Change{}, err
		}
		return pipeline.Change{Set: []pipeline.Assignment{a}}, nil
	}
	return pipeline.Change{}, nil
}

// checkResize refuses a change of a stream's shards or partitions that the
// service refuses, by the rule the engine judges it with
// (pipeline.CheckResize), against the units the latest snapshot shows. What
// only the run knows (a reshard still UPDATING, the calls of the last 24 h)
// the run judges when the change is sent: a refused change comes back as an
// error, and no CLI line is shown for it.
func (m *Model) checkResize(a pipeline.Assignment) error {
	n := m.sc.Node(a.Node)
	if n == nil {
		return nil
	}
	if k, _ := capacityKey(n); k == "" || a.Key != k {
		return nil
	}
	ns := m.snap.Node(n.ID)
	if ns == nil || len(ns.Units) == 0 {
		return nil
	}
	want := int(math.Round(a.Value.Num))
	if want == len(ns.Units) {
		return nil
	}
	return pipeline.CheckResize(pipeline.ResizeState{Service: n.Service.Name, Units: len(ns.Units), OnDemand: m.mode(n) == "on-demand"}, want)
}

// mode is a Kinesis stream's capacity mode now: as started, or as a change
// made during the run set it.
func (m *Model) mode(n *pipeline.Node) string {
	mode := n.Str("mode")
	for _, c := range m.changes {
		for _, a := range c.Set {
			if a.Node == n.ID && a.Key == "mode" {
				mode = a.Value.Str
			}
		}
	}
	return mode
}

func (m *Model) validate() {
	m.inputErr = ""
	if m.prompt == askRecord || m.prompt == askSave {
		if strings.TrimSpace(m.input.Value()) == "" {
			m.inputErr = "type a file name"
		}
		return
	}
	if strings.TrimSpace(m.input.Value()) == "" && m.prompt != askFailFor {
		return // nothing typed yet: no complaint
	}
	if m.prompt == askGuess {
		if _, err := m.parseGuess(strings.TrimSpace(m.input.Value())); err != nil {
			m.inputErr = err.Error()
		}
		return
	}
	if _, err := m.parse(); err != nil {
		m.inputErr = err.Error()
	}
}

func (m *Model) submit() tea.Cmd {
	if m.prompt == askSave {
		path := strings.TrimSpace(m.input.Value())
		if path == "" {
			return nil
		}
		m.prompt = noPrompt
		m.input.Blur()
		m.path = path
		return emit(common.SaveRequestedMsg{Path: path})
	}
	if m.prompt == askRecord {
		path := strings.TrimSpace(m.input.Value())
		if path == "" {
			return nil
		}
		m.prompt = noPrompt
		m.input.Blur()
		then := m.then
		m.then = nil
		sc := withGuesses(m.sc, m.lessonResults())
		return saveSessionCmd(m.c.Store, path, Recording(sc, m.changes, m.stoppedAt()), len(m.changes), false, then)
	}
	if m.prompt == askGuess {
		v, err := m.parseGuess(strings.TrimSpace(m.input.Value()))
		if err != nil {
			m.inputErr = err.Error()
			return nil
		}
		m.prompt = noPrompt
		m.input.Blur()
		return m.guess(v)
	}
	c, err := m.parse()
	if err != nil {
		m.inputErr = err.Error()
		return nil
	}
	m.prompt = noPrompt
	m.input.Blur()
	if m.run == nil {
		return emit(common.Error(fmt.Errorf("no run to change: press r to run again")))
	}
	return applyChangeCmd(m.run, c)
}

// stoppedAt is where the session stands, for a recording: the time of the
// latest snapshot, or 0 when the run went to its end (or drew nothing yet).
func (m *Model) stoppedAt() time.Duration {
	if !m.has || m.snap.Done {
		return 0
	}
	return m.snap.Time
}

// describeChange says what a change does, in the timeline's words.
func describeChange(c pipeline.Change) string {
	var parts []string
	for _, a := range c.Set {
		parts = append(parts, fmt.Sprintf("set %s.%s = %s", a.Node, a.Key, a.Value.String()))
	}
	if c.Fail != "" {
		s := "fail " + c.Fail
		if c.For > 0 {
			s += " for " + pipeline.FormatDuration(c.For)
		} else {
			s += " until the end"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ", ")
}
