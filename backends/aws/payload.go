package aws

import (
	"bytes"
	"crypto/md5"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
	"strconv"

	"github.com/streamsim/streamsim/pipeline"
)

// A record's payload is one JSON object on one line, padded to the record
// size the scenario asks for:
//
//	{"run":"a1b2c3d4","src":"web","seq":17,"ts":1700000000123456789,"key":"web-…","pad":"xxxx…"}
//
// ts is the producer's wall-clock time in Unix nanoseconds when the record was
// made; every place that receives a record (a consumer, an S3 object, a
// DynamoDB item) measures latency from it. Lines can be concatenated, as
// Firehose and the S3 writers do, and split again on newlines.
type payload struct {
	Run string `json:"run"`
	Src string `json:"src"`
	Seq int64  `json:"seq"`
	TS  int64  `json:"ts"`
	Key string `json:"key"`
}

// headerSize is the bytes a payload takes before padding, about.
const minPayload = 96

// encodePayload writes a payload of about size bytes (at least what the
// header needs), ending in a newline.
func encodePayload(p payload, size int) []byte {
	b := make([]byte, 0, max(size, minPayload+len(p.Src)+len(p.Key)))
	b = append(b, `{"run":`...)
	b = strconv.AppendQuote(b, p.Run)
	b = append(b, `,"src":`...)
	b = strconv.AppendQuote(b, p.Src)
	b = append(b, `,"seq":`...)
	b = strconv.AppendInt(b, p.Seq, 10)
	b = append(b, `,"ts":`...)
	b = strconv.AppendInt(b, p.TS, 10)
	b = append(b, `,"key":`...)
	b = strconv.AppendQuote(b, p.Key)
	b = append(b, `,"pad":"`...)
	for len(b) < size-3 {
		b = append(b, 'x')
	}
	b = append(b, "\"}\n"...)
	return b
}

// decodePayload reads one payload line; records not made by this program
// (or by another run) are an error.
func decodePayload(b []byte) (payload, error) {
	var p payload
	b = bytes.TrimRight(b, "\n")
	if len(b) == 0 || b[0] != '{' {
		return p, errors.New("not a streamsim record")
	}
	if err := json.Unmarshal(b, &p); err != nil {
		return p, fmt.Errorf("not a streamsim record: %w", err)
	}
	return p, nil
}

// splitLines calls f with every non-empty line of b.
func splitLines(b []byte, f func([]byte)) {
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			f(b)
			return
		}
		if i > 0 {
			f(b[:i+1])
		}
		b = b[i+1:]
	}
}

// KPL aggregation (KPL-AGGREGATION): many user records in one Kinesis record, in the
// format of the Kinesis Producer Library, so KCL and Firehose de-aggregate
// them: the magic bytes, a protobuf AggregatedRecord, and the MD5 of it.
//
//	message AggregatedRecord { repeated string partition_key_table = 1;
//	  repeated string explicit_hash_key_table = 2; repeated Record records = 3; }
//	message Record { required uint64 partition_key_index = 1;
//	  optional uint64 explicit_hash_key_index = 2; required bytes data = 3; }
var kplMagic = []byte{0xF3, 0x89, 0x9A, 0xC2}

// maxAggregate is KPL's AggregationMaxSize default (KPL-AGGREGATION).
const maxAggregate = 51200

// userRecord is one record as a producer made it.
type userRecord struct {
	key  string
	data []byte
	ts   int64 // Unix nanoseconds, as in the payload
	src  string
}

func appendVarint(b []byte, v uint64) []byte { return binary.AppendUvarint(b, v) }

func appendField(b []byte, field int, wire int) []byte {
	return appendVarint(b, uint64(field<<3|wire))
}

func appendBytesField(b []byte, field int, data []byte) []byte {
	b = appendField(b, field, 2)
	b = appendVarint(b, uint64(len(data)))
	return append(b, data...)
}

// aggregate packs records into one KPL aggregated record. The partition keys
// are kept in its key table; the Kinesis record itself is put with the first
// record's key.
func aggregate(recs []userRecord) []byte {
	var body []byte
	index := map[string]int{}
	var keys []string
	for _, r := range recs {
		if _, ok := index[r.key]; !ok {
			index[r.key] = len(keys)
			keys = append(keys, r.key)
		}
	}
	for _, k := range keys {
		body = appendBytesField(body, 1, []byte(k))
	}
	for _, r := range recs {
		var rec []byte
		rec = appendField(rec, 1, 0)
		rec = appendVarint(rec, uint64(index[r.key]))
		rec = appendBytesField(rec, 3, r.data)
		body = appendBytesField(body, 3, rec)
	}
	sum := md5.Sum(body)
	out := make([]byte, 0, len(kplMagic)+len(body)+len(sum))
	out = append(out, kplMagic...)
	out = append(out, body...)
	return append(out, sum[:]...)
}

// aggregatedSize is the size of a KPL record holding recs, about: data plus
// keys plus framing.
func aggregatedSize(dataBytes, keyBytes, n int) int {
	return len(kplMagic) + md5.Size + dataBytes + keyBytes + 8*n
}

// isAggregate reports whether b starts as a KPL aggregate does.
func isAggregate(b []byte) bool {
	return len(b) >= len(kplMagic)+md5.Size && bytes.Equal(b[:len(kplMagic)], kplMagic)
}

