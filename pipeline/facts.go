package pipeline

// AWS limits and prices the simulator follows. Each constant names the row of
// shared/aws-facts.md it comes from (section, then the row's "Item" text).
// Prices are us-east-1 and marked S or U where the fact sheet does.

// Kinesis Data Streams.
const (
	MiB = 1 << 20
	KiB = 1 << 10
	GB  = 1e9

	KDSShardWriteBytes  = 1 * MiB   // §1.1 "Write throughput per shard" (1 MiB/s per §10.1)
	KDSShardWriteRecs   = 1000      // §1.1 "Write throughput per shard"
	KDSShardReadBytes   = 2 * MiB   // §1.1 "Read throughput per shard (shared, GetRecords)"
	KDSShardReadCalls   = 5         // §1.1 "GetRecords call rate"
	KDSGetRecordsMaxRec = 10000     // §1.1 "GetRecords max per call"
	KDSGetRecordsMax    = 10 * MiB  // §1.1 "GetRecords max per call"
	KDSEFOBytes         = 2 * MiB   // §1.6 "Throughput per EFO consumer"
	KDSMaxEFOConsumers  = 20        // §1.6 "Max EFO consumers per stream"
	KDSPollLatency1     = 0.200     // §1.6 "Propagation delay, shared throughput" (s, 1 consumer)
	KDSPollLatency5     = 1.000     // §1.6 same row, 5 consumers
	KDSEFOLatency       = 0.070     // §1.6 "Propagation delay, EFO" (s)
	KDSPutRecordsMax    = 500       // §1.2 "PutRecords records per call"
	KDSMaxRecordDefault = 1 * MiB   // §1.2 "Max record size"
	KDSMaxRecordLimit   = 10 * MiB  // §1.2 "Max record size" (raised with UpdateMaxRecordSize)
	KDSMaxShards        = 20000     // §1.4 "Account shard quota" (us-east-1)
	KDSScalingOpsPerDay = 10        // §1.4 "UpdateShardCount frequency"
	KDSOnDemandStart    = 4 * MiB   // §1.5 "New on-demand stream capacity" (4 MB/s write)
	KDSOnDemandSplit    = 500e3     // §1.5 "Shard split trigger" (500 KB/s)
	KDSModeSwitches     = 2         // §1.5 "Mode switches" per 24 h
	KDSPutUnit          = 25 * 1000 // §1.11 "Provisioned: PUT payload unit" (25 KB)

	KDSShardHour         = 0.015 // §1.11 "Provisioned: shard-hour" (S)
	KDSPutUnitsPerM      = 0.014 // §1.11 "Provisioned: PUT payload unit" per 1 M units (S)
	KDSExtRetentionShard = 0.02  // §1.11 "Provisioned: extended retention (24 h → 7 d)" per shard-hour (S)
	KDSLongRetentionGBMo = 0.023 // §1.11 "Long-term retention (> 7 d), per GB-month" (U)
	KDSEFOConsumerShardH = 0.015 // §1.11 "EFO (provisioned): consumer-shard-hour" (S)
	KDSEFOPerGB          = 0.013 // §1.11 "EFO (provisioned): data retrieved" (S)
	KDSOnDemandStreamH   = 0.04  // §1.11 "On-demand Standard: per stream-hour" (S)
	KDSOnDemandInGB      = 0.08  // §1.11 "On-demand Standard: data in" (S; records rounded up to 1 KB)
	KDSOnDemandBillUnit  = 1024  // §1.11 the 1 KB each on-demand record is rounded up to (taken as 1,024 B)
	KDSOnDemandOutGB     = 0.04  // §1.11 "On-demand Standard: data out (GetRecords)" (S)
	KDSOnDemandEFOOutGB  = 0.05  // §1.11 "On-demand Standard: EFO data out" (U)
)

// Amazon Data Firehose.
const (
	FirehoseDirectRecs     = 500000  // §2.1 "Direct PUT quota per stream, us-east-1 ..."
	FirehoseDirectRequests = 2000    // §2.1 same row
	FirehoseDirectBytes    = 5 * MiB // §2.1 same row
	FirehoseMaxRecord      = 1000 * KiB
	FirehoseLambdaBuffer   = 1e6 // §2.3 "Lambda buffer size hint" default 1 MB
	FirehoseLambdaInterval = 60  // §2.3 "Lambda buffer interval hint" default 60 s
	FirehoseS3RetryS       = 24 * 3600
	FirehoseOSRetryS       = 300  // §2.4 "OpenSearch" retry duration default 300 s
	FirehoseRSRetryS       = 3600 // §2.4 "Redshift retry duration" default 3,600 s
	FirehoseBillUnit       = 5000 // §2.5 "Ingestion rounding" (5 KB)
	FirehosePerGB          = 0.029
	FirehoseConvertPerGB   = 0.018 // §2.5 "Format conversion" (S)
	FirehoseConvertMinBuf  = 64 * MiB
)

