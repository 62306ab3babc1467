package cmd

import (
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/spf13/cobra"

	"github.com/streamsim/streamsim/internal/safefile"
	"github.com/streamsim/streamsim/internal/textsafe"
	"github.com/streamsim/streamsim/pipeline"
)

// sweepJSON is --json: the sweep's definition, a summary per combination
// and every run. A part's file has Part set; merge drops it, so merged parts
// give the bytes of the whole sweep.
type sweepJSON struct {
	Scenario    string          `json:"scenario"`
	Seed        int64           `json:"seed"`
	Seeds       int             `json:"seeds"`
	Fingerprint string          `json:"fingerprint"`
	Vary        []sweepVaryJSON `json:"vary"`
	Metrics     []string        `json:"metrics"`
	Targets     []string        `json:"targets"`
	Part        *sweepPartJSON  `json:"part,omitempty"`
	Points      []sweepPoint    `json:"points"`
	Runs        []sweepRunJSON  `json:"runs"`
}

type sweepVaryJSON struct {
	Key    string   `json:"key"`
	Values []string `json:"values"`
}

type sweepPartJSON struct {
	Index int `json:"index"` // 1-based
	Of    int `json:"of"`
}

// sweepPoint summarises a combination over its seeds.
type sweepPoint struct {
	Values  []string             `json:"values"`
	Runs    int                  `json:"runs"`
	Errors  int                  `json:"errors"`
	Metrics map[string]sweepStat `json:"metrics"`
	Held    []float64            `json:"held"`     // per target, the share of seeds in which it held
	AllHeld float64              `json:"all_held"` // the share in which every target held
}

type sweepStat struct {
	P5     float64 `json:"p5"`
	Median float64 `json:"median"`
	P95    float64 `json:"p95"`
}

type sweepRunJSON struct {
	Point   int                `json:"point"`
	Seed    int64              `json:"seed"`
	Metrics map[string]float64 `json:"metrics,omitempty"`
	Held    []bool             `json:"held,omitempty"`
	Error   string             `json:"error,omitempty"`
}

// document is the JSON of the plan's runs.
func (p *sweepPlan) document(runs []sweepRun) sweepJSON {
	doc := sweepJSON{Scenario: p.s.Name, Seed: p.s.Seed, Seeds: p.seeds, Metrics: p.metrics, Targets: []string{}}
	for _, v := range p.vars {
		vj := sweepVaryJSON{Key: v.ref}
		for _, a := range v.values {
			vj.Values = append(vj.Values, a.Value.String())
		}
		doc.Vary = append(doc.Vary, vj)
	}
	for _, t := range p.targets {
		doc.Targets = append(doc.Targets, t.Text)
	}
	doc.Fingerprint = p.fingerprint(doc)
	if p.part >= 0 {
		doc.Part = &sweepPartJSON{Index: p.part + 1, Of: p.parts}
	}
	for _, r := range runs {
		rj := sweepRunJSON{Point: r.point, Seed: p.s.Seed + int64(r.seed), Held: r.held, Error: r.err}
		if r.err == "" {
			rj.Metrics = map[string]float64{}
			for i, m := range p.metrics {
				rj.Metrics[m] = finiteOrZero(r.metrics[i])
			}
		}
		doc.Runs = append(doc.Runs, rj)
	}
	doc.Points = summarizePoints(doc)
	return doc
}

// fingerprint names the sweep a part belongs to: its scenario as loaded and
// everything that shapes the runs.
func (p *sweepPlan) fingerprint(doc sweepJSON) string {
	enc, _ := pipeline.Encode(p.s, true)
	h := sha256.New()
	h.Write(enc)
	meta, _ := json.Marshal([]any{doc.Seeds, doc.Vary, doc.Metrics, doc.Targets})
	h.Write(meta)
	return hex.EncodeToString(h.Sum(nil))[:16]
}

func finiteOrZero(v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	return v
}

