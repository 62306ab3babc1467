package cmd

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/streamsim/streamsim/internal/emulator"
)

// The fault tests run the built binary as a subprocess, to send it real
// signals, against stand-ins: a kinesis-local of the test's own (which it
// stops with SIGSTOP or kills), the shared dynalite, and gofakes3 in this
// process. Each logs the figures of the fault table in docs/aws.md.

const faultScenario = "../backends/aws/testdata/faults.yaml"

var (
	binOnce sync.Once
	binPath string
	binErr  error
	binDir  string
)

func TestMain(m *testing.M) {
	// The test binary doubles as a child process for tests that need a
	// fresh address space (memory limits) or a real exit code.
	if os.Getenv("STREAMSIM_TEST_VMSIZE") != "" {
		fmt.Println(procStatus(realMemProbe())["VmSize"])
		os.Exit(0)
	}
	if a := os.Getenv("STREAMSIM_TEST_ARGS"); a != "" {
		os.Exit(ExecuteArgs(strings.Split(a, "\x1f"), os.Stdout, os.Stderr))
	}
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// streamsimBinary builds the program once per test binary.
func streamsimBinary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		binDir, binErr = os.MkdirTemp("", "streamsim-bin-")
		if binErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "streamsim")
		out, err := exec.Command("go", "build", "-o", binPath, "..").CombinedOutput()
		if err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// stand-ins for one fault test: a private kinesis-local, the shared
// dynalite, an in-process S3.
type standIns struct {
	kin     *emulator.Process
	ddb, s3 string
}

func startStandIns(t *testing.T) *standIns {
	t.Helper()
	ddb := os.Getenv("STREAMSIM_TEST_DYNAMODB_ENDPOINT")
	if ddb == "" {
		t.Skip("STREAMSIM_TEST_DYNAMODB_ENDPOINT is not set: start the local emulators (bash .ci/run does)")
	}
	srv := httptest.NewServer(gofakes3.New(s3mem.New()).Server())
	t.Cleanup(srv.Close)
	return &standIns{kin: emulator.KinesisLocal(t), ddb: ddb, s3: srv.URL}
}

// env is the environment of a subprocess that uses the stand-ins.
func (s *standIns) env(t *testing.T) []string {
	t.Helper()
	var env []string
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "AWS_") || strings.HasSuffix(strings.ToUpper(k), "_PROXY") ||
			k == "STREAMSIM_KAFKA_BROKERS" {
			continue
		}
		env = append(env, kv)
	}
	dir := t.TempDir()
	return append(env, "CI=true", "NO_COLOR=1",
		"AWS_CONFIG_FILE="+filepath.Join(dir, "config"), "AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(dir, "credentials"),
		"AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test-secret-never-printed", "AWS_REGION=us-east-1",
		"AWS_ENDPOINT_URL_KINESIS="+s.kin.Endpoint, "AWS_ENDPOINT_URL_DYNAMODB="+s.ddb, "AWS_ENDPOINT_URL_S3="+s.s3)
}

// leftovers lists what of a run is still on the stand-ins, asked directly.
func (s *standIns) leftovers(t *testing.T, runID string) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cfg := aws.Config{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")}
	prefix := "streamsim-" + runID + "-"
	var out []string
	kctx, kcancel := context.WithTimeout(ctx, 3*time.Second) // kinesis-local may be stopped
	defer kcancel()
	if ls, err := kinesis.NewFromConfig(cfg, func(o *kinesis.Options) { o.BaseEndpoint = aws.String(s.kin.Endpoint) }).
		ListStreams(kctx, &kinesis.ListStreamsInput{}); err == nil {
		for _, n := range ls.StreamNames {
			if strings.HasPrefix(n, prefix) {
				out = append(out, "stream "+n)
			}
		}
	} else {
		out = append(out, "kinesis not listed: "+err.Error())
	}
	lt, err := dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) { o.BaseEndpoint = aws.String(s.ddb) }).
		ListTables(ctx, &dynamodb.ListTablesInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range lt.TableNames {
		if strings.HasPrefix(n, prefix) {
			out = append(out, "table "+n)
		}
	}
	lb, err := s.s3Client().ListBuckets(ctx, &s3.ListBucketsInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range lb.Buckets {
		if strings.HasPrefix(aws.ToString(b.Name), prefix) {
			out = append(out, "bucket "+aws.ToString(b.Name))
		}
	}
	return out
}

func (s *standIns) s3Client() *s3.Client {
	cfg := aws.Config{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")}
	return s3.NewFromConfig(cfg, func(o *s3.Options) { o.BaseEndpoint = aws.String(s.s3); o.UsePathStyle = true })
}

// items counts a table's items, read back from dynalite.
func (s *standIns) items(t *testing.T, table string) int {
	t.Helper()
	cfg := aws.Config{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")}
	c := dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) { o.BaseEndpoint = aws.String(s.ddb) })
	n := 0
	var start map[string]ddbtypes.AttributeValue
	for {
		out, err := c.Scan(context.Background(), &dynamodb.ScanInput{TableName: aws.String(table), ExclusiveStartKey: start, Select: "COUNT"})
		if err != nil {
			t.Fatal(err)
		}
		n += int(out.Count)
		if len(out.LastEvaluatedKey) == 0 {
			return n
		}
		start = out.LastEvaluatedKey
	}
}

// proc is the program running as a subprocess.
type proc struct {
	cmd  *exec.Cmd
	mu   sync.Mutex
	out  bytes.Buffer
	done chan struct{}
	code int
}

func (p *proc) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.Write(b)
}

