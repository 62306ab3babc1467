package cmd

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	kintypes "github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/streamsim/streamsim/backends/aws/standin"
	simbackend "github.com/streamsim/streamsim/backends/sim"
	"github.com/streamsim/streamsim/pipeline"
)

// TestImportEndToEnd is `streamsim import` against real local servers, with
// the endpoints given as the AWS CLI takes them (AWS_ENDPOINT_URL_<SERVICE>):
// kinesis-local holds two streams (3 shards, one of them split so the ranges
// are uneven, with an enhanced fan-out consumer; and 5 shards), records
// written with skewed keys that kinesis-local itself routes to shards,
// dynalite a table, gofakes3 a bucket; CloudWatch, Firehose, Lambda and
// OpenSearch are streamsim's stand-ins, answered in their real protocols
// through the SDK. The imported file validates and runs, its simulated
// per-shard load matches the shard-level metrics within 5%, and tripling the
// rate makes the hot shard throttle.
func TestImportEndToEnd(t *testing.T) {
	kinURL, ddbURL := os.Getenv("STREAMSIM_TEST_KINESIS_ENDPOINT"), os.Getenv("STREAMSIM_TEST_DYNAMODB_ENDPOINT")
	if kinURL == "" || ddbURL == "" {
		t.Skip("STREAMSIM_TEST_KINESIS_ENDPOINT and STREAMSIM_TEST_DYNAMODB_ENDPOINT are not set: start the local emulators (bash .ci/run does)")
	}
	isolatedAWSEnv(t)
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	s3srv := httptest.NewServer(gofakes3.New(s3mem.New()).Server())
	defer s3srv.Close()
	cw, fh, lam, dom := &standin.CloudWatch{Throttle: 1}, &standin.Firehose{}, &standin.Lambda{}, &standin.OpenSearch{}
	servers := map[string]string{"KINESIS": kinURL, "DYNAMODB": ddbURL, "S3": s3srv.URL}
	for svc, srv := range map[string]*httptest.Server{"CLOUDWATCH": httptest.NewServer(cw), "FIREHOSE": httptest.NewServer(fh),
		"LAMBDA": httptest.NewServer(lam), "OPENSEARCH": httptest.NewServer(dom)} {
		defer srv.Close()
		servers[svc] = srv.URL
	}
	for svc, url := range servers {
		t.Setenv("AWS_ENDPOINT_URL_"+svc, url)
	}

	cfg := aws.Config{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")}
	kin := kinesis.NewFromConfig(cfg, func(o *kinesis.Options) { o.BaseEndpoint = aws.String(kinURL) })
	ddb := dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) { o.BaseEndpoint = aws.String(ddbURL) })
	s3c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.BaseEndpoint = aws.String(s3srv.URL); o.UsePathStyle = true })
	prefix := fmt.Sprintf("e2e%d", time.Now().UnixNano()%1_000_000_000)
	orders, clicks := prefix+"-orders", prefix+"-clicks"

	ordersARN := createStream(t, ctx, kin, orders, 3)
	splitShardAtZero(t, ctx, kin, orders)
	must(t, func() error {
		_, err := kin.EnableEnhancedMonitoring(ctx, &kinesis.EnableEnhancedMonitoringInput{StreamName: aws.String(orders),
			ShardLevelMetrics: []kintypes.MetricsName{kintypes.MetricsNameIncomingRecords, kintypes.MetricsNameIncomingBytes}})
		return err
	})
	must(t, func() error {
		_, err := kin.RegisterStreamConsumer(ctx, &kinesis.RegisterStreamConsumerInput{StreamARN: aws.String(ordersARN), ConsumerName: aws.String("fraud-kcl")})
		return err
	})
	clicksARN := createStream(t, ctx, kin, clicks, 5)
	table := prefix + "-orders-by-user"
	must(t, func() error {
		_, err := ddb.CreateTable(ctx, &dynamodb.CreateTableInput{TableName: aws.String(table), BillingMode: ddbtypes.BillingModePayPerRequest,
			AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
			KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: ddbtypes.KeyTypeHash}}})
		return err
	})
	defer func() {
		_, _ = ddb.DeleteTable(context.Background(), &dynamodb.DeleteTableInput{TableName: aws.String(table)})
	}()
	bucket := prefix + "-lake"
	must(t, func() error {
		_, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)})
		return err
	})
	lam.Mappings = []standin.Mapping{{UUID: "esm-1", FunctionARN: "arn:aws:lambda:us-east-1:000000000000:function:enrich-orders",
		EventSourceARN: ordersARN, State: "Enabled", BatchSize: 500, WindowS: 1, Parallelization: 2, Retries: -1}}
	fh.Streams = []standin.FirehoseStream{
		{Name: prefix + "-orders-to-lake", ARN: "arn:aws:firehose:us-east-1:000000000000:deliverystream/" + prefix + "-orders-to-lake",
			SourceStreamARN: ordersARN, BucketARN: "arn:aws:s3:::" + bucket, SizeMiB: 128, IntervalS: 300},
		{Name: prefix + "-clicks-to-search", ARN: "arn:aws:firehose:us-east-1:000000000000:deliverystream/" + prefix + "-clicks-to-search",
			SourceStreamARN: clicksARN, DomainARN: "arn:aws:es:us-east-1:000000000000:domain/" + prefix + "-search", SizeMiB: 5, IntervalS: 60},
	}
	dom.Domains = []standin.Domain{{Name: prefix + "-search", InstanceType: "m6g.large.search", Instances: 3}}

	// Records with skewed keys, routed to shards by kinesis-local: their
	// split over the open shards is what the shard-level metrics report.
	split := writeSkewed(t, ctx, kin, orders, 2000)
	t.Logf("kinesis-local routed the records to the open shards as %v", split.counts)

	// Two hours and more of per-minute metrics around now: the import reads
	// the last whole two hours. Each shard's share wanders ±10% minute by
	// minute; the stream's count is the sum of its shards', as CloudWatch's.
	now := time.Now().UTC()
	first := now.Truncate(time.Minute).Add(-130 * time.Minute)
	var shardAt [][]float64 // per minute, per shard
	var total float64
	for _, c := range split.counts {
		total += c
	}
	for m := range 140 {
		at := first.Add(time.Duration(m) * time.Minute)
		perMin := 60 * (1200 + 400*math.Sin(2*math.Pi*float64(m)/90))
		row := make([]float64, len(split.ids))
		var sum float64
		for s, id := range split.ids {
			wobble := 1 + 0.1*math.Sin(float64(m*(s+3))/7)
			row[s] = math.Round(perMin * split.counts[s] / total * wobble)
			sum += row[s]
			cw.Put("AWS/Kinesis", "IncomingRecords", []standin.Dim{{Name: "StreamName", Value: orders}, {Name: "ShardId", Value: id}}, at, row[s])
		}
		shardAt = append(shardAt, row)
		sd := []standin.Dim{{Name: "StreamName", Value: orders}}
		cw.Put("AWS/Kinesis", "IncomingRecords", sd, at, sum)
		cw.Put("AWS/Kinesis", "IncomingBytes", sd, at, sum*640)
		cw.Put("AWS/Kinesis", "GetRecords.Records", sd, at, 2*sum) // Lambda and Firehose
		cd := []standin.Dim{{Name: "StreamName", Value: clicks}}
		cw.Put("AWS/Kinesis", "IncomingRecords", cd, at, 30000)
		cw.Put("AWS/Kinesis", "IncomingBytes", cd, at, 30000*2048)
		cw.Put("AWS/Kinesis", "GetRecords.Records", cd, at, 30000)
		fd := []standin.Dim{{Name: "FunctionName", Value: "enrich-orders"}}
		cw.Put("AWS/Lambda", "Invocations", fd, at, sum/500)
		cw.Put("AWS/Lambda", "Duration", fd, at, sum/500*450)
	}

	dir := t.TempDir()
	file := filepath.Join(dir, "shop.yaml")
	var out, errb bytes.Buffer
	code := ExecuteArgs([]string{"import", "--stream", orders + "," + clicks, "--stream", prefix + "-gone", "--table", table,
		"--since", "2h", "--name", "shop", "-o", file}, &out, &errb)
	t.Logf("import said:\n%s", errb.String())
	if code != 0 {
		t.Fatalf("import: exit %d\n%s%s", code, out.String(), errb.String())
	}
	if strings.Contains(out.String()+errb.String(), "test-secret-never-printed") {
		t.Error("a secret was printed")
	}
	for _, want := range []string{prefix + "-gone: does not exist", "4 open shards (uneven hash ranges)", "fraud-kcl", "shard-level metrics are off",
		"Lambda consumer enrich-orders", "DynamoDB table " + table + ": on-demand", "wrote " + file} {
		if !strings.Contains(errb.String(), want) {
			t.Errorf("import's summary lacks %q", want)
		}
	}
	if cw.Calls() < 2 {
		t.Errorf("%d GetMetricData calls: the first was throttled and must have been retried", cw.Calls())
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s", data)

	wantCode(t, []string{"validate", file}, 0)
	stdout, _ := wantCode(t, []string{"run", file, "--json", "-"}, 0)
	var report struct {
		Metrics map[string]*float64 `json:"metrics"`
	}
	if err := json.Unmarshal([]byte(stdout), &report); err != nil {
		t.Fatal(err)
	}
	ordersID := strings.ToLower(orders)
	if v := report.Metrics[ordersID+".throttled_records"]; v == nil || *v != 0 {
		t.Errorf("the recorded load throttles: %v", v)
	}

	// The window the import read, from its header.
	m := regexp.MustCompile(`CloudWatch's from (\S+) to (\S+), per 1m`).FindSubmatch(data)
	if m == nil {
		t.Fatal("no window in the header")
	}
	start, _ := time.Parse(time.RFC3339, string(m[1]))
	end, _ := time.Parse(time.RFC3339, string(m[2]))
	want := make([]float64, len(split.ids))
	for i, row := range shardAt {
		if at := first.Add(time.Duration(i) * time.Minute); !at.Before(start) && at.Before(end) {
			for s, v := range row {
				want[s] += v
			}
		}
	}
	sc, err := pipeline.LoadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	got := simulatedShardRecords(t, sc, ordersID)
	for s := range want {
		dev := (got[s] - want[s]) / want[s]
		t.Logf("shard %s: CloudWatch %.0f records over the window, simulated %.0f (%+.3f%%)", split.ids[s], want[s], got[s], 100*dev)
		if math.Abs(dev) > 0.05 {
			t.Errorf("shard %s: simulated %.0f records, CloudWatch %.0f: %+.2f%%, more than 5%%", split.ids[s], got[s], want[s], 100*dev)
		}
	}

	// Black Friday: three times the rate makes the busiest shard throttle.
	p := sc.Node(ordersID + "-writers")
	tripled := fmt.Sprintf("%s.rate=%s", p.ID, pipeline.Rate{PerSec: 3 * p.Rate("rate").PerSec})
	stdout, _ = wantCode(t, []string{"run", file, "--set", tripled, "--json", "-"}, 0)
	if err := json.Unmarshal([]byte(stdout), &report); err != nil {
		t.Fatal(err)
	}
	if v := report.Metrics[ordersID+".throttled_records"]; v == nil || *v == 0 {
		t.Errorf("three times the recorded load does not throttle %s", ordersID)
	}
}

