package aws

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/firehose"
	fhtypes "github.com/aws/aws-sdk-go-v2/service/firehose/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/opensearch"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/streamsim/streamsim/internal/textsafe"
	"github.com/streamsim/streamsim/pipeline"
)

// mappings lists the Lambda event source mappings of a source (a stream, a
// stream's enhanced fan-out consumer, or an MSK cluster).
func (im *importer) mappings(ctx context.Context, source string) ([]lambdatypes.EventSourceMappingConfiguration, error) {
	in := &lambda.ListEventSourceMappingsInput{EventSourceArn: aws.String(source)}
	var out []lambdatypes.EventSourceMappingConfiguration
	for {
		resp, err := im.c.Lambda.ListEventSourceMappings(ctx, in)
		if err != nil {
			return out, err
		}
		out = append(out, resp.EventSourceMappings...)
		if aws.ToString(resp.NextMarker) == "" {
			return out, nil
		}
		in.Marker = resp.NextMarker
	}
}

// functionName is the name in a function ARN
// (arn:aws:lambda:region:account:function:NAME[:alias]).
func functionName(arn string) string {
	parts := strings.Split(arn, ":")
	for i, p := range parts {
		if p == "function" && i+1 < len(parts) {
			return parts[i+1]
		}
	}
	return parts[len(parts)-1]
}

// fnLoad is a Lambda consumer whose time per record is estimated from its
// metrics once every stream is read.
type fnLoad struct {
	node    *pipeline.Node
	name    string
	records float64 // records it reads over the window (its stream's)
}

// lambdas adds a Lambda consumer for every event source mapping of the
// stream and of its enhanced fan-out consumers.
func (im *importer) lambdas(ctx context.Context, st *streamInfo) {
	sources := []string{st.arn}
	for _, c := range st.efo {
		sources = append(sources, aws.ToString(c.ConsumerARN))
	}
	for i, src := range sources {
		if src == "" {
			continue
		}
		ms, err := im.mappings(ctx, src)
		if err != nil {
			what := "Lambda consumers of " + st.name
			if i > 0 {
				what = fmt.Sprintf("Lambda consumers of %s through enhanced fan-out consumer %s", st.name, aws.ToString(st.efo[i-1].ConsumerName))
			}
			im.failed(what, "lambda:ListEventSourceMappings", err)
			if i == 0 {
				return // denied or unreachable for one is so for all
			}
			continue
		}
		for _, m := range ms {
			efo := i > 0
			if efo {
				st.efoClaimed[src] = true
			} else {
				st.polling++
			}
			im.lambda(st.node, m, efo, st.incoming)
		}
	}
}

// lambda adds one Lambda consumer from its event source mapping.
func (im *importer) lambda(src *pipeline.Node, m lambdatypes.EventSourceMappingConfiguration, efo bool, records float64) *pipeline.Node {
	fn := functionName(aws.ToString(m.FunctionArn))
	state := aws.ToString(m.State)
	comment := fmt.Sprintf("Lambda function %s, through event source mapping %s (state %s). What it writes to is in its code: no API says.",
		fn, aws.ToString(m.UUID), state)
	n := newNode(pipeline.Lambda, im.newID(fn, ""), comment)
	n.From = src.ID
	const from = "ListEventSourceMappings "
	if v := m.BatchSize; v != nil {
		im.set(n, "batch_size", strconv.Itoa(int(*v)), from+"BatchSize")
	}
	if v := m.MaximumBatchingWindowInSeconds; v != nil {
		im.set(n, "batch_window", fmt.Sprintf("%ds", *v), from+"MaximumBatchingWindowInSeconds")
	}
	if v := m.ParallelizationFactor; v != nil && src.Service.Name == pipeline.KinesisDataStreams {
		im.set(n, "parallelization", strconv.Itoa(int(*v)), from+"ParallelizationFactor")
	}
	if v := m.BisectBatchOnFunctionError; v != nil && src.Service.Name == pipeline.KinesisDataStreams {
		im.set(n, "bisect", strconv.FormatBool(*v), from+"BisectBatchOnFunctionError")
	}
	if v := m.MaximumRetryAttempts; v != nil && src.Service.Name == pipeline.KinesisDataStreams {
		im.set(n, "retries", strconv.Itoa(int(*v)), from+"MaximumRetryAttempts")
	}
	if src.Service.Name == pipeline.KinesisDataStreams {
		read := "polling"
		note := from + "EventSourceArn is the stream: Lambda polls it"
		if efo {
			read, note = "enhanced-fan-out", from+"EventSourceArn is an enhanced fan-out consumer of the stream"
		}
		im.set(n, "read", read, note)
	}
	if state != "" && state != "Enabled" {
		im.miss("Lambda %s: its event source mapping is %s; imported as if it ran", fn, state)
	}
	im.add(n)
	im.compute = append(im.compute, n)
	im.functions = append(im.functions, fnLoad{node: n, name: fn, records: records})
	im.did("Lambda consumer %s of %s: batch %s, window %s, parallelization %s, %s", fn, src.ID,
		show(n, "batch_size"), show(n, "batch_window"), show(n, "parallelization"), show(n, "read"))
	return n
}

