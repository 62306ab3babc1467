package aws

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/streamsim/streamsim/pipeline"
)

// NamePrefix starts the name of everything a run creates.
const NamePrefix = "streamsim-"

// TagRun is the tag key every created resource carries, with the run id as value.
const TagRun = "streamsim:run"

// TagScenario names the scenario a resource was created for.
const TagScenario = "streamsim:scenario"

// Kind is the type of a resource a run creates.
type Kind string

// The kinds of resources a run creates.
const (
	KindStream         Kind = "kinesis-stream"
	KindStreamConsumer Kind = "kinesis-efo-consumer"
	KindDeliveryStream Kind = "firehose-delivery-stream"
	KindBucket         Kind = "s3-bucket"
	KindTable          Kind = "dynamodb-table"
	KindTopic          Kind = "kafka-topic"
)

// Resource is one thing a run creates.
type Resource struct {
	Kind Kind
	Node string // the scenario node it stands for
	Name string
	Size string // in words: "4 shards, provisioned"

	// Kinesis streams.
	Shards   int
	OnDemand bool
	// Kafka topics.
	Partitions  int
	Replication int
	// Firehose delivery streams: source stream ("" = direct PUT), bucket, buffering.
	SourceStream   string
	Bucket         string
	BufferBytes    int
	BufferInterval time.Duration
	// DynamoDB tables: provisioned write capacity, 0 = on-demand.
	WCU int
	// EFO consumers: the stream they are registered on.
	Stream string

	CostPerHour float64 // estimated, at the scenario's mean load

	// Found by cleanup: the run that created it, and what its lease says.
	Run   string
	Lease Lease
}

// Note is a node the run treats specially: run by this process in place of
// the service, or not run at all.
type Note struct {
	Node    string
	Service pipeline.ServiceName
	Text    string
}

// Plan is every resource a run of a scenario would create, and what it would
// cost. Building one calls no AWS API.
type Plan struct {
	RunID    string
	Scenario string
	Region   string
	Duration time.Duration // real time the producers run
	Tags     map[string]string

	Resources  []Resource
	ClientSide []Note // nodes this process runs in place of the service
	Skipped    []Note // nodes the run leaves out, with why

	CostPerHour float64 // the resources' estimated cost per hour
	Records     float64 // records the producers are expected to send (per target)
	Bytes       float64

	FirehoseMode FirehoseMode
	KafkaBrokers []string
}

// FirehoseMode says how Firehose nodes run.
type FirehoseMode string

// Firehose modes.
const (
	// FirehoseAuto picks FirehoseService, unless custom endpoints are set
	// for other services but not for Firehose (local emulators, which have no
	// Firehose): then FirehoseClient.
	FirehoseAuto FirehoseMode = "auto"
	// FirehoseService creates real delivery streams (needs an IAM role).
	FirehoseService FirehoseMode = "service"
	// FirehoseClient runs a client-side stand-in: this process buffers the
	// records by the node's buffer size and interval and writes the objects to
	// S3 itself. No delivery stream is created.
	FirehoseClient FirehoseMode = "client"
)

// ResolveFirehoseMode turns auto into service or client from where the SDK
// sends each service's calls (ResolveEndpoints): the stand-in when other
// services go to local endpoints and Firehose does not (emulators have no
// Firehose), the service otherwise.
func ResolveFirehoseMode(m FirehoseMode, e Endpoints) (FirehoseMode, string) {
	switch m {
	case FirehoseService, FirehoseClient:
		return m, ""
	}
	if e.Local(SvcFirehose) {
		return FirehoseService, ""
	}
	for _, s := range []Service{SvcKinesis, SvcS3, SvcDynamoDB} {
		if e.Local(s) {
			return FirehoseClient, fmt.Sprintf("%s goes to %s but Firehose has no local endpoint: Firehose runs as a client-side stand-in", s, e.Shown(s))
		}
	}
	return FirehoseService, ""
}

// PlanOptions are the choices that shape a plan.
type PlanOptions struct {
	RunID        string // "" = a new random id
	Region       string
	Duration     time.Duration // 0 = the scenario's
	FirehoseMode FirehoseMode  // auto is treated as service
	KafkaBrokers []string
}

// NewRunID returns a new run id: 8 lowercase hex digits.
func NewRunID() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

