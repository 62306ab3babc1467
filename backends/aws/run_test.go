package aws

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/streamsim/streamsim/pipeline"
)

// syncBuffer is a log the run writes from its goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// fastOptions are options that keep emulator runs short.
func fastOptions(c *Clients, runID string, log io.Writer) Options {
	return Options{Clients: c, RunID: runID, Confirmed: true, FirehoseMode: FirehoseClient,
		Drain: 30 * time.Second, SnapshotEvery: 500 * time.Millisecond, ReadyPoll: 200 * time.Millisecond, Log: log}
}

// drainRun reads every snapshot and returns the last one.
func drainRun(t *testing.T, r *Run) (last pipeline.Snapshot, n int) {
	t.Helper()
	for s := range r.Snapshots() {
		last, n = s, n+1
	}
	return last, n
}

// leftovers lists the names of streams, tables and buckets of a run that
// still exist.
func leftovers(t *testing.T, c *Clients, runID string) []string {
	t.Helper()
	ctx := testContext(t, time.Minute)
	prefix := NamePrefix + runID + "-"
	var out []string
	ls, err := c.Kinesis.ListStreams(ctx, &kinesis.ListStreamsInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range ls.StreamNames {
		if strings.HasPrefix(n, prefix) {
			out = append(out, "stream "+n)
		}
	}
	lt, err := c.DynamoDB.ListTables(ctx, &dynamodb.ListTablesInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range lt.TableNames {
		if strings.HasPrefix(n, prefix) {
			out = append(out, "table "+n)
		}
	}
	lb, err := c.S3.ListBuckets(ctx, &s3.ListBucketsInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range lb.Buckets {
		if strings.HasPrefix(aws.ToString(b.Name), prefix) {
			out = append(out, "bucket "+aws.ToString(b.Name))
		}
	}
	return out
}

func near(got, want, tol float64) bool { return math.Abs(got-want) <= tol*math.Max(1, want) }

// TestEndToEndEmulators runs a small scenario for 20 s of real time against
// kinesis-local, dynalite and gofakes3, keeps the resources to check what
// landed in S3 and DynamoDB against the report, then deletes them with
// Cleanup and checks nothing is left.
func TestEndToEndEmulators(t *testing.T) {
	c := emulatorClients(t)
	sc := loadScenario(t, "e2e.yaml")
	runID := "e2e" + NewRunID()[:5]
	log := &syncBuffer{}
	o := fastOptions(c, runID, log)
	o.Keep = true
	b := New(o)
	plan, err := b.Plan(sc)
	if err != nil {
		t.Fatal(err)
	}
	ctx := testContext(t, 5*time.Minute)
	r, err := b.StartPlan(ctx, sc, plan)
	if err != nil {
		t.Fatal(err)
	}
	last, nsnap := drainRun(t, r)
	if err := r.Err(); err != nil {
		t.Fatalf("run failed: %v\nlog:\n%s", err, log)
	}
	res := r.Result()
	m := res.Metrics
	t.Logf("log:\n%s", log)
	t.Logf("%d snapshots; elapsed %s; produced %.0f delivered %.0f lost %.0f in flight %.0f; p50 %.3fs p99 %.3fs max %.3fs; lake objects %.0f; shard util max %.3f",
		nsnap, res.Elapsed, m["pipeline.produced_records"], m["pipeline.delivered_records"], m["pipeline.lost_records"],
		m["pipeline.in_flight_records"], m["pipeline.latency_p50"], m["pipeline.latency_p99"], m["pipeline.latency_max"],
		m["lake.objects"], m["clicks.max_shard_utilization"])

	if !last.Done {
		t.Error("the last snapshot is not Done")
	}
	if nsnap < 10 {
		t.Errorf("only %d snapshots in a 20 s run", nsnap)
	}
	produced := m["pipeline.produced_records"]
	// 150 records/s for 20 s; kinesis-local is slow, so allow 10%.
	if !near(produced, 3000, 0.1) {
		t.Errorf("produced %.0f records, want about 3000", produced)
	}
	web, iot := m["web.records_in"], m["iot.records_in"]
	if web+iot != produced {
		t.Errorf("producers made %.0f + %.0f, pipeline says %.0f", web, iot, produced)
	}
	for _, k := range []string{"clicks.records_in", "delivery.records_in", "reader.records_in", "lake.records_in", "events.records_in"} {
		if m[k] != produced {
			t.Errorf("%s = %.0f, want every produced record (%.0f)", k, m[k], produced)
		}
	}
	if got := m["pipeline.delivered_records"]; got != 2*produced {
		t.Errorf("delivered %.0f, want %.0f (each record to S3 and to DynamoDB)", got, 2*produced)
	}
	for _, k := range []string{"pipeline.lost_records", "pipeline.in_flight_records", "clicks.throttled_records", "clicks.lag_records"} {
		if m[k] != 0 {
			t.Errorf("%s = %v, want 0", k, m[k])
		}
	}
	if m["lake.objects"] < 5 {
		t.Errorf("lake.objects = %.0f, want an object about every 2 s", m["lake.objects"])
	}
	if p50 := m["pipeline.latency_p50"]; p50 <= 0 || p50 > 10 {
		t.Errorf("latency p50 %.3f s, want between 0 and 10 s", p50)
	}
	if u := m["clicks.max_shard_utilization"]; u <= 0 || u > 1 {
		t.Errorf("max shard utilisation %.3f, want a positive fraction", u)
	}
	if m["clicks.shards_end"] != 2 {
		t.Errorf("shards_end = %v, want 2", m["clicks.shards_end"])
	}
	if !strings.Contains(log.String(), "enhanced fan-out is not available") {
		t.Error("the run did not say it fell back from enhanced fan-out to polling")
	}
	if !slices.Contains(res.Unmeasured, "reader.utilization_max") || !math.IsNaN(m["reader.utilization_max"]) {
		t.Error("utilization_max should be reported as not measured")
	}
	if _, err := pipeline.NewReport(sc, "aws", res.Elapsed, m); err != nil {
		t.Errorf("report: %v", err)
	}

	// What landed: every record in S3 objects and in DynamoDB items.
	bucket, _ := plan.Find(KindBucket, "lake")
	lines := countLines(t, c, bucket.Name)
	if float64(lines) != m["lake.records_in"] {
		t.Errorf("S3 holds %d records, the report says %.0f", lines, m["lake.records_in"])
	}
	table, _ := plan.Find(KindTable, "events")
	items := countItems(t, c, table.Name)
	if float64(items) != m["events.records_in"] {
		t.Errorf("DynamoDB holds %d items, the report says %.0f", items, m["events.records_in"])
	}

	// Kept: cleanup finds everything by tag or name and deletes it.
	if left := leftovers(t, c, runID); len(left) != 3 {
		t.Errorf("kept %v, want a stream, a table and a bucket", left)
	}
	found, err := FindLeftovers(testContext(t, time.Minute), c, nil, runID)
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != 3 {
		t.Errorf("cleanup found %v, want 3 resources", found)
	}
	if err := DeleteLeftovers(testContext(t, 2*time.Minute), c, nil, found, 200*time.Millisecond, func(string, ...any) {}); err != nil {
		t.Fatal(err)
	}
	if left := leftovers(t, c, runID); len(left) != 0 {
		t.Errorf("after cleanup: %v", left)
	}
}

func countLines(t *testing.T, c *Clients, bucket string) int {
	t.Helper()
	ctx := testContext(t, time.Minute)
	out, err := c.S3.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(bucket)})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, o := range out.Contents {
		obj, err := c.S3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: o.Key})
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(obj.Body)
		_ = obj.Body.Close()
		splitLines(body, func(line []byte) {
			if _, err := decodePayload(line); err == nil {
				n++
			}
		})
	}
	return n
}

