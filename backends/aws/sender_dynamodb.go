package aws

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// dynamoSender writes each record as one item (pk = partition key, sk =
// producer#seq) with BatchWriteItem, 25 items a call (DDB-BATCH-WRITE); unprocessed
// items are refused writes, retried with backoff.
type dynamoSender struct {
	*pipe
	e     *edge
	c     DynamoDBAPI
	table string
}

// maxItemData bounds the payload kept in an item (items are at most 400 KB).
const maxItemData = 350_000

func newDynamoSender(ctx context.Context, e *edge, c DynamoDBAPI, table string) *dynamoSender {
	s := &dynamoSender{e: e, c: c, table: table}
	s.pipe = newPipe(ctx, 4, 25, 16<<20, 100*time.Millisecond, nil, s.put)
	return s
}

func (s *dynamoSender) put(ctx context.Context, batch []entry) {
	type item struct {
		req ddbtypes.WriteRequest
		rec userRecord
	}
	var todo []item
	for _, en := range batch {
		for _, r := range en.recs {
			p, _ := decodePayload(r.data)
			data := r.data
			if len(data) > maxItemData {
				data = data[:maxItemData]
			}
			todo = append(todo, item{rec: r, req: ddbtypes.WriteRequest{PutRequest: &ddbtypes.PutRequest{Item: map[string]ddbtypes.AttributeValue{
				"pk":   &ddbtypes.AttributeValueMemberS{Value: r.key},
				"sk":   &ddbtypes.AttributeValueMemberS{Value: fmt.Sprintf("%s#%d", p.Src, p.Seq)},
				"ts":   &ddbtypes.AttributeValueMemberN{Value: fmt.Sprint(r.ts)},
				"data": &ddbtypes.AttributeValueMemberB{Value: data},
			}}}})
		}
	}
	maxAttempts := max(10, s.e.maxRetries)
	for attempt := 0; len(todo) > 0; attempt++ {
		if attempt > 0 {
			if attempt > maxAttempts || !sleepCtx(ctx, s.e.backoffFor(attempt)) {
				s.e.lose(ctx, len(todo))
				return
			}
			s.e.m.retried(s.e.writer, len(todo))
		}
		cctx, ok := s.e.admit(ctx, s.closing.Load())
		if !ok {
			s.e.loseDown(len(todo))
			return
		}
		reqs := make([]ddbtypes.WriteRequest, len(todo))
		for i, it := range todo {
			reqs[i] = it.req
		}
		out, err := s.c.BatchWriteItem(cctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]ddbtypes.WriteRequest{s.table: reqs}})
		if err != nil {
			var pte *ddbtypes.ProvisionedThroughputExceededException
			if errors.As(err, &pte) {
				s.e.m.refused(s.e.writer, s.e.target, len(todo))
			}
			if ctx.Err() != nil {
				s.e.lose(ctx, len(todo))
				return
			}
			continue
		}
		unproc := map[string]bool{}
		for _, u := range out.UnprocessedItems[s.table] {
			if u.PutRequest != nil {
				if sk, ok := u.PutRequest.Item["sk"].(*ddbtypes.AttributeValueMemberS); ok {
					pk, _ := u.PutRequest.Item["pk"].(*ddbtypes.AttributeValueMemberS)
					if pk != nil {
						unproc[pk.Value+"\x00"+sk.Value] = true
					}
				}
			}
		}
		var left []item
		var done []userRecord
		for _, it := range todo {
			pk := it.req.PutRequest.Item["pk"].(*ddbtypes.AttributeValueMemberS).Value
			sk := it.req.PutRequest.Item["sk"].(*ddbtypes.AttributeValueMemberS).Value
			if unproc[pk+"\x00"+sk] {
				left = append(left, it)
			} else {
				done = append(done, it.rec)
			}
		}
		if len(left) > 0 {
			s.e.m.refused(s.e.writer, s.e.target, len(left))
		}
		if len(done) > 0 {
			tss := make([]int64, len(done))
			for i, r := range done {
				tss[i] = r.ts
			}
			b := userBytes(done)
			s.e.m.wrote(s.e.writer, s.e.target, len(done), b)
			s.e.m.deliver(s.e.target, tss, b, time.Now())
		}
		todo = left
	}
}