// summarizePoints computes each combination's summary from the runs.
func summarizePoints(doc sweepJSON) []sweepPoint {
	byPoint := map[int][]sweepRunJSON{}
	var order []int
	for _, r := range doc.Runs {
		if _, ok := byPoint[r.Point]; !ok {
			order = append(order, r.Point)
		}
		byPoint[r.Point] = append(byPoint[r.Point], r)
	}
	sort.Ints(order)
	out := []sweepPoint{}
	for _, pt := range order {
		out = append(out, summarizePoint(doc, pt, byPoint[pt]))
	}
	return out
}

func summarizePoint(doc sweepJSON, pt int, runs []sweepRunJSON) sweepPoint {
	sp := sweepPoint{Values: pointValues(doc.Vary, pt), Runs: len(runs), Metrics: map[string]sweepStat{}, Held: make([]float64, len(doc.Targets))}
	ok := 0
	all := 0
	for _, r := range runs {
		if r.Error != "" {
			sp.Errors++
			continue
		}
		ok++
		every := true
		for i, h := range r.Held {
			if h {
				sp.Held[i]++
			}
			every = every && h
		}
		if every {
			all++
		}
	}
	if ok > 0 {
		for i := range sp.Held {
			sp.Held[i] = round6(sp.Held[i] / float64(ok))
		}
		sp.AllHeld = round6(float64(all) / float64(ok))
	}
	for _, m := range doc.Metrics {
		var vals []float64
		for _, r := range runs {
			if r.Error == "" {
				vals = append(vals, r.Metrics[m])
			}
		}
		sp.Metrics[m] = stats(vals)
	}
	return sp
}

// pointValues is the texts of combination pt's values.
func pointValues(vary []sweepVaryJSON, pt int) []string {
	out := make([]string, len(vary))
	for i := len(vary) - 1; i >= 0; i-- {
		n := len(vary[i].Values)
		out[i] = vary[i].Values[pt%n]
		pt /= n
	}
	return out
}

// stats is the nearest-rank p5, median and p95 of vals.
func stats(vals []float64) sweepStat {
	if len(vals) == 0 {
		return sweepStat{}
	}
	s := append([]float64(nil), vals...)
	sort.Float64s(s)
	at := func(q float64) float64 {
		i := int(math.Ceil(q*float64(len(s)))) - 1
		return s[min(max(i, 0), len(s)-1)]
	}
	return sweepStat{P5: at(0.05), Median: at(0.5), P95: at(0.95)}
}

// sweepOutputs are --json and --csv, written as run's reports are.
type sweepOutputs struct{ *runOutputs }

func openSweepOutputs(stdout io.Writer, f *sweepFlags) (*sweepOutputs, error) {
	o, err := newRunOutputs(stdout, &runFlags{jsonPath: f.jsonPath, csvPath: f.csvPath})
	if err != nil {
		return nil, err
	}
	if err := o.open(""); err != nil {
		return nil, err
	}
	return &sweepOutputs{o}, nil
}

func (o *sweepOutputs) write(p *sweepPlan, runs []sweepRun) error {
	doc := p.document(runs)
	if o.json != nil {
		if err := writeSweepJSON(o.json.w, doc); err != nil {
			o.abort()
			return invalid(fmt.Errorf("--json: %w", err))
		}
	}
	if o.csv != nil {
		if err := writeSweepCSV(o.csv.w, doc); err != nil {
			o.abort()
			return invalid(fmt.Errorf("--csv: %w", err))
		}
	}
	if err := o.commit(); err != nil {
		return invalid(err)
	}
	return nil
}

func writeSweepJSON(w io.Writer, doc sweepJSON) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

func writeSweepCSV(w io.Writer, doc sweepJSON) error {
	cw := csv.NewWriter(w)
	head := []string{"point", "seed"}
	for _, v := range doc.Vary {
		head = append(head, v.Key)
	}
	head = append(head, doc.Metrics...)
	head = append(head, doc.Targets...)
	head = append(head, "error")
	_ = cw.Write(head)
	for _, r := range doc.Runs {
		row := []string{strconv.Itoa(r.Point), strconv.FormatInt(r.Seed, 10)}
		row = append(row, pointValues(doc.Vary, r.Point)...)
		for _, m := range doc.Metrics {
			row = append(row, strconv.FormatFloat(r.Metrics[m], 'g', -1, 64))
		}
		for i := range doc.Targets {
			held := ""
			if i < len(r.Held) {
				held = map[bool]string{true: "1", false: "0"}[r.Held[i]]
			}
			row = append(row, held)
		}
		_ = cw.Write(append(row, textsafe.Line(r.Error)))
	}
	cw.Flush()
	return cw.Error()
}

