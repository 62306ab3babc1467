package cmd

import (
	"fmt"
	"io"
	"math"
	"time"

	"github.com/spf13/cobra"

	"github.com/streamsim/streamsim/internal/textsafe"
	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/pipeline/advice"
	"github.com/streamsim/streamsim/pipeline/htmlreport"
)

func newCompareCmd() *cobra.Command {
	var htmlPath string
	c := &cobra.Command{
		Use:   "compare A.json B.json",
		Short: "Show metric-by-metric differences between two JSON reports, regressions first",
		Long: `Compare two reports written by 'streamsim run --json': the verdict, each
expectation (matched by its text), every metric, and the number of critical
and warning findings. Differences are grouped as

  regressions    B is worse than A
  improvements   B is better than A
  other changes  the metric moved, but neither way is better
  only in A / B  the metric exists on one side

and within a group the largest relative change comes first.

Which way is worse, per metric:
  worse when it grows   lost_records, throttled_records, retried_records,
                        expired_records, read_throttled, lag_records,
                        offset_lag_max, iterator_age_max_s, time_lag_max_s,
                        latency_p50_s / p99_s / max_s, cost_monthly_usd,
                        max_shard_utilization and utilization_max (less
                        headroom), failed_batches, backup_records, and the
                        number of critical or warning findings
  better when it grows  delivered_records, an expectation or the verdict
                        going from FAIL to PASS
  neither               traffic volumes (produced_records, records_in/out,
                        bytes_in/out), objects, invocations, held_records,
                        in_flight_records, shards_end

'run --baseline A.json' prints the same comparison after a run.

--html PATH writes the comparison as one self-contained HTML page; when both
reports were written with 'run --json FILE --series', their charts are drawn
over each other (A solid, B dashed).

Exit code: 0 (2 when a file cannot be read as a report).`,
		Example: `  streamsim run seed-pipeline --json a.json
  streamsim run seed-pipeline --set clicks.shards=2 --json b.json
  streamsim compare a.json b.json`,
		Args: cobra.ExactArgs(2),
		RunE: func(c *cobra.Command, args []string) error {
			a, err := readReport(args[0])
			if err != nil {
				return invalid(err)
			}
			b, err := readReport(args[1])
			if err != nil {
				return invalid(err)
			}
			w := c.OutOrStdout()
			d := advice.Compare(a, b)
			if htmlPath != "" {
				return writeCompareHTML(w, htmlPath, a, b, d)
			}
			fmt.Fprintf(w, "A  %s\nB  %s\n\n", reportHead(args[0], a), reportHead(args[1], b))
			writeDiff(w, d, "")
			return nil
		},
	}
	c.Flags().StringVar(&htmlPath, "html", "", "write the comparison as an HTML page to `PATH` (- = stdout)")
	return c
}

// writeCompareHTML writes compare's page, replacing PATH in one step.
func writeCompareHTML(stdout io.Writer, path string, a, b *pipeline.Report, d advice.Diff) error {
	o, err := newRunOutputs(stdout, &runFlags{htmlPath: path})
	if err == nil {
		err = o.open("")
	}
	if err != nil {
		return invalid(err)
	}
	defer o.abort()
	var deltas []htmlreport.Delta
	for _, x := range d.Deltas {
		deltas = append(deltas, htmlreport.Delta{Key: x.Key, Class: x.Class, A: advice.FormatValue(x.Key, x.A), B: advice.FormatValue(x.Key, x.B), Change: x.Change()})
	}
	if err := htmlreport.WriteCompare(o.html.w, a, b, a.Series, b.Series, deltas); err != nil {
		return invalid(err)
	}
	if err := o.commit(); err != nil {
		return invalid(err)
	}
	return nil
}

// reportHead is one line about a report: "a.json: seed-pipeline · seed 42 · sim · 1h · PASS".
func reportHead(path string, r *pipeline.Report) string {
	verdict := "FAIL"
	if r.Passed {
		verdict = "PASS"
	}
	d := "?"
	if !math.IsNaN(r.DurationS) {
		d = pipeline.FormatDuration(time.Duration(math.Round(r.DurationS*1000)) * time.Millisecond)
	}
	return textsafe.Line(fmt.Sprintf("%s: %s · seed %d · %s · %s · %s", path, r.Scenario, r.Seed, r.Backend, d, verdict))
}
