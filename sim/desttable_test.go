package sim_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/streamsim/streamsim/pipeline"
)

// destCase is one case of the destination table: a destination with its
// capacity in its own unit, written by a sender, under a fault. The sender
// decides what a refusal does: an app or a Lambda function holds what the
// destination refuses and stops reading, so the stream keeps the backlog;
// Firehose keeps reading, retries for its retry duration and then writes
// what it could not deliver to the S3 backup (FH-RETRY).
type destCase struct {
	dest      string  // dynamodb, dynamodb-on-demand, opensearch, redshift, s3, kvs
	sender    string  // app, lambda, firehose
	fault     string  // none, throttle (capacity below load), outage (the destination is down)
	units     int     // WCU, OpenSearch instances, Redshift nodes, S3 prefixes, video streams
	itype     string  // OpenSearch instance type
	batch     int     // Lambda batch size: records per S3 object
	interval  float64 // Firehose buffer interval, seconds
	instances int     // kvs: the reading app's instances
	kvsDown   string  // kvs outage: "c" (the reader) or "v" (the video stream)
	rate      float64 // records/s
	size      float64 // bytes per record
	shards    int
	at, span  float64
	duration  float64
	end       float64 // when the answer is wanted (the run's end, or halfway through the recovery)
}

// destCells are the table's rows: each destination with the senders that
// reach it (Firehose does not deliver to DynamoDB; S3's request rate binds
// only with an object per few records, a Lambda function's batches). A
// Kinesis video stream is read by an app (KVS-INGEST, KVS-GETMEDIA).
var destCells = []struct{ dest, sender string }{
	{"dynamodb", "app"}, {"dynamodb", "lambda"}, {"dynamodb-on-demand", "app"},
	{"opensearch", "app"}, {"opensearch", "firehose"},
	{"redshift", "app"}, {"redshift", "firehose"},
	{"s3", "lambda"}, {"s3", "firehose"},
	{"kvs", "app"},
}

var destFaults = []string{"none", "throttle", "outage"}

// osTypes is OS-INSTANCE-CAPACITY's bulk indexing rate per data node.
var osTypes = []struct {
	name string
	rate float64
}{
	{"t3.medium.search", 2 * pipeline.MiB}, {"m6g.large.search", 4 * pipeline.MiB},
	{"r6g.large.search", 5 * pipeline.MiB}, {"r6g.xlarge.search", 10 * pipeline.MiB},
	{"r6g.2xlarge.search", 20 * pipeline.MiB},
}

// skip says why a cell has no case, or "".
func (c destCase) skip() string {
	if c.dest == "s3" && c.sender == "firehose" && c.fault == "throttle" {
		return "Firehose writes an object per buffer per shard, far below S3's 3,500 PUT/s a prefix"
	}
	return ""
}

// loadFor draws the input over capacity a fault asks for.
func loadFor(r *rand.Rand, fault string) float64 {
	if fault == "throttle" {
		return 1.2 + 0.8*r.Float64()
	}
	return 0.3 + 0.6*r.Float64()
}

