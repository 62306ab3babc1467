package pipeline

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"math/bits"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/streamsim/streamsim/internal/textsafe"
)

// The list kinds are settings written as a YAML list rather than a scalar:
// a producer's recorded rate (pattern.series), its share of records per
// shard (keys.shares) and a Kinesis stream's hash-key ranges (hash_ranges).
// Their Value holds the list in Value.List; none can change while a run is
// going (they are not numeric).

// Limits of the list kinds.
const (
	// MaxSeriesPoints bounds a recorded series: 35 days of one-minute points.
	MaxSeriesPoints = 50_400
	// sharesTolerance is how far shares may add up from 100%: imported
	// shares are rounded, one per shard.
	sharesTolerance = 0.01
)

// IsList reports whether values of this kind are written as a YAML list.
func (k Kind) IsList() bool { return k == KindSeries || k == KindShares || k == KindRanges }

// List is the value of a list-valued setting. Only the field of its kind is
// set. A List is not changed once made: Values holding it may be copied
// freely.
type List struct {
	// Rates are a series' points, per second: records, or bytes when Bytes.
	Rates []float64
	Bytes bool
	// Shares are per-shard shares as written (fractions); they add up to 1
	// within rounding.
	Shares []float64
	// Ranges are hash-key ranges in hash-key order.
	Ranges []HashRange

	sum float64 // of Rates or Shares
}

// Len is the number of items.
func (l *List) Len() int {
	if l == nil {
		return 0
	}
	return max(len(l.Rates), len(l.Shares), len(l.Ranges))
}

// Mean is the mean of a series' points (0 for an empty list).
func (l *List) Mean() float64 {
	if l == nil || len(l.Rates) == 0 {
		return 0
	}
	return l.sum / float64(len(l.Rates))
}

// Share is shard i's share of the records, the shares normalised to add up
// to exactly 1.
func (l *List) Share(i int) float64 {
	if l == nil || i < 0 || i >= len(l.Shares) || l.sum <= 0 {
		return 0
	}
	return l.Shares[i] / l.sum
}

