package cmd

import (
	"bytes"
	"encoding/xml"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// junit10 is the Jenkins xUnit plugin's junit-10.xsd written out as data:
// the attributes each element may have (required ones marked !) and the
// children it may hold. checkJUnit10 walks a document against it, so the
// test needs no copy of the schema; with xmllint installed and
// STREAMSIM_JUNIT_XSD naming a copy, the file is validated by xmllint too.
var junit10 = map[string]struct {
	attrs    []string
	children []string
	text     bool
}{
	"testsuites": {[]string{"name", "time", "tests", "failures", "errors"}, []string{"testsuite"}, false},
	"testsuite": {[]string{"name!", "tests!", "failures!", "errors!", "group", "time", "skipped", "timestamp", "hostname", "id", "package", "file", "log", "url"},
		[]string{"testsuite", "properties", "testcase", "system-out", "system-err"}, false},
	"properties": {nil, []string{"property"}, false},
	"property":   {[]string{"name!", "value!"}, nil, false},
	"testcase": {[]string{"name!", "time", "classname", "group"},
		[]string{"skipped", "error", "failure", "rerunFailure", "rerunError", "flakyFailure", "flakyError", "system-out", "system-err"}, false},
	"failure":    {[]string{"type", "message"}, nil, true},
	"error":      {[]string{"type", "message"}, nil, true},
	"skipped":    {[]string{"type", "message"}, nil, true},
	"system-out": {nil, nil, true},
	"system-err": {nil, nil, true},
}

// surefireTime is junit-10.xsd's SUREFIRE_TIME pattern.
var surefireTime = regexp.MustCompile(`^(([0-9]{0,3},)*[0-9]{3}|[0-9]{0,3})*(\.[0-9]*)?$`)

func checkJUnit10(t *testing.T, data []byte) {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(data))
	var stack []string
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not XML: %v", err)
		}
		switch el := tok.(type) {
		case xml.StartElement:
			name := el.Name.Local
			rule, ok := junit10[name]
			if !ok {
				t.Fatalf("element <%s> is not in junit-10.xsd", name)
			}
			if len(stack) == 0 && name != "testsuites" && name != "testsuite" {
				t.Fatalf("root <%s>", name)
			}
			if len(stack) > 0 {
				parent := junit10[stack[len(stack)-1]]
				if !contains(parent.children, name) {
					t.Fatalf("<%s> may not hold <%s>", stack[len(stack)-1], name)
				}
			}
			have := map[string]string{}
			for _, a := range el.Attr {
				have[a.Name.Local] = a.Value
				if !contains(rule.attrs, a.Name.Local) && !contains(rule.attrs, a.Name.Local+"!") {
					t.Fatalf("<%s> has attribute %s, which junit-10.xsd does not allow", name, a.Name.Local)
				}
			}
			for _, a := range rule.attrs {
				if req, ok := strings.CutSuffix(a, "!"); ok {
					if _, ok := have[req]; !ok {
						t.Fatalf("<%s> lacks the required attribute %s", name, req)
					}
				}
			}
			if tm, ok := have["time"]; ok && (name == "testsuite" || name == "testsuites") && !surefireTime.MatchString(tm) {
				t.Fatalf("<%s time=%q> does not match SUREFIRE_TIME", name, tm)
			}
			stack = append(stack, name)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 && !junit10[stack[len(stack)-1]].text && strings.TrimSpace(string(el)) != "" {
				t.Fatalf("<%s> holds text", stack[len(stack)-1])
			}
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// The suite's JUnit file (passing, failing, invalid and regressed
// scenarios) follows junit-10.xsd, and the step summary is Markdown that
// renders as one table with a row per scenario.
func TestSuiteJUnitAndStepSummary(t *testing.T) {
	plainRunEnv(t)
	inDir(t, suiteDir(t))
	junit := filepath.Join(t.TempDir(), "r.xml")
	summary := filepath.Join(t.TempDir(), "summary.md")
	t.Setenv("GITHUB_STEP_SUMMARY", summary)
	run(t, "test", "--junit", junit, "--format", "github")
	data, err := os.ReadFile(junit)
	if err != nil {
		t.Fatal(err)
	}
	checkJUnit10(t, data)
	_, single, _ := run(t, "run", "b-fail.yaml", "--quiet", "--junit", "-")
	checkJUnit10(t, []byte(single)) // run's own JUnit too
	for _, want := range []string{`<testsuite name="seed-pipeline"`, `file="b-fail.yaml"`, `<failure message="b-fail.yaml:85: pipeline.produced_records is`,
		`<testcase name="load" classname="c-invalid.yaml"`, `<error message="c-invalid.yaml:5:11:`} {
		if !strings.Contains(string(data), want) {
			t.Errorf("JUnit lacks %q:\n%s", want, data)
		}
	}
	if xsd, lint := os.Getenv("STREAMSIM_JUNIT_XSD"), lookPath("xmllint"); xsd != "" && lint != "" {
		if out, err := exec.Command(lint, "--noout", "--schema", xsd, junit).CombinedOutput(); err != nil {
			t.Errorf("xmllint: %v\n%s", err, out)
		}
	}

	md, err := os.ReadFile(summary)
	if err != nil {
		t.Fatal(err)
	}
	var html bytes.Buffer
	if err := goldmark.New(goldmark.WithExtensions(extension.Table)).Convert(md, &html); err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(html.String(), "<tr>"); got != 1+4 {
		t.Errorf("%d table rows, want a header and 4 scenarios:\n%s\n%s", got, md, html.String())
	}
	if strings.Count(html.String(), "<table>") != 1 || !strings.Contains(html.String(), "<code>b-fail.yaml</code>") {
		t.Errorf("summary:\n%s", html.String())
	}
}

func lookPath(name string) string {
	p, err := exec.LookPath(name)
	if err != nil {
		return ""
	}
	return p
}