// deaggregate returns the user records' data of a Kinesis record: itself if
// it is not a KPL aggregate, else every record inside.
func deaggregate(b []byte) ([][]byte, error) {
	if !isAggregate(b) {
		return [][]byte{b}, nil
	}
	body := b[len(kplMagic) : len(b)-md5.Size]
	if sum := md5.Sum(body); !bytes.Equal(sum[:], b[len(b)-md5.Size:]) {
		return [][]byte{b}, nil // not an aggregate after all
	}
	var out [][]byte
	for len(body) > 0 {
		field, wire, data, rest, err := readField(body)
		if err != nil {
			return nil, fmt.Errorf("aggregated record: %w", err)
		}
		body = rest
		if field != 3 || wire != 2 {
			continue
		}
		for len(data) > 0 {
			f, w, d, r, err := readField(data)
			if err != nil {
				return nil, fmt.Errorf("aggregated record: %w", err)
			}
			data = r
			if f == 3 && w == 2 {
				out = append(out, d)
			}
		}
	}
	return out, nil
}

// readField reads one protobuf field: varints (wire 0) return no data,
// length-delimited fields (wire 2) their bytes.
func readField(b []byte) (field, wire int, data, rest []byte, err error) {
	tag, n := binary.Uvarint(b)
	if n <= 0 {
		return 0, 0, nil, nil, errors.New("bad tag")
	}
	b = b[n:]
	field, wire = int(tag>>3), int(tag&7)
	switch wire {
	case 0:
		_, n = binary.Uvarint(b)
		if n <= 0 {
			return 0, 0, nil, nil, errors.New("bad varint")
		}
		return field, wire, nil, b[n:], nil
	case 2:
		l, n := binary.Uvarint(b)
		if n <= 0 || uint64(len(b)-n) < l {
			return 0, 0, nil, nil, errors.New("bad length")
		}
		return field, wire, b[n : n+int(l)], b[n+int(l):], nil
	}
	return 0, 0, nil, nil, fmt.Errorf("unsupported wire type %d", wire)
}

// keyGen draws partition keys from a producer's key distribution (the keys.* settings):
// uniform over keys.count, zipf with keys.skew, one hot key taking
// keys.fraction, or a fresh random key per record.
type keyGen struct {
	id    string
	dist  string
	count int
	frac  float64
	cdf   []float64 // zipf: cumulative weights of the first keys
	tail  float64   // zipf: weight of the keys beyond the table
	rng   *rand.Rand
	seed  uint64
	shard *shardKeys // per-shard
}

const zipfTable = 100_000

func newKeyGen(n *pipeline.Node, seed int64) *keyGen {
	g := &keyGen{id: n.ID, dist: n.Str("keys.dist"), count: max(1, n.Int("keys.count")), frac: n.Num("keys.fraction"),
		seed: uint64(seed)}
	g.rng = rand.New(rand.NewPCG(uint64(seed), hashString(n.ID)))
	if g.dist == "zipf" {
		// The weights the simulator spreads over shards (pipeline.KeyDist).
		kd := pipeline.KeyDistOf(n)
		g.cdf = make([]float64, min(g.count, zipfTable))
		acc := 0.0
		for i := range g.cdf {
			acc += kd.Weight(i)
			g.cdf[i] = acc
		}
		g.tail = 1 - acc
	}
	if g.dist == "per-shard" {
		g.shard = newShardKeys(n, g)
	}
	return g
}

func hashString(s string) uint64 {
	sum := md5.Sum([]byte(s))
	return binary.BigEndian.Uint64(sum[:8])
}

// name is the partition key of key number i.
func (g *keyGen) name(i int) string {
	return fmt.Sprintf("%s-%016x", g.id, splitmix(g.seed^uint64(i)*0x9e3779b97f4a7c15))
}

func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// next draws one key.
func (g *keyGen) next() string {
	switch g.dist {
	case "random":
		return fmt.Sprintf("%s-%016x", g.id, g.rng.Uint64())
	case "hot":
		if g.count == 1 || g.rng.Float64() < g.frac {
			return g.name(0)
		}
		return g.name(1 + g.rng.IntN(g.count-1))
	case "per-shard":
		return g.name(g.shard.next(g))
	case "zipf":
		u := g.rng.Float64()
		if u >= 1-g.tail && g.count > len(g.cdf) {
			return g.name(len(g.cdf) + g.rng.IntN(g.count-len(g.cdf)))
		}
		i := sort.SearchFloat64s(g.cdf, u)
		return g.name(min(i, len(g.cdf)-1))
	}
	return g.name(g.rng.IntN(g.count))
}

// sizeGen draws record sizes from the producer's distribution, the one the
// simulator bills by (pipeline.RecordSizes).
type sizeGen struct {
	dist pipeline.SizeDist
	rng  *rand.Rand
}

func newSizeGen(n *pipeline.Node, rng *rand.Rand) *sizeGen {
	return &sizeGen{dist: pipeline.RecordSizes(n), rng: rng}
}

func (g *sizeGen) next() int {
	if g.dist.Sigma == 0 {
		return int(g.dist.Mean)
	}
	return int(g.dist.At(g.rng.NormFloat64()))
}

func md5Sum(s string) []byte {
	h := md5.Sum([]byte(s))
	return h[:]
}
