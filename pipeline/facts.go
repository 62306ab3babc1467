package pipeline

// AWS limits and prices the simulator follows. Each constant names the rule
// of the rule book it follows (rules*.go; `streamsim explain ID` and
// docs/aws-limits.md show the numbers, source and confidence). Prices are us-east-1.

// Kinesis Data Streams.
const (
	MiB = 1 << 20
	KiB = 1 << 10
	GB  = 1e9

	KDSShardWriteBytes  = 1 * MiB   // KDS-SHARD-WRITE (AWS's 1 MB taken as 1 MiB)
	KDSShardWriteRecs   = 1000      // KDS-SHARD-WRITE
	KDSShardReadBytes   = 2 * MiB   // KDS-SHARD-READ
	KDSShardReadCalls   = 5         // KDS-GETRECORDS-RATE
	KDSGetRecordsMaxRec = 10000     // KDS-GETRECORDS-MAX
	KDSGetRecordsMax    = 10 * MiB  // KDS-GETRECORDS-MAX
	KDSEFOBytes         = 2 * MiB   // KDS-EFO-THROUGHPUT
	KDSMaxEFOConsumers  = 20        // KDS-EFO-MAX-CONSUMERS
	KDSPollLatency1     = 0.200     // KDS-POLL-LATENCY (s, 1 consumer)
	KDSPollLatency5     = 1.000     // KDS-POLL-LATENCY (s, 5 consumers)
	KDSEFOLatency       = 0.070     // KDS-EFO-LATENCY (s)
	KDSPutRecordsMax    = 500       // KDS-PUTRECORDS-MAX
	KDSMaxRecordDefault = 1 * MiB   // KDS-RECORD-MAX
	KDSMaxRecordLimit   = 10 * MiB  // KDS-RECORD-MAX (raised with UpdateMaxRecordSize)
	KDSMaxShards        = 20000     // KDS-ACCOUNT-SHARDS (us-east-1)
	KDSScalingOpsPerDay = 10        // KDS-RESHARD-RATE
	KDSOnDemandStart    = 4 * MiB   // KDS-ONDEMAND-START (4 MB/s write)
	KDSOnDemandSplit    = 500e3     // KDS-ONDEMAND-SPLIT (500 KB/s)
	KDSModeSwitches     = 2         // KDS-MODE-SWITCHES per 24 h
	KDSPutUnit          = 25 * 1000 // PRICE-KDS-PUT-UNIT (25 KB)

	KDSShardHour         = 0.015 // PRICE-KDS-SHARD-HOUR
	KDSPutUnitsPerM      = 0.014 // PRICE-KDS-PUT-UNIT, per 1 M units
	KDSExtRetentionShard = 0.02  // PRICE-KDS-EXT-RETENTION, per shard-hour
	KDSLongRetentionGBMo = 0.023 // PRICE-KDS-LONG-RETENTION
	KDSEFOConsumerShardH = 0.015 // PRICE-KDS-EFO-SHARD-HOUR
	KDSEFOPerGB          = 0.013 // PRICE-KDS-EFO-GB
	KDSOnDemandStreamH   = 0.04  // PRICE-KDS-OD-STREAM-HOUR
	KDSOnDemandInGB      = 0.08  // PRICE-KDS-OD-IN (records rounded up to 1 KB)
	KDSOnDemandBillUnit  = 1024  // PRICE-KDS-OD-IN: the 1 KB a record is rounded up to (1,024 B)
	KDSOnDemandOutGB     = 0.04  // PRICE-KDS-OD-OUT
	KDSOnDemandEFOOutGB  = 0.05  // PRICE-KDS-OD-EFO-OUT
)

// Amazon Data Firehose.
const (
	FirehoseDirectRecs     = 500000     // FH-DIRECT-PUT-QUOTA (us-east-1, us-west-2, eu-west-1)
	FirehoseDirectRequests = 2000       // FH-DIRECT-PUT-QUOTA
	FirehoseDirectBytes    = 5 * MiB    // FH-DIRECT-PUT-QUOTA
	FirehoseMaxRecord      = 1000 * KiB // FH-RECORD-MAX
	FirehoseLambdaBuffer   = 1e6        // FH-LAMBDA-BUFFER (1 MB by default)
	FirehoseLambdaInterval = 60         // FH-LAMBDA-BUFFER (60 s by default)
	FirehoseS3RetryS       = 24 * 3600  // FH-RETRY (S3)
	FirehoseOSRetryS       = 300        // FH-RETRY (OpenSearch default)
	FirehoseRSRetryS       = 3600       // FH-RETRY (Redshift default)
	FirehoseBillUnit       = 5000       // PRICE-FH-INGEST: records rounded up to 5 KB
	FirehosePerGB          = 0.029      // PRICE-FH-INGEST
	FirehoseConvertPerGB   = 0.018      // PRICE-FH-CONVERSION
	FirehoseConvertMinBuf  = 64 * MiB   // FH-FORMAT-CONVERSION
)

// Firehose's Direct PUT quota outside us-east-1, us-west-2 and eu-west-1 (rule
// FH-DIRECT-PUT-QUOTA; FirehoseDirect* above are those three Regions').
// Scenario.DirectPutQuota picks the pair for the scenario's region.
const (
	FirehoseDirectRecsOther     = 100000  // FH-DIRECT-PUT-QUOTA, other Regions
	FirehoseDirectRequestsOther = 1000    // FH-DIRECT-PUT-QUOTA
	FirehoseDirectBytesOther    = 1 * MiB // FH-DIRECT-PUT-QUOTA
)

