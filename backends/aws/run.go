package aws

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	kintypes "github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

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
	r := &Run{id: b.nextID.Add(1), opts: b.opts, sc: sc, plan: p, m: newMeter(sc),
		out: make(chan pipeline.Snapshot, 1), done: make(chan struct{}),
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
}

// Run is one run against AWS. It satisfies backends.Run.
type Run struct {
	id     int64
	opts   Options
	sc     *pipeline.Scenario
	plan   *Plan
	m      *meter
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

func (r *Run) loop() {
	defer close(r.out)
	defer close(r.done)
	defer func() {
		if p := recover(); p != nil {
			r.err = errors.Join(r.err, fmt.Errorf("the aws run stopped: %v", p), r.teardown())
		}
	}()
	h := r.health()
	mark := h.mark()
	begun := time.Now()
	leaseCtx, stopLease := context.WithCancel(context.WithoutCancel(r.ctx))
	leaseDone := make(chan struct{})
	go func() {
		defer close(leaseDone)
		r.leaseLoop(leaseCtx, r.prov.ttl())
	}()
	defer stopLease()
	r.publish(false)
	err := r.setup()
	if err == nil {
		// Faults count from here on: those of the setup either made it fail
		// or were handled (a tag an emulator refused).
		mark = h.mark()
		r.produce()
	}
	interrupted := r.ctx.Err() != nil
	if err == nil && !interrupted {
		r.drain()
	}
	r.stopAll()
	if err == nil {
		r.finalMeasures()
	}
	faults := h.faultsSince(mark)
	r.mu.Lock()
	if !r.started.IsZero() {
		begun = r.started
	}
	r.mu.Unlock()
	r.res.Faults = SummarizeFaults(faults, begun)
	if len(faults) > 0 && (err == nil || interrupted) {
		err = errors.Join(err, &FaultError{Lines: r.res.Faults})
	}
	r.settleLosses(r.opts.Keep)
	r.res.Metrics, r.res.Unmeasured = r.metrics()
	r.res.Losses = r.m.lossList()
	r.res.Elapsed = r.runTime()
	r.res.Created = r.prov.Created()
	r.res.Interrupted = interrupted
	if interrupted && !r.stopped.Load() {
		err = errors.Join(fmt.Errorf("interrupted after %s: %w", clockText(r.runTime()), r.ctx.Err()), err)
	}
	stopLease()
	<-leaseDone
	if terr := r.teardown(); terr != nil {
		err = errors.Join(err, terr)
	}
	if !r.res.Kept {
		r.res.Left = r.prov.Created()
		r.res.Gone = r.prov.Gone()
	}
	r.err = err
	r.health().SetSink(nil)
	r.publish(true)
	r.res.Events = append([]string(nil), r.allEvents...)
}

// health follows the endpoints of the run's calls.
func (r *Run) health() *Health { return r.h }

// Remaining is what the run has created and not deleted yet: what would be
// left if the process ended now.
func (r *Run) Remaining() []Resource { return r.prov.Created() }

// teardown deletes what was created unless Keep, and says so.
func (r *Run) teardown() error {
	created := r.prov.Created()
	if len(created) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.ctx), 30*time.Second)
	defer cancel()
	if r.opts.Keep {
		r.res.Kept = true
		r.endLeases(ctx)
		r.logf("kept %d resources (--keep): delete them with streamsim cleanup --run %s --yes", len(created), r.plan.RunID)
		r.flushEvents()
		return nil
	}
	r.logf("deleting the %d resources this run created", len(created))
	err := r.prov.teardown(r.ctx)
	if err == nil {
		r.logf("deleted everything this run created")
	} else {
		r.endLeases(ctx)
		left := r.prov.Created()
		r.logf("could not delete %d of the %d resources this run created: streamsim cleanup --run %s --yes tries again",
			len(left), len(created), r.plan.RunID)
	}
	r.flushEvents()
	return err
}