var runIDPattern = regexp.MustCompile(`^[a-z0-9]{1,12}$`)

// ResourceName is the name of the resource for node in run id:
// streamsim-<id>-<node>, cut to max characters (with a short hash when cut).
func ResourceName(id, node string, max int) string {
	name := NamePrefix + id + "-" + node
	if len(name) <= max {
		return name
	}
	h := sha256.Sum256([]byte(name))
	suffix := "-" + hex.EncodeToString(h[:3])
	return strings.TrimRight(name[:max-len(suffix)], "-.") + suffix
}

// Name length limits of the services.
const (
	maxStreamName   = 128
	maxBucketName   = 63
	maxTableName    = 255
	maxDeliveryName = 64
	maxTopicName    = 249
	maxConsumerName = 128
)

// NewPlan builds the plan of a run of sc. It refuses scenarios with nothing
// the backend can run, Kafka storage without brokers, and services it does
// not know (added to the catalog since).
func NewPlan(sc *pipeline.Scenario, o PlanOptions) (*Plan, error) {
	id := o.RunID
	if id == "" {
		id = NewRunID()
	}
	if !runIDPattern.MatchString(id) {
		return nil, fmt.Errorf("run id %q: expected 1 to 12 lowercase letters or digits", id)
	}
	mode := o.FirehoseMode
	if mode == "" || mode == FirehoseAuto {
		mode = FirehoseService
	}
	p := &Plan{
		RunID: id, Scenario: sc.Name, Region: o.Region, Duration: sc.Duration,
		Tags:         map[string]string{TagRun: id, TagScenario: sc.Name},
		FirehoseMode: mode, KafkaBrokers: o.KafkaBrokers,
	}
	if o.Duration > 0 {
		p.Duration = o.Duration
	}
	fl := newFlows(sc)
	var problems []string
	for _, n := range sc.Nodes {
		in := fl.in(n.ID)
		switch n.Service.Name {
		case pipeline.ProducerService:
			r := fl.out(n.ID)
			p.Records += r.recs * p.Duration.Seconds() * float64(max(1, len(n.To)))
			p.Bytes += r.bytes * p.Duration.Seconds() * float64(max(1, len(n.To)))
		case pipeline.KinesisDataStreams:
			res := Resource{Kind: KindStream, Node: n.ID, Name: ResourceName(id, n.ID, maxStreamName)}
			if n.Str("mode") == "on-demand" {
				res.OnDemand = true
				res.Size = "on-demand"
			} else {
				res.Shards = max(1, n.Int("shards"))
				res.Size = fmt.Sprintf("%d %s, provisioned", res.Shards, plural(res.Shards, "shard", "shards"))
				if pipeline.HashRangesApply(n) {
					res.Size += ", even ranges (hash_ranges are not recreated)"
				}
			}
			efo := 0
			for _, c := range sc.Readers(n.ID) {
				if c.Str("read") == "enhanced-fan-out" {
					efo++
				}
			}
			res.CostPerHour = kdsCostHour(res, in, efo)
			p.Resources = append(p.Resources, res)
			for _, c := range sc.Readers(n.ID) {
				if c.Str("read") == "enhanced-fan-out" && !(c.Service.Name == pipeline.Firehose && mode == FirehoseService) {
					p.Resources = append(p.Resources, Resource{Kind: KindStreamConsumer, Node: c.ID,
						Name: ResourceName(id, c.ID, maxConsumerName), Stream: res.Name,
						Size: "enhanced fan-out consumer on " + res.Name})
				}
			}
		case pipeline.MSK, pipeline.MSKServerless:
			if len(o.KafkaBrokers) == 0 {
				problems = append(problems, fmt.Sprintf("%s (%s): the aws backend creates topics on an existing cluster: give its bootstrap brokers with --kafka-brokers or STREAMSIM_KAFKA_BROKERS", n.ID, n.Service.Name))
				continue
			}
			res := Resource{Kind: KindTopic, Node: n.ID, Name: ResourceName(id, n.ID, maxTopicName),
				Partitions: max(1, n.Int("partitions")), Replication: max(1, n.Int("replication"))}
			if n.Service.Name == pipeline.MSKServerless {
				res.Replication = 3 // MSK Serverless fixes it
			}
			res.Size = fmt.Sprintf("%d partitions, replication %d, on %s", res.Partitions, res.Replication, strings.Join(o.KafkaBrokers, ","))
			p.Resources = append(p.Resources, res)
		case pipeline.Firehose:
			p.planFirehose(sc, n, in, mode)
		case pipeline.S3:
			res := Resource{Kind: KindBucket, Node: n.ID, Name: ResourceName(id, n.ID, maxBucketName), Size: "bucket"}
			objs := objectsPerSecond(sc, n, fl, p.FirehoseMode)
			res.CostPerHour = objs*3600/1000*pipeline.S3PutPer1000 + in.bytes*3600/pipeline.GB*pipeline.S3StoragePerGBMo/pipeline.HoursPerMonth
			p.Resources = append(p.Resources, res)
		case pipeline.DynamoDB:
			res := Resource{Kind: KindTable, Node: n.ID, Name: ResourceName(id, n.ID, maxTableName)}
			if n.Str("mode") == "on-demand" {
				res.Size = "on-demand, key pk+sk"
				wru := in.recs * 3600 * math.Max(1, math.Ceil(in.meanSize()/pipeline.DDBItemUnit))
				res.CostPerHour = wru / 1e6 * pipeline.DDBPerMWrites
			} else {
				res.WCU = max(1, n.Int("wcu"))
				res.Size = fmt.Sprintf("provisioned %d WCU, 1 RCU, key pk+sk", res.WCU)
				res.CostPerHour = float64(res.WCU) * pipeline.DDBWCUHour
			}
			p.Resources = append(p.Resources, res)
		case pipeline.Flink, pipeline.GlueStreaming, pipeline.EMR, pipeline.Lambda, pipeline.App:
			p.ClientSide = append(p.ClientSide, Note{Node: n.ID, Service: n.Service.Name,
				Text: "not deployed: this process reads " + sourceText(n) + " and writes its targets in its place"})
		case pipeline.Redshift, pipeline.OpenSearch, pipeline.KinesisVideoStreams:
			p.Skipped = append(p.Skipped, Note{Node: n.ID, Service: n.Service.Name,
				Text: "not created: the aws backend does not run " + n.Service.Label + "; records sent to it are counted as skipped"})
		default:
			// A service added to the catalog since: refused, not guessed at
			// (docs/adding-a-service.md).
			problems = append(problems, fmt.Sprintf("%s (%s): the aws backend does not know %s, so it can neither create it nor run it here; run this scenario with --backend sim",
				n.ID, n.Service.Name, n.Service.Label))
		}
	}
	if len(problems) > 0 {
		return nil, errors.New(strings.Join(problems, "\n"))
	}
	for _, r := range p.Resources {
		p.CostPerHour += r.CostPerHour
	}
	if len(p.Resources) == 0 {
		return nil, fmt.Errorf("%s: nothing in this scenario can run on the aws backend", sc.Name)
	}
	return p, nil
}

