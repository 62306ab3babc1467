package pipeline

import (
	"fmt"
	"math"
	"strings"
)

// The catalog's entries: every service of the scenario format with its keys,
// ranges, connections and the facts the rest of the program reads from it.

var streamStores = []ServiceName{KinesisDataStreams, MSK, MSKServerless}
var allDestinations = []ServiceName{S3, Redshift, DynamoDB, OpenSearch}

func readKeys(efo bool) []Key {
	read := Key{Name: "read", Kind: KindEnum, Default: "polling", Enum: []string{"polling", "enhanced-fan-out"},
		Doc: "how it reads a Kinesis stream: polling shares 2 MB/s and 5 reads/s per shard; EFO has its own 2 MB/s"}
	if !efo {
		read.Enum = []string{"polling"}
		read.Doc = "how it reads a Kinesis stream: by polling only, sharing 2 MB/s and 5 reads/s per shard (FH-KDS-POLLING)"
	}
	return []Key{
		read,
		{Name: "capacity", Kind: KindRate, Min: 0.001, Max: 1e12,
			Doc: "records/s or bytes/s one unit (KPU, worker, instance, invocation) can process; overrides the rule of thumb"},
	}
}

func withRead(keys ...Key) []Key { return append(keys, readKeys(true)...) }

// withPollingRead is withRead for a consumer that cannot use enhanced
// fan-out: Firehose reads a Kinesis stream by polling (FH-KDS-POLLING).
func withPollingRead(keys ...Key) []Key { return append(keys, readKeys(false)...) }

