package standin

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
)

// Denials say which operations answer "access denied" (by operation name,
// such as "ListEventSourceMappings").
type Denials struct {
	mu   sync.Mutex
	deny map[string]bool
}

// Deny makes the operations answer "access denied".
func (d *Denials) Deny(ops ...string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.deny == nil {
		d.deny = map[string]bool{}
	}
	for _, op := range ops {
		d.deny[op] = true
	}
}

func (d *Denials) denied(op string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.deny[op]
}

func writeJSON(w http.ResponseWriter, contentType string, v any) {
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(http.StatusOK)
	_ = json.NewEncoder(w).Encode(v)
}

// restError answers an error as REST-JSON does: the code in
// X-Amzn-ErrorType, the message in the body.
func restError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Amzn-ErrorType", code)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"message": msg, "Message": msg})
}

// FirehoseStream is a delivery stream the Firehose stand-in describes.
type FirehoseStream struct {
	Name, ARN string
	// SourceStreamARN is the Kinesis stream it reads ("" with SourceClusterARN).
	SourceStreamARN string
	// SourceClusterARN is the MSK cluster it reads.
	SourceClusterARN string
	// BucketARN or DomainARN is where it delivers.
	BucketARN, DomainARN string
	SizeMiB, IntervalS   int
	Parquet, Transform   bool
}

// Firehose answers ListDeliveryStreams and DescribeDeliveryStream in AWS
// JSON 1.1 (X-Amz-Target: Firehose_20150804.<operation>).
type Firehose struct {
	Denials
	Streams []FirehoseStream
}

// ServeHTTP implements http.Handler.
func (f *Firehose) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	op, ok := strings.CutPrefix(r.Header.Get("X-Amz-Target"), "Firehose_20150804.")
	jsonError := func(status int, code, msg string) {
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(map[string]string{"__type": code, "message": msg})
	}
	if r.Method != http.MethodPost || !ok {
		jsonError(http.StatusBadRequest, "UnknownOperationException", "not a Firehose call")
		return
	}
	if f.denied(op) {
		jsonError(http.StatusBadRequest, "AccessDeniedException", "User: test is not authorized to perform: firehose:"+op)
		return
	}
	var in map[string]any
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	_ = json.Unmarshal(body, &in)
	const ct = "application/x-amz-json-1.1"
	switch op {
	case "ListDeliveryStreams":
		typ, _ := in["DeliveryStreamType"].(string)
		after, _ := in["ExclusiveStartDeliveryStreamName"].(string)
		names := []string{}
		for _, s := range f.Streams {
			if s.Name <= after {
				continue
			}
			if typ == "KinesisStreamAsSource" && s.SourceStreamARN == "" || typ == "MSKAsSource" && s.SourceClusterARN == "" {
				continue
			}
			names = append(names, s.Name)
		}
		writeJSON(w, ct, map[string]any{"DeliveryStreamNames": names, "HasMoreDeliveryStreams": false})
	case "DescribeDeliveryStream":
		name, _ := in["DeliveryStreamName"].(string)
		for _, s := range f.Streams {
			if s.Name == name {
				writeJSON(w, ct, map[string]any{"DeliveryStreamDescription": s.description()})
				return
			}
		}
		jsonError(http.StatusBadRequest, "ResourceNotFoundException", "Firehose "+name+" not found")
	default:
		jsonError(http.StatusBadRequest, "UnknownOperationException", op+" is not served here")
	}
}

