package aws

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// silentServer accepts connections and requests and never answers, as an
// endpoint whose process is stopped does (the kernel still accepts).
func silentServer(t *testing.T) string {
	t.Helper()
	stop := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-stop:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(func() { close(stop); srv.Close() })
	return srv.URL
}

// junkServer answers every call with 200 and a body that is not an AWS response.
func junkServer(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "<html>surprise</html>")
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// refusedEndpoint is a local address nothing listens on.
func refusedEndpoint(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr
}

var quick = Deadlines{Call: 2 * time.Second, Attempt: time.Second, Stall: 500 * time.Millisecond, Connect: time.Second, MaxBackoff: 100 * time.Millisecond}

// Every call has a deadline of its own: a silent endpoint costs the call's
// deadline, is reported as not answering after Stall, and is named (without
// user info) in the error and the events.
func TestCallDeadlines(t *testing.T) {
	silent := silentServer(t)
	withUser := strings.Replace(silent, "http://", "http://user:pw-secret@", 1)
	c := clientsFor(Endpoints{SvcKinesis: withUser, SvcS3: silent, SvcDynamoDB: junkServer(t), SvcFirehose: refusedEndpoint(t)}, quick)
	ctx := testContext(t, time.Minute)

	start := time.Now()
	_, err := c.Kinesis.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("x")})
	took := time.Since(start)
	var na *NoAnswerError
	if !errors.As(err, &na) || took > quick.Call+time.Second || took < quick.Call-100*time.Millisecond {
		t.Fatalf("silent endpoint: %v after %s, want a NoAnswerError after %s", err, took, quick.Call)
	}
	if strings.Contains(err.Error(), "pw-secret") || !strings.Contains(err.Error(), "kinesis endpoint "+silent) {
		t.Errorf("error %q: want the endpoint named without user info", err)
	}
	if !c.Health.Down(SvcKinesis) {
		t.Error("kinesis is not down after a call got no answer")
	}
	ev := strings.Join(c.Health.TakeEvents(), "\n")
	if !strings.Contains(ev, "kinesis endpoint "+silent+" is not answering: DescribeStreamSummary has waited 500ms") {
		t.Errorf("events:\n%s", ev)
	}

	// A GetObject body is read under the call's deadline too.
	_, err = c.S3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("b"), Key: aws.String("k")})
	if !errors.As(err, &na) {
		t.Errorf("GetObject on a silent endpoint: %v", err)
	}

	// A shorter deadline from the context wins.
	start = time.Now()
	_, _ = c.S3.ListBuckets(withCallTimeout(ctx, 300*time.Millisecond), &s3.ListBucketsInput{})
	if took := time.Since(start); took > time.Second {
		t.Errorf("a 300ms call deadline took %s", took)
	}

	// Junk: reported as such, once.
	_, err = c.DynamoDB.ListTables(ctx, nil)
	if k, _ := classify(err); k != FaultJunk {
		t.Errorf("junk answer classified %v: %v", k, err)
	}
	// Refused connections: down, within the retries.
	start = time.Now()
	_, err = c.Firehose.ListDeliveryStreams(ctx, nil)
	if k, _ := classify(err); k != FaultUnreachable || time.Since(start) > quick.Call {
		t.Errorf("refused: %v (%v) after %s", k, err, time.Since(start))
	}
	ev = strings.Join(c.Health.TakeEvents(), "\n")
	for _, want := range []string{"dynamodb endpoint", "with something that is not an AWS response", "firehose endpoint", "is down"} {
		if !strings.Contains(ev, want) {
			t.Errorf("events lack %q:\n%s", want, ev)
		}
	}
	lines := strings.Join(SummarizeFaults(c.Health.faultsSince(0), start.Add(-time.Minute)), "\n")
	for _, want := range []string{"kinesis endpoint " + silent + ": stopped answering", "dynamodb endpoint", "firehose endpoint"} {
		if !strings.Contains(lines, want) {
			t.Errorf("summary lacks %q:\n%s", want, lines)
		}
	}
	if strings.Contains(lines+ev, "pw-secret") {
		t.Error("user info printed")
	}
}

// A caller that gives up (a cancelled context) says nothing about the
// endpoint; a writer is admitted to a down endpoint once per Stall.
func TestHealthCancelAndAdmit(t *testing.T) {
	c := clientsFor(Endpoints{SvcKinesis: silentServer(t)}, quick)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	_, err := c.Kinesis.ListStreams(ctx, &kinesis.ListStreamsInput{})
	if err == nil || c.Health.Down(SvcKinesis) || len(c.Health.faultsSince(0)) != 0 {
		t.Errorf("a cancelled call: err %v, down %v, faults %v", err, c.Health.Down(SvcKinesis), c.Health.faultsSince(0))
	}
	_, _ = c.Kinesis.ListStreams(context.Background(), &kinesis.ListStreamsInput{})
	if ok, probe := c.Health.admit(SvcKinesis, false); ok || probe {
		t.Error("a down endpoint admits a flush at the end")
	}
	if ok, probe := c.Health.admit(SvcKinesis, true); !ok || !probe {
		t.Error("a down endpoint should admit one probe")
	}
	if ok, _ := c.Health.admit(SvcKinesis, true); ok {
		t.Error("a second probe within Stall")
	}
	time.Sleep(quick.Stall)
	if ok, _ := c.Health.admit(SvcKinesis, true); !ok {
		t.Error("no probe after Stall")
	}
}
