package aws

import (
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/streamsim/streamsim/backends"
	"github.com/streamsim/streamsim/pipeline"
)

// startKafkaRun starts a run of kafka.yaml on an in-process Kafka cluster
// and S3: no emulators needed, and setup takes milliseconds.
func startKafkaRun(t *testing.T, d time.Duration) *Run {
	t.Helper()
	sc := loadScenario(t, "kafka.yaml")
	o := fastOptions(s3OnlyClients(t), "apl"+NewRunID()[:5], io.Discard)
	o.Kafka = KafkaOptions{Brokers: startKafka(t)}
	o.Duration, o.Drain = d, time.Second
	r, err := New(o).Start(testContext(t, 2*time.Minute), sc)
	if err != nil {
		t.Fatal(err)
	}
	run := r.(*Run)
	t.Cleanup(run.Stop)
	return run
}

// Apply called while setup still creates the resources and wires the nodes
// waits for it: it used to read the producer and consumer lists while setup
// wrote them (go test -race saw it), and to find no producer to change. The
// callers keep trying until a change is taken, and do not synchronise with
// the test until the run has ended, so the race detector sees their reads.
func TestApplyDuringSetup(t *testing.T) {
	r := startKafkaRun(t, 2*time.Second)
	rate := r.sc.Node("payments").Params["rate"]
	change := pipeline.Change{Set: []pipeline.Assignment{{Node: "payments", Key: "rate", Value: rate}}}
	firsts := make(chan error, 4)
	for range cap(firsts) {
		go func() {
			_, first := r.Apply(change)
			for err := first; err != nil && !errors.Is(err, backends.ErrRunEnded); {
				time.Sleep(time.Millisecond)
				_, err = r.Apply(change)
			}
			firsts <- first
		}()
	}
	drainRun(t, r)
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	for range cap(firsts) {
		if err := <-firsts; err != nil {
			t.Errorf("Apply during setup: %v", err)
		}
	}
}

// A consumer's timed failure ends with the run: the timer that makes it
// work again does not fire once the run has ended.
func TestFailForEndsWithTheRun(t *testing.T) {
	r := startKafkaRun(t, 30*time.Second)
	for s := range r.Snapshots() {
		if s.Time > 0 {
			break // the producers run: setup is over
		}
	}
	const failFor = 2 * time.Second
	if _, err := r.Apply(pipeline.Change{Fail: "sink", For: failFor}); err != nil {
		t.Fatal(err)
	}
	applied := time.Now()
	r.Stop()
	if time.Since(applied) >= failFor {
		t.Fatalf("the run took %s to stop, longer than the failure: nothing to see", time.Since(applied))
	}
	time.Sleep(time.Until(applied.Add(failFor + 500*time.Millisecond)))
	for _, e := range r.m.takeEvents() {
		if strings.Contains(e, "works again") {
			t.Errorf("after the run ended: %q", e)
		}
	}
	if !r.cons["sink"].failed.Load() {
		t.Error("the consumer was set working again after the run ended")
	}
}

// A change goes through pipeline's ApplyChange with what a run on AWS can
// change: a producer's rate is made, a consumer's capacity and a producer's
// retries are refused (a *pipeline.ChangeError that says so, and an event
// of the run), and a value out of range is not valid.
func TestApplyRefusesWhatAWSCannotChange(t *testing.T) {
	r := startKafkaRun(t, 3*time.Second)
	for s := range r.Snapshots() {
		if s.Time > 0 {
			break // the producers run: setup is over
		}
	}
	parse := func(ref, text string) pipeline.Assignment {
		a, err := r.sc.ParseAssignment(ref, text)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	if _, err := r.Apply(pipeline.Change{Set: []pipeline.Assignment{parse("payments.rate", "500/s")}}); err != nil {
		t.Fatalf("a producer's rate: %v", err)
	}
	for _, ref := range []string{"sink.capacity=2MiB/s", "payments.retries.max=5"} {
		k, v, _ := strings.Cut(ref, "=")
		_, err := r.Apply(pipeline.Change{Set: []pipeline.Assignment{parse(k, v)}})
		var ce *pipeline.ChangeError
		if !errors.As(err, &ce) || !ce.Refused() || !strings.Contains(err.Error(), "a run on AWS changes a producer's load and keys and a Kinesis stream's shards only") {
			t.Errorf("%s: want a refusal, got %v", ref, err)
		}
	}
	bad := pipeline.Change{Set: []pipeline.Assignment{{Node: "payments", Key: "rate", Value: pipeline.Value{Kind: pipeline.KindRate, Num: -1, Rate: pipeline.Rate{PerSec: -1}}}}}
	if _, err := r.Apply(bad); err == nil || !strings.Contains(err.Error(), "out of range") {
		t.Errorf("a negative rate: %v", err)
	}
	var events []string
	for s := range r.Snapshots() {
		events = append(events, s.Events...)
	}
	if got := strings.Join(events, "\n"); !strings.Contains(got, "set sink.capacity = 2MiB/s refused") {
		t.Errorf("the refusal is not an event of the run:\n%s", got)
	}
}
