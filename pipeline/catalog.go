package pipeline

import (
	"slices"
	"strings"
)

// Stage is one of the four parts of a pipeline, as AWS draws it.
type Stage int

// The four stages, in the order data flows.
const (
	Producer Stage = iota
	Storage
	Consumer
	Destination
)

// String names the stage as the YAML list that holds it.
func (s Stage) String() string {
	return [...]string{"producers", "storage", "consumers", "destinations"}[s]
}

// Title is the stage's heading in diagrams.
func (s Stage) Title() string {
	return [...]string{"Producers", "Stream storage", "Consumers", "Destinations"}[s]
}

// ServiceName is a service as written in `service:`. Code names services by
// these constants, never by string literals, and only in the services'
// homes (pipeline, pipeline/advice, sim, backends/aws; internal/arch checks
// it): elsewhere it reads the fields of the service's catalog entry, so that
// adding a service touches only its homes (docs/adding-a-service.md).
type ServiceName string

// The services of the format, in diagram order.
const (
	ProducerService     ServiceName = "producer"
	KinesisDataStreams  ServiceName = "kinesis-data-streams"
	MSK                 ServiceName = "msk"
	MSKServerless       ServiceName = "msk-serverless"
	KinesisVideoStreams ServiceName = "kinesis-video-streams"
	Firehose            ServiceName = "firehose"
	Flink               ServiceName = "flink"
	GlueStreaming       ServiceName = "glue-streaming"
	EMR                 ServiceName = "emr"
	Lambda              ServiceName = "lambda"
	App                 ServiceName = "app"
	S3                  ServiceName = "s3"
	Redshift            ServiceName = "redshift"
	DynamoDB            ServiceName = "dynamodb"
	OpenSearch          ServiceName = "opensearch"
)

// Key describes one setting of a service: its type, default and the range AWS allows.
// Nested settings use dotted names ("buffer.size").
type Key struct {
	Name     string
	Kind     Kind
	Default  string // in the format's unit syntax; "" = no default
	Min, Max float64
	Enum     []string
	Required bool
	Doc      string
	// NotLive says why a running pipeline cannot take a change of the key
	// (a timeline `set`, a steering key): the change is refused, and the
	// key takes effect from the start of a run only (the file, --set). ""
	// when it can change live. Only settable keys (Settable) need it.
	NotLive string
	// CLI is the AWS CLI call that sets the key of node n to v on a real
	// pipeline (names in <angle brackets> are the account's own); nil when
	// no single call does.
	CLI func(n *Node, v Value) string
}

func (k Key) hasRange() bool { return k.Min != 0 || k.Max != 0 }

// Settable reports whether a timeline `set`, a --set or a steering key may
// change the key: a numeric key, or mode and read.
func (k Key) Settable() bool { return k.Kind.Numeric() || k.Name == "mode" || k.Name == "read" }

// Live reports whether a running pipeline takes a change of the key.
func (k Key) Live() bool { return k.NotLive == "" }

// Service is one entry of the catalog: a kind of node with its keys and legal connections.
type Service struct {
	Name  ServiceName // as written in `service:` (producers: "producer")
	Label string      // full AWS name
	Short string      // for narrow boxes
	Stage Stage
	Keys  []Key
	// ScalarOf maps a key that may be written as a scalar to the sub-key the scalar sets
	// (record_size: 1KiB means record_size.mean: 1KiB).
	ScalarOf map[string]string
	// ReadsFrom lists the services a consumer (or a destination with streaming
	// ingestion, Redshift) may name in `from`.
	ReadsFrom []ServiceName
	// WritesTo lists the services this node may name in `to`.
	WritesTo []ServiceName
	// DirectPut says producers (and consumers) may write to it without a stream in between.
	DirectPut bool
	// Thumb is its capacity where AWS publishes none (nil: AWS's published
	// limits apply, or they are per shard, as Lambda's).
	Thumb *RuleOfThumb

	// Parts is what a stream storage service splits a stream into (a
	// Kinesis stream's shards, a topic's partitions, video streams): the key
	// that counts them, which a reshard changes and a workshop room limits,
	// and what max_shard_utilization is per. Zero for the other stages.
	Parts UnitKey
	// Size is the key `streamsim size` varies by default: Parts, or what
	// the service's throughput is per (MSK's brokers). Zero: none.
	Size UnitKey
	// SizeValues lists the values of key k of node n that AWS accepts, when
	// not every integer in k's range (MSK-BROKER-COUNT); nil: all of them.
	SizeValues func(n *Node, k Key) []int
	// OnDemand reports whether AWS sizes node n itself (mode: on-demand),
	// so that its Size key means nothing. nil: never.
	OnDemand func(n *Node) bool
	// HotKeyLimit is the most one partition key can carry into node n,
	// records/s and bytes/s, however large the node is: a key goes to one
	// shard or partition. nil, or 0 for either: no such limit, or it grows
	// with the Size key.
	HotKeyLimit func(n *Node) (recs, bytes float64)
	// EnhancedFanOut says its readers choose how they read it (read: polling
	// or enhanced-fan-out).
	EnhancedFanOut bool
	// Holds is the duration key for which a consumer holds records before it
	// hands them on (a buffer's interval, a checkpoint, a batching window);
	// "" = none.
	Holds string
	// CapacityPer names what one `capacity` of a consumer applies to ("KPU").
	CapacityPer string
	// KeyFigure is the one metric that says most about a node in a run's
	// summary; nil: its stage's (see Service.Figure).
	KeyFigure *Figure

	// Summary is a node's key settings in a few words, in the format's
	// units: the second line of the builder's box.
	Summary func(n *Node) string
	// Detail is the settings next in importance: the builder box's third
	// line, when there is room. nil: none.
	Detail func(s *Scenario, n *Node) []string
	// Settings are the few settings that say most about a node's capacity,
	// for diagrams (Scenario.NodeLabel). nil: none.
	Settings func(s *Scenario, n *Node) []string
}

