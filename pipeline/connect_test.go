package pipeline

import (
	"os"
	"strings"
	"testing"
)

// node makes a node of svc with the settings a scenario requires.
func testNode(t *testing.T, id, svc string) *Node {
	t.Helper()
	s, ok := LookupService(svc)
	if !ok {
		t.Fatalf("no service %s", svc)
	}
	n := &Node{ID: id, Stage: s.Stage, Service: s, Params: map[string]Value{}, RefPos: map[string]Pos{}}
	if s.Stage == Producer {
		n.Params["rate"], _ = ParseParam(s, "rate", "10/s")
	}
	return n
}

// connectionProblems lists the validation problems about from and to.
func connectionProblems(sc *Scenario) []string {
	var out []string
	for _, p := range sc.Validate() {
		if strings.Contains(p.Path, ".from") || strings.Contains(p.Path, ".to") || strings.Contains(p.Msg, "does not offer") ||
			strings.Contains(p.Msg, "cycle") || strings.Contains(p.Msg, "takes no direct writes") || strings.Contains(p.Msg, "have no from or to") {
			out = append(out, p.Path+": "+p.Msg)
		}
	}
	return out
}

// For every pair of services, CheckConnect agrees with Validate: a pair it
// allows validates once connected; a pair it refuses for AWS's reasons does
// not.
func TestCheckConnectAgreesWithValidate(t *testing.T) {
	for _, as := range Services() {
		for _, bs := range Services() {
			sc := &Scenario{Version: 1, Name: "x", Seed: 1, Duration: 3600e9, Tick: 1e9, Region: DefaultRegion}
			a, b := testNode(t, "a", string(as.Name)), testNode(t, "b", string(bs.Name))
			sc.Nodes = []*Node{a, b}
			err := sc.CheckConnect(a, b)
			if err == nil {
				if _, err := sc.Connect(a, b); err != nil {
					t.Fatal(err)
				}
				if !sc.Connected(a, b) {
					t.Errorf("%s → %s: allowed but not connected", as.Name, bs.Name)
				}
				if p := connectionProblems(sc); len(p) > 0 {
					t.Errorf("%s → %s: allowed, but %v", as.Name, bs.Name, p)
				}
				if !sc.Disconnect(a, b) || sc.Connected(a, b) || a.From != "" || b.From != "" || len(a.To) > 0 {
					t.Errorf("%s → %s: not disconnected", as.Name, bs.Name)
				}
				continue
			}
			if !strings.Contains(err.Error(), "a (") || !strings.Contains(err.Error(), "b (") {
				t.Errorf("%s → %s: the reason does not name both: %v", as.Name, bs.Name, err)
			}
			// Forced, the validator refuses it too.
			if readsFrom(a, b) {
				b.From = a.ID
			} else {
				a.To = []string{b.ID}
			}
			if p := connectionProblems(sc); len(p) == 0 {
				t.Errorf("%s → %s: refused (%v) but validates", as.Name, bs.Name, err)
			}
		}
	}
}

