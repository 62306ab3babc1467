package aws

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/streamsim/streamsim/backends"
	"github.com/streamsim/streamsim/pipeline"
)

// Result is what a finished run measured.
type Result struct {
	// Metrics are keyed "node.metric" in base units, as pipeline.NewReport
	// takes them. A metric the aws backend cannot measure is NaN (the report
	// writes null) and listed in Unmeasured.
	Metrics    map[string]float64
	Unmeasured []string
	// Elapsed is the real time the producers ran (pauses excluded).
	Elapsed time.Duration
	// Events is everything that happened, in order, with run times.
	Events []string
	// Created is what the run created; Kept says it was left in place.
	Created []Resource
	Kept    bool
	// Interrupted says the run was cancelled before its end.
	Interrupted bool
	// Left is what the run created and could not delete (empty when kept:
	// see Kept).
	Left []Resource
	// Gone is what the teardown found already gone (deleted by someone else).
	Gone []Resource
	// Losses says where the lost records were lost (pipeline.lost_records
	// is their sum). Records a run that is not kept did not deliver by its
	// end are lost too, at the place they were.
	Losses []Loss
	// Faults names the endpoints that failed during the run, one line per
	// service (see SummarizeFaults). A run with faults fails.
	Faults []string
	// Advice is what the run's advisor found, judged at the end with the
	// run's metrics (the last snapshot carries the same findings).
	Advice []pipeline.Advice
}

// Run is one run against AWS. It satisfies backends.Run.
type Run struct {
	id     int64
	opts   Options
	sc     *pipeline.Scenario
	plan   *Plan
	m      *meter
	adv    *backends.Advisor // reads every snapshot published, as the simulator's does
	prov   *provisioner
	out    chan pipeline.Snapshot
	ctx    context.Context // the caller's, cancelled by Stop
	cancel context.CancelFunc
	// work carries producers, senders and readers; it ends with the measured part.
	work     context.Context
	stopWork context.CancelFunc
	done     chan struct{}
	err      error
	res      Result

	// wired is closed once setup has built the producers and consumers:
	// Apply reads them, so it waits for it.
	wired chan struct{}
	later timers // timed failures' ends; stopped with the measured part

	// settings are the scenario's settings as changes leave them
	// (pipeline's ApplyChange), kept apart from sc, which snapshots read.
	setMu    sync.Mutex
	settings *pipeline.Scenario

	stopped atomic.Bool

	mu          sync.Mutex
	started     time.Time // producers started
	paused      bool
	pausedAt    time.Time
	pausedTotal time.Duration
	ended       time.Duration // run time at which the producers stopped (0 while running)

	prods    map[string]*producerRun
	cons     map[string]*consumer
	paths    map[string]int
	senders  []sender // producers' senders first, then consumers'
	nProd    int      // how many of senders belong to producers
	kreaders []*kinesisReader
	kafkaRds []*kafkaReader
	standIns []*standIn
	watchers []*watcher
	groups   map[string]string // consumer node → Kafka group

	kcl  *kgo.Client // producer client
	kadm *kadm.Client
	kadc *kgo.Client // admin client

	h   *Health        // the endpoints' health: the clients', or the run's own for Kafka only
	kwg sync.WaitGroup // Kafka readers
	swg sync.WaitGroup // Firehose stand-ins

	seq       int64
	allEvents []string
	shardsEnd map[string]float64 // stream node → open shards at the end
	kafkaLag  map[string]float64 // topic node → largest partition lag of its groups at the end

	smu       sync.Mutex
	shardMaps map[string]*shardMap // stream node → the map its aggregating producers share
}

var _ backends.Run = (*Run)(nil)

// ID implements backends.Run.
func (r *Run) ID() int64 { return r.id }

// Snapshots implements backends.Run.
func (r *Run) Snapshots() <-chan pipeline.Snapshot { return r.out }

// Plan is the plan the run carries out.
func (r *Run) Plan() *Plan { return r.plan }

// Err implements backends.Run.
func (r *Run) Err() error {
	select {
	case <-r.done:
		return r.err
	default:
		return nil
	}
}

// Result returns the run's measurements; valid once Snapshots is closed.
func (r *Run) Result() Result {
	<-r.done
	return r.res
}

// Pause implements backends.Run: the producers stop and the run's clock stops.
func (r *Run) Pause() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.paused {
		r.paused, r.pausedAt = true, time.Now()
	}
}

// Resume implements backends.Run.
func (r *Run) Resume() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.paused {
		r.paused = false
		if !r.started.IsZero() {
			r.pausedTotal += time.Since(r.pausedAt)
		}
	}
}

// SetSpeed implements backends.Run. Real services run in real time: it is ignored.
func (r *Run) SetSpeed(float64) {}

// Step implements backends.Run. There are no ticks to step: it is ignored.
func (r *Run) Step() {}

// Stop implements backends.Run: the run ends at once, and its resources are
// deleted (unless Keep) before Stop returns.
func (r *Run) Stop() {
	r.stopped.Store(true)
	r.cancel()
	<-r.done
}

func (r *Run) isPaused() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.paused
}

// runTime is the real time the producers have run, pauses excluded.
func (r *Run) runTime() time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.started.IsZero() {
		return 0
	}
	if r.ended > 0 {
		return r.ended
	}
	t := time.Since(r.started) - r.pausedTotal
	if r.paused {
		t -= time.Since(r.pausedAt)
	}
	return max(0, t)
}

// logf records a progress line as an event and on the log.
func (r *Run) logf(format string, args ...any) {
	r.m.event(fmt.Sprintf(format, args...))
}

func (r *Run) flushEvents() []string {
	evs := r.m.takeEvents()
	at := clockText(r.runTime())
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = at + " " + e
		if r.opts.Log != nil {
			fmt.Fprintln(r.opts.Log, e)
		}
	}
	r.allEvents = append(r.allEvents, out...)
	return out
}

func clockText(d time.Duration) string {
	s := int64(d / time.Second)
	return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
}

// health follows the endpoints of the run's calls.
func (r *Run) health() *Health { return r.h }

// Remaining is what the run has created and not deleted yet: what would be
// left if the process ended now.
func (r *Run) Remaining() []Resource { return r.prov.Created() }

// String describes the run for logs.
func (r *Run) String() string {
	return fmt.Sprintf("aws run %s of %s (%s)", r.plan.RunID, r.sc.Name, strings.Join(r.plan.KafkaBrokers, ","))
}
