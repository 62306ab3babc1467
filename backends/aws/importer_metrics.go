package aws

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/streamsim/streamsim/pipeline"
)

// metric is one CloudWatch series the importer reads.
type metric struct {
	namespace, name, stat string
	dims                  [][2]string // name, value
}

// series is a metric's datapoints, one per period of the window: missing
// periods (CloudWatch leaves out periods without data) are 0, and present
// says which were there.
type series struct {
	values  []float64
	present []bool
	any     bool
}

func (s series) sum() float64 {
	var t float64
	for _, v := range s.values {
		t += v
	}
	return t
}

// Limits of one GetMetricData call (CW-GETMETRICDATA: 500 queries, 100,800
// datapoints).
const (
	cwMaxQueries    = 500
	cwMaxDatapoints = 100_800
)

// window is the time the load is read over: whole periods from start to end.
type window struct {
	start, end time.Time
	period     time.Duration
}

func (w window) points() int { return int(w.end.Sub(w.start) / w.period) }

// periodFor is the finest period CloudWatch keeps for data that old
// (CW-RETENTION): one minute for 15 days, five minutes for 63 days, an hour
// for 455 days; coarser when the series of the import would hold more than
// seriesBudget points together (a scenario file is bounded).
func periodFor(since time.Duration, series int) time.Duration {
	finest := time.Hour
	switch {
	case since <= 15*24*time.Hour:
		finest = time.Minute
	case since <= 63*24*time.Hour:
		finest = 5 * time.Minute
	}
	for _, p := range []time.Duration{time.Minute, 5 * time.Minute, 15 * time.Minute, time.Hour, 6 * time.Hour, 24 * time.Hour} {
		points := int(since / p)
		if p >= finest && points*max(1, series) <= seriesBudget && points <= pipeline.MaxSeriesPoints {
			return p
		}
	}
	return 24 * time.Hour
}

// seriesBudget bounds the points of all the series of one import: about
// 2.5 MB of YAML, within the loader's 4 MiB.
const seriesBudget = 250_000

// MaxImportSince is how far back CloudWatch keeps metrics (455 days).
const MaxImportSince = 455 * 24 * time.Hour

func newWindow(now time.Time, since time.Duration, series int) window {
	p := periodFor(since, series)
	end := now.UTC().Truncate(p)
	n := max(1, int(since/p))
	return window{start: end.Add(-time.Duration(n) * p), end: end, period: p}
}

// fetch reads the metrics over the window, as few calls as the limits
// allow, following NextToken; results are matched by query id.
func (im *importer) fetch(ctx context.Context, ms []metric) ([]series, error) {
	w := im.win
	n := w.points()
	out := make([]series, len(ms))
	for i := range out {
		out[i] = series{values: make([]float64, n), present: make([]bool, n)}
	}
	per := min(cwMaxQueries, max(1, cwMaxDatapoints/max(1, n)))
	for lo := 0; lo < len(ms); lo += per {
		hi := min(len(ms), lo+per)
		var qs []cwtypes.MetricDataQuery
		for i := lo; i < hi; i++ {
			m := ms[i]
			var dims []cwtypes.Dimension
			for _, d := range m.dims {
				dims = append(dims, cwtypes.Dimension{Name: aws.String(d[0]), Value: aws.String(d[1])})
			}
			qs = append(qs, cwtypes.MetricDataQuery{
				Id: aws.String(fmt.Sprintf("m%d", i)),
				MetricStat: &cwtypes.MetricStat{
					Metric: &cwtypes.Metric{Namespace: aws.String(m.namespace), MetricName: aws.String(m.name), Dimensions: dims},
					Period: aws.Int32(int32(w.period / time.Second)),
					Stat:   aws.String(m.stat),
				},
				ReturnData: aws.Bool(true),
			})
		}
		in := &cloudwatch.GetMetricDataInput{
			MetricDataQueries: qs,
			StartTime:         aws.Time(w.start),
			EndTime:           aws.Time(w.end),
			ScanBy:            cwtypes.ScanByTimestampAscending,
		}
		for {
			resp, err := im.c.CloudWatch.GetMetricData(ctx, in)
			if err != nil {
				return nil, err
			}
			im.cwCalls++
			for _, r := range resp.MetricDataResults {
				var i int
				if _, err := fmt.Sscanf(aws.ToString(r.Id), "m%d", &i); err != nil || i < lo || i >= hi {
					continue
				}
				s := &out[i]
				for j, ts := range r.Timestamps {
					if j >= len(r.Values) {
						break
					}
					k := int(ts.Sub(w.start) / w.period)
					if k < 0 || k >= n || ts.Before(w.start) {
						continue
					}
					s.values[k] = r.Values[j]
					s.present[k], s.any = true, true
				}
			}
			if resp.NextToken == nil || aws.ToString(resp.NextToken) == "" {
				break
			}
			in.NextToken = resp.NextToken
		}
	}
	return out, nil
}

func kinesisMetric(name, stream string, shard ...string) metric {
	m := metric{namespace: "AWS/Kinesis", name: name, stat: "Sum", dims: [][2]string{{"StreamName", stream}}}
	if len(shard) > 0 {
		m.dims = append(m.dims, [2]string{"ShardId", shard[0]})
	}
	return m
}
