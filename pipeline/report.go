package pipeline

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/streamsim/streamsim/internal/textsafe"
)

// Report is the outcome of one run in the shape of the JSON report of the CLI
// contract: which scenario ran how, every metric, every expectation and the
// advice. `run` writes it; `compare` and `advise` read or extend it.
//
// Determinism: NewReport rounds every number (see RoundMetric), the JSON has
// sorted keys and no times of day or wall-clock durations, so the same file,
// seed and flags give the same bytes.
type Report struct {
	Scenario     string              // the scenario's name
	Seed         int64               // the seed the run used
	Backend      string              // "sim" or "aws"
	DurationS    float64             // simulated (or elapsed) seconds
	Passed       bool                // every expectation holds
	Metrics      map[string]float64  // report key (ReportKey) → rounded value; NaN and ±Inf are written as null
	Expectations []ExpectationResult // in the order of the scenario's expect lines
	Advice       []Advice            // empty until the advisor fills it
	// Series is the run over time (run --series), for charts of compare --html.
	Series *History
}

// ExpectationResult is one `expect` line checked against a run.
type ExpectationResult struct {
	Expr   string  // the line as written
	Value  float64 // the measured value in the metric's base unit, rounded as in Metrics
	Passed bool

	Metric string  // node.metric
	Op     string  // < <= > >= == !=
	Want   float64 // the threshold in base units
	Unit   Unit
}

// Measured writes the measured value in its unit, as summaries show it:
// FormatMetric, except that bytes are written to one decimal in the largest
// binary unit ("4.0 GiB", where FormatMetric writes them exactly).
func (r ExpectationResult) Measured() string {
	if r.Unit == UnitBytes && !math.IsNaN(r.Value) && !math.IsInf(r.Value, 0) {
		return ApproxSize(r.Value)
	}
	return FormatMetric(r.Unit, r.Value)
}

// Expected writes the condition on the value as the expect line has it, such
// as "< 3m" or ">= 10k".
func (r ExpectationResult) Expected() string {
	if f := strings.Fields(r.Expr); len(f) >= 3 {
		return strings.Join(f[1:], " ")
	}
	return r.Op + " " + FormatMetric(r.Unit, r.Want)
}

// ApproxSize writes a byte count for people: to one decimal in the largest
// binary unit that keeps it at least 1 ("790.9 MiB"), whole bytes below 1 KiB.
func ApproxSize(v float64) string {
	units := []string{"B", "KiB", "MiB", "GiB", "TiB", "PiB"}
	i := 0
	for math.Abs(v) >= 1024 && i < len(units)-1 {
		v /= 1024
		i++
	}
	if i == 0 {
		return strconv.FormatFloat(math.Round(v), 'f', 0, 64) + " B"
	}
	return strconv.FormatFloat(v, 'f', 1, 64) + " " + units[i]
}

// Advice severities.
const (
	SeverityInfo     = "info"
	SeverityWarning  = "warning"
	SeverityCritical = "critical"
)

// Advice is one recommendation about the pipeline, with the node it concerns
// ("" or "pipeline" for the whole pipeline).
type Advice struct {
	Severity string
	Node     string
	Message  string
}

// MissingMetricError says a backend did not report a metric that an expectation
// names. It is a bug in the backend, never a pass.
type MissingMetricError struct {
	Metric string
	Expr   string
}

func (e *MissingMetricError) Error() string {
	return fmt.Sprintf("the backend reported no value for %s (needed by expect %q)", e.Metric, e.Expr)
}

// NewReport builds the report of a finished run of s. metrics are the
// backend's results keyed "node.metric" in base units (seconds, bytes,
// dollars, fractions); duration is the simulated time.
//
// Only metrics that s defines (MetricNames) are reported, under their
// ReportKey and rounded by RoundMetric. Expectations are judged on the
// unrounded values. A metric that an expectation names but metrics lacks is a
// *MissingMetricError.
func NewReport(s *Scenario, backend string, duration time.Duration, metrics map[string]float64) (*Report, error) {
	r := &Report{
		Scenario:     s.Name,
		Seed:         s.Seed,
		Backend:      backend,
		DurationS:    roundDecimals(duration.Seconds(), 3),
		Passed:       true,
		Metrics:      make(map[string]float64, len(metrics)),
		Expectations: []ExpectationResult{},
		Advice:       []Advice{},
	}
	units := map[string]Unit{}
	for _, m := range s.MetricNames() {
		units[m.Name] = m.Unit
		if v, ok := metrics[m.Name]; ok {
			r.Metrics[ReportKey(m.Name, m.Unit)] = RoundMetric(m.Unit, v)
		}
	}
	for _, e := range s.Expect {
		v, ok := metrics[e.Metric]
		if !ok {
			return nil, &MissingMetricError{Metric: e.Metric, Expr: e.Text}
		}
		u := units[e.Metric]
		res := ExpectationResult{
			Expr: e.Text, Value: RoundMetric(u, v), Passed: e.Holds(v),
			Metric: e.Metric, Op: e.Op, Want: e.Value, Unit: u,
		}
		r.Passed = r.Passed && res.Passed
		r.Expectations = append(r.Expectations, res)
	}
	return r, nil
}

