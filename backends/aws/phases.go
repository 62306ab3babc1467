package aws

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"
	"time"

	"github.com/streamsim/streamsim/pipeline"
)

// loop is the run from start to end, on its own goroutine: setup, produce,
// drain, stopAll, finalMeasures and teardown, in that order (this file's),
// then the last snapshot and the Result.
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
		close(r.wired)
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

// stopAll ends the measured part: readers, stand-ins, Kafka readers and the
// timers of timed failures stop, consumers' senders flush (records still
// queued after an interrupted or timed-out drain are counted lost) and the
// Kafka producer closes.
func (r *Run) stopAll() {
	r.stopWork()
	r.later.stop()
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
			if n.Service.Name != pipeline.MSK && n.Service.Name != pipeline.MSKServerless {
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