func sourceText(n *pipeline.Node) string {
	if n.From == "" {
		return "the records sent to it"
	}
	return n.From
}

func (p *Plan) planFirehose(sc *pipeline.Scenario, n *pipeline.Node, in flow, mode FirehoseMode) {
	var bucket string
	for _, t := range n.To {
		if d := sc.Node(t); d != nil && d.Service.Name == pipeline.S3 && bucket == "" {
			bucket = ResourceName(p.RunID, t, maxBucketName)
		}
	}
	src := sc.Node(n.From)
	switch {
	case mode == FirehoseClient:
		p.ClientSide = append(p.ClientSide, Note{Node: n.ID, Service: pipeline.Firehose,
			Text: "client-side stand-in: no delivery stream is created; this process buffers the records (buffer.size, buffer.interval) and writes the objects to S3 itself"})
		return
	case bucket == "":
		p.ClientSide = append(p.ClientSide, Note{Node: n.ID, Service: pipeline.Firehose,
			Text: "client-side stand-in: it writes to no S3 bucket, and the aws backend creates delivery streams to S3 only"})
		return
	case src != nil && src.Service.Name != pipeline.KinesisDataStreams:
		p.ClientSide = append(p.ClientSide, Note{Node: n.ID, Service: pipeline.Firehose,
			Text: "client-side stand-in: the aws backend creates delivery streams from Kinesis or direct PUT only, not from " + src.Service.Label})
		return
	}
	res := Resource{Kind: KindDeliveryStream, Node: n.ID, Name: ResourceName(p.RunID, n.ID, maxDeliveryName),
		Bucket: bucket, BufferBytes: int(n.Num("buffer.size")), BufferInterval: n.Dur("buffer.interval")}
	if src != nil {
		res.SourceStream = ResourceName(p.RunID, src.ID, maxStreamName)
		res.Size = "from " + res.SourceStream + " to s3://" + bucket
	} else {
		res.Size = "direct PUT to s3://" + bucket
	}
	res.Size += fmt.Sprintf(", buffer %s or %s", pipeline.FormatSize(float64(res.BufferBytes)), pipeline.FormatDuration(res.BufferInterval))
	// PRICE-FH-INGEST: each record billed rounded up to 5 KB.
	gb := in.recs * 3600 * math.Max(1, math.Ceil(in.meanSize()/pipeline.FirehoseBillUnit)) * pipeline.FirehoseBillUnit / pipeline.GB
	res.CostPerHour = gb * pipeline.FirehosePerGB
	p.Resources = append(p.Resources, res)
}

