package dashboard

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/streamsim/streamsim/backends"
	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/pipeline/advice"
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
	m.events, m.changes = nil, nil
	m.storage = m.storage[:0]
	for _, n := range sc.Stage(pipeline.Storage) {
		m.storage = append(m.storage, n.ID)
	}
	m.storageSel = 0
	m.prompt = noPrompt
	m.speed = initialSpeed(sc.Duration)
	m.diag, m.diagDone, m.findings = advice.NewDiagnoser(m.sc), false, nil
	m.findGen++
	m.cursor, m.adviceTop, m.eventsBack = -1, 0, 0
	if m.focus == shardsPane && len(m.storage) == 0 {
		m.focus = advicePane
	}
	m.syncKeys()
	if est, ok := m.c.Backend.(backends.Estimator); ok {
		// A run above about a minute or a gigabyte waits for a yes (RunEstimatedMsg).
		return tea.Batch(stop, estimateRunCmd(m.c.Ctx, est, m.sc, m.gen))
	}
	return tea.Batch(stop, startRunCmd(m.c.Ctx, m.c.Backend, m.sc, m.gen))
}

// Stop ends the run under way, if any; its last messages will be dropped.
func (m *Model) Stop() tea.Cmd {
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
		m.run.Resume()
		return waitForSnapshotCmd(m.run)
	case SnapshotReadyMsg:
		if m.run == nil || msg.RunID != m.runID {
			return nil // from a run that is gone: drop it and stop listening
		}
		m.take(msg.Snap)
		return waitForSnapshotCmd(m.run)
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
		return nil
	case ChangeAppliedMsg:
		if msg.RunID != m.runID {
			return nil
		}
		if msg.Err != nil {
			m.addEvent(evError, msg.Err.Error())
			return emit(common.Error(msg.Err))
		}
		m.changes = append(m.changes, msg.Change)
		if m.diag != nil {
			m.diag.Apply(msg.Change)
		}
		m.addEvent(evUser, common.Clock(msg.Change.At)+" you: "+describeChange(msg.Change))
		for _, c := range awsCommands(m.sc, msg.Change) {
			m.addEvent(evCLI, "$ "+c)
		}
		// Show what the change would be on AWS: below wideAt the events
		// share their place with the advice.
		m.eventsBack = 0
		if !m.wide() {
			m.side = eventsPane
			if m.focus == advicePane {
				m.focus = eventsPane
			}
		}
		return nil
	case SessionSavedMsg:
		if msg.Err != nil {
			return emit(common.Error(msg.Err))
		}
		return emit(common.Status("saved the session to %s (%d change(s) in its timeline); streamsim run %s replays it",
			msg.Path, msg.Changes, msg.Path))
	case tea.KeyMsg:
		if m.prompt != noPrompt {
			return m.updatePrompt(msg)
		}
		return m.updateKey(msg)
	}
	return nil
}

// take draws a new snapshot.
func (m *Model) take(s pipeline.Snapshot) {
	m.snap, m.has = s, true
	for _, e := range s.Events {
		m.addEvent(evEngine, e)
	}
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
	}
	if s.Done {
		m.state = finished
	}
	m.diagnose(s)
}

// diagnose gives a snapshot to the run's advisor and takes its findings:
// most severe first and, within a severity, the newest first.
func (m *Model) diagnose(s pipeline.Snapshot) {
	if m.diag == nil || m.diagDone {
		return
	}
	m.diag.Observe(s)
	if s.Done {
		m.diag.Finish(nil)
		m.diagDone = true
	}
	m.findings = orderFindings(m.findings[:0], m.diag.List())
	m.findGen++
}

// orderFindings appends the diagnoser's findings (in the order they first
// appeared) to dst, most severe first and, within a severity, newest first.
func orderFindings(dst []common.Finding, list []advice.Finding) []common.Finding {
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
	m.events = append(m.events, eventLine{kind: k, text: text})
	if len(m.events) > eventsKept {
		m.events = append(m.events[:0], m.events[len(m.events)-eventsKept:]...)
	}
}

func (m *Model) updateKey(msg tea.KeyMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(msg, k.Pause):
		if m.state == paused {
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
	case key.Matches(msg, k.Fail):
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
		m.pickList = append(m.pickList[:0], m.storage...)
		m.pick, m.prompt = m.storageSel, pickReshard
	case key.Matches(msg, k.Record):
		name := m.sc.Name + "-session.yaml"
		return m.ask(askRecord, "save session as: ", name)
	case key.Matches(msg, k.Save):
		if m.path != "" {
			return emit(common.SaveRequestedMsg{})
		}
		return m.ask(askSave, "save scenario as: ", m.sc.Name+".yaml")
	case key.Matches(msg, k.Lesson):
		m.lesson = !m.lesson
		if m.lesson {
			m.focus, m.side = eventsPane, eventsPane
		}
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
		return m.Start(m.sc, m.path)
	case key.Matches(msg, k.Back):
		return tea.Batch(m.Stop(), emit(common.BuilderRequestedMsg{}))
	}
	return nil
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

func (m *Model) updatePrompt(msg tea.KeyMsg) tea.Cmd {
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
	switch {
	case key.Matches(msg, k.Cancel):
		m.prompt = noPrompt
		m.input.Blur()
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
		if err != nil {
			return pipeline.Change{}, err
		}
		return pipeline.Change{Set: []pipeline.Assignment{a}}, nil
	case askReshard:
		n := m.sc.Node(m.target)
		k, _ := capacityKey(n)
		if text == "" {
			return pipeline.Change{}, fmt.Errorf("type the new count")
		}
		a, err := m.sc.ParseAssignment(m.target+"."+k, text)
		if err != nil {
			return pipeline.Change{}, err
		}
		return pipeline.Change{Set: []pipeline.Assignment{a}}, nil
	}
	return pipeline.Change{}, nil
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
		return saveSessionCmd(m.c.Store, path, Recording(m.sc, m.changes), len(m.changes))
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
