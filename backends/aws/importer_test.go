package aws

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/firehose"
	"github.com/aws/aws-sdk-go-v2/service/kafka"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	kintypes "github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/opensearch"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/streamsim/streamsim/backends/aws/standin"
	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/sim"
)

// The importer's tests run against kinesis-local (streams, shards, splits,
// enhanced fan-out consumers, enhanced monitoring), dynalite (tables),
// gofakes3 (buckets), and streamsim's own stand-ins for the APIs no local
// server offers, in their real protocols: CloudWatch (rpcv2Cbor), Firehose
// (AWS JSON 1.1), Lambda, OpenSearch and MSK (REST-JSON).

type importFixture struct {
	c                     *ImportClients
	kin                   *kinesis.Client
	ddb                   *dynamodb.Client
	s3                    *s3.Client
	cw                    *standin.CloudWatch
	fh                    *standin.Firehose
	lam                   *standin.Lambda
	dom                   *standin.OpenSearch
	msk                   *standin.MSK
	prefix                string
	now                   time.Time
	kinURL, ddbURL, s3URL string
	urls                  map[string]string // stand-ins by service
}

func newImportFixture(t *testing.T) *importFixture {
	t.Helper()
	f := &importFixture{kinURL: needEnv(t, envKinesis), ddbURL: needEnv(t, envDynamoDB), s3URL: startS3(t),
		cw: &standin.CloudWatch{}, fh: &standin.Firehose{}, lam: &standin.Lambda{}, dom: &standin.OpenSearch{}, msk: &standin.MSK{},
		prefix: fmt.Sprintf("imp%d", time.Now().UnixNano()%1_000_000_000), now: time.Date(2025, 11, 28, 12, 0, 30, 0, time.UTC),
		urls: map[string]string{}}
	for _, s := range []struct {
		name string
		srv  *httptest.Server
	}{
		{"cloudwatch", httptest.NewServer(f.cw)}, {"firehose", httptest.NewServer(f.fh)}, {"lambda", httptest.NewServer(f.lam)},
		{"opensearch", httptest.NewServer(f.dom)}, {"kafka", httptest.NewServer(f.msk)},
	} {
		t.Cleanup(s.srv.Close)
		f.urls[s.name] = s.srv.URL
	}
	cfg := testConfig()
	cfg.Retryer = func() aws.Retryer {
		return retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts, o.MaxBackoff, o.RateLimiter = 6, 20*time.Millisecond, ratelimit.None
		})
	}
	f.kin = kinesis.NewFromConfig(cfg, func(o *kinesis.Options) { o.BaseEndpoint = aws.String(f.kinURL) })
	f.ddb = dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) { o.BaseEndpoint = aws.String(f.ddbURL) })
	f.s3 = s3.NewFromConfig(cfg, func(o *s3.Options) { o.BaseEndpoint = aws.String(f.s3URL); o.UsePathStyle = true })
	f.c = &ImportClients{
		Kinesis:    f.kin,
		DynamoDB:   f.ddb,
		S3:         f.s3,
		CloudWatch: cloudwatch.NewFromConfig(cfg, func(o *cloudwatch.Options) { o.BaseEndpoint = aws.String(f.urls["cloudwatch"]) }),
		Firehose:   firehose.NewFromConfig(cfg, func(o *firehose.Options) { o.BaseEndpoint = aws.String(f.urls["firehose"]) }),
		Lambda:     lambda.NewFromConfig(cfg, func(o *lambda.Options) { o.BaseEndpoint = aws.String(f.urls["lambda"]) }),
		OpenSearch: opensearch.NewFromConfig(cfg, func(o *opensearch.Options) { o.BaseEndpoint = aws.String(f.urls["opensearch"]) }),
		MSK:        kafka.NewFromConfig(cfg, func(o *kafka.Options) { o.BaseEndpoint = aws.String(f.urls["kafka"]) }),
		Region:     "us-east-1",
	}
	return f
}

