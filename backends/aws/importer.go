package aws

import (
	"context"
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	kintypes "github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"github.com/streamsim/streamsim/internal/textsafe"
	"github.com/streamsim/streamsim/pipeline"
)

// ImportOptions say what to import.
type ImportOptions struct {
	// Streams are Kinesis stream names or ARNs.
	Streams []string
	// Clusters are MSK cluster ARNs.
	Clusters []string
	// Tables are DynamoDB tables the consumers write to: no API links a
	// Lambda function or an application to what it writes.
	Tables []string
	// Since is how far back the load is read from CloudWatch; default 7d.
	Since time.Duration
	// Now is the end of that window; default the current time.
	Now time.Time
	// Name is the scenario's name; default from the first stream or cluster.
	Name string
}

// ImportResult is an imported scenario and an account of the import.
type ImportResult struct {
	Scenario *pipeline.Scenario
	// Imported says what was read, one line per resource.
	Imported []string
	// Missing says what could not be discovered or read, and why.
	Missing []string
	// Start, End and Period are the window the load was read over.
	Start, End time.Time
	Period     time.Duration
}

// ErrNothingImported is returned when none of the streams and clusters could
// be read.
var ErrNothingImported = errors.New("nothing to import")

type importer struct {
	c        *ImportClients
	o        ImportOptions
	sc       *pipeline.Scenario
	win      window
	res      *ImportResult
	ids      map[string]bool
	cwCalls  int
	cwDenied bool
	// what several streams share
	deliveries []deliveryInfo // Firehose streams with a Kinesis or MSK source (read once)
	listedFH   bool
	buckets    map[string]*pipeline.Node
	domains    map[string]*pipeline.Node
	compute    []*pipeline.Node // Lambda and app consumers (tables connect to them)
	functions  []fnLoad         // Lambda consumers whose time per record is estimated from metrics
}

// Import reads the streams and clusters of opts with read-only calls and
// builds a scenario that reproduces them and their recorded load. A call
// that is refused or fails is noted in Missing and the rest is imported;
// only when no stream or cluster can be read at all is it an error.
func Import(ctx context.Context, c *ImportClients, opts ImportOptions) (*ImportResult, error) {
	if opts.Since <= 0 {
		opts.Since = 7 * 24 * time.Hour
	}
	if opts.Since > MaxImportSince {
		return nil, fmt.Errorf("--since %s: CloudWatch keeps metrics for at most 455 days", pipeline.FormatDuration(opts.Since))
	}
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	if len(opts.Streams) == 0 && len(opts.Clusters) == 0 {
		return nil, errors.New("nothing to import: name Kinesis streams with --stream or MSK clusters with --cluster")
	}
	im := &importer{c: c, o: opts, ids: map[string]bool{}, res: &ImportResult{},
		buckets: map[string]*pipeline.Node{}, domains: map[string]*pipeline.Node{}}
	im.win = newWindow(opts.Now, opts.Since, len(opts.Streams)+len(opts.Clusters))
	if finest := periodFor(opts.Since, 1); im.win.period > finest {
		im.miss("the load is read per %s, not per %s, so that the series of %d streams and clusters fit a scenario file",
			pipeline.FormatDuration(im.win.period), pipeline.FormatDuration(finest), len(opts.Streams)+len(opts.Clusters))
	}
	im.res.Start, im.res.End, im.res.Period = im.win.start, im.win.end, im.win.period
	im.sc = &pipeline.Scenario{Version: 1, Seed: pipeline.DefaultSeed, Duration: im.win.end.Sub(im.win.start),
		Tick: pipeline.DefaultTick, Region: c.Region}
	if !regionLike.MatchString(c.Region) {
		im.sc.Region = pipeline.DefaultRegion
	}
	found := 0
	for _, s := range opts.Streams {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if im.stream(ctx, s) {
			found++
		}
	}
	for _, cl := range opts.Clusters {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if im.cluster(ctx, cl) {
			found++
		}
	}
	if found == 0 {
		return im.res, fmt.Errorf("%w: %s", ErrNothingImported, strings.Join(im.res.Missing, "; "))
	}
	im.functionTimes(ctx)
	im.tables(ctx)
	im.finish()
	if ps := im.sc.Validate(); len(ps) > 0 {
		return im.res, fmt.Errorf("the imported scenario does not validate (a bug in streamsim import): %v", ps)
	}
	im.res.Scenario = im.sc
	return im.res, nil
}