func countItems(t *testing.T, c *Clients, table string) int {
	t.Helper()
	ctx := testContext(t, time.Minute)
	n := 0
	var start map[string]ddbtypes.AttributeValue
	for {
		out, err := c.DynamoDB.(*dynamodb.Client).Scan(ctx, &dynamodb.ScanInput{TableName: aws.String(table), ExclusiveStartKey: start, Select: "COUNT"})
		if err != nil {
			t.Fatal(err)
		}
		n += int(out.Count)
		if len(out.LastEvaluatedKey) == 0 {
			return n
		}
		start = out.LastEvaluatedKey
	}
}

// TestInterruptedRunLeavesNothing cancels the context in the middle of a run:
// the run stops, says it was interrupted, and deletes everything it created.
func TestInterruptedRunLeavesNothing(t *testing.T) {
	c := emulatorClients(t)
	sc := loadScenario(t, "e2e.yaml")
	runID := "int" + NewRunID()[:5]
	log := &syncBuffer{}
	b := New(fastOptions(c, runID, log))
	ctx, cancel := context.WithCancel(testContext(t, 5*time.Minute))
	defer cancel()
	started, err := b.Start(ctx, sc)
	if err != nil {
		t.Fatal(err)
	}
	r := started.(*Run)
	for s := range r.Snapshots() {
		if s.Time > 4*time.Second {
			cancel() // Ctrl-C
		}
	}
	err = r.Err()
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Err() = %v, want an interruption", err)
	}
	res := r.Result()
	if !res.Interrupted || len(res.Created) == 0 {
		t.Errorf("interrupted %v, created %v", res.Interrupted, res.Created)
	}
	if !strings.Contains(log.String(), "deleted everything this run created") {
		t.Errorf("the run did not say it deleted everything:\n%s", log)
	}
	if left := leftovers(t, c, runID); len(left) != 0 {
		t.Errorf("left behind after an interrupted run: %v", left)
	}
}