// functionTimes estimates each Lambda consumer's time per record from its
// CloudWatch metrics: the mean Duration × Invocations ÷ the records it read.
func (im *importer) functionTimes(ctx context.Context) {
	if len(im.functions) == 0 || im.cwDenied {
		return
	}
	var ms []metric
	for _, f := range im.functions {
		dims := [][2]string{{"FunctionName", f.name}}
		ms = append(ms, metric{namespace: "AWS/Lambda", name: "Invocations", stat: "Sum", dims: dims},
			metric{namespace: "AWS/Lambda", name: "Duration", stat: "Sum", dims: dims})
	}
	got, err := im.fetch(ctx, ms)
	if err != nil {
		im.failed("Lambda durations", "cloudwatch:GetMetricData", err)
		return
	}
	for i, f := range im.functions {
		inv, dur := got[2*i].sum(), got[2*i+1].sum()
		if inv <= 0 || dur <= 0 || f.records <= 0 {
			im.miss("Lambda %s: no Invocations or Duration in the window; its time per record is streamsim's default (%s)", f.name, f.node.Str("duration"))
			continue
		}
		perRecord := dur / f.records // milliseconds
		text := num(math.Round(perRecord*1000)/1000) + "ms"
		im.set(f.node, "duration", text, fmt.Sprintf("estimate: CloudWatch AWS/Lambda Duration (Sum %s ms over %s invocations) ÷ the %s records it read",
			num(math.Round(dur)), num(inv), num(f.records)))
	}
}

// deliveryInfo is a Firehose stream with a streaming source.
type deliveryInfo struct {
	d fhtypes.DeliveryStreamDescription
}

// listDeliveries reads every Firehose stream with a Kinesis or MSK source,
// once for all the streams imported.
func (im *importer) listDeliveries(ctx context.Context) error {
	if im.listedFH {
		return nil
	}
	im.listedFH = true
	for _, typ := range []fhtypes.DeliveryStreamType{fhtypes.DeliveryStreamTypeKinesisStreamAsSource, fhtypes.DeliveryStreamTypeMSKAsSource} {
		in := &firehose.ListDeliveryStreamsInput{DeliveryStreamType: typ, Limit: aws.Int32(100)}
		for {
			resp, err := im.c.Firehose.ListDeliveryStreams(ctx, in)
			if err != nil {
				return err
			}
			for _, name := range resp.DeliveryStreamNames {
				out, err := im.c.Firehose.DescribeDeliveryStream(ctx, &firehose.DescribeDeliveryStreamInput{DeliveryStreamName: aws.String(name)})
				if err != nil {
					im.failed("Firehose stream "+name, "firehose:DescribeDeliveryStream", err)
					continue
				}
				if out.DeliveryStreamDescription != nil {
					im.deliveries = append(im.deliveries, deliveryInfo{*out.DeliveryStreamDescription})
				}
			}
			if !aws.ToBool(resp.HasMoreDeliveryStreams) || len(resp.DeliveryStreamNames) == 0 {
				break
			}
			in.ExclusiveStartDeliveryStreamName = aws.String(resp.DeliveryStreamNames[len(resp.DeliveryStreamNames)-1])
		}
	}
	return nil
}

// firehoses adds a Firehose consumer for every delivery stream reading the
// stream, with its destination.
func (im *importer) firehoses(ctx context.Context, st *streamInfo) {
	if err := im.listDeliveries(ctx); err != nil {
		im.failed("Firehose streams reading "+st.name, "firehose:ListDeliveryStreams", err)
		return
	}
	for _, d := range im.deliveries {
		src := d.d.Source
		if src == nil || src.KinesisStreamSourceDescription == nil || aws.ToString(src.KinesisStreamSourceDescription.KinesisStreamARN) != st.arn {
			continue
		}
		im.delivery(ctx, st.node, d.d)
		st.polling++
	}
}

