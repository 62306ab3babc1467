// Package progress keeps a learner's workshop progress between runs: for
// each lesson whether it was started and finished, the steps done, and the
// best prediction (the smallest relative error). It lives in one JSON file in
// the user's config folder; a file that cannot be read is reported and
// started afresh, never a reason to stop. It imports the standard library
// and internal/safefile only.
package progress

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"

	"github.com/streamsim/streamsim/internal/safefile"
)

// Lesson is the progress of one lesson (a built-in scenario's name).
type Lesson struct {
	Started   bool    `json:"started"`
	Done      bool    `json:"done"`
	Steps     int     `json:"steps"`      // steps done in the best attempt
	Of        int     `json:"of"`         // steps the lesson has
	BestError float64 `json:"best_error"` // smallest |guess−answer| ÷ |answer| of a prediction; -1: none yet
}

// Store is the progress of every lesson, and where it is kept.
type Store struct {
	Path    string            `json:"-"`
	Lessons map[string]Lesson `json:"lessons"`
}

// DefaultPath is progress.json in streamsim's folder of the user's config
// (XDG_CONFIG_HOME on Linux).
func DefaultPath() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "streamsim", "progress.json"), nil
}

// Load reads the store at path. A missing file is an empty store; a file
// that is not a progress file gives an empty store and an error that says
// so (the caller reports it; the next Save replaces the file).
func Load(path string) (*Store, error) {
	s := &Store{Path: path, Lessons: map[string]Lesson{}}
	data, err := safefile.Read(path, 1<<20)
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	if err == nil {
		var read Store
		if err = json.Unmarshal(data, &read); err == nil && read.Lessons == nil {
			err = errors.New("no lessons in it")
		}
		if err == nil {
			for name, l := range read.Lessons {
				s.Lessons[name] = l.clean()
			}
			return s, nil
		}
	}
	return s, fmt.Errorf("workshop progress %s could not be read (%v); starting afresh, and it will be replaced", path, err)
}

// clean keeps a lesson's numbers in their ranges.
func (l Lesson) clean() Lesson {
	l.Of, l.Steps = max(0, l.Of), max(0, l.Steps)
	l.Steps = min(l.Steps, l.Of)
	if math.IsNaN(l.BestError) || math.IsInf(l.BestError, 0) || l.BestError < 0 {
		l.BestError = -1
	}
	return l
}

// Reset forgets every lesson.
func (s *Store) Reset() { s.Lessons = map[string]Lesson{} }

// Record takes an attempt at a lesson: steps done of total, and the
// relative errors of its predictions; it keeps the best.
func (s *Store) Record(name string, done, total int, errs ...float64) {
	l, ok := s.Lessons[name]
	if !ok {
		l.BestError = -1
	}
	l.Started, l.Of = true, total
	l.Steps = max(l.Steps, min(done, total))
	l.Done = l.Done || (total > 0 && done >= total)
	for _, e := range errs {
		if e >= 0 && !math.IsNaN(e) && (l.BestError < 0 || e < l.BestError) {
			l.BestError = e
		}
	}
	s.Lessons[name] = l
}

// Save writes the store, replacing the file in one step.
func (s *Store) Save() error {
	if err := os.MkdirAll(filepath.Dir(s.Path), 0o755); err != nil {
		return err
	}
	data, err := json.MarshalIndent(s, "", "  ") // encoding/json sorts map keys
	if err != nil {
		return err
	}
	return safefile.Write(s.Path, append(data, '\n'), 0o644)
}

// Status is a lesson's progress in words: "not started", "3/7 steps",
// "done", with the best prediction when there was one.
func (l Lesson) Status() string {
	var s string
	switch {
	case !l.Started:
		return "not started"
	case l.Done:
		s = "done"
	default:
		s = fmt.Sprintf("%d/%d steps", l.Steps, l.Of)
	}
	if l.BestError >= 0 {
		s += " · best prediction " + percentOff(l.BestError)
	}
	return s
}

// RelError is |guess − answer| ÷ |answer| (|guess| when the answer is 0).
func RelError(guess, answer float64) float64 {
	if answer == 0 {
		return math.Abs(guess)
	}
	return math.Abs(guess-answer) / math.Abs(answer)
}

// percentOff writes a relative error as a percentage: whole percents, with a
// decimal below 10% (a guess 0.3% off is not "0% off").
func percentOff(e float64) string {
	if p := 100 * e; p < 9.95 {
		return fmt.Sprintf("%.1f%% off", p)
	}
	return fmt.Sprintf("%.0f%% off", 100*e)
}