// UnitKey is an integer key that counts a node's units, and one unit's
// name for text.
type UnitKey struct {
	Key  string // "shards"
	Noun string // "shard"
}

// Figure is a metric of a node as a summary shows it.
type Figure struct {
	Label  string // "objects"
	Metric string // the metric's name after the node's id
	Unit   Unit
}

// Figure is the one metric that says most about a node of the service: its
// KeyFigure, or by stage a producer's retried records, a store's peak
// shard (partition, stream) utilization, a consumer's peak utilization and
// the bytes a destination took in.
func (s *Service) Figure() Figure {
	if s.KeyFigure != nil {
		return *s.KeyFigure
	}
	switch s.Stage {
	case Producer:
		return Figure{"retried", "retried_records", UnitCount}
	case Storage:
		return Figure{"peak " + s.Parts.Noun + " util", "max_shard_utilization", UnitRatio}
	case Consumer:
		return Figure{"peak util", "utilization_max", UnitRatio}
	}
	return Figure{"bytes in", "bytes_in", UnitBytes}
}

// IsOnDemand reports whether AWS sizes node n itself (Service.OnDemand).
func (s *Service) IsOnDemand(n *Node) bool { return s.OnDemand != nil && s.OnDemand(n) }

// Key returns the key named name.
func (s *Service) Key(name string) (Key, bool) {
	for _, k := range s.Keys {
		if k.Name == name {
			return k, true
		}
	}
	return Key{}, false
}

// IsGroup reports whether name is the prefix of nested keys (buffer, keys, retries).
func (s *Service) IsGroup(name string) bool {
	for _, k := range s.Keys {
		if strings.HasPrefix(k.Name, name+".") {
			return true
		}
	}
	return false
}

// SettableKeys lists the keys a timeline `set` or --set may change, in catalog order.
func (s *Service) SettableKeys() []Key {
	var out []Key
	for _, k := range s.Keys {
		if k.Settable() {
			out = append(out, k)
		}
	}
	return out
}

// CanReadFrom reports whether this consumer may read from a node of service src.
func (s *Service) CanReadFrom(src ServiceName) bool { return slices.Contains(s.ReadsFrom, src) }

// CanWriteTo reports whether this node may write to a node of service dst.
func (s *Service) CanWriteTo(dst ServiceName) bool { return slices.Contains(s.WritesTo, dst) }

// CanUseEFO reports whether this consumer may read a Kinesis stream with
// enhanced fan-out (read: enhanced-fan-out). Firehose may not: it polls.
func (s *Service) CanUseEFO() bool {
	k, ok := s.Key("read")
	return ok && slices.Contains(k.Enum, "enhanced-fan-out")
}

// NamesOf spells service names as the file does.
func NamesOf(names []ServiceName) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = string(n)
	}
	return out
}

// joinNames writes service names as the file spells them, separated by sep.
func joinNames(names []ServiceName, sep string) string { return strings.Join(NamesOf(names), sep) }

// Services returns the catalog in diagram order.
func Services() []*Service { return catalog }

// LookupService finds a service by its `service:` name.
func LookupService(name string) (*Service, bool) {
	for _, s := range catalog {
		if string(s.Name) == name {
			return s, true
		}
	}
	return nil, false
}

// ServicesAt lists the services of one stage (what the builder offers to add there).
func ServicesAt(st Stage) []*Service {
	var out []*Service
	for _, s := range catalog {
		if s.Stage == st {
			out = append(out, s)
		}
	}
	return out
}

// ServiceNames lists the names usable in `service:` at a stage.
func ServiceNames(st Stage) []string {
	var out []string
	for _, s := range ServicesAt(st) {
		out = append(out, string(s.Name))
	}
	return out
}