// TestPlanWithoutConfirmationTouchesNothing: building a plan and starting
// without confirmation (no --yes), or above the cost limit, creates nothing.
func TestPlanWithoutConfirmationTouchesNothing(t *testing.T) {
	c := emulatorClients(t)
	sc := loadScenario(t, "e2e.yaml")
	// Only this test's run: the emulators are shared with the other
	// packages' tests, which create and delete their own meanwhile.
	runID := "plan" + NewRunID()[:4]
	mine := func() []string {
		return slices.DeleteFunc(allNames(t, c), func(n string) bool { return !strings.Contains(n, runID) })
	}
	before := mine()
	o := fastOptions(c, runID, io.Discard)
	o.Confirmed = false
	if _, err := New(o).Start(testContext(t, time.Minute), sc); !errors.Is(err, ErrNotConfirmed) {
		t.Fatalf("Start without confirmation: %v", err)
	}
	o.Confirmed, o.MaxCostPerHour = true, 0.000001
	var ce *CostError
	if _, err := New(o).Start(testContext(t, time.Minute), sc); !errors.As(err, &ce) {
		t.Fatalf("Start above the cost limit: %v", err)
	}
	time.Sleep(500 * time.Millisecond)
	if after := mine(); !slices.Equal(before, after) {
		t.Errorf("resources changed: before %v, after %v", before, after)
	}
}

func allNames(t *testing.T, c *Clients) []string {
	t.Helper()
	ctx := testContext(t, time.Minute)
	var out []string
	ls, err := c.Kinesis.ListStreams(ctx, &kinesis.ListStreamsInput{})
	if err != nil {
		t.Fatal(err)
	}
	out = append(out, ls.StreamNames...)
	lt, err := c.DynamoDB.ListTables(ctx, &dynamodb.ListTablesInput{})
	if err != nil {
		t.Fatal(err)
	}
	out = append(out, lt.TableNames...)
	lb, err := c.S3.ListBuckets(ctx, &s3.ListBucketsInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range lb.Buckets {
		out = append(out, aws.ToString(b.Name))
	}
	slices.Sort(out)
	return out
}
