package aws

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	kintypes "github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"github.com/streamsim/streamsim/backends"
	"github.com/streamsim/streamsim/pipeline"
)

// apply makes a change of the timeline or of the user. The settings go
// through pipeline's ApplyChange, with what a run on AWS can change while it
// goes on (liveKeys); what it takes is then made: a producer's new
// settings, a reshard.
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
				r.later.after(c.For, func() { cn.failed.Store(false); r.logf("%s works again", c.Fail) })
			}
		default:
			errs = append(errs, fmt.Errorf("fail %s: the aws backend can only stop producers and consumers it runs", c.Fail))
		}
	}
	r.setMu.Lock()
	if r.settings == nil {
		r.settings = r.sc.Clone()
	}
	applied, err := r.settings.ApplyChange(pipeline.Change{Set: c.Set}, pipeline.ChangeOptions{Live: true, Backend: liveKeys})
	r.setMu.Unlock()
	if err != nil {
		errs = append(errs, err)
	}
	for _, o := range applied.Set {
		if !o.Made() {
			continue
		}
		switch {
		case r.prods[o.Node] != nil:
			r.prods[o.Node].set(o.Key, o.Value)
			r.logf("%s.%s = %s", o.Node, o.Key, o.Value)
		case o.Key == "shards":
			r.reshard(o.Node, int32(o.Value.Num))
		}
	}
	return at, errors.Join(errs...)
}

// liveKeys is what a run on AWS can change while it goes on: a producer's
// load, sizes and keys (this process makes its records) and a Kinesis
// stream's shard count (UpdateShardCount). A producer's retries are wired
// into its senders when it starts; every other resource keeps what it was
// created with.
var liveKeys = func() *pipeline.LiveKeys {
	var prod []string
	if svc, ok := pipeline.LookupService(string(pipeline.ProducerService)); ok {
		for _, k := range svc.SettableKeys() {
			if !strings.HasPrefix(k.Name, "retries.") {
				prod = append(prod, k.Name)
			}
		}
	}
	return &pipeline.LiveKeys{
		Keys: map[pipeline.ServiceName][]string{pipeline.ProducerService: prod, pipeline.KinesisDataStreams: {"shards"}},
		Why:  "a run on AWS changes a producer's load and keys and a Kinesis stream's shards only",
	}
}()

// reshard asks Kinesis for a stream's new shard count (UpdateShardCount),
// in the background: the call's result is logged.
func (r *Run) reshard(node string, target int32) {
	res, _ := r.plan.Find(KindStream, node)
	r.smu.Lock()
	if m := r.shardMaps[node]; m != nil {
		m.invalidate(r.work, int(target)) // no aggregates until the new shards are known
	}
	r.smu.Unlock()
	go func() {
		_, err := r.opts.Clients.Kinesis.UpdateShardCount(r.ctx, &kinesis.UpdateShardCountInput{StreamName: aws.String(res.Name),
			TargetShardCount: aws.Int32(target), ScalingType: kintypes.ScalingTypeUniformScaling})
		if err != nil {
			r.logf("%s: UpdateShardCount to %d: %s", node, target, shortErr(err))
			r.smu.Lock()
			if m := r.shardMaps[node]; m != nil {
				m.settle()
			}
			r.smu.Unlock()
			return
		}
		r.logf("%s: resharding to %d shards (UpdateShardCount)", node, target)
	}()
}

// Apply implements backends.Run. A change made while setup still creates
// the resources waits until the producers and consumers exist; if setup
// fails, the run ends instead.
func (r *Run) Apply(c pipeline.Change) (time.Duration, error) {
	select {
	case <-r.wired:
	case <-r.done:
		return 0, backends.ErrRunEnded
	}
	select {
	case <-r.done:
		return 0, backends.ErrRunEnded
	default:
	}
	at, err := r.apply(c)
	if err != nil {
		r.logf("%v", err) // refused, or not all made: an event of the run, as the simulator's
	}
	c.At = at
	r.adv.Changed(c, err) // what was made, its rules read; a refusal is a finding
	return at, err
}

// timers run functions later unless the run's measured part ends first: a
// consumer's timed failure must not end after the run has.
type timers struct {
	mu      sync.Mutex
	stopped bool
	list    []*time.Timer
}

// after runs f after d, unless stop comes first.
func (t *timers) after(d time.Duration, f func()) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.stopped {
		return
	}
	t.list = append(t.list, time.AfterFunc(d, func() {
		t.mu.Lock()
		defer t.mu.Unlock()
		if !t.stopped { // fired while stop waited for the lock
			f()
		}
	}))
}

// stop cancels what has not run; once it returns, no f runs.
func (t *timers) stop() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.stopped = true
	for _, tm := range t.list {
		tm.Stop()
	}
}