// kdsCostHour is a stream's estimated cost per hour at a mean load (the PRICE-KDS rules).
func kdsCostHour(r Resource, in flow, efo int) float64 {
	if r.OnDemand {
		gbIn := in.recs * 3600 * math.Max(1, math.Ceil(in.meanSize()/1000)) * 1000 / pipeline.GB
		return pipeline.KDSOnDemandStreamH + gbIn*pipeline.KDSOnDemandInGB
	}
	units := in.recs * 3600 * math.Max(1, math.Ceil(in.meanSize()/pipeline.KDSPutUnit))
	gbOut := in.bytes * 3600 / pipeline.GB * float64(efo)
	return float64(r.Shards)*pipeline.KDSShardHour + units/1e6*pipeline.KDSPutUnitsPerM +
		float64(efo*r.Shards)*pipeline.KDSEFOConsumerShardH + gbOut*pipeline.KDSEFOPerGB
}

// objectsPerSecond estimates the PUTs into a bucket: Firehose flushes by size
// or interval, client-side consumers write one object per second.
func objectsPerSecond(sc *pipeline.Scenario, n *pipeline.Node, fl *flows, mode FirehoseMode) float64 {
	var objs float64
	for _, w := range sc.Writers(n.ID) {
		f := fl.in(w.ID)
		if w.Service.Name == pipeline.Firehose {
			size := math.Max(1, w.Num("buffer.size"))
			interval := math.Max(1, w.Dur("buffer.interval").Seconds())
			objs += math.Max(f.bytes/size, 1/interval)
			continue
		}
		objs += math.Min(1, f.recs)
	}
	return objs
}

// flow is a mean load in records and bytes per second.
type flow struct{ recs, bytes float64 }

func (f flow) meanSize() float64 {
	if f.recs <= 0 {
		return 0
	}
	return f.bytes / f.recs
}

// flows computes the mean load into and out of every node.
type flows struct {
	sc    *pipeline.Scenario
	memo  map[string]flow
	doing map[string]bool
}

func newFlows(sc *pipeline.Scenario) *flows {
	return &flows{sc: sc, memo: map[string]flow{}, doing: map[string]bool{}}
}

// out is what node id passes on to each of its targets.
func (f *flows) out(id string) flow {
	n := f.sc.Node(id)
	if n == nil {
		return flow{}
	}
	if n.Stage == pipeline.Producer {
		t := pipeline.TrafficOf(n)
		size, rate := t.Size, t.Rate
		if n.Str("pattern.shape") == "ramp" {
			to := n.Rate("pattern.to")
			end := to.PerSec
			if to.Bytes {
				end /= size
			}
			rate = (rate + end) / 2
		}
		return flow{rate, rate * size}
	}
	return f.in(id)
}

