package aws

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/streamsim/streamsim/pipeline"
)

// The tests in this package run against real local servers, not mocks:
//
//   - Kinesis: kinesis-local (the npm build of kinesis-mock), found through
//     STREAMSIM_TEST_KINESIS_ENDPOINT;
//   - DynamoDB: dynalite, through STREAMSIM_TEST_DYNAMODB_ENDPOINT;
//   - S3: gofakes3, in-process over plain HTTP on 127.0.0.1 (path style);
//   - Kafka: franz-go's kfake, in-process.
//
// .ci/run installs and starts the npm servers and sets the variables. A test
// that needs a server whose variable is unset is skipped with a message.
// Firehose has no emulator: on emulators it runs as the client-side stand-in.
// None of these servers throttles or fails single records, so the tests of
// those paths wrap the real client with an injecting decorator (faults_test.go).

const (
	envKinesis  = "STREAMSIM_TEST_KINESIS_ENDPOINT"
	envDynamoDB = "STREAMSIM_TEST_DYNAMODB_ENDPOINT"
)

func needEnv(t *testing.T, name string) string {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		t.Skipf("%s is not set: start the local emulators (bash .ci/run does) to run this test", name)
	}
	return v
}

// testConfig is a static test configuration: no shared files, no
// AWS_CA_BUNDLE, credentials test/test.
func testConfig() aws.Config {
	return aws.Config{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")}
}

// startS3 serves gofakes3 in-process over plain HTTP.
func startS3(t *testing.T) string {
	t.Helper()
	ts := httptest.NewServer(gofakes3.New(s3mem.New()).Server())
	t.Cleanup(ts.Close)
	return ts.URL
}

// emulatorClients connects to kinesis-local, dynalite and an in-process S3.
func emulatorClients(t *testing.T) *Clients {
	t.Helper()
	kin := needEnv(t, envKinesis)
	ddb := needEnv(t, envDynamoDB)
	return clientsFor(Endpoints{SvcKinesis: kin, SvcDynamoDB: ddb, SvcS3: startS3(t)}, Deadlines{})
}

// clientsFor makes clients for the endpoints given, as NewClients makes
// them (deadlines, retries, health), with static test credentials.
func clientsFor(eps Endpoints, d Deadlines) *Clients {
	c := newClients(testConfig(), ConfigOptions{Endpoints: eps, S3PathStyle: true, Deadlines: d})
	c.Credentials = "static test credentials"
	if eps[SvcFirehose] == "" {
		c.Firehose = nil // no emulator: runs use the stand-in, cleanup leaves Firehose alone
	}
	return c
}

// startKafka runs an in-process kfake cluster of three brokers.
func startKafka(t *testing.T, opts ...kfake.Opt) []string {
	t.Helper()
	c, err := kfake.NewCluster(append([]kfake.Opt{kfake.NumBrokers(3)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c.ListenAddrs()
}

func loadScenario(t *testing.T, name string) *pipeline.Scenario {
	t.Helper()
	s, err := pipeline.LoadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func testContext(t *testing.T, d time.Duration) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}
