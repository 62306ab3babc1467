package aws

import (
	"context"
	"io"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	kintypes "github.com/aws/aws-sdk-go-v2/service/kinesis/types"
)

// throttlingKinesis wraps a real Kinesis client (kinesis-local never
// throttles) and refuses a share of the records of each PutRecords call
// before they reach the server, answering for them as AWS does for a
// partial failure: ErrorCode ProvisionedThroughputExceededException in the
// record's slot, FailedRecordCount set, the call itself successful. The
// other records go to the real server, and their real answers are merged in.
// GetRecords calls can be refused as a whole, as AWS does for a shard read
// above 5 calls/s.
type throttlingKinesis struct {
	KinesisAPI
	share    float64 // of records refused per call
	getEvery int     // every n-th GetRecords call is refused (0 = none)

	mu      sync.Mutex
	rng     *rand.Rand
	refused int
	gets    int
}

func (k *throttlingKinesis) PutRecords(ctx context.Context, in *kinesis.PutRecordsInput, o ...func(*kinesis.Options)) (*kinesis.PutRecordsOutput, error) {
	k.mu.Lock()
	refuse := make([]bool, len(in.Records))
	var pass []kintypes.PutRecordsRequestEntry
	for i := range in.Records {
		refuse[i] = k.rng.Float64() < k.share
		if refuse[i] {
			k.refused++
		} else {
			pass = append(pass, in.Records[i])
		}
	}
	k.mu.Unlock()
	var real []kintypes.PutRecordsResultEntry
	failed := int32(0)
	if len(pass) > 0 {
		out, err := k.KinesisAPI.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: in.StreamName, Records: pass}, o...)
		if err != nil {
			return nil, err
		}
		real = out.Records
		failed = aws.ToInt32(out.FailedRecordCount)
	}
	out := &kinesis.PutRecordsOutput{}
	j := 0
	for i := range in.Records {
		if refuse[i] {
			out.Records = append(out.Records, kintypes.PutRecordsResultEntry{
				ErrorCode:    aws.String("ProvisionedThroughputExceededException"),
				ErrorMessage: aws.String("Rate exceeded for shard (injected by the test)")})
			failed++
			continue
		}
		out.Records = append(out.Records, real[j])
		j++
	}
	out.FailedRecordCount = aws.Int32(failed)
	return out, nil
}

func (k *throttlingKinesis) GetRecords(ctx context.Context, in *kinesis.GetRecordsInput, o ...func(*kinesis.Options)) (*kinesis.GetRecordsOutput, error) {
	k.mu.Lock()
	k.gets++
	refuse := k.getEvery > 0 && k.gets%k.getEvery == 0
	k.mu.Unlock()
	if refuse {
		return nil, &kintypes.ProvisionedThroughputExceededException{Message: aws.String("Rate exceeded (injected by the test)")}
	}
	return k.KinesisAPI.GetRecords(ctx, in, o...)
}

// SubscribeToShard goes to the real client, with its own event-stream
// decoder as the backend does.
func (k *throttlingKinesis) SubscribeToShard(ctx context.Context, in *kinesis.SubscribeToShardInput, o ...func(*kinesis.Options)) (*kinesis.SubscribeToShardOutput, error) {
	return ownEventStreamClient(k.KinesisAPI).SubscribeToShard(ctx, in, o...)
}

// unprocessedDynamo wraps a real DynamoDB client (dynalite enforces no
// capacity) and hands back a share of each BatchWriteItem's items as
// UnprocessedItems without sending them, as DynamoDB does under throttling.
type unprocessedDynamo struct {
	DynamoDBAPI
	share float64

	mu      sync.Mutex
	rng     *rand.Rand
	refused int
}

func (d *unprocessedDynamo) BatchWriteItem(ctx context.Context, in *dynamodb.BatchWriteItemInput, o ...func(*dynamodb.Options)) (*dynamodb.BatchWriteItemOutput, error) {
	pass := map[string][]ddbtypes.WriteRequest{}
	back := map[string][]ddbtypes.WriteRequest{}
	d.mu.Lock()
	for table, reqs := range in.RequestItems {
		for _, r := range reqs {
			if d.rng.Float64() < d.share {
				back[table] = append(back[table], r)
				d.refused++
			} else {
				pass[table] = append(pass[table], r)
			}
		}
	}
	d.mu.Unlock()
	out := &dynamodb.BatchWriteItemOutput{UnprocessedItems: back}
	if len(pass) > 0 {
		real, err := d.DynamoDBAPI.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: pass}, o...)
		if err != nil {
			return nil, err
		}
		for table, reqs := range real.UnprocessedItems {
			out.UnprocessedItems[table] = append(out.UnprocessedItems[table], reqs...)
		}
	}
	return out, nil
}