// writeSweepTable prints a line per combination and, with two keys or more,
// the grid of the first two coloured by the share of seeds that met every target.
func writeSweepTable(w io.Writer, p *sweepPlan, runs []sweepRun) {
	doc := p.document(runs)
	st := newStyle(w)
	what := fmt.Sprintf("sweep %s: %d %s × %d %s", doc.Scenario, len(doc.Points), plural(len(doc.Points), "combination", "combinations"),
		p.seeds, plural(p.seeds, "seed", "seeds"))
	if doc.Part != nil {
		what += fmt.Sprintf(" (part %d of %d)", doc.Part.Index, doc.Part.Of)
	}
	fmt.Fprintln(w, st.bold(what))
	t := &table{}
	head := []string{}
	for _, v := range doc.Vary {
		head = append(head, v.Key)
	}
	for _, m := range doc.Metrics {
		head = append(head, m+" (p5–p95)")
	}
	head = append(head, doc.Targets...)
	t.add(head...)
	units := metricUnits(p.s)
	for _, pt := range doc.Points {
		row := append([]string(nil), pt.Values...)
		for _, m := range doc.Metrics {
			s := pt.Metrics[m]
			u := units[m]
			row = append(row, fmt.Sprintf("%s (%s–%s)", pipeline.FormatMetric(u, s.Median), pipeline.FormatMetric(u, s.P5), pipeline.FormatMetric(u, s.P95)))
		}
		for _, h := range pt.Held {
			row = append(row, fmt.Sprintf("%.0f%%", 100*h))
		}
		if pt.Errors > 0 {
			row = append(row, fmt.Sprintf("(%d did not run)", pt.Errors))
		}
		t.add(row...)
	}
	t.write(w)
	if len(doc.Vary) >= 2 && len(doc.Targets) > 0 {
		writeSweepGrid(w, st, doc)
	}
}

func metricUnits(s *pipeline.Scenario) map[string]pipeline.Unit {
	out := map[string]pipeline.Unit{}
	for _, m := range s.MetricNames() {
		out[m.Name] = m.Unit
	}
	return out
}

// writeSweepGrid draws the first two varied keys as rows and columns, each
// cell the share of seeds (over the other keys' values too) in which every
// target held: green from 95%, yellow from 50%, red below.
func writeSweepGrid(w io.Writer, st style, doc sweepJSON) {
	rows, cols := doc.Vary[0], doc.Vary[1]
	held := make([][]float64, len(rows.Values))
	count := make([][]float64, len(rows.Values))
	for i := range held {
		held[i], count[i] = make([]float64, len(cols.Values)), make([]float64, len(cols.Values))
	}
	index := func(list []string, v string) int {
		for i, x := range list {
			if x == v {
				return i
			}
		}
		return -1
	}
	for _, pt := range doc.Points {
		r, c := index(rows.Values, pt.Values[0]), index(cols.Values, pt.Values[1])
		n := float64(pt.Runs - pt.Errors)
		held[r][c] += pt.AllHeld * n
		count[r][c] += n
	}
	fmt.Fprintf(w, "\n%s\n", st.bold(fmt.Sprintf("share of seeds meeting every target: %s down, %s across", rows.Key, cols.Key)))
	t := &table{right: []bool{false}}
	t.add(append([]string{""}, cols.Values...)...)
	for i, rv := range rows.Values {
		row := []string{rv}
		for j := range cols.Values {
			cell := "–"
			if count[i][j] > 0 {
				cell = fmt.Sprintf("%.0f%%", 100*held[i][j]/count[i][j])
			}
			row = append(row, cell)
		}
		t.add(row...)
	}
	var b strings.Builder
	t.write(&b)
	fmt.Fprint(w, colourGrid(st, b.String()))
}

