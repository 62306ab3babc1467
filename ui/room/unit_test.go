package room

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/streamsim/streamsim/backends"
	"github.com/streamsim/streamsim/internal/safefile"
	"github.com/streamsim/streamsim/pipeline"
	"github.com/streamsim/streamsim/ui/common"
)

const tinyYAML = `version: 1
name: tiny
duration: 1m
producers:
  - id: app
    rate: 10/s
    to: [s]
storage:
  - id: s
    service: kinesis-data-streams
    shards: 2
consumers:
  - id: f
    service: firehose
    from: s
    to: [lake]
destinations:
  - id: lake
    service: s3
`

func newStore(t *testing.T) (*learnerStore, string) {
	t.Helper()
	base := t.TempDir()
	dir := filepath.Join(base, "learners", "ann")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	st, err := newLearnerStore(dir, 4<<10, &sync.WaitGroup{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.close)
	return st, dir
}

// TestStoreStaysInFolder: every path is inside the learner's folder: "~"
// is the folder; absolute paths, "..", and links out are refused in words
// that name no path of the server.
func TestStoreStaysInFolder(t *testing.T) {
	st, dir := newStore(t)
	if err := st.Save("mine.yaml", []byte(tinyYAML), false); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "mine.yaml")); err != nil {
		t.Fatalf("the save is not in the folder: %v", err)
	}
	for _, p := range []string{"mine.yaml", "~/mine.yaml", "./x/../mine.yaml"} {
		if sc, err := st.Load(p); err != nil || sc.Name != "tiny" {
			t.Errorf("Load(%q): %v", p, err)
		}
	}
	secret := filepath.Join(t.TempDir(), "secret.yaml")
	if err := os.WriteFile(secret, []byte(tinyYAML), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(secret, filepath.Join(dir, "link.yaml")); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{secret, "../../x.yaml", "~root/x.yaml", "link.yaml", "/etc/passwd", "a\x00b"} {
		_, lerr := st.Load(p)
		serr := st.Save(p, []byte(tinyYAML), true)
		for _, err := range []error{lerr, serr} {
			if err == nil {
				t.Errorf("%q: not refused", p)
				continue
			}
			if strings.Contains(err.Error(), dir) { // the learner's typed path may be echoed; the server's are not
				t.Errorf("%q: the error names a server path: %v", p, err)
			}
		}
	}
	if data, _ := os.ReadFile(secret); string(data) != tinyYAML {
		t.Error("a save reached the file behind a link")
	}
	if err := st.Save("mine.yaml", []byte(tinyYAML), false); !errors.Is(err, common.ErrExists) {
		t.Errorf("a save over a file without overwrite: %v", err)
	}
	if _, err := st.Load("none.yaml"); err == nil || common.FileError("none.yaml", err) != "no file none.yaml in your folder" {
		t.Errorf("a missing file: %v → %q", err, common.FileError("none.yaml", err))
	}
	var nr *safefile.NotRegularError
	if _, err := st.Load("~"); !errors.As(err, &nr) {
		t.Errorf("the folder itself: %v", err)
	}
	got, err := st.Complete("m")
	if err != nil || len(got) != 1 || got[0] != "mine.yaml" {
		t.Errorf("Complete(m) = %v, %v", got, err)
	}
	if got, _ := st.Complete("~/"); len(got) != 2 { // mine.yaml, link.yaml
		t.Errorf("Complete(~/) = %v", got)
	}
	if _, err := st.Complete("../"); err == nil {
		t.Error("completion left the folder")
	}
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("a temporary file stayed: %s", e.Name())
		}
	}
}