// Failed counts the expectations that do not hold.
func (r *Report) Failed() int {
	n := 0
	for _, e := range r.Expectations {
		if !e.Passed {
			n++
		}
	}
	return n
}

// RoundMetric rounds a value of unit u the way reports write it, so that noise
// in the last bits of a float never reaches a report: counts to 3 decimals
// (the simulator moves fractions of records), bytes to whole bytes, seconds,
// dollars and ratios to 6 significant digits. NaN and ±Inf pass through
// (reports write them as null); -0 becomes 0.
func RoundMetric(u Unit, v float64) float64 {
	switch u {
	case UnitCount:
		return roundDecimals(v, 3)
	case UnitBytes:
		return roundDecimals(v, 0)
	}
	return roundSignificant(v, 6)
}

func roundDecimals(v float64, places int) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return v
	}
	p := math.Pow10(places)
	if math.Abs(v)*p >= 1<<53 {
		return v // already coarser than the rounding
	}
	return noNegZero(math.Round(v*p) / p)
}

// noNegZero turns -0 into 0, which JSON would otherwise write as -0.
func noNegZero(v float64) float64 {
	if v == 0 {
		return 0
	}
	return v
}

func roundSignificant(v float64, digits int) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) || v == 0 {
		return noNegZero(v)
	}
	r, err := strconv.ParseFloat(strconv.FormatFloat(v, 'g', digits, 64), 64)
	if err != nil {
		return v
	}
	return r
}

// jsonReport is the wire form of Report: the contract's keys, pointers where
// a non-finite number becomes null.
type jsonReport struct {
	Scenario     string              `json:"scenario"`
	Seed         int64               `json:"seed"`
	Backend      string              `json:"backend"`
	DurationS    *float64            `json:"duration_s"`
	Passed       bool                `json:"passed"`
	Metrics      map[string]*float64 `json:"metrics"`
	Expectations []jsonExpectation   `json:"expectations"`
	Advice       []jsonAdvice        `json:"advice"`
	Series       *History            `json:"series,omitempty"`
}

type jsonExpectation struct {
	Expr   string   `json:"expr"`
	Value  *float64 `json:"value"`
	Passed bool     `json:"passed"`
}

type jsonAdvice struct {
	Severity string `json:"severity"`
	Node     string `json:"node"`
	Message  string `json:"message"`
}

func finite(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	v = noNegZero(v)
	return &v
}

// wire converts the report to its JSON form.
func (r *Report) wire() jsonReport {
	w := jsonReport{
		Scenario: r.Scenario, Seed: r.Seed, Backend: r.Backend, DurationS: finite(r.DurationS), Passed: r.Passed,
		Metrics:      make(map[string]*float64, len(r.Metrics)),
		Expectations: make([]jsonExpectation, 0, len(r.Expectations)),
		Advice:       make([]jsonAdvice, 0, len(r.Advice)),
		Series:       r.Series,
	}
	for k, v := range r.Metrics {
		w.Metrics[k] = finite(v)
	}
	for _, e := range r.Expectations {
		w.Expectations = append(w.Expectations, jsonExpectation{Expr: e.Expr, Value: finite(e.Value), Passed: e.Passed})
	}
	for _, a := range r.Advice {
		w.Advice = append(w.Advice, jsonAdvice(a))
	}
	return w
}

// encodeJSON writes the report's JSON form with a final newline, indented by
// indent ("" for one line); < > & stay as they are.
func (r *Report) encodeJSON(w io.Writer, indent string) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if indent != "" {
		enc.SetIndent("", indent)
	}
	return enc.Encode(r.wire())
}

