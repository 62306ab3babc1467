package sim_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/streamsim/streamsim/pipeline"
)

// lambdaScenario is one shard (or more) into a Lambda consumer writing to S3.
func lambdaScenario(shards int, rate, size, batch string, window, dur string, extra string) string {
	return fmt.Sprintf(`version: 1
name: esm
duration: 20m
producers:
  - {id: p, rate: %s, record_size: %s, to: [s]}
storage:
  - {id: s, service: kinesis-data-streams, shards: %d}
consumers:
  - {id: fn, service: lambda, from: s, batch_size: %s, batch_window: %s, duration: %s, to: [lake]}
destinations:
  - {id: lake, service: s3}
%s`, rate, size, shards, batch, window, dur, extra)
}

// lambdaCycle is how often one shard's batches close and how long each
// runs, from LAMBDA-ESM-BATCH and -PAYLOAD: a batch closes when its window
// ends, at `batch` records or at 6 MB, whichever comes first; a batch of n
// records runs n × dur, and with one batch at a time the next window
// starts when the previous invocation has finished. A window batch then
// holds what arrived over the window and the run before it: the run is
// ρ × the cycle (ρ = perShard × dur) and the cycle window ÷ (1 − ρ).
func lambdaCycle(perShard, window, batch, size, dur float64) (every, run float64) {
	rho := perShard * dur
	full := min(batch, pipeline.LambdaPayloadMax/size)
	if cycle := window / (1 - rho); perShard*cycle < full {
		return cycle, rho * cycle
	}
	return full / perShard, full * dur // full batches, one after another
}

// LAMBDA-ESM-BATCH, window: at 20 or 100 records/s a batch of 10,000 closes
// with its window (at 100/s over 120 s it fills first, after 100 s). A
// record arriving at a uniform moment of the cycle waits from 0 to the
// cycle: p50 about half of it, p99 about all of it, plus the batch's run.
// Propagation (0.2 s) and the tick add up to 1.2 s.
func TestLambdaWindowSpreadsWaits(t *testing.T) {
	for _, w := range []float64{10, 30, 60, 120} {
		for _, rate := range []int{20, 100} {
			t.Run(fmt.Sprintf("window %gs at %d/s", w, rate), func(t *testing.T) {
				src := lambdaScenario(1, fmt.Sprintf("%d/s", rate), "200B", "10000", fmt.Sprintf("%gs", w), "1ms", "")
				_, m := runChecked(t, load(t, src))
				period, run := lambdaCycle(float64(rate), w, 10000, 200, 0.001)
				extra := 0.2 + 1
				if p50 := m["pipeline.latency_p50"]; p50 < period/2+run-1 || p50 > period/2+run+extra {
					t.Errorf("p50 %.2f s, want about %.1f s", p50, period/2+run)
				}
				if p99 := m["pipeline.latency_p99"]; p99 < 0.97*period+run || p99 > period+run+extra {
					t.Errorf("p99 %.2f s, want about %.1f s", p99, 0.99*period+run)
				}
				if max := m["pipeline.latency_max"]; max > period+run+extra+1 {
					t.Errorf("max %.2f s above the period %.0f s and the run", max, period)
				}
				// One invocation per period, not one per tick.
				wantInv := 1200 / period
				if inv := m["fn.invocations"]; math.Abs(inv-wantInv) > 2 {
					t.Errorf("%.1f invocations, want %.1f (one per cycle)", inv, wantInv)
				}
			})
		}
	}
}

// LAMBDA-ESM-BATCH under a backlog: every batch is full, so invocations are
// records ÷ batch size. fn is down for 5 minutes from minute 3 and then drains the
// 150,000-record backlog in batches of 500 (at 1,000 records/s, 5 minutes).
func TestLambdaBacklogInvokesFullBatches(t *testing.T) {
	src := lambdaScenario(1, "500/s", "200B", "500", "0s", "1ms", "timeline:\n  - {at: 3m, fail: fn, for: 5m}\n")
	_, m := runChecked(t, load(t, src))
	read := m["fn.records_in"]
	if read < 599000 {
		t.Fatalf("fn read %.0f of 600,000 records: the backlog did not drain", read)
	}
	// Outside the backlog each 1 s poll brings 500 records: one full batch a
	// second either way, so invocations ≈ read ÷ 500.
	if inv := m["fn.invocations"]; math.Abs(inv-read/500) > 0.02*read/500+5 {
		t.Errorf("%.0f invocations for %.0f records, want about %.0f (full batches of 500)", inv, read, read/500)
	}
}

// LAMBDA-ESM-PAYLOAD: 6 MB closes a batch first. Records of 100 KB with a
// batch size of 10,000 and a 60 s window make batches of 60 records
// (6,000,000 ÷ 100,000), so 10 records/s take one invocation every 6 s and
// wait at most 6 s, not the window's 60.
func TestLambdaPayloadClosesBatch(t *testing.T) {
	src := lambdaScenario(1, "10/s", "100KB", "10000", "60s", "1ms", "")
	_, m := runChecked(t, load(t, src))
	if inv := m["fn.invocations"]; math.Abs(inv-200) > 3 {
		t.Errorf("%.1f invocations, want 200 (12,000 records in batches of 60)", inv)
	}
	if p99 := m["pipeline.latency_p99"]; p99 > 6+0.2+0.06+1.5 {
		t.Errorf("p99 %.2f s: a 6 MB batch should close within about 6 s", p99)
	}
}

// LAMBDA-ESM-PARALLEL: capacity is per shard. With 10 ms a record and one
// batch at a time, a shard's function takes 100 records/s; 4 shards take 400
// of the 600 records/s arriving, and lag grows by 200/s over 20 minutes.
func TestLambdaCapacityPerShard(t *testing.T) {
	src := lambdaScenario(4, "600/s", "200B", "100", "0s", "10ms", "")
	_, m := runChecked(t, load(t, src))
	if got := m["fn.records_in"]; math.Abs(got-400*1200) > 0.02*400*1200 {
		t.Errorf("fn read %.0f, want about 480,000 (100/s per shard × 4 × 1,200 s)", got)
	}
	if lag := m["fn.lag_records"]; math.Abs(lag-200*1200) > 0.02*200*1200 {
		t.Errorf("lag %.0f, want about 240,000", lag)
	}
}
