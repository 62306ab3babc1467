package advice

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/streamsim/streamsim/pipeline"
)

// chains is a scenario of n/4 independent pipelines, each a producer, a
// Kinesis stream, a consumer (app, Firehose, Lambda or Flink in turn) and an
// S3 bucket: the shape `streamsim advise` was quadratic on (issue 24).
func chains(tb testing.TB, n int) *pipeline.Scenario {
	var p, s, c, d strings.Builder
	consumers := []string{"app", "firehose", "lambda", "flink"}
	for i := 0; i < n/4; i++ {
		fmt.Fprintf(&p, "  - id: p%d\n    rate: %d/s\n    record_size: 1KiB\n    to: [s%d]\n", i, []int{100, 1000, 5000}[i%3], i)
		fmt.Fprintf(&s, "  - id: s%d\n    service: kinesis-data-streams\n    shards: %d\n", i, 1+i%4)
		fmt.Fprintf(&c, "  - id: c%d\n    service: %s\n    from: s%d\n    to: [d%d]\n", i, consumers[i%4], i, i)
		fmt.Fprintf(&d, "  - id: d%d\n    service: s3\n", i)
	}
	return load(tb, pipe("", "", p.String(), s.String(), c.String(), d.String()))
}

// snapshotsOf makes k snapshots of a run of sc in which every stream
// throttles a little and every consumer's lag grows, so that the live rules
// have something to look at on every node.
func snapshotsOf(sc *pipeline.Scenario, k int) []pipeline.Snapshot {
	out := make([]pipeline.Snapshot, k)
	for j := range out {
		t := sc.Duration * time.Duration(j+1) / time.Duration(k)
		s := pipeline.Snapshot{Time: t, Duration: sc.Duration}
		for _, n := range sc.Nodes {
			ns := pipeline.NodeSnapshot{ID: n.ID, Service: n.Service.Name, Stage: n.Stage, InRate: 1000, InBytesRate: 1 << 20, OutRate: 900}
			switch n.Stage {
			case pipeline.Storage:
				ns.Units = []float64{1.2, 0.4}
				ns.Throttled = 10
			case pipeline.Consumer:
				ns.Lag = float64(j) * 5000
				ns.IterAge = float64(j)
			}
			s.Nodes = append(s.Nodes, ns)
		}
		out[j] = s
	}
	return out
}

// BenchmarkAdvise is what `streamsim advise` does besides simulating: select
// services, compare Kinesis capacity modes, and diagnose 400 snapshots. Its
// time per node (ns/node) stays flat from 1,000 to 10,000 nodes: linear.
func BenchmarkAdvise(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("nodes=%d", n), func(b *testing.B) {
			sc := chains(b, n)
			snaps := snapshotsOf(sc, 400)
			b.ResetTimer()
			for b.Loop() {
				Select(sc)
				KinesisBreakEvens(sc)
				IngestLoad(sc)
				d := NewDiagnoser(sc)
				for _, s := range snaps {
					d.Observe(s)
				}
				d.Finish(nil)
				_ = d.Findings()
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(sc.Nodes)), "ns/node")
		})
	}
}

// TestKinesisBreakEvensMatchesOneByOne: the batch form gives what asking
// stream by stream gives.
func TestKinesisBreakEvensMatchesOneByOne(t *testing.T) {
	sc := chains(t, 40)
	all := KinesisBreakEvens(sc)
	var one []BreakEven
	for _, n := range sc.Stage(pipeline.Storage) {
		if b, ok := KinesisBreakEven(sc, n.ID); ok {
			one = append(one, b)
		}
	}
	if len(all) != len(one) || len(all) == 0 {
		t.Fatalf("KinesisBreakEvens gave %d, one by one %d", len(all), len(one))
	}
	for i := range all {
		if fmt.Sprint(all[i]) != fmt.Sprint(one[i]) {
			t.Errorf("%s: %+v != %+v", one[i].Node, all[i], one[i])
		}
	}
}
