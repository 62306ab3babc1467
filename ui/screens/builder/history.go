package builder

import "github.com/streamsim/streamsim/pipeline"

// maxUndo is how many changes undo reaches back.
const maxUndo = 500

// history is what u and ctrl+r move through: the scenario before each
// change, with a word on what the change was. Every state has an id, so
// the builder knows whether the scenario on show is the one saved.
type history struct {
	undo, redo []snapshot
	cur        int // id of the state on show
	saved      int // id of the state last loaded or saved; -1: none
	next       int
}

type snapshot struct {
	sc   *pipeline.Scenario
	id   int
	what string // the change that led away from this state ("deleted clicks")
	sel  string // the node selected then
	pane pane
}

func (h *history) reset() {
	h.undo, h.redo = nil, nil
	h.next++
	h.cur, h.saved = h.next, h.next
}

func (h *history) dirty() bool { return h.cur != h.saved }

// changed records that the scenario changed from before (a copy of it as it
// was) by what.
func (h *history) changed(before *pipeline.Scenario, what, sel string, p pane) {
	h.undo = append(h.undo, snapshot{sc: before, id: h.cur, what: what, sel: sel, pane: p})
	if len(h.undo) > maxUndo {
		h.undo = h.undo[len(h.undo)-maxUndo:]
	}
	h.redo = nil
	h.next++
	h.cur = h.next
}

// back steps from now (the scenario on show) to the state before the last
// change; forward steps again. Each returns the state to show and the
// change it undid or redid.
func (h *history) back(now *pipeline.Scenario, sel string, p pane) (snapshot, bool) {
	if len(h.undo) == 0 {
		return snapshot{}, false
	}
	s := h.undo[len(h.undo)-1]
	h.undo = h.undo[:len(h.undo)-1]
	h.redo = append(h.redo, snapshot{sc: now, id: h.cur, what: s.what, sel: sel, pane: p})
	h.cur = s.id
	return s, true
}

func (h *history) forward(now *pipeline.Scenario, sel string, p pane) (snapshot, bool) {
	if len(h.redo) == 0 {
		return snapshot{}, false
	}
	s := h.redo[len(h.redo)-1]
	h.redo = h.redo[:len(h.redo)-1]
	h.undo = append(h.undo, snapshot{sc: now, id: h.cur, what: s.what, sel: sel, pane: p})
	h.cur = s.id
	return s, true
}
