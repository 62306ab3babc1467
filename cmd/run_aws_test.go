package cmd

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

const awsScenario = "../backends/aws/testdata/e2e.yaml"

// isolatedAWSEnv hides the machine's AWS settings from a test: no shared
// config or credentials files, no CA bundle, static test credentials.
func isolatedAWSEnv(t *testing.T) {
	t.Helper()
	plainRunEnv(t)
	dir := t.TempDir()
	for k, v := range map[string]string{
		"AWS_CONFIG_FILE": filepath.Join(dir, "config"), "AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "credentials"),
		"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test-secret-never-printed", "AWS_REGION": "us-east-1",
		"AWS_PROFILE": "", "AWS_ENDPOINT_URL": "", "AWS_ENDPOINT_URL_KINESIS": "", "AWS_ENDPOINT_URL_S3": "",
		"AWS_ENDPOINT_URL_DYNAMODB": "", "AWS_ENDPOINT_URL_FIREHOSE": "", "STREAMSIM_KAFKA_BROKERS": "",
	} {
		t.Setenv(k, v)
	}
	t.Setenv("AWS_CA_BUNDLE", "")
	os.Unsetenv("AWS_CA_BUNDLE")
}

func TestRunAWSPlanAndGuards(t *testing.T) {
	isolatedAWSEnv(t)
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"run", awsScenario, "--backend", "aws", "--run-id", "plan1"}, 0, "nothing was created: this was the plan"},
		{[]string{"run", awsScenario, "--backend", "aws", "--max-cost", "0.001"}, 2, "cost guard"},
		{[]string{"run", awsScenario, "--backend", "aws", "--duration", "2h"}, 2, "longer than --max-duration 1h"},
		{[]string{"run", awsScenario, "--backend", "aws", "--firehose", "service"}, 0, "firehose-delivery-stream"},
		{[]string{"run", awsScenario, "--backend", "aws", "--firehose", "client"}, 0, "client-side stand-in"},
		{[]string{"run", "../backends/aws/testdata/kafka.yaml", "--backend", "aws"}, 2, "--kafka-brokers"},
		{[]string{"run", awsScenario, "--backend", "aws", "--drain", "soon"}, 2, "--drain"},
	} {
		t.Run(strings.Join(tc.args[2:], " "), func(t *testing.T) {
			var out, errb bytes.Buffer
			code := ExecuteArgs(tc.args, &out, &errb)
			if code != tc.code || !strings.Contains(out.String()+errb.String(), tc.want) {
				t.Errorf("exit %d, want %d with %q\nstdout:\n%s\nstderr:\n%s", code, tc.code, tc.want, out.String(), errb.String())
			}
			if strings.Contains(out.String()+errb.String(), "test-secret-never-printed") {
				t.Error("a secret was printed")
			}
		})
	}
}

// TestRunAWSAgainstEmulators runs the CLI end to end with endpoints from the
// standard AWS_ENDPOINT_URL_<SERVICE> variables: a short run kept with
// --keep, its JSON report, then cleanup's dry run and cleanup --yes.
func TestRunAWSAgainstEmulators(t *testing.T) {
	kin, ddb := os.Getenv("STREAMSIM_TEST_KINESIS_ENDPOINT"), os.Getenv("STREAMSIM_TEST_DYNAMODB_ENDPOINT")
	if kin == "" || ddb == "" {
		t.Skip("STREAMSIM_TEST_KINESIS_ENDPOINT and STREAMSIM_TEST_DYNAMODB_ENDPOINT are not set: start the local emulators (bash .ci/run does)")
	}
	isolatedAWSEnv(t)
	s3 := httptest.NewServer(gofakes3.New(s3mem.New()).Server())
	defer s3.Close()
	t.Setenv("AWS_ENDPOINT_URL_KINESIS", kin)
	t.Setenv("AWS_ENDPOINT_URL_DYNAMODB", ddb)
	t.Setenv("AWS_ENDPOINT_URL_S3", s3.URL)

	var out, errb bytes.Buffer
	code := ExecuteArgs([]string{"run", awsScenario, "--backend", "aws", "--yes", "--keep", "--duration", "6s",
		"--run-id", "cli" + strings.ToLower(randomID(t)), "--json", "-", "--compare-sim"}, &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d\nstderr:\n%s", code, errb.String())
	}
	var rep struct {
		Backend   string
		DurationS float64 `json:"duration_s"`
		Passed    bool
		Metrics   map[string]*float64
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("stdout is not the JSON report: %v\n%s", err, out.String())
	}
	m := func(k string) float64 {
		if v := rep.Metrics[k]; v != nil {
			return *v
		}
		return -1
	}
	if rep.Backend != "aws" || !rep.Passed || rep.DurationS < 5.9 {
		t.Errorf("backend %q passed %v duration %v", rep.Backend, rep.Passed, rep.DurationS)
	}
	if p := m("pipeline.produced_records"); p < 800 || m("pipeline.delivered_records") != 2*p || m("lake.records_in") != p {
		t.Errorf("produced %v, delivered %v, lake %v", p, m("pipeline.delivered_records"), m("lake.records_in"))
	}
	if rep.Metrics["reader.utilization_max"] != nil {
		t.Error("an unmeasured metric is not null")
	}
	stderr := errb.String()
	for _, want := range []string{"plan for aws-e2e", "credentials from EnvConfigCredentials", "kinesis " + kin,
		"client-side stand-in", "falling back", "kept 4 resources (--keep)", "PASS aws-e2e",
		"compare with the simulator", "pipeline.produced_records"} {
		if want == "falling back" {
			want = "reading by GetRecords polling instead"
		}
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if strings.Contains(stderr+out.String(), "test-secret-never-printed") {
		t.Error("a secret was printed")
	}
	id := regexp.MustCompile(`run id ([a-z0-9]+)`).FindStringSubmatch(stderr)
	if id == nil {
		t.Fatal("no run id in the output")
	}

	// Dry run: lists, deletes nothing.
	out.Reset()
	errb.Reset()
	if code := ExecuteArgs([]string{"cleanup", "--run", id[1]}, &out, &errb); code != 0 {
		t.Fatalf("cleanup dry run: exit %d\n%s%s", code, out.String(), errb.String())
	}
	if !strings.Contains(out.String(), "3 resources found; nothing was deleted") {
		t.Errorf("dry run:\n%s", out.String())
	}
	out.Reset()
	if code := ExecuteArgs([]string{"cleanup", "--run", id[1], "--yes"}, &out, &errb); code != 0 {
		t.Fatalf("cleanup: exit %d\n%s%s", code, out.String(), errb.String())
	}
	if !strings.Contains(out.String(), "deleted 3 resources") {
		t.Errorf("cleanup --yes:\n%s", out.String())
	}
	out.Reset()
	if code := ExecuteArgs([]string{"cleanup", "--run", id[1]}, &out, &errb); code != 0 || !strings.Contains(out.String(), "nothing to clean up") {
		t.Errorf("after cleanup: exit %d\n%s", code, out.String())
	}
}

func randomID(t *testing.T) string {
	t.Helper()
	b := make([]byte, 3)
	f, err := os.Open("/dev/urandom")
	if err != nil {
		return "x1"
	}
	defer f.Close()
	_, _ = f.Read(b)
	const hex = "0123456789abcdef"
	s := ""
	for _, c := range b {
		s += string(hex[c>>4]) + string(hex[c&15])
	}
	return s
}
