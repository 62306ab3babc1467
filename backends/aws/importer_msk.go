package aws

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kafka"
	kafkatypes "github.com/aws/aws-sdk-go-v2/service/kafka/types"

	"github.com/streamsim/streamsim/pipeline"
)

// cluster imports an MSK cluster: its brokers and topics as one storage
// node, a producer for its load (MessagesInPerSec over its brokers), and the
// Lambda and Firehose consumers reading it.
func (im *importer) cluster(ctx context.Context, arn string) bool {
	out, err := im.c.MSK.DescribeClusterV2(ctx, &kafka.DescribeClusterV2Input{ClusterArn: aws.String(arn)})
	if err != nil {
		if whyFailed(err) == failNotFound {
			im.miss("MSK cluster %s: does not exist in %s", arn, im.c.Region)
		} else {
			im.failed("MSK cluster "+arn, "kafka:DescribeClusterV2", err)
		}
		return false
	}
	ci := out.ClusterInfo
	if ci == nil {
		im.miss("MSK cluster %s: DescribeClusterV2 gave no cluster", arn)
		return false
	}
	name := aws.ToString(ci.ClusterName)
	if name == "" {
		name = arnResource(arn, "cluster/")
		name, _, _ = strings.Cut(name, "/")
	}
	svc := pipeline.MSK
	if ci.ClusterType == kafkatypes.ClusterTypeServerless {
		svc = pipeline.MSKServerless
	}
	n := newNode(svc, im.newID(name, ""), fmt.Sprintf("MSK cluster %s (%s), as DescribeClusterV2 and ListTopics describe it; streamsim models its topics as one.", name, arn))
	brokers := 0
	if p := ci.Provisioned; p != nil && svc == pipeline.MSK {
		brokers = int(aws.ToInt32(p.NumberOfBrokerNodes))
		if brokers > 0 {
			im.set(n, "brokers", strconv.Itoa(brokers), "DescribeClusterV2 Provisioned.NumberOfBrokerNodes")
		}
		if g := p.BrokerNodeGroupInfo; g != nil {
			typ := aws.ToString(g.InstanceType)
			if slices.Contains(pipeline.BrokerTypes(), typ) {
				im.set(n, "broker_type", typ, "DescribeClusterV2 BrokerNodeGroupInfo.InstanceType")
			} else if typ != "" {
				im.miss("MSK cluster %s: broker type %s is not one streamsim models; left at %s", name, typ, n.Str("broker_type"))
			}
			if g.StorageInfo != nil && g.StorageInfo.EbsStorageInfo != nil && aws.ToInt32(g.StorageInfo.EbsStorageInfo.VolumeSize) > 0 {
				im.set(n, "storage", fmt.Sprintf("%dGiB", aws.ToInt32(g.StorageInfo.EbsStorageInfo.VolumeSize)), "DescribeClusterV2 EbsStorageInfo.VolumeSize")
			}
		}
	}
	parts, repl, topics := 0, 0, 0
	in := &kafka.ListTopicsInput{ClusterArn: aws.String(arn)}
	for {
		resp, err := im.c.MSK.ListTopics(ctx, in)
		if err != nil {
			im.failed("topics of MSK cluster "+name, "kafka:ListTopics", err)
			break
		}
		for _, t := range resp.Topics {
			if strings.HasPrefix(aws.ToString(t.TopicName), "__") {
				continue // Kafka's own (__consumer_offsets)
			}
			topics++
			parts += int(aws.ToInt32(t.PartitionCount))
			repl = max(repl, int(aws.ToInt32(t.ReplicationFactor)))
		}
		if aws.ToString(resp.NextToken) == "" {
			break
		}
		in.NextToken = resp.NextToken
	}
	if parts > 0 {
		im.set(n, "partitions", strconv.Itoa(parts), fmt.Sprintf("ListTopics: the partitions of its %d topics together", topics))
	}
	if repl > 0 && svc == pipeline.MSK {
		im.set(n, "replication", strconv.Itoa(min(repl, 3)), "ListTopics: the largest ReplicationFactor")
	}
	im.add(n)
	im.did("MSK cluster %s: %s, %d brokers, %d topics, %d partitions", name, svc, brokers, topics, parts)
	records := im.clusterLoad(ctx, n, name, brokers)
	ms, err := im.mappings(ctx, arn)
	if err != nil {
		im.failed("Lambda consumers of "+name, "lambda:ListEventSourceMappings", err)
	}
	for _, m := range ms {
		im.lambda(n, m, false, records)
	}
	if err := im.listDeliveries(ctx); err != nil {
		im.failed("Firehose streams reading "+name, "firehose:ListDeliveryStreams", err)
	} else {
		for _, d := range im.deliveries {
			if s := d.d.Source; s != nil && s.MSKSourceDescription != nil && aws.ToString(s.MSKSourceDescription.MSKClusterARN) == arn {
				im.delivery(ctx, n, d.d)
			}
		}
	}
	im.miss("MSK cluster %s: consumer groups (KCL-like applications reading with Kafka clients) are visible only through Kafka itself; none are imported", name)
	return true
}