// MarshalJSON writes the report in the contract's shape on one line. Keys of
// metrics are sorted (encoding/json sorts map keys), NaN and ±Inf are null.
func (r *Report) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	if err := r.encodeJSON(&b, ""); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// UnmarshalJSON reads a report written by MarshalJSON; null numbers become NaN.
// Expectations read back carry only Expr, Value and Passed.
func (r *Report) UnmarshalJSON(data []byte) error {
	var w jsonReport
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	num := func(p *float64) float64 {
		if p == nil {
			return math.NaN()
		}
		return *p
	}
	*r = Report{
		Scenario: w.Scenario, Seed: w.Seed, Backend: w.Backend, DurationS: num(w.DurationS), Passed: w.Passed,
		Metrics:      make(map[string]float64, len(w.Metrics)),
		Expectations: make([]ExpectationResult, 0, len(w.Expectations)),
		Advice:       make([]Advice, 0, len(w.Advice)),
		Series:       w.Series,
	}
	for k, v := range w.Metrics {
		r.Metrics[k] = num(v)
	}
	for _, e := range w.Expectations {
		r.Expectations = append(r.Expectations, ExpectationResult{Expr: e.Expr, Value: num(e.Value), Passed: e.Passed})
	}
	for _, a := range w.Advice {
		r.Advice = append(r.Advice, Advice(a))
	}
	return nil
}

// WriteJSON writes the report as JSON indented by two spaces, with a final
// newline: what `run --json` writes.
func (r *Report) WriteJSON(w io.Writer) error { return r.encodeJSON(w, "  ") }

// JUnit XML, in the subset that CI systems (Jenkins, GitLab, GitHub actions)
// read: one testsuite named after the scenario, one testcase per expectation.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       string          `xml:"time,attr"`
	Properties []junitProperty `xml:"properties>property"`
	Cases      []junitCase     `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitFailure `xml:"failure"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",cdata"`
}

// WriteJUnit writes the report as JUnit XML: one testsuite named after the
// scenario, one testcase per expectation (named by its line), and a failure
// element with the measured and the expected value where it does not hold.
// Times are "0": the report holds no wall-clock times, so it is deterministic.
func (r *Report) WriteJUnit(w io.Writer) error {
	failed := r.Failed()
	suite := junitSuite{
		Name: r.Scenario, Tests: len(r.Expectations), Failures: failed, Time: "0",
		Properties: []junitProperty{
			{"backend", r.Backend},
			{"seed", strconv.FormatInt(r.Seed, 10)},
			{"duration_s", strconv.FormatFloat(r.DurationS, 'f', -1, 64)},
		},
		Cases: []junitCase{},
	}
	for _, e := range r.Expectations {
		c := junitCase{Name: e.Expr, Classname: r.Scenario, Time: "0", SystemOut: "measured: " + e.Measured()}
		if !e.Passed {
			c.Failure = &junitFailure{
				Message: fmt.Sprintf("%s is %s, expected %s", e.Metric, e.Measured(), e.Expected()),
				Type:    "expectation",
				Text: fmt.Sprintf("expect:   %s\nmeasured: %s (%s in base units)\nexpected: %s\n",
					e.Expr, e.Measured(), strconv.FormatFloat(e.Value, 'f', -1, 64), e.Expected()),
			}
		}
		suite.Cases = append(suite.Cases, c)
	}
	doc := junitSuites{Name: "streamsim", Tests: len(r.Expectations), Failures: failed, Time: "0", Suites: []junitSuite{suite}}
	// A report read back from a file may carry anything; XML 1.0 cannot hold
	// control characters at all, and a CI page shows the names.
	data, err := xml.MarshalIndent(doc.escaped(), "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s%s\n", xml.Header, data)
	return err
}

// escaped is doc with every text escaped by textsafe.
func (doc junitSuites) escaped() junitSuites {
	for i := range doc.Suites {
		s := &doc.Suites[i]
		s.Name = textsafe.Line(s.Name)
		for j := range s.Properties {
			s.Properties[j].Value = textsafe.Line(s.Properties[j].Value)
		}
		for j := range s.Cases {
			c := &s.Cases[j]
			c.Name, c.Classname = textsafe.Line(c.Name), textsafe.Line(c.Classname)
			if c.Failure != nil {
				c.Failure.Message, c.Failure.Text = textsafe.Line(c.Failure.Message), textsafe.Block(c.Failure.Text)
			}
		}
	}
	return doc
}