func genDestCase(r *rand.Rand, dest, sender, fault string) destCase {
	c := destCase{dest: dest, sender: sender, fault: fault, duration: 1200, at: 300}
	rho := loadFor(r, fault)
	switch dest {
	case "dynamodb":
		// DDB-WRITE-UNIT: items over 1 KB take a unit per KB; any WCU, so
		// that a table of 2,500 WCU has 3 partitions' headroom to burst in.
		c.size = []float64{200, 800, 1500, 2500, 4000}[r.IntN(5)]
		c.units = 100 * (5 + r.IntN(56))
		c.rate = math.Round(rho * c.tableRate())
	case "dynamodb-on-demand":
		c.size = []float64{200, 800, 1500, 2500, 4000}[r.IntN(5)]
		if fault == "throttle" {
			rho = 1.2 + 1.8*r.Float64()
		}
		c.rate = math.Round(rho * pipeline.DDBOnDemandStartWRU / c.wcuPerItem())
	case "opensearch":
		t := osTypes[r.IntN(len(osTypes))]
		c.itype, c.units = t.name, 1+r.IntN(4)
		// Records large enough that the domain indexes at most 20,000 a second.
		c.size = max([]float64{500, 1000, 2000, 5000}[r.IntN(4)], float64(c.units)*t.rate/20000)
		c.rate = math.Round(rho * c.destRate())
	case "redshift":
		c.units = 1 + r.IntN(4)
		c.size = []float64{10000, 20000, 50000}[r.IntN(3)]
		c.rate = math.Round(rho * c.loadRate())
	case "s3":
		if sender == "lambda" {
			// S3-PREFIX-RATE binds only at 3,500 objects a second, so these
			// runs are short. Every shard reads whole batches each second.
			c.duration, c.at = 400, 100
			c.units, c.batch = 1+r.IntN(2), 1+r.IntN(2)
			c.size = 100
			want := rho * c.destRate()
			c.shards = int(math.Ceil(want/600)) + 1
			per := max(1, math.Round(want/float64(c.shards*c.batch)))
			c.rate = per * float64(c.shards*c.batch)
		} else {
			c.units, c.size = 1, []float64{500, 2000, 10000}[r.IntN(3)]
			c.rate = float64(100 * (1 + r.IntN(20)))
		}
	case "kvs":
		c.genKVS(r, rho)
	}
	if sender == "firehose" {
		c.interval = []float64{60, 120, 300}[r.IntN(3)]
	}
	if c.shards == 0 && dest != "kvs" {
		c.shards = c.shardsFor()
	}
	if fault == "outage" {
		switch {
		case c.duration < 1200:
			c.span = float64(30 * (1 + r.IntN(5)))
		case sender == "firehose":
			c.span = float64(60 * (2 + r.IntN(12))) // 2–13 min: some outlast the retries
		case dest == "kvs":
			c.span = float64(60 * (5 + r.IntN(6))) // 5–10 min: long enough that draining takes the rest of the run
		default:
			c.span = float64(60 * (1 + r.IntN(5)))
		}
	}
	return c
}

// genKVS: cameras each send fragments to their own video stream, read with
// GetMedia by an app that writes to S3.
func (c *destCase) genKVS(r *rand.Rand, rho float64) {
	c.units = 1 + r.IntN(6)
	c.size = []float64{500e3, 1e6, 4e6}[r.IntN(3)]
	per := min(pipeline.KVSPutMediaTPS, pipeline.KVSStreamBytes/c.size) // KVS-INGEST, fragments/s
	appFactor := 1.2 + 1.8*r.Float64()
	if c.fault == "throttle" && r.IntN(2) == 0 {
		// the reader, not the stream, is short
		rho = 0.3 + 0.6*r.Float64()
		appFactor = 0.5 + 0.4*r.Float64()
	}
	c.rate = max(0.1, math.Round(10*rho*per*float64(c.units))/10)
	in := min(c.rate, per*float64(c.units)) * c.size // bytes/s
	app := appFactor * in
	if c.fault == "outage" {
		c.kvsDown = []string{"c", "v"}[r.IntN(2)]
		// A reader with up to 40 MB/s a stream, so that catching up is
		// sometimes capped by GetMedia's 25 MB/s.
		app = 1.2*in + r.Float64()*max(0, 40e6*float64(c.units)-1.2*in)
	}
	c.instances = max(1, int(math.Round(app/(5*pipeline.MiB))))
}

// wcuPerItem is DDB-WRITE-UNIT: a unit per 1 KB (1,024 B), rounded up.
func (c destCase) wcuPerItem() float64 { return math.Ceil(c.size / pipeline.DDBItemUnit) }

// tableRate is a provisioned table's WCU in items a second.
func (c destCase) tableRate() float64 { return float64(c.units) / c.wcuPerItem() }

// loadRate is Redshift's load rate in records/s (RS-NODE-CAPACITY: 10 MiB/s a node).
func (c destCase) loadRate() float64 { return float64(c.units) * 10 * pipeline.MiB / c.size }