func must(t *testing.T, f func() error) {
	t.Helper()
	if err := f(); err != nil {
		t.Fatal(err)
	}
}

func createStream(t *testing.T, ctx context.Context, kin *kinesis.Client, name string, shards int) string {
	t.Helper()
	must(t, func() error {
		_, err := kin.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String(name), ShardCount: aws.Int32(int32(shards))})
		return err
	})
	t.Cleanup(func() {
		_, _ = kin.DeleteStream(context.Background(), &kinesis.DeleteStreamInput{StreamName: aws.String(name), EnforceConsumerDeletion: aws.Bool(true)})
	})
	return waitActive(t, ctx, kin, name)
}

func waitActive(t *testing.T, ctx context.Context, kin *kinesis.Client, name string) string {
	t.Helper()
	for {
		out, err := kin.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String(name)})
		if err == nil && out.StreamDescriptionSummary.StreamStatus == kintypes.StreamStatusActive {
			return aws.ToString(out.StreamDescriptionSummary.StreamARN)
		}
		if ctx.Err() != nil {
			t.Fatalf("%s never became active: %v", name, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func splitShardAtZero(t *testing.T, ctx context.Context, kin *kinesis.Client, name string) {
	t.Helper()
	ls, err := kin.ListShards(ctx, &kinesis.ListShardsInput{StreamName: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range ls.Shards {
		if aws.ToString(s.HashKeyRange.StartingHashKey) != "0" {
			continue
		}
		end, _ := pipeline.ParseHashKey(aws.ToString(s.HashKeyRange.EndingHashKey))
		mid := end.Big()
		mid.Rsh(mid, 1)
		must(t, func() error {
			_, err := kin.SplitShard(ctx, &kinesis.SplitShardInput{StreamName: aws.String(name), ShardToSplit: s.ShardId, NewStartingHashKey: aws.String(mid.String())})
			return err
		})
		time.Sleep(200 * time.Millisecond)
		waitActive(t, ctx, kin, name)
		return
	}
	t.Fatal("no shard starts at 0")
}

// shardSplit is the open shards in hash-key order and the records each got.
type shardSplit struct {
	ids    []string
	counts []float64
}

// writeSkewed writes n records whose keys follow a Zipf law over 200 keys,
// then counts what each open shard holds.
func writeSkewed(t *testing.T, ctx context.Context, kin *kinesis.Client, stream string, n int) shardSplit {
	t.Helper()
	weights := make([]float64, 200)
	var sum float64
	for i := range weights {
		weights[i] = 1 / math.Pow(float64(i+1), 1.1)
		sum += weights[i]
	}
	var batch []kintypes.PutRecordsRequestEntry
	written := 0
	for k, w := range weights {
		for range int(math.Round(float64(n) * w / sum)) {
			batch = append(batch, kintypes.PutRecordsRequestEntry{Data: []byte(`{"order":1}`), PartitionKey: aws.String(fmt.Sprintf("customer-%d", k))})
		}
	}
	for len(batch) > 0 {
		chunk := batch[:min(500, len(batch))]
		batch = batch[len(chunk):]
		out, err := kin.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: aws.String(stream), Records: chunk})
		if err != nil || aws.ToInt32(out.FailedRecordCount) > 0 {
			t.Fatalf("PutRecords: %v", err)
		}
		written += len(chunk)
	}
	ls, err := kin.ListShards(ctx, &kinesis.ListShardsInput{StreamName: aws.String(stream), ShardFilter: &kintypes.ShardFilter{Type: kintypes.ShardFilterTypeAtLatest}})
	if err != nil {
		t.Fatal(err)
	}
	shards := ls.Shards
	slices.SortFunc(shards, func(a, b kintypes.Shard) int {
		x, _ := pipeline.ParseHashKey(aws.ToString(a.HashKeyRange.StartingHashKey))
		y, _ := pipeline.ParseHashKey(aws.ToString(b.HashKeyRange.StartingHashKey))
		if x.Less(y) {
			return -1
		}
		return 1
	})
	var sp shardSplit
	read := 0
	for _, s := range shards {
		it, err := kin.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: aws.String(stream), ShardId: s.ShardId,
			ShardIteratorType: kintypes.ShardIteratorTypeTrimHorizon})
		if err != nil {
			t.Fatal(err)
		}
		count, iter := 0, it.ShardIterator
		for iter != nil {
			out, err := kin.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: iter})
			if err != nil {
				t.Fatal(err)
			}
			count += len(out.Records)
			if len(out.Records) == 0 && aws.ToInt64(out.MillisBehindLatest) == 0 {
				break
			}
			iter = out.NextShardIterator
		}
		sp.ids = append(sp.ids, aws.ToString(s.ShardId))
		sp.counts = append(sp.counts, float64(count))
		read += count
	}
	if read != written {
		t.Fatalf("wrote %d records, read back %d", written, read)
	}
	return sp
}