// clusterLoad adds the producer of an MSK cluster's load: MessagesInPerSec
// and BytesInPerSec (per broker, CloudWatch AWS/Kafka) summed over brokers.
// It returns the messages written over the window.
func (im *importer) clusterLoad(ctx context.Context, n *pipeline.Node, name string, brokers int) float64 {
	p := newNode(pipeline.ProducerService, im.newID(name, "writers"),
		fmt.Sprintf("Everything that writes to MSK cluster %s, as one producer: its load is the brokers', from CloudWatch.", name))
	p.To = []string{n.ID}
	defer im.add(p)
	if brokers == 0 || im.cwDenied {
		im.set(p, "rate", "1000/s", "PLACEHOLDER: the cluster's load could not be read; set your rate here")
		im.miss("load of MSK cluster %s: not read (serverless clusters report per topic; or CloudWatch was denied)", name)
		return 0
	}
	var ms []metric
	for b := 1; b <= brokers; b++ {
		dims := [][2]string{{"Cluster Name", name}, {"Broker ID", strconv.Itoa(b)}}
		ms = append(ms, metric{namespace: "AWS/Kafka", name: "MessagesInPerSec", stat: "Average", dims: dims},
			metric{namespace: "AWS/Kafka", name: "BytesInPerSec", stat: "Average", dims: dims})
	}
	got, err := im.fetch(ctx, ms)
	if err != nil {
		im.failed("load of MSK cluster "+name, "cloudwatch:GetMetricData", err)
		im.cwDenied = im.cwDenied || whyFailed(err) == failDenied
		im.set(p, "rate", "1000/s", "PLACEHOLDER: the cluster's load could not be read from CloudWatch; set your rate here")
		return 0
	}
	points := make([]float64, im.win.points())
	var msgs, byts float64
	for b := range brokers {
		for k, v := range got[2*b].values {
			points[k] += v
		}
		msgs += got[2*b].sum()
		byts += got[2*b+1].sum()
	}
	var total float64
	for _, v := range points {
		total += v
	}
	src := fmt.Sprintf("CloudWatch AWS/Kafka MessagesInPerSec, Average per %s summed over the brokers, %s … %s", pipeline.FormatDuration(im.win.period), when(im.win.start), when(im.win.end))
	if total <= 0 {
		im.set(p, "rate", "0/s", "no MessagesInPerSec in the window: "+src)
		return 0
	}
	im.set(p, "rate", num(round3(total/float64(len(points))))+"/s", "the mean of "+src)
	im.set(p, "pattern.shape", "series", "the recorded rate below")
	im.setValue(p, "pattern.series", pipeline.NewSeries(points, false), src+", one point per period")
	im.set(p, "pattern.every", pipeline.FormatDuration(im.win.period), "the CloudWatch period")
	if byts > 0 && msgs > 0 {
		im.set(p, "record_size.mean", pipeline.FormatSize(max(1, math.Round(byts/msgs))), "BytesInPerSec ÷ MessagesInPerSec over the window")
	}
	im.did("load of MSK cluster %s: mean %s/s over %s", name, p.Params["rate"].String(), im.windowText())
	return total * im.win.period.Seconds()
}
