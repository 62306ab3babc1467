package standin

import (
	"context"
	"errors"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/smithy-go"
)

func cwClient(url string, attempts int) *cloudwatch.Client {
	cfg := aws.Config{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("test", "test", ""), RetryMaxAttempts: attempts}
	return cloudwatch.NewFromConfig(cfg, func(o *cloudwatch.Options) { o.BaseEndpoint = aws.String(url) })
}

// TestGetMetricDataThroughTheSDK: the SDK's own CloudWatch client (rpcv2Cbor)
// reads what was put, per period, across pages.
func TestGetMetricDataThroughTheSDK(t *testing.T) {
	cw := &CloudWatch{PageSize: 7}
	ts := httptest.NewServer(cw)
	defer ts.Close()
	start := time.Date(2025, 11, 28, 0, 0, 0, 0, time.UTC)
	dims := []Dim{{"StreamName", "orders"}}
	for i := range 20 {
		cw.Put("AWS/Kinesis", "IncomingRecords", dims, start.Add(time.Duration(i)*time.Minute), float64(100+i))
	}
	c := cwClient(ts.URL, 1)
	in := &cloudwatch.GetMetricDataInput{
		StartTime: aws.Time(start), EndTime: aws.Time(start.Add(20 * time.Minute)), ScanBy: cwtypes.ScanByTimestampAscending,
		MetricDataQueries: []cwtypes.MetricDataQuery{{Id: aws.String("a"), MetricStat: &cwtypes.MetricStat{
			Metric: &cwtypes.Metric{Namespace: aws.String("AWS/Kinesis"), MetricName: aws.String("IncomingRecords"),
				Dimensions: []cwtypes.Dimension{{Name: aws.String("StreamName"), Value: aws.String("orders")}}},
			Period: aws.Int32(300), Stat: aws.String("Sum")}}},
	}
	var got []float64
	var stamps []time.Time
	for pages := 0; ; pages++ {
		out, err := c.GetMetricData(context.Background(), in)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, out.MetricDataResults[0].Values...)
		stamps = append(stamps, out.MetricDataResults[0].Timestamps...)
		if out.NextToken == nil {
			break
		}
		in.NextToken = out.NextToken
	}
	want := []float64{510, 535, 560, 585}
	if len(got) != 4 || got[0] != want[0] || got[3] != want[3] || !stamps[1].Equal(start.Add(5*time.Minute)) {
		t.Errorf("got %v at %v, want %v", got, stamps, want)
	}

	cw.Deny = true
	_, err := c.GetMetricData(context.Background(), in)
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "AccessDenied" {
		t.Errorf("denied call: %v", err)
	}
	cw.Deny, cw.Throttle = false, 2
	in.NextToken = nil
	before := cw.Calls()
	if _, err := cwClient(ts.URL, 5).GetMetricData(context.Background(), in); err != nil {
		t.Errorf("two throttles and five attempts: %v", err)
	}
	if cw.Calls()-before != 3 {
		t.Errorf("%d calls for two throttles", cw.Calls()-before)
	}
}