// Kinesis on-demand's write maximum by Region (rule KDS-ONDEMAND-MAX). The
// engine does not cap on-demand streams yet; the advisor checks peaks against it.
const (
	KDSOnDemandMaxWrite      = 10e9  // KDS-ONDEMAND-MAX (10 GB/s write, the three big Regions)
	KDSOnDemandMaxWriteOther = 200e6 // KDS-ONDEMAND-MAX (200 MB/s write elsewhere)
)

// Amazon MSK.
const (
	MSKEBSThroughput      = 250 * MiB // MSK-EBS-THROUGHPUT
	MSKStoragePerGBMo     = 0.10      // PRICE-MSK-STORAGE
	MSKServerlessIn       = 200e6     // MSK-SERVERLESS-THROUGHPUT (in)
	MSKServerlessOut      = 400e6     // MSK-SERVERLESS-THROUGHPUT (out)
	MSKServerlessPartIn   = 5e6       // MSK-SERVERLESS-PARTITION (in)
	MSKServerlessPartOut  = 10e6      // MSK-SERVERLESS-PARTITION (out)
	MSKServerlessMaxParts = 2400      // MSK-SERVERLESS-MAX-PARTITIONS
	MSKServerlessClusterH = 0.75      // PRICE-MSK-SERVERLESS
	MSKServerlessPartH    = 0.0015    // PRICE-MSK-SERVERLESS
	MSKServerlessInGB     = 0.10      // PRICE-MSK-SERVERLESS
	MSKServerlessOutGB    = 0.05      // PRICE-MSK-SERVERLESS
	MSKMaxBrokers         = 60        // MSK-MAX-BROKERS (KRaft)
	MSKExpressPartIn      = 15e6      // MSK-EXPRESS-PARTITION
)

// Managed Service for Apache Flink, Glue, EMR.
const (
	FlinkKPUHour         = 0.11     // PRICE-FLINK-KPU-HOUR
	FlinkStoragePerKPUMo = 5.0      // PRICE-FLINK-STORAGE: 50 GB × $0.10
	FlinkMaxKPUs         = 64       // FLINK-MAX-KPUS
	FlinkCheckpointS     = 60       // FLINK-CHECKPOINT
	FlinkScaleUpCPU      = 0.75     // FLINK-AUTOSCALING
	FlinkScaleDownCPU    = 0.10     // FLINK-AUTOSCALING
	GlueDPUHour          = 0.44     // PRICE-GLUE-DPU-HOUR
	LambdaMaxParallel    = 10       // LAMBDA-ESM-PARALLEL
	LambdaMaxBatch       = 10000    // LAMBDA-ESM-BATCH
	LambdaPayloadMax     = 6e6      // LAMBDA-ESM-PAYLOAD
	LambdaGBSecond       = 1.667e-5 // PRICE-LAMBDA-GB-SECOND (x86)
	LambdaPerMRequests   = 0.20     // PRICE-LAMBDA-REQUESTS
	LambdaMemoryGB       = 0.5      // LAMBDA-COST-MEMORY
	EMRUpliftPerHour     = 0.048    // PRICE-EMR-INSTANCE-HOUR (EMR fee, m5.xlarge)
	EC2M5XLargeHour      = 0.192    // PRICE-EMR-INSTANCE-HOUR (EC2 m5.xlarge)
	AppInstanceHour      = 0.0416   // PRICE-APP-INSTANCE-HOUR (t3.medium class)
	KVSInPerGB           = 0.0085   // PRICE-KVS
	KVSOutPerGB          = 0.0085   // PRICE-KVS
	KVSStoragePerGBMo    = 0.023    // PRICE-KVS
	KVSStreamBytes       = 12.5e6   // KVS-INGEST
	KVSPutMediaTPS       = 5        // KVS-INGEST
	KVSGetMediaBytes     = 25e6     // KVS-GETMEDIA (per stream, per reader)
	S3PutPerPrefix       = 3500     // S3-PREFIX-RATE
	S3PutPer1000         = 0.005    // PRICE-S3-PUT
	S3StoragePerGBMo     = 0.023    // PRICE-S3-STORAGE
	DDBItemUnit          = 1024     // DDB-WRITE-UNIT (1 KB as 1,024 B)
	DDBPartitionWCU      = 1000     // DDB-PARTITION-WCU
	DDBOnDemandStartWRU  = 4000     // DDB-ONDEMAND-START
	DDBOnDemandGrowSec   = 1800     // DDB-ONDEMAND-SCALING (beyond 2 × the previous peak)
	DDBTableMaxWRU       = 40000    // DDB-TABLE-QUOTA
	DDBModeSwitches      = 4        // DDB-MODE-SWITCHES (provisioned → on-demand per 24 h)
	DDBWCUHour           = 0.00065  // PRICE-DDB-WCU-HOUR
	DDBPerMWrites        = 0.625    // PRICE-DDB-WRITE-REQUESTS
	OSRefreshS           = 1        // OS-REFRESH (default)
	RedshiftNodeHour     = 1.086    // PRICE-RS-NODE-HOUR (ra3.xlplus)
	OpenSearchInstanceH  = 0.167    // PRICE-OS-INSTANCE-HOUR (r6g.large.search)
	HoursPerMonth        = 730      // PRICE-HOURS-PER-MONTH
)