var regionLike = regexp.MustCompile(`^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]{1,2}$`)

// miss notes what could not be read. Names and errors come from AWS (or
// whatever answers): they are escaped, so that the file and the terminal
// only ever hold plain text.
func (im *importer) miss(format string, args ...any) {
	im.res.Missing = append(im.res.Missing, textsafe.Line(fmt.Sprintf(format, args...)))
}

// failed words a failed call for Missing: what it was for, the IAM action,
// and why.
func (im *importer) failed(what, action string, err error) {
	switch whyFailed(err) {
	case failDenied:
		im.miss("%s: access denied to %s — not imported", what, action)
	case failNotFound:
		im.miss("%s: not found (%s)", what, action)
	case failUnreachable:
		im.miss("%s: the %s endpoint could not be reached (%s) — not imported", what, strings.SplitN(action, ":", 2)[0], cleanError(err))
	default:
		im.miss("%s: %s failed: %s — not imported", what, action, cleanError(err))
	}
}

func (im *importer) did(format string, args ...any) {
	im.res.Imported = append(im.res.Imported, textsafe.Line(fmt.Sprintf(format, args...)))
}

var notID = regexp.MustCompile(`[^a-z0-9-]+`)

// newID makes a node id from an AWS name: lower case, dashes, unique.
func (im *importer) newID(name, suffix string) string {
	base := strings.Trim(notID.ReplaceAllString(strings.ToLower(name), "-"), "-")
	if base == "" || base == "pipeline" {
		base = "node"
	}
	if len(base) > 48 {
		base = strings.TrimRight(base[:48], "-")
	}
	if suffix != "" {
		base += "-" + suffix
	}
	id := base
	for i := 2; im.ids[id]; i++ {
		id = fmt.Sprintf("%s-%d", base, i)
	}
	im.ids[id] = true
	return id
}

func newNode(svc pipeline.ServiceName, id, comment string) *pipeline.Node {
	s, _ := pipeline.LookupService(string(svc))
	return &pipeline.Node{ID: id, Stage: s.Stage, Service: s, Params: map[string]pipeline.Value{},
		RefPos: map[string]pipeline.Pos{}, Notes: map[string]string{}, Comment: textsafe.Line(comment)}
}

// set writes one setting with the note saying where it came from. A value
// outside the range streamsim allows is left out, and said.
func (im *importer) set(n *pipeline.Node, key, text, note string) bool {
	v, err := pipeline.ParseParam(n.Service, key, text)
	if err != nil {
		im.miss("%s.%s: %s is not a value streamsim can use (%v); left at its default", n.ID, key, text, err)
		return false
	}
	n.Params[key] = v
	if note != "" {
		n.Notes[key] = textsafe.Line(note)
	}
	return true
}

func (im *importer) setValue(n *pipeline.Node, key string, v pipeline.Value, note string) {
	n.Params[key] = v
	if note != "" {
		n.Notes[key] = textsafe.Line(note)
	}
}

func (im *importer) add(n *pipeline.Node) { im.sc.Nodes = append(im.sc.Nodes, n) }

// show is a setting as the format writes it, defaults applied.
func show(n *pipeline.Node, key string) string {
	v, _ := n.Param(key)
	return v.String()
}

// when formats a time as the notes do.
func when(t time.Time) string { return t.UTC().Format("2006-01-02T15:04Z") }

func (im *importer) windowText() string {
	return fmt.Sprintf("%s … %s, per %s", when(im.win.start), when(im.win.end), pipeline.FormatDuration(im.win.period))
}

