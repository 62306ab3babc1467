package dashboard

import (
	"fmt"
	"math"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/ui/common"
)

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