// destRate is what the destination takes, records/s, from the rule book.
func (c destCase) destRate() float64 {
	switch c.dest {
	case "dynamodb":
		return c.tableRate()
	case "dynamodb-on-demand":
		// DDB-ONDEMAND-START and -SCALING: a new table serves 4,000 WRU; one
		// that served its load below that serves twice that peak. A run of
		// 20 minutes is shorter than the 30 minutes that lift a table held
		// at its limit.
		peak := c.rate * c.wcuPerItem()
		if peak < pipeline.DDBOnDemandStartWRU {
			return max(pipeline.DDBOnDemandStartWRU, 2*peak) / c.wcuPerItem()
		}
		return pipeline.DDBOnDemandStartWRU / c.wcuPerItem()
	case "opensearch":
		for _, t := range osTypes {
			if t.name == c.itype {
				return float64(c.units) * t.rate / c.size
			}
		}
	case "s3":
		if c.sender == "lambda" {
			// S3-PREFIX-RATE: 3,500 PUT/s a prefix, an object per batch.
			return pipeline.S3PutPerPrefix * float64(c.units*c.batch)
		}
	}
	return math.Inf(1) // Redshift's loads queue; Firehose's objects are few
}

// bank is the extra the destination takes when a backlog meets it: peak
// rate, most it holds, what it holds at the start.
func (c destCase) bank() (peak, most, start float64) {
	switch c.dest {
	case "dynamodb":
		// DDB-BURST-CAPACITY, DDB-PARTITION-WCU: 300 s of unused WCU, spent
		// up to the table's partitions' 1,000 WCU each (random keys: no hot
		// partition).
		parts := math.Ceil(float64(c.units) / pipeline.DDBPartitionWCU)
		return parts * pipeline.DDBPartitionWCU / c.wcuPerItem(), 300 * c.tableRate(), 0
	case "opensearch":
		q := 10 * c.destRate() // OS-WRITE-QUEUE
		return math.Inf(1), q, q
	}
	return c.destRate(), 0, 0
}

// shardsFor gives the stream enough shards that neither writes
// (KDS-SHARD-WRITE, with headroom for uneven random keys) nor reads bind:
// an app reads with enhanced fan-out (KDS-EFO-THROUGHPUT), Lambda and
// Firehose poll (KDS-SHARD-READ, KDS-GETRECORDS-MAX).
func (c destCase) shardsFor() int {
	write := min(pipeline.KDSShardWriteRecs, pipeline.KDSShardWriteBytes/(c.size+64))
	need := c.rate / (0.7 * write)
	if drain := min(c.destRate(), 4*c.rate); c.sender == "app" {
		need = max(need, drain/(0.8*pipeline.KDSEFOBytes/c.size))
	}
	return int(math.Ceil(need)) + 1
}

// readLimit is what the sender can read from the stream, records/s.
func (c destCase) readLimit() float64 {
	s := float64(c.shards)
	switch c.sender {
	case "app":
		if c.dest == "kvs" {
			// KVS-GETMEDIA: 25 MB/s per stream and reader; the app's instances (APP-INSTANCE-CAPACITY).
			return min(float64(c.units)*pipeline.KVSGetMediaBytes, float64(c.instances)*5*pipeline.MiB) / c.size
		}
		return min(s*pipeline.KDSEFOBytes, 100*5*pipeline.MiB) / c.size
	case "lambda":
		// One poll a second of at most 10,000 records or 2 MiB, and 10
		// concurrent batches of 1 ms a record per shard.
		return s * min(pipeline.KDSGetRecordsMaxRec, pipeline.KDSShardReadBytes/c.size, 10/0.001)
	}
	return s * min(pipeline.KDSGetRecordsMaxRec, pipeline.KDSShardReadBytes/c.size)
}

