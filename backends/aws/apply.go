package aws

import (
	"errors"
	"fmt"
	"math"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	kintypes "github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"github.com/streamsim/streamsim/backends"
	"github.com/streamsim/streamsim/pipeline"
)

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
				r.later.after(c.For, func() { cn.failed.Store(false); r.logf("%s works again", c.Fail) })
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
		case n != nil && n.Service.Name == pipeline.KinesisDataStreams && a.Key == "shards":
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
	if err == nil {
		r.adv.Apply(c) // its rules read the new settings
	}
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