func (s FirehoseStream) description() map[string]any {
	hints := map[string]any{"SizeInMBs": s.SizeMiB, "IntervalInSeconds": s.IntervalS}
	dest := map[string]any{"DestinationId": "destinationId-000000000001"}
	proc := map[string]any{"Enabled": s.Transform}
	if s.Transform {
		proc["Processors"] = []any{map[string]any{"Type": "Lambda", "Parameters": []any{}}}
	}
	if s.BucketARN != "" {
		x := map[string]any{"BucketARN": s.BucketARN, "BufferingHints": hints, "CompressionFormat": "UNCOMPRESSED",
			"RoleARN": "arn:aws:iam::000000000000:role/firehose", "ProcessingConfiguration": proc}
		if s.Parquet {
			x["DataFormatConversionConfiguration"] = map[string]any{"Enabled": true,
				"OutputFormatConfiguration": map[string]any{"Serializer": map[string]any{"ParquetSerDe": map[string]any{}}}}
		}
		dest["ExtendedS3DestinationDescription"] = x
	}
	if s.DomainARN != "" {
		dest["AmazonopensearchserviceDestinationDescription"] = map[string]any{"DomainARN": s.DomainARN, "BufferingHints": hints,
			"RoleARN": "arn:aws:iam::000000000000:role/firehose", "ProcessingConfiguration": proc}
	}
	d := map[string]any{"DeliveryStreamName": s.Name, "DeliveryStreamARN": s.ARN, "DeliveryStreamStatus": "ACTIVE",
		"VersionId": "1", "Destinations": []any{dest}, "HasMoreDestinations": false}
	if s.SourceStreamARN != "" {
		d["DeliveryStreamType"] = "KinesisStreamAsSource"
		d["Source"] = map[string]any{"KinesisStreamSourceDescription": map[string]any{"KinesisStreamARN": s.SourceStreamARN,
			"RoleARN": "arn:aws:iam::000000000000:role/firehose"}}
	} else {
		d["DeliveryStreamType"] = "MSKAsSource"
		d["Source"] = map[string]any{"MSKSourceDescription": map[string]any{"MSKClusterARN": s.SourceClusterARN, "TopicName": "events"}}
	}
	return d
}

// Mapping is a Lambda event source mapping.
type Mapping struct {
	UUID, FunctionARN, EventSourceARN, State string
	BatchSize, WindowS, Parallelization      int
	Bisect                                   bool
	Retries                                  int
}

// Lambda answers ListEventSourceMappings in REST-JSON
// (GET /2015-03-31/event-source-mappings?EventSourceArn=…).
type Lambda struct {
	Denials
	Mappings []Mapping
}

// ServeHTTP implements http.Handler.
func (l *Lambda) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet || strings.TrimSuffix(r.URL.Path, "/") != "/2015-03-31/event-source-mappings" {
		restError(w, http.StatusNotFound, "UnknownOperationException", r.Method+" "+r.URL.Path+" is not served here")
		return
	}
	if l.denied("ListEventSourceMappings") {
		restError(w, http.StatusForbidden, "AccessDeniedException", "User: test is not authorized to perform: lambda:ListEventSourceMappings")
		return
	}
	src := r.URL.Query().Get("EventSourceArn")
	out := []any{}
	for _, m := range l.Mappings {
		if src != "" && m.EventSourceARN != src {
			continue
		}
		out = append(out, map[string]any{"UUID": m.UUID, "FunctionArn": m.FunctionARN, "EventSourceArn": m.EventSourceARN,
			"State": m.State, "BatchSize": m.BatchSize, "MaximumBatchingWindowInSeconds": m.WindowS,
			"ParallelizationFactor": m.Parallelization, "BisectBatchOnFunctionError": m.Bisect,
			"MaximumRetryAttempts": m.Retries, "StartingPosition": "LATEST", "MaximumRecordAgeInSeconds": -1})
	}
	writeJSON(w, "application/json", map[string]any{"EventSourceMappings": out})
}

// Domain is an OpenSearch domain.
type Domain struct {
	Name, InstanceType string
	Instances          int
}

// OpenSearch answers DescribeDomain in REST-JSON
// (GET /2021-01-01/opensearch/domain/{DomainName}).
type OpenSearch struct {
	Denials
	Domains []Domain
}