// stream creates a stream of n shards and waits until it is active.
func (f *importFixture) stream(t *testing.T, ctx context.Context, name string, n int) string {
	t.Helper()
	if _, err := f.kin.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String(name), ShardCount: aws.Int32(int32(n))}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = f.kin.DeleteStream(context.Background(), &kinesis.DeleteStreamInput{StreamName: aws.String(name), EnforceConsumerDeletion: aws.Bool(true)})
	})
	return f.active(t, ctx, name)
}

// active waits until the stream is ACTIVE and returns its ARN.
func (f *importFixture) active(t *testing.T, ctx context.Context, name string) string {
	t.Helper()
	for {
		out, err := f.kin.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String(name)})
		if err == nil && out.StreamDescriptionSummary.StreamStatus == kintypes.StreamStatusActive {
			return aws.ToString(out.StreamDescriptionSummary.StreamARN)
		}
		if ctx.Err() != nil {
			t.Fatalf("stream %s never became active: %v", name, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// splitFirst splits the shard that starts at 0 in the middle of its range.
func (f *importFixture) splitFirst(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	ls, err := f.kin.ListShards(ctx, &kinesis.ListShardsInput{StreamName: aws.String(name)})
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
		if _, err := f.kin.SplitShard(ctx, &kinesis.SplitShardInput{StreamName: aws.String(name), ShardToSplit: s.ShardId,
			NewStartingHashKey: aws.String(mid.String())}); err != nil {
			t.Fatal(err)
		}
		time.Sleep(200 * time.Millisecond)
		f.active(t, ctx, name)
		return
	}
	t.Fatal("no shard starts at 0")
}

// openShardIDs lists the open shards in hash-key order.
func (f *importFixture) openShardIDs(t *testing.T, ctx context.Context, name string) []string {
	t.Helper()
	im := &importer{c: f.c}
	shards, err := im.openShards(ctx, "", name)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, s := range shards {
		ids = append(ids, s.id)
	}
	return ids
}

// load puts a stream's recorded load into CloudWatch: perMinute(i) records
// in minute i of the window, split over the shards by shares (shard-level
// metrics when shards are given), size bytes each, read by readers polling
// readers.
func (f *importFixture) load(stream string, shards []string, shares []float64, minutes int, perMinute func(int) float64, size, readers float64) []float64 {
	start := f.now.Truncate(time.Minute).Add(-time.Duration(minutes) * time.Minute)
	perShard := make([]float64, len(shards))
	sd := []standin.Dim{{Name: "StreamName", Value: stream}}
	for i := range minutes {
		at := start.Add(time.Duration(i) * time.Minute)
		total := math.Round(perMinute(i))
		if len(shards) > 0 {
			total = 0
			for s, id := range shards {
				n := math.Round(perMinute(i) * shares[s])
				perShard[s] += n
				total += n
				f.cw.Put("AWS/Kinesis", "IncomingRecords", append(sd, standin.Dim{Name: "ShardId", Value: id}), at, n)
			}
		}
		f.cw.Put("AWS/Kinesis", "IncomingRecords", sd, at, total)
		f.cw.Put("AWS/Kinesis", "IncomingBytes", sd, at, total*size)
		f.cw.Put("AWS/Kinesis", "GetRecords.Records", sd, at, total*readers)
	}
	return perShard
}

func TestImportStreamsConsumersDestinations(t *testing.T) {
	f := newImportFixture(t)
	ctx := testContext(t, 2*time.Minute)
	orders, clicks := f.prefix+"-orders", f.prefix+"-clicks"
	ordersARN := f.stream(t, ctx, orders, 3)
	f.splitFirst(t, ctx, orders)
	if _, err := f.kin.EnableEnhancedMonitoring(ctx, &kinesis.EnableEnhancedMonitoringInput{StreamName: aws.String(orders),
		ShardLevelMetrics: []kintypes.MetricsName{kintypes.MetricsNameIncomingRecords, kintypes.MetricsNameIncomingBytes}}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.kin.RegisterStreamConsumer(ctx, &kinesis.RegisterStreamConsumerInput{StreamARN: aws.String(ordersARN),
		ConsumerName: aws.String("fraud-kcl")}); err != nil {
		t.Fatal(err)
	}
	clicksARN := f.stream(t, ctx, clicks, 5)
	table := f.prefix + "-orders-by-user"
	if _, err := f.ddb.CreateTable(ctx, &dynamodb.CreateTableInput{TableName: aws.String(table), BillingMode: ddbtypes.BillingModeProvisioned,
		ProvisionedThroughput: &ddbtypes.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(5), WriteCapacityUnits: aws.Int64(500)},
		AttributeDefinitions:  []ddbtypes.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
		KeySchema:             []ddbtypes.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: ddbtypes.KeyTypeHash}},
	}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = f.ddb.DeleteTable(context.Background(), &dynamodb.DeleteTableInput{TableName: aws.String(table)})
	})
	bucket := f.prefix + "-lake"
	if _, err := f.s3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}
	f.lam.Mappings = []standin.Mapping{{UUID: "u-1", FunctionARN: "arn:aws:lambda:us-east-1:000000000000:function:enrich-orders",
		EventSourceARN: ordersARN, State: "Enabled", BatchSize: 250, WindowS: 2, Parallelization: 4, Bisect: true, Retries: 5}}
	f.fh.Streams = []standin.FirehoseStream{
		{Name: f.prefix + "-orders-to-lake", ARN: "arn:aws:firehose:us-east-1:000000000000:deliverystream/x", SourceStreamARN: ordersARN,
			BucketARN: "arn:aws:s3:::" + bucket, SizeMiB: 64, IntervalS: 120, Parquet: true},
		{Name: f.prefix + "-clicks-to-search", ARN: "arn:aws:firehose:us-east-1:000000000000:deliverystream/y", SourceStreamARN: clicksARN,
			DomainARN: "arn:aws:es:us-east-1:000000000000:domain/clicks-search", SizeMiB: 5, IntervalS: 60},
	}
	f.dom.Domains = []standin.Domain{{Name: "clicks-search", InstanceType: "r6g.xlarge.search", Instances: 4}}
	shares := []float64{0.12, 0.18, 0.42, 0.28}
	ids := f.openShardIDs(t, ctx, orders)
	if len(ids) != 4 {
		t.Fatalf("%d open shards after the split", len(ids))
	}
	const minutes = 120
	wave := func(i int) float64 { return 60 * (1500 + 500*math.Sin(2*math.Pi*float64(i)/60)) }
	perShard := f.load(orders, ids, shares, minutes, wave, 700, 3) // Lambda, Firehose and one reader no API names
	f.load(clicks, nil, nil, minutes, func(int) float64 { return 48000 }, 300, 1)
	fn := []standin.Dim{{Name: "FunctionName", Value: "enrich-orders"}}
	start := f.now.Truncate(time.Minute).Add(-minutes * time.Minute)
	for i := range minutes {
		at := start.Add(time.Duration(i) * time.Minute)
		f.cw.Put("AWS/Lambda", "Invocations", fn, at, 400)
		f.cw.Put("AWS/Lambda", "Duration", fn, at, 400*120) // 120 ms per invocation
	}
	f.cw.Throttle = 2 // the first calls are throttled: the SDK retries with backoff

	res, err := Import(ctx, f.c, ImportOptions{Streams: []string{orders, clicksARN, f.prefix + "-missing"}, Tables: []string{table},
		Since: minutes * time.Minute, Now: f.now})
	if err != nil {
		t.Fatal(err)
	}
	sc := res.Scenario
	out, err := pipeline.Encode(sc, false)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("imported:\n%s\n%s", strings.Join(res.Imported, "\n"), out)
	back, err := pipeline.Load("imported.yaml", out)
	if err != nil {
		t.Fatalf("the imported scenario does not load: %v", err)
	}
	if f.cw.Calls() < 3 {
		t.Errorf("%d GetMetricData calls; two were throttled", f.cw.Calls())
	}
	missing := strings.Join(res.Missing, "\n")
	for _, w := range []string{f.prefix + "-missing: does not exist", "shard-level metrics are off",
		"enhanced fan-out consumer fraud-kcl", "1 polling reader(s) that no API names"} {
		if !strings.Contains(missing, w) {
			t.Errorf("Missing lacks %q:\n%s", w, missing)
		}
	}

	st := back.Node(strings.ToLower(orders))
	if st == nil || st.Int("shards") != 4 || st.Params["hash_ranges"].List.Len() != 4 {
		t.Fatalf("orders: %+v", st)
	}
	if c := back.Node(strings.ToLower(clicks)); c == nil || c.Int("shards") != 5 || c.Has("hash_ranges") {
		t.Errorf("clicks: %+v", c)
	}
	fnNode := back.Node("enrich-orders")
	if fnNode == nil || fnNode.Int("batch_size") != 250 || fnNode.Dur("batch_window") != 2*time.Second ||
		fnNode.Int("parallelization") != 4 || !fnNode.Bool("bisect") || fnNode.Int("retries") != 5 {
		t.Fatalf("Lambda consumer: %+v", fnNode)
	}
	// 400 invocations of 120 ms per minute for the minute's records.
	var total float64
	for i := range minutes {
		total += math.Round(wave(i)*shares[0]) + math.Round(wave(i)*shares[1]) + math.Round(wave(i)*shares[2]) + math.Round(wave(i)*shares[3])
	}
	wantDur := 400 * 120 * minutes / total
	if got := fnNode.Dur("duration").Seconds() * 1000; math.Abs(got-wantDur) > 0.01 {
		t.Errorf("Lambda time per record %.4f ms, want %.4f", got, wantDur)
	}
	if !slicesContain(fnNode.To, strings.ToLower(table)) {
		t.Errorf("the table is not connected to the only Lambda consumer: to %v", fnNode.To)
	}
	tb := back.Node(strings.ToLower(table))
	if tb == nil || tb.Str("mode") != "provisioned" || tb.Int("wcu") != 500 {
		t.Errorf("table: %+v", tb)
	}
	fh := back.Node(strings.ToLower(f.prefix + "-orders-to-lake"))
	if fh == nil || fh.Num("buffer.size") != 64*pipeline.MiB || fh.Dur("buffer.interval") != 2*time.Minute || fh.Str("format") != "parquet" ||
		len(fh.To) != 1 || back.Node(fh.To[0]).Service.Name != pipeline.S3 {
		t.Errorf("Firehose to S3: %+v", fh)
	}
	os := back.Node("clicks-search")
	if os == nil || os.Int("instances") != 4 || os.Str("instance_type") != "r6g.xlarge.search" {
		t.Errorf("OpenSearch: %+v", os)
	}
	if app := back.Node("fraud-kcl"); app == nil || app.Str("read") != "enhanced-fan-out" || app.From != st.ID {
		t.Errorf("EFO application: %+v", app)
	}
	p := back.Node(strings.ToLower(orders) + "-writers")
	if p == nil || p.Str("keys.dist") != "per-shard" || p.Num("record_size.mean") != 700 || p.Params["pattern.series"].List.Len() != minutes {
		t.Fatalf("producer: %+v", p)
	}
	for _, n := range back.Nodes {
		if n.Comment == "" {
			t.Errorf("%s has no comment saying what it is", n.ID)
		}
		for _, key := range n.SortedParamKeys() {
			head, _, _ := strings.Cut(key, ".")
			if n.Notes[key] == "" && n.Notes[head] == "" {
				t.Errorf("%s.%s has no comment saying where it came from", n.ID, key)
			}
		}
	}
	for _, want := range []string{"# ListShards HashKeyRange", "# ListEventSourceMappings BatchSize", "# the mean of CloudWatch AWS/Kinesis IncomingRecords",
		"# DescribeTable ProvisionedThroughput.WriteCapacityUnits", "# DescribeDomain ClusterConfig.InstanceCount"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the file lacks the comment %q", want)
		}
	}
	checkShardLoad(t, back, st.ID, perShard)
}

