package cmd

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/streamsim/streamsim/internal/safefile"
	"github.com/streamsim/streamsim/internal/textsafe"
	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/pipeline/advice"
)

// suiteSummary is the total of a suite run.
type suiteSummary struct {
	passed, failed, invalid, ignored int
	wall                             time.Duration
}

func summarize(cases []suiteCase, ignored int, wall time.Duration) suiteSummary {
	s := suiteSummary{ignored: ignored, wall: wall}
	for _, c := range cases {
		switch c.status() {
		case "PASS":
			s.passed++
		case "FAIL":
			s.failed++
		default:
			s.invalid++
		}
	}
	return s
}

// line is the suite's last line: "ok  12 passed, 1 failed, 0 invalid; 3 other YAML files ignored (4.2s)".
func (s suiteSummary) line() string {
	verdict := "ok"
	if s.failed+s.invalid > 0 {
		verdict = "FAIL"
	}
	n := s.passed + s.failed + s.invalid
	out := fmt.Sprintf("%s  %d %s: %d passed, %d failed, %d invalid", verdict, n, plural(n, "scenario", "scenarios"), s.passed, s.failed, s.invalid)
	if s.ignored > 0 {
		out += fmt.Sprintf("; %d other YAML %s ignored", s.ignored, plural(s.ignored, "file", "files"))
	}
	return out + fmt.Sprintf(" (%.1fs)", s.wall.Seconds())
}

// suiteOutputs are the --junit and --json files, written beside their
// targets and renamed in at the end.
type suiteOutputs struct {
	junit, json *suiteOutput
}

type suiteOutput struct {
	flag, path, target string
	mode               os.FileMode
	f                  *os.File
}

func openSuiteOutputs(f *suiteFlags) (*suiteOutputs, error) {
	o := &suiteOutputs{}
	open := func(flag, path string) (*suiteOutput, error) {
		if path == "" {
			return nil, nil
		}
		target, mode, _, err := safefile.Target(path, 0o644)
		if err == nil {
			var tmp *os.File
			if tmp, err = safefile.CreateTemp(target); err == nil {
				return &suiteOutput{flag: flag, path: path, target: target, mode: mode, f: tmp}, nil
			}
		}
		return nil, fmt.Errorf("--%s %s: %w", flag, textsafe.Line(path), err)
	}
	var err error
	if o.junit, err = open("junit", f.junitPath); err != nil {
		return nil, err
	}
	if o.json, err = open("json", f.jsonPath); err != nil {
		o.abort()
		return nil, err
	}
	return o, nil
}

func (o *suiteOutputs) write(cases []suiteCase, sum suiteSummary) error {
	for _, x := range []struct {
		out   *suiteOutput
		write func(io.Writer) error
	}{
		{o.junit, func(w io.Writer) error { return writeSuiteJUnit(w, cases, sum) }},
		{o.json, func(w io.Writer) error { return writeSuiteJSON(w, cases, sum) }},
	} {
		if x.out == nil {
			continue
		}
		err := safefile.Commit(x.out.f, x.out.target, x.out.mode, x.write(x.out.f))
		x.out.f = nil
		if err != nil {
			o.abort()
			return fmt.Errorf("--%s %s: %w", x.out.flag, textsafe.Line(x.out.path), err)
		}
	}
	return nil
}

// abort removes the temporary files of outputs not written.
func (o *suiteOutputs) abort() {
	for _, x := range []*suiteOutput{o.junit, o.json} {
		if x != nil && x.f != nil {
			_ = x.f.Close()
			_ = os.Remove(x.f.Name())
			x.f = nil
		}
	}
}

