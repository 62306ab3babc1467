package aws

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/streamsim/streamsim/internal/emulator"
)

// lossWhere returns the deliveries lost at places whose description holds part.
func lossWhere(res Result, part string) float64 {
	n := 0.0
	for _, l := range res.Losses {
		if strings.Contains(l.Where, part) {
			n += l.Records
		}
	}
	return n
}

// What a Firehose stand-in still buffers when the run ends is lost, said
// where, whether the run keeps its resources or not; what is read back from
// the bucket matches what the report says was delivered there.
func TestStandInBufferCountedLost(t *testing.T) {
	for _, keep := range []bool{false, true} {
		name := "deleted"
		if keep {
			name = "kept"
		}
		t.Run(name, func(t *testing.T) {
			c := emulatorClients(t)
			sc := loadScenario(t, "faults.yaml") // a 300 s buffer: nothing is flushed in a 6 s run
			runID := "buf" + NewRunID()[:5]
			log := &syncBuffer{}
			o := fastOptions(c, runID, log)
			o.Keep, o.Duration, o.Drain = keep, 6*time.Second, 2*time.Second
			b := New(o)
			plan, err := b.Plan(sc)
			if err != nil {
				t.Fatal(err)
			}
			r, err := b.StartPlan(testContext(t, 3*time.Minute), sc, plan)
			if err != nil {
				t.Fatal(err)
			}
			drainRun(t, r)
			if keep {
				t.Cleanup(func() {
					found, _ := FindLeftovers(testContext(t, time.Minute), c, nil, runID)
					_ = DeleteLeftovers(testContext(t, 2*time.Minute), c, nil, found, 200*time.Millisecond, func(string, ...any) {})
				})
			}
			if err := r.Err(); err != nil {
				t.Fatalf("run failed: %v\n%s", err, log)
			}
			res := r.Result()
			m := res.Metrics
			produced := m["pipeline.produced_records"]
			buffered := lossWhere(res, "in delivery's buffer at the end")
			t.Logf("produced %.0f delivered %.0f lost %.0f (buffer %.0f) in flight %.0f; losses %v",
				produced, m["pipeline.delivered_records"], m["pipeline.lost_records"], buffered, m["pipeline.in_flight_records"], res.Losses)
			if produced < 300 {
				t.Fatalf("produced only %.0f records", produced)
			}
			if m["delivery.records_in"] != produced || buffered != produced {
				t.Errorf("the stand-in read %.0f and held %.0f at the end, want every record (%.0f)", m["delivery.records_in"], buffered, produced)
			}
			if m["pipeline.delivered_records"] != produced || m["events.records_in"] != produced {
				t.Errorf("delivered %.0f, want the %.0f records that reached DynamoDB", m["pipeline.delivered_records"], produced)
			}
			if m["pipeline.lost_records"] != buffered || m["pipeline.in_flight_records"] != 0 || m["delivery.lost_records"] != produced {
				t.Errorf("lost %.0f, in flight %.0f, delivery lost %.0f: want %.0f lost in the buffer, none in flight",
					m["pipeline.lost_records"], m["pipeline.in_flight_records"], m["delivery.lost_records"], buffered)
			}
			if keep {
				bucket, _ := plan.Find(KindBucket, "lake")
				if got := countLines(t, c, bucket.Name); float64(got) != m["lake.records_in"] || got != 0 {
					t.Errorf("the bucket holds %d records, the report says %.0f were written", got, m["lake.records_in"])
				}
			}
		})
	}
}

