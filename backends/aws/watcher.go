package aws

import (
	"context"
	"io"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

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