// delivery adds one Firehose consumer and its destination.
func (im *importer) delivery(ctx context.Context, src *pipeline.Node, d fhtypes.DeliveryStreamDescription) {
	name := aws.ToString(d.DeliveryStreamName)
	n := newNode(pipeline.Firehose, im.newID(name, ""),
		fmt.Sprintf("Firehose stream %s (%s), as DescribeDeliveryStream describes it.", name, aws.ToString(d.DeliveryStreamARN)))
	n.From = src.ID
	const from = "DescribeDeliveryStream "
	hints := func(h *fhtypes.BufferingHints, where string) {
		if h == nil {
			return
		}
		if v := h.SizeInMBs; v != nil {
			im.set(n, "buffer.size", fmt.Sprintf("%dMiB", *v), from+where+".BufferingHints.SizeInMBs")
		}
		if v := h.IntervalInSeconds; v != nil {
			im.set(n, "buffer.interval", fmt.Sprintf("%ds", *v), from+where+".BufferingHints.IntervalInSeconds")
		}
	}
	transform := func(p *fhtypes.ProcessingConfiguration, where string) {
		if p == nil || !aws.ToBool(p.Enabled) {
			return
		}
		for _, pr := range p.Processors {
			if pr.Type == fhtypes.ProcessorTypeLambda {
				im.set(n, "transform.lambda", "true", from+where+".ProcessingConfiguration: a Lambda processor")
				return
			}
		}
	}
	var dest *pipeline.Node
	what := "nothing streamsim models"
	// A Firehose stream has one destination: the first of the list.
	for _, dd := range d.Destinations[:min(1, len(d.Destinations))] {
		switch {
		case dd.ExtendedS3DestinationDescription != nil:
			x := dd.ExtendedS3DestinationDescription
			hints(x.BufferingHints, "ExtendedS3DestinationDescription")
			transform(x.ProcessingConfiguration, "ExtendedS3DestinationDescription")
			if c := x.DataFormatConversionConfiguration; c != nil && aws.ToBool(c.Enabled) && c.OutputFormatConfiguration != nil && c.OutputFormatConfiguration.Serializer != nil {
				format := "parquet"
				if c.OutputFormatConfiguration.Serializer.OrcSerDe != nil {
					format = "orc"
				}
				im.set(n, "format", format, from+"DataFormatConversionConfiguration")
			}
			dest = im.bucket(ctx, aws.ToString(x.BucketARN))
			what = "S3"
		case dd.S3DestinationDescription != nil:
			x := dd.S3DestinationDescription
			hints(x.BufferingHints, "S3DestinationDescription")
			dest = im.bucket(ctx, aws.ToString(x.BucketARN))
			what = "S3"
		case dd.AmazonopensearchserviceDestinationDescription != nil:
			x := dd.AmazonopensearchserviceDestinationDescription
			if x.BufferingHints != nil {
				hints(&fhtypes.BufferingHints{SizeInMBs: x.BufferingHints.SizeInMBs, IntervalInSeconds: x.BufferingHints.IntervalInSeconds}, "AmazonopensearchserviceDestinationDescription")
			}
			transform(x.ProcessingConfiguration, "AmazonopensearchserviceDestinationDescription")
			dest = im.domain(ctx, aws.ToString(x.DomainARN))
			what = "OpenSearch"
		case dd.ElasticsearchDestinationDescription != nil:
			x := dd.ElasticsearchDestinationDescription
			if x.BufferingHints != nil {
				hints(&fhtypes.BufferingHints{SizeInMBs: x.BufferingHints.SizeInMBs, IntervalInSeconds: x.BufferingHints.IntervalInSeconds}, "ElasticsearchDestinationDescription")
			}
			dest = im.domain(ctx, aws.ToString(x.DomainARN))
			what = "OpenSearch (Elasticsearch)"
		case dd.RedshiftDestinationDescription != nil:
			dest = newNode(pipeline.Redshift, im.newID("redshift", ""), "The Redshift cluster Firehose copies into; its size was not read: set nodes.")
			im.add(dest)
			im.miss("Firehose %s: delivers to Redshift; the cluster's node count is not read (set nodes)", name)
			what = "Redshift"
		default:
			im.miss("Firehose %s: delivers to a destination streamsim does not model (HTTP endpoint, Splunk, Snowflake, Iceberg or OpenSearch Serverless); imported without one", name)
		}
	}
	if dest != nil {
		n.To = []string{dest.ID}
	}
	im.add(n)
	im.did("Firehose %s reading %s: buffer %s / %s, to %s", name, src.ID, show(n, "buffer.size"), show(n, "buffer.interval"), what)
}

