package aws

import (
	"bytes"
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// s3Sender writes what a client-side consumer sends to a bucket: one object
// per second (or per 5 MiB), newline-delimited records.
type s3Sender struct {
	*pipe
	e      *edge
	c      S3API
	bucket string
	seq    atomic.Int64
	runID  string
}

func newS3Sender(ctx context.Context, e *edge, c S3API, bucket, runID string) *s3Sender {
	s := &s3Sender{e: e, c: c, bucket: bucket, runID: runID}
	s.pipe = newPipe(ctx, 2, 1<<20, 5<<20, time.Second, nil, s.put)
	return s
}

func (s *s3Sender) put(ctx context.Context, batch []entry) {
	recs := entriesUsers(batch)
	key := objectKey(s.e.writer, s.runID, s.seq.Add(1), time.Now())
	err := putObject(ctx, s.c, s.e, s.bucket, key, recs)
	if err != nil {
		s.e.loseWith(ctx, err, len(recs))
		s.e.m.event(fmt.Sprintf("%s: could not write s3://%s/%s: %v", s.e.writer, s.bucket, key, shortErr(err)))
	}
}

// objectKey names an object the way Firehose does: prefix/YYYY/MM/DD/HH/name.
func objectKey(writer, runID string, seq int64, t time.Time) string {
	t = t.UTC()
	return fmt.Sprintf("%s/%04d/%02d/%02d/%02d/%s%s-%s-%d-%06d", writer, t.Year(), t.Month(), t.Day(), t.Hour(),
		NamePrefix, runID, writer, t.Unix(), seq)
}

// putObject writes recs as one object, retrying refused or failed PUTs, and
// reports the delivery.
func putObject(ctx context.Context, c S3API, e *edge, bucket, key string, recs []userRecord) error {
	var buf bytes.Buffer
	tss := make([]int64, len(recs))
	for i, r := range recs {
		buf.Write(r.data)
		tss[i] = r.ts
	}
	body := buf.Bytes()
	var err error
	for attempt := 0; ; attempt++ {
		if attempt > 0 {
			if attempt > max(3, e.maxRetries) || !sleepCtx(ctx, e.backoffFor(attempt)) {
				return err
			}
			e.m.retried(e.writer, len(recs))
		}
		cctx, ok := e.admit(ctx, false)
		if !ok {
			return errDown
		}
		_, err = c.PutObject(cctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key),
			Body: bytes.NewReader(body), ContentType: aws.String("application/x-ndjson")})
		if err == nil {
			now := time.Now()
			e.m.wrote(e.writer, e.target, len(recs), len(body))
			e.m.deliver(e.target, tss, len(body), now)
			e.m.object(e.target)
			e.m.object(e.writer)
			return nil
		}
		if isSlowDown(err) {
			e.m.refused(e.writer, e.target, len(recs))
		}
		if ctx.Err() != nil {
			return err
		}
	}
}

func isSlowDown(err error) bool {
	return err != nil && (bytes.Contains([]byte(err.Error()), []byte("SlowDown")) || bytes.Contains([]byte(err.Error()), []byte("StatusCode: 503")))
}