// A killed endpoint fails the run even without expectations, and even kept;
// what it lost is counted, and what the table holds is what the report says.
func TestKilledEndpointFailsTheRun(t *testing.T) {
	kin := emulator.KinesisLocal(t)
	c := clientsFor(Endpoints{SvcKinesis: kin.Endpoint, SvcDynamoDB: needEnv(t, envDynamoDB), SvcS3: startS3(t)},
		Deadlines{Call: 4 * time.Second, Attempt: 2 * time.Second, Stall: time.Second, MaxBackoff: 200 * time.Millisecond})
	sc := loadScenario(t, "faults.yaml")
	runID := "kil" + NewRunID()[:5]
	log := &syncBuffer{}
	o := fastOptions(c, runID, log)
	o.Keep, o.Duration, o.Drain = true, 12*time.Second, 2*time.Second
	b := New(o)
	plan, err := b.Plan(sc)
	if err != nil {
		t.Fatal(err)
	}
	r, err := b.StartPlan(testContext(t, 3*time.Minute), sc, plan)
	if err != nil {
		t.Fatal(err)
	}
	var killedAt, seenAt time.Time
	for s := range r.Snapshots() {
		if s.Time > 4*time.Second && killedAt.IsZero() {
			kin.Kill(t)
			killedAt = time.Now()
		}
		// The dashboard shows the snapshots' events: the dead endpoint must be among them.
		for _, e := range s.Events {
			if seenAt.IsZero() && strings.Contains(e, "kinesis endpoint "+kin.Endpoint+" is down") {
				seenAt = time.Now()
			}
		}
	}
	if seenAt.IsZero() || seenAt.Sub(killedAt) > 10*time.Second {
		t.Errorf("the snapshots' events did not name the dead endpoint within 10 s (killed at %s, named at %s)", killedAt, seenAt)
	}
	t.Cleanup(func() {
		found, _ := FindLeftovers(testContext(t, time.Minute), c, nil, runID)
		_ = DeleteLeftovers(testContext(t, 2*time.Minute), c, nil, found, 200*time.Millisecond, func(string, ...any) {})
	})
	res := r.Result()
	err = r.Err()
	var fe *FaultError
	if !errors.As(err, &fe) || !strings.Contains(err.Error(), "kinesis endpoint "+kin.Endpoint) {
		t.Fatalf("Err() = %v, want the run failed by the kinesis endpoint\n%s", err, log)
	}
	m := res.Metrics
	expected := 2 * m["pipeline.produced_records"] // to S3 and to DynamoDB
	got := m["pipeline.delivered_records"] + m["pipeline.lost_records"] + m["pipeline.in_flight_records"]
	t.Logf("produced %.0f delivered %.0f lost %.0f in flight %.0f; losses %v; faults %v",
		m["pipeline.produced_records"], m["pipeline.delivered_records"], m["pipeline.lost_records"], m["pipeline.in_flight_records"], res.Losses, res.Faults)
	if math.Abs(got-expected) > 0.5 || m["pipeline.lost_records"] <= 0 {
		t.Errorf("delivered + lost + in flight = %.0f, want every delivery the produced records were worth (%.0f), some lost", got, expected)
	}
	if lossWhere(res, "the kinesis endpoint "+kin.Endpoint+" was down") == 0 {
		t.Errorf("no records lost to the dead endpoint: %v", res.Losses)
	}
	table, _ := plan.Find(KindTable, "events")
	if items := countItems(t, c, table.Name); float64(items) != m["events.records_in"] {
		t.Errorf("DynamoDB holds %d items, the report says %.0f", items, m["events.records_in"])
	}
}

// An endpoint that answers 200 with junk: the run fails at once, says the
// answers are not AWS's, never that anything was created or is "still
// there after deletion".
func TestJunkEndpoint(t *testing.T) {
	c := clientsFor(Endpoints{SvcKinesis: junkServer(t), SvcDynamoDB: needEnv(t, envDynamoDB), SvcS3: startS3(t)}, quick)
	sc := loadScenario(t, "faults.yaml")
	log := &syncBuffer{}
	o := fastOptions(c, "jnk"+NewRunID()[:5], log)
	started, err := New(o).Start(testContext(t, 2*time.Minute), sc)
	if err != nil {
		t.Fatal(err)
	}
	r := started.(*Run)
	start := time.Now()
	for range r.Snapshots() {
	}
	took := time.Since(start)
	err = r.Err()
	text := log.String()
	t.Logf("%s\nerr: %v", text, err)
	if err == nil || took > 20*time.Second {
		t.Fatalf("Err() = %v after %s, want a failure within seconds", err, took)
	}
	for _, bad := range []string{"created kinesis-stream", "still there after deletion"} {
		if strings.Contains(text, bad) {
			t.Errorf("the log says %q", bad)
		}
	}
	if !strings.Contains(text, "not an AWS response") {
		t.Error("the log does not say the answers were not AWS responses")
	}
	res := r.Result()
	for _, l := range res.Left {
		if l.Kind != KindStream {
			t.Errorf("left %s %s on a healthy service", l.Kind, l.Name)
		}
	}
}

