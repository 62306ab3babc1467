package cmd

// The progress bar of a run that takes more than a moment.

import (
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/charmbracelet/colorprofile"
	"github.com/spf13/cobra"

	"github.com/streamsim/streamsim/backends"
	"github.com/streamsim/streamsim/pipeline"
)

// progressDelay is how long a run goes before the progress bar appears.
const progressDelay = 200 * time.Millisecond

// progress draws a one-line progress bar on a terminal, redrawn with \r, once
// a run has taken longer than progressDelay, and clears it at the end. It
// says how long the run has left: the estimate at first, then its pace.
// It draws only when stdout is a terminal too (else the summary goes to a
// file or a pipe, and so may the user's attention) and stderr shows colour:
// not on a dumb terminal, and not under NO_COLOR or CI, which ask for plain
// text.
type progress struct {
	w           io.Writer
	on          bool
	name        string
	est         time.Duration // the run's estimated time (0: unknown)
	start, last time.Time
	drawn       bool
}

func newProgress(c *cobra.Command, name string, quiet bool) *progress {
	return &progress{w: c.ErrOrStderr(), name: name,
		on: !quiet && isTerminal(c.OutOrStdout()) && profileOf(c.ErrOrStderr()) >= colorprofile.ANSI}
}

func (p *progress) update(now, total time.Duration) {
	if !p.on {
		return
	}
	t := time.Now()
	if t.Sub(p.start) < progressDelay || t.Sub(p.last) < 100*time.Millisecond {
		return
	}
	p.last = t
	left := time.Duration(-1)
	if p.est > 0 {
		left = remaining(p.est, t.Sub(p.start), fracDone(now, total))
	}
	fmt.Fprint(p.w, "\r"+progressLine(p.name, now, total, left)+"\x1b[K")
	p.drawn = true
}

func (p *progress) clear() {
	if p.drawn {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.drawn = false
	}
}

// progressLine is the bar's text, at most 80 columns:
// "seed-pipeline [██████░░░░░░░░░░░░░░░░░░]  25%  15m of 1h simulated", or
// with the time left known (left ≥ 0)
// "seed-pipeline [████░░░░░░░░░░░░]  25%  15m of 1h · 1m20s left".
func progressLine(name string, now, total, left time.Duration) string {
	width, tail := 24, " simulated"
	if left >= 0 {
		width, tail = 16, " · "+backends.TimeText(left)+" left"
	}
	frac := fracDone(now, total)
	if utf8.RuneCountInString(name) > 20 {
		name = string([]rune(name)[:19]) + "…"
	}
	full := int(frac * float64(width))
	return fmt.Sprintf("%s [%s%s] %3d%%  %s of %s%s", name,
		strings.Repeat("█", full), strings.Repeat("░", width-full), int(frac*100),
		pipeline.FormatDuration(now.Truncate(time.Second)), pipeline.FormatDuration(total), tail)
}

// statusLine is one line of what a command is doing, redrawn with \r on a
// terminal under the same conditions as the progress bar, and cleared at
// the end; elsewhere it writes nothing.
type statusLine struct {
	w     io.Writer
	on    bool
	drawn bool
}

func newStatusLine(c *cobra.Command) *statusLine {
	return &statusLine{w: c.ErrOrStderr(), on: isTerminal(c.OutOrStdout()) && profileOf(c.ErrOrStderr()) >= colorprofile.ANSI}
}

// show replaces the line with text, cut to 80 columns.
func (s *statusLine) show(text string) {
	if !s.on {
		return
	}
	if r := []rune(text); len(r) > 80 {
		text = string(r[:79]) + "…"
	}
	fmt.Fprint(s.w, "\r"+text+"\x1b[K")
	s.drawn = true
}

func (s *statusLine) clear() {
	if s.drawn {
		fmt.Fprint(s.w, "\r\x1b[K")
		s.drawn = false
	}
}
