package room

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/streamsim/streamsim/internal/safefile"
	"github.com/streamsim/streamsim/internal/textsafe"
	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/ui/common"
)

// Collected is what Collect gathered.
type Collected struct {
	Learners int
	Files    []string // the scenario files copied, relative to the output folder
}

// maxCollected is the largest file Collect copies.
const maxCollected = pipeline.MaxFileSize

// Collect gathers every learner's work from a room's folder (dir) into out:
// out/<folder>/ gets the learner's scenario files (what they saved and the
// sessions they recorded) and their progress.json, and out/README.md lists
// the learners, their lessons and the command that replays each file's
// lesson (`streamsim run --lesson FILE`). A file of the same name in out is
// replaced. It may run while the room is open: every file it reads is
// either whole or not there yet.
func Collect(dir, out string) (Collected, error) {
	var c Collected
	absDir, err1 := filepath.Abs(dir)
	absOut, err2 := filepath.Abs(out)
	if err := errors.Join(err1, err2); err != nil {
		return c, err
	}
	if absOut == absDir || strings.HasPrefix(absOut, absDir+string(filepath.Separator)) {
		return c, fmt.Errorf("collect into a folder outside the room's (%s)", dir)
	}
	ents, err := os.ReadDir(filepath.Join(dir, learnersDir))
	if err != nil {
		return c, fmt.Errorf("no learners' folders in %s: %w", dir, err)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return c, err
	}
	var index strings.Builder
	index.WriteString("# Work collected from a streamsim room\n\n")
	index.WriteString("One folder per learner: the scenarios they saved, the sessions they recorded,\n")
	index.WriteString("and progress.json (every lesson's best attempt). Replay a file's lesson with the\n")
	index.WriteString("command beside it.\n\n")
	index.WriteString("| learner | folder | lessons | files |\n|---|---|---|---|\n")
	var replay []string
	for _, e := range ents {
		if !e.IsDir() {
			continue
		}
		folder := e.Name()
		dst := filepath.Join(out, folder)
		if err := os.MkdirAll(dst, 0o755); err != nil {
			return c, err
		}
		c.Learners++
		rec := record{}
		if data, err := safefile.Read(filepath.Join(dir, progressDir, folder+".json"), maxRecord); err == nil {
			_ = json.Unmarshal(data, &rec)
			if err := safefile.Write(filepath.Join(dst, "progress.json"), data, 0o644); err != nil {
				return c, err
			}
		}
		files, err := os.ReadDir(filepath.Join(dir, learnersDir, folder))
		if err != nil {
			return c, err
		}
		var names []string
		for _, f := range files {
			if !f.Type().IsRegular() || strings.HasPrefix(f.Name(), ".") || !common.IsScenarioFile(f.Name()) {
				continue // no links, no temporary files of a save under way
			}
			data, err := safefile.Read(filepath.Join(dir, learnersDir, folder, f.Name()), maxCollected)
			if err != nil {
				continue
			}
			if err := safefile.Write(filepath.Join(dst, f.Name()), data, 0o644); err != nil {
				return c, err
			}
			names = append(names, f.Name())
			rel := filepath.Join(folder, f.Name())
			c.Files = append(c.Files, rel)
			replay = append(replay, "streamsim run --lesson "+shellQuote(filepath.Join(out, rel)))
		}
		name := rec.Name
		if name == "" {
			name = folder
		}
		fmt.Fprintf(&index, "| %s | %s | %s | %s |\n", cell(name), cell(folder), cell(lessonsText(rec)), cell(strings.Join(names, ", ")))
	}
	sort.Strings(c.Files)
	if len(replay) > 0 {
		index.WriteString("\n## Replay\n\n```sh\n")
		for _, r := range replay {
			index.WriteString(textsafe.Line(r) + "\n")
		}
		index.WriteString("```\n")
	}
	if err := safefile.Write(filepath.Join(out, "README.md"), []byte(index.String()), 0o644); err != nil {
		return c, err
	}
	return c, nil
}

// lessonsText is a learner's lessons in words: "hot-partition-key 3/5 steps, seed-pipeline done".
func lessonsText(rec record) string {
	names := make([]string, 0, len(rec.Lessons))
	for n := range rec.Lessons {
		names = append(names, n)
	}
	sort.Strings(names)
	var parts []string
	for _, n := range names {
		parts = append(parts, n+" "+rec.Lessons[n].Status())
	}
	if len(parts) == 0 {
		return "—"
	}
	return strings.Join(parts, "; ")
}

// cell is text for a Markdown table cell: escaped, no pipes.
func cell(s string) string {
	return strings.ReplaceAll(textsafe.Line(s), "|", `\|`)
}

// shellQuote quotes a path for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