// arnResource is what follows the last ':' of an ARN, or after a prefix.
func arnResource(arn, prefix string) string {
	if i := strings.Index(arn, prefix); i >= 0 {
		return arn[i+len(prefix):]
	}
	return arn[strings.LastIndex(arn, ":")+1:]
}

// bucket adds (once) the S3 bucket of an ARN, checked with HeadBucket.
func (im *importer) bucket(ctx context.Context, arn string) *pipeline.Node {
	name := arnResource(arn, ":::")
	if n, ok := im.buckets[name]; ok {
		return n
	}
	n := newNode(pipeline.S3, im.newID(name, ""), fmt.Sprintf("S3 bucket %s.", name))
	im.buckets[name] = n
	im.add(n)
	if _, err := im.c.S3.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(name)}); err != nil {
		im.failed("S3 bucket "+name, "s3:ListBucket (HeadBucket)", err)
		return n
	}
	region := ""
	if out, err := im.c.S3.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String(name)}); err == nil {
		region = string(out.LocationConstraint)
		if region == "" {
			region = "us-east-1"
		}
		n.Comment = textsafe.Line(fmt.Sprintf("S3 bucket %s in %s (HeadBucket, GetBucketLocation).", name, region))
	} else {
		im.failed("region of S3 bucket "+name, "s3:GetBucketLocation", err)
	}
	if region != "" {
		name += " in " + region
	}
	im.did("S3 bucket %s: exists", name)
	return n
}

// domain adds (once) an OpenSearch domain with its data nodes.
func (im *importer) domain(ctx context.Context, arn string) *pipeline.Node {
	name := arnResource(arn, "domain/")
	if n, ok := im.domains[name]; ok {
		return n
	}
	n := newNode(pipeline.OpenSearch, im.newID(name, ""), fmt.Sprintf("OpenSearch domain %s (%s).", name, arn))
	im.domains[name] = n
	im.add(n)
	out, err := im.c.OpenSearch.DescribeDomain(ctx, &opensearch.DescribeDomainInput{DomainName: aws.String(name)})
	if err != nil {
		im.failed("OpenSearch domain "+name, "es:DescribeDomain", err)
		return n
	}
	if out.DomainStatus == nil || out.DomainStatus.ClusterConfig == nil {
		im.miss("OpenSearch domain %s: DescribeDomain gave no cluster configuration", name)
		return n
	}
	cc := out.DomainStatus.ClusterConfig
	if v := cc.InstanceCount; v != nil {
		im.set(n, "instances", strconv.Itoa(int(*v)), "DescribeDomain ClusterConfig.InstanceCount")
	}
	typ := string(cc.InstanceType)
	k, _ := n.Service.Key("instance_type")
	switch {
	case typ == "":
	case slices.Contains(k.Enum, typ):
		im.set(n, "instance_type", typ, "DescribeDomain ClusterConfig.InstanceType")
	default:
		im.miss("OpenSearch domain %s: instance type %s is not one streamsim models (%s); left at %s", name, typ, strings.Join(k.Enum, ", "), k.Default)
	}
	im.did("OpenSearch domain %s: %s × %s", name, show(n, "instances"), typ)
	return n
}

// efoApps adds an application consumer for every enhanced fan-out consumer
// no Lambda mapping uses: what reads through it (a KCL application, most
// often) runs somewhere the APIs do not show.
func (im *importer) efoApps(st *streamInfo) {
	for _, c := range st.efo {
		arn := aws.ToString(c.ConsumerARN)
		if st.efoClaimed[arn] {
			continue
		}
		name := aws.ToString(c.ConsumerName)
		n := newNode(pipeline.App, im.newID(name, ""),
			fmt.Sprintf("Registered enhanced fan-out consumer %s (%s). What reads through it (a KCL application?) is not visible to the APIs: its instances, capacity and targets are streamsim's defaults.", name, arn))
		n.From = st.node.ID
		im.set(n, "read", "enhanced-fan-out", "ListStreamConsumers: a registered enhanced fan-out consumer")
		im.add(n)
		im.compute = append(im.compute, n)
		im.miss("enhanced fan-out consumer %s of %s: what reads through it is not visible to the APIs; imported as an application with default capacity", name, st.name)
	}
}

