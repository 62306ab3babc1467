package pipeline

import (
	"sort"
	"strings"
	"time"
)

// Node is one box of the pipeline: a producer, a stream, a consumer or a destination.
type Node struct {
	ID      string
	Stage   Stage
	Service *Service
	From    string   // consumers: the stream they read ("" = direct PUT)
	To      []string // where it writes
	Params  map[string]Value
	Pos     Pos            // of the node's `id`
	RefPos  map[string]Pos // "from", "to[0]"… for error messages
	Comment string         // head comment of the node in the file, kept on save
	// Notes are the line comments of its settings, by key ("rate", "buffer"
	// for a group written on one line, "pattern.every"), kept on save.
	Notes map[string]string
}

// Param returns the value of key with defaults applied, and whether the key exists.
func (n *Node) Param(key string) (Value, bool) {
	if v, ok := n.Params[key]; ok {
		return v, true
	}
	k, ok := n.Service.Key(key)
	if !ok || k.Default == "" {
		return Value{}, false
	}
	v, err := ParseValue(k.Kind, k.Default)
	if err != nil {
		return Value{}, false
	}
	v.Set = false
	return v, true
}

// Num returns a numeric setting in base units (0 if unset and without default).
func (n *Node) Num(key string) float64 { v, _ := n.Param(key); return v.Num }

// Int returns an integer setting.
func (n *Node) Int(key string) int { return int(n.Num(key)) }

// Dur returns a duration setting.
func (n *Node) Dur(key string) time.Duration { v, _ := n.Param(key); return v.Dur }

// Str returns an enum or string setting.
func (n *Node) Str(key string) string { v, _ := n.Param(key); return v.Str }

// Bool returns a boolean setting.
func (n *Node) Bool(key string) bool { v, _ := n.Param(key); return v.Bool }

// Rate returns a rate setting.
func (n *Node) Rate(key string) Rate { v, _ := n.Param(key); return v.Rate }

// Has reports whether key was written in the file or set later.
func (n *Node) Has(key string) bool { _, ok := n.Params[key]; return ok }

// SortedParamKeys lists the keys written for the node in catalog order.
func (n *Node) SortedParamKeys() []string {
	out := make([]string, 0, len(n.Params))
	for _, k := range n.Service.Keys {
		if _, ok := n.Params[k.Name]; ok {
			out = append(out, k.Name)
		}
	}
	return out
}

// Clone returns a deep copy of the node.
func (n *Node) Clone() *Node {
	c := *n
	c.To = append([]string(nil), n.To...)
	c.Params = make(map[string]Value, len(n.Params))
	for k, v := range n.Params {
		c.Params[k] = v
	}
	c.RefPos = make(map[string]Pos, len(n.RefPos))
	for k, v := range n.RefPos {
		c.RefPos[k] = v
	}
	if n.Notes != nil {
		c.Notes = make(map[string]string, len(n.Notes))
		for k, v := range n.Notes {
			c.Notes[k] = v
		}
	}
	return &c
}

// Requirements are what the architecture must achieve; the advisor reads them.
type Requirements struct {
	Latency         time.Duration
	Throughput      Rate
	Ordering        string // none | per-key
	Retention       time.Duration
	ExistingKafka   bool
	Transformations bool
	Delivery        []ServiceName
	Budget          float64
	Set             []string // keys written, in file order
}

// Assignment is one `node.key: value` of a timeline `set`.
type Assignment struct {
	Node, Key string
	Value     Value
}

// Change is one timeline entry.
type Change struct {
	At   time.Duration
	Set  []Assignment // sorted by node then key
	Fail string       // node that stops working
	For  time.Duration
	Pos  Pos
}

// LessonStep is one step of a workshop lesson: text, and at most one thing
// the learner must do before the lesson goes on (lesson.go).
type LessonStep struct {
	Say     string
	At      time.Duration
	Has     bool // At was given
	Check   *Check
	Did     *Action
	Predict *Prediction
	Hint    string // shown when the learner has waited a while at the step
	Pos     Pos
}

// Asks reports whether the step waits for the learner.
func (st LessonStep) Asks() bool { return st.Check != nil || st.Did != nil || st.Predict != nil }

