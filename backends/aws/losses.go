package aws

import (
	"fmt"
	"math"
	"strings"

	"github.com/streamsim/streamsim/pipeline"
)

// Loss is records lost at one place, counted as pipeline.lost_records
// counts them: once per destination each would have reached.
type Loss struct {
	Where   string
	Records float64
}

// FaultError says endpoints failed during the run, so what it measured is
// incomplete: the run fails even when every expectation holds.
type FaultError struct {
	Lines []string // one per service, from SummarizeFaults
}

func (e *FaultError) Error() string {
	return "endpoints failed during the run: " + strings.Join(e.Lines, "; ")
}

// settleLosses books, at the end of the run, what is neither delivered nor
// lost yet. What Firehose stand-ins still buffer is lost: it lives in this
// process. Unless the run keeps its resources, so is everything else not
// delivered: what streams hold that their readers did not read, what real
// delivery streams had not written when they were deleted, and anything not
// traced to a place. Only a kept run has records in flight.
func (r *Run) settleLosses(kept bool) {
	held := make([]int, len(r.standIns))
	for i, s := range r.standIns {
		held[i] = s.held()
	}
	m := r.m
	m.mu.Lock()
	defer m.mu.Unlock()
	left := func() float64 { return math.Max(0, m.expected-m.delivered-m.lost) }
	book := func(node, where string, records float64, paths int) {
		if records <= 0 || paths <= 0 {
			return
		}
		d := math.Min(records*float64(paths), left())
		if d <= 0 {
			return
		}
		m.node(node).lost += d / float64(paths)
		m.lost += d
		m.lossLocked(where, d)
	}
	for i, s := range r.standIns {
		if s.out != nil {
			book(s.n.ID, fmt.Sprintf("in %s's buffer at the end (the Firehose stand-in buffers in this process)", s.n.ID), float64(held[i]), s.out.paths)
		}
	}
	if kept {
		return
	}
	for _, n := range r.sc.Stage(pipeline.Consumer) {
		src := r.sc.Node(n.From)
		if src == nil || r.plan.IsSkipped(src.ID) || r.plan.IsSkipped(n.ID) {
			continue
		}
		if _, real := r.plan.Find(KindDeliveryStream, n.ID); real {
			continue
		}
		book(n.ID, fmt.Sprintf("in %s, not read by %s", src.ID, n.ID), r.lagLocked(src.ID, n.ID), r.pathsFrom(n.ID))
	}
	for _, res := range r.plan.Resources {
		if res.Kind != KindDeliveryStream {
			continue
		}
		fh := r.sc.Node(res.Node)
		where := fmt.Sprintf("in delivery stream %s, not yet written to s3://%s when it was deleted", res.Name, res.Bucket)
		if fh.From != "" {
			book(res.Node, where+" (or not yet read from "+fh.From+")", r.lagLocked(fh.From, res.Node), r.pathsFrom(res.Node))
		} else {
			nm := m.node(res.Node)
			book(res.Node, where, nm.in-nm.out, r.pathsFrom(res.Node))
		}
	}
	if rest := left(); rest > 0 {
		m.lost += rest
		m.lossLocked("not delivered by the end of the run (place not traced)", rest)
	}
}

// lossList is the losses in the order the places first lost records.
func (m *meter) lossList() []Loss {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]Loss, 0, len(m.lossOrder))
	for _, w := range m.lossOrder {
		out = append(out, Loss{Where: w, Records: m.losses[w]})
	}
	return out
}
