// Package standin serves the AWS APIs that have no local emulator here —
// CloudWatch's GetMetricData, Firehose, Lambda's event source mappings,
// OpenSearch's DescribeDomain and MSK's DescribeClusterV2 and ListTopics —
// in their real wire protocols, so that the importer's tests drive the
// SDK's own clients against them: Smithy RPC v2 CBOR for CloudWatch (what
// aws-sdk-go-v2's cloudwatch module speaks since it left awsQuery), AWS
// JSON 1.1 for Firehose, REST-JSON for Lambda, OpenSearch and MSK. They
// answer only the read calls the importer makes, from data a test puts in,
// and can refuse a call (access denied) or throttle it, which no emulator
// does.
//
// These are streamsim's own stand-ins, written from the SDK's
// serializers, not AWS: they prove that the importer reads what the SDK
// decodes from these protocols, not that AWS answers the same way.
//
// Imports: the standard library and smithy-go's CBOR encoding.
package standin