// simulatedShardRecords runs the scenario and sums each shard's offered
// records (its utilisation × 1,000 records/s; the records are small enough
// to be limited by count) over the run.
func simulatedShardRecords(t *testing.T, sc *pipeline.Scenario, stream string) []float64 {
	t.Helper()
	e, err := simbackend.NewRunner(sc, simbackend.RunnerOptions{NoAdvice: true})
	if err != nil {
		t.Fatal(err)
	}
	var got []float64
	for !e.Done() {
		e.Step()
		snap := e.Snapshot()
		u := snap.Node(stream).Units
		if got == nil {
			got = make([]float64, len(u))
		}
		for i, x := range u {
			got[i] += x * pipeline.KDSShardWriteRecs * sc.Tick.Seconds()
		}
	}
	return got
}

// TestImportRefusals: what import needs before it calls anything.
func TestImportRefusals(t *testing.T) {
	isolatedAWSEnv(t)
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	stdout, _ := wantCode(t, []string{"import", "--print-policy"}, 0)
	var policy struct {
		Statement []struct {
			Effect string
			Action []string
		}
	}
	if err := json.Unmarshal([]byte(stdout), &policy); err != nil || len(policy.Statement) != 1 {
		t.Fatalf("the policy is not JSON: %v\n%s", err, stdout)
	}
	for _, a := range policy.Statement[0].Action {
		verb := strings.SplitN(a, ":", 2)[1]
		if !strings.HasPrefix(verb, "Describe") && !strings.HasPrefix(verb, "List") && !strings.HasPrefix(verb, "Get") {
			t.Errorf("%s is not a read", a)
		}
	}
	file := filepath.Join(t.TempDir(), "x.yaml")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"import", "-o", file}, "--stream NAME"},
		{[]string{"import", "--stream", "orders"}, "-o FILE.yaml"},
		{[]string{"import", "--stream", "orders", "-o", file, "--since", "7"}, "--since"},
		{[]string{"import", "--stream", "orders", "-o", file, "--since", "500d"}, "455 days"},
	} {
		_, stderr := wantCode(t, tc.args, 2)
		if !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: %q lacks %q", tc.args, stderr, tc.want)
		}
	}
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	_, stderr := wantCode(t, []string{"import", "--stream", "orders", "-o", file}, 2)
	if !strings.Contains(stderr, "no AWS credentials") {
		t.Errorf("without credentials: %s", stderr)
	}
	t.Setenv("AWS_PROFILE", "no-such-profile")
	_, stderr = wantCode(t, []string{"import", "--stream", "orders", "-o", file}, 2)
	if !strings.Contains(stderr, "no-such-profile") {
		t.Errorf("a profile that does not exist: %s", stderr)
	}
	if _, err := os.Stat(file); err == nil {
		t.Error("a file was written")
	}
}
