package cmd

import (
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// recordingProxy is an HTTP(S) proxy that refuses everything and records
// what it was asked for: with HTTP_PROXY and HTTPS_PROXY pointing at it and
// loopback exempt, any call towards a host that is not local shows up here.
type recordingProxy struct {
	mu   sync.Mutex
	seen []string
}

func startRecordingProxy(t *testing.T) *recordingProxy {
	t.Helper()
	p := &recordingProxy{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		p.seen = append(p.seen, r.Method+" "+r.Host)
		p.mu.Unlock()
		http.Error(w, "no", http.StatusForbidden)
	}))
	t.Cleanup(srv.Close)
	t.Setenv("HTTP_PROXY", srv.URL)
	t.Setenv("HTTPS_PROXY", srv.URL)
	t.Setenv("NO_PROXY", "127.0.0.1,localhost,::1")
	return p
}

func (p *recordingProxy) requests() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.seen...)
}

// closedPort is a local address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr
}

// Endpoints are what the SDK resolves, from the environment and the shared
// config file alike; services that would mix local endpoints and AWS are
// refused by plan, run and cleanup, before any call and naming both sides.
func TestEndpointsResolvedAsTheSDKDoes(t *testing.T) {
	local := closedPort(t)
	configWith := func(t *testing.T, body string) {
		p := filepath.Join(t.TempDir(), "config")
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		t.Setenv("AWS_CONFIG_FILE", p)
	}
	services := "[default]\nregion = us-east-1\nservices = local\n\n[services local]\n" +
		"kinesis =\n  endpoint_url = " + local + "\ns3 =\n  endpoint_url = " + strings.Replace(local, "http://", "http://user:pw-never-printed@", 1) +
		"\ndynamodb =\n  endpoint_url = " + local + "\n"
	for _, tc := range []struct {
		name   string
		setup  func(t *testing.T)
		args   []string
		code   int
		want   []string
		absent []string
	}{
		{"config file [services] is seen", func(t *testing.T) { configWith(t, services) },
			[]string{"run", awsScenario, "--backend", "aws"}, 0,
			[]string{"kinesis goes to " + local, "client-side stand-in", "nothing was created"}, []string{"firehose-delivery-stream"}},
		{"ignored endpoints are ignored", func(t *testing.T) {
			configWith(t, services)
			t.Setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true")
		}, []string{"run", awsScenario, "--backend", "aws"}, 0,
			[]string{"firehose-delivery-stream"}, []string{local, "stand-in"}},
		{"half set endpoints: plan refuses", func(t *testing.T) { t.Setenv("AWS_ENDPOINT_URL_KINESIS", local) },
			[]string{"run", awsScenario, "--backend", "aws"}, 2,
			[]string{"kinesis → " + local, "but s3, dynamodb would go to AWS", "--aws-services s3,dynamodb", "nothing was created"}, nil},
		{"half set endpoints: run --yes refuses", func(t *testing.T) { t.Setenv("AWS_ENDPOINT_URL_KINESIS", local) },
			[]string{"run", awsScenario, "--backend", "aws", "--yes"}, 2, []string{"would go to AWS"}, []string{"created kinesis", "credentials from"}},
		{"half set endpoints: cleanup refuses", func(t *testing.T) { t.Setenv("AWS_ENDPOINT_URL_KINESIS", local) },
			[]string{"cleanup", "--yes"}, 2, []string{"but s3, dynamodb would go to AWS", "nothing was listed or deleted"}, nil},
		{"a mix on purpose is allowed", func(t *testing.T) { t.Setenv("AWS_ENDPOINT_URL_KINESIS", local) },
			[]string{"run", awsScenario, "--backend", "aws", "--aws-services", "s3,dynamodb"}, 0, []string{"nothing was created"}, nil},
		{"an unknown service is refused", func(t *testing.T) {},
			[]string{"run", awsScenario, "--backend", "aws", "--aws-services", "sqs"}, 2, []string{`unknown service "sqs"`}, nil},
		{"a profile that does not exist", func(t *testing.T) { t.Setenv("AWS_PROFILE", "no-such-profile") },
			[]string{"run", awsScenario, "--backend", "aws"}, 2, []string{"no-such-profile"}, []string{"nothing was created: this was the plan"}},
		{"no Firehose note without Firehose", func(t *testing.T) { configWith(t, services) },
			[]string{"run", "../backends/aws/testdata/reshard.yaml", "--backend", "aws"}, 0, []string{"nothing was created"}, []string{"Firehose"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			isolatedAWSEnv(t)
			proxy := startRecordingProxy(t)
			tc.setup(t)
			code, stdout, stderr := run(t, tc.args...)
			out := stdout + stderr
			if code != tc.code {
				t.Errorf("exit %d, want %d\n%s", code, tc.code, out)
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			for _, a := range append(tc.absent, "pw-never-printed", "test-secret-never-printed") {
				if strings.Contains(out, a) {
					t.Errorf("output has %q:\n%s", a, out)
				}
			}
			if got := proxy.requests(); len(got) > 0 {
				t.Errorf("calls went towards hosts that are not local: %v", got)
			}
		})
	}
}
