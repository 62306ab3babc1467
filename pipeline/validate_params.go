package pipeline

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// ParseParam parses text as the value of key on a node of svc and checks it:
// enum members and the range AWS allows. The error says what was expected.
func ParseParam(svc *Service, key, text string) (Value, error) {
	k, ok := svc.Key(key)
	if !ok {
		return Value{}, fmt.Errorf("%s has no key %q", svc.Name, key)
	}
	v, err := ParseValue(k.Kind, text)
	if err != nil {
		return Value{}, err
	}
	if err := checkParam(svc, k, v, strings.TrimSpace(text)); err != nil {
		return Value{}, err
	}
	return v, nil
}

// CheckParam checks a value of key on a node of svc: enum members and the range
// AWS allows (from the catalog). Use it when a value changes after loading.
func CheckParam(svc *Service, key string, v Value) error {
	k, ok := svc.Key(key)
	if !ok {
		return fmt.Errorf("%s has no key %q", svc.Name, key)
	}
	return checkParam(svc, k, v, v.String())
}

// checkParam checks v against k; text is the value as written, for the message.
func checkParam(svc *Service, k Key, v Value, text string) error {
	key := k.Name
	if k.Kind != v.Kind {
		return fmt.Errorf("%s: expected %s", key, k.Kind)
	}
	if k.Kind.IsList() {
		return checkList(k, v)
	}
	if k.Name == "read" && v.Str == "enhanced-fan-out" && !svc.CanUseEFO() {
		return fmt.Errorf("%s reads a Kinesis stream by polling (FH-KDS-POLLING): it cannot use enhanced fan-out; expected polling", svc.Label)
	}
	if k.Kind == KindEnum && !slices.Contains(k.Enum, v.Str) {
		return fmt.Errorf("%q: expected one of %s%s", v.Str, strings.Join(k.Enum, ", "), hint(v.Str, k.Enum))
	}
	if math.IsNaN(v.Num) || math.IsInf(v.Num, 0) {
		return fmt.Errorf("%s: expected %s", text, k.Kind)
	}
	if k.hasRange() && (v.Num < k.Min || v.Num > k.Max) {
		return fmt.Errorf("%s: out of range; %s", text, rangeText(svc, k, v))
	}
	return nil
}

// rangeNotes word the allowed range of keys whose limit is an AWS fact, with the
// bounds as %[1]s and %[2]s. Other keys get "<service> allows MIN..MAX".
var rangeNotes = map[string]string{
	"producer.rate":                        "expected a rate of %s..%s",
	"kinesis-data-streams.shards":          "Kinesis allows %s..%s shards per stream (account quota)",
	"kinesis-data-streams.retention":       "Kinesis keeps records for %s..%s",
	"kinesis-data-streams.max_record_size": "Kinesis records may be raised to at most 10MiB; the range is %s..%s",
	"msk.brokers":                          "MSK allows %s..%s brokers per cluster",
	"msk.replication":                      "the replication factor is %s..%s",
	"msk-serverless.partitions":            "MSK Serverless allows %s..%s partitions per cluster",
	"firehose.buffer.size":                 "Firehose buffers %s..%s before it delivers (buffer.size)",
	"firehose.buffer.interval":             "Firehose buffers for %s..%s before it delivers (buffer.interval)",
	"flink.kpus":                           "Managed Service for Apache Flink allows %s..%s KPUs per application",
	"lambda.batch_size":                    "Lambda takes %s..%s records per batch (BatchSize)",
	"lambda.batch_window":                  "Lambda waits %s..%s to fill a batch (MaximumBatchingWindowInSeconds)",
	"lambda.parallelization":               "Lambda allows %s..%s concurrent batches per shard (ParallelizationFactor)",
	"lambda.duration":                      "a Lambda function runs for at most %s (the range is %[1]s..%[2]s)",
	"dynamodb.wcu":                         "DynamoDB allows %s..%s write capacity units per table (default quota)",
}

func rangeText(svc *Service, k Key, v Value) string {
	lo, hi := formatBound(k, k.Min, k.Max, v), formatBound(k, k.Max, k.Max, v)
	if note, ok := rangeNotes[string(svc.Name)+"."+k.Name]; ok {
		if k.Name == "duration" && svc.Name == Lambda {
			return fmt.Sprintf(note, hi, lo, hi)
		}
		return fmt.Sprintf(note, lo, hi)
	}
	if svc.Stage == Producer {
		return fmt.Sprintf("expected %s..%s", lo, hi)
	}
	return fmt.Sprintf("%s allows %s..%s", svc.Label, lo, hi)
}

// formatBound writes one end of a key's range in the key's unit; durations whose
// upper bound is at most an hour are written in seconds, as AWS documents them.
func formatBound(k Key, x, hi float64, v Value) string {
	switch k.Kind {
	case KindDuration:
		if x >= 1 && hi <= 3600 && x == math.Trunc(x) || x == 0 {
			return trimFloat(x) + "s"
		}
		if x == 86400 {
			return "24h" // as AWS writes Kinesis' minimum retention
		}
		return FormatDuration(durationOf(x))
	case KindSize:
		return FormatSize(x)
	case KindRate:
		return Rate{PerSec: x, Bytes: v.Rate.Bytes}.String()
	case KindMoney:
		return "$" + trimFloat(x)
	case KindPercent:
		return trimFloat(x*100) + "%"
	case KindFactor:
		return trimFloat(x) + "x"
	}
	return trimFloat(x)
}

func durationOf(sec float64) time.Duration {
	return time.Duration(math.Round(sec * float64(time.Second)))
}
