package aws

import (
	"bytes"
	"math"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/streamsim/streamsim/pipeline"
)

func TestPayloadRoundTripAndSize(t *testing.T) {
	p := payload{Run: "abc123", Src: "web", Seq: 42, TS: 1700000000123456789, Key: "web-00ff"}
	for _, size := range []int{1, 50, 300, 1024, 100_000} {
		b := encodePayload(p, size)
		if size >= 200 && len(b) != size {
			t.Errorf("size %d: got %d bytes", size, len(b))
		}
		if b[len(b)-1] != '\n' {
			t.Errorf("size %d: no newline at the end", size)
		}
		got, err := decodePayload(b)
		if err != nil || got != p {
			t.Errorf("size %d: decoded %+v, %v", size, got, err)
		}
	}
	if _, err := decodePayload([]byte("hello\n")); err == nil {
		t.Error("a foreign record decoded")
	}
	var lines int
	splitLines(append(encodePayload(p, 200), encodePayload(p, 300)...), func([]byte) { lines++ })
	if lines != 2 {
		t.Errorf("split %d lines, want 2", lines)
	}
}

// TestAggregationRoundTrip: KPL aggregates de-aggregate to the same records
// in order, and keep within the size limit and on one shard.
func TestAggregationRoundTrip(t *testing.T) {
	shards := []shardRange{
		{id: "a", start: big.NewInt(0), end: new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 127), big.NewInt(1))},
		{id: "b", start: new(big.Int).Lsh(big.NewInt(1), 127), end: new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 128), big.NewInt(1))},
	}
	var recs []userRecord
	for i := range 400 {
		key := "k" + strings.Repeat("x", i%7) + string(rune('a'+i%26))
		recs = append(recs, userRecord{key: key, data: encodePayload(payload{Run: "r", Src: "p", Seq: int64(i), Key: key}, 300)})
	}
	entries := aggregateByShard(recs, shards)
	if len(entries) < 4 {
		t.Fatalf("%d aggregates for 400 × 300 B, want at least 4 (51,200 B each)", len(entries))
	}
	seen := 0
	for _, e := range entries {
		if len(e.data) > maxAggregate+1024 {
			t.Errorf("aggregate of %d bytes", len(e.data))
		}
		datas, err := deaggregate(e.data)
		if err != nil {
			t.Fatal(err)
		}
		if len(datas) != len(e.recs) {
			t.Fatalf("de-aggregated %d of %d", len(datas), len(e.recs))
		}
		for i, d := range datas {
			if !bytes.Equal(d, e.recs[i].data) {
				t.Fatal("record changed in aggregation")
			}
			if shardFor(e.recs[i].key, shards) != shardFor(e.key, shards) || shards[shardFor(e.key, shards)].id != e.shard {
				t.Error("an aggregate mixes shards, or names another shard than its records'")
			}
		}
		seen += len(datas)
	}
	if seen != len(recs) {
		t.Errorf("%d records after aggregation, want %d", seen, len(recs))
	}
	// A stale map: each record goes on its own, so AWS routes it by its key.
	sm := &shardMap{shards: shards, stale: true}
	if cur, _, ok := sm.current(); ok || len(cur) != 2 {
		t.Error("a stale map reads as current")
	}
	if one := oneByOne(recs[:3]); len(one) != 3 || one[1].key != recs[1].key || one[1].shard != "" || len(one[1].recs) != 1 {
		t.Errorf("oneByOne: %+v", one)
	}
	// What was packed before an invalidation goes out one by one, in calls
	// of at most 500 records.
	sm2 := &shardMap{shards: shards}
	_, gen, _ := sm2.current()
	packed := aggregateByShard(recs, shards)
	for i := range packed {
		packed[i].gen = gen
	}
	snd := &kinesisSender{shards: sm2}
	if got := snd.unpackStale(packed); len(got) != len(packed) {
		t.Error("a fresh pack was unpacked")
	}
	sm2.mu.Lock()
	sm2.gen++
	sm2.mu.Unlock()
	if got := snd.unpackStale(packed); len(got) != len(recs) || got[0].shard != "" {
		t.Errorf("a stale pack: %d entries, want %d single records", len(got), len(recs))
	}
	for _, c := range chunks(oneByOne(recs), 150, 5<<20) {
		if len(c) > 150 {
			t.Errorf("a chunk of %d", len(c))
		}
	}
	plain := []byte("not aggregated")
	if d, _ := deaggregate(plain); len(d) != 1 || !bytes.Equal(d[0], plain) {
		t.Error("a plain record changed")
	}
}