// setup creates the resources and wires producers, consumers and senders.
func (r *Run) setup() error {
	ctx := r.ctx
	r.logf("run %s of %s: creating %d resources in %s", r.plan.RunID, r.sc.Name, len(r.plan.Resources), orDash(r.plan.Region))
	r.publish(false)
	for _, res := range r.plan.Resources {
		if res.Kind == KindTopic {
			cl, adm, err := r.opts.Kafka.admin(ctx)
			if err != nil {
				return err
			}
			r.kadc, r.kadm = cl, adm
			r.prov.kadm = adm
			break
		}
	}
	done := make(chan error, 1)
	go func() { done <- r.prov.create(ctx) }()
	for {
		select {
		case err := <-done:
			if err != nil {
				return err
			}
			r.publish(false)
			return r.wire(r.work)
		case <-time.After(r.opts.SnapshotEvery):
			r.publish(false)
		}
	}
}

// pathsFrom is the destination deliveries one record is worth from node id on.
func (r *Run) pathsFrom(id string) int {
	if v, ok := r.paths[id]; ok {
		return v
	}
	r.paths[id] = 0 // cycles count once
	n := r.sc.Node(id)
	v := 0
	switch {
	case n == nil || r.plan.IsSkipped(id):
	case n.Stage == pipeline.Destination:
		v = 1
	case n.Stage == pipeline.Storage:
		for _, c := range r.sc.Readers(id) {
			v += r.pathsFrom(c.ID)
		}
	default:
		for _, t := range n.To {
			v += r.pathsFrom(t)
		}
	}
	r.paths[id] = v
	return v
}

func (r *Run) newEdge(w, t *pipeline.Node) *edge {
	e := &edge{writer: w.ID, target: t.ID, paths: r.pathsFrom(t.ID), m: r.m, maxRetries: 3, backoff: 100 * time.Millisecond, h: r.h}
	if t.Service.Name == "msk" || t.Service.Name == "msk-serverless" {
		e.svc = SvcKafka
	}
	if r.opts.Clients != nil {
		switch t.Service.Name {
		case "kinesis-data-streams":
			e.svc = SvcKinesis
		case "firehose":
			if _, real := r.plan.Find(KindDeliveryStream, t.ID); real {
				e.svc = SvcFirehose
			}
		case "s3":
			e.svc = SvcS3
		case "dynamodb":
			e.svc = SvcDynamoDB
		}
	}
	if w.Stage == pipeline.Producer {
		e.maxRetries = w.Int("retries.max")
		e.backoff = w.Dur("retries.backoff")
	}
	return e
}

// shardMap is the shard map of a stream, read once and shared.
func (r *Run) shardMap(ctx context.Context, node, stream string) (*shardMap, error) {
	r.smu.Lock()
	defer r.smu.Unlock()
	if m := r.shardMaps[node]; m != nil {
		return m, nil
	}
	m, err := newShardMap(ctx, r.opts.Clients.Kinesis, stream)
	if err != nil {
		return nil, err
	}
	if r.shardMaps == nil {
		r.shardMaps = map[string]*shardMap{}
	}
	r.shardMaps[node] = m
	return m, nil
}

// senderFor connects writer w to target t.
func (r *Run) senderFor(ctx context.Context, w, t *pipeline.Node) (sender, error) {
	e := r.newEdge(w, t)
	if r.plan.IsSkipped(t.ID) {
		return skipSender{e}, nil
	}
	switch t.Service.Name {
	case "kinesis-data-streams":
		res, _ := r.plan.Find(KindStream, t.ID)
		var shards *shardMap
		if w.Stage == pipeline.Producer && w.Bool("aggregation") {
			var err error
			if shards, err = r.shardMap(ctx, t.ID, res.Name); err != nil {
				return nil, err
			}
		}
		return newKinesisSender(ctx, e, r.opts.Clients.Kinesis, res.Name, shards, r.opts.Workers), nil
	case "msk", "msk-serverless":
		res, _ := r.plan.Find(KindTopic, t.ID)
		if r.kcl == nil {
			// A record not acknowledged within a call's deadline fails (and
			// is counted lost) instead of being retried forever.
			cl, err := r.opts.Kafka.newClient(kgo.ProducerLinger(20*time.Millisecond),
				kgo.RecordDeliveryTimeout(r.health().Deadlines().Call))
			if err != nil {
				return nil, err
			}
			r.kcl = cl
		}
		return &kafkaSender{e: e, cl: r.kcl, topic: res.Name}, nil
	case "firehose":
		if res, ok := r.plan.Find(KindDeliveryStream, t.ID); ok {
			return newFirehoseSender(ctx, e, r.opts.Clients.Firehose, res.Name), nil
		}
		c := r.cons[t.ID]
		if c == nil || c.standIn == nil {
			return skipSender{e}, nil
		}
		return standInSender{e: e, s: c.standIn}, nil
	case "s3":
		res, _ := r.plan.Find(KindBucket, t.ID)
		return newS3Sender(ctx, e, r.opts.Clients.S3, res.Name, r.plan.RunID), nil
	case "dynamodb":
		res, _ := r.plan.Find(KindTable, t.ID)
		return newDynamoSender(ctx, e, r.opts.Clients.DynamoDB, res.Name), nil
	}
	return skipSender{e}, nil
}

