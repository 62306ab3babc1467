package pipeline

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
	},
	{
		Name: KinesisDataStreams, Label: "Kinesis Data Streams", Short: "KDS", Stage: Storage,
		Keys: []Key{
			{Name: "mode", Kind: KindEnum, Default: "provisioned", Enum: []string{"provisioned", "on-demand"}},
			// KDS-ACCOUNT-SHARDS: 20,000 in us-east-1.
			{Name: "shards", Kind: KindInt, Default: "1", Min: 1, Max: KDSMaxShards},
			{Name: "hash_ranges", Kind: KindRanges,
				Doc: "provisioned: each shard's hash-key range [start, end] as decimal strings, one per shard in hash-key order, contiguous from 0 to 2^128−1 (uneven after splits and merges); default: even ranges"},
			// KDS-RETENTION: at least 24 h, at most 8,760 h.
			{Name: "retention", Kind: KindDuration, Default: "24h", Min: 86400, Max: 365 * 86400},
			// KDS-RECORD-MAX: 1 MiB by default, up to 10 MiB.
			{Name: "max_record_size", Kind: KindSize, Default: "1MiB", Min: KiB, Max: KDSMaxRecordLimit},
		},
	},
	{
		Name: MSK, Label: "Amazon MSK", Short: "MSK", Stage: Storage,
		Keys: []Key{
			{Name: "brokers", Kind: KindInt, Default: "3", Min: 1, Max: MSKMaxBrokers},
			{Name: "broker_type", Kind: KindEnum, Default: "kafka.m5.large", Enum: BrokerTypes()},
			{Name: "partitions", Kind: KindInt, Default: "12", Min: 1, Max: 200000},
			{Name: "replication", Kind: KindInt, Default: "3", Min: 1, Max: 3},
			{Name: "retention", Kind: KindDuration, Default: "7d", Min: 60, Max: 3650 * 86400},
			{Name: "storage", Kind: KindSize, Default: "1000GiB", Min: 1 << 30, Max: 16384 * (1 << 30)},
			{Name: "consumer_groups", Kind: KindInt, Min: 0, Max: 10000, Doc: "default: the consumers reading it"},
			{Name: "brokers_down", Kind: KindInt, Default: "0", Min: 0, Max: MSKMaxBrokers,
				Doc: "brokers out of service; set it from the timeline to show a broker loss (leadership moves to replicas)"},
		},
	},
	{
		Name: MSKServerless, Label: "MSK Serverless", Short: "MSK-S", Stage: Storage,
		Keys: []Key{
			{Name: "partitions", Kind: KindInt, Default: "12", Min: 1, Max: MSKServerlessMaxParts},
			{Name: "retention", Kind: KindDuration, Default: "7d", Min: 60, Max: 3650 * 86400},
		},
	},
	{
		Name: KinesisVideoStreams, Label: "Kinesis Video Streams", Short: "KVS", Stage: Storage,
		Keys: []Key{
			{Name: "streams", Kind: KindInt, Default: "1", Min: 1, Max: 100000},
			{Name: "retention", Kind: KindDuration, Default: "24h", Min: 0, Max: 87600 * 3600},
			{Name: "fragment", Kind: KindDuration, Default: "2s", Min: 1, Max: 20},
		},
	},
	{
		Name: Firehose, Label: "Amazon Data Firehose", Short: "Firehose", Stage: Consumer, DirectPut: true,
		Keys: withPollingRead(
			// FH-BUFFER-HINTS for S3: 1–128 MB (5), 0–900 s (300).
			Key{Name: "buffer.size", Kind: KindSize, Default: "5MiB", Min: 1 * MiB, Max: 128 * MiB},
			Key{Name: "buffer.interval", Kind: KindDuration, Default: "300s", Min: 0, Max: 900},
			Key{Name: "format", Kind: KindEnum, Default: "json", Enum: []string{"json", "parquet", "orc"}},
			Key{Name: "transform.lambda", Kind: KindBool, Default: "false"},
			Key{Name: "transform.duration", Kind: KindDuration, Default: "100ms", Min: 0, Max: 300},
		),
		ReadsFrom: streamStores,
		WritesTo:  []ServiceName{S3, Redshift, OpenSearch},
	},
	{
		Name: Flink, Label: "Managed Service for Apache Flink", Short: "Flink", Stage: Consumer,
		Thumb: &RuleOfThumb{Key: "kpus", Noun: "KPU", Rule: "FLINK-KPU-CAPACITY", PerUnit: perUnit(2 * MiB)},
		Keys: withRead(
			Key{Name: "kpus", Kind: KindInt, Default: "1", Min: 1, Max: FlinkMaxKPUs},
			Key{Name: "window", Kind: KindDuration, Default: "0s", Min: 0, Max: 86400},
			Key{Name: "checkpoint", Kind: KindDuration, Default: "60s", Min: 0, Max: 86400},
			Key{Name: "autoscaling", Kind: KindBool, Default: "false"},
		),
		ReadsFrom: streamStores,
		WritesTo:  concat(allDestinations, streamStores, []ServiceName{Firehose}),
	},
	{
		Name: GlueStreaming, Label: "AWS Glue streaming ETL", Short: "Glue", Stage: Consumer,
		Thumb: &RuleOfThumb{Key: "workers", Noun: "worker", Rule: "GLUE-DPU-CAPACITY",
			PerUnit: func(n *Node) float64 { return 4 * MiB * GlueDPU(n.Str("worker_type")) }},
		Keys: withRead(
			Key{Name: "workers", Kind: KindInt, Default: "2", Min: 1, Max: 1000},
			Key{Name: "worker_type", Kind: KindEnum, Default: "G.1X", Enum: []string{"G.025X", "G.1X", "G.2X", "G.4X", "G.8X"}},
			Key{Name: "window", Kind: KindDuration, Default: "100s", Min: 1, Max: 86400},
		),
		ReadsFrom: streamStores,
		WritesTo:  []ServiceName{S3, Redshift, DynamoDB},
	},
	{
		Name: EMR, Label: "Amazon EMR", Short: "EMR", Stage: Consumer,
		Thumb: &RuleOfThumb{Key: "instances", Noun: "instance", Rule: "EMR-INSTANCE-CAPACITY", PerUnit: emrPerInstance},
		Keys: withRead(
			Key{Name: "engine", Kind: KindEnum, Default: "spark-streaming", Enum: []string{"spark-streaming", "flink", "storm"}},
			Key{Name: "instances", Kind: KindInt, Default: "3", Min: 1, Max: 1000},
			Key{Name: "batch", Kind: KindDuration, Default: "10s", Min: 0, Max: 86400},
		),
		ReadsFrom: streamStores,
		WritesTo:  concat(allDestinations, streamStores),
	},
	{
		Name: Lambda, Label: "AWS Lambda", Short: "Lambda", Stage: Consumer,
		Keys: withRead(
			// LAMBDA-ESM-BATCH: 1–10,000 (100), window 0–300 s; LAMBDA-ESM-PARALLEL: 1–10; LAMBDA-ESM-ERRORS.
			Key{Name: "batch_size", Kind: KindInt, Default: "100", Min: 1, Max: LambdaMaxBatch},
			Key{Name: "batch_window", Kind: KindDuration, Default: "0s", Min: 0, Max: 300},
			Key{Name: "parallelization", Kind: KindInt, Default: "1", Min: 1, Max: LambdaMaxParallel},
			Key{Name: "duration", Kind: KindDuration, Default: "2ms", Min: 0, Max: 900},
			Key{Name: "bisect", Kind: KindBool, Default: "false"},
			Key{Name: "retries", Kind: KindInt, Default: "-1", Min: -1, Max: 10000,
				Doc: "MaximumRetryAttempts for a failing batch; -1 retries until the records expire"},
			Key{Name: "poison_records", Kind: KindInt, Default: "0", Min: 0, Max: 1000,
				Doc: "records the function cannot process; set it from the timeline to put one on the first shard"},
		),
		ReadsFrom: streamStores,
		WritesTo:  concat(allDestinations, streamStores, []ServiceName{Firehose}),
	},
	{
		Name: App, Label: "Consumer application (KCL)", Short: "app", Stage: Consumer,
		Thumb: &RuleOfThumb{Key: "instances", Noun: "instance", Rule: "APP-INSTANCE-CAPACITY", PerUnit: perUnit(5 * MiB)},
		Keys: withRead(
			Key{Name: "instances", Kind: KindInt, Default: "1", Min: 1, Max: 10000},
		),
		ReadsFrom: concat(streamStores, []ServiceName{KinesisVideoStreams}),
		WritesTo:  concat(allDestinations, streamStores, []ServiceName{Firehose}),
	},
	{
		Name: S3, Label: "Amazon S3", Short: "S3", Stage: Destination,
		Keys: []Key{
			{Name: "prefixes", Kind: KindInt, Default: "1", Min: 1, Max: 100000, Doc: "partitioned prefixes, 3,500 PUT/s each"},
		},
	},
	{
		Name: Redshift, Label: "Amazon Redshift", Short: "Redshift", Stage: Destination,
		Thumb: &RuleOfThumb{Key: "nodes", Noun: "node", Rule: "RS-NODE-CAPACITY", PerUnit: perUnit(10 * MiB)},
		Keys: []Key{
			{Name: "nodes", Kind: KindInt, Default: "2", Min: 1, Max: 128},
			// RS-STREAMING-INGESTION: a materialized view refreshed from the stream.
			{Name: "refresh", Kind: KindDuration, Default: "10s", Min: 0, Max: 86400,
				Doc: "streaming ingestion (from: a stream): how often the materialized view is refreshed"},
		},
		// RS-STREAMING-INGESTION: Redshift reads Kinesis and MSK directly, no S3 staging.
		ReadsFrom: streamStores,
	},
	{
		Name: DynamoDB, Label: "Amazon DynamoDB", Short: "DynamoDB", Stage: Destination,
		Keys: []Key{
			{Name: "mode", Kind: KindEnum, Default: "provisioned", Enum: []string{"provisioned", "on-demand"}},
			{Name: "wcu", Kind: KindInt, Default: "1000", Min: 1, Max: DDBTableMaxWRU},
		},
	},
	{
		Name: OpenSearch, Label: "Amazon OpenSearch Service", Short: "OpenSearch", Stage: Destination,
		Thumb: &RuleOfThumb{Key: "instances", Noun: "instance", Rule: "OS-INSTANCE-CAPACITY",
			PerUnit: func(n *Node) float64 { return OpenSearchPerInstance(n.Str("instance_type")) }},
		Keys: []Key{
			{Name: "instances", Kind: KindInt, Default: "3", Min: 1, Max: 1000},
			{Name: "instance_type", Kind: KindEnum, Default: "r6g.large.search",
				Enum: []string{"t3.medium.search", "m6g.large.search", "r6g.large.search", "r6g.xlarge.search", "r6g.2xlarge.search"}},
			{Name: "refresh", Kind: KindDuration, Default: "1s", Min: 0, Max: 3600},
		},
	},
}