func (c destCase) yaml() string {
	var b strings.Builder
	fmt.Fprintf(&b, "version: 1\nname: dest\nseed: 3\nduration: %.0fs\n", c.duration)
	if c.dest == "kvs" {
		fmt.Fprintf(&b, "producers:\n  - {id: p, kind: iot, rate: %g/s, record_size: %.0fB, keys: {dist: uniform, count: %d}, retries: {max: 0}, to: [v]}\n", c.rate, c.size, c.units)
		fmt.Fprintf(&b, "storage:\n  - {id: v, service: kinesis-video-streams, streams: %d, retention: 24h}\n", c.units)
		fmt.Fprintf(&b, "consumers:\n  - {id: c, service: app, from: v, instances: %d, to: [d]}\n", c.instances)
		b.WriteString("destinations:\n  - {id: d, service: s3}\n")
		if c.fault == "outage" {
			fmt.Fprintf(&b, "timeline:\n  - {at: %.0fs, fail: %s, for: %.0fs}\n", c.at, c.kvsDown, c.span)
		}
		return b.String()
	}
	fmt.Fprintf(&b, "producers:\n  - {id: p, rate: %.0f/s, record_size: %.0fB, keys: {dist: random}, retries: {max: 1000}, to: [s]}\n", c.rate, c.size)
	fmt.Fprintf(&b, "storage:\n  - {id: s, service: kinesis-data-streams, shards: %d}\n", c.shards)
	b.WriteString("consumers:\n  - {id: c, from: s, to: [d], ")
	switch c.sender {
	case "app":
		b.WriteString("service: app, instances: 100, read: enhanced-fan-out}\n")
	case "lambda":
		batch := 100
		if c.batch > 0 {
			batch = c.batch
		}
		fmt.Fprintf(&b, "service: lambda, batch_size: %d, parallelization: 10, duration: 1ms}\n", batch)
	case "firehose":
		fmt.Fprintf(&b, "service: firehose, buffer: {size: 100MiB, interval: %.0fs}}\n", c.interval)
	}
	b.WriteString("destinations:\n  - {id: d, service: ")
	switch c.dest {
	case "dynamodb":
		fmt.Fprintf(&b, "dynamodb, mode: provisioned, wcu: %d", c.units)
	case "dynamodb-on-demand":
		b.WriteString("dynamodb, mode: on-demand")
	case "opensearch":
		fmt.Fprintf(&b, "opensearch, instances: %d, instance_type: %s", c.units, c.itype)
	case "redshift":
		fmt.Fprintf(&b, "redshift, nodes: %d", c.units)
	case "s3":
		fmt.Fprintf(&b, "s3, prefixes: %d", c.units)
	}
	b.WriteString("}\n")
	if c.fault == "outage" {
		fmt.Fprintf(&b, "timeline:\n  - {at: %.0fs, fail: d, for: %.0fs}\n", c.at, c.span)
	}
	return b.String()
}

func (c destCase) String() string {
	return fmt.Sprintf("%s(%d%s) ← %s: %g/s of %.0f B, %d shards, %s %.0fs", c.dest, c.units, c.itype, c.sender,
		c.rate, c.size, c.shards, c.fault, c.span)
}

// destAnswer is what the rule book gives for a case.
type destAnswer struct {
	written  float64 // records the destination took by the end
	backlog  float64 // records held back at the end: unread, or held by the sender
	backup   float64 // Firehose: records given up and written to the S3 backup
	lost     float64 // kvs: fragments the video stream refused
	latency  float64 // Redshift: the largest latency, seconds (0: not checked)
	slack    float64 // records the engine may differ by, beyond 2%
	slackLat float64 // seconds
}

// phases runs f from `from` to c.end: up until the fault, down for its
// span, up again.
func (c destCase) phases(from float64, f func(T float64, up bool)) {
	down := 0.0
	if c.fault == "outage" {
		down = c.span
	}
	at := max(from, c.at)
	bounds := []float64{from, at, at + down, c.end}
	for i, up := range []bool{true, false, true} {
		lo, hi := min(bounds[i], c.end), min(bounds[i+1], c.end)
		f(max(0, hi-lo), up)
	}
}