// hiddenReaders adds polling readers the APIs do not name: CloudWatch's
// GetRecords.Records counts the records every polling reader got, so over a
// window it is about the written records times the polling readers.
func (im *importer) hiddenReaders(st *streamInfo) {
	if st.readRatio < 0 {
		if st.incoming > 0 {
			im.miss("polling readers of %s that no API names (a KCL application on EC2, ECS or EKS): not known, GetRecords.Records held no data", st.name)
		}
		return
	}
	extra := int(math.Round(st.readRatio)) - st.polling
	if extra < 1 {
		return
	}
	const most = 5
	if extra > most {
		im.miss("%s: GetRecords.Records suggests %d polling readers no API names; %d are imported", st.name, extra, most)
		extra = most
	}
	for range extra {
		n := newNode(pipeline.App, im.newID(st.name, "reader"),
			fmt.Sprintf("A polling reader of %s that no API names (a KCL application on EC2, ECS or EKS, a Spark or Flink job?): its instances, capacity and targets are streamsim's defaults.", st.name))
		n.From = st.node.ID
		im.set(n, "read", "polling", fmt.Sprintf("inferred: GetRecords.Records ÷ IncomingRecords = %s over the window (CloudWatch), and the APIs name %d polling reader(s)",
			num(math.Round(st.readRatio*100)/100), st.polling))
		im.add(n)
		im.compute = append(im.compute, n)
	}
	im.miss("%s: %d polling reader(s) that no API names, inferred from GetRecords.Records (%s× the records written); imported as applications with default capacity",
		st.name, extra, num(math.Round(st.readRatio*100)/100))
}

// tables adds the DynamoDB tables named with --table, and connects them to
// the one Lambda or application consumer, when there is just one.
func (im *importer) tables(ctx context.Context) {
	for _, name := range im.o.Tables {
		n := newNode(pipeline.DynamoDB, im.newID(name, ""), fmt.Sprintf("DynamoDB table %s, named with --table.", name))
		out, err := im.c.DynamoDB.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)})
		switch {
		case err != nil:
			im.failed("DynamoDB table "+name, "dynamodb:DescribeTable", err)
			if whyFailed(err) == failNotFound {
				continue
			}
		case out.Table == nil:
			im.miss("DynamoDB table %s: DescribeTable gave no table", name)
		default:
			t := out.Table
			if t.BillingModeSummary != nil && t.BillingModeSummary.BillingMode == ddbtypes.BillingModePayPerRequest {
				im.set(n, "mode", "on-demand", "DescribeTable BillingModeSummary = PAY_PER_REQUEST")
			} else {
				im.set(n, "mode", "provisioned", "DescribeTable: provisioned capacity")
				if t.ProvisionedThroughput != nil && aws.ToInt64(t.ProvisionedThroughput.WriteCapacityUnits) > 0 {
					im.set(n, "wcu", strconv.FormatInt(aws.ToInt64(t.ProvisionedThroughput.WriteCapacityUnits), 10), "DescribeTable ProvisionedThroughput.WriteCapacityUnits")
				}
			}
			wcu := ""
			if n.Has("wcu") {
				wcu = ", " + show(n, "wcu") + " WCU"
			}
			im.did("DynamoDB table %s: %s%s", name, n.Str("mode"), wcu)
		}
		im.add(n)
		// The writer is the only Lambda consumer, or else the only
		// application (whose existence the importer only inferred).
		var writers []*pipeline.Node
		for _, kind := range []pipeline.ServiceName{pipeline.Lambda, pipeline.App} {
			for _, c := range im.compute {
				if c.Service.Name == kind {
					writers = append(writers, c)
				}
			}
			if len(writers) > 0 {
				break
			}
		}
		switch len(writers) {
		case 1:
			c := writers[0]
			c.To = append(c.To, n.ID)
			n.Comment += textsafe.Line(" Connected to " + c.ID + ", the only " + c.Service.Label + " consumer: check that it writes here.")
		case 0:
			im.miss("DynamoDB table %s: no Lambda or application consumer was found to write to it; it is left unconnected", name)
		default:
			im.miss("DynamoDB table %s: several consumers could write to it; connect it with to: on the one that does", name)
		}
	}
}