func producerNode(t *testing.T, yaml string) *pipeline.Node {
	t.Helper()
	s, err := pipeline.Load("t.yaml", []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	return s.Node("p")
}

const keysScenario = `version: 1
name: keys
duration: 10s
producers:
  - id: p
    rate: 10/s
    keys: KEYS
    record_size: {mean: 1KiB, max: 8KiB, dist: lognormal}
    to: [s]
storage:
  - id: s
    service: kinesis-data-streams
`

func TestKeyDistributions(t *testing.T) {
	for _, dist := range []string{"uniform", "zipf", "hot", "random"} {
		keys := map[string]string{"uniform": "{dist: uniform, count: 100}", "zipf": "{dist: zipf, count: 100, skew: 1.2}",
			"hot": "{dist: hot, count: 100, fraction: 50%}", "random": "{dist: random}"}[dist]
		n := producerNode(t, strings.ReplaceAll(keysScenario, "KEYS", keys))
		g := newKeyGen(n, 1)
		counts := map[string]int{}
		for range 10000 {
			counts[g.next()]++
		}
		top := 0
		for _, c := range counts {
			top = max(top, c)
		}
		switch dist {
		case "uniform":
			if len(counts) != 100 || top > 200 {
				t.Errorf("uniform: %d keys, top %d", len(counts), top)
			}
		case "hot":
			if math.Abs(float64(top)/10000-0.5) > 0.03 {
				t.Errorf("hot: top key has %d of 10000, want about half", top)
			}
		case "zipf":
			if top < 1500 || len(counts) > 100 {
				t.Errorf("zipf: top %d, %d keys", top, len(counts))
			}
		case "random":
			if len(counts) < 9990 {
				t.Errorf("random: only %d distinct keys", len(counts))
			}
		}
	}
}

func TestLognormalSizes(t *testing.T) {
	n := producerNode(t, strings.ReplaceAll(keysScenario, "KEYS", "{dist: uniform, count: 100}"))
	g := newSizeGen(n, newKeyGen(n, 1).rng)
	var sum float64
	top := 0
	for range 20000 {
		s := g.next()
		sum += float64(s)
		top = max(top, s)
	}
	if mean := sum / 20000; math.Abs(mean-1024)/1024 > 0.1 {
		t.Errorf("mean size %.0f, want about 1024", mean)
	}
	if top > 8192 {
		t.Errorf("a record of %d bytes above max", top)
	}
}

func TestPlanNamesTagsCostAndGuards(t *testing.T) {
	s, err := pipeline.LoadFile("testdata/e2e.yaml")
	if err != nil {
		t.Fatal(err)
	}
	p, err := NewPlan(s, PlanOptions{RunID: "abc123", Region: "eu-west-1", Duration: time.Minute, FirehoseMode: FirehoseService})
	if err != nil {
		t.Fatal(err)
	}
	want := map[Kind]string{KindStream: "streamsim-abc123-clicks", KindBucket: "streamsim-abc123-lake",
		KindTable: "streamsim-abc123-events", KindDeliveryStream: "streamsim-abc123-delivery", KindStreamConsumer: "streamsim-abc123-reader"}
	for k, name := range want {
		found := false
		for _, r := range p.Resources {
			if r.Kind == k && r.Name == name {
				found = true
			}
		}
		if !found {
			t.Errorf("no %s %s in %+v", k, name, p.Resources)
		}
	}
	if p.Tags[TagRun] != "abc123" || p.Duration != time.Minute {
		t.Errorf("tags %v, duration %s", p.Tags, p.Duration)
	}
	st, _ := p.Find(KindStream, "clicks")
	// 2 shards × $0.015 + 150 records/s × 3600 PUT units × $0.014 per million
	// + one EFO consumer on 2 shards × $0.015 + its GB read × $0.013.
	in := newFlows(s).in("clicks")
	wantCost := 2*0.015 + 150*3600/1e6*0.014 + 2*0.015 + in.bytes*3600/1e9*0.013
	if math.Abs(st.CostPerHour-wantCost) > 1e-9 {
		t.Errorf("stream cost %.6f, want %.6f", st.CostPerHour, wantCost)
	}
	if p.CostPerHour <= st.CostPerHour {
		t.Errorf("plan cost %.4f does not add up the resources", p.CostPerHour)
	}
	var b strings.Builder
	p.Write(&b)
	for _, w := range []string{"streamsim-abc123-clicks", "2 shards, provisioned", "streamsim:run=abc123", "per hour"} {
		if !strings.Contains(b.String(), w) {
			t.Errorf("the printed plan lacks %q:\n%s", w, b.String())
		}
	}
	// Client mode: no delivery stream, a stand-in instead.
	p, _ = NewPlan(s, PlanOptions{RunID: "abc123", FirehoseMode: FirehoseClient})
	if _, ok := p.Find(KindDeliveryStream, "delivery"); ok || !p.IsClientSide("delivery") {
		t.Error("client mode created a delivery stream")
	}
	// Kafka without brokers is refused.
	k, _ := pipeline.LoadFile("testdata/kafka.yaml")
	if _, err := NewPlan(k, PlanOptions{}); err == nil || !strings.Contains(err.Error(), "--kafka-brokers") {
		t.Errorf("kafka without brokers: %v", err)
	}
	if _, err := NewPlan(s, PlanOptions{RunID: "Bad_ID"}); err == nil {
		t.Error("a bad run id was taken")
	}
}

// TestPlanRefusesAServiceItDoesNotKnow: a service added to the catalog
// that this backend has not learnt is refused by name, before anything is
// created, rather than skipped silently or run as something else.
func TestPlanRefusesAServiceItDoesNotKnow(t *testing.T) {
	s, err := pipeline.LoadFile("testdata/e2e.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range []pipeline.Stage{pipeline.Storage, pipeline.Consumer, pipeline.Destination} {
		sc := s.Clone()
		svc := &pipeline.Service{Name: "quantum-queue", Label: "Quantum Queue", Short: "QQ", Stage: st}
		sc.Nodes = append(sc.Nodes, &pipeline.Node{ID: "qq", Stage: st, Service: svc})
		_, err := NewPlan(sc, PlanOptions{RunID: "abc123", FirehoseMode: FirehoseService})
		if err == nil || !strings.Contains(err.Error(), "qq (quantum-queue): the aws backend does not know Quantum Queue") {
			t.Errorf("%s: an unknown service was not refused: %v", st, err)
		}
	}
}

func TestResourceNamesFitLimits(t *testing.T) {
	long := strings.Repeat("a", 80)
	n := ResourceName("abc123", long, maxBucketName)
	if len(n) > maxBucketName || !strings.HasPrefix(n, "streamsim-abc123-") || runOfName(n) != "abc123" {
		t.Errorf("bucket name %q", n)
	}
	if ResourceName("abc123", long, maxBucketName) != n {
		t.Error("names are not stable")
	}
}

func TestResolveFirehoseMode(t *testing.T) {
	if m, _ := ResolveFirehoseMode(FirehoseAuto, Endpoints{}); m != FirehoseService {
		t.Errorf("real AWS: %s", m)
	}
	if m, why := ResolveFirehoseMode(FirehoseAuto, Endpoints{SvcKinesis: "http://127.0.0.1:4568"}); m != FirehoseClient || why == "" {
		t.Errorf("emulators: %s %q", m, why)
	}
	all := Endpoints{SvcKinesis: "http://localhost:4566", SvcS3: "http://localhost:4566", SvcFirehose: "http://localhost:4566"}
	if m, _ := ResolveFirehoseMode(FirehoseAuto, all); m != FirehoseService {
		t.Errorf("LocalStack: %s", m)
	}
	if m, _ := ResolveFirehoseMode(FirehoseAuto, Endpoints{SvcKinesis: "https://vpce-1.kinesis.us-east-1.vpce.amazonaws.com"}); m != FirehoseService {
		t.Errorf("a VPC endpoint is AWS: %s", m)
	}
	if m, _ := ResolveFirehoseMode(FirehoseClient, Endpoints{}); m != FirehoseClient {
		t.Errorf("explicit client: %s", m)
	}
}