func TestCheckConnectReasons(t *testing.T) {
	sc := &Scenario{Version: 1, Name: "x", Seed: 1, Duration: 3600e9, Tick: 1e9, Region: DefaultRegion}
	web, clicks, events := testNode(t, "web", "producer"), testNode(t, "clicks", "kinesis-data-streams"), testNode(t, "events", "msk-serverless")
	video := testNode(t, "video", "kinesis-video-streams")
	delivery, analytics, copier := testNode(t, "delivery", "firehose"), testNode(t, "analytics", "flink"), testNode(t, "copier", "lambda")
	lake, search, wh := testNode(t, "lake", "s3"), testNode(t, "search", "opensearch"), testNode(t, "wh", "redshift")
	sc.Nodes = []*Node{web, clicks, events, video, delivery, analytics, copier, lake, search, wh}
	must := func(a, b *Node) {
		t.Helper()
		if _, err := sc.Connect(a, b); err != nil {
			t.Fatal(err)
		}
	}
	must(web, clicks)
	must(clicks, delivery)
	must(delivery, lake)
	must(clicks, wh) // Redshift streaming ingestion
	if wh.From != "clicks" {
		t.Fatalf("streaming ingestion is not written as from: %+v", wh)
	}
	must(clicks, analytics)
	must(analytics, events) // Flink writes back into a stream
	for _, c := range []struct {
		a, b *Node
		want string
	}{
		{delivery, delivery, "delivery (Firehose) cannot feed itself"},
		{video, delivery, "delivery (Firehose) cannot read from video (Kinesis Video Streams): Firehose reads from Kinesis Data Streams, MSK, MSK Serverless"},
		{events, delivery, "delivery reads clicks already and a consumer reads one stream; disconnect clicks first"},
		{web, lake, "web (a producer) cannot write to lake (S3): producers write to a stream"},
		{clicks, lake, "S3 does not read streams"},
		{delivery, search, "a Firehose stream delivers to exactly one destination and delivery delivers to lake"},
		{web, analytics, "Managed Flink takes no direct writes"},
		{events, analytics, "analytics reads clicks already"},
		{lake, web, "producers are where data starts"},
		{lake, search, "destinations are where data ends"},
		{events, copier, ""},
	} {
		err := sc.CheckConnect(c.a, c.b)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s → %s: %v", c.a.ID, c.b.ID, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s → %s: %v, want %q", c.a.ID, c.b.ID, err, c.want)
		}
	}
	must(events, copier)
	// copier → clicks would close a loop clicks → analytics → events → copier → clicks.
	if err := sc.CheckConnect(copier, clicks); err == nil || !strings.Contains(err.Error(), "cycle (clicks → analytics → events → copier → clicks)") {
		t.Fatalf("cycle: %v", err)
	}
}

func TestRemoveAndRenameNode(t *testing.T) {
	data := `version: 1
name: x
producers:
  - id: web
    rate: 10/s
    to: [clicks]
storage:
  - id: clicks
    service: kinesis-data-streams
consumers:
  - id: app
    service: app
    from: clicks
    to: [lake]
destinations:
  - id: lake
    service: s3
timeline:
  - at: 10m
    set: {clicks.shards: 2, web.rate: 20/s}
  - at: 20m
    fail: clicks
expect:
  - clicks.throttled_records == 0
  - pipeline.lost_records == 0
`
	sc, err := Load("x.yaml", []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	sc.RenameNode("clicks", "events")
	if sc.Node("web").To[0] != "events" || sc.Node("app").From != "events" || sc.Timeline[1].Fail != "events" ||
		sc.Expect[0].Text != "events.throttled_records == 0" || sc.Expect[0].Metric != "events.throttled_records" {
		t.Fatalf("rename left references: %+v", sc)
	}
	r := sc.RemoveNode("events")
	if r != (Removed{Connections: 2, Timeline: 2, Expect: 1}) {
		t.Fatalf("removed %+v", r)
	}
	if len(sc.Timeline) != 1 || len(sc.Timeline[0].Set) != 1 || len(sc.Expect) != 1 || sc.Node("app").From != "" {
		t.Fatalf("after remove: %+v", sc)
	}
}

// TestRenameAndRemoveReachTheLesson: renaming a node renames it in what
// lesson steps check, ask and predict, without touching a clone; removing it
// drops those questions (their text stays) and counts them.
func TestRenameAndRemoveReachTheLesson(t *testing.T) {
	data, err := os.ReadFile("../scenarios/seed-pipeline.yaml")
	if err != nil {
		t.Fatal(err)
	}
	sc, err := Load("seed-pipeline.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	before := sc.Clone()
	sc.RenameNode("clicks", "events")
	if ps := sc.Validate(); len(ps) > 0 {
		t.Fatalf("renamed: %v", ps)
	}
	if ps := before.Validate(); len(ps) > 0 {
		t.Fatalf("the clone changed with the rename: %v", ps)
	}
	asked := 0
	for _, st := range before.Lesson {
		if st.Check != nil && refNode(st.Check.Ref) == "clicks" || st.Did != nil && st.Did.Node == "clicks" ||
			st.Predict != nil && refNode(st.Predict.Metric) == "clicks" {
			asked++
		}
	}
	r := before.RemoveNode("clicks")
	if asked == 0 || r.Lesson != asked {
		t.Fatalf("removed %d lesson questions; the lesson asked %d about clicks", r.Lesson, asked)
	}
	if len(before.Lesson) != len(sc.Lesson) {
		t.Fatalf("steps dropped: %d of %d left", len(before.Lesson), len(sc.Lesson))
	}
}