// TestThrottlingIsRetriedAndCounted: with a third of the PutRecords records
// and of the DynamoDB items refused (injected; the emulators never refuse),
// the producers retry with backoff, the refusals are counted at the stream,
// the producer and the table, and every record still arrives.
func TestThrottlingIsRetriedAndCounted(t *testing.T) {
	c := emulatorClients(t)
	tk := &throttlingKinesis{KinesisAPI: c.Kinesis, share: 0.3, getEvery: 7, rng: rand.New(rand.NewPCG(1, 2))}
	td := &unprocessedDynamo{DynamoDBAPI: c.DynamoDB, share: 0.3, rng: rand.New(rand.NewPCG(3, 4))}
	c.Kinesis, c.DynamoDB = tk, td
	sc := loadScenario(t, "e2e.yaml")
	for _, id := range []string{"web", "iot"} {
		n := sc.Node(id)
		v, _ := n.Param("retries.max")
		v.Num = 20 // enough that nothing is lost
		n.Params["retries.max"] = v
	}
	runID := "thr" + NewRunID()[:5]
	log := &syncBuffer{}
	o := fastOptions(c, runID, log)
	o.Duration = 8 * time.Second
	r, err := New(o).Start(testContext(t, 3*time.Minute), sc)
	if err != nil {
		t.Fatal(err)
	}
	run := r.(*Run)
	drainRun(t, run)
	if err := run.Err(); err != nil {
		t.Fatalf("%v\n%s", err, log)
	}
	m := run.Result().Metrics
	tk.mu.Lock()
	refused := float64(tk.refused)
	tk.mu.Unlock()
	t.Logf("refused %v puts; clicks.throttled %v, web+iot retried %v, read throttled %v, events.throttled %v; produced %v delivered %v lost %v",
		refused, m["clicks.throttled_records"], m["web.retried_records"]+m["iot.retried_records"], m["clicks.read_throttled"],
		m["events.throttled_records"], m["pipeline.produced_records"], m["pipeline.delivered_records"], m["pipeline.lost_records"])
	if refused == 0 {
		t.Fatal("nothing was refused: the decorator did not run")
	}
	// Aggregated iot records count every user record inside a refused aggregate.
	if m["clicks.throttled_records"] < refused {
		t.Errorf("clicks.throttled_records = %v, want at least the %v refused Kinesis records", m["clicks.throttled_records"], refused)
	}
	if got := m["web.throttled_records"] + m["iot.throttled_records"]; got != m["clicks.throttled_records"] {
		t.Errorf("producers count %v throttled, the stream %v", got, m["clicks.throttled_records"])
	}
	if m["web.retried_records"]+m["iot.retried_records"] == 0 {
		t.Error("no retries counted")
	}
	if m["clicks.read_throttled"] == 0 {
		t.Error("no throttled reads counted")
	}
	if m["events.throttled_records"] == 0 {
		t.Error("no unprocessed DynamoDB items counted as throttled")
	}
	if m["pipeline.lost_records"] != 0 || m["pipeline.delivered_records"] != 2*m["pipeline.produced_records"] {
		t.Errorf("produced %v, delivered %v, lost %v: every record should arrive after retries",
			m["pipeline.produced_records"], m["pipeline.delivered_records"], m["pipeline.lost_records"])
	}
	if left := leftovers(t, emulatorClients(t), runID); len(left) != 0 {
		t.Errorf("left behind: %v", left)
	}
}

// TestExhaustedRetriesAreLost: without retries, refused records are lost,
// and produced = delivered + lost still holds (per destination).
func TestExhaustedRetriesAreLost(t *testing.T) {
	c := emulatorClients(t)
	c.Kinesis = &throttlingKinesis{KinesisAPI: c.Kinesis, share: 0.5, rng: rand.New(rand.NewPCG(5, 6))}
	sc := loadScenario(t, "e2e.yaml")
	for _, id := range []string{"web", "iot"} {
		n := sc.Node(id)
		v, _ := n.Param("retries.max")
		v.Num = 0
		n.Params["retries.max"] = v
	}
	o := fastOptions(c, "lst"+NewRunID()[:5], io.Discard)
	o.Duration = 5 * time.Second
	r, err := New(o).Start(testContext(t, 3*time.Minute), sc)
	if err != nil {
		t.Fatal(err)
	}
	run := r.(*Run)
	drainRun(t, run)
	if err := run.Err(); err != nil {
		t.Fatal(err)
	}
	m := run.Result().Metrics
	produced, delivered, lost := m["pipeline.produced_records"], m["pipeline.delivered_records"], m["pipeline.lost_records"]
	if lost == 0 {
		t.Fatal("nothing lost with half the records refused and no retries")
	}
	if m["web.lost_records"]+m["iot.lost_records"] == 0 || m["web.retried_records"]+m["iot.retried_records"] != 0 {
		t.Errorf("lost at producers %v, retried %v", m["web.lost_records"]+m["iot.lost_records"], m["web.retried_records"]+m["iot.retried_records"])
	}
	if delivered+lost != 2*produced || m["pipeline.in_flight_records"] != 0 {
		t.Errorf("produced %v ×2 destinations != delivered %v + lost %v (in flight %v)\n%v", produced, delivered, lost, m["pipeline.in_flight_records"], m)
	}
	if !strings.Contains(strings.Join(run.Result().Events, "\n"), "deleted everything") {
		t.Error("no teardown event")
	}
}