func (p *proc) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.String()
}

func startProc(t *testing.T, env []string, args ...string) *proc {
	t.Helper()
	p := &proc{cmd: exec.Command(streamsimBinary(t), args...), done: make(chan struct{})}
	p.cmd.Env = env
	p.cmd.Stdout, p.cmd.Stderr = p, p
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		_ = p.cmd.Wait()
		p.code = p.cmd.ProcessState.ExitCode()
		close(p.done)
	}()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			_ = p.cmd.Process.Kill()
			<-p.done
		}
	})
	return p
}

// waitFor waits until the output holds text, and returns when it did.
func (p *proc) waitFor(t *testing.T, text string, limit time.Duration) time.Time {
	t.Helper()
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		if strings.Contains(p.output(), text) {
			return time.Now()
		}
		select {
		case <-p.done:
			if strings.Contains(p.output(), text) {
				return time.Now()
			}
			t.Fatalf("the program ended (exit %d) before saying %q:\n%s", p.code, text, p.output())
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("no %q within %s:\n%s", text, limit, p.output())
	return time.Time{}
}

func (p *proc) signal(t *testing.T, sig syscall.Signal) {
	t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
}

// wait waits for the program to end and returns its exit code.
func (p *proc) wait(t *testing.T, limit time.Duration) int {
	t.Helper()
	select {
	case <-p.done:
		return p.code
	case <-time.After(limit):
		t.Fatalf("the program did not end within %s:\n%s", limit, p.output())
	}
	return -1
}

// runIn runs the program to its end in env.
func runIn(t *testing.T, env []string, limit time.Duration, args ...string) (int, string) {
	t.Helper()
	p := startProc(t, env, args...)
	code := p.wait(t, limit)
	return code, p.output()
}

func faultRunID(prefix string) string {
	return prefix + fmt.Sprintf("%06x", time.Now().UnixNano()&0xffffff)
}

func mustContain(t *testing.T, out string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
	if strings.Contains(out, "test-secret-never-printed") {
		t.Error("a secret was printed")
	}
}

// waitLeaseOver polls cleanup's dry run until the run's lease is over.
func waitLeaseOver(t *testing.T, env []string, runID string, limit time.Duration) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		_, out := runIn(t, env, time.Minute, "cleanup", "--run", runID)
		if strings.Contains(out, "it is over") || strings.Contains(out, "ended (its lease says so)") || strings.Contains(out, "nothing to clean up") {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the lease of %s is not over after %s:\n%s", runID, limit, out)
		}
		time.Sleep(time.Second)
	}
}