func concat(lists ...[]ServiceName) []ServiceName {
	var out []ServiceName
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

// keysDrawn is why a producer's key distribution cannot change while it
// runs: its partition keys, and the shards they hash to, are drawn once.
const keysDrawn = "a producer's partition keys are drawn when the run starts"

// catalog holds every service of the scenario format, in diagram order.
var catalog = []*Service{
	{
		Name: ProducerService, Label: "Producer", Short: "producer", Stage: Producer,
		ScalarOf: map[string]string{"pattern": "shape", "record_size": "mean"},
		Keys: []Key{
			{Name: "kind", Kind: KindEnum, Default: "custom", Enum: []string{"iot", "web", "mobile", "logs", "cdc", "custom"}},
			{Name: "rate", Kind: KindRate, Required: true, Min: 0, Max: 1e10, Doc: "mean records per second, or bytes per second"},
			{Name: "pattern.shape", Kind: KindEnum, Default: "constant", Enum: []string{"constant", "diurnal", "ramp", "spike", "poisson", "series"}},
			{Name: "pattern.peak", Kind: KindFactor, Default: "2x", Min: 1, Max: 1000},
			{Name: "pattern.period", Kind: KindDuration, Default: "24h", Min: 1, Max: 365 * 86400},
			{Name: "pattern.to", Kind: KindRate, Min: 0, Max: 1e10},
			{Name: "pattern.over", Kind: KindDuration, Default: "1h", Min: 0.01, Max: 365 * 86400},
			{Name: "pattern.at", Kind: KindDuration, Default: "0s", Min: 0, Max: 365 * 86400},
			{Name: "pattern.for", Kind: KindDuration, Default: "1m", Min: 0.01, Max: 365 * 86400},
			{Name: "pattern.factor", Kind: KindFloat, Default: "2", Min: 0, Max: 1000},
			{Name: "pattern.series", Kind: KindSeries,
				Doc: "series: a recorded rate, one point per `every`, played back scaled so that its mean is `rate`; it starts again when the run is longer (writing it implies shape: series)"},
			{Name: "pattern.every", Kind: KindDuration, Default: "1m", Min: 1, Max: 86400, Doc: "series: how long each point lasts"},
			{Name: "record_size.mean", Kind: KindSize, Default: "1KiB", Min: 1, Max: 50 * MiB},
			{Name: "record_size.max", Kind: KindSize, Min: 1, Max: 50 * MiB},
			{Name: "record_size.dist", Kind: KindEnum, Default: "fixed", Enum: []string{"fixed", "lognormal"}},
			{Name: "keys.dist", Kind: KindEnum, Default: "uniform", Enum: []string{"uniform", "zipf", "hot", "random", "per-shard"}},
			{Name: "keys.count", Kind: KindInt, Default: "1000", Min: 1, Max: 10_000_000, NotLive: keysDrawn},
			{Name: "keys.skew", Kind: KindFloat, Default: "1.1", Min: 0.01, Max: 10, NotLive: keysDrawn},
			{Name: "keys.fraction", Kind: KindPercent, Default: "50%", Min: 0, Max: 1, NotLive: keysDrawn},
			{Name: "keys.shares", Kind: KindShares,
				Doc: "per-shard: each shard's share of the records, in hash-key order; `count` keys are spread so that the shards of `hash_ranges` get these shares (writing it implies dist: per-shard)"},
			{Name: "keys.hash_ranges", Kind: KindRanges,
				Doc: "per-shard: the shards' hash-key ranges the shares were measured on, one per share, as a stream's `hash_ranges`; default: even ranges, one per share"},
			{Name: "aggregation", Kind: KindBool, Default: "false"},
			{Name: "retries.max", Kind: KindInt, Default: "3", Min: 0, Max: 1000},
			{Name: "retries.backoff", Kind: KindDuration, Default: "100ms", Min: 0, Max: 3600},
		},
		WritesTo: concat(streamStores, []ServiceName{KinesisVideoStreams, Firehose}),
		Summary:  func(n *Node) string { return n.text("rate") + " · " + n.text("record_size.mean") },
		Detail: func(_ *Scenario, n *Node) []string {
			return []string{n.Str("pattern.shape"), n.Str("keys.dist") + " keys"}
		},
		Settings: producerSettings,
	},
	{
		Name: KinesisDataStreams, Label: "Kinesis Data Streams", Short: "KDS", Stage: Storage,
		Keys: []Key{
			{Name: "mode", Kind: KindEnum, Default: "provisioned", Enum: []string{"provisioned", "on-demand"},
				CLI: func(n *Node, v Value) string {
					return "aws kinesis update-stream-mode --stream-arn <arn of " + n.ID + "> --stream-mode-details StreamMode=" + strings.ToUpper(strings.ReplaceAll(v.Str, "-", "_"))
				}},
			// KDS-ACCOUNT-SHARDS: 20,000 in us-east-1.
			{Name: "shards", Kind: KindInt, Default: "1", Min: 1, Max: KDSMaxShards,
				CLI: func(n *Node, v Value) string {
					return "aws kinesis update-shard-count --stream-name " + n.ID + " --target-shard-count " + count(v) + " --scaling-type UNIFORM_SCALING"
				}},
			{Name: "hash_ranges", Kind: KindRanges,
				Doc: "provisioned: each shard's hash-key range [start, end] as decimal strings, one per shard in hash-key order, contiguous from 0 to 2^128−1 (uneven after splits and merges); default: even ranges"},
			// KDS-RETENTION: at least 24 h, at most 8,760 h.
			{Name: "retention", Kind: KindDuration, Default: "24h", Min: 86400, Max: 365 * 86400,
				CLI: func(n *Node, v Value) string {
					op := "increase"
					if v.Dur < n.Dur("retention") {
						op = "decrease"
					}
					return fmt.Sprintf("aws kinesis %s-stream-retention-period --stream-name %s --retention-period-hours %d", op, n.ID, int64(v.Dur.Hours()))
				}},
			// KDS-RECORD-MAX: 1 MiB by default, up to 10 MiB.
			{Name: "max_record_size", Kind: KindSize, Default: "1MiB", Min: KiB, Max: KDSMaxRecordLimit},
		},
		Parts:    UnitKey{"shards", "shard"},
		Size:     UnitKey{"shards", "shard"},
		OnDemand: modeOnDemand,
		// KDS-SHARD-WRITE, KDS-HOT-KEY: a key's records all go to one shard.
		HotKeyLimit:    func(*Node) (float64, float64) { return KDSShardWriteRecs, KDSShardWriteBytes },
		EnhancedFanOut: true,
		Summary: func(n *Node) string {
			if modeOnDemand(n) {
				return "on-demand · " + n.text("retention")
			}
			return n.text("shards") + " shards · " + n.text("retention")
		},
		Detail: func(_ *Scenario, n *Node) []string {
			if modeOnDemand(n) {
				return nil
			}
			return []string{"provisioned"}
		},
		Settings: func(_ *Scenario, n *Node) []string {
			out := []string{"on-demand"}
			if !modeOnDemand(n) {
				out = []string{plural(n.Int("shards"), "shard"), "provisioned"}
			}
			if !isDefault(n, "retention") {
				out = append(out, n.text("retention")+" retention")
			}
			return out
		},
	},
	{
		Name: MSK, Label: "Amazon MSK", Short: "MSK", Stage: Storage,
		Keys: []Key{
			{Name: "brokers", Kind: KindInt, Default: "3", Min: 1, Max: MSKMaxBrokers,
				CLI: func(n *Node, v Value) string {
					return "aws kafka update-broker-count --cluster-arn <arn of " + n.ID + "> --current-version <version> --target-number-of-broker-nodes " + count(v)
				}},
			{Name: "broker_type", Kind: KindEnum, Default: "kafka.m5.large", Enum: BrokerTypes()},
			{Name: "partitions", Kind: KindInt, Default: "12", Min: 1, Max: 200000, CLI: kafkaPartitionsCLI},
			{Name: "replication", Kind: KindInt, Default: "3", Min: 1, Max: 3},
			{Name: "retention", Kind: KindDuration, Default: "7d", Min: 60, Max: 3650 * 86400},
			{Name: "storage", Kind: KindSize, Default: "1000GiB", Min: 1 << 30, Max: 16384 * (1 << 30),
				CLI: func(n *Node, v Value) string {
					return fmt.Sprintf("aws kafka update-broker-storage --cluster-arn <arn of %s> --current-version <version> --target-broker-ebs-volume-info KafkaBrokerNodeId=All,VolumeSizeGB=%d", n.ID, int64(v.Num/(1<<30)))
				}},
			{Name: "consumer_groups", Kind: KindInt, Min: 0, Max: 10000, Doc: "default: the consumers reading it"},
			{Name: "brokers_down", Kind: KindInt, Default: "0", Min: 0, Max: MSKMaxBrokers,
				Doc: "brokers out of service; set it from the timeline to show a broker loss (leadership moves to replicas)"},
		},
		Parts: UnitKey{"partitions", "partition"},
		// A cluster's throughput is per broker (MSK-CLUSTER-THROUGHPUT).
		Size:       UnitKey{"brokers", "broker"},
		SizeValues: mskBrokerCounts,
		HotKeyLimit: func(n *Node) (float64, float64) {
			if b, ok := Broker(n.Str("broker_type")); ok && b.Express {
				return 0, MSKExpressPartIn
			}
			return 0, 0 // a standard broker's share, which grows with the brokers
		},
		Summary: func(n *Node) string { return n.text("brokers") + " brokers · " + n.text("partitions") + " parts" },
		Detail: func(_ *Scenario, n *Node) []string {
			return []string{strings.TrimPrefix(n.text("broker_type"), "kafka."), n.text("retention")}
		},
		Settings: func(_ *Scenario, n *Node) []string {
			return []string{fmt.Sprintf("%d × %s", n.Int("brokers"), n.Str("broker_type")),
				plural(n.Int("partitions"), "partition"), "RF " + n.text("replication")}
		},
	},
	{
		Name: MSKServerless, Label: "MSK Serverless", Short: "MSK-S", Stage: Storage,
		Keys: []Key{
			{Name: "partitions", Kind: KindInt, Default: "12", Min: 1, Max: MSKServerlessMaxParts, CLI: kafkaPartitionsCLI},
			{Name: "retention", Kind: KindDuration, Default: "7d", Min: 60, Max: 3650 * 86400},
		},
		Parts:       UnitKey{"partitions", "partition"},
		Size:        UnitKey{"partitions", "partition"},
		HotKeyLimit: func(*Node) (float64, float64) { return 0, MSKServerlessPartIn }, // MSK-SERVERLESS-PARTITION
		Summary:     func(n *Node) string { return n.text("partitions") + " partitions" },
		Detail:      func(_ *Scenario, n *Node) []string { return []string{n.text("retention")} },
		Settings: func(_ *Scenario, n *Node) []string {
			return []string{plural(n.Int("partitions"), "partition")}
		},
	},
	{
		Name: KinesisVideoStreams, Label: "Kinesis Video Streams", Short: "KVS", Stage: Storage,
		Keys: []Key{
			{Name: "streams", Kind: KindInt, Default: "1", Min: 1, Max: 100000},
			{Name: "retention", Kind: KindDuration, Default: "24h", Min: 0, Max: 87600 * 3600},
			{Name: "fragment", Kind: KindDuration, Default: "2s", Min: 1, Max: 20},
		},
		Parts:    UnitKey{"streams", "stream"},
		Size:     UnitKey{"streams", "stream"},
		Summary:  func(n *Node) string { return n.text("streams") + " streams" },
		Detail:   func(_ *Scenario, n *Node) []string { return []string{n.text("retention")} },
		Settings: func(_ *Scenario, n *Node) []string { return []string{plural(n.Int("streams"), "stream")} },
	},
	{
		Name: Firehose, Label: "Amazon Data Firehose", Short: "Firehose", Stage: Consumer, DirectPut: true,
		Keys: withPollingRead(
			// FH-BUFFER-HINTS for S3: 1–128 MB (5), 0–900 s (300).
			Key{Name: "buffer.size", Kind: KindSize, Default: "5MiB", Min: 1 * MiB, Max: 128 * MiB,
				CLI: func(n *Node, v Value) string {
					return firehoseBufferCLI(n, fmt.Sprintf("SizeInMBs=%d", int64(math.Round(v.Num/(1<<20)))))
				}},
			Key{Name: "buffer.interval", Kind: KindDuration, Default: "300s", Min: 0, Max: 900,
				CLI: func(n *Node, v Value) string {
					return firehoseBufferCLI(n, fmt.Sprintf("IntervalInSeconds=%d", int64(v.Dur.Seconds())))
				}},
			Key{Name: "format", Kind: KindEnum, Default: "json", Enum: []string{"json", "parquet", "orc"}},
			Key{Name: "transform.lambda", Kind: KindBool, Default: "false"},
			Key{Name: "transform.duration", Kind: KindDuration, Default: "100ms", Min: 0, Max: 300},
		),
		ReadsFrom:   streamStores,
		WritesTo:    []ServiceName{S3, Redshift, OpenSearch},
		Holds:       "buffer.interval",
		CapacityPer: "stream",
		KeyFigure:   &Figure{"objects", "objects", UnitCount},
		Summary:     func(n *Node) string { return n.text("buffer.size") + " / " + n.text("buffer.interval") },
		Detail: func(s *Scenario, n *Node) []string {
			out := []string{n.text("format")}
			if n.Bool("transform.lambda") {
				out = append(out, "λ transform")
			}
			for _, t := range n.To {
				// Firehose keeps what OpenSearch refuses in an S3 backup
				// bucket (not a node of the file: no edge for it).
				if d := s.Node(t); d != nil && d.Service.Name == OpenSearch {
					out = append(out, "S3 backup")
				}
			}
			return out
		},
		Settings: func(_ *Scenario, n *Node) []string {
			var out []string
			if n.From == "" {
				out = append(out, "Direct PUT")
			}
			// AWS states the buffer interval in seconds (IntervalInSeconds), so do we.
			out = append(out, fmt.Sprintf("buffer %s / %ds", n.text("buffer.size"), int(n.Dur("buffer.interval").Seconds())))
			if f := n.Str("format"); f != "json" {
				out = append(out, f)
			}
			if n.Bool("transform.lambda") {
				out = append(out, "Lambda transform")
			}
			return out
		},
	},
	{
		Name: Flink, Label: "Managed Service for Apache Flink", Short: "Flink", Stage: Consumer,
		Thumb: &RuleOfThumb{Key: "kpus", Noun: "KPU", Rule: "FLINK-KPU-CAPACITY", PerUnit: perUnit(2 * MiB)},
		Keys: withRead(
			Key{Name: "kpus", Kind: KindInt, Default: "1", Min: 1, Max: FlinkMaxKPUs,
				CLI: func(n *Node, v Value) string {
					return "aws kinesisanalyticsv2 update-application --application-name " + n.ID + " --current-application-version-id <version> --application-configuration-update FlinkApplicationConfigurationUpdate={ParallelismConfigurationUpdate={ConfigurationTypeUpdate=CUSTOM,ParallelismUpdate=" + count(v) + ",ParallelismPerKPUUpdate=1}}"
				}},
			Key{Name: "window", Kind: KindDuration, Default: "0s", Min: 0, Max: 86400},
			Key{Name: "checkpoint", Kind: KindDuration, Default: "60s", Min: 0, Max: 86400},
			Key{Name: "autoscaling", Kind: KindBool, Default: "false"},
		),
		ReadsFrom:   streamStores,
		WritesTo:    concat(allDestinations, streamStores, []ServiceName{Firehose}),
		Holds:       "checkpoint",
		CapacityPer: "KPU",
		Summary:     func(n *Node) string { return n.text("kpus") + " KPU" },
		Detail:      windowDetail,
		Settings: func(s *Scenario, n *Node) []string {
			return append([]string{plural(n.Int("kpus"), "KPU")}, windowDetail(s, n)...)
		},
	},
	{
		Name: GlueStreaming, Label: "AWS Glue streaming ETL", Short: "Glue", Stage: Consumer,
		Thumb: &RuleOfThumb{Key: "workers", Noun: "worker", Rule: "GLUE-DPU-CAPACITY",
			PerUnit: func(n *Node) float64 { return 4 * MiB * GlueDPU(n.Str("worker_type")) }},
		Keys: withRead(
			Key{Name: "workers", Kind: KindInt, Default: "2", Min: 1, Max: 1000,
				CLI: func(n *Node, v Value) string {
					return "aws glue update-job --job-name " + n.ID + " --job-update NumberOfWorkers=" + count(v) + ",WorkerType=" + n.Str("worker_type") + ",Role=<role>,Command={Name=gluestreaming,ScriptLocation=<script>}"
				}},
			Key{Name: "worker_type", Kind: KindEnum, Default: "G.1X", Enum: []string{"G.025X", "G.1X", "G.2X", "G.4X", "G.8X"}},
			Key{Name: "window", Kind: KindDuration, Default: "100s", Min: 1, Max: 86400},
		),
		ReadsFrom:   streamStores,
		WritesTo:    []ServiceName{S3, Redshift, DynamoDB},
		CapacityPer: "worker",
		Summary:     func(n *Node) string { return n.text("workers") + " × " + n.text("worker_type") },
		Detail:      windowDetail,
		Settings: func(_ *Scenario, n *Node) []string {
			return []string{fmt.Sprintf("%d × %s", n.Int("workers"), n.Str("worker_type")), "window " + n.text("window")}
		},
	},
	{
		Name: EMR, Label: "Amazon EMR", Short: "EMR", Stage: Consumer,
		Thumb: &RuleOfThumb{Key: "instances", Noun: "instance", Rule: "EMR-INSTANCE-CAPACITY", PerUnit: emrPerInstance},
		Keys: withRead(
			Key{Name: "engine", Kind: KindEnum, Default: "spark-streaming", Enum: []string{"spark-streaming", "flink", "storm"}},
			Key{Name: "instances", Kind: KindInt, Default: "3", Min: 1, Max: 1000,
				CLI: func(n *Node, v Value) string {
					return "aws emr modify-instance-groups --cluster-id <cluster of " + n.ID + "> --instance-groups InstanceGroupId=<core group>,InstanceCount=" + count(v)
				}},
			Key{Name: "batch", Kind: KindDuration, Default: "10s", Min: 0, Max: 86400},
		),
		ReadsFrom:   streamStores,
		WritesTo:    concat(allDestinations, streamStores),
		CapacityPer: "instance",
		Summary:     func(n *Node) string { return n.text("instances") + " × " + n.text("engine") },
		Detail:      func(_ *Scenario, n *Node) []string { return []string{"batch " + n.text("batch")} },
		Settings: func(_ *Scenario, n *Node) []string {
			return []string{n.Str("engine"), plural(n.Int("instances"), "instance"), "batch " + n.text("batch")}
		},
	},
	{
		Name: Lambda, Label: "AWS Lambda", Short: "Lambda", Stage: Consumer,
		Keys: withRead(
			// LAMBDA-ESM-BATCH: 1–10,000 (100), window 0–300 s; LAMBDA-ESM-PARALLEL: 1–10; LAMBDA-ESM-ERRORS.
			Key{Name: "batch_size", Kind: KindInt, Default: "100", Min: 1, Max: LambdaMaxBatch,
				CLI: func(n *Node, v Value) string { return lambdaMappingCLI(n, "--batch-size "+count(v)) }},
			Key{Name: "batch_window", Kind: KindDuration, Default: "0s", Min: 0, Max: 300,
				CLI: func(n *Node, v Value) string {
					return lambdaMappingCLI(n, fmt.Sprintf("--maximum-batching-window-in-seconds %d", int64(v.Dur.Seconds())))
				}},
			Key{Name: "parallelization", Kind: KindInt, Default: "1", Min: 1, Max: LambdaMaxParallel,
				CLI: func(n *Node, v Value) string { return lambdaMappingCLI(n, "--parallelization-factor "+count(v)) }},
			Key{Name: "duration", Kind: KindDuration, Default: "2ms", Min: 0, Max: 900},
			Key{Name: "bisect", Kind: KindBool, Default: "false"},
			Key{Name: "retries", Kind: KindInt, Default: "-1", Min: -1, Max: 10000,
				Doc: "MaximumRetryAttempts for a failing batch; -1 retries until the records expire"},
			Key{Name: "poison_records", Kind: KindInt, Default: "0", Min: 0, Max: 1000,
				Doc: "records the function cannot process; set it from the timeline to put one on the first shard"},
		),
		ReadsFrom:   streamStores,
		WritesTo:    concat(allDestinations, streamStores, []ServiceName{Firehose}),
		Holds:       "batch_window",
		CapacityPer: "invocation",
		KeyFigure:   &Figure{"invocations", "invocations", UnitCount},
		Summary:     func(n *Node) string { return "batch " + n.text("batch_size") + " · ×" + n.text("parallelization") },
		Detail:      func(_ *Scenario, n *Node) []string { return []string{n.text("duration") + "/record"} },
		Settings: func(_ *Scenario, n *Node) []string {
			return []string{"batch " + n.text("batch_size"), "parallelization " + n.text("parallelization"), n.text("duration") + "/record"}
		},
	},
	{
		Name: App, Label: "Consumer application (KCL)", Short: "app", Stage: Consumer,
		Thumb: &RuleOfThumb{Key: "instances", Noun: "instance", Rule: "APP-INSTANCE-CAPACITY", PerUnit: perUnit(5 * MiB)},
		Keys: withRead(
			Key{Name: "instances", Kind: KindInt, Default: "1", Min: 1, Max: 10000,
				CLI: func(n *Node, v Value) string {
					return "aws ecs update-service --cluster <cluster> --service " + n.ID + " --desired-count " + count(v)
				}},
		),
		ReadsFrom:   concat(streamStores, []ServiceName{KinesisVideoStreams}),
		WritesTo:    concat(allDestinations, streamStores, []ServiceName{Firehose}),
		CapacityPer: "instance",
		Summary:     func(n *Node) string { return n.text("instances") + " instance(s)" },
		Settings:    func(_ *Scenario, n *Node) []string { return []string{plural(n.Int("instances"), "instance")} },
	},
	{
		Name: S3, Label: "Amazon S3", Short: "S3", Stage: Destination,
		Keys: []Key{
			{Name: "prefixes", Kind: KindInt, Default: "1", Min: 1, Max: 100000, Doc: "partitioned prefixes, 3,500 PUT/s each"},
		},
		KeyFigure: &Figure{"objects", "objects", UnitCount},
		Summary:   func(n *Node) string { return n.text("prefixes") + " prefix(es)" },
		Settings: func(_ *Scenario, n *Node) []string {
			if n.Int("prefixes") > 1 {
				return []string{plural(n.Int("prefixes"), "prefix")}
			}
			return nil
		},
	},
	{
		Name: Redshift, Label: "Amazon Redshift", Short: "Redshift", Stage: Destination,
		Thumb: &RuleOfThumb{Key: "nodes", Noun: "node", Rule: "RS-NODE-CAPACITY", PerUnit: perUnit(10 * MiB)},
		Keys: []Key{
			{Name: "nodes", Kind: KindInt, Default: "2", Min: 1, Max: 128,
				CLI: func(n *Node, v Value) string {
					return "aws redshift resize-cluster --cluster-identifier " + n.ID + " --number-of-nodes " + count(v)
				}},
			// RS-STREAMING-INGESTION: a materialized view refreshed from the stream.
			{Name: "refresh", Kind: KindDuration, Default: "10s", Min: 0, Max: 86400,
				Doc: "streaming ingestion (from: a stream): how often the materialized view is refreshed"},
		},
		// RS-STREAMING-INGESTION: Redshift reads Kinesis and MSK directly, no S3 staging.
		ReadsFrom: streamStores,
		Summary:   func(n *Node) string { return n.text("nodes") + " nodes" },
		Detail: func(_ *Scenario, n *Node) []string {
			if n.From != "" {
				return []string{"streaming ingestion"}
			}
			return nil
		},
		Settings: func(_ *Scenario, n *Node) []string { return []string{plural(n.Int("nodes"), "node")} },
	},
	{
		Name: DynamoDB, Label: "Amazon DynamoDB", Short: "DynamoDB", Stage: Destination,
		Keys: []Key{
			{Name: "mode", Kind: KindEnum, Default: "provisioned", Enum: []string{"provisioned", "on-demand"},
				CLI: func(n *Node, v Value) string {
					mode := "PROVISIONED"
					if v.Str == "on-demand" {
						mode = "PAY_PER_REQUEST"
					}
					return "aws dynamodb update-table --table-name " + n.ID + " --billing-mode " + mode
				}},
			{Name: "wcu", Kind: KindInt, Default: "1000", Min: 1, Max: DDBTableMaxWRU,
				CLI: func(n *Node, v Value) string {
					return "aws dynamodb update-table --table-name " + n.ID + " --provisioned-throughput ReadCapacityUnits=<rcu>,WriteCapacityUnits=" + count(v)
				}},
		},
		OnDemand: modeOnDemand,
		Summary: func(n *Node) string {
			if modeOnDemand(n) {
				return "on-demand"
			}
			return n.text("wcu") + " WCU"
		},
		Settings: func(_ *Scenario, n *Node) []string {
			if modeOnDemand(n) {
				return []string{"on-demand"}
			}
			return []string{n.text("wcu") + " WCU", "provisioned"}
		},
	},
	{
		Name: OpenSearch, Label: "Amazon OpenSearch Service", Short: "OpenSearch", Stage: Destination,
		Thumb: &RuleOfThumb{Key: "instances", Noun: "instance", Rule: "OS-INSTANCE-CAPACITY",
			PerUnit: func(n *Node) float64 { return OpenSearchPerInstance(n.Str("instance_type")) }},
		Keys: []Key{
			{Name: "instances", Kind: KindInt, Default: "3", Min: 1, Max: 1000,
				CLI: func(n *Node, v Value) string {
					return "aws opensearch update-domain-config --domain-name " + n.ID + " --cluster-config InstanceCount=" + count(v)
				}},
			{Name: "instance_type", Kind: KindEnum, Default: "r6g.large.search",
				Enum: []string{"t3.medium.search", "m6g.large.search", "r6g.large.search", "r6g.xlarge.search", "r6g.2xlarge.search"}},
			{Name: "refresh", Kind: KindDuration, Default: "1s", Min: 0, Max: 3600},
		},
		Summary: func(n *Node) string {
			return n.text("instances") + " × " + strings.TrimSuffix(n.text("instance_type"), ".search")
		},
		Detail: func(_ *Scenario, n *Node) []string { return []string{"refresh " + n.text("refresh")} },
		Settings: func(_ *Scenario, n *Node) []string {
			return []string{fmt.Sprintf("%d × %s", n.Int("instances"), n.Str("instance_type"))}
		},
	},
}

// text is a setting as the file writes it, default applied.
func (n *Node) text(key string) string { v, _ := n.Param(key); return v.String() }

// modeOnDemand reports whether AWS sizes the node (mode: on-demand).
func modeOnDemand(n *Node) bool { return n.Str("mode") == "on-demand" }

// count writes a count for a CLI argument.
func count(v Value) string { return fmt.Sprintf("%d", int64(math.Round(v.Num))) }

func kafkaPartitionsCLI(n *Node, v Value) string {
	return "kafka-topics.sh --bootstrap-server <brokers of " + n.ID + "> --alter --topic " + n.ID + " --partitions " + count(v)
}

func firehoseBufferCLI(n *Node, hint string) string {
	return "aws firehose update-destination --delivery-stream-name " + n.ID + " --current-delivery-stream-version-id <version> --destination-id destinationId-000000000001 --extended-s3-destination-update BufferingHints={" + hint + "}"
}

func lambdaMappingCLI(n *Node, arg string) string {
	return "aws lambda update-event-source-mapping --uuid <mapping of " + n.ID + "> " + arg
}

// windowDetail names a consumer's window, when it has one.
func windowDetail(_ *Scenario, n *Node) []string {
	if n.Dur("window") > 0 {
		return []string{"window " + n.text("window")}
	}
	return nil
}

// mskBrokerCounts are the broker counts a cluster may have: at least as many
// as copies of a partition and one in service, spread evenly over 2 or 3
// AZs (MSK-BROKER-COUNT: a multiple of the number of AZs).
func mskBrokerCounts(n *Node, k Key) []int {
	if k.Name != "brokers" {
		return nil
	}
	var out []int
	lo := max(k.Min, float64(n.Int("replication")), float64(n.Int("brokers_down")+1))
	for b := int(lo); b <= int(k.Max); b++ {
		if b%2 == 0 || b%3 == 0 {
			out = append(out, b)
		}
	}
	return out
}

// producerSettings says how much a producer writes, in what pattern and
// with which keys.
func producerSettings(_ *Scenario, n *Node) []string {
	out := []string{n.text("rate") + " of " + n.text("record_size.mean")}
	switch n.Str("pattern.shape") {
	case "diurnal":
		out = append(out, "diurnal, peak "+n.text("pattern.peak"))
	case "ramp":
		out = append(out, "ramp to "+n.text("pattern.to")+" over "+n.text("pattern.over"))
	case "spike":
		out = append(out, fmt.Sprintf("spike ×%s at %s for %s", n.text("pattern.factor"), n.text("pattern.at"), n.text("pattern.for")))
	case "poisson":
		out = append(out, "Poisson")
	case "series":
		_, peak := SeriesPeak(n)
		out = append(out, fmt.Sprintf("recorded, %d points every %s, peak %s×", n.Params["pattern.series"].List.Len(), n.text("pattern.every"), trimFloat(math.Round(peak*100)/100)))
	}
	switch n.Str("keys.dist") {
	case "hot":
		out = append(out, "hot key "+n.text("keys.fraction"))
	case "zipf":
		out = append(out, "zipf keys, skew "+n.text("keys.skew"))
	case "random":
		out = append(out, "random keys")
	case "per-shard":
		out = append(out, "keys per shard as recorded")
	}
	if n.Bool("aggregation") {
		out = append(out, "KPL aggregation")
	}
	return out
}