// wire builds consumers, senders, readers and watchers, and starts the readers.
func (r *Run) wire(ctx context.Context) error {
	// Consumers run here: client-side compute consumers and Firehose stand-ins.
	for _, n := range r.sc.Stage(pipeline.Consumer) {
		if _, real := r.plan.Find(KindDeliveryStream, n.ID); real {
			continue
		}
		c := &consumer{n: n}
		if n.Service.Name == "firehose" {
			s := &standIn{n: n, m: r.m, c: nil, size: max(1, int(n.Num("buffer.size"))),
				interval: n.Dur("buffer.interval"), runID: r.plan.RunID}
			if r.opts.Clients != nil {
				s.c = r.opts.Clients.S3
			}
			for _, t := range n.To {
				tn := r.sc.Node(t)
				if tn == nil {
					continue
				}
				if res, ok := r.plan.Find(KindBucket, t); ok && s.out == nil {
					s.bucket, s.out = res.Name, r.newEdge(n, tn)
					continue
				}
				s.skips = append(s.skips, r.newEdge(n, tn))
			}
			c.standIn = s
			r.standIns = append(r.standIns, s)
		}
		r.cons[n.ID] = c
	}
	// Consumers' senders (not Firehose stand-ins: they write their own objects).
	for _, n := range r.sc.Stage(pipeline.Consumer) {
		c := r.cons[n.ID]
		if c == nil || c.standIn != nil {
			continue
		}
		for _, t := range n.To {
			tn := r.sc.Node(t)
			if tn == nil {
				continue
			}
			s, err := r.senderFor(ctx, n, tn)
			if err != nil {
				return err
			}
			c.outs = append(c.outs, s)
			r.senders = append(r.senders, s)
		}
	}
	// Producers.
	var prodSenders []sender
	for _, n := range r.sc.Stage(pipeline.Producer) {
		p := newProducerRun(n, r.sc.Seed, r.plan.RunID, r.m)
		for _, t := range n.To {
			tn := r.sc.Node(t)
			if tn == nil {
				continue
			}
			s, err := r.senderFor(ctx, n, tn)
			if err != nil {
				return err
			}
			p.outs = append(p.outs, s)
			p.edges = append(p.edges, r.newEdge(n, tn))
			prodSenders = append(prodSenders, s)
		}
		r.prods[n.ID] = p
	}
	r.nProd = len(prodSenders)
	r.senders = append(prodSenders, r.senders...)
	// Readers.
	polling := map[string]int{}
	for _, n := range r.sc.Stage(pipeline.Consumer) {
		if r.cons[n.ID] != nil && n.From != "" && n.Str("read") != "enhanced-fan-out" {
			polling[n.From]++
		}
	}
	for _, n := range r.sc.Stage(pipeline.Consumer) {
		c := r.cons[n.ID]
		src := r.sc.Node(n.From)
		if c == nil || src == nil || r.plan.IsSkipped(src.ID) {
			continue
		}
		switch src.Service.Name {
		case "kinesis-data-streams":
			res, _ := r.plan.Find(KindStream, src.ID)
			kr := &kinesisReader{c: c, api: r.opts.Clients.Kinesis, stream: res.Name, streamID: src.ID, runID: r.plan.RunID,
				m: r.m, interval: r.opts.PollInterval * time.Duration(max(1, polling[src.ID])),
				efo: n.Str("read") == "enhanced-fan-out", prov: r.prov, paths: r.pathsFrom(n.ID)}
			if err := kr.start(ctx); err != nil {
				return err
			}
			r.kreaders = append(r.kreaders, kr)
		case "msk", "msk-serverless":
			res, _ := r.plan.Find(KindTopic, src.ID)
			group := ResourceName(r.plan.RunID, n.ID, 255)
			cl, err := r.opts.Kafka.newClient(kgo.ConsumerGroup(group), kgo.ConsumeTopics(res.Name),
				kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.FetchMaxWait(500*time.Millisecond))
			if err != nil {
				return err
			}
			kr := &kafkaReader{cl: cl, c: c, topic: res.Name, group: group, runID: r.plan.RunID, m: r.m}
			if r.groups == nil {
				r.groups = map[string]string{}
			}
			r.groups[n.ID] = group
			r.kafkaRds = append(r.kafkaRds, kr)
		}
	}
	// Watchers of buckets that real delivery streams write.
	for _, res := range r.plan.Resources {
		if res.Kind != KindDeliveryStream {
			continue
		}
		fh := r.sc.Node(res.Node)
		w := &watcher{c: r.opts.Clients.S3, bucket: res.Bucket, prefix: res.Node + "/", fh: res.Node, runID: r.plan.RunID,
			m: r.m, seen: map[string]bool{}}
		w.source = fh.From
		for _, t := range fh.To {
			if b, ok := r.plan.Find(KindBucket, t); ok && b.Name == res.Bucket {
				w.bucketNode = t
			}
		}
		r.watchers = append(r.watchers, w)
	}
	for _, n := range r.plan.ClientSide {
		r.logf("%s (%s) runs in this process: %s", n.Node, n.Service, n.Text)
	}
	for _, n := range r.plan.Skipped {
		r.logf("%s (%s) %s", n.Node, n.Service, n.Text)
	}
	return nil
}