// Kinesis stops answering mid-run (SIGSTOP): the stall is reported by name
// within seconds; Ctrl-C ends the run within a bound, the healthy services'
// resources are deleted, the stopped one is named, and cleanup removes it
// once the run's lease has run out.
func TestFaultStalledEndpointCtrlC(t *testing.T) {
	si := startStandIns(t)
	env := si.env(t)
	runID := faultRunID("stl")
	p := startProc(t, env, "run", faultScenario, "--backend", "aws", "--yes", "--duration", "90s", "--drain", "5s",
		"--run-id", runID, "--lease-ttl", "6s")
	p.waitFor(t, "producers started", 2*time.Minute)
	time.Sleep(2 * time.Second)
	si.kin.Stop(t)
	stopped := time.Now()
	said := p.waitFor(t, "kinesis endpoint "+si.kin.Endpoint+" is not answering", 30*time.Second)
	time.Sleep(time.Second)
	p.signal(t, syscall.SIGINT)
	interrupted := time.Now()
	code := p.wait(t, 90*time.Second)
	took := time.Since(interrupted)
	out := p.output()
	left := si.leftovers(t, runID) // asked of dynalite and S3 while kinesis-local is stopped
	t.Logf("FAULT kinesis SIGSTOP + Ctrl-C: exit %d, stall reported %.1fs after SIGSTOP, exit %.1fs after Ctrl-C; left after the run: %v",
		code, said.Sub(stopped).Seconds(), took.Seconds(), left)
	if code != 2 {
		t.Errorf("exit %d, want 2", code)
	}
	if said.Sub(stopped) > 15*time.Second {
		t.Errorf("the stall was reported %s after SIGSTOP", said.Sub(stopped))
	}
	if took > 30*time.Second {
		t.Errorf("the run took %s to end after Ctrl-C", took)
	}
	mustContain(t, out, "endpoint faults", "kinesis endpoint "+si.kin.Endpoint+": stopped answering",
		"deleted dynamodb-table streamsim-"+runID+"-events", "deleted s3-bucket streamsim-"+runID+"-lake",
		"could not delete kinesis-stream streamsim-"+runID+"-clicks", "streamsim cleanup --run "+runID+" --yes")
	for _, l := range left {
		if !strings.HasPrefix(l, "kinesis not listed") {
			t.Errorf("left on a healthy service: %s", l)
		}
	}

	si.kin.Cont(t)
	if left := si.leftovers(t, runID); len(left) != 1 || !strings.HasPrefix(left[0], "stream ") {
		t.Errorf("after SIGCONT: %v, want the stream only", left)
	}
	waitLeaseOver(t, env, runID, 30*time.Second)
	code, cout := runIn(t, env, time.Minute, "cleanup", "--run", runID, "--yes")
	left = si.leftovers(t, runID)
	t.Logf("FAULT kinesis SIGSTOP + Ctrl-C: cleanup exit %d, left after cleanup: %v", code, left)
	if code != 0 || len(left) != 0 {
		t.Errorf("cleanup: exit %d, left %v\n%s", code, left, cout)
	}
}

// A second Ctrl-C leaves at once, saying what is left and how to delete it.
func TestFaultSecondCtrlC(t *testing.T) {
	si := startStandIns(t)
	env := si.env(t)
	runID := faultRunID("two")
	p := startProc(t, env, "run", faultScenario, "--backend", "aws", "--yes", "--duration", "90s", "--run-id", runID, "--lease-ttl", "6s")
	p.waitFor(t, "producers started", 2*time.Minute)
	time.Sleep(2 * time.Second)
	si.kin.Stop(t)
	time.Sleep(time.Second)
	p.signal(t, syscall.SIGINT)
	p.waitFor(t, "Ctrl-C again leaves at once", 10*time.Second)
	time.Sleep(500 * time.Millisecond)
	p.signal(t, syscall.SIGINT)
	second := time.Now()
	code := p.wait(t, 10*time.Second)
	took := time.Since(second)
	out := p.output()
	left := si.leftovers(t, runID)
	t.Logf("FAULT second Ctrl-C: exit %d, %.2fs after the second Ctrl-C; left after the run: %v", code, took.Seconds(), left)
	if code != 2 || took > 2*time.Second {
		t.Errorf("exit %d after %s, want 2 at once", code, took)
	}
	mustContain(t, out, "Ctrl-C again: leaving at once", "kinesis-stream streamsim-"+runID+"-clicks",
		"Delete them with: streamsim cleanup --run "+runID+" --yes")
	si.kin.Cont(t)
	code, cout := runIn(t, env, time.Minute, "cleanup", "--run", runID, "--yes", "--force")
	left = si.leftovers(t, runID)
	t.Logf("FAULT second Ctrl-C: cleanup --force exit %d, left after cleanup: %v", code, left)
	if code != 0 || len(left) != 0 {
		t.Errorf("cleanup --force: exit %d, left %v\n%s", code, left, cout)
	}
}