// JUnit XML in the Jenkins xUnit plugin's junit-10.xsd schema: testsuites >
// testsuite (name, tests, failures, errors, skipped, time, file) > testcase
// (name, classname, time) with failure, error and system-out. That schema has
// no file or line attribute on testcase, so each testcase gives its place as
// "file:line" in its system-out and failure message.
type xSuites struct {
	XMLName  xml.Name `xml:"testsuites"`
	Name     string   `xml:"name,attr"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Errors   int      `xml:"errors,attr"`
	Time     string   `xml:"time,attr"`
	Suites   []xSuite `xml:"testsuite"`
}

type xSuite struct {
	Name     string  `xml:"name,attr"`
	Tests    int     `xml:"tests,attr"`
	Failures int     `xml:"failures,attr"`
	Errors   int     `xml:"errors,attr"`
	Skipped  int     `xml:"skipped,attr"`
	Time     string  `xml:"time,attr"`
	File     string  `xml:"file,attr"`
	Cases    []xCase `xml:"testcase"`
}

type xCase struct {
	Name      string    `xml:"name,attr"`
	Classname string    `xml:"classname,attr"`
	Time      string    `xml:"time,attr"`
	Failure   *xProblem `xml:"failure,omitempty"`
	Error     *xProblem `xml:"error,omitempty"`
	SystemOut string    `xml:"system-out,omitempty"`
}

type xProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

func seconds(d time.Duration) string { return strconv.FormatFloat(d.Seconds(), 'f', 3, 64) }

func writeSuiteJUnit(w io.Writer, cases []suiteCase, sum suiteSummary) error {
	doc := xSuites{Name: "streamsim", Time: seconds(sum.wall)}
	for _, sc := range cases {
		s := junitSuite(sc)
		doc.Tests += s.Tests
		doc.Failures += s.Failures
		doc.Errors += s.Errors
		doc.Suites = append(doc.Suites, s)
	}
	data, err := xml.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s%s\n", xml.Header, data)
	return err
}

// junitSuite is one scenario: a testcase per expect line, a failing
// "regression" testcase per metric beyond its baseline, or one erroring
// "load" testcase for a file that did not load or run.
func junitSuite(sc suiteCase) xSuite {
	file := textsafe.Line(filepath.ToSlash(sc.path))
	s := xSuite{Name: file, Time: seconds(sc.wall), File: file}
	if sc.rep == nil {
		var msgs []string
		for _, p := range sc.problems {
			msgs = append(msgs, textsafe.Line(p.Error()))
		}
		if sc.loadErr != nil {
			msgs = append(msgs, textsafe.Line(sc.loadErr.Error()))
		}
		s.Tests, s.Errors = 1, 1
		s.Cases = []xCase{{Name: "load", Classname: file, Time: "0",
			Error: &xProblem{Message: msgs[0], Type: "invalid", Text: strings.Join(msgs, "\n")}}}
		return s
	}
	s.Name = sc.rep.Scenario
	for i, e := range sc.rep.Expectations {
		at := fmt.Sprintf("%s:%d", file, sc.s.Expect[i].Pos.Line)
		c := xCase{Name: textsafe.Line(e.Expr), Classname: sc.rep.Scenario, Time: "0",
			SystemOut: fmt.Sprintf("%s\nmeasured: %s", at, e.Measured())}
		if !e.Passed {
			s.Failures++
			c.Failure = &xProblem{Message: fmt.Sprintf("%s: %s is %s, expected %s", at, e.Metric, e.Measured(), e.Expected()),
				Type: "expectation", Text: fmt.Sprintf("expect:   %s\nmeasured: %s\n", textsafe.Line(e.Expr), e.Measured())}
		}
		s.Cases = append(s.Cases, c)
	}
	for _, d := range sc.worse {
		s.Failures++
		s.Cases = append(s.Cases, xCase{Name: "baseline " + d.Key, Classname: sc.rep.Scenario, Time: "0",
			Failure: &xProblem{Message: fmt.Sprintf("%s regressed: %s → %s (%s)", d.Key, advice.FormatValue(d.Key, d.A), advice.FormatValue(d.Key, d.B), d.Change()), Type: "regression"}})
	}
	s.Tests = len(s.Cases)
	return s
}

// suiteJSON is --json: every scenario's status and report.
type suiteJSON struct {
	Passed    int             `json:"passed"`
	Failed    int             `json:"failed"`
	Invalid   int             `json:"invalid"`
	Ignored   int             `json:"ignored"`
	Scenarios []suiteCaseJSON `json:"scenarios"`
}

type suiteCaseJSON struct {
	File     string           `json:"file"`
	Status   string           `json:"status"`
	Problems []string         `json:"problems,omitempty"`
	Report   *pipeline.Report `json:"report,omitempty"`
}

func writeSuiteJSON(w io.Writer, cases []suiteCase, sum suiteSummary) error {
	out := suiteJSON{Passed: sum.passed, Failed: sum.failed, Invalid: sum.invalid, Ignored: sum.ignored, Scenarios: []suiteCaseJSON{}}
	for _, sc := range cases {
		c := suiteCaseJSON{File: filepath.ToSlash(sc.path), Status: strings.ToLower(sc.status()), Report: sc.rep}
		for _, p := range sc.problems {
			c.Problems = append(c.Problems, p.Error())
		}
		if sc.loadErr != nil {
			c.Problems = append(c.Problems, sc.loadErr.Error())
		}
		out.Scenarios = append(out.Scenarios, c)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// annotations are the GitHub workflow commands of a scenario: an error at
// the line of each failing expect entry (or of the first problem of an
// invalid file) and a warning at the node of each advisor finding.
func annotations(sc suiteCase) []string {
	var out []string
	file := filepath.ToSlash(sc.path)
	for _, p := range sc.problems {
		out = append(out, ghCommand("error", file, p.Pos.Line, p.Pos.Col, "invalid scenario", p.Path+": "+p.Msg))
	}
	if sc.loadErr != nil {
		out = append(out, ghCommand("error", file, 0, 0, "scenario did not run", sc.loadErr.Error()))
	}
	if sc.rep == nil {
		return out
	}
	for i, e := range sc.rep.Expectations {
		if !e.Passed {
			out = append(out, ghCommand("error", file, sc.s.Expect[i].Pos.Line, sc.s.Expect[i].Pos.Col,
				"expectation failed: "+e.Expr, fmt.Sprintf("%s is %s, expected %s", e.Metric, e.Measured(), e.Expected())))
		}
	}
	for _, d := range sc.worse {
		out = append(out, ghCommand("error", file, 0, 0, "regression: "+d.Key,
			fmt.Sprintf("%s → %s (%s)", advice.FormatValue(d.Key, d.A), advice.FormatValue(d.Key, d.B), d.Change())))
	}
	for _, a := range sc.rep.Advice {
		line := 0
		if n := sc.s.Node(a.Node); n != nil {
			line = n.Pos.Line
		}
		out = append(out, ghCommand("warning", file, line, 0, "streamsim advice: "+a.Node, a.Message))
	}
	return out
}

// ghCommand writes a workflow command, escaped as GitHub's toolkit escapes
// them: % CR LF in the message, and also : and , in properties.
func ghCommand(kind, file string, line, col int, title, msg string) string {
	prop := strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
	data := strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	props := []string{"file=" + prop.Replace(textsafe.Line(file))}
	if line > 0 {
		props = append(props, "line="+strconv.Itoa(line))
		if col > 0 {
			props = append(props, "col="+strconv.Itoa(col))
		}
	}
	props = append(props, "title="+prop.Replace(textsafe.Line(title)))
	return fmt.Sprintf("::%s %s::%s", kind, strings.Join(props, ","), data.Replace(textsafe.Line(msg)))
}

// appendStepSummary appends a Markdown table of the results to the job's
// step summary file.
func appendStepSummary(path string, cases []suiteCase, sum suiteSummary) error {
	var b strings.Builder
	fmt.Fprintf(&b, "### streamsim test: %s\n\n", mdCell(sum.line()))
	b.WriteString("| scenario | result | time | first failure |\n|---|---|---|---|\n")
	for _, sc := range cases {
		mark := map[string]string{"PASS": "✅ pass", "FAIL": "❌ fail", "INVALID": "⚠️ invalid"}[sc.status()]
		fmt.Fprintf(&b, "| `%s` | %s | %.2fs | %s |\n", mdCode(filepath.ToSlash(sc.path)), mark, sc.wall.Seconds(), mdCell(strings.TrimSpace(caseWhy(sc))))
	}
	b.WriteString("\n")
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(b.String()); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// mdCell is text safe in a Markdown table cell.
func mdCell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ", "<", "&lt;", ">", "&gt;", "`", "'").Replace(textsafe.Line(s))
}