// String writes the list in the flow syntax the loader reads back.
func (l *List) String() string {
	if l == nil {
		return "[]"
	}
	parts := make([]string, 0, l.Len())
	for _, it := range l.items() {
		if len(it) == 1 {
			parts = append(parts, it[0])
		} else {
			parts = append(parts, fmt.Sprintf("[%q, %q]", it[0], it[1]))
		}
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// items are the list's items as scalars (series, shares) or pairs of
// scalars (ranges), for the encoder: each in the shortest spelling that
// reads back exactly (a minute's count as 72013/m rather than
// 1200.2166666666667/s).
func (l *List) items() [][]string {
	var out [][]string
	rates := sameUnit(l.Rates, func(x float64) Value {
		return Value{Kind: KindRate, Num: x, Rate: Rate{PerSec: x, Bytes: l.Bytes}}
	}, func(x float64) []string {
		if l.Bytes {
			return []string{FormatSize(x) + "/s", FormatSize(x*60) + "/m", FormatSize(x*3600) + "/h"}
		}
		return []string{roundedRate(x, 1, "/s"), roundedRate(x, 60, "/m"), roundedRate(x, 3600, "/h")}
	})
	for _, r := range rates {
		out = append(out, []string{r})
	}
	shares := sameUnit(l.Shares, func(x float64) Value { return Value{Kind: KindPercent, Num: x} },
		func(x float64) []string { return []string{trimFloat(x*100) + "%", trimFloat(x)} })
	for _, s := range shares {
		out = append(out, []string{s})
	}
	for _, r := range l.Ranges {
		out = append(out, []string{r.Start.String(), r.End.String()})
	}
	return out
}

// sameUnit spells every number of a list in one of its spellings (the
// spellings of x, in the same order for every x): the one that is exact for
// all and shortest in total; where none is exact for all, each number gets
// its own shortest exact spelling.
func sameUnit(xs []float64, value func(float64) Value, spell func(float64) []string) []string {
	if len(xs) == 0 {
		return nil
	}
	n := len(spell(xs[0]))
	best, bestLen := -1, 0
	for u := range n {
		total, exact := 0, true
		for _, x := range xs {
			s := spell(x)[u]
			if !sameValue(value(x), s) {
				exact = false
				break
			}
			total += len(s)
		}
		if exact && (best < 0 || total < bestLen) {
			best, bestLen = u, total
		}
	}
	out := make([]string, len(xs))
	for i, x := range xs {
		if best >= 0 {
			out[i] = spell(x)[best]
		} else {
			out[i] = shortest(value(x), spell(x))
		}
	}
	return out
}

// roundedRate spells x records per second as a count per unit of mult
// seconds, with the fewest decimals that still read back as x exactly
// (63230/m rather than 63229.99999999999/m for 63230 ÷ 60).
func roundedRate(x, mult float64, unit string) string {
	v := x * mult
	for d := 0; d <= 12; d++ {
		p := math.Pow(10, float64(d))
		s := trimFloat(math.Round(v*p)/p) + unit
		if r, err := ParseRate(s); err == nil && r.PerSec == x {
			return s
		}
	}
	return trimFloat(v) + unit
}

// shortest is the shortest of the spellings that read back as v exactly,
// else the encoder's spelling of v.
func shortest(v Value, spellings []string) string {
	best := ""
	for _, s := range spellings {
		if (best == "" || len(s) < len(best)) && sameValue(v, s) {
			best = s
		}
	}
	if best == "" {
		return formatValue(v)
	}
	return best
}

// NewSeries makes the value of pattern.series from points per second
// (records, or bytes when bytes is set).
func NewSeries(points []float64, bytes bool) Value {
	l := &List{Rates: append([]float64(nil), points...), Bytes: bytes}
	for _, p := range l.Rates {
		l.sum += p
	}
	return Value{Kind: KindSeries, List: l, Num: float64(len(points)), Set: true}
}

// NewShares makes the value of keys.shares from fractions.
func NewShares(shares []float64) Value {
	l := &List{Shares: append([]float64(nil), shares...)}
	for _, s := range l.Shares {
		l.sum += s
	}
	return Value{Kind: KindShares, List: l, Num: float64(len(shares)), Set: true}
}

// NewRanges makes the value of hash_ranges.
func NewRanges(r []HashRange) Value {
	return Value{Kind: KindRanges, List: &List{Ranges: append([]HashRange(nil), r...)}, Num: float64(len(r)), Set: true}
}

// HashKey is a number of Kinesis' 128-bit hash-key space, 0 … 2^128−1.
type HashKey struct{ Hi, Lo uint64 }

// MaxHashKey is the last hash key, 2^128−1.
var MaxHashKey = HashKey{math.MaxUint64, math.MaxUint64}

// Less reports whether k comes before o.
func (k HashKey) Less(o HashKey) bool { return k.Hi < o.Hi || k.Hi == o.Hi && k.Lo < o.Lo }

// Next is k+1 (MaxHashKey has none: it gives 0).
func (k HashKey) Next() HashKey {
	lo, carry := bits.Add64(k.Lo, 1, 0)
	return HashKey{k.Hi + carry, lo}
}

// Big is k as a big.Int.
func (k HashKey) Big() *big.Int {
	b := new(big.Int).SetUint64(k.Hi)
	b.Lsh(b, 64)
	return b.Or(b, new(big.Int).SetUint64(k.Lo))
}

// Fraction is k ÷ 2^128.
func (k HashKey) Fraction() float64 { return (float64(k.Hi) + float64(k.Lo)/(1<<64)) / (1 << 64) }

// String writes k in decimal, as Kinesis does.
func (k HashKey) String() string { return k.Big().String() }

var errHashKey = errors.New("not a hash key")

// ParseHashKey reads a decimal hash key, 0 … 2^128−1.
func ParseHashKey(s string) (HashKey, error) {
	t := strings.TrimSpace(s)
	if t == "" || len(t) > 39 {
		return HashKey{}, errHashKey
	}
	for _, c := range t {
		if c < '0' || c > '9' {
			return HashKey{}, errHashKey
		}
	}
	if len(t) > 1 && t[0] == '0' {
		return HashKey{}, errHashKey
	}
	b, ok := new(big.Int).SetString(t, 10)
	if !ok || b.BitLen() > 128 {
		return HashKey{}, errHashKey
	}
	lo := new(big.Int).And(b, new(big.Int).SetUint64(math.MaxUint64)).Uint64()
	return HashKey{new(big.Int).Rsh(b, 64).Uint64(), lo}, nil
}

// HashKeyOf reads a hash key from its big-endian bytes (an MD5 sum).
func HashKeyOf(sum []byte) HashKey {
	var k HashKey
	for i, c := range sum {
		if i < 8 {
			k.Hi = k.Hi<<8 | uint64(c)
		} else {
			k.Lo = k.Lo<<8 | uint64(c)
		}
	}
	return k
}

// HashRange is a shard's range of hash keys, both ends included.
type HashRange struct{ Start, End HashKey }

// Fraction is the share of the hash-key space the range holds.
func (r HashRange) Fraction() float64 {
	if r.End == MaxHashKey {
		return 1 - r.Start.Fraction()
	}
	return r.End.Next().Fraction() - r.Start.Fraction()
}

// EvenHashRanges splits the hash-key space evenly into n ranges, as
// CreateStream and UpdateShardCount (uniform scaling) do: range i starts at
// floor(i × 2^128 ÷ n).
func EvenHashRanges(n int) []HashRange {
	out := make([]HashRange, n)
	for i := range out {
		out[i].Start = evenStart(i, n)
		if i+1 < n {
			next := evenStart(i+1, n)
			lo, borrow := bits.Sub64(next.Lo, 1, 0)
			out[i].End = HashKey{next.Hi - borrow, lo}
		} else {
			out[i].End = MaxHashKey
		}
	}
	return out
}

func evenStart(i, n int) HashKey {
	if i == 0 {
		return HashKey{}
	}
	qhi, r := bits.Div64(uint64(i), 0, uint64(n))
	qlo, _ := bits.Div64(r, 0, uint64(n))
	return HashKey{qhi, qlo}
}

// HashRanges are the hash-key ranges of a Kinesis stream node's shards: its
// hash_ranges, or the shards split evenly.
func HashRanges(n *Node) []HashRange {
	if v, ok := n.Params["hash_ranges"]; ok && v.List != nil && len(v.List.Ranges) > 0 {
		return v.List.Ranges
	}
	return EvenHashRanges(max(1, n.Int("shards")))
}

// KeyRanges are the hash-key ranges a producer's per-shard shares are of:
// its keys.hash_ranges, or even ranges, one per share.
func KeyRanges(n *Node) []HashRange {
	if v, ok := n.Params["keys.hash_ranges"]; ok && v.List != nil && len(v.List.Ranges) > 0 {
		return v.List.Ranges
	}
	shares, ok := n.Params["keys.shares"]
	if !ok || shares.List == nil {
		return nil
	}
	return EvenHashRanges(max(1, shares.List.Len()))
}

// SeriesFactor is a series pattern's multiplier of the producer's rate at
// time t (seconds): the point in force ÷ the mean of the points. Each point
// lasts pattern.every; the series starts again when it runs out. A series
// of zeros gives 0.
func SeriesFactor(n *Node, t float64) float64 {
	v, ok := n.Params["pattern.series"]
	if !ok || v.List == nil || len(v.List.Rates) == 0 {
		return 1
	}
	mean := v.List.Mean()
	if mean <= 0 {
		return 0
	}
	every := n.Dur("pattern.every").Seconds()
	if every <= 0 {
		every = 60
	}
	i := int(math.Floor(max(0, t) / every))
	return v.List.Rates[i%len(v.List.Rates)] / mean
}

// SeriesPeak is when a series pattern first reaches its highest point
// (seconds from the start), and that point's multiplier of the rate.
func SeriesPeak(n *Node) (at, factor float64) {
	v, ok := n.Params["pattern.series"]
	if !ok || v.List == nil || len(v.List.Rates) == 0 || v.List.Mean() <= 0 {
		return 0, 1
	}
	best := 0
	for i, p := range v.List.Rates {
		if p > v.List.Rates[best] {
			best = i
		}
	}
	return float64(best) * n.Dur("pattern.every").Seconds(), v.List.Rates[best] / v.List.Mean()
}

// listProblem is one problem with an item of a list (item -1: the list).
type listProblem struct {
	item int
	sub  int // the end of a range (0 start, 1 end), or -1
	msg  string
}

// parseList reads a list value from its YAML node, reporting every problem
// with the item it is about.
func parseList(k Kind, n *yaml.Node) (Value, []listProblem) {
	var probs []listProblem
	add := func(item, sub int, format string, args ...any) {
		if len(probs) < 20 {
			probs = append(probs, listProblem{item, sub, fmt.Sprintf(format, args...)})
		}
	}
	if n.Kind != yaml.SequenceNode {
		add(-1, -1, "expected %s, got %s", k, describe(n))
		return Value{}, probs
	}
	items := n.Content
	limit := map[Kind]int{KindSeries: MaxSeriesPoints, KindShares: KDSMaxShards, KindRanges: KDSMaxShards}[k]
	if len(items) == 0 {
		add(-1, -1, "empty list: expected %s", k)
		return Value{}, probs
	}
	if len(items) > limit {
		add(-1, -1, "%d items; at most %d", len(items), limit)
		return Value{}, probs
	}
	scalar := func(i, sub int, it *yaml.Node, what string) (string, bool) {
		if it.Kind != yaml.ScalarNode || isNull(it) {
			add(i, sub, "expected %s, got %s", what, describe(it))
			return "", false
		}
		if j := textsafe.Bad(it.Value, false); j >= 0 {
			add(i, sub, "%s holds %s: expected %s", describe(it), badChar(it.Value, j), what)
			return "", false
		}
		return it.Value, true
	}
	switch k {
	case KindSeries:
		points := make([]float64, 0, len(items))
		bytesSeen, countSeen := false, false
		for i, it := range items {
			t, ok := scalar(i, -1, it, KindRate.String())
			if !ok {
				continue
			}
			if err := leadingZero(t); err != nil {
				add(i, -1, "%v", err)
				continue
			}
			r, err := ParseRate(t)
			if err != nil {
				add(i, -1, "%v", err)
				continue
			}
			if r.PerSec > 1e10 {
				add(i, -1, "%s: out of range; expected a rate of 0/s..10000000000/s", t)
				continue
			}
			if r.Bytes && countSeen || !r.Bytes && bytesSeen {
				add(i, -1, "%s: the points of a series must all be records or all bytes per second", t)
				continue
			}
			bytesSeen, countSeen = bytesSeen || r.Bytes, countSeen || !r.Bytes
			points = append(points, r.PerSec)
		}
		if len(probs) > 0 {
			return Value{}, probs
		}
		return NewSeries(points, bytesSeen), nil
	case KindShares:
		shares := make([]float64, 0, len(items))
		for i, it := range items {
			t, ok := scalar(i, -1, it, KindPercent.String())
			if !ok {
				continue
			}
			f, err := ParsePercent(t)
			if err != nil {
				add(i, -1, "%v", err)
				continue
			}
			if f > 1 {
				add(i, -1, "%s: a share is at most 100%%", t)
				continue
			}
			shares = append(shares, f)
		}
		if len(probs) > 0 {
			return Value{}, probs
		}
		v := NewShares(shares)
		if math.Abs(v.List.sum-1) > sharesTolerance {
			add(-1, -1, "the shares add up to %s; they must add up to 100%%", formatValue(Value{Kind: KindPercent, Num: v.List.sum}))
			return Value{}, probs
		}
		return v, nil
	case KindRanges:
		ranges := make([]HashRange, 0, len(items))
		for i, it := range items {
			if it.Kind != yaml.SequenceNode || len(it.Content) != 2 {
				add(i, -1, "expected a range [start, end] of two decimal hash keys, got %s", describe(it))
				continue
			}
			var ends [2]HashKey
			ok := true
			for j, e := range it.Content {
				t, good := scalar(i, j, e, "a decimal hash key 0 … 340282366920938463463374607431768211455")
				if !good {
					ok = false
					continue
				}
				key, err := ParseHashKey(t)
				if err != nil {
					add(i, j, "%q: expected a decimal hash key 0 … 340282366920938463463374607431768211455 (2^128−1)", t)
					ok = false
					continue
				}
				ends[j] = key
			}
			if !ok {
				continue
			}
			r := HashRange{ends[0], ends[1]}
			if r.End.Less(r.Start) {
				add(i, 1, "the range ends at %s, before it starts at %s", r.End, r.Start)
				continue
			}
			ranges = append(ranges, r)
			if len(probs) > 0 {
				continue
			}
			switch {
			case i == 0 && r.Start != (HashKey{}):
				add(i, 0, "the first range starts at %s: the ranges must cover the hash-key space from 0", r.Start)
			case i > 0 && r.Start != ranges[i-1].End.Next():
				add(i, 0, "the range starts at %s, but the one before ends at %s: ranges must be contiguous and in order (this one should start at %s)",
					r.Start, ranges[i-1].End, ranges[i-1].End.Next())
			case i == len(items)-1 && r.End != MaxHashKey:
				add(i, 1, "the last range ends at %s: the ranges must cover the hash-key space up to 2^128−1 (%s)", r.End, MaxHashKey)
			}
		}
		if len(probs) > 0 {
			return Value{}, probs
		}
		return NewRanges(ranges), nil
	}
	add(-1, -1, "not a list kind")
	return Value{}, probs
}

// parseListText reads a list value written in YAML flow syntax ([a, b]).
func parseListText(k Kind, text string) (Value, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(text), &doc); err != nil || len(doc.Content) != 1 {
		return Value{}, fmt.Errorf("%q: expected %s", clip(text), k)
	}
	v, probs := parseList(k, doc.Content[0])
	if len(probs) > 0 {
		p := probs[0]
		if p.item >= 0 {
			return Value{}, fmt.Errorf("item %d: %s", p.item+1, p.msg)
		}
		return Value{}, errors.New(p.msg)
	}
	return v, nil
}

// checkList checks a list value made in code as the loader checks one read
// from a file.
func checkList(k Key, v Value) error {
	if v.List == nil {
		return fmt.Errorf("%s: expected %s", k.Name, k.Kind)
	}
	_, err := parseListText(k.Kind, v.List.String())
	return err
}
