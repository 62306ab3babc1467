package aws

import (
	"context"
	"errors"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/firehose"
	fhtypes "github.com/aws/aws-sdk-go-v2/service/firehose/types"
)

// firehoseSender writes into a Firehose delivery stream with PutRecordBatch
// (500 records, 4 MiB per call, FH-PUTRECORDBATCH-MAX), retrying failed records like kinesisSender.
type firehoseSender struct {
	*pipe
	e    *edge
	c    FirehoseAPI
	name string
}

func newFirehoseSender(ctx context.Context, e *edge, c FirehoseAPI, name string) *firehoseSender {
	s := &firehoseSender{e: e, c: c, name: name}
	s.pipe = newPipe(ctx, 2, 500, 4<<20, 100*time.Millisecond, nil, s.put)
	return s
}

func (s *firehoseSender) put(ctx context.Context, batch []entry) {
	todo := batch
	for attempt := 0; len(todo) > 0; attempt++ {
		if attempt > 0 {
			users := len(entriesUsers(todo))
			if attempt > s.e.maxRetries || !sleepCtx(ctx, s.e.backoffFor(attempt)) {
				s.e.lose(ctx, users)
				return
			}
			s.e.m.retried(s.e.writer, users)
		}
		cctx, ok := s.e.admit(ctx, s.closing.Load())
		if !ok {
			s.e.loseDown(len(entriesUsers(todo)))
			return
		}
		in := &firehose.PutRecordBatchInput{DeliveryStreamName: aws.String(s.name)}
		for _, en := range todo {
			in.Records = append(in.Records, fhtypes.Record{Data: en.data})
		}
		out, err := s.c.PutRecordBatch(cctx, in)
		if err != nil {
			var su *fhtypes.ServiceUnavailableException
			if errors.As(err, &su) {
				s.e.m.refused(s.e.writer, s.e.target, len(todo))
			}
			if ctx.Err() != nil {
				s.e.lose(ctx, len(entriesUsers(todo)))
				return
			}
			continue
		}
		var failed []entry
		for i, rr := range out.RequestResponses {
			if i >= len(todo) {
				break
			}
			if rr.ErrorCode != nil {
				failed = append(failed, todo[i])
				if aws.ToString(rr.ErrorCode) == "ServiceUnavailableException" {
					s.e.m.refused(s.e.writer, s.e.target, 1)
				}
				continue
			}
			s.e.m.wrote(s.e.writer, s.e.target, 1, len(todo[i].data))
		}
		todo = failed
	}
}
