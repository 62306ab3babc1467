// Package htmlreport writes a run's report as one self-contained HTML page:
// the pipeline drawn as a graph, the totals, every expect line with its
// verdict, the advice, the cost by node, charts over the simulated clock and
// the shard heatmap over time, all inline (no script, no font, no request),
// so it opens anywhere, prints well and is the same bytes for the same run.
package htmlreport

import (
	"fmt"
	"html"
	"io"
	"math"
	"sort"
	"strings"

	"github.com/streamsim/streamsim/internal/textsafe"
	"github.com/streamsim/streamsim/pipeline"
)

// Run is what one page shows.
type Run struct {
	Scenario *pipeline.Scenario
	Report   *pipeline.Report
	History  *pipeline.History // nil: no charts
}

// Write writes the page of one run.
func Write(w io.Writer, r Run) error {
	var b strings.Builder
	title := r.Report.Scenario
	if r.Scenario.Title != "" {
		title += " — " + r.Scenario.Title
	}
	head(&b, title)
	fmt.Fprintf(&b, `<header><h1>%s</h1><p class="meta">%s</p></header>`, esc(title), meta(r.Report))
	section(&b, "The pipeline", graph(r.Scenario))
	section(&b, "Totals", totals(r.Scenario, r.Report))
	section(&b, "Expectations", expectations(r.Report))
	section(&b, "Advice", adviceList(r.Report))
	section(&b, "Cost by node", costs(r.Scenario, r.Report))
	if r.History != nil && len(r.History.Buckets) > 0 {
		section(&b, "Over time", charts(r.History, nil))
	}
	b.WriteString("</main></body></html>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func esc(s string) string { return html.EscapeString(textsafe.Line(s)) }

func head(b *strings.Builder, title string) {
	fmt.Fprintf(b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"+
		"<title>%s · streamsim</title><style>%s</style></head><body><main>", esc(title), css)
}

func section(b *strings.Builder, h, body string) {
	id := strings.ToLower(strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return '-'
	}, h))
	fmt.Fprintf(b, `<section id="%s"><h2>%s</h2>%s</section>`, id, html.EscapeString(h), body)
}

func meta(r *pipeline.Report) string {
	verdict := `<span class="badge pass">PASS</span>`
	if !r.Passed {
		verdict = `<span class="badge fail">FAIL</span>`
	}
	return fmt.Sprintf("%s · seed %d · %s simulated · backend %s", verdict, r.Seed, esc(clock(r.DurationS)), esc(r.Backend))
}

// totals is the pipeline's figures and a row per node.
func totals(s *pipeline.Scenario, r *pipeline.Report) string {
	m := r.Metrics
	dests := len(s.Stage(pipeline.Destination))
	var b strings.Builder
	b.WriteString(`<div class="kpis">`)
	kpi := func(label, value string) {
		fmt.Fprintf(&b, `<div class="kpi"><div class="v">%s</div><div class="l">%s</div></div>`, esc(value), esc(label))
	}
	kpi("produced", pipeline.FormatCount(m["pipeline.produced_records"]))
	kpi(fmt.Sprintf("delivered, to %d %s", dests, plural(dests, "destination", "destinations")), pipeline.FormatCount(m["pipeline.delivered_records"]))
	kpi("lost", pipeline.FormatCount(m["pipeline.lost_records"]))
	kpi("in flight at the end", pipeline.FormatCount(m["pipeline.in_flight_records"]))
	kpi("latency p50 / p99", pipeline.FormatMetric(pipeline.UnitSeconds, m["pipeline.latency_p50_s"])+" / "+pipeline.FormatMetric(pipeline.UnitSeconds, m["pipeline.latency_p99_s"]))
	kpi("cost per month", pipeline.FormatMetric(pipeline.UnitDollars, m["pipeline.cost_monthly_usd"]))
	b.WriteString(`</div><table><thead><tr><th>node</th><th>service</th><th class="n">records in</th><th class="n">records out</th><th class="n">throttled</th><th class="n">lost</th></tr></thead><tbody>`)
	for _, n := range s.Nodes {
		svc := ""
		if n.Service != nil {
			svc = n.Service.Label
		}
		fmt.Fprintf(&b, `<tr><td>%s</td><td>%s</td><td class="n">%s</td><td class="n">%s</td><td class="n">%s</td><td class="n">%s</td></tr>`,
			esc(n.ID), esc(svc), cnt(m, n.ID+".records_in"), cnt(m, n.ID+".records_out"), cnt(m, n.ID+".throttled_records"), cnt(m, n.ID+".lost_records"))
	}
	b.WriteString(`</tbody></table>`)
	return b.String()
}