// colourGrid colours each percentage of the grid by its value.
func colourGrid(st style, grid string) string {
	if !st.fancy() {
		return grid
	}
	var b strings.Builder
	for _, f := range strings.SplitAfter(grid, " ") {
		word := strings.TrimSpace(f)
		v, err := strconv.ParseFloat(strings.TrimSuffix(word, "%"), 64)
		if !strings.HasSuffix(word, "%") || err != nil {
			b.WriteString(f)
			continue
		}
		colour := lipgloss.Red
		switch {
		case v >= 95:
			colour = lipgloss.Green
		case v >= 50:
			colour = lipgloss.Yellow
		}
		b.WriteString(strings.Replace(f, word, st.render(lipgloss.NewStyle().Foreground(colour), word), 1))
	}
	return b.String()
}

func newSweepMergeCmd() *cobra.Command {
	var jsonPath string
	c := &cobra.Command{
		Use:   "merge PART.json... --json OUT",
		Short: "Join the --json of a sweep's parts into the output of the whole sweep",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			doc, err := mergeSweepParts(args)
			if err != nil {
				return invalid(err)
			}
			o, err := newRunOutputs(c.OutOrStdout(), &runFlags{jsonPath: jsonPath})
			if err != nil {
				return invalid(err)
			}
			if err := o.open(""); err != nil {
				return invalid(err)
			}
			defer o.abort()
			if o.json != nil {
				if err := writeSweepJSON(o.json.w, doc); err != nil {
					return invalid(err)
				}
			}
			if err := o.commit(); err != nil {
				return invalid(err)
			}
			fmt.Fprintf(c.ErrOrStderr(), "merged %d parts: %d combinations, %d runs\n", len(args), len(doc.Points), len(doc.Runs))
			return nil
		},
	}
	c.Flags().StringVar(&jsonPath, "json", "-", "write the merged sweep to `FILE` (- = stdout)")
	return c
}

// mergeSweepParts reads the parts of one sweep, checks that they are all
// there once and belong together, and joins their runs.
func mergeSweepParts(paths []string) (sweepJSON, error) {
	var out sweepJSON
	seen := map[int]string{}
	var runs []sweepRunJSON
	for i, path := range paths {
		var doc sweepJSON
		data, err := readSweepFile(path)
		if err == nil {
			err = json.Unmarshal(data, &doc)
		}
		if err != nil {
			return out, fmt.Errorf("%s: %w", textsafe.Line(path), err)
		}
		if doc.Part == nil {
			return out, fmt.Errorf("%s: not a part of a sweep (no part; was it run with --part?)", textsafe.Line(path))
		}
		if i == 0 {
			out = doc
		} else if doc.Fingerprint != out.Fingerprint || doc.Part.Of != out.Part.Of {
			return out, fmt.Errorf("%s: part of another sweep (fingerprint %s of %d parts; %s is %s of %d)",
				textsafe.Line(path), textsafe.Line(doc.Fingerprint), doc.Part.Of, textsafe.Line(paths[0]), textsafe.Line(out.Fingerprint), out.Part.Of)
		}
		if prev, dup := seen[doc.Part.Index]; dup {
			return out, fmt.Errorf("%s and %s are both part %d", textsafe.Line(prev), textsafe.Line(path), doc.Part.Index)
		}
		seen[doc.Part.Index] = path
		runs = append(runs, doc.Runs...)
	}
	var missing []string
	for i := 1; i <= out.Part.Of; i++ {
		if _, ok := seen[i]; !ok {
			missing = append(missing, strconv.Itoa(i))
		}
	}
	if len(missing) > 0 {
		return out, fmt.Errorf("parts %s of %d are missing", strings.Join(missing, ", "), out.Part.Of)
	}
	sort.SliceStable(runs, func(i, j int) bool {
		if runs[i].Point != runs[j].Point {
			return runs[i].Point < runs[j].Point
		}
		return runs[i].Seed < runs[j].Seed
	})
	out.Part, out.Runs = nil, runs
	out.Points = summarizePoints(out)
	return out, nil
}

func readSweepFile(path string) ([]byte, error) {
	data, err := safefile.Read(path, maxReportSize)
	if err != nil {
		return nil, err
	}
	if len(data) == 0 {
		return nil, errors.New("empty file")
	}
	return data, nil
}
