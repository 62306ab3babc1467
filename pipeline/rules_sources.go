package pipeline

// Where the rules are published: each source's page title and address. A URL
// is empty where no public page holds the figure.

const (
	awsDocs     = "https://docs.aws.amazon.com/"
	kdsDocs     = awsDocs + "streams/latest/dev/"
	kdsAPI      = awsDocs + "kinesis/latest/APIReference/"
	fhDocs      = awsDocs + "firehose/latest/dev/"
	mskDocs     = awsDocs + "msk/latest/developerguide/"
	ddbDocs     = awsDocs + "amazondynamodb/latest/developerguide/"
	toolkitRepo = "https://github.com/aws/agent-toolkit-for-aws"
	notInNotes  = "AWS's pricing page; the value could not be confirmed there: an estimate"
	secondary   = "price tables not readable as text; the value comes from secondary sources"
)

// Kinesis Data Streams and the KPL.
var (
	srcKDSQuotas = Source{Title: `Kinesis Data Streams "Quotas and limits"`, URL: kdsDocs + "service-sizes-and-limits.html"}
	srcKDSOld    = Source{Title: `Kinesis Data Streams "Quotas and limits" (archived copy)`,
		URL: "https://github.com/awsdocs/amazon-kinesis-data-streams-developer-guide", Note: "file doc_source/service-sizes-and-limits.md"}
	srcUpdateShardCount = Source{Title: "Kinesis API reference: UpdateShardCount", URL: kdsAPI + "API_UpdateShardCount.html",
		Note: "read through the AWS SDK service-model docstrings"}
	srcPutRecords = Source{Title: "Kinesis API reference: PutRecords", URL: kdsAPI + "API_PutRecords.html"}
	srcGetRecords = Source{Title: "Kinesis API reference: GetRecords", URL: kdsAPI + "API_GetRecords.html"}
	srcRetention  = Source{Title: `Kinesis Data Streams "Change the data retention period"`, URL: kdsDocs + "kinesis-extended-retention.html"}
	srcLarge      = Source{Title: `Kinesis Data Streams "Handle large records"`, URL: kdsDocs + "large-records.html"}
	srcEFO        = Source{Title: `Kinesis Data Streams "Develop enhanced fan-out consumers with dedicated throughput"`, URL: kdsDocs + "enhanced-consumers.html"}
	srcEFOAPI     = Source{Title: `Kinesis Data Streams "Develop enhanced fan-out consumers with the AWS SDK for Java"`, URL: kdsDocs + "building-enhanced-consumers-api.html"}
	srcMode       = Source{Title: `Kinesis Data Streams "Choose the right mode to stream in"`, URL: kdsDocs + "how-do-i-size-a-stream.html"}
	srcModeOld    = Source{Title: `Kinesis Data Streams "Choose the right mode to stream in" (archived copy)`,
		URL: "https://github.com/awsdocs/amazon-kinesis-data-streams-developer-guide", Note: "file doc_source/how-do-i-size-a-stream.md"}
	srcKDSPrice       = Source{Title: "Amazon Kinesis Data Streams pricing", URL: "https://aws.amazon.com/kinesis/data-streams/pricing/", Note: secondary}
	srcKDSPriceUnread = Source{Title: srcKDSPrice.Title, URL: srcKDSPrice.URL, Note: "price tables not readable as text; no source for the value"}
	srcKPL            = Source{Title: "Kinesis Producer Library sample configuration", URL: "https://github.com/awslabs/amazon-kinesis-producer",
		Note: "file java/amazon-kinesis-producer-sample/default_config.properties"}
	srcSecondaryPrices = Source{Title: "secondary pricing sources that agree with one another",
		Note: "c3x.dev aws_kinesis_stream cost page, awsnegotiations.com, several public GitHub cost tables"}
)