// in is the load written into node id (a consumer: read from its source plus direct PUTs).
func (f *flows) in(id string) flow {
	if v, ok := f.memo[id]; ok {
		return v
	}
	if f.doing[id] {
		return flow{} // a cycle: count it once
	}
	f.doing[id] = true
	defer delete(f.doing, id)
	var total flow
	n := f.sc.Node(id)
	if n != nil && n.From != "" {
		total = f.out(n.From)
	}
	for _, w := range f.sc.Writers(id) {
		o := f.out(w.ID)
		total.recs += o.recs
		total.bytes += o.bytes
	}
	f.memo[id] = total
	return total
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// Write prints the plan for people: what would be created, with names, sizes
// and cost, what runs in this process and what is left out.
func (p *Plan) Write(w io.Writer) {
	fmt.Fprintf(w, "plan for %s: run id %s, region %s, %s of real time\n", p.Scenario, p.RunID, orDash(p.Region), pipeline.FormatDuration(p.Duration))
	fmt.Fprintf(w, "every resource is named %s%s-<node> and tagged %s=%s, and holds a lease while the run goes on (cleanup leaves it alone until then)\n\n",
		NamePrefix, p.RunID, TagRun, p.RunID)
	rows := [][]string{{"CREATE", "NODE", "NAME", "SIZE", "COST/HOUR"}}
	for _, r := range p.Resources {
		cost := fmt.Sprintf("$%.4f", r.CostPerHour)
		if r.Kind == KindTopic {
			cost = "(cluster not counted)"
		}
		if r.Kind == KindStreamConsumer {
			cost = "(in the stream's)"
		}
		rows = append(rows, []string{string(r.Kind), r.Node, r.Name, r.Size, cost})
	}
	writeTable(w, rows)
	if len(p.ClientSide) > 0 {
		fmt.Fprintln(w, "\nrun by this process, not by AWS:")
		for _, n := range p.ClientSide {
			fmt.Fprintf(w, "  %s (%s): %s\n", n.Node, n.Service, n.Text)
		}
	}
	if len(p.Skipped) > 0 {
		fmt.Fprintln(w, "\nleft out:")
		for _, n := range p.Skipped {
			fmt.Fprintf(w, "  %s (%s): %s\n", n.Node, n.Service, n.Text)
		}
	}
	fmt.Fprintf(w, "\nestimated cost: $%.4f per hour, about $%.4f for this run; producers send about %s records (%s)\n",
		p.CostPerHour, p.CostPerHour*math.Max(p.Duration.Hours(), 1.0/60), pipeline.FormatCount(p.Records), pipeline.ApproxSize(p.Bytes))
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func writeTable(w io.Writer, rows [][]string) {
	var widths []int
	for _, r := range rows {
		for i, c := range r {
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], len([]rune(c)))
		}
	}
	for _, r := range rows {
		var b strings.Builder
		for i, c := range r {
			if i > 0 {
				b.WriteString("  ")
			}
			b.WriteString(c)
			if i < len(r)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-len([]rune(c))))
			}
		}
		fmt.Fprintln(w, b.String())
	}
}

// Find returns the resource of a kind for a node.
func (p *Plan) Find(kind Kind, node string) (Resource, bool) {
	for _, r := range p.Resources {
		if r.Kind == kind && r.Node == node {
			return r, true
		}
	}
	return Resource{}, false
}

// IsClientSide reports whether the node is run by this process.
func (p *Plan) IsClientSide(node string) bool {
	for _, n := range p.ClientSide {
		if n.Node == node {
			return true
		}
	}
	return false
}

// RunsHere names what runs a client-side node in this process: "firehose
// stand-in" for a Firehose the backend stands in for, the service's name
// otherwise; "" when the node is not client-side.
func (p *Plan) RunsHere(node string) string {
	for _, n := range p.ClientSide {
		if n.Node == node {
			if n.Service == pipeline.Firehose {
				return "firehose stand-in"
			}
			return string(n.Service)
		}
	}
	return ""
}

// FirehoseNote is the note on how Firehose runs (why, from
// ResolveFirehoseMode) when the plan has a Firehose node to say it of, or "".
func (p *Plan) FirehoseNote(sc *pipeline.Scenario, why string) string {
	if why == "" {
		return ""
	}
	for _, n := range sc.Nodes {
		if n.Service != nil && n.Service.Name == pipeline.Firehose {
			return why
		}
	}
	return ""
}

// IsSkipped reports whether the node is left out of the run.
func (p *Plan) IsSkipped(node string) bool {
	for _, n := range p.Skipped {
		if n.Node == node {
			return true
		}
	}
	return false
}

// sortedTags lists the tags in key order.
func (p *Plan) sortedTags() []string {
	keys := make([]string, 0, len(p.Tags))
	for k := range p.Tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