// cleanup --yes during a live run leaves it alone and says so; the run goes
// on, loses nothing and deletes all it created.
func TestCleanupLeavesLiveRun(t *testing.T) {
	si := startStandIns(t)
	env := si.env(t)
	runID := faultRunID("liv")
	report := filepath.Join(t.TempDir(), "report.json")
	p := startProc(t, env, "run", awsScenario, "--backend", "aws", "--yes", "--duration", "15s", "--run-id", runID, "--json", report)
	p.waitFor(t, "producers started", 2*time.Minute)
	time.Sleep(2 * time.Second)
	// --run: the emulators are shared with tests that run side by side, and
	// whose kept runs have ended (and are cleanup's to delete).
	code, cout := runIn(t, env, time.Minute, "cleanup", "--run", runID, "--yes")
	if code != 0 {
		t.Errorf("cleanup: exit %d\n%s", code, cout)
	}
	mustContain(t, cout, "run "+runID+": still going", "left alone")
	if strings.Contains(cout, "deleted") {
		t.Errorf("cleanup deleted something of a live run:\n%s", cout)
	}
	code = p.wait(t, 2*time.Minute)
	out := p.output()
	rep := readFaultReport(t, report)
	t.Logf("FAULT cleanup during a live run: run exit %d, lost %v of %v produced", code, rep.Metrics["pipeline.lost_records"], rep.Metrics["pipeline.produced_records"])
	if code != 0 || rep.Metrics["pipeline.lost_records"] != 0 || rep.Metrics["pipeline.delivered_records"] != 2*rep.Metrics["pipeline.produced_records"] {
		t.Errorf("run: exit %d, metrics %v\n%s", code, rep.Metrics, out)
	}
	mustContain(t, out, "deleted all 4 resources it created")
	if left := si.leftovers(t, runID); len(left) != 0 {
		t.Errorf("left: %v", left)
	}
}

type faultReport struct {
	Passed  bool
	Metrics map[string]float64
}

func readFaultReport(t *testing.T, path string) faultReport {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var r struct {
		Passed  bool
		Metrics map[string]*float64
	}
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatalf("%s: %v\n%s", path, err, data)
	}
	out := faultReport{Passed: r.Passed, Metrics: map[string]float64{}}
	for k, v := range r.Metrics {
		if v != nil {
			out.Metrics[k] = *v
		}
	}
	return out
}

// Kinesis killed mid-run, with --keep and no expectations: the run fails
// (exit 2), counts what it lost, and what the table holds is what the
// report says; cleanup deletes what was kept, the run having ended.
func TestFaultKilledEndpointKept(t *testing.T) {
	si := startStandIns(t)
	env := si.env(t)
	runID := faultRunID("kil")
	report := filepath.Join(t.TempDir(), "report.json")
	p := startProc(t, env, "run", faultScenario, "--backend", "aws", "--yes", "--keep", "--duration", "15s", "--drain", "3s",
		"--run-id", runID, "--json", report)
	p.waitFor(t, "producers started", 2*time.Minute)
	time.Sleep(4 * time.Second)
	si.kin.Kill(t)
	killed := time.Now()
	code := p.wait(t, 2*time.Minute)
	out := p.output()
	rep := readFaultReport(t, report)
	m := rep.Metrics
	items := si.items(t, "streamsim-"+runID+"-events")
	left := si.leftovers(t, runID)
	t.Logf("FAULT kinesis killed (--keep): exit %d, %.1fs after the kill; produced %v delivered %v lost %v in flight %v; read back %d items (report %v); kept %v",
		code, time.Since(killed).Seconds(), m["pipeline.produced_records"], m["pipeline.delivered_records"], m["pipeline.lost_records"],
		m["pipeline.in_flight_records"], items, m["events.records_in"], left)
	if code != 2 || rep.Passed {
		t.Errorf("exit %d, passed %v: want 2 and a failed report", code, rep.Passed)
	}
	mustContain(t, out, "ERROR aws-faults: no expectations to check", "endpoint faults", "kinesis endpoint "+si.kin.Endpoint)
	if float64(items) != m["events.records_in"] {
		t.Errorf("the table holds %d items, the report says %v", items, m["events.records_in"])
	}
	if m["pipeline.lost_records"] <= 0 {
		t.Error("nothing counted lost")
	}
	code, cout := runIn(t, env, time.Minute, "cleanup", "--run", runID, "--yes")
	left = si.leftovers(t, runID)
	t.Logf("FAULT kinesis killed (--keep): cleanup exit %d, left after cleanup: %v", code, left)
	if code != 2 || len(left) != 1 || !strings.HasPrefix(left[0], "kinesis not listed") {
		// kinesis-local is gone with its stream: cleanup says it could not list it (exit 2), and deletes the rest.
		t.Errorf("cleanup: exit %d, left %v\n%s", code, left, cout)
	}
	mustContain(t, cout, "ended (its lease says so)", "deleted 2 resources")
}

