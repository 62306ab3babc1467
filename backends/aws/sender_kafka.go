package aws

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// kafkaSender produces into a Kafka topic; franz-go batches and retries, and
// a record it finally fails is counted lost.
type kafkaSender struct {
	e     *edge
	cl    *kgo.Client
	topic string
	pend  atomic.Int64
	wg    sync.WaitGroup
}

func (s *kafkaSender) send(ctx context.Context, recs []userRecord) error {
	for _, r := range recs {
		s.pend.Add(1)
		s.wg.Add(1)
		size := len(r.data)
		s.cl.Produce(ctx, &kgo.Record{Topic: s.topic, Key: []byte(r.key), Value: r.data}, func(_ *kgo.Record, err error) {
			defer s.wg.Done()
			defer s.pend.Add(-1)
			if err != nil {
				if !errors.Is(err, context.Canceled) {
					s.e.h.Observe(SvcKafka, "Produce", err)
				}
				s.e.lose(ctx, 1)
				return
			}
			s.e.m.wrote(s.e.writer, s.e.target, 1, size)
		})
	}
	return ctx.Err()
}

// kafkaFlushTimeout bounds the wait for a topic's last records: a broker that
// stopped answering costs those records (purged, counted lost), not the run's end.
const kafkaFlushTimeout = 30 * time.Second

func (s *kafkaSender) close() {
	ctx, cancel := context.WithTimeout(context.Background(), kafkaFlushTimeout)
	defer cancel()
	if err := s.cl.Flush(ctx); err != nil {
		s.e.m.event(fmt.Sprintf("%s: records for %s not acknowledged within %s: given up", s.e.writer, s.topic, kafkaFlushTimeout))
		s.cl.PurgeTopicsFromProducing(s.topic) // fails what is buffered, which the promises count lost
	}
	s.wg.Wait()
}

func (s *kafkaSender) pending() int64 { return s.pend.Load() }