// A stream still being created when the run is stopped is waited for, then
// deleted: AWS refuses to delete a stream in CREATING.
func TestTeardownWaitsForCreatingStream(t *testing.T) {
	kin := emulator.KinesisLocal(t, "CREATE_STREAM_DURATION=3s")
	c := clientsFor(Endpoints{SvcKinesis: kin.Endpoint, SvcDynamoDB: needEnv(t, envDynamoDB), SvcS3: startS3(t)}, Deadlines{})
	sc := loadScenario(t, "faults.yaml")
	log := &syncBuffer{}
	o := fastOptions(c, "crt"+NewRunID()[:5], log)
	ctx, cancel := context.WithCancel(testContext(t, 3*time.Minute))
	defer cancel()
	started, err := New(o).Start(ctx, sc)
	if err != nil {
		t.Fatal(err)
	}
	r := started.(*Run)
	go func() {
		for !strings.Contains(log.String(), "creating kinesis-stream") {
			time.Sleep(20 * time.Millisecond)
		}
		cancel() // Ctrl-C while the stream is CREATING
	}()
	for range r.Snapshots() {
	}
	text := log.String()
	res := r.Result()
	if len(res.Left) > 0 || strings.Contains(text, "could not delete") || !strings.Contains(text, "deleted kinesis-stream") {
		t.Errorf("left %v\n%s", res.Left, text)
	}
}

func TestLeases(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	if l := parseLease(leaseValue(now, time.Minute), now); l.State != LeaseLive || !l.Until.Equal(now.Add(time.Minute)) {
		t.Errorf("a fresh lease: %+v", l)
	}
	if l := parseLease(leaseValue(now, time.Minute), now.Add(2*time.Minute)); l.State != LeaseExpired {
		t.Errorf("an old lease: %+v", l)
	}
	if l := parseLease("ended", now); l.State != LeaseEnded {
		t.Errorf("ended: %+v", l)
	}
	if l := parseLease("soon", now); l.State != LeaseUnknown || l.Why == "" {
		t.Errorf("junk: %+v", l)
	}
	live := Lease{State: LeaseLive, Until: now}
	for _, tc := range []struct {
		name  string
		list  []Resource
		state LeaseState
		dead  bool
	}{
		{"one live lease keeps the run", []Resource{{Run: "a", Lease: Lease{State: LeaseExpired}}, {Run: "a", Lease: live}}, LeaseLive, false},
		{"an ended lease proves it", []Resource{{Run: "a", Lease: Lease{Why: "topics"}}, {Run: "a", Lease: Lease{State: LeaseEnded}}}, LeaseEnded, true},
		{"ended wins over a lease it could not end", []Resource{{Run: "a", Lease: live}, {Run: "a", Lease: Lease{State: LeaseEnded}}}, LeaseEnded, true},
		{"an expired lease proves it", []Resource{{Run: "a", Lease: Lease{State: LeaseExpired}}}, LeaseExpired, true},
		{"nothing readable proves nothing", []Resource{{Run: "a", Lease: Lease{Why: "Kafka topics carry no lease"}}}, LeaseUnknown, false},
	} {
		g := ByRun(tc.list)
		if len(g) != 1 || g[0].Lease.State != tc.state || g[0].Dead() != tc.dead {
			t.Errorf("%s: %+v", tc.name, g)
		}
	}
	if g := ByRun([]Resource{{Run: "a"}, {Run: "b"}, {Run: "a"}}); len(g) != 2 || len(g[0].Resources) != 2 {
		t.Errorf("grouping: %+v", g)
	}
}
