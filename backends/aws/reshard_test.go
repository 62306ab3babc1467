package aws

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	kintypes "github.com/aws/aws-sdk-go-v2/service/kinesis/types"
)

// envKinesisAgg names the folder of AWS's aws-kinesis-agg npm package, the
// de-aggregator the reshard test checks the stream with (.ci/run installs it).
const envKinesisAgg = "STREAMSIM_TEST_KINESIS_AGG"

// TestAggregationSurvivesReshard runs an aggregating producer against
// kinesis-local while the stream goes from 4 to 8 shards, keeps the stream,
// and reads every record back: de-aggregated by AWS's own aws-kinesis-agg
// (when node and the package are here) and by this package, no user record
// may sit on a shard whose hash key range does not hold its partition key,
// and the report must account for every record.
func TestAggregationSurvivesReshard(t *testing.T) {
	c := emulatorClients(t)
	sc := loadScenario(t, "reshard.yaml")
	runID := "rsh" + NewRunID()[:5]
	log := &syncBuffer{}
	o := fastOptions(c, runID, log)
	o.Keep = true
	b := New(o)
	plan, err := b.Plan(sc)
	if err != nil {
		t.Fatal(err)
	}
	r, err := b.StartPlan(testContext(t, 5*time.Minute), sc, plan)
	if err != nil {
		t.Fatal(err)
	}
	drainRun(t, r)
	t.Cleanup(func() {
		found, _ := FindLeftovers(testContext(t, time.Minute), c, nil, runID)
		_ = DeleteLeftovers(testContext(t, 2*time.Minute), c, nil, found, 200*time.Millisecond, func(string, ...any) {})
	})
	if err := r.Err(); err != nil {
		t.Fatalf("run failed: %v\nlog:\n%s", err, log)
	}
	m := r.Result().Metrics
	t.Logf("log:\n%s", log)
	if m["clicks.shards_end"] != 8 {
		t.Fatalf("the stream ended with %v shards, want 8 (did the reshard happen?)", m["clicks.shards_end"])
	}

	stream, _ := plan.Find(KindStream, "clicks")
	dump := dumpStream(t, c, stream.Name)
	users, outside := 0, 0
	for _, d := range dump {
		datas, err := deaggregate(d.raw)
		if err != nil {
			t.Fatal(err)
		}
		for _, data := range datas {
			p, err := decodePayload(data)
			if err != nil {
				t.Fatal(err)
			}
			users++
			if !d.shard.holds(p.Key) {
				outside++
			}
		}
	}
	t.Logf("%d Kinesis records, %d user records, %d outside their shard's range", len(dump), users, outside)
	if outside != 0 {
		t.Errorf("%d of %d user records sit on a shard whose hash key range does not hold their key", outside, users)
	}
	if float64(users) != m["clicks.records_in"] {
		t.Errorf("the stream holds %d user records, the report says clicks took %.0f", users, m["clicks.records_in"])
	}
	if lost := m["pipeline.lost_records"]; lost != 0 {
		t.Errorf("lost %v records", lost)
	}
	checkWithKinesisAgg(t, dump, users)
}

// rawRecord is one Kinesis record as read back, with the shard it was on.
type rawRecord struct {
	shard shardRange
	key   string
	seq   string
	raw   []byte
}

// dumpStream reads every record of every shard from the start.
func dumpStream(t *testing.T, c *Clients, stream string) []rawRecord {
	t.Helper()
	ctx := testContext(t, 2*time.Minute)
	shards, err := listShards(ctx, c.Kinesis, stream)
	if err != nil {
		t.Fatal(err)
	}
	var out []rawRecord
	for _, s := range shards {
		it, err := c.Kinesis.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: aws.String(stream),
			ShardId: aws.String(s.id), ShardIteratorType: kintypes.ShardIteratorTypeTrimHorizon})
		if err != nil {
			t.Fatal(err)
		}
		iter := it.ShardIterator
		for iter != nil {
			got, err := c.Kinesis.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: iter})
			if err != nil {
				t.Fatal(err)
			}
			for _, kr := range got.Records {
				out = append(out, rawRecord{shard: s, key: aws.ToString(kr.PartitionKey), seq: aws.ToString(kr.SequenceNumber), raw: kr.Data})
			}
			if len(got.Records) == 0 && aws.ToInt64(got.MillisBehindLatest) == 0 {
				break // an open shard read to its tip
			}
			iter = got.NextShardIterator
		}
	}
	return out
}

// checkWithKinesisAgg de-aggregates the dump with AWS's aws-kinesis-agg in
// node, when both are here, and wants the same answer: users records, none
// outside its shard's range.
func checkWithKinesisAgg(t *testing.T, dump []rawRecord, users int) {
	t.Helper()
	pkg := os.Getenv(envKinesisAgg)
	node, err := exec.LookPath("node")
	if pkg == "" || err != nil {
		t.Logf("not checked with aws-kinesis-agg: %s unset or no node on PATH", envKinesisAgg)
		return
	}
	var lines []string
	for _, d := range dump {
		line, _ := json.Marshal(map[string]string{"shard": d.shard.id, "start": d.shard.start.String(), "end": d.shard.end.String(),
			"key": d.key, "seq": d.seq, "data": base64.StdEncoding.EncodeToString(d.raw)})
		lines = append(lines, string(line))
	}
	dumpFile := filepath.Join(t.TempDir(), "records.jsonl")
	if err := os.WriteFile(dumpFile, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(node, filepath.Join("testdata", "check-ranges.js"), pkg, dumpFile).CombinedOutput()
	if err != nil {
		t.Fatalf("aws-kinesis-agg: %v\n%s", err, out)
	}
	var got struct{ Users, Outside int }
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("aws-kinesis-agg said %q: %v", out, err)
	}
	t.Logf("aws-kinesis-agg: %d user records, %d outside their shard's range", got.Users, got.Outside)
	if got.Users != users || got.Outside != 0 {
		t.Errorf("aws-kinesis-agg found %d user records, %d outside their range; want %d, 0", got.Users, got.Outside, users)
	}
}