// Firehose and Lambda.
var (
	srcFHQuota = Source{Title: `"Amazon Data Firehose Quota"`, URL: fhDocs + "limits.html", Note: "read through a verbatim markdown mirror"}
	srcFHBuf   = Source{Title: `Firehose "Configure buffering hints"`, URL: fhDocs + "buffering-hints.html", Note: "read through a verbatim mirror"}
	srcFHXform = Source{Title: `"Transform source data in Amazon Data Firehose"`, URL: fhDocs + "data-transformation.html"}
	srcFHDeliv = Source{Title: `Firehose "Data delivery"`, URL: fhDocs + "basic-deliver.html", Note: "archived awsdocs copy"}
	srcFHRetry = Source{Title: "Firehose API reference: AmazonopensearchserviceRetryOptions and RedshiftRetryOptions",
		URL: awsDocs + "firehose/latest/APIReference/API_AmazonopensearchserviceRetryOptions.html"}
	srcFHFormat  = Source{Title: `Firehose "Enable record format conversion"`, URL: fhDocs + "record-format-conversion.html"}
	srcFHDP      = Source{Title: `Firehose "Buffer data for dynamic partitioning"`, URL: fhDocs + "buffering.html"}
	srcFHPrice   = Source{Title: "Amazon Data Firehose pricing", URL: "https://aws.amazon.com/firehose/pricing/", Note: secondary}
	srcLambdaKDS = Source{Title: `"Lambda parameters for Amazon Kinesis Data Streams event source mappings"`,
		URL: awsDocs + "lambda/latest/dg/services-kinesis-parameters.html"}
	srcLambdaBatch = Source{Title: "Lambda event source mapping batching behaviour", URL: awsDocs + "lambda/latest/dg/invocation-eventsourcemapping.html",
		Note: "read through verbatim copies"}
	srcLambdaPrice = Source{Title: "AWS Lambda pricing", URL: "https://aws.amazon.com/lambda/pricing/", Note: notInNotes}
)

// MSK and Kinesis Video Streams.
var (
	srcMSKBP      = Source{Title: `MSK "Best practices for Standard brokers"`, URL: mskDocs + "bestpractices.html"}
	srcMSKTP      = Source{Title: `MSK "Manage storage throughput for Standard brokers"`, URL: mskDocs + "msk-provision-throughput-management.html"}
	srcMSKQuota   = Source{Title: `"Amazon MSK quota"`, URL: mskDocs + "limits.html", Note: "current values read through a third-party crawl of the AWS page"}
	srcMSKExpress = Source{Title: `"Amazon MSK Express brokers"`, URL: mskDocs + "msk-broker-types-express.html", Note: "read through a third-party crawl of the AWS page"}
	srcMSKLag     = Source{Title: `MSK "Monitor consumer lags"`, URL: mskDocs + "consumer-lag.html"}
	srcMSKBlog    = Source{Title: `AWS Big Data Blog "Best practices for right-sizing your Apache Kafka clusters to optimize performance and cost"`}
	srcMSKPrice   = Source{Title: "Amazon MSK pricing", URL: "https://aws.amazon.com/msk/pricing/", Note: secondary}
	srcToolkitMSK = Source{Title: "AWS agent toolkit: size and choose an MSK cluster (AWS-published guidance)", URL: toolkitRepo,
		Note: "file skills/specialized-skills/analytics-skills/managing-amazon-msk/references/size-and-choose-cluster.md"}
	srcToolkitStream = Source{Title: "AWS agent toolkit: messaging and streaming service selection (AWS-published guidance)", URL: toolkitRepo,
		Note: "file plugins/aws-core/skills/aws-messaging-and-streaming/SKILL.md"}
	srcEC2Specs = Source{Title: "Specifications for Amazon EC2 general purpose instances (baseline network and EBS bandwidth)",
		URL: awsDocs + "ec2/latest/instancetypes/gp.html"}
	srcKVSQuota = Source{Title: `"Amazon Kinesis Video Streams service quotas"`, URL: awsDocs + "kinesisvideostreams/latest/dg/limits.html"}
	srcKVSOld   = Source{Title: `"Kinesis Video Streams Limits" (archived copy)`, URL: "https://github.com/awsdocs/AWS-Kinesis-Video-Documentation",
		Note: "file doc_source/limits.md, Data Plane API limits"}
	srcKVSAPI = Source{Title: "Kinesis Video Streams API reference: CreateStream (DataRetentionInHours)",
		URL: awsDocs + "kinesisvideostreams/latest/dg/API_CreateStream.html"}
	srcKVSPrice = Source{Title: "Amazon Kinesis Video Streams pricing", URL: "https://aws.amazon.com/kinesis/video-streams/pricing/",
		Note: "values not read; commonly quoted figures"}
)