// produce runs the producers for the run's duration, applying the timeline
// and publishing snapshots, until the end or until the context ends.
func (r *Run) produce() {
	workCtx := r.work
	prodCtx, stopProd := context.WithCancel(workCtx)
	defer stopProd()
	for _, kr := range r.kafkaRds {
		r.kwg.Add(1)
		go func() {
			defer r.kwg.Done()
			kr.loop(workCtx)
		}()
	}
	for _, s := range r.standIns {
		r.swg.Add(1)
		go func() {
			defer r.swg.Done()
			s.loop(workCtx)
		}()
	}
	r.mu.Lock()
	r.started = time.Now()
	if r.paused {
		r.pausedAt = r.started
	}
	r.mu.Unlock()
	r.logf("producers started: %s of real time", pipeline.FormatDuration(r.plan.Duration))
	var wg sync.WaitGroup
	for _, n := range r.sc.Stage(pipeline.Producer) {
		p := r.prods[n.ID]
		wg.Add(1)
		go func() {
			defer wg.Done()
			p.loop(prodCtx, workCtx, r.runTime, r.isPaused)
		}()
	}
	timeline := append([]pipeline.Change(nil), r.sc.Timeline...)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	lastPub := time.Now()
	lastWatch := time.Now()
	for r.runTime() < r.plan.Duration && r.ctx.Err() == nil {
		select {
		case <-r.ctx.Done():
		case <-tick.C:
		}
		now := r.runTime()
		for len(timeline) > 0 && timeline[0].At <= now {
			ch := timeline[0]
			timeline = timeline[1:]
			if _, err := r.apply(ch); err != nil {
				r.logf("timeline at %s: %v", pipeline.FormatDuration(ch.At), err)
			}
		}
		if time.Since(lastWatch) >= 5*time.Second {
			r.scanWatchers(r.ctx)
			lastWatch = time.Now()
		}
		if time.Since(lastPub) >= r.opts.SnapshotEvery {
			r.publish(false)
			lastPub = time.Now()
		}
	}
	stopProd()
	wg.Wait()
	r.mu.Lock()
	r.ended = max(1, time.Since(r.started)-r.pausedTotal)
	if r.paused {
		r.ended = max(1, r.ended-time.Since(r.pausedAt))
	}
	r.mu.Unlock()
	if r.ctx.Err() == nil {
		r.logf("producers stopped after %s", clockText(r.runTime()))
	}
	// Flush what the producers queued.
	for _, s := range r.senders[:r.nProd] {
		s.close()
	}
}