func slicesContain(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// TestImportFaults: a refused call leaves its part out and says so; a
// stream that does not exist is said; nothing found is an error.
func TestImportFaults(t *testing.T) {
	f := newImportFixture(t)
	ctx := testContext(t, time.Minute)
	name := f.prefix + "-faults"
	arn := f.stream(t, ctx, name, 2)
	f.lam.Deny("ListEventSourceMappings")
	f.fh.Deny("ListDeliveryStreams")
	f.cw.Deny = true
	f.lam.Mappings = []standin.Mapping{{UUID: "u", FunctionARN: "arn:aws:lambda:us-east-1:000000000000:function:f", EventSourceARN: arn, State: "Enabled", BatchSize: 10}}
	res, err := Import(ctx, f.c, ImportOptions{Streams: []string{name}, Since: time.Hour, Now: f.now})
	if err != nil {
		t.Fatal(err)
	}
	missing := strings.Join(res.Missing, "\n")
	for _, w := range []string{"access denied to lambda:ListEventSourceMappings", "access denied to firehose:ListDeliveryStreams",
		"access denied to cloudwatch:GetMetricData"} {
		if !strings.Contains(missing, w) {
			t.Errorf("Missing lacks %q:\n%s", w, missing)
		}
	}
	if res.Scenario.Node("f") != nil {
		t.Error("a Lambda consumer imported through a refused call")
	}
	p := res.Scenario.Node(strings.ToLower(name) + "-writers")
	if p == nil || !strings.Contains(p.Notes["rate"], "PLACEHOLDER") {
		t.Errorf("the producer's rate does not say it is a placeholder: %+v", p)
	}
	if !strings.Contains(res.Scenario.Description, "access denied to lambda:ListEventSourceMappings") {
		t.Errorf("the description does not list what is missing:\n%s", res.Scenario.Description)
	}
	_, err = Import(ctx, f.c, ImportOptions{Streams: []string{f.prefix + "-nope"}, Since: time.Hour, Now: f.now})
	if !errors.Is(err, ErrNothingImported) || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("a stream that does not exist: %v", err)
	}
}

