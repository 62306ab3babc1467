package cmd

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/streamsim/streamsim/internal/safefile"
	"github.com/streamsim/streamsim/internal/textsafe"
	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/pipeline/htmlreport"
)

// runOutputs are the report files of a run; at most one of them is stdout.
// Each file is written to a temporary file beside its target and renamed
// onto it only when the run has written the whole report, so a run that
// fails leaves every path as it found it.
type runOutputs struct {
	stdout                 io.Writer
	toStdout               bool // one report goes to stdout: the summary goes to stderr
	json, junit, csv, html *output
}

// output is one report destination.
type output struct {
	flag, path string
	w          io.Writer
	f          *os.File    // the temporary file; nil for stdout
	target     string      // the file it replaces (a symlink's target)
	mode       fs.FileMode // the mode the target keeps, or gets
}

func newRunOutputs(stdout io.Writer, f *runFlags) (*runOutputs, error) {
	o := &runOutputs{stdout: stdout}
	var dash []string
	mk := func(flag, path string) *output {
		if path == "" {
			return nil
		}
		if path == "-" {
			dash = append(dash, "--"+flag)
		}
		return &output{flag: flag, path: path}
	}
	o.json, o.junit, o.csv, o.html = mk("json", f.jsonPath), mk("junit", f.junitPath), mk("csv", f.csvPath), mk("html", f.htmlPath)
	if len(dash) > 1 {
		return nil, fmt.Errorf("%s: only one report can go to stdout (-)", strings.Join(dash, " and "))
	}
	o.toStdout = len(dash) == 1
	if f.baseline != "" {
		if err := checkReadable(f.baseline); err != nil {
			return nil, fmt.Errorf("--baseline: %w", err)
		}
	}
	return o, nil
}

// checkReadable fails at once for a path that does not name a regular file.
func checkReadable(path string) error {
	_, _, exists, err := safefile.Target(path, 0)
	if err == nil && !exists {
		err = fs.ErrNotExist
	}
	return err
}

func (o *runOutputs) all() []*output {
	var out []*output
	for _, x := range []*output{o.json, o.junit, o.csv, o.html} {
		if x != nil {
			out = append(out, x)
		}
	}
	return out
}

// open checks every report path and creates its temporary file, so a bad
// path fails before the run. A path may not be the scenario file, another
// report's path, a directory or any other non-regular file.
func (o *runOutputs) open(scenario string) error {
	seen := map[string]string{}
	if t, _, exists, err := safefile.Target(scenario, 0); err == nil && exists {
		seen[t] = "the scenario file"
	}
	for _, x := range o.all() {
		if x.path == "-" {
			x.w = o.stdout
			continue
		}
		if err := x.resolve(); err != nil {
			o.abort()
			return fmt.Errorf("--%s %s: %w", x.flag, textsafe.Line(x.path), err)
		}
		if other, ok := seen[x.target]; ok {
			o.abort()
			return fmt.Errorf("--%s %s: is %s; choose another path", x.flag, textsafe.Line(x.path), other)
		}
		seen[x.target] = "the --" + x.flag + " path"
		f, err := safefile.CreateTemp(x.target)
		if err != nil {
			o.abort()
			return fmt.Errorf("--%s %s: %w", x.flag, textsafe.Line(x.path), err)
		}
		x.f, x.w = f, f
	}
	return nil
}

// resolve finds the file an output replaces and the mode it keeps.
func (x *output) resolve() (err error) {
	x.target, x.mode, _, err = safefile.Target(x.path, 0o644)
	var nr *safefile.NotRegularError
	if errors.As(err, &nr) {
		return fmt.Errorf("%w; reports are written to regular files (or - for stdout)", err)
	}
	return err
}

// summary is where the human-readable summary goes.
func (o *runOutputs) summary(stderr io.Writer) io.Writer {
	if o.toStdout {
		return stderr
	}
	return o.stdout
}

// writeHTML writes the --html page of the run.
func (o *runOutputs) writeHTML(r htmlreport.Run) error {
	if o.html == nil {
		return nil
	}
	if err := htmlreport.Write(o.html.w, r); err != nil {
		o.abort()
		return fmt.Errorf("--html %s: %w", textsafe.Line(o.html.path), err)
	}
	return nil
}

// write writes the JSON and JUnit reports (the CSV is written during the
// run, the HTML by writeHTML) and puts every report in place.
func (o *runOutputs) write(rep *pipeline.Report) error {
	if o.json != nil {
		if err := rep.WriteJSON(o.json.w); err != nil {
			o.abort()
			return fmt.Errorf("--json %s: %w", textsafe.Line(o.json.path), err)
		}
	}
	if o.junit != nil {
		if err := rep.WriteJUnit(o.junit.w); err != nil {
			o.abort()
			return fmt.Errorf("--junit %s: %w", textsafe.Line(o.junit.path), err)
		}
	}
	return o.commit()
}

// commit closes each temporary file and renames it onto its target; after a
// failure the rest are removed.
func (o *runOutputs) commit() error {
	for _, x := range o.all() {
		if x.f == nil {
			continue
		}
		err := safefile.Commit(x.f, x.target, x.mode, nil)
		x.f = nil
		if err != nil {
			o.abort()
			return fmt.Errorf("--%s %s: %w", x.flag, textsafe.Line(x.path), err)
		}
	}
	return nil
}

// abort removes the temporary files of a run that produced no report; the
// report paths themselves are never touched.
func (o *runOutputs) abort() {
	for _, x := range o.all() {
		if x.f != nil {
			_ = x.f.Close()
			_ = os.Remove(x.f.Name())
			x.f = nil
		}
	}
}