// ServeHTTP implements http.Handler.
func (o *OpenSearch) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name, ok := strings.CutPrefix(r.URL.Path, "/2021-01-01/opensearch/domain/")
	if r.Method != http.MethodGet || !ok || strings.Contains(name, "/") {
		restError(w, http.StatusNotFound, "UnknownOperationException", r.Method+" "+r.URL.Path+" is not served here")
		return
	}
	if o.denied("DescribeDomain") {
		restError(w, http.StatusForbidden, "AccessDeniedException", "User: test is not authorized to perform: es:DescribeDomain")
		return
	}
	for _, d := range o.Domains {
		if d.Name == name {
			writeJSON(w, "application/json", map[string]any{"DomainStatus": map[string]any{
				"DomainId": "000000000000/" + d.Name, "DomainName": d.Name, "ARN": "arn:aws:es:us-east-1:000000000000:domain/" + d.Name,
				"Created": true, "Deleted": false, "EngineVersion": "OpenSearch_2.13",
				"ClusterConfig": map[string]any{"InstanceType": d.InstanceType, "InstanceCount": d.Instances}}})
			return
		}
	}
	restError(w, http.StatusConflict, "ResourceNotFoundException", "Domain not found: "+name)
}

// Topic is a Kafka topic of an MSK cluster.
type Topic struct {
	Name                    string
	Partitions, Replication int
}

// Cluster is an MSK cluster.
type Cluster struct {
	ARN, Name, InstanceType string
	Brokers, VolumeGiB      int
	Topics                  []Topic
}

// MSK answers DescribeClusterV2 (GET /api/v2/clusters/{ClusterArn}) and
// ListTopics (GET /v1/clusters/{ClusterArn}/topics) in REST-JSON.
type MSK struct {
	Denials
	Clusters []Cluster
}

// ServeHTTP implements http.Handler.
func (m *MSK) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := r.URL.EscapedPath()
	var op, arn string
	switch {
	case strings.HasPrefix(path, "/api/v2/clusters/"):
		op, arn = "DescribeClusterV2", strings.TrimPrefix(path, "/api/v2/clusters/")
	case strings.HasPrefix(path, "/v1/clusters/") && strings.HasSuffix(path, "/topics"):
		op, arn = "ListTopics", strings.TrimSuffix(strings.TrimPrefix(path, "/v1/clusters/"), "/topics")
	default:
		restError(w, http.StatusNotFound, "NotFoundException", r.Method+" "+path+" is not served here")
		return
	}
	arn, _ = url.PathUnescape(arn)
	if m.denied(op) {
		restError(w, http.StatusForbidden, "ForbiddenException", "User: test is not authorized to perform: kafka:"+op)
		return
	}
	for _, c := range m.Clusters {
		if c.ARN != arn {
			continue
		}
		if op == "ListTopics" {
			topics := []any{}
			for _, t := range c.Topics {
				topics = append(topics, map[string]any{"topicName": t.Name, "topicArn": c.ARN + "/" + t.Name,
					"partitionCount": t.Partitions, "replicationFactor": t.Replication, "outOfSyncReplicaCount": 0})
			}
			writeJSON(w, "application/json", map[string]any{"topics": topics})
			return
		}
		writeJSON(w, "application/json", map[string]any{"clusterInfo": map[string]any{
			"clusterArn": c.ARN, "clusterName": c.Name, "clusterType": "PROVISIONED", "state": "ACTIVE",
			"provisioned": map[string]any{"numberOfBrokerNodes": c.Brokers, "brokerNodeGroupInfo": map[string]any{
				"instanceType": c.InstanceType, "clientSubnets": []string{"subnet-1", "subnet-2", "subnet-3"},
				"storageInfo": map[string]any{"ebsStorageInfo": map[string]any{"volumeSize": c.VolumeGiB}}}}}})
		return
	}
	restError(w, http.StatusNotFound, "NotFoundException", "cluster "+arn+" not found")
}