// drain lets consumers catch up after the producers stopped, for at most
// Options.Drain.
func (r *Run) drain() {
	deadline := time.Now().Add(r.opts.Drain)
	lastPub, lastWatch := time.Now(), time.Time{}
	for time.Now().Before(deadline) && r.ctx.Err() == nil {
		if time.Since(lastWatch) >= 2*time.Second && len(r.watchers) > 0 {
			r.scanWatchers(r.ctx)
			lastWatch = time.Now()
		}
		if r.settled() {
			return
		}
		if time.Since(lastPub) >= r.opts.SnapshotEvery {
			r.publish(false)
			lastPub = time.Now()
		}
		sleepCtx(r.ctx, 100*time.Millisecond)
	}
	if r.ctx.Err() == nil {
		r.logf("drain ended after %s with records still in flight", pipeline.FormatDuration(r.opts.Drain))
	}
}

// settled reports whether every record is delivered or lost.
func (r *Run) settled() bool {
	for _, s := range r.senders {
		if s.pending() > 0 {
			return false
		}
	}
	for _, s := range r.standIns {
		if s.held() > 0 {
			return false
		}
	}
	r.m.mu.Lock()
	defer r.m.mu.Unlock()
	return r.m.delivered+r.m.lost >= r.m.expected
}

// stopAll ends the measured part: readers, stand-ins and Kafka readers stop,
// consumers' senders flush (records still queued after an interrupted or
// timed-out drain are counted lost) and the Kafka producer closes.
func (r *Run) stopAll() {
	r.stopWork()
	for _, kr := range r.kreaders {
		kr.wait()
	}
	r.kwg.Wait()
	r.swg.Wait()
	for _, s := range r.senders[r.nProd:] {
		s.close()
	}
	if r.kcl != nil {
		r.kcl.Close()
	}
}

// finalMeasures reads what only the services know: open shards, Kafka
// consumer lag, the last objects real delivery streams wrote.
func (r *Run) finalMeasures() {
	h := r.health()
	limit := 30 * time.Second
	if r.ctx.Err() != nil {
		limit = h.Deadlines().Stall // interrupted: the teardown should not wait on a slow endpoint
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.ctx), limit)
	defer cancel()
	if !h.Down(SvcS3) {
		r.scanWatchers(ctx)
	}
	if r.opts.Clients != nil {
		if h.Down(SvcKinesis) {
			r.logf("not counting open shards at the end: the kinesis endpoint %s is down", h.Shown(SvcKinesis))
		} else {
			r.shardsEnd = r.finalShards(ctx)
		}
	}
	r.kafkaLag = map[string]float64{}
	if r.kadm != nil {
		for _, n := range r.sc.Nodes {
			if n.Service.Name != "msk" && n.Service.Name != "msk-serverless" {
				continue
			}
			var worst float64
			ok := false
			for _, c := range r.sc.Readers(n.ID) {
				g, has := r.groups[c.ID]
				if !has {
					continue
				}
				_, part, err := offsetLag(ctx, r.kadm, g)
				if err != nil {
					r.logf("%s: could not read the lag of group %s: %s", n.ID, g, shortErr(err))
					continue
				}
				worst, ok = math.Max(worst, float64(part)), true
			}
			if ok {
				r.kafkaLag[n.ID] = worst
			}
		}
	}
}