// answer is the closed form at c.end.
func (c destCase) answer() destAnswer {
	if c.dest == "kvs" {
		return c.kvsAnswer()
	}
	a := destAnswer{slack: 3 * c.rate}
	rate := min(c.destRate(), c.readLimit())
	if c.sender == "firehose" {
		// Records reach Firehose's output a buffer interval after they are
		// written (FH-BUFFER-HINTS); a flush carries an interval's records at
		// once, so counts may differ by a flush.
		q := retryQueue{in: c.rate, rate: c.destRate(), wait: c.retryWait()}
		_, q.bankMax, q.bank = c.bank()
		c.phases(c.interval, q.run)
		a.written, a.backup = q.served, q.lost
		a.backlog = c.rate*c.end - a.written - a.backup
		a.slack += c.rate * c.interval
	} else {
		q := bankQueue{in: c.rate, rate: rate}
		q.peak, q.bankMax, q.bank = c.bank()
		q.peak = min(q.peak, c.readLimit())
		c.phases(0, q.run)
		a.written, a.backlog = q.served, q.backlog
		if c.fault != "none" {
			// The piece read as the destination refuses, held and retried.
			a.slack += 2 * rate
		}
		if c.sender == "lambda" {
			a.slack += 100 * float64(c.shards) // a batch per shard being filled
		}
	}
	if c.dest == "redshift" {
		a.latency, a.slackLat = c.redshiftLatency()
	}
	return a
}

// retryWait is FH-RETRY's retry duration for the destination.
func (c destCase) retryWait() float64 {
	switch c.dest {
	case "opensearch":
		return pipeline.FirehoseOSRetryS
	case "redshift":
		return pipeline.FirehoseRSRetryS
	}
	return pipeline.FirehoseS3RetryS
}

// redshiftLatency is the largest wait from a record's birth to its load's
// commit (RS-NODE-CAPACITY, RS-COPY-TIME), and how far the engine may be
// from it: ticks, and for Firehose a flush's worth of records arriving at
// once rather than evenly.
func (c destCase) redshiftLatency() (lat, slack float64) {
	q := loadQueue{in: c.rate, rate: c.loadRate(), commit: 10}
	if c.sender == "firehose" {
		// Records reach Redshift a buffer interval after they are written;
		// what Firehose held through an outage arrives at once after it.
		q.t = c.interval
		held := 0.0
		c.phases(c.interval, func(T float64, up bool) {
			if !up {
				q.t += T
				held += c.rate * T
				return
			}
			if held > 0 {
				q.dump(held)
				held = 0
			}
			q.intake(T, c.rate)
		})
		rho := c.rate / c.loadRate()
		return q.worst, 3 + c.interval*max(1, rho)
	}
	// An app holds what it read while Redshift is down, and then catches up
	// at its read limit (KDS-EFO-THROUGHPUT).
	read := c.readLimit()
	behind := 0.0
	c.phases(0, func(T float64, up bool) {
		if !up {
			q.t += T
			behind += c.rate * T
			return
		}
		if behind > 0 {
			catchUp := min(T, behind/(read-c.rate))
			q.intake(catchUp, read)
			behind -= (read - c.rate) * catchUp
			T -= catchUp
		}
		q.intake(T, c.rate)
	})
	return q.worst, 3
}

// kvsAnswer: KVS-INGEST takes at most 5 fragments and 12.5 MB a second per
// stream (the producer does not retry: the rest is lost); the app reads
// what the streams took, at most its capacity and KVS-GETMEDIA's 25 MB/s
// per stream. A reader outage leaves the fragments in the stream (24 h of
// retention); a stream outage refuses them.
func (c destCase) kvsAnswer() destAnswer {
	per := min(pipeline.KVSPutMediaTPS, pipeline.KVSStreamBytes/c.size) * float64(c.units)
	in := min(c.rate, per)
	a := destAnswer{lost: (c.rate - in) * c.end, slack: 4 * c.rate}
	down := 0.0
	if c.fault == "outage" {
		down = min(c.span, c.end-c.at)
		if c.kvsDown == "v" {
			// The video stream down refuses the fragments: nothing to read either.
			a.lost += in * down
			a.written = in * (c.end - down)
			return a
		}
	}
	f := fluid(in, c.readLimit(), c.end, c.at, down, 0)
	a.written, a.backlog = f.readEnd, f.lagEnd
	return a
}

