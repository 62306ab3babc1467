package sim_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/streamsim/streamsim/pipeline"
)

// destCase is one destination fed by an app consumer that holds what the
// destination refuses (so the stream keeps the backlog): the destination's
// capacity, in its own unit, decides the numbers.
type destCase struct {
	kind     string  // dynamodb, opensearch, redshift, s3
	units    int     // WCU ÷ 1,000, OpenSearch instances, Redshift nodes
	rate     float64 // records/s
	size     float64 // bytes per record
	shards   int
	fault    string // none, outage (the destination is down)
	at, span float64
}

var (
	destKinds  = []string{"dynamodb", "opensearch", "redshift", "s3"}
	destFaults = []string{"none", "outage"}
)

const destDuration = 1200.0

func genDestCase(r *rand.Rand, kind, fault string) destCase {
	c := destCase{kind: kind, fault: fault, units: 1 + r.IntN(4)}
	c.size = []float64{200, 500, 1000}[r.IntN(3)]
	// Input between half and twice the capacity, so some cases keep up.
	capRecs := c.capacity()
	if math.IsInf(capRecs, 1) {
		capRecs = 2000
	}
	c.rate = math.Round(capRecs * (0.5 + 1.5*r.Float64()))
	// Enough shards that neither writes (KDS-SHARD-WRITE, with headroom for
	// uneven random keys) nor enhanced fan-out reads bind.
	perShard := min(pipeline.KDSShardWriteRecs, pipeline.KDSShardWriteBytes/(c.size+64))
	c.shards = int(math.Ceil(c.rate/(0.7*perShard))) + 1
	if fault != "none" {
		c.at, c.span = 300, float64(60*(1+r.IntN(5)))
	}
	return c
}

// capacity is what the destination takes, records/s, from the rule book:
// DDB-PARTITION-WCU (1,000 WCU per partition, records ≤ 1 KB are one unit; a
// table of whole thousands of WCU has no partition headroom to spend burst
// in), OS-INSTANCE-CAPACITY (5 MiB/s per r6g.large), RS-NODE-CAPACITY (never
// refuses: loads queue) and S3-PREFIX-RATE (objects, not records, far away).
func (c destCase) capacity() float64 {
	switch c.kind {
	case "dynamodb":
		return float64(c.units) * pipeline.DDBPartitionWCU
	case "opensearch":
		return float64(c.units) * 5 * pipeline.MiB / c.size
	}
	return math.Inf(1)
}

// ahead is what the destination takes at once beyond its rate when a backlog
// meets it: OpenSearch's write queues hold 10 s of indexing (OS-WRITE-QUEUE).
func (c destCase) ahead() float64 {
	if c.kind == "opensearch" {
		return 10 * c.capacity()
	}
	return 0
}

func (c destCase) yaml() string {
	var b strings.Builder
	fmt.Fprintf(&b, "version: 1\nname: dest\nseed: 3\nduration: %.0fs\n", destDuration)
	fmt.Fprintf(&b, "producers:\n  - {id: p, rate: %.0f/s, record_size: %.0fB, keys: {dist: random}, retries: {max: 1000}, to: [s]}\n", c.rate, c.size)
	fmt.Fprintf(&b, "storage:\n  - {id: s, service: kinesis-data-streams, shards: %d}\n", c.shards)
	b.WriteString("consumers:\n  - {id: c, service: app, from: s, instances: 100, read: enhanced-fan-out, to: [d]}\n")
	b.WriteString("destinations:\n  - {id: d, service: " + c.kind)
	switch c.kind {
	case "dynamodb":
		fmt.Fprintf(&b, ", mode: provisioned, wcu: %d", c.units*1000)
	case "opensearch":
		fmt.Fprintf(&b, ", instances: %d, instance_type: r6g.large.search", c.units)
	case "redshift":
		fmt.Fprintf(&b, ", nodes: %d", c.units)
	}
	b.WriteString("}\n")
	if c.fault == "outage" {
		fmt.Fprintf(&b, "timeline:\n  - {at: %.0fs, fail: d, for: %.0fs}\n", c.at, c.span)
	}
	return b.String()
}

func (c destCase) String() string {
	return fmt.Sprintf("%s(%d) %.0f/s of %.0f B, %d shards, %s %.0fs", c.kind, c.units, c.rate, c.size, c.shards, c.fault, c.span)
}

// TestDestinationTable runs every destination × fault over random rates,
// sizes and capacities against the closed form of closedform_test.go's fluid
// queue: the destination takes min(input, capacity); an outage refuses
// everything for its span and the consumer holds the rest, so the stream's
// lag grows; afterwards the backlog drains at capacity − input.
//
// Bounds, and why: three ticks of input for tick boundaries and the held
// batch the consumer retries; past that, 2%.
func TestDestinationTable(t *testing.T) {
	per := 3
	if testing.Short() || raceEnabled {
		per = 1
	}
	if *soak > 0 {
		per = *soak
	}
	r := rand.New(rand.NewPCG(23, 29))
	for _, kind := range destKinds {
		for _, fault := range destFaults {
			for i := 0; i < per; i++ {
				checkDest(t, genDestCase(r, kind, fault))
			}
		}
	}
}

func checkDest(t *testing.T, c destCase) {
	t.Helper()
	defer func() {
		if t.Failed() {
			t.Logf("case: %v\n%s", c, c.yaml())
		}
	}()
	_, m := runChecked(t, load(t, c.yaml()))
	down := 0.0
	if c.fault == "outage" {
		down = c.span
	}
	want := fluid(c.rate, c.capacity(), destDuration, c.at, down, c.ahead())
	slack := 3 * c.rate
	check := func(what string, got, want float64) {
		t.Helper()
		if math.Abs(got-want) > slack+0.02*math.Abs(want) {
			t.Errorf("%v\n  %s = %.6g, closed form %.6g (±%.3g + 2%%)", c, what, got, want, slack)
		}
	}
	check("records written", m["d.records_in"], want.readEnd)
	check("records held back (unread + held by c)", m["c.lag_records"]+m["c.held_records"], want.lagEnd)
	if m["p.lost_records"] > 0 || m["s.lost_records"] > 0 {
		t.Errorf("%v: lost %v / %v", c, m["p.lost_records"], m["s.lost_records"])
	}
}
