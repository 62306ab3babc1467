package cmd

import (
	"fmt"
	"io"
	"sync"

	"github.com/spf13/cobra"

	lessons "github.com/streamsim/streamsim/internal/progress"
	"github.com/streamsim/streamsim/internal/textsafe"
	"github.com/streamsim/streamsim/ui"
	"github.com/streamsim/streamsim/ui/common"
)

func newWorkshopCmd() *cobra.Command {
	var reset bool
	c := &cobra.Command{
		Use:   "workshop",
		Short: "Do the built-in lessons in workshop order, checked as you go, with your progress kept",
		Long: `workshop opens the TUI on the built-in scenarios' lessons, in the order of
docs/workshop.md, each with your progress: not started, steps done, done,
and your best prediction. A run follows its lesson: it waits at each step
that asks you to do something (a check, an action) or to predict a number,
shows ✓ when you did it and a hint when you wait a while.

Progress is kept in streamsim/progress.json under your config folder
($XDG_CONFIG_HOME, else ~/.config, on Linux); --reset forgets it. A file
that cannot be read is reported and replaced. Without a terminal workshop
prints the lessons with your progress.

An instructor checks a class's recorded sessions (R on the dashboard) with
'streamsim run SESSION.yaml --lesson': it replays the learner's changes and
guesses and says which steps they did.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return runWorkshop(c, reset)
		},
	}
	c.Flags().BoolVar(&reset, "reset", false, "forget your progress and start the lessons over")
	return c
}

// runWorkshop loads the learner's progress (a file that cannot be read is
// said and started afresh), resets it when asked, and runs the TUI as a
// workshop, saving each lesson's progress as it changes; without a terminal
// it prints the progress.
func runWorkshop(c *cobra.Command, reset bool) error {
	stderr := c.ErrOrStderr()
	path, err := lessons.DefaultPath()
	if err != nil {
		fmt.Fprintf(stderr, "streamsim: no config folder for the workshop's progress (%v); it will not be kept\n", err)
	}
	store, loadErr := &lessons.Store{Lessons: map[string]lessons.Lesson{}}, error(nil)
	if path != "" {
		store, loadErr = lessons.Load(path)
	}
	notice := ""
	if loadErr != nil {
		notice = loadErr.Error()
		fmt.Fprintf(stderr, "streamsim: %s\n", textsafe.Line(notice))
	}
	if reset {
		store.Reset()
		if path != "" {
			if err := store.Save(); err != nil {
				return fmt.Errorf("reset the workshop's progress: %w", err)
			}
			fmt.Fprintf(stderr, "workshop progress reset (%s)\n", textsafe.Line(path))
		}
		notice = ""
	} else if loadErr != nil && path != "" {
		_ = store.Save() // replaced now: the next start finds a file it reads
	}
	builtins, err := loadBuiltins() // in workshop order
	if err != nil {
		return err
	}
	if !interactive(c) {
		writeProgress(c.OutOrStdout(), store, builtins, path)
		return nil
	}
	keeper := newProgressKeeper(store, path != "", builtins)
	defer keeper.close()
	known := map[string]lessons.Lesson{}
	for name, l := range store.Lessons {
		known[name] = l
	}
	err = runTUI(c.Context(), ui.Options{Builtins: builtins, Progress: keeper.hear,
		Workshop: &common.Workshop{Progress: known, Notice: notice}})
	if serr := keeper.close(); serr != nil {
		fmt.Fprintf(stderr, "streamsim: the workshop's progress was not saved: %s\n", textsafe.Line(serr.Error()))
	}
	return err
}

// writeProgress lists the lessons with the learner's progress.
func writeProgress(w io.Writer, store *lessons.Store, builtins []common.Builtin, path string) {
	done := 0
	for _, b := range builtins {
		if store.Lessons[b.Name].Done {
			done++
		}
	}
	fmt.Fprintf(w, "streamsim workshop: %d lessons, %d done\n\n", len(builtins), done)
	for i, b := range builtins {
		l, ok := store.Lessons[b.Name]
		if !ok {
			l.BestError = -1
		}
		fmt.Fprintf(w, "  %2d  %-28s %s\n", i+1, b.Name, l.Status())
	}
	fmt.Fprintln(w)
	if path != "" {
		fmt.Fprintf(w, "progress: %s\n", textsafe.Line(path))
	}
	fmt.Fprintln(w, "Run 'streamsim workshop' in a terminal to do the lessons; 'streamsim run SESSION.yaml --lesson' checks a recorded session.")
}

// progressKeeper takes the TUI's lesson reports and keeps them on disk. It
// hears them on the program's event loop, so it only records them in memory
// and wakes its saver, which writes the file apart.
type progressKeeper struct {
	mu       sync.Mutex
	store    *lessons.Store
	builtins map[string]bool
	dirty    chan struct{}
	done     chan struct{}
	once     sync.Once
	err      error // the last save's
}

func newProgressKeeper(store *lessons.Store, save bool, builtins []common.Builtin) *progressKeeper {
	k := &progressKeeper{store: store, builtins: map[string]bool{}, dirty: make(chan struct{}, 1), done: make(chan struct{})}
	for _, b := range builtins {
		k.builtins[b.Name] = true
	}
	if !save {
		close(k.done)
		return k
	}
	go func() {
		defer close(k.done)
		for range k.dirty {
			k.save()
		}
		k.save() // the last reports
	}()
	return k
}

// hear records a report; it never waits for the disk.
func (k *progressKeeper) hear(p common.LessonProgress) {
	if !k.builtins[p.Scenario] {
		return // a file opened in the workshop is no lesson of it
	}
	done := 0
	for _, d := range p.Done {
		if d {
			done++
		}
	}
	var errs []float64
	if p.BestErr >= 0 {
		errs = append(errs, p.BestErr)
	}
	k.mu.Lock()
	k.store.Record(p.Scenario, done, p.Steps, errs...)
	k.mu.Unlock()
	select {
	case k.dirty <- struct{}{}:
	default: // a save is already due: it takes this report too
	}
}

func (k *progressKeeper) save() {
	k.mu.Lock()
	err := k.store.Save()
	k.mu.Unlock()
	if err != nil {
		k.err = err
	}
}

// close saves what is left and says whether the last save failed.
func (k *progressKeeper) close() error {
	k.once.Do(func() {
		select {
		case <-k.done: // saving was off
		default:
			close(k.dirty)
		}
	})
	<-k.done
	return k.err
}