// TestDestinationTable runs every destination × sender × fault over random
// rates, sizes and capacities in the destination's own unit against the
// closed forms of destform_test.go, checking conservation every tick.
// `-soak N` runs N cases per cell.
//
// Bounds, and why: the engine moves in 1 s ticks and a fault starts and
// ends on a tick, so counts may differ by three ticks of input; a sender
// that holds refused records holds the piece it read as the refusal began
// (two ticks at the rate it drains); Lambda keeps a batch per shard open
// (100 records a shard); Firehose flushes an interval's records at once
// (a flush). Redshift's largest latency may differ by 3 s (ticks and
// propagation), and behind Firehose by an interval's records arriving in
// one flush rather than evenly. Past those, 2%. The S3 closed form counts
// an object per Lambda batch of `batch` records; the cases keep every
// shard's second of records a whole number of batches, so no part-filled
// batch makes an extra object.
func TestDestinationTable(t *testing.T) {
	per := 2
	if testing.Short() || raceEnabled {
		per = 1
	}
	if *soak > 0 {
		per = *soak
	}
	r := rand.New(rand.NewPCG(23, 29))
	cases := 0
	for _, cell := range destCells {
		for _, fault := range destFaults {
			for i := 0; i < per; i++ {
				c := genDestCase(r, cell.dest, cell.sender, fault)
				if c.skip() != "" {
					continue
				}
				checkDest(t, c)
				cases++
			}
		}
	}
	t.Logf("%d cases", cases)
}

func checkDest(t *testing.T, c destCase) {
	t.Helper()
	bad := false
	defer func() {
		if bad {
			t.Logf("case: %v\n%s", c, c.yaml())
		}
	}()
	e := newEngine(t, c.yaml())
	// A minute into the recovery and halfway through it (or the run), and
	// at the end: the first two see how fast a backlog drains, the last
	// where it ends.
	ends := []float64{c.duration / 2, c.duration}
	if c.fault == "outage" {
		ends = []float64{c.at + c.span + 60, (c.at + c.span + c.duration) / 2, c.duration}
	}
	for _, end := range ends {
		for e.Now().Seconds() < end-1e-9 {
			e.Step()
			if err := e.CheckInvariants(); err != nil {
				t.Fatal(err)
			}
		}
		c.end = end
		bad = c.compare(t, e.Result().Metrics, c.answer()) || bad
	}
}

// compare checks the engine's metrics against the closed form and reports
// whether they differ.
func (c destCase) compare(t *testing.T, m map[string]float64, want destAnswer) bool {
	t.Helper()
	bad := false
	check := func(what string, got, want, slack float64) {
		t.Helper()
		if math.Abs(got-want) > slack+0.02*math.Abs(want) {
			t.Errorf("%v at %.0fs\n  %s = %.6g, closed form %.6g (±%.3g + 2%%)", c, c.end, what, got, want, slack)
			bad = true
		}
	}
	check("records written", m["d.records_in"], want.written, want.slack)
	switch {
	case c.dest == "kvs":
		check("records held back (unread + held by c)", m["c.lag_records"]+m["c.held_records"], want.backlog, want.slack)
		check("fragments refused", m["p.lost_records"], want.lost, want.slack)
	case c.sender == "firehose":
		check("records sent to the S3 backup", m["c.backup_records"], want.backup, want.slack)
		check("records held by Firehose", m["c.held_records"], want.backlog, want.slack)
	default:
		check("records held back (unread + held by c)", m["c.lag_records"]+m["c.held_records"], want.backlog, want.slack)
	}
	if want.latency > 0 && c.end == c.duration {
		check("largest latency", m["pipeline.latency_max"], want.latency, want.slackLat)
	}
	if c.dest != "kvs" && (m["p.lost_records"] > 0 || m["s.lost_records"] > 0) {
		t.Errorf("%v: lost %v / %v", c, m["p.lost_records"], m["s.lost_records"])
		bad = true
	}
	return bad
}