func mdCode(s string) string { return strings.ReplaceAll(textsafe.Line(s), "`", "'") }

// The scenarios that failed last time are kept per working folder in the
// user's cache folder, for --failed.
func failedCachePath() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	wd, _ := os.Getwd()
	h := fnv.New64a()
	h.Write([]byte(wd))
	return filepath.Join(dir, "streamsim", fmt.Sprintf("test-failed-%x.txt", h.Sum64()))
}

func absPath(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}

// rememberFailed writes the failed and invalid scenarios of this run (an
// empty list when all passed). Failing to write is not worth failing the run.
func rememberFailed(cases []suiteCase) {
	path := failedCachePath()
	if path == "" {
		return
	}
	var b strings.Builder
	for _, sc := range cases {
		if sc.status() != "PASS" {
			b.WriteString(absPath(sc.path) + "\n")
		}
	}
	if os.MkdirAll(filepath.Dir(path), 0o755) == nil {
		_ = safefile.Write(path, []byte(b.String()), 0o644)
	}
}

// lastFailed is the scenarios that failed last time.
func lastFailed() map[string]bool {
	out := map[string]bool{}
	path := failedCachePath()
	if path == "" {
		return out
	}
	data, err := safefile.Read(path, 16<<20)
	if err != nil {
		return out
	}
	for _, l := range strings.Split(string(data), "\n") {
		if l != "" {
			out[l] = true
		}
	}
	return out
}