// Flink, Glue, EMR and compute.
var (
	srcFlinkRes   = Source{Title: `"Review Managed Service for Apache Flink application resources"`, URL: awsDocs + "managed-flink/latest/java/how-resources.html"}
	srcFlinkScale = Source{Title: `Managed Flink "Implement application scaling"`, URL: awsDocs + "managed-flink/latest/java/how-scaling.html",
		Note: "autoscaling thresholds from the Kinesis Data Analytics era archived copy"}
	srcFlinkAPI = Source{Title: "Managed Flink API reference: ParallelismConfiguration and CheckpointConfiguration",
		URL: awsDocs + "managed-flink/latest/apiv2/API_ParallelismConfiguration.html"}
	srcFlinkFileSink = Source{Title: `Apache Flink documentation "FileSystem" connector, File Sink`,
		URL: "https://nightlies.apache.org/flink/flink-docs-stable/docs/connectors/datastream/filesystem/"}
	srcFlinkPrice = Source{Title: `"Per second billing in Managed Service for Apache Flink"`, URL: awsDocs + "managed-flink/latest/java/how-pricing.html"}
	srcGlueWT     = Source{Title: `"AWS Glue worker types"`, URL: awsDocs + "glue/latest/dg/worker-types.html"}
	srcGlueCDK    = Source{Title: "AWS CDK Glue WorkerType (G.025X)"}
	srcGluePG     = Source{Title: `AWS Prescriptive Guidance "AWS Glue ETL"`}
	srcGlueBatch  = Source{Title: "AWS Glue GlueContext forEachBatch", Note: "awsdocs aws-glue-developer-guide copy"}
	srcGluePrice  = Source{Title: "AWS Glue pricing", URL: "https://aws.amazon.com/glue/pricing/"}
	srcSpark      = Source{Title: "Apache Spark Structured Streaming programming guide, triggers",
		URL: "https://spark.apache.org/docs/latest/structured-streaming-programming-guide.html#triggers", Note: "apache/spark PR #19138 (SPARK-20209)"}
	srcEMRFAQ   = Source{Title: "Amazon EMR FAQ, billing", URL: "https://aws.amazon.com/emr/faqs/"}
	srcEMRPrice = Source{Title: "Amazon EMR pricing", URL: "https://aws.amazon.com/emr/pricing/", Note: notInNotes}
	srcEC2Price = Source{Title: "Amazon EC2 On-Demand pricing", URL: "https://aws.amazon.com/ec2/pricing/on-demand/", Note: notInNotes}
	srcThumb    = Source{Title: `streamsim's own rule of thumb: docs/scenario-format.md "Capacity rules of thumb"`,
		Note: "set capacity on the consumer when you know better", Own: true}
	srcOwn  = Source{Title: "streamsim's own assumption: docs/engine.md", Own: true}
	srcNone = Source{Title: "no published source found"}
)

// Destinations.
var (
	srcS3Perf = Source{Title: `"Best practices design patterns: optimizing Amazon S3 performance"`,
		URL: awsDocs + "AmazonS3/latest/userguide/optimizing-performance.html"}
	srcS3Price = Source{Title: "Amazon S3 pricing", URL: "https://aws.amazon.com/s3/pricing/", Note: notInNotes}
	srcDDBOD   = Source{Title: `"DynamoDB on-demand capacity mode"`, URL: ddbDocs + "on-demand-capacity-mode.html"}
	srcDDBRW   = Source{Title: `"DynamoDB read and write operations"`, URL: ddbDocs + "read-write-operations.html"}
	srcDDBWarm = Source{Title: `"Understanding DynamoDB warm throughput in different scenarios"`, URL: ddbDocs + "warm-throughput-scenarios.html"}
	srcDDBKC   = Source{Title: `AWS re:Post Knowledge Center "on-demand-table-throttling-dynamodb"`,
		URL: "https://repost.aws/knowledge-center/on-demand-table-throttling-dynamodb"}
	srcDDBBatch = Source{Title: "DynamoDB API reference: BatchWriteItem", URL: awsDocs + "amazondynamodb/latest/APIReference/API_BatchWriteItem.html"}
	srcDDBBurst = Source{Title: `DynamoDB "Burst and adaptive capacity"`, URL: ddbDocs + "burst-adaptive-capacity.html"}
	srcDDBPrice = Source{Title: "Amazon DynamoDB pricing", URL: "https://aws.amazon.com/dynamodb/pricing/", Note: notInNotes}
	srcRSStream = Source{Title: `Redshift "Streaming ingestion to a materialized view"`,
		URL: awsDocs + "redshift/latest/dg/materialized-view-streaming-ingestion.html"}
	srcRSCopy  = Source{Title: `Redshift "Loading data files"`, URL: awsDocs + "redshift/latest/dg/c_best-practices-use-multiple-files.html"}
	srcRSPrice = Source{Title: "Amazon Redshift pricing", URL: "https://aws.amazon.com/redshift/pricing/", Note: notInNotes}
	srcOSKC    = Source{Title: `AWS re:Post Knowledge Center "opensearch-indexing-performance"`,
		URL: "https://repost.aws/knowledge-center/opensearch-indexing-performance"}
	srcOSPrice = Source{Title: "Amazon OpenSearch Service pricing", URL: "https://aws.amazon.com/opensearch-service/pricing/", Note: notInNotes}
)
