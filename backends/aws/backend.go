package aws

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync/atomic"
	"time"

	"github.com/streamsim/streamsim/backends"
	"github.com/streamsim/streamsim/pipeline"
)

// Options configure a Backend.
type Options struct {
	// Clients talk to AWS (or local stand-ins). Needed for every scenario
	// with Kinesis, Firehose, S3 or DynamoDB nodes.
	Clients *Clients
	// Kafka is the cluster for MSK nodes (topics are created on it).
	Kafka KafkaOptions

	RunID        string        // "" = a new random id per run
	Region       string        // shown in the plan
	Duration     time.Duration // real time the producers run; 0 = the scenario's duration
	FirehoseMode FirehoseMode  // auto counts as service
	// FirehoseRoleARN is the IAM role real delivery streams use.
	FirehoseRoleARN string

	// MaxCostPerHour makes Start refuse plans that cost more (0 = no limit).
	MaxCostPerHour float64
	// Confirmed must be set for Start to create anything: the caller has
	// shown the plan and the user agreed (--yes).
	Confirmed bool
	// Keep leaves the resources in place at the end.
	Keep bool
	// LeaseTTL is how long the run's lease on its resources lasts unless
	// renewed (default DefaultLeaseTTL); the run renews it every sixth of it.
	LeaseTTL time.Duration

	// Drain is how long consumers may go on after the producers stop, to
	// catch up (default 30 s).
	Drain time.Duration
	// SnapshotEvery is the time between snapshots (default 1 s).
	SnapshotEvery time.Duration
	// PollInterval is the wait between GetRecords calls on a shard for one
	// polling consumer (default 200 ms: 5 reads/s per shard, KDS-GETRECORDS-RATE, shared
	// with the stream's other polling consumers, so it is multiplied by
	// their number).
	PollInterval time.Duration
	// ReadyPoll is the wait between readiness checks while creating and
	// deleting (default 1 s).
	ReadyPoll time.Duration
	// Workers is the PutRecords calls in flight per producer → stream edge (default 4).
	Workers int
	// Log receives progress lines (created, deleted, warnings); nil = none.
	Log io.Writer
}

// Backend runs scenarios against AWS. It satisfies backends.Backend.
type Backend struct {
	opts   Options
	nextID atomic.Int64
}

var _ backends.Backend = (*Backend)(nil)

// New returns an AWS backend.
func New(o Options) *Backend {
	if o.Drain <= 0 {
		o.Drain = 30 * time.Second
	}
	if o.SnapshotEvery <= 0 {
		o.SnapshotEvery = time.Second
	}
	if o.PollInterval <= 0 {
		o.PollInterval = 200 * time.Millisecond
	}
	if o.Workers <= 0 {
		o.Workers = 4
	}
	return &Backend{opts: o}
}

// Plan returns what a run of sc would create and cost.
func (b *Backend) Plan(sc *pipeline.Scenario) (*Plan, error) {
	region := b.opts.Region
	if region == "" && b.opts.Clients != nil {
		region = b.opts.Clients.Region
	}
	return NewPlan(sc, PlanOptions{RunID: b.opts.RunID, Region: region, Duration: b.opts.Duration,
		FirehoseMode: b.opts.FirehoseMode, KafkaBrokers: b.opts.Kafka.Brokers})
}

// CostError says a plan costs more per hour than allowed.
type CostError struct {
	Plan  *Plan
	Limit float64
}

func (e *CostError) Error() string {
	return fmt.Sprintf("the plan costs about $%.4f per hour, above the limit of $%.2f per hour: raise it with --max-cost if that is intended",
		e.Plan.CostPerHour, e.Limit)
}

// ErrNotConfirmed is returned by Start when Options.Confirmed is not set.
var ErrNotConfirmed = errors.New("the aws backend creates resources only when confirmed (--yes); look at the plan first")

// Start implements backends.Backend: plan, check the cost guard, and run.
func (b *Backend) Start(ctx context.Context, sc *pipeline.Scenario) (backends.Run, error) {
	p, err := b.Plan(sc)
	if err != nil {
		return nil, err
	}
	return b.StartPlan(ctx, sc, p)
}

// StartPlan runs a plan made by Plan. Resources are created by the run
// itself, so Start returns at once; the snapshots' events tell the progress.
func (b *Backend) StartPlan(ctx context.Context, sc *pipeline.Scenario, p *Plan) (*Run, error) {
	if b.opts.MaxCostPerHour > 0 && p.CostPerHour > b.opts.MaxCostPerHour {
		return nil, &CostError{Plan: p, Limit: b.opts.MaxCostPerHour}
	}
	if !b.opts.Confirmed {
		return nil, ErrNotConfirmed
	}
	needAWS := false
	for _, r := range p.Resources {
		if r.Kind != KindTopic {
			needAWS = true
		}
	}
	if needAWS && b.opts.Clients == nil {
		return nil, errors.New("no AWS clients")
	}
	sc = sc.Clone()
	sc.Duration = p.Duration
	r := &Run{id: b.nextID.Add(1), opts: b.opts, sc: sc, plan: p, m: newMeter(sc), adv: backends.NewAdvisor(sc),
		out: make(chan pipeline.Snapshot, 1), done: make(chan struct{}), wired: make(chan struct{}),
		prods: map[string]*producerRun{}, cons: map[string]*consumer{}, paths: map[string]int{}}
	r.ctx, r.cancel = context.WithCancel(ctx)
	r.work, r.stopWork = context.WithCancel(r.ctx)
	r.prov = &provisioner{c: b.opts.Clients, plan: p, roleARN: b.opts.FirehoseRoleARN, logf: r.logf, poll: b.opts.ReadyPoll,
		leaseTTL: b.opts.LeaseTTL}
	if b.opts.Clients != nil {
		r.h = b.opts.Clients.Health
	} else {
		r.h = NewHealth(Deadlines{}, map[Service]string{})
	}
	if len(b.opts.Kafka.Brokers) > 0 {
		r.h.name(SvcKafka, strings.Join(b.opts.Kafka.Brokers, ","))
	}
	r.h.TakeEvents() // an earlier run's, if the clients are shared
	r.h.SetSink(r.m.event)
	go r.loop()
	return r, nil
}
