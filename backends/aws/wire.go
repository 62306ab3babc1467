package aws

import (
	"context"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/streamsim/streamsim/pipeline"
)

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
	if t.Service.Name == pipeline.MSK || t.Service.Name == pipeline.MSKServerless {
		e.svc = SvcKafka
	}
	if r.opts.Clients != nil {
		switch t.Service.Name {
		case pipeline.KinesisDataStreams:
			e.svc = SvcKinesis
		case pipeline.Firehose:
			if _, real := r.plan.Find(KindDeliveryStream, t.ID); real {
				e.svc = SvcFirehose
			}
		case pipeline.S3:
			e.svc = SvcS3
		case pipeline.DynamoDB:
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
	case pipeline.KinesisDataStreams:
		res, _ := r.plan.Find(KindStream, t.ID)
		var shards *shardMap
		if w.Stage == pipeline.Producer && w.Bool("aggregation") {
			var err error
			if shards, err = r.shardMap(ctx, t.ID, res.Name); err != nil {
				return nil, err
			}
		}
		return newKinesisSender(ctx, e, r.opts.Clients.Kinesis, res.Name, shards, r.opts.Workers), nil
	case pipeline.MSK, pipeline.MSKServerless:
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
	case pipeline.Firehose:
		if res, ok := r.plan.Find(KindDeliveryStream, t.ID); ok {
			return newFirehoseSender(ctx, e, r.opts.Clients.Firehose, res.Name), nil
		}
		c := r.cons[t.ID]
		if c == nil || c.standIn == nil {
			return skipSender{e}, nil
		}
		return standInSender{e: e, s: c.standIn}, nil
	case pipeline.S3:
		res, _ := r.plan.Find(KindBucket, t.ID)
		return newS3Sender(ctx, e, r.opts.Clients.S3, res.Name, r.plan.RunID), nil
	case pipeline.DynamoDB:
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
		if n.Service.Name == pipeline.Firehose {
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
		case pipeline.KinesisDataStreams:
			res, _ := r.plan.Find(KindStream, src.ID)
			kr := &kinesisReader{c: c, api: r.opts.Clients.Kinesis, stream: res.Name, streamID: src.ID, runID: r.plan.RunID,
				m: r.m, interval: r.opts.PollInterval * time.Duration(max(1, polling[src.ID])),
				efo: n.Str("read") == "enhanced-fan-out", prov: r.prov, paths: r.pathsFrom(n.ID)}
			if err := kr.start(ctx); err != nil {
				return err
			}
			r.kreaders = append(r.kreaders, kr)
		case pipeline.MSK, pipeline.MSKServerless:
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