// cnt is a count metric, or a dash where the node has none.
func cnt(m map[string]float64, key string) string {
	v, ok := m[key]
	if !ok || math.IsNaN(v) {
		return "–"
	}
	return pipeline.FormatCount(v)
}

func expectations(r *pipeline.Report) string {
	if len(r.Expectations) == 0 {
		return `<p class="muted">The scenario has no expect lines.</p>`
	}
	var b strings.Builder
	b.WriteString(`<table><thead><tr><th></th><th>expect</th><th class="n">measured</th></tr></thead><tbody>`)
	for _, e := range r.Expectations {
		mark := `<span class="badge pass">PASS</span>`
		if !e.Passed {
			mark = `<span class="badge fail">FAIL</span>`
		}
		fmt.Fprintf(&b, `<tr><td>%s</td><td><code>%s</code></td><td class="n">%s</td></tr>`, mark, esc(e.Expr), esc(e.Measured()))
	}
	b.WriteString(`</tbody></table>`)
	return b.String()
}

func adviceList(r *pipeline.Report) string {
	if len(r.Advice) == 0 {
		return `<p class="muted">Nothing to advise.</p>`
	}
	var b strings.Builder
	b.WriteString(`<ul class="advice">`)
	for _, a := range r.Advice {
		fmt.Fprintf(&b, `<li class="%s"><span class="sev">%s</span> <b>%s</b> %s</li>`, esc(a.Severity), esc(a.Severity), esc(a.Node), esc(a.Message))
	}
	b.WriteString(`</ul>`)
	return b.String()
}

// costs is each node's monthly cost at the run's average load, largest first.
func costs(s *pipeline.Scenario, r *pipeline.Report) string {
	type row struct {
		id   string
		cost float64
	}
	var rows []row
	total := r.Metrics["pipeline.cost_monthly_usd"]
	for _, n := range s.Nodes {
		if c, ok := r.Metrics[n.ID+".cost_monthly_usd"]; ok && c > 0 {
			rows = append(rows, row{n.ID, c})
		}
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].cost > rows[j].cost })
	var b strings.Builder
	fmt.Fprintf(&b, `<p>%s per month at the run's average load (prices of us-east-1).</p><table><tbody>`, esc(pipeline.FormatMetric(pipeline.UnitDollars, total)))
	for _, x := range rows {
		share := 0.0
		if total > 0 {
			share = x.cost / total
		}
		fmt.Fprintf(&b, `<tr><td>%s</td><td class="n">%s</td><td class="bar"><span style="width:%.1f%%"></span></td><td class="n">%.0f%%</td></tr>`,
			esc(x.id), esc(pipeline.FormatMetric(pipeline.UnitDollars, x.cost)), 100*share, 100*share)
	}
	b.WriteString(`</tbody></table>`)
	return b.String()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