// TestImportMSK reads a cluster's brokers and topics, and its load summed
// over brokers.
func TestImportMSK(t *testing.T) {
	f := newImportFixture(t)
	ctx := testContext(t, time.Minute)
	arn := "arn:aws:kafka:us-east-1:000000000000:cluster/payments/6f1b2c3d-1"
	f.msk.Clusters = []standin.Cluster{{ARN: arn, Name: "payments", InstanceType: "kafka.m5.large", Brokers: 3, VolumeGiB: 500,
		Topics: []standin.Topic{{Name: "payments", Partitions: 12, Replication: 3}, {Name: "refunds", Partitions: 6, Replication: 3},
			{Name: "__consumer_offsets", Partitions: 50, Replication: 3}}}}
	f.lam.Mappings = []standin.Mapping{{UUID: "u", FunctionARN: "arn:aws:lambda:us-east-1:000000000000:function:settle", EventSourceARN: arn, State: "Enabled", BatchSize: 100}}
	start := f.now.Truncate(time.Minute).Add(-30 * time.Minute)
	for b := 1; b <= 3; b++ {
		dims := []standin.Dim{{Name: "Cluster Name", Value: "payments"}, {Name: "Broker ID", Value: fmt.Sprint(b)}}
		for i := range 30 {
			f.cw.Put("AWS/Kafka", "MessagesInPerSec", dims, start.Add(time.Duration(i)*time.Minute), 100*float64(b))
			f.cw.Put("AWS/Kafka", "BytesInPerSec", dims, start.Add(time.Duration(i)*time.Minute), 51200*float64(b))
		}
	}
	res, err := Import(ctx, f.c, ImportOptions{Clusters: []string{arn}, Since: 30 * time.Minute, Now: f.now})
	if err != nil {
		t.Fatal(err)
	}
	n := res.Scenario.Node("payments")
	if n == nil || n.Int("brokers") != 3 || n.Str("broker_type") != "kafka.m5.large" || n.Int("partitions") != 18 || n.Int("replication") != 3 {
		t.Fatalf("cluster: %+v", n)
	}
	p := res.Scenario.Node("payments-writers")
	if p == nil || p.Rate("rate").PerSec != 600 || p.Num("record_size.mean") != 512 {
		t.Errorf("producer: %+v", p)
	}
	if fn := res.Scenario.Node("settle"); fn == nil || fn.From != "payments" {
		t.Errorf("Lambda on the cluster: %+v", fn)
	}
}

