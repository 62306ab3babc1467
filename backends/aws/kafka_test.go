package aws

import (
	"io"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/twmb/franz-go/pkg/kfake"
)

// s3OnlyClients has just an in-process S3 (gofakes3), for Kafka scenarios.
func s3OnlyClients(t *testing.T) *Clients {
	t.Helper()
	url := startS3(t)
	cfg := testConfig()
	return &Clients{S3: s3.NewFromConfig(cfg, func(o *s3.Options) { o.BaseEndpoint = aws.String(url); o.UsePathStyle = true }),
		Region: cfg.Region, Config: cfg}
}

func runKafka(t *testing.T, k KafkaOptions) Result {
	t.Helper()
	sc := loadScenario(t, "kafka.yaml")
	o := fastOptions(s3OnlyClients(t), "kfk"+NewRunID()[:5], io.Discard)
	o.Kafka = k
	r, err := New(o).Start(testContext(t, 2*time.Minute), sc)
	if err != nil {
		t.Fatal(err)
	}
	run := r.(*Run)
	drainRun(t, run)
	if err := run.Err(); err != nil {
		t.Fatal(err)
	}
	return run.Result()
}

// TestKafkaEndToEnd creates a topic on an in-process Kafka cluster (kfake),
// produces into it, reads it with two consumer groups and checks the counts,
// the exact offset lag from the cluster, and that the topic is deleted.
func TestKafkaEndToEnd(t *testing.T) {
	brokers := startKafka(t)
	res := runKafka(t, KafkaOptions{Brokers: brokers})
	m := res.Metrics
	produced := m["pipeline.produced_records"]
	t.Logf("produced %v delivered %v lost %v; offset lag %v; archive objects %v; p99 %.3fs",
		produced, m["pipeline.delivered_records"], m["pipeline.lost_records"], m["ledger.offset_lag_max"], m["archive.objects"], m["pipeline.latency_p99"])
	if !near(produced, 2000, 0.1) {
		t.Errorf("produced %v, want about 2000", produced)
	}
	if m["ledger.records_in"] != produced || m["sink.records_in"] != produced || m["copy.records_in"] != produced {
		t.Errorf("ledger %v, sink %v, copy %v: want %v each", m["ledger.records_in"], m["sink.records_in"], m["copy.records_in"], produced)
	}
	if m["pipeline.delivered_records"] != 2*produced || m["pipeline.lost_records"] != 0 {
		t.Errorf("delivered %v lost %v, want %v and 0", m["pipeline.delivered_records"], m["pipeline.lost_records"], 2*produced)
	}
	if m["ledger.offset_lag_max"] != 0 {
		t.Errorf("offset lag at the end %v, want 0", m["ledger.offset_lag_max"])
	}
	if len(res.Created) != 2 { // the topic and the bucket
		t.Errorf("created %v", res.Created)
	}
	cl, adm, err := KafkaOptions{Brokers: brokers}.admin(testContext(t, time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	topics, err := adm.ListTopics(testContext(t, time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range topics.Names() {
		if runOfName(n) != "" {
			t.Errorf("topic %s left behind", n)
		}
	}
}

// TestKafkaSCRAM connects with SASL/SCRAM-SHA-512, as MSK's SCRAM listeners
// want (kfake has no TLS here and no MSK IAM: IAM is not tested).
func TestKafkaSCRAM(t *testing.T) {
	brokers := startKafka(t, kfake.EnableSASL(), kfake.Superuser("SCRAM-SHA-512", "streamsim", "s3cret"))
	res := runKafka(t, KafkaOptions{Brokers: brokers, Auth: KafkaAuthSCRAM, User: "streamsim", Password: "s3cret"})
	if res.Metrics["pipeline.delivered_records"] == 0 {
		t.Error("nothing delivered over SCRAM")
	}
	if cl, _, err := (KafkaOptions{Brokers: brokers, Auth: KafkaAuthSCRAM, User: "streamsim", Password: "wrong"}).admin(testContext(t, 20*time.Second)); err == nil {
		cl.Close()
		t.Error("a wrong password connected")
	}
	if s := (KafkaOptions{Brokers: brokers, Auth: KafkaAuthSCRAM, User: "streamsim", Password: "s3cret"}).String(); strings.Contains(s, "s3cret") {
		t.Errorf("the description shows the password: %s", s)
	}
}