const css = `
:root{--fg:#1b1f24;--muted:#5b6470;--line:#d9dee4;--bg:#fff;--pass:#1a7f37;--fail:#cf222e;--warn:#9a6700}
*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:960px;margin:0 auto;padding:24px 20px 48px}h1{font-size:22px;margin:0 0 4px}h2{font-size:16px;margin:28px 0 10px;padding-bottom:4px;border-bottom:1px solid var(--line)}
.meta,.muted,.note{color:var(--muted)}.badge{display:inline-block;padding:0 6px;border-radius:4px;font-weight:600;font-size:12px;color:#fff}.badge.pass{background:var(--pass)}.badge.fail{background:var(--fail)}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:4px 8px;border-bottom:1px solid var(--line);vertical-align:top}th{font-weight:600;color:var(--muted);font-size:12px}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
code{font:12.5px ui-monospace,"DejaVu Sans Mono",monospace}.kpis{display:grid;grid-template-columns:repeat(3,1fr);gap:10px;margin-bottom:14px}.kpi{border:1px solid var(--line);border-radius:6px;padding:8px 10px}.kpi .v{font-size:18px;font-weight:600;font-variant-numeric:tabular-nums}.kpi .l{color:var(--muted);font-size:12px}
.advice{padding-left:0;list-style:none}.advice li{margin:6px 0;padding:6px 10px;border-left:4px solid var(--line)}.advice li.critical{border-color:var(--fail)}.advice li.warning{border-color:var(--warn)}.advice .sev{text-transform:uppercase;font-size:11px;color:var(--muted)}
td.bar{width:40%}td.bar span{display:block;height:10px;background:#0072B2;border-radius:2px}
svg{width:100%;height:auto;display:block}svg text{font:11px system-ui,"DejaVu Sans",sans-serif;fill:#1b1f24}.axis line{stroke:#e3e7ec}.axis line.tick{stroke:#99a}.axis text{fill:#5b6470}
.graph .stage{fill:#5b6470;font-weight:600;text-transform:uppercase;font-size:10px}.graph .edge{fill:none;stroke:#667;stroke-width:1.4}.graph rect{fill:#f6f8fa;stroke:#8c959f}.graph .id{font-weight:600}.graph .svc,.graph .set{fill:#5b6470;font-size:10px}
.graph .storage rect{fill:#eef5ff}.graph .consumers rect{fill:#f0faf3}.graph .destinations rect{fill:#fff8ec}
figure.chart{margin:0 0 18px;break-inside:avoid}figcaption{font-size:12px;margin-top:2px}figcaption .title{font-weight:600;margin-right:8px}.key{margin-right:10px;white-space:nowrap}
.line{display:inline-block;width:16px;height:0;border-top:2px solid;vertical-align:middle;margin-right:4px}.line.dashed{border-top-style:dashed}.box{display:inline-block;width:12px;height:10px;border:1px solid;border-radius:2px;vertical-align:middle;margin:0 3px 0 6px}
@media print{main{max-width:none;padding:0}section{break-inside:avoid-page}h2{break-after:avoid}.kpis{grid-template-columns:repeat(3,1fr)}}
`

// WriteCompare writes the page of two runs: their verdicts, the metrics that
// differ (regressions first) and, when both reports carry their history, the
// charts of A with B's lines dashed over them.
func WriteCompare(w io.Writer, a, b *pipeline.Report, ah, bh *pipeline.History, deltas []Delta) error {
	var s strings.Builder
	title := "compare " + a.Scenario + " and " + b.Scenario
	head(&s, title)
	fmt.Fprintf(&s, `<header><h1>%s</h1><p class="meta">A: %s</p><p class="meta">B: %s</p></header>`, esc(title), meta(a), meta(b))
	var t strings.Builder
	if len(deltas) == 0 {
		t.WriteString(`<p class="muted">No metric differs.</p>`)
	} else {
		t.WriteString(`<table><thead><tr><th>metric</th><th></th><th class="n">A</th><th class="n">B</th><th class="n">change</th></tr></thead><tbody>`)
		for _, d := range deltas {
			fmt.Fprintf(&t, `<tr><td><code>%s</code></td><td>%s</td><td class="n">%s</td><td class="n">%s</td><td class="n">%s</td></tr>`,
				esc(d.Key), esc(d.Class), esc(d.A), esc(d.B), esc(d.Change))
		}
		t.WriteString(`</tbody></table>`)
	}
	section(&s, "What changed", t.String())
	section(&s, "Expectations of A", expectations(a))
	section(&s, "Expectations of B", expectations(b))
	if ah != nil && bh != nil && len(ah.Buckets) > 0 && len(bh.Buckets) > 0 {
		section(&s, "Over time (A solid, B dashed)", charts(ah, bh))
	} else {
		section(&s, "Over time", `<p class="muted">Write both reports with <code>streamsim run … --json FILE --series</code> to see their charts here.</p>`)
	}
	s.WriteString("</main></body></html>\n")
	_, err := io.WriteString(w, s.String())
	return err
}

// Delta is one metric that differs between two runs, written for people.
type Delta struct {
	Key, Class, A, B, Change string
}