// checkShardLoad simulates the imported scenario and compares each shard's
// simulated records (its offered utilisation × 1,000 records/s: the records
// are small enough to be limited by count) with the metrics it was built
// from: they must agree within 5%.
func checkShardLoad(t *testing.T, sc *pipeline.Scenario, stream string, metrics []float64) {
	t.Helper()
	e, err := sim.New(sc)
	if err != nil {
		t.Fatal(err)
	}
	got := make([]float64, len(metrics))
	for !e.Done() {
		e.Step()
		snap := e.Snapshot()
		for i, u := range snap.Node(stream).Units {
			got[i] += u * pipeline.KDSShardWriteRecs * sc.Tick.Seconds()
		}
	}
	for i := range metrics {
		dev := (got[i] - metrics[i]) / metrics[i]
		t.Logf("shard %d: CloudWatch %.0f records, simulated %.0f (%+.3f%%)", i, metrics[i], got[i], 100*dev)
		if math.Abs(dev) > 0.05 {
			t.Errorf("shard %d: simulated %.0f records, CloudWatch says %.0f: %+.2f%%, more than 5%%", i, got[i], metrics[i], 100*dev)
		}
	}
}

func TestImportPeriod(t *testing.T) {
	for _, c := range []struct {
		since  time.Duration
		series int
		want   time.Duration
	}{
		{2 * time.Hour, 1, time.Minute}, {7 * 24 * time.Hour, 1, time.Minute}, {15 * 24 * time.Hour, 1, time.Minute},
		{16 * 24 * time.Hour, 1, 5 * time.Minute}, {63 * 24 * time.Hour, 1, 5 * time.Minute}, {64 * 24 * time.Hour, 1, time.Hour},
		{7 * 24 * time.Hour, 30, 5 * time.Minute}, {455 * 24 * time.Hour, 1, time.Hour},
	} {
		if got := periodFor(c.since, c.series); got != c.want {
			t.Errorf("periodFor(%v, %d) = %v, want %v", c.since, c.series, got, c.want)
		}
	}
}

// TestImportHostileNames: names that reach the file and the terminal from
// whatever answers are escaped, and the file still loads.
func TestImportHostileNames(t *testing.T) {
	f := newImportFixture(t)
	ctx := testContext(t, time.Minute)
	name := f.prefix + "-hostile"
	arn := f.stream(t, ctx, name, 1)
	f.lam.Mappings = []standin.Mapping{{UUID: "u\x1b]52;c;aGk=\a", FunctionARN: "arn:aws:lambda:us-east-1:000000000000:function:f\x1b[2J\u202e",
		EventSourceARN: arn, State: "Enabled\nPASS", BatchSize: 10}}
	res, err := Import(ctx, f.c, ImportOptions{Streams: []string{name}, Since: time.Hour, Now: f.now})
	if err != nil {
		t.Fatal(err)
	}
	out, err := pipeline.Encode(res.Scenario, false)
	if err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(string(out), "\x1b\a\u202e") {
		t.Errorf("control characters in the file:\n%q", out)
	}
	if _, err := pipeline.Load("hostile.yaml", out); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, l := range append(res.Imported, res.Missing...) {
		if strings.ContainsAny(l, "\x1b\a\n\u202e") {
			t.Errorf("a line to print holds control characters: %q", l)
		}
	}
}
