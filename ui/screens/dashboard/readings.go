package dashboard

import (
	"slices"
	"time"

	"github.com/streamsim/streamsim/internal/textsafe"
	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/ui/common"
)

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
