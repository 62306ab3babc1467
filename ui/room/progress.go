package room

import (
	"encoding/json"
	"log/slog"
	"math"
	"path/filepath"
	"time"

	"github.com/streamsim/streamsim/internal/progress"
	"github.com/streamsim/streamsim/internal/safefile"
	"github.com/streamsim/streamsim/internal/textsafe"
	"github.com/streamsim/streamsim/ui/common"
)

// record is what the room keeps of a learner between sessions, in
// progress/<folder>.json: their name, and every lesson's best attempt as
// `streamsim`'s own workshop progress keeps it (internal/progress).
type record struct {
	Name    string                     `json:"name"`
	Key     string                     `json:"key,omitempty"`
	Seen    time.Time                  `json:"last_seen"`
	Lessons map[string]progress.Lesson `json:"lessons"`
	Current *current                   `json:"current,omitempty"`
}

// current is the lesson under way when last heard of.
type current struct {
	Lesson  string  `json:"lesson"`
	Step    int     `json:"step"`
	Steps   int     `json:"steps"`
	Done    []bool  `json:"done"`
	BestErr float64 `json:"best_error"`
	Ended   bool    `json:"ended"`
}

// maxRecord is the largest progress file read back.
const maxRecord = 1 << 20

func (r *Room) recordPath(folder string) string {
	return filepath.Join(r.cfg.Dir, progressDir, folder+".json")
}

// loadRecord reads a learner's record; a missing or broken one starts afresh.
func (r *Room) loadRecord(folder string) record {
	rec := record{}
	if data, err := safefile.Read(r.recordPath(folder), maxRecord); err == nil {
		if err := json.Unmarshal(data, &rec); err != nil {
			r.log.Warn("a learner's progress file could not be read; starting afresh", "folder", folder, "err", err)
			rec = record{}
		}
	}
	if rec.Lessons == nil {
		rec.Lessons = map[string]progress.Lesson{}
	}
	return rec
}

// maxSteps bounds the steps of a lesson the room keeps track of.
const maxSteps = 1000

// progress hears a learner's lesson progress (ui.Options.Progress). It is
// called from the learner's program and never blocks on more than the
// room's lock: the board hears of it by its subscription, the file is
// written by the persister.
func (r *Room) progress(s *session, p common.LessonProgress) {
	p.Steps = max(0, min(p.Steps, maxSteps))
	p.Done = append([]bool(nil), p.Done[:min(len(p.Done), p.Steps)]...)
	p.Step = max(0, min(p.Step, p.Steps))
	if math.IsNaN(p.BestErr) || math.IsInf(p.BestErr, 0) || p.BestErr < 0 {
		p.BestErr = -1
	}
	r.mu.Lock()
	l := s.l
	if l == nil || l.sess != s {
		r.mu.Unlock()
		return // a session replaced by a newer one
	}
	finished := countDone(p.Done) == p.Steps && p.Steps > 0 &&
		!(l.inLesson && l.prog.Scenario == p.Scenario && countDone(l.prog.Done) == l.prog.Steps)
	l.prog, l.inLesson = p, true
	ps := progress.Store{Lessons: l.rec.Lessons}
	var errs []float64
	if p.BestErr >= 0 {
		errs = append(errs, p.BestErr)
	}
	ps.Record(p.Scenario, countDone(p.Done), p.Steps, errs...)
	l.rec.Current = &current{Lesson: p.Scenario, Step: p.Step, Steps: p.Steps, Done: p.Done, BestErr: p.BestErr, Ended: p.Ended}
	r.dirty[l.folder] = true
	name := l.name
	r.notifyLocked()
	r.mu.Unlock()
	r.wakePersist()
	if finished {
		r.note(slog.LevelInfo, "lesson done", textsafe.Line(name)+" finished "+textsafe.Line(p.Scenario),
			"learner", textsafe.Line(name), "lesson", textsafe.Line(p.Scenario), "best_error", p.BestErr)
	}
}

func countDone(done []bool) int {
	n := 0
	for _, d := range done {
		if d {
			n++
		}
	}
	return n
}

func (r *Room) wakePersist() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// persistEvery is the shortest time between two rounds of writing.
const persistEvery = 500 * time.Millisecond

// persist writes the records that changed, in rounds.
func (r *Room) persist() {
	defer r.loops.Done()
	for {
		select {
		case <-r.stop:
			return
		case <-r.wake:
		}
		r.flush()
		select {
		case <-r.stop:
			return
		case <-time.After(persistEvery):
		}
	}
}

// flush writes every changed record now.
func (r *Room) flush() {
	type job struct {
		folder string
		data   []byte
	}
	var jobs []job
	r.mu.Lock()
	for f := range r.dirty {
		if l := r.learners[f]; l != nil {
			if data, err := json.MarshalIndent(l.rec, "", "  "); err == nil {
				jobs = append(jobs, job{f, append(data, '\n')})
			}
		}
	}
	clear(r.dirty)
	r.mu.Unlock()
	for _, j := range jobs {
		if err := safefile.Write(r.recordPath(j.folder), j.data, 0o600); err != nil {
			r.log.Error("cannot write a learner's progress", "folder", j.folder, "err", err)
		}
	}
}