// num writes a number without needless digits.
func num(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

// round3 rounds to three decimals.
func round3(x float64) float64 { return math.Round(x*1000) / 1000 }

// streamInfo is what the importer knows of one Kinesis stream.
type streamInfo struct {
	name, arn  string
	node       *pipeline.Node
	shards     []openShard
	enhanced   bool
	efo        []kintypes.Consumer
	incoming   float64 // records over the window
	readRatio  float64 // GetRecords.Records ÷ IncomingRecords over the window; -1: not known
	polling    int     // polling readers the APIs name
	efoClaimed map[string]bool
}

type openShard struct {
	id string
	r  pipeline.HashRange
}

// stream imports one Kinesis stream: the stream, a producer for its load,
// and the consumers the APIs name.
func (im *importer) stream(ctx context.Context, ref string) bool {
	in := &kinesis.DescribeStreamSummaryInput{}
	if strings.HasPrefix(ref, "arn:") {
		in.StreamARN = aws.String(ref)
	} else {
		in.StreamName = aws.String(ref)
	}
	out, err := im.c.Kinesis.DescribeStreamSummary(ctx, in)
	if err != nil {
		if whyFailed(err) == failNotFound {
			im.miss("stream %s: does not exist in %s", ref, im.c.Region)
		} else {
			im.failed("stream "+ref, "kinesis:DescribeStreamSummary", err)
		}
		return false
	}
	d := out.StreamDescriptionSummary
	if d == nil {
		im.miss("stream %s: DescribeStreamSummary returned no description", ref)
		return false
	}
	st := &streamInfo{name: aws.ToString(d.StreamName), arn: aws.ToString(d.StreamARN), efoClaimed: map[string]bool{}, readRatio: -1}
	if st.name == "" {
		st.name = ref
	}
	n := newNode(pipeline.KinesisDataStreams, im.newID(st.name, ""),
		fmt.Sprintf("Kinesis stream %s (%s), as DescribeStreamSummary and ListShards describe it.", st.name, st.arn))
	st.node = n
	mode := "provisioned"
	if d.StreamModeDetails != nil && d.StreamModeDetails.StreamMode == kintypes.StreamModeOnDemand {
		mode = "on-demand"
	}
	im.set(n, "mode", mode, "DescribeStreamSummary StreamModeDetails")
	if h := aws.ToInt32(d.RetentionPeriodHours); h > 0 {
		im.set(n, "retention", pipeline.FormatDuration(time.Duration(h)*time.Hour), fmt.Sprintf("DescribeStreamSummary RetentionPeriodHours = %d", h))
	}
	if kib := aws.ToInt32(d.MaxRecordSizeInKiB); kib > 0 && kib != 1024 {
		im.set(n, "max_record_size", fmt.Sprintf("%dKiB", kib), "DescribeStreamSummary MaxRecordSizeInKiB")
	}
	for _, em := range d.EnhancedMonitoring {
		for _, m := range em.ShardLevelMetrics {
			if m == kintypes.MetricsNameIncomingRecords || m == kintypes.MetricsNameAll {
				st.enhanced = true
			}
		}
	}
	st.shards, err = im.openShards(ctx, st.arn, st.name)
	if err != nil {
		im.failed("shards of "+st.name, "kinesis:ListShards", err)
	}
	shardText := ""
	if mode == "provisioned" {
		count := len(st.shards)
		note := fmt.Sprintf("ListShards: %d open shards", count)
		if count == 0 {
			count = int(aws.ToInt32(d.OpenShardCount))
			note = "DescribeStreamSummary OpenShardCount (the shards could not be listed)"
		}
		if count > 0 {
			im.set(n, "shards", strconv.Itoa(count), note)
		}
		if len(st.shards) > 0 && !evenShards(st.shards) {
			im.setValue(n, "hash_ranges", pipeline.NewRanges(ranges(st.shards)),
				"ListShards HashKeyRange of the open shards, in hash-key order: uneven after splits or merges")
			shardText = " (uneven hash ranges)"
		}
		shardText = fmt.Sprintf(", %d open shards%s", count, shardText)
	}
	im.add(n)
	st.efo, err = im.consumers(ctx, st.arn)
	if err != nil {
		im.failed("enhanced fan-out consumers of "+st.name, "kinesis:ListStreamConsumers", err)
	}
	im.did("stream %s: %s%s, retention %s, %d enhanced fan-out consumer(s)", st.name, mode, shardText,
		show(n, "retention"), len(st.efo))
	im.load(ctx, st)
	im.lambdas(ctx, st)
	im.firehoses(ctx, st)
	im.efoApps(st)
	im.hiddenReaders(st)
	return true
}

func (im *importer) openShards(ctx context.Context, arn, name string) ([]openShard, error) {
	in := &kinesis.ListShardsInput{ShardFilter: &kintypes.ShardFilter{Type: kintypes.ShardFilterTypeAtLatest}}
	if arn != "" {
		in.StreamARN = aws.String(arn)
	} else {
		in.StreamName = aws.String(name)
	}
	var out []openShard
	for {
		resp, err := im.c.Kinesis.ListShards(ctx, in)
		if err != nil {
			return nil, err
		}
		for _, s := range resp.Shards {
			if s.SequenceNumberRange != nil && s.SequenceNumberRange.EndingSequenceNumber != nil {
				continue // closed (a server that ignores the filter)
			}
			if s.HashKeyRange == nil {
				continue
			}
			a, err1 := pipeline.ParseHashKey(aws.ToString(s.HashKeyRange.StartingHashKey))
			b, err2 := pipeline.ParseHashKey(aws.ToString(s.HashKeyRange.EndingHashKey))
			if err1 != nil || err2 != nil {
				return nil, fmt.Errorf("shard %s has a hash key range that is not decimal", aws.ToString(s.ShardId))
			}
			out = append(out, openShard{aws.ToString(s.ShardId), pipeline.HashRange{Start: a, End: b}})
		}
		if resp.NextToken == nil {
			break
		}
		in = &kinesis.ListShardsInput{NextToken: resp.NextToken}
	}
	slices.SortFunc(out, func(a, b openShard) int {
		if a.r.Start.Less(b.r.Start) {
			return -1
		}
		if b.r.Start.Less(a.r.Start) {
			return 1
		}
		return 0
	})
	// The open shards of a stream cover the hash-key space once; anything
	// else (a server mid-reshard) is not a layout streamsim can use.
	if len(out) > 0 {
		if _, err := pipeline.ParseValue(pipeline.KindRanges, pipeline.NewRanges(ranges(out)).String()); err != nil {
			return nil, fmt.Errorf("the open shards' hash key ranges do not cover the hash-key space once: %w", err)
		}
	}
	return out, nil
}

func ranges(s []openShard) []pipeline.HashRange {
	out := make([]pipeline.HashRange, len(s))
	for i, x := range s {
		out[i] = x.r
	}
	return out
}

func evenShards(s []openShard) bool {
	even := pipeline.EvenHashRanges(len(s))
	for i, x := range s {
		if x.r != even[i] {
			return false
		}
	}
	return true
}

func (im *importer) consumers(ctx context.Context, arn string) ([]kintypes.Consumer, error) {
	if arn == "" {
		return nil, nil
	}
	in := &kinesis.ListStreamConsumersInput{StreamARN: aws.String(arn)}
	var out []kintypes.Consumer
	for {
		resp, err := im.c.Kinesis.ListStreamConsumers(ctx, in)
		if err != nil {
			return out, err
		}
		out = append(out, resp.Consumers...)
		if resp.NextToken == nil {
			return out, nil
		}
		in = &kinesis.ListStreamConsumersInput{StreamARN: aws.String(arn), NextToken: resp.NextToken}
	}
}

// load reads the stream's recorded load from CloudWatch and adds the
// producer that reproduces it: the rate per period as a series, the mean
// record size, and with shard-level metrics the split over the shards.
func (im *importer) load(ctx context.Context, st *streamInfo) {
	p := newNode(pipeline.ProducerService, im.newID(st.name, "writers"),
		fmt.Sprintf("Everything that writes to %s, as one producer: its load is the stream's, from CloudWatch.", st.name))
	p.To = []string{st.node.ID}
	defer im.add(p)
	ms := []metric{kinesisMetric("IncomingRecords", st.name), kinesisMetric("IncomingBytes", st.name),
		kinesisMetric("GetRecords.Records", st.name)}
	perShard := st.enhanced && len(st.shards) > 0 && st.node.Str("mode") == "provisioned"
	if perShard {
		for _, s := range st.shards {
			ms = append(ms, kinesisMetric("IncomingRecords", st.name, s.id))
		}
	}
	var got []series
	var err error
	if !im.cwDenied {
		got, err = im.fetch(ctx, ms)
	}
	if im.cwDenied || err != nil {
		if err != nil {
			im.failed("load of "+st.name, "cloudwatch:GetMetricData", err)
			im.cwDenied = im.cwDenied || whyFailed(err) == failDenied
		} else {
			im.miss("load of %s: not read (cloudwatch:GetMetricData was denied)", st.name)
		}
		im.set(p, "rate", "1000/s", "PLACEHOLDER: the load could not be read from CloudWatch; set your rate here")
		return
	}
	recs, byts := got[0], got[1]
	st.incoming = recs.sum()
	secs := im.win.period.Seconds()
	points := make([]float64, len(recs.values))
	var total float64
	for i, v := range recs.values {
		points[i] = v / secs
		total += points[i]
	}
	mean := total / float64(max(1, len(points)))
	src := fmt.Sprintf("CloudWatch AWS/Kinesis IncomingRecords, Sum per %s, %s … %s", pipeline.FormatDuration(im.win.period), when(im.win.start), when(im.win.end))
	if !recs.any || st.incoming == 0 {
		im.set(p, "rate", "0/s", "no IncomingRecords in the window: "+src)
		im.miss("load of %s: no records were written in %s", st.name, im.windowText())
		return
	}
	im.set(p, "rate", num(round3(mean))+"/s", "the mean of "+src)
	im.set(p, "pattern.shape", "series", "the recorded rate below")
	im.setValue(p, "pattern.series", pipeline.NewSeries(points, false),
		fmt.Sprintf("%s, one point per period (a period without data is 0)", src))
	im.set(p, "pattern.every", pipeline.FormatDuration(im.win.period), "the CloudWatch period")
	if b := byts.sum(); b > 0 {
		size := max(1, math.Round(b/st.incoming))
		im.set(p, "record_size.mean", pipeline.FormatSize(size), fmt.Sprintf("IncomingBytes ÷ IncomingRecords over the window (%s ÷ %s)", num(b), num(st.incoming)))
	}
	if reads := got[2]; reads.any {
		st.readRatio = reads.sum() / st.incoming
	}
	im.did("load of %s: %s records in %s (mean %s/s, peak %s/s), records of %s", st.name, num(st.incoming),
		im.windowText(), num(round3(mean)), num(round3(slices.Max(points))), show(p, "record_size.mean"))
	if st.node.Str("mode") != "provisioned" {
		im.set(p, "keys.dist", "uniform", "streamsim's choice: an on-demand stream splits its hot shards itself")
		im.set(p, "keys.count", "10000", "streamsim's choice")
		return
	}
	if !perShard {
		im.set(p, "keys.dist", "uniform", "the split over the shards is not known: shard-level metrics (EnableEnhancedMonitoring IncomingRecords) are off")
		im.set(p, "keys.count", "10000", "streamsim's choice")
		im.miss("per-shard split of %s: shard-level metrics are off (enable enhanced monitoring of IncomingRecords to import it); uniform keys assumed", st.name)
		return
	}
	im.shares(p, st, got[3:])
}

// shares turns shard-level IncomingRecords into per-shard keys: each open
// shard's share of the records over the periods in which every open shard
// reported (all periods, if none did).
func (im *importer) shares(p *pipeline.Node, st *streamInfo, shard []series) {
	n := len(im.win.values())
	common := make([]bool, n)
	anyCommon := false
	for k := range n {
		common[k] = true
		for _, s := range shard {
			common[k] = common[k] && s.present[k]
		}
		anyCommon = anyCommon || common[k]
	}
	sums := make([]float64, len(shard))
	var total float64
	for i, s := range shard {
		for k, v := range s.values {
			if common[k] || !anyCommon {
				sums[i] += v
			}
		}
		total += sums[i]
	}
	if total <= 0 {
		im.set(p, "keys.dist", "uniform", "shard-level IncomingRecords are on but held no data in the window")
		im.set(p, "keys.count", "10000", "streamsim's choice")
		im.miss("per-shard split of %s: the shard-level metrics held no data in the window; uniform keys assumed", st.name)
		return
	}
	shares := make([]float64, len(sums))
	var acc float64
	for i, v := range sums {
		shares[i] = math.Round(v/total*1e5) / 1e5
		acc += shares[i]
	}
	// Rounding may leave the shares a hair off 100%: the largest absorbs it.
	big := 0
	for i := range shares {
		if shares[i] > shares[big] {
			big = i
		}
	}
	shares[big] = math.Round((shares[big]+1-acc)*1e5) / 1e5
	count := min(100_000, max(1000, 50*len(shares)))
	im.set(p, "keys.dist", "per-shard", "the split over the shards, from shard-level metrics (the shares below)")
	im.set(p, "keys.count", strconv.Itoa(count), "streamsim's choice: enough keys in every shard to split its load when the stream is resharded")
	im.setValue(p, "keys.shares", pipeline.NewShares(shares),
		fmt.Sprintf("shard-level IncomingRecords (enhanced monitoring) summed per open shard over %s, in hash-key order", im.windowText()))
	if h, ok := st.node.Params["hash_ranges"]; ok {
		im.setValue(p, "keys.hash_ranges", h, "the open shards' ranges the shares were measured on (ListShards)")
	}
	im.did("per-shard split of %s: %s", st.name, pipeline.NewShares(shares).String())
}

// values is the window's periods (for their count).
func (w window) values() []struct{} { return make([]struct{}, w.points()) }

// finish names the scenario and says what it is and what is missing.
func (im *importer) finish() {
	sc := im.sc
	var names []string
	for _, n := range sc.Nodes {
		if n.Stage == pipeline.Storage {
			names = append(names, n.ID)
		}
	}
	sc.Name = im.o.Name
	if sc.Name == "" && len(names) > 0 {
		sc.Name = names[0]
	}
	if sc.Name == "" {
		sc.Name = "imported"
	}
	sc.Title = textsafe.Line("Imported from AWS " + sc.Region + ": " + strings.Join(names, ", "))
	if len(sc.Title) > 120 {
		sc.Title = sc.Title[:117] + "…"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Imported by `streamsim import` from %s; the load is CloudWatch's over %s.\n", sc.Region, im.windowText())
	b.WriteString("Every imported value carries a comment saying where it came from.\n")
	if len(im.res.Missing) > 0 {
		b.WriteString("\nNot imported:\n\n")
		for _, m := range im.res.Missing {
			b.WriteString("- " + m + "\n")
		}
	}
	b.WriteString("\nNever visible to the APIs: who the producers are (one producer stands for all writers, and KPL aggregation is not known); " +
		"applications that read with the KCL or their own GetRecords loop on EC2, ECS, EKS or elsewhere (a registered enhanced fan-out consumer or the GetRecords metrics hint at them); " +
		"and what Lambda functions and applications write to (name DynamoDB tables with --table).\n")
	sc.Description = b.String()
}
