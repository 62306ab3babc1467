package advice

import (
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/streamsim/streamsim/pipeline"
)

// Changes reach the diagnoser's copy of the scenario the way they reach the
// running pipeline: through pipeline's Scenario.ApplyChange. A change the
// pipeline could not take is a finding (refused-change), so the advice says
// that what the run shows is without it, and how to have it.

// Apply tells the diagnoser about a change the running backend took outside
// the timeline (a UI's live edit), so that rules read the new settings.
// The backend has judged whether it can make it while it runs, so only the
// assignments' validity is checked here. Timeline entries are applied by
// Observe.
func (d *Diagnoser) Apply(c pipeline.Change) {
	_, _ = d.sc.ApplyChange(c, pipeline.ChangeOptions{Index: d.ix}) // what is not valid was not made by the backend either
}

// Refused tells the diagnoser about a change the running backend refused
// (err says why): the settings stay as they were, and the refusal is a
// finding on the change's node.
func (d *Diagnoser) Refused(c pipeline.Change, err error) {
	if err == nil {
		return
	}
	at := c.At
	if at <= 0 {
		at = d.now
	}
	var ce *pipeline.ChangeError
	if errors.As(err, &ce) {
		for _, o := range ce.NotMade {
			d.refusedFinding(o, at)
		}
		return
	}
	node := c.Fail
	if len(c.Set) > 0 {
		node = c.Set[0].Node
	}
	d.report(Finding{Rule: "refused-change", Severity: pipeline.SeverityWarning, Node: node,
		Problem: sprintf("A change at %s was refused: %s; the run went on without it.", clock(at), err)})
}

// applyTimeline makes a timeline entry as the simulator does: only what a
// running pipeline can take; the rest is a finding.
func (d *Diagnoser) applyTimeline(c pipeline.Change) {
	applied, _ := d.sc.ApplyChange(c, pipeline.ChangeOptions{Live: true, Index: d.ix})
	for _, o := range applied.NotMade() {
		if o.Err == nil { // not valid: the loader has said so
			d.refusedFinding(o, c.At)
		}
	}
}

// refusedFinding reports an assignment the running pipeline did not take.
func (d *Diagnoser) refusedFinding(o pipeline.Outcome, at time.Duration) {
	why := o.Refused
	if o.Err != nil {
		why = o.Err.Error()
	}
	f := Finding{Rule: "refused-change", Severity: pipeline.SeverityWarning, Node: o.Node,
		Problem: sprintf("set %s = %s at %s was refused: %s; the run went on without it.", o.Ref(), o.Value, clock(at), why)}
	if fix := o.Fix(); fix != "" {
		f.Fix = upperFirst(fix) + "."
	}
	d.report(f)
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// clock writes a run time as H:MM:SS, as the events do.
func clock(d time.Duration) string {
	s := int64(d / time.Second)
	return sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
}

// Changed tells the diagnoser how a change the run was asked to make went
// (err is what the run's Apply returned): the assignments made reach its
// settings; a refusal (a *pipeline.ChangeError for the parts not made, a
// *pipeline.ResizeError for the whole change) is a finding; any other error
// (the run had ended) changes nothing.
func (d *Diagnoser) Changed(c pipeline.Change, err error) {
	var ce *pipeline.ChangeError
	var re *pipeline.ResizeError
	switch {
	case err == nil:
		d.Apply(c)
	case errors.As(err, &ce):
		d.Refused(c, err)
		made := c
		made.Set = nil
		for _, a := range c.Set {
			if !slices.ContainsFunc(ce.NotMade, func(o pipeline.Outcome) bool { return o.Node == a.Node && o.Key == a.Key }) {
				made.Set = append(made.Set, a)
			}
		}
		if ce.FailErr != nil {
			made.Fail = ""
		}
		d.Apply(made)
	case errors.As(err, &re):
		d.Refused(c, err)
	}
}