// apply makes a change of the timeline or of the user.
func (r *Run) apply(c pipeline.Change) (time.Duration, error) {
	at := r.runTime()
	var errs []error
	if c.Fail != "" {
		until := time.Duration(math.MaxInt64)
		if c.For > 0 {
			until = at + c.For
		}
		switch {
		case r.prods[c.Fail] != nil:
			r.prods[c.Fail].fail(until)
			r.logf("%s fails (producer stops)", c.Fail)
		case r.cons[c.Fail] != nil:
			cn := r.cons[c.Fail]
			cn.failed.Store(true)
			r.logf("%s fails (stops taking records)", c.Fail)
			if c.For > 0 {
				time.AfterFunc(c.For, func() { cn.failed.Store(false); r.logf("%s works again", c.Fail) })
			}
		default:
			errs = append(errs, fmt.Errorf("fail %s: the aws backend can only stop producers and consumers it runs", c.Fail))
		}
	}
	for _, a := range c.Set {
		n := r.sc.Node(a.Node)
		switch {
		case r.prods[a.Node] != nil:
			r.prods[a.Node].set(a.Key, a.Value)
			r.logf("%s.%s = %s", a.Node, a.Key, a.Value)
		case n != nil && n.Service.Name == "kinesis-data-streams" && a.Key == "shards":
			res, _ := r.plan.Find(KindStream, a.Node)
			target := int32(a.Value.Num)
			r.smu.Lock()
			if m := r.shardMaps[a.Node]; m != nil {
				m.invalidate(r.work, int(target)) // no aggregates until the new shards are known
			}
			r.smu.Unlock()
			go func() {
				_, err := r.opts.Clients.Kinesis.UpdateShardCount(r.ctx, &kinesis.UpdateShardCountInput{StreamName: aws.String(res.Name),
					TargetShardCount: aws.Int32(target), ScalingType: kintypes.ScalingTypeUniformScaling})
				if err != nil {
					r.logf("%s: UpdateShardCount to %d: %s", a.Node, target, shortErr(err))
					r.smu.Lock()
					if m := r.shardMaps[a.Node]; m != nil {
						m.settle()
					}
					r.smu.Unlock()
					return
				}
				r.logf("%s: resharding to %d shards (UpdateShardCount)", a.Node, target)
			}()
		default:
			errs = append(errs, fmt.Errorf("set %s.%s: the aws backend changes producer settings and Kinesis shards only", a.Node, a.Key))
		}
	}
	return at, errors.Join(errs...)
}

// Apply implements backends.Run.
func (r *Run) Apply(c pipeline.Change) (time.Duration, error) {
	select {
	case <-r.done:
		return 0, backends.ErrRunEnded
	default:
	}
	return r.apply(c)
}

// watcher reads the objects a real delivery stream writes into its bucket:
// each new object's records count as delivered, with latency from their
// timestamps to the object's LastModified (1 s resolution).
type watcher struct {
	c          S3API
	bucket     string
	prefix     string
	fh         string // the Firehose node
	source     string // its source stream node, "" for direct PUT
	bucketNode string
	runID      string
	m          *meter
	seen       map[string]bool
}

func (r *Run) scanWatchers(ctx context.Context) {
	for _, w := range r.watchers {
		if err := w.scan(ctx); err != nil && ctx.Err() == nil {
			r.logf("%s: reading s3://%s: %s", w.fh, w.bucket, shortErr(err))
		}
	}
}

func (w *watcher) scan(ctx context.Context) error {
	in := &s3.ListObjectsV2Input{Bucket: aws.String(w.bucket), Prefix: aws.String(w.prefix)}
	for {
		out, err := w.c.ListObjectsV2(ctx, in)
		if err != nil {
			return err
		}
		for _, o := range out.Contents {
			key := aws.ToString(o.Key)
			if w.seen[key] {
				continue
			}
			obj, err := w.c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(w.bucket), Key: o.Key})
			if err != nil {
				return err
			}
			body, err := io.ReadAll(obj.Body)
			_ = obj.Body.Close()
			if err != nil {
				return err
			}
			w.seen[key] = true
			var tss []int64
			splitLines(body, func(line []byte) {
				if p, err := decodePayload(line); err == nil && p.Run == w.runID {
					tss = append(tss, p.TS)
				}
			})
			at := time.Now()
			if o.LastModified != nil {
				at = *o.LastModified
			}
			if w.source != "" {
				w.m.readBy(w.fh, w.source, len(tss), len(body))
			}
			w.m.wrote(w.fh, w.bucketNode, len(tss), len(body))
			w.m.deliver(w.bucketNode, tss, len(body), at)
			w.m.object(w.fh)
			w.m.object(w.bucketNode)
		}
		if !aws.ToBool(out.IsTruncated) {
			return nil
		}
		in.ContinuationToken = out.NextContinuationToken
	}
}

// String describes the run for logs.
func (r *Run) String() string {
	return fmt.Sprintf("aws run %s of %s (%s)", r.plan.RunID, r.sc.Name, strings.Join(r.plan.KafkaBrokers, ","))
}