// The program itself killed (SIGKILL) mid-run: a report path is left as it
// was, the resources stay under a live lease that cleanup respects until it
// runs out, and then cleanup deletes them.
func TestFaultProgramKilled(t *testing.T) {
	si := startStandIns(t)
	env := si.env(t)
	runID := faultRunID("sgk")
	report := filepath.Join(t.TempDir(), "report.json")
	if err := os.WriteFile(report, []byte("old report\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	p := startProc(t, env, "run", faultScenario, "--backend", "aws", "--yes", "--duration", "60s", "--run-id", runID,
		"--json", report, "--lease-ttl", "6s")
	p.waitFor(t, "producers started", 2*time.Minute)
	time.Sleep(3 * time.Second)
	p.signal(t, syscall.SIGKILL)
	p.wait(t, 10*time.Second)
	data, _ := os.ReadFile(report)
	var files []string
	entries, _ := os.ReadDir(filepath.Dir(report))
	for _, e := range entries {
		files = append(files, e.Name())
	}
	left := si.leftovers(t, runID)
	_, cout := runIn(t, env, time.Minute, "cleanup", "--run", runID, "--yes")
	t.Logf("FAULT program SIGKILL: report %q, files beside it %v; left after the run: %v", data, files, left)
	if string(data) != "old report\n" {
		t.Errorf("the report path holds %q, want it as it was", data)
	}
	if len(left) != 3 {
		t.Errorf("left %v, want the stream, the table and the bucket", left)
	}
	mustContain(t, cout, "run "+runID+": still going", "left alone")
	waitLeaseOver(t, env, runID, 30*time.Second)
	code, cout := runIn(t, env, time.Minute, "cleanup", "--run", runID, "--yes")
	left = si.leftovers(t, runID)
	t.Logf("FAULT program SIGKILL: cleanup exit %d, left after cleanup: %v", code, left)
	if code != 0 || len(left) != 0 {
		t.Errorf("cleanup: exit %d, left %v\n%s", code, left, cout)
	}
}

// connectProxy records every request and CONNECT it is asked for, and
// refuses them all.
type connectProxy struct {
	mu   sync.Mutex
	seen []string
	url  string
}

func startConnectProxy(t *testing.T) *connectProxy {
	t.Helper()
	p := &connectProxy{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		p.seen = append(p.seen, r.Method+" "+r.Host)
		p.mu.Unlock()
		http.Error(w, "no", http.StatusForbidden)
	}))
	t.Cleanup(srv.Close)
	p.url = srv.URL
	return p
}

func (p *connectProxy) take() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.seen
	p.seen = nil
	return s
}

// Endpoints half set (Kinesis only): run --yes, cleanup and cleanup --yes
// stop with exit 2 and send nothing to a host that is not local. A proxy that
// records every connection sees none, and it does see the calls of a cleanup
// told that S3 and DynamoDB are meant to be on AWS.
func TestHalfSetEndpointsNeverLeaveThisMachine(t *testing.T) {
	proxy := startConnectProxy(t)
	var env []string
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "AWS_") || strings.HasSuffix(strings.ToUpper(k), "_PROXY") {
			continue
		}
		env = append(env, kv)
	}
	dir := t.TempDir()
	env = append(env, "CI=true", "AWS_CONFIG_FILE="+filepath.Join(dir, "config"), "AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(dir, "credentials"),
		"AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test-secret-never-printed", "AWS_REGION=us-east-1",
		"AWS_ENDPOINT_URL_KINESIS="+closedPort(t),
		"HTTP_PROXY="+proxy.url, "HTTPS_PROXY="+proxy.url, "NO_PROXY=127.0.0.1,localhost")
	for _, args := range [][]string{
		{"run", awsScenario, "--backend", "aws", "--yes"},
		{"run", awsScenario, "--backend", "aws"},
		{"cleanup"},
		{"cleanup", "--yes"},
	} {
		code, out := runIn(t, env, time.Minute, args...)
		if code != 2 || !strings.Contains(out, "would go to AWS") {
			t.Errorf("%v: exit %d\n%s", args, code, out)
		}
		if seen := proxy.take(); len(seen) > 0 {
			t.Errorf("%v sent calls towards hosts that are not local: %v", args, seen)
		}
	}
	// The control: told to, cleanup does call AWS, and the proxy sees it.
	_, out := runIn(t, env, time.Minute, "cleanup", "--aws-services", "s3,dynamodb", "--call-timeout", "5s")
	seen := strings.Join(proxy.take(), " ")
	if !regexp.MustCompile(`CONNECT (s3|dynamodb)\.us-east-1\.amazonaws\.com:443`).MatchString(seen) {
		t.Errorf("the proxy saw %q; want the calls of a cleanup told to use AWS (else it proves nothing)\n%s", seen, out)
	}
}