// Scenario is one pipeline with its load over time and what must hold at the end.
type Scenario struct {
	File         string
	Version      int
	Name         string
	Title        string
	Description  string
	Seed         int64
	Duration     time.Duration
	Tick         time.Duration
	Region       string
	Requirements Requirements
	Nodes        []*Node // producers, storage, consumers, destinations, each in file order
	Timeline     []Change
	Expect       []Expectation
	Lesson       []LessonStep
	// Source is the file the scenario was loaded from (nil when built in
	// code). EncodeFile keeps its comments, key order and spellings; it is
	// never modified, so clones share it.
	Source []byte
}

// Node finds a node by id.
func (s *Scenario) Node(id string) *Node {
	for _, n := range s.Nodes {
		if n.ID == id {
			return n
		}
	}
	return nil
}

// RegionOrDefault is the scenario's region; us-east-1 for one built in code
// without a region.
func (s *Scenario) RegionOrDefault() string {
	if s.Region == "" {
		return DefaultRegion
	}
	return s.Region
}

// HighQuotaRegion reports whether the scenario runs in us-east-1, us-west-2 or
// eu-west-1, the Regions where AWS sets Firehose's Direct PUT quota (FH-DIRECT-PUT-QUOTA),
// Kinesis on-demand's maximum (KDS-ONDEMAND-MAX) and the account shard quota
// (KDS-ACCOUNT-SHARDS) highest.
func (s *Scenario) HighQuotaRegion() bool {
	switch s.RegionOrDefault() {
	case "us-east-1", "us-west-2", "eu-west-1":
		return true
	}
	return false
}

// DirectPutQuota is Firehose's Direct PUT quota per stream in the scenario's
// region (rule FH-DIRECT-PUT-QUOTA): records/s, requests/s and bytes/s.
func (s *Scenario) DirectPutQuota() (recs, requests, bytes float64) {
	if s.HighQuotaRegion() {
		return FirehoseDirectRecs, FirehoseDirectRequests, FirehoseDirectBytes
	}
	return FirehoseDirectRecsOther, FirehoseDirectRequestsOther, FirehoseDirectBytesOther
}

// Stage lists the nodes of one stage in file order.
func (s *Scenario) Stage(st Stage) []*Node {
	var out []*Node
	for _, n := range s.Nodes {
		if n.Stage == st {
			out = append(out, n)
		}
	}
	return out
}

// Readers lists the nodes whose `from` is the node id (consumers, and
// destinations with streaming ingestion), in file order.
func (s *Scenario) Readers(id string) []*Node {
	var out []*Node
	for _, n := range s.Nodes {
		if n.From != "" && n.From == id {
			out = append(out, n)
		}
	}
	return out
}

// Writers lists the nodes that name id in their `to`, in file order.
func (s *Scenario) Writers(id string) []*Node {
	var out []*Node
	for _, n := range s.Nodes {
		for _, t := range n.To {
			if t == id {
				out = append(out, n)
				break
			}
		}
	}
	return out
}

// Services lists the distinct services the scenario uses, in catalog order.
func (s *Scenario) Services() []*Service {
	var out []*Service
	for _, svc := range Services() {
		for _, n := range s.Nodes {
			if n.Service == svc && svc.Stage != Producer {
				out = append(out, svc)
				break
			}
		}
	}
	return out
}

// Clone returns a deep copy, so a run can apply changes without touching the original.
func (s *Scenario) Clone() *Scenario {
	c := *s
	c.Nodes = make([]*Node, len(s.Nodes))
	for i, n := range s.Nodes {
		c.Nodes[i] = n.Clone()
	}
	c.Timeline = append([]Change(nil), s.Timeline...)
	for i := range c.Timeline {
		c.Timeline[i].Set = append([]Assignment(nil), s.Timeline[i].Set...)
	}
	c.Expect = append([]Expectation(nil), s.Expect...)
	c.Lesson = append([]LessonStep(nil), s.Lesson...)
	c.Requirements.Delivery = append([]ServiceName(nil), s.Requirements.Delivery...)
	c.Requirements.Set = append([]string(nil), s.Requirements.Set...)
	return &c
}

// SortTimeline orders the timeline by time, keeping file order for equal times.
func (s *Scenario) SortTimeline() {
	sort.SliceStable(s.Timeline, func(i, j int) bool { return s.Timeline[i].At < s.Timeline[j].At })
}

// SplitRef splits "node.key.sub" into the node id and the key.
func SplitRef(ref string) (node, key string) {
	node, key, _ = strings.Cut(ref, ".")
	return node, key
}