// Amazon MSK.
const (
	MSKEBSThroughput      = 250 * MiB // §3.1 "Default EBS volume throughput"
	MSKStoragePerGBMo     = 0.10      // §3.6 "Storage (Standard, EBS)" (S)
	MSKServerlessIn       = 200e6     // §3.4 "Max ingress / egress"
	MSKServerlessOut      = 400e6     // §3.4 same row
	MSKServerlessPartIn   = 5e6       // §3.4 "Per-partition ingress / egress"
	MSKServerlessPartOut  = 10e6      // §3.4 same row
	MSKServerlessMaxParts = 2400      // §3.4 "Max partitions (leaders)"
	MSKServerlessClusterH = 0.75      // §3.6 "Serverless" (S)
	MSKServerlessPartH    = 0.0015    // §3.6 "Serverless" (S)
	MSKServerlessInGB     = 0.10      // §3.6 "Serverless" (S)
	MSKServerlessOutGB    = 0.05      // §3.6 "Serverless" (S)
	MSKMaxBrokers         = 60        // §3.1 "Brokers per account / per cluster" (KRaft)
)

// Managed Service for Apache Flink, Glue, EMR.
const (
	FlinkKPUHour         = 0.11 // §4 "Price per KPU-hour (us-east-1)"
	FlinkStoragePerKPUMo = 5.0  // §4 "Running application storage": 50 GB × $0.10
	FlinkMaxKPUs         = 64   // §4 "Max KPUs per application"
	FlinkCheckpointS     = 60   // §4 "Checkpoint defaults"
	FlinkScaleUpCPU      = 0.75 // §4 "Autoscaling"
	FlinkScaleDownCPU    = 0.10 // §4 "Autoscaling"
	GlueDPUHour          = 0.44 // §5 "Price"
	LambdaMaxParallel    = 10   // §1.10 "ParallelizationFactor"
	LambdaMaxBatch       = 10000
	LambdaPayloadMax     = 6e6      // §1.10 "Invocation trigger" 6 MB
	LambdaGBSecond       = 1.667e-5 // Lambda price per GB-second, x86 (U: not in the fact sheet)
	LambdaPerMRequests   = 0.20     // Lambda price per 1 M requests (U: not in the fact sheet)
	LambdaMemoryGB       = 0.5      // assumed function memory for cost (U)
	EMRUpliftPerHour     = 0.048    // EMR fee per m5.xlarge instance-hour (U: not in the fact sheet)
	EC2M5XLargeHour      = 0.192    // EC2 m5.xlarge on-demand (U: not in the fact sheet)
	AppInstanceHour      = 0.0416   // a consumer app instance, EC2 t3.medium class (U)
	KVSInPerGB           = 0.0085   // §8 "Pricing (hot tier)" (U)
	KVSOutPerGB          = 0.0085   // §8 same row (U)
	KVSStoragePerGBMo    = 0.023    // §8 same row (U)
	KVSStreamBytes       = 12.5e6   // §8 "Ingest bandwidth" 12.5 MB/s per stream
	KVSPutMediaTPS       = 5        // §8 "PutMedia rate"
	S3PutPerPrefix       = 3500     // §7.1 "Request rate"
	S3PutPer1000         = 0.005    // S3 PUT price per 1,000 requests (U: not in the fact sheet)
	S3StoragePerGBMo     = 0.023    // S3 Standard per GB-month (U: not in the fact sheet)
	DDBItemUnit          = 1024     // §7.2 "Write unit (WCU/WRU)" 1 KB (DynamoDB's KB is 1,024 bytes)
	DDBPartitionWCU      = 1000     // §7.2 "Per-partition limit"
	DDBOnDemandStartWRU  = 4000     // §7.2 "On-demand, new table"
	DDBTableMaxWRU       = 40000    // §7.2 "Table-level default quota (on-demand)"
	DDBWCUHour           = 0.00065  // provisioned WCU-hour (U: not in the fact sheet)
	DDBPerMWrites        = 0.625    // on-demand per 1 M write request units (U: not in the fact sheet)
	OSRefreshS           = 1        // §7.4 "refresh_interval" default 1 s
	RedshiftNodeHour     = 1.086    // ra3.xlplus node-hour (U: not in the fact sheet)
	OpenSearchInstanceH  = 0.167    // r6g.large.search instance-hour (U: not in the fact sheet)
	HoursPerMonth        = 730
)
