package dashboard

import (
	"fmt"
	"math"
	"strings"

	"github.com/streamsim/streamsim/pipeline"
)

// awsCommands returns, for a change made on the dashboard, the AWS CLI calls
// (or, where AWS has no API for it, a comment saying what would be done) that
// make the same change to a real pipeline. Names in <angle brackets> are the
// account's own identifiers.
func awsCommands(sc *pipeline.Scenario, c pipeline.Change) []string {
	var out []string
	for _, a := range c.Set {
		n := sc.Node(a.Node)
		if n == nil {
			continue
		}
		out = append(out, setCommand(n, a))
	}
	if c.Fail != "" {
		what := "stop " + c.Fail
		if c.For > 0 {
			what += " for " + pipeline.FormatDuration(c.For)
		}
		out = append(out, "aws fis start-experiment --experiment-template-id <template: "+what+">")
	}
	return out
}

func setCommand(n *pipeline.Node, a pipeline.Assignment) string {
	v := a.Value
	id := n.ID
	num := func() string { return fmt.Sprintf("%d", int64(math.Round(v.Num))) }
	switch string(n.Service.Name) + "." + a.Key {
	case "kinesis-data-streams.shards":
		return "aws kinesis update-shard-count --stream-name " + id + " --target-shard-count " + num() + " --scaling-type UNIFORM_SCALING"
	case "kinesis-data-streams.mode":
		return "aws kinesis update-stream-mode --stream-arn <arn of " + id + "> --stream-mode-details StreamMode=" + strings.ToUpper(strings.ReplaceAll(v.Str, "-", "_"))
	case "kinesis-data-streams.retention":
		op := "increase"
		if cur := n.Dur("retention"); v.Dur < cur {
			op = "decrease"
		}
		return fmt.Sprintf("aws kinesis %s-stream-retention-period --stream-name %s --retention-period-hours %d", op, id, int64(v.Dur.Hours()))
	case "msk.brokers":
		return "aws kafka update-broker-count --cluster-arn <arn of " + id + "> --current-version <version> --target-number-of-broker-nodes " + num()
	case "msk.partitions", "msk-serverless.partitions":
		return "kafka-topics.sh --bootstrap-server <brokers of " + id + "> --alter --topic " + id + " --partitions " + num()
	case "msk.storage":
		return fmt.Sprintf("aws kafka update-broker-storage --cluster-arn <arn of %s> --current-version <version> --target-broker-ebs-volume-info KafkaBrokerNodeId=All,VolumeSizeGB=%d", id, int64(v.Num/(1<<30)))
	case "firehose.buffer.size":
		return fmt.Sprintf("aws firehose update-destination --delivery-stream-name %s --current-delivery-stream-version-id <version> --destination-id destinationId-000000000001 --extended-s3-destination-update BufferingHints={SizeInMBs=%d}", id, int64(math.Round(v.Num/(1<<20))))
	case "firehose.buffer.interval":
		return fmt.Sprintf("aws firehose update-destination --delivery-stream-name %s --current-delivery-stream-version-id <version> --destination-id destinationId-000000000001 --extended-s3-destination-update BufferingHints={IntervalInSeconds=%d}", id, int64(v.Dur.Seconds()))
	case "flink.kpus":
		return "aws kinesisanalyticsv2 update-application --application-name " + id + " --current-application-version-id <version> --application-configuration-update FlinkApplicationConfigurationUpdate={ParallelismConfigurationUpdate={ConfigurationTypeUpdate=CUSTOM,ParallelismUpdate=" + num() + ",ParallelismPerKPUUpdate=1}}"
	case "lambda.batch_size":
		return "aws lambda update-event-source-mapping --uuid <mapping of " + id + "> --batch-size " + num()
	case "lambda.batch_window":
		return fmt.Sprintf("aws lambda update-event-source-mapping --uuid <mapping of %s> --maximum-batching-window-in-seconds %d", id, int64(v.Dur.Seconds()))
	case "lambda.parallelization":
		return "aws lambda update-event-source-mapping --uuid <mapping of " + id + "> --parallelization-factor " + num()
	case "glue-streaming.workers":
		return "aws glue update-job --job-name " + id + " --job-update NumberOfWorkers=" + num() + ",WorkerType=" + n.Str("worker_type") + ",Role=<role>,Command={Name=gluestreaming,ScriptLocation=<script>}"
	case "emr.instances":
		return "aws emr modify-instance-groups --cluster-id <cluster of " + id + "> --instance-groups InstanceGroupId=<core group>,InstanceCount=" + num()
	case "app.instances":
		return "aws ecs update-service --cluster <cluster> --service " + id + " --desired-count " + num()
	case "dynamodb.wcu":
		return "aws dynamodb update-table --table-name " + id + " --provisioned-throughput ReadCapacityUnits=<rcu>,WriteCapacityUnits=" + num()
	case "dynamodb.mode":
		mode := "PROVISIONED"
		if v.Str == "on-demand" {
			mode = "PAY_PER_REQUEST"
		}
		return "aws dynamodb update-table --table-name " + id + " --billing-mode " + mode
	case "opensearch.instances":
		return "aws opensearch update-domain-config --domain-name " + id + " --cluster-config InstanceCount=" + num()
	case "redshift.nodes":
		return "aws redshift resize-cluster --cluster-identifier " + id + " --number-of-nodes " + num()
	}
	if n.Stage == pipeline.Producer {
		return "# " + id + "." + a.Key + " = " + v.String() + ": your producers' load, not an AWS setting"
	}
	return "# " + id + "." + a.Key + " = " + v.String() + ": no single AWS CLI call; change it in " + n.Service.Label + "'s configuration"
}

// capacityKey is the key `t` (reshard) changes on a storage node.
func capacityKey(n *pipeline.Node) (key, noun string) {
	switch n.Service.Name {
	case pipeline.KinesisDataStreams:
		return "shards", "shard"
	case pipeline.MSK, pipeline.MSKServerless:
		return "partitions", "partition"
	case pipeline.KinesisVideoStreams:
		return "streams", "stream"
	}
	return "", "unit"
}