// TestStoreLimits: a file larger than the room's largest scenario is not
// opened; the folder has a size limit.
func TestStoreLimits(t *testing.T) {
	st, dir := newStore(t)
	big := tinyYAML + "# " + strings.Repeat("x", 5<<10) + "\n"
	if err := os.WriteFile(filepath.Join(dir, "big.yaml"), []byte(big), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := st.Load("big.yaml")
	var probs pipeline.Problems
	if !errors.As(err, &probs) || !strings.Contains(err.Error(), "this room opens scenarios of up to 4KiB") {
		t.Errorf("a large file: %v", err)
	}
	if err := st.roomFor(maxFolderBytes); err == nil || !strings.Contains(err.Error(), "your folder on the server is full") {
		t.Errorf("past the folder's limit: %v", err)
	}
}

// fakeRun records what the limited run passes on.
type fakeRun struct {
	backends.Run
	mu     sync.Mutex
	speeds []float64
	steps  int
	limits []time.Duration
}

func (f *fakeRun) SetLimit(t time.Duration) {
	f.mu.Lock()
	f.limits = append(f.limits, t)
	f.mu.Unlock()
}

func (f *fakeRun) SetSpeed(x float64) { f.mu.Lock(); f.speeds = append(f.speeds, x); f.mu.Unlock() }
func (f *fakeRun) Step()              { f.mu.Lock(); f.steps++; f.mu.Unlock() }
func (f *fakeRun) Apply(pipeline.Change) (time.Duration, error) {
	return 0, nil
}

type fakeBackend struct{ run *fakeRun }

func (b fakeBackend) Start(context.Context, *pipeline.Scenario) (backends.Run, error) {
	return b.run, nil
}

// TestLimitedRun: no run faster than the room's rate (as fast as possible
// means that fast), no steps beyond it, no scenario or change larger than
// the room runs.
func TestLimitedRun(t *testing.T) {
	sc, err := pipeline.Load("tiny", []byte(tinyYAML))
	if err != nil {
		t.Fatal(err)
	}
	if u := units(sc); u != 4+2 {
		t.Errorf("units = %d, want 4 nodes + 2 shards", u)
	}
	fr := &fakeRun{}
	lb := &limitedBackend{b: fakeBackend{fr}, ticks: 100, maxUnits: 10}
	r, err := lb.Start(context.Background(), sc)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range []float64{0, 1e9, 60, -1} {
		r.SetSpeed(x)
	}
	if want := []float64{100, 100, 100, 60, 100}; !equal(fr.speeds, want) {
		t.Errorf("speeds passed on %v, want %v (the tick is 1s: 100 ticks/s is ×100)", fr.speeds, want)
	}
	lim, ok := r.(backends.Limiter)
	if !ok {
		t.Fatal("the limited run hides the simulator's Limiter: a lesson could not hold it at answer_at")
	}
	lim.SetLimit(5 * time.Minute)
	if len(fr.limits) != 1 || fr.limits[0] != 5*time.Minute {
		t.Errorf("limits passed on %v, want [5m]", fr.limits)
	}
	for range 1000 {
		r.Step()
	}
	if fr.steps > 20 {
		t.Errorf("%d of 1000 steps at once passed, want the burst (10)", fr.steps)
	}
	big := pipeline.Change{Set: []pipeline.Assignment{{Node: "s", Key: "shards", Value: pipeline.Value{Num: 11}}}}
	if _, err := r.Apply(big); err == nil || !strings.Contains(err.Error(), "at most 10 shards") {
		t.Errorf("a change past the limit: %v", err)
	}
	lb.maxUnits = 5
	if _, err := lb.Start(context.Background(), sc); err == nil || !strings.Contains(err.Error(), "too large for this room") {
		t.Errorf("a scenario past the limit: %v", err)
	}
}

func equal(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestFolderOf: names become safe folder names, or are refused.
func TestFolderOf(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Ada", "ada"}, {"ada lovelace", "ada-lovelace"}, {"../../etc", "etc"}, {"José", "jos"},
		{"a\x1b[2Jb", "a-2jb"}, {"key-1234", "name-key-1234"}, {strings.Repeat("x", 80), strings.Repeat("x", 32)},
		{"...", ""}, {"\u202e", ""},
	} {
		got, err := folderOf(c.in)
		if got != c.want || (err != nil) != (c.want == "") {
			t.Errorf("folderOf(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
}

// TestCodes: made-up codes have eight characters that do not look alike;
// the comparison ignores case, dashes and spaces.
func TestCodes(t *testing.T) {
	seen := map[string]bool{}
	for range 50 {
		c := NewCode()
		if len(c) != 9 || c[4] != '-' || strings.ContainsAny(c, "01ilo") || seen[c] {
			t.Fatalf("code %q", c)
		}
		seen[c] = true
	}
	r := &Room{cfg: Config{Code: "abcd-efgh"}}
	for in, want := range map[string]bool{"abcd-efgh": true, "ABCD EFGH": true, "abcdefgh": true, "abcd-efg": false, "": false} {
		if r.codeMatches(in) != want {
			t.Errorf("codeMatches(%q) != %v", in, want)
		}
	}
}

// TestCollect: every learner's scenario files and progress, and an index
// that says how to replay each lesson; never into the room's own folder.
func TestCollect(t *testing.T) {
	dir := t.TempDir()
	write := func(rel, data string) {
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("learners/ann/seed-pipeline-session.yaml", tinyYAML)
	write("learners/ann/.x.yaml.123.tmp", "half")
	write("learners/ann/notes.txt", "not a scenario")
	write("learners/bob|x/mine.yaml", tinyYAML)
	write("progress/ann.json", `{"name":"Ann \u001b[2J","lessons":{"seed-pipeline":{"started":true,"steps":2,"of":7,"best_error":0.1}}}`)
	out := filepath.Join(t.TempDir(), "out")
	got, err := Collect(dir, out)
	if err != nil {
		t.Fatal(err)
	}
	if got.Learners != 2 || len(got.Files) != 2 {
		t.Fatalf("collected %+v", got)
	}
	for _, p := range []string{"ann/seed-pipeline-session.yaml", "ann/progress.json", "bob|x/mine.yaml"} {
		if _, err := os.Stat(filepath.Join(out, p)); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
	for _, p := range []string{"ann/.x.yaml.123.tmp", "ann/notes.txt"} {
		if _, err := os.Stat(filepath.Join(out, p)); err == nil {
			t.Errorf("%s was collected", p)
		}
	}
	index, _ := os.ReadFile(filepath.Join(out, "README.md"))
	for _, want := range []string{`Ann \x1b[2J`, "seed-pipeline 2/7 steps · best prediction 10% off",
		"streamsim run --lesson " + filepath.Join(out, "ann", "seed-pipeline-session.yaml"),
		`bob\|x`, "'" + filepath.Join(out, "bob|x", "mine.yaml") + "'"} {
		if !strings.Contains(string(index), want) {
			t.Errorf("the index lacks %q:\n%s", want, index)
		}
	}
	if strings.Contains(string(index), "\x1b") {
		t.Error("the index holds a raw escape")
	}
	if _, err := Collect(dir, filepath.Join(dir, "inside")); err == nil {
		t.Error("collected into the room's own folder")
	}
}

// TestOwnCopies: a session's built-ins share nothing a learner's TUI could
// write into with another's.
func TestOwnCopies(t *testing.T) {
	bs, err := builtinsOnce()
	if err != nil {
		t.Fatal(err)
	}
	a, b := cloneBuiltins(bs), cloneBuiltins(bs)
	for i := range a {
		sa, sb := a[i].Scenario, b[i].Scenario
		if sa == sb || sa == bs[i].Scenario {
			t.Fatalf("%s: the same scenario", a[i].Name)
		}
		for j := range sa.Nodes {
			if sa.Nodes[j] == sb.Nodes[j] {
				t.Errorf("%s: node %s shared", a[i].Name, sa.Nodes[j].ID)
			}
		}
		for j := range sa.Lesson {
			x, y := sa.Lesson[j], sb.Lesson[j]
			if x.Predict != nil && x.Predict == y.Predict || x.Check != nil && x.Check == y.Check || x.Did != nil && x.Did == y.Did {
				t.Errorf("%s: lesson step %d shared", a[i].Name, j)
			}
		}
	}
}

// TestHostKeyKept: the host key is made once and reused, so learners' ssh
// does not warn of a changed key when the room starts again.
func TestHostKeyKept(t *testing.T) {
	dir := t.TempDir()
	var fps []string
	for range 2 {
		r, err := New(Config{Dir: dir, Code: "x"})
		if err != nil {
			t.Fatal(err)
		}
		fps = append(fps, r.HostKey())
	}
	if fps[0] == "" || fps[0] != fps[1] {
		t.Errorf("host keys %v: want one, kept", fps)
	}
	st, err := os.Stat(filepath.Join(dir, hostKeyFile))
	if err != nil || st.Mode().Perm()&0o077 != 0 {
		t.Errorf("the host key file: %v, mode %v", err, st.Mode())
	}
}
